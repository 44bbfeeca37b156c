"""Starting check-ins through Rasa's HTTP API: the request the real Rasa server expects, and what happens when it
cannot answer. (The whole conversation through a real Rasa server is in tests/test_checkin_conversation.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import local_inbox
from bot.followup.starter import RasaStarter, StartError
from tests.fakes._base import FakeServer, Reply, Request


class FakeRasaApi(FakeServer):
    """Rasa 3.6's `POST /conversations/{id}/trigger_intent` (rasa/server.py): JSON {"name": intent}; answers with the
    tracker and, for a collecting output channel (none named), the messages the bot produced."""

    name = "fake-rasa"

    def handle(self, request: Request) -> Reply:
        if request.method != "POST" or not request.path.endswith("/trigger_intent"):
            return Reply(404, {"status": "failure"})
        body = json.loads(request.body or b"{}")
        if body.get("name") != "EXTERNAL_checkin":
            return Reply(400, {"status": "failure", "reason": "BadRequest"})
        messages = [] if request.query.get("output_channel") else [
            {"recipient_id": "x", "text": "Namaste! Helpline se...", "utter_action": "utter_checkin_intro"},
            {"recipient_id": "x", "text": "Kya bachcha ghar par hai? 1 = Haan, 2 = Nahi"}]
        return Reply(200, {"tracker": {}, "messages": messages})


@pytest.fixture
def rasa(helpline_env: Path) -> FakeRasaApi:
    with FakeRasaApi() as fake:
        yield fake


@pytest.mark.parametrize("channel, output_channel", [("sms", "twilio"), ("whatsapp", "twilio"),
                                                     ("telegram", "telegram")])
def test_a_check_in_is_started_on_the_familys_own_channel(rasa: FakeRasaApi, channel: str,
                                                          output_channel: str) -> None:
    RasaStarter(rasa.url, token="s3cret").start("pseudonym/with slash", channel)
    [request] = rasa.requests
    assert request.path == "/conversations/pseudonym%2Fwith%20slash/trigger_intent"
    assert request.query["output_channel"] == [output_channel] and request.query["token"] == ["s3cret"]
    assert json.loads(request.body) == {"name": "EXTERNAL_checkin"}


def test_on_the_local_chat_the_messages_wait_for_make_shell(rasa: FakeRasaApi) -> None:
    RasaStarter(rasa.url, token="").start("local-demo", "rest")
    assert "output_channel" not in rasa.requests[0].query and "token" not in rasa.requests[0].query
    assert local_inbox.take("local-demo") == ["Namaste! Helpline se...", "Kya bachcha ghar par hai? 1 = Haan, 2 = Nahi"]
    assert local_inbox.take("local-demo") == []  # shown once


@pytest.mark.parametrize("status", [401, 404, 500, 503])
def test_an_error_from_rasa_is_a_start_error(rasa: FakeRasaApi, status: int) -> None:
    rasa.fail_next(status=status)
    with pytest.raises(StartError, match=str(status)):
        RasaStarter(rasa.url).start("someone", "sms")


def test_rasa_not_running_is_a_start_error(helpline_env: Path) -> None:
    with FakeRasaApi() as stopped:
        url = stopped.url
    with pytest.raises(StartError, match="unreachable"):
        RasaStarter(url, timeout=2).start("someone", "sms")
