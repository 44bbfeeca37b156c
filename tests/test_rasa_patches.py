"""bot/rasa_patches.py: same behaviour as Rasa's originals, less work; and a canary that fails when Rasa changes.

End to end (a whole conversation through the real servers, with the patches installed by bot.channels) is covered by
tests/test_conversation.py and tests/test_api_auth_e2e.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tarfile
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import rasa
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import ActionSessionStart, RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot import rasa_patches
from bot.action_auth import HEADER
from tests.servers import MODEL

VALIDATE = "RemoteAction._validate_action_result"
REQUEST = "EndpointConfig.request"
SESSION = "MessageProcessor._has_session_expired"
CARRY = "ActionSessionStart._slot_set_events_from_tracker"
RULES = "RulePolicy._get_possible_keys"
EVENTS = "Event.resolve_by_type"
ALL = {VALIDATE, REQUEST, SESSION, CARRY, RULES, EVENTS}


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(rasa_patches.ENV_SWITCH, raising=False)
    rasa_patches.install()
    assert rasa_patches.installed() == ALL
    yield


def test_canary_rasa_code_is_what_the_patches_were_written_for() -> None:
    """Fails after a Rasa upgrade: review bot/rasa_patches.py against the new code, then update the hashes."""
    assert rasa.__version__ == rasa_patches.RASA_VERSION
    originals = {
        VALIDATE: rasa_patches.ORIGINALS.get(VALIDATE, RemoteAction._validate_action_result),
        REQUEST: rasa_patches.ORIGINALS.get(REQUEST, EndpointConfig.request),
        SESSION: rasa_patches.ORIGINALS.get(SESSION, MessageProcessor._has_session_expired),
        CARRY: rasa_patches.ORIGINALS.get(CARRY, ActionSessionStart.__dict__["_slot_set_events_from_tracker"]),
        RULES: rasa_patches.ORIGINALS.get(RULES, RulePolicy._get_possible_keys),
        "RulePolicy._is_rule_applicable": RulePolicy._is_rule_applicable,
        EVENTS: rasa_patches.ORIGINALS.get(EVENTS, Event.__dict__["resolve_by_type"]),
        "EndpointConfig.session": EndpointConfig.session,
    }
    for name, function in originals.items():
        assert rasa_patches.source_sha256(function) == rasa_patches.SOURCE_SHA256[name], name


def test_both_patches_are_installed_by_the_channel_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(rasa_patches.ENV_SWITCH, raising=False)
    import bot.channels  # noqa: F401 - what Rasa imports to load credentials.yml

    rasa_patches.install()  # idempotent
    assert rasa_patches.installed() == ALL
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result
    assert EndpointConfig.request is rasa_patches.request
    assert MessageProcessor._has_session_expired is rasa_patches._has_session_expired


def test_off_switch_and_guard_leave_rasa_untouched(monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    rasa_patches.install()
    rasa_patches.uninstall()
    try:
        monkeypatch.setenv(rasa_patches.ENV_SWITCH, "off")
        rasa_patches.install()
        assert rasa_patches.installed() == set()
        assert EndpointConfig.request is rasa_patches.ORIGINALS[REQUEST]

        monkeypatch.delenv(rasa_patches.ENV_SWITCH)
        monkeypatch.setitem(rasa_patches.SOURCE_SHA256, VALIDATE, "0" * 64)  # as if Rasa had changed
        with caplog.at_level(logging.WARNING, logger="bot.rasa_patches"):
            rasa_patches.install()
        assert rasa_patches.installed() == ALL - {VALIDATE}
        assert RemoteAction._validate_action_result is rasa_patches.ORIGINALS[VALIDATE]
        assert [r.getMessage() for r in caplog.records] == [
            f"Rasa's {VALIDATE} is not the Rasa 3.6.21 code bot/rasa_patches.py was written for: not patched"]
    finally:
        monkeypatch.undo()
        rasa_patches.uninstall()
        rasa_patches.install()


# --- validation ---------------------------------------------------------------------------------------------------

VALID = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "district", "value": "Patna", "timestamp": None}],
     "responses": [{"text": "hello", "buttons": [], "template": None}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"}]},
]
INVALID = [
    [],
    {"events": "not a list"},
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": "slot"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [1]},
    {"responses": [1]},
    {"responses": "text"},
]


@pytest.mark.parametrize("result", VALID)
def test_patched_validation_accepts_what_rasa_accepts(patched: None, result: dict) -> None:
    action = RemoteAction("action_x", None)
    assert rasa_patches.ORIGINALS[VALIDATE](action, result) is True
    assert action._validate_action_result(result) is True


@pytest.mark.parametrize("result", INVALID)
def test_patched_validation_rejects_like_rasa(patched: None, result: object) -> None:
    action = RemoteAction("action_x", None)
    with pytest.raises(ValidationError) as theirs:
        rasa_patches.ORIGINALS[VALIDATE](action, result)
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(result)
    assert ours.value.message == theirs.value.message
    assert str(ours.value) == str(theirs.value)
    assert ours.value.message.endswith("https://rasa.com/docs/rasa/custom-actions")


# --- the pooled session -------------------------------------------------------------------------------------------

async def _serve_and_call(calls: int, use: str = "json") -> tuple[list, set, list]:
    """A local server that records each request's client port and headers; `calls` requests through EndpointConfig."""
    ports: set = set()
    headers: list = []

    async def webhook(request: web.Request) -> web.Response:
        ports.add(request.transport.get_extra_info("peername")[1])
        headers.append(dict(request.headers))
        if use == "error":
            return web.json_response({"action_name": "action_x", "error": "rejected"}, status=400)
        if use == "text":
            return web.Response(text="not json")
        return web.json_response({"events": [], "responses": [{"text": (await request.json())["n"]}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook", headers={HEADER: "the-secret"})
    results: list = []
    try:
        for n in range(calls):
            try:
                results.append(await endpoint.request(json={"n": str(n)}, method="post", timeout=300, compress=False))
            except ClientResponseError as error:
                results.append(error)
    finally:
        await rasa_patches.close_sessions()
        await runner.cleanup()
    return results, ports, headers


def test_requests_reuse_one_connection_and_carry_the_headers(patched: None) -> None:
    results, ports, headers = asyncio.run(_serve_and_call(8))
    assert [r["responses"][0]["text"] for r in results] == [str(n) for n in range(8)]
    assert len(ports) == 1
    assert all(h[HEADER] == "the-secret" and h["Content-Type"] == "application/json" for h in headers)


def test_rasa_without_the_patch_opens_a_connection_per_request(patched: None) -> None:
    """The check above can tell: Rasa's own request() opens one connection per call."""
    rasa_patches.uninstall()
    try:
        _, ports, _ = asyncio.run(_serve_and_call(4))
    finally:
        rasa_patches.install()
    assert len(ports) == 4


def test_errors_and_non_json_answers_as_rasa_has_them(patched: None) -> None:
    results, _, _ = asyncio.run(_serve_and_call(2, use="error"))
    assert all(isinstance(r, ClientResponseError) and r.status == 400 for r in results)
    assert b'"error": "rejected"' in results[0].text
    rasa_patches.uninstall()
    try:
        theirs, _, _ = asyncio.run(_serve_and_call(1, use="error"))
    finally:
        rasa_patches.install()
    assert (str(results[0]), results[0].text) == (str(theirs[0]), theirs[0].text)

    results, _, _ = asyncio.run(_serve_and_call(2, use="text"))
    assert results == [None, None]


def test_sessions_are_per_event_loop_and_closed_with_the_server(patched: None) -> None:
    """Two loops one after another (as Sanic's worker, or a restarted shell): each gets its own working session."""
    for _ in range(2):
        results, ports, _ = asyncio.run(_serve_and_call(3))
        assert len(results) == 3 and len(ports) == 1
    assert not any(not loop.is_closed() for loop, _ in rasa_patches._sessions.values())


# --- a long session ends after a pause ---------------------------------------------------------------------------

NOW = 1_800_000_000.0  # a fixed "now" for time.time(), read by Rasa's check and ours


def _processor(expiration_minutes: int = 1440) -> SimpleNamespace:
    domain = Domain.from_dict({"session_config": {"session_expiration_time": expiration_minutes,
                                                  "carry_over_slots_to_new_session": True}})
    return SimpleNamespace(domain=domain)


def _session(events: int, last_user_seconds_ago: float, form: str | None = None) -> DialogueStateTracker:
    """A session of about `events` events whose last user message was that long ago."""
    t = NOW - last_user_seconds_ago
    history: list = [ActionExecuted("action_session_start", timestamp=t - 10), SessionStarted(timestamp=t - 10)]
    while len(history) < events - 1:
        history.append(ActionExecuted("action_listen", timestamp=t - 5))
    history.append(UserUttered("hi", {"name": "greet", "confidence": 1.0}, timestamp=t))
    tracker = DialogueStateTracker.from_events("s", history)
    if form:
        tracker.update(ActiveLoop(form))
    return tracker


@pytest.mark.parametrize(("events", "ago", "form", "expiration", "expired"), [
    (rasa_patches.MAX_SESSION_EVENTS, 2 * 3600, None, 1440, False),       # short: Rasa's day rule only
    (rasa_patches.MAX_SESSION_EVENTS + 1, 2 * 3600, None, 1440, True),    # long and paused: a new session
    (rasa_patches.MAX_SESSION_EVENTS + 1, 10 * 60, None, 1440, False),    # long, but the person is still writing
    (rasa_patches.MAX_SESSION_EVENTS + 1, 2 * 3600, "report_form", 1440, False),  # never in the middle of a form
    (rasa_patches.MAX_SESSION_EVENTS + 1, 2 * 3600, None, 0, False),      # sessions switched off in the domain
    (rasa_patches.MAX_UNPAUSED_SESSION_EVENTS, 10 * 60, None, 1440, False),  # long, still writing: goes on ...
    (rasa_patches.MAX_UNPAUSED_SESSION_EVENTS + 1, 10 * 60, None, 1440, True),  # ... up to a flood's bound
    (rasa_patches.MAX_UNPAUSED_SESSION_EVENTS + 1, 10 * 60, "report_form", 1440, False),  # never inside a form
    (10, 25 * 3600, None, 1440, True),                                    # Rasa's own rule, unchanged
])
def test_a_long_session_ends_after_a_pause(patched: None, monkeypatch: pytest.MonkeyPatch, events: int, ago: float,
                                           form: str | None, expiration: int, expired: bool) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)
    tracker = _session(events, ago, form)
    assert len(tracker.events) == events + (1 if form else 0)
    assert MessageProcessor._has_session_expired(_processor(expiration), tracker) is expired  # type: ignore[arg-type]


# --- a new session carries each slot once ------------------------------------------------------------------------

def test_a_new_session_carries_each_slot_once_with_its_last_value(patched: None) -> None:
    domain = Domain.from_dict({"slots": {name: {"type": "any", "mappings": [{"type": "custom"}]}
                                         for name in ("a", "b", "c")}})
    carried_before = [SlotSet("a", 1), SlotSet("b", "x")]  # what the previous session carried in
    events = [SessionStarted(), *carried_before, ActionExecuted("action_listen"),
              SlotSet("a", 2), SlotSet("c", 5, metadata={"by": "reader"}), SlotSet("b", None), SlotSet("a", 3)]
    tracker = DialogueStateTracker.from_events("s", events, slots=domain.slots)
    carried = ActionSessionStart._slot_set_events_from_tracker(tracker)
    assert [(e.key, e.value, e.metadata) for e in carried] == [("c", 5, {"by": "reader"}), ("b", None, {}),
                                                                ("a", 3, {})]
    rasa_carried = rasa_patches.ORIGINALS[CARRY].__func__(tracker)
    assert len(rasa_carried) == 6  # Rasa's: every SlotSet of the session, the carried ones included
    # the same slot values either way
    with_ours = DialogueStateTracker.from_events("t", [SessionStarted(), *carried], slots=domain.slots)
    with_rasas = DialogueStateTracker.from_events("u", [SessionStarted(), *rasa_carried], slots=domain.slots)
    assert with_ours.current_slot_values() == with_rasas.current_slot_values() == {
        **with_ours.current_slot_values(), "a": 3, "b": None, "c": 5}


# --- each rule parsed once, and only the turns a rule can reach ---------------------------------------------------

def _trained_rules(kind: str = "rules") -> dict[str, str]:
    """The rules RulePolicy learnt from our dialogue (the trained model), as Rasa keeps them: JSON keys."""
    with tarfile.open(MODEL) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("train_RulePolicy0/rule_policy.json"))
        handle = tar.extractfile(member)
        assert handle is not None
        return json.load(handle)["lookup"][kind]


def _rasas_possible_keys(lookup: dict[str, str], states: list) -> set[str]:
    """Rasa's own `_get_possible_keys`, `_is_rule_applicable` and `_rule_key_to_state`, unpatched."""
    policy = SimpleNamespace(_rule_key_to_state=RulePolicy._rule_key_to_state,
                             _does_rule_match_state=RulePolicy._does_rule_match_state)
    policy._is_rule_applicable = lambda *args: RulePolicy._is_rule_applicable(policy, *args)  # type: ignore[attr-defined]
    return rasa_patches.ORIGINALS[RULES](policy, lookup, states)


def test_the_rules_that_apply_are_the_ones_rasa_finds(patched: None) -> None:
    """Every 7th learnt rule as a conversation of its own, after an older history and with another rule's last
    turn: the patched filter finds exactly Rasa's set of rules (matches, near misses and no match at all)."""
    lookup = _trained_rules()
    assert len(lookup) > 1000  # more than Rasa's LRU cache of parsed rules holds: why the patch exists
    keys = sorted(lookup)
    history = json.loads(keys[0]) + json.loads(keys[1])  # turns older than any rule
    checked = 0
    for index in range(0, len(keys), 7):
        rule = json.loads(keys[index])
        other = json.loads(keys[(index * 31 + 5) % len(keys)])
        for states in (rule, history + rule, history + rule[:-1] + other[-1:], other[:1] + rule[1:], []):
            expected = _rasas_possible_keys(lookup, states)
            assert RulePolicy._get_possible_keys(None, lookup, states) == expected  # type: ignore[arg-type]
            checked += bool(expected)
    assert checked > 100  # most of these conversations match some rule: the comparison is not vacuous


def test_the_unhappy_paths_of_a_form_are_the_ones_rasa_finds(patched: None) -> None:
    lookup = _trained_rules("rules_for_loop_unhappy_path")
    rules = _trained_rules()
    conversations = [json.loads(key) for key in lookup] + [json.loads(key) for key in sorted(rules)[::50]]
    for states in conversations:
        expected = _rasas_possible_keys(lookup, states)
        assert RulePolicy._get_possible_keys(None, lookup, states) == expected  # type: ignore[arg-type]
    assert any(_rasas_possible_keys(lookup, states) for states in conversations)  # not vacuous


# --- event classes by type name -------------------------------------------------------------------------------------

def test_event_classes_are_the_ones_rasa_finds(patched: None) -> None:
    import rasa.shared.utils.common

    original = rasa_patches.ORIGINALS[EVENTS].__func__
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert {"user", "bot", "slot", "action", "session_started", "active_loop"} <= names
    for name in names:
        assert Event.resolve_by_type(name) is original(name)
    assert Event.resolve_by_type("topic") is None  # Rasa's backwards compatibility
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")


def test_an_event_class_defined_later_is_found(patched: None) -> None:
    assert Event.resolve_by_type("user") is UserUttered  # the table is built

    class Marked(SlotSet):
        type_name = "helpline_test_marked"

    assert Event.resolve_by_type("helpline_test_marked") is Marked
