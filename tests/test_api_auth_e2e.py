"""Rasa's HTTP API and the action server refuse callers without their token (issue 10, item 4).

Through the real servers, started as `make run` starts them (`--auth-token`, the action server's shared secret in
endpoints.yml): every route of Rasa's HTTP API answers 401 without the token or with a wrong one; the action server
answers 403 to everything but its health check without the header Rasa sends; and the follow-up worker, which reads
the token from its settings, still starts a check-in. One server start for the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests

from bot.action_auth import HEADER
from bot.followup.schedule import IST
from tests.conftest import _reset_caches
from tests.servers import Helpline, running_helpline

# Every route of Rasa 3.6's HTTP API (rasa/server.py) except "/" and "/version", which say only the version.
API_ROUTES = [
    ("GET", "/status"),
    ("GET", "/domain"),
    ("GET", "/conversations/someone/tracker"),
    ("POST", "/conversations/someone/tracker/events"),
    ("PUT", "/conversations/someone/tracker/events"),
    ("GET", "/conversations/someone/story"),
    ("POST", "/conversations/someone/execute"),
    ("POST", "/conversations/someone/trigger_intent"),
    ("POST", "/conversations/someone/predict"),
    ("POST", "/conversations/someone/messages"),
    ("POST", "/model/train"),
    ("POST", "/model/test/stories"),
    ("POST", "/model/test/intents"),
    ("POST", "/model/predict"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
]
BODIES = {
    "/conversations/someone/tracker/events": [{"event": "slot", "name": "language", "value": "en"}],
    "/conversations/someone/execute": {"name": "action_submit_report"},
    "/conversations/someone/trigger_intent": {"name": "EXTERNAL_checkin"},
    "/conversations/someone/messages": {"text": "hello", "sender": "user"},
    "/model/parse": {"text": "hello"},
    "/model": {"model_file": "/tmp/elsewhere.tar.gz"},
}


@pytest.fixture(scope="module")
def helpline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Helpline]:
    with running_helpline(tmp_path_factory.mktemp("var"), {"HELPLINE_TRANSLATOR": "off"}) as servers, \
            pytest.MonkeyPatch.context() as monkeypatch:
        # The servers' store, key, Rasa URL and token: the worker code below reads them from its settings.
        for name in ("HELPLINE_SECRET_KEYS", "HELPLINE_VAR_DIR", "HELPLINE_DATABASE_URL", "HELPLINE_RASA_URL",
                     "HELPLINE_RASA_TOKEN"):
            monkeypatch.setenv(name, servers.env[name])
        _reset_caches()
        yield servers
    _reset_caches()


def _call(method: str, url: str, **kwargs: object) -> requests.Response:
    return requests.request(method, url, timeout=60, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("method, path", API_ROUTES)
@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_every_api_route_refuses_a_caller_without_the_token(helpline: Helpline, method: str, path: str,
                                                            token: str | None) -> None:
    params = {} if token is None else {"token": token}
    response = _call(method, helpline.api + path, params=params, json=BODIES.get(path))
    assert response.status_code == 401, (method, path, response.status_code)


def test_nothing_was_changed_by_the_refused_calls(helpline: Helpline) -> None:
    for method, path in API_ROUTES:
        _call(method, helpline.api + path, json=BODIES.get(path))
    tracker = helpline.tracker("someone")
    assert [e for e in tracker["events"] if e["event"] not in ("action", "session_started", "slot")] == []
    # The model is still loaded and answering.
    assert helpline.send("after-refusals", "hello")


def test_the_api_answers_with_the_token(helpline: Helpline) -> None:
    status = _call("GET", helpline.api + "/status", params=helpline.token)
    assert status.status_code == 200 and status.json()["model_id"]
    parse = _call("POST", helpline.api + "/model/parse", params=helpline.token, json={"text": "namaste"})
    assert parse.status_code == 200 and parse.json()["intent"]["name"]


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/actions", None),
    ("POST", "/webhook", {"next_action": "action_submit_report", "sender_id": "x", "tracker": {}, "domain": {}}),
    ("POST", "/webhook", {"next_action": "action_read_message", "sender_id": "x", "tracker": {}, "domain": {}}),
])
@pytest.mark.parametrize("header", [None, "", "wrong-secret"])
def test_the_action_server_only_answers_rasa(helpline: Helpline, method: str, path: str, body: object,
                                             header: str | None) -> None:
    headers = {} if header is None else {HEADER: header}
    response = _call(method, helpline.actions + path, json=body, headers=headers)
    assert response.status_code == 403


def test_the_action_server_health_check_stays_open(helpline: Helpline) -> None:
    assert _call("GET", helpline.actions + "/health").status_code == 200
    listed = _call("GET", helpline.actions + "/actions", headers={HEADER: helpline.env["HELPLINE_ACTION_TOKEN"]})
    assert listed.status_code == 200 and any(a["name"] == "action_read_message" for a in listed.json())


def test_rasa_reaches_its_actions_with_the_secret(helpline: Helpline) -> None:
    """A whole turn runs custom actions (action_read_message on every message): the secret in endpoints.yml works."""
    from tests.replies import GREETINGS, reply_text

    assert helpline.send("actions-reached", GREETINGS["en"])[:1] == [reply_text("utter_greet", "en")]


def test_the_worker_starts_a_check_in_with_the_token_from_its_settings(helpline: Helpline) -> None:
    from bot.followup.starter import RasaStarter, StartError
    from bot.followup.worker import FollowupWorker
    from bot.local_inbox import take
    from tests.followup_helpers import enrol
    from tests.test_checkin_conversation import daytime_clock

    clock = daytime_clock()
    returned_on = clock.now().astimezone(IST).date() - timedelta(days=8)
    enrol(clock, returned_on, channel="rest", address="auth-family", language="en")
    assert FollowupWorker(RasaStarter(), clock).run_once() == 1  # URL and token from the settings
    assert take("auth-family"), "the check-in question reached the family's conversation"

    with pytest.raises(StartError, match="401"):
        RasaStarter(token="wrong-token").start("auth-family", "rest")
