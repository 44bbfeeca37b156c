"""The Telegram channel over real HTTP: a Sanic app with the channel's blueprint mounted the way `rasa run` mounts it
(Rasa's own `register`), the real store, and a local fake Bot API server reached through python-telegram-bot.

Rasa itself is replaced by a recorder (`FakeDialogue`) that notes what reached the dialogue and answers through the
output channel it was given, as Rasa would. The end-to-end test with the trained model is
tests/test_channel_telegram_e2e.py.

To add a case, add one `Case(...)` line to CASES: the update exactly as the Bot API sends it (the builders below
write the envelope), which secret header to send, and what must happen.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic
from sqlalchemy import select

from bot.channels import gate
from bot.channels.ratelimit import RateLimiter
from bot.channels.telegram import (
    MENU_OPTIONS,
    SECRET_HEADER,
    TELEGRAM_MAX_CHARS,
    TelegramInput,
    menu_numbers,
    split_message,
)
from bot.clock import ManualClock
from bot.settings import get_settings
from bot.store.db import session_scope
from bot.store.models import Report
from tests.conftest import _reset_caches
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.reports_helpers import file_report, import_sample
from tests.servers import ROOT, free_port

SECRET = "test-webhook-secret_0123456789"
PERSON = 700000001  # a fictitious private chat (a family)
OTHER_PERSON = 700000002
NGO_CHAT = -1001000000102  # the Magadh sample NGO's fictitious group (bot/data/ngos.sample.yml)
BIHAR_DESK_CHAT = -1001000000110  # the Bihar state desk's fictitious group
STRANGE_GROUP = -1009999999999  # a group the directory does not list
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Helpline Test Bot", "username": "helpline_test_bot"}
MENU_TEXT = "Reply with a number:\n1 Money owed\n2 School admission\n3 Report\n4 Our case\n5 Talk\n6 Language"


# --- Updates, as the Bot API writes them ---------------------------------------------------------------------------


def _user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": "hi"}


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "first_name": "Test", "type": "private"}
    return {"id": chat_id, "title": "Test NGO group", "type": "supergroup"}


def message(update_id: int, chat_id: int = PERSON, key: str = "message", **content: Any) -> dict[str, Any]:
    """An update carrying one message (`key`: message, edited_message, channel_post) with `content` fields."""
    sender = _user(chat_id if chat_id > 0 else 700000099)
    body: dict[str, Any] = {"message_id": 1000 + update_id, "from": sender, "chat": _chat(chat_id),
                            "date": 1767225600}
    if key == "edited_message":
        body["edit_date"] = 1767225660
    if key == "channel_post":
        body.pop("from")
        body["chat"] = {"id": -1001234567890, "title": "Some channel", "type": "channel"}
        body["sender_chat"] = body["chat"]
    body.update(content)
    return {"update_id": update_id, key: body}


def text(update_id: int, value: str, chat_id: int = PERSON) -> dict[str, Any]:
    update = message(update_id, chat_id, text=value)
    if value.startswith("/"):
        command = value.split()[0].split("{")[0]
        update["message"]["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    return update


def button(update_id: int, data: str, chat_id: int = NGO_CHAT) -> dict[str, Any]:
    """A press on an inline button of a message the bot sent to `chat_id`."""
    presser = 700000099 if chat_id < 0 else chat_id
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"4382bfdwdsb323b2d9{update_id}",
            "from": _user(presser),
            "message": {
                "message_id": 77,
                "from": BOT_USER,
                "chat": _chat(chat_id),
                "date": 1767225000,
                "text": "Recruitment report 1234567-1 ...",
                "reply_markup": {"inline_keyboard": [[{"text": "OK 1234567", "callback_data": data}]]},
            },
            "chat_instance": "-8791234567890123456",
            "data": data,
        },
    }


VOICE = {"duration": 4, "mime_type": "audio/ogg", "file_id": "AwACAgUAAxkBAAIBVoiceNoteFileId000000000001",
         "file_unique_id": "AgADVoice0001", "file_size": 10240}
PHOTO = [
    {"file_id": "AgACAgUAAxkBAAIBPhotoSmall0000000000000001", "file_unique_id": "AQADs1", "file_size": 1200,
     "width": 90, "height": 67},
    {"file_id": "AgACAgUAAxkBAAIBPhotoLarge0000000000000001", "file_unique_id": "AQADl1", "file_size": 51200,
     "width": 1280, "height": 960},
]
GAYA = {"latitude": 24.7955, "longitude": 85.0002}


# --- The table -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    label: str
    update_json: dict[str, Any] | list[Any] | bytes  # bytes are posted as they are
    secret: str = "valid"  # valid | wrong | missing
    expect_status: int = 200
    expect_text_to_rasa: str | None = None  # None: nothing reaches the dialogue
    expect_sent: tuple[tuple[int, str], ...] = ()  # exactly these messages: (chat id, a substring of the text)
    expect_keyboard: tuple[str, ...] | None = None  # numbers on the last message's keyboard; () removed; None: any
    expect_callback_answered: bool = False
    env: dict[str, str] = field(default_factory=dict)  # settings for this case ("" unsets)
    before: tuple[dict[str, Any], ...] = ()  # updates posted first; what they cause is not checked


CASES = [
    Case("valid text", text(1, "hello there"), expect_text_to_rasa="hello there",
         expect_sent=((PERSON, "you said: hello there"),), expect_keyboard=()),
    Case("wrong secret", text(1, "hello"), secret="wrong", expect_status=403),
    Case("missing secret", text(1, "hello"), secret="missing", expect_status=403),
    Case("no secret configured", text(1, "hello"), expect_status=503, env={"TELEGRAM_WEBHOOK_SECRET": ""}),
    Case("channel off", text(1, "hello"), expect_status=503, env={"TELEGRAM_BOT_TOKEN": ""}),
    Case("duplicate update_id", text(5, "hello"), before=(text(5, "hello"),)),
    Case("/start is text", text(1, "/start"), expect_text_to_rasa="start",
         expect_sent=((PERSON, "you said: start"),)),
    Case("command with entities is text", text(1, '/report_emergency{"language":"en"}'),
         expect_text_to_rasa='report_emergency{"language":"en"}',
         expect_sent=((PERSON, 'you said: report_emergency{"language":"en"}'),)),
    Case("bare slash is nothing", text(1, "/")),
    Case("oversize: asked to write shorter, not refused (Telegram would stall the chat)", text(1, "a" * 4001),
         expect_status=200, expect_sent=((PERSON, "too long"),)),
    Case("malformed JSON", b'{"update_id": 1, "message": {', expect_status=400),
    Case("non-object JSON", [1, 2, 3], expect_status=400),
    Case("object that is not an update", {"hello": "world"}, expect_status=400),
    Case("text that is not a string", message(1, text=12345), expect_status=400),
    Case("location without text", message(1, location=GAYA), expect_sent=((PERSON, "जगह भेजने"),)),
    Case("location out of range", message(1, location={"latitude": 124.0, "longitude": 85.0}), expect_status=400),
    Case("voice note", message(1, voice=VOICE), expect_sent=((PERSON, "आवाज़ या फोटो"),)),
    Case("photo with caption", message(1, photo=PHOTO, caption="yeh dalal ki photo hai"),
         expect_text_to_rasa="yeh dalal ki photo hai", expect_sent=((PERSON, "you said: yeh dalal"),)),
    Case("NGO button, unknown code", button(1, "ack:1234567"), expect_sent=((NGO_CHAT, "1234567"),),
         expect_callback_answered=True),
    Case("NGO types OK CODE", text(1, "OK 1234567", chat_id=NGO_CHAT), expect_sent=((NGO_CHAT, "1234567"),)),
    Case("button from an unknown chat", button(1, "ack:1234567", chat_id=PERSON), expect_callback_answered=True),
    Case("group not in the directory", text(1, "hello", chat_id=STRANGE_GROUP)),
    Case("edited message ignored", message(1, key="edited_message", text="hello (edited)")),
    Case("channel post ignored", message(1, key="channel_post", text="news")),
    Case("menu carries a number keyboard", text(1, "menu"), expect_text_to_rasa="menu",
         expect_sent=((PERSON, "Reply with a number"),), expect_keyboard=("1", "2", "3", "4", "5", "6", "7")),
    Case("rate limited", text(2, "please tell me about school admission"),
         expect_sent=((PERSON, "many messages"),), env={"HELPLINE_RATE_LIMIT_PER_MINUTE": "1"},
         before=(text(1, "hello"),)),
    Case("rate limited again: silence", text(3, "please tell me about school admission"),
         env={"HELPLINE_RATE_LIMIT_PER_MINUTE": "1"}, before=(text(1, "hello"), text(2, "hello again"))),
    Case("emergency passes the rate limit", text(2, "bachao"), expect_text_to_rasa="bachao",
         expect_sent=((PERSON, "you said: bachao"),), env={"HELPLINE_RATE_LIMIT_PER_MINUTE": "1"},
         before=(text(1, "hello"),)),
]


# --- Harness -------------------------------------------------------------------------------------------------------


class FakeDialogue:
    """Stands in for Rasa's agent: records each message and answers through the output channel it came with.
    A message starting "fail once" makes it raise the first time (as Rasa does when its tracker store is down)."""

    def __init__(self) -> None:
        self.messages: list[UserMessage] = []
        self._failed: set[str] = set()

    async def handle_message(self, message: UserMessage) -> None:
        if message.text and message.text.startswith("fail once") and message.text not in self._failed:
            self._failed.add(message.text)
            raise RuntimeError("tracker store unavailable")
        self.messages.append(message)
        reply = {"text": f"you said: {message.text}", "utter_action": "utter_default"}
        if message.text == "menu":
            reply = {"text": MENU_TEXT, "utter_action": "utter_menu"}
        await message.output_channel.send_response(message.sender_id, reply)


class Served:
    """A Sanic app served on a free port from its own event loop and thread, with the full server life cycle
    (before/after start, before/after stop listeners), as `rasa run` would run it."""

    def __init__(self, app: Sanic) -> None:
        self.app = app
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="sanic-test", daemon=True)
        self.server: Any = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _start(self) -> None:
        self.server = await self.app.create_server(host="127.0.0.1", port=self.port, return_asyncio_server=True,
                                                   access_log=False)
        # create_server has already started listening (it awaits the AsyncioServer); then the listeners run.
        await self.server.startup()
        await self.server.before_start()
        await self.server.after_start()

    async def _stop(self) -> None:
        await self.server.before_stop()
        self.server.close()
        await self.server.wait_closed()
        await self.server.after_stop()
        # Sanic leaves idle keep-alive connections' tasks pending; end them before the loop closes.
        current = asyncio.current_task()
        pending = [task for task in asyncio.all_tasks() if task is not current]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def __enter__(self) -> Served:
        self.thread.start()
        self._run(self._start())
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._run(self._stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


@pytest.fixture(autouse=True)
def _several_sanic_apps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sanic 21.12 rewrites its protocol class for the first app it starts ("touch-up"); a second app in the same
    process fails on the rewritten code unless Sanic is in test mode, which keeps the original."""
    monkeypatch.setattr(Sanic, "test_mode", True)


def make_app(channel: TelegramInput, dialogue: FakeDialogue) -> Sanic:
    app = Sanic(f"telegram_test_{uuid.uuid4().hex[:8]}")
    app.ctx.agent = dialogue
    register([channel], app, route="/webhooks/")  # Rasa's own mounting: /webhooks/telegram/...
    return app


def configure(monkeypatch: pytest.MonkeyPatch, fake: FakeTelegram, env: dict[str, str] | None = None) -> None:
    base = {"TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN, "HELPLINE_TELEGRAM_API_BASE": fake.url,
            "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_MODE": "webhook", "HELPLINE_RATE_LIMIT_PER_MINUTE": "1000"}
    for name, value in {**base, **(env or {})}.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)
    _reset_caches()
    # The flood counter, in memory, on a clock that stands still: a real minute boundary would reset the count.
    limiter = RateLimiter(get_settings().rate_limit_per_minute, clock=lambda: 1_800_000_000.0)
    monkeypatch.setattr(gate, "_limiter", lambda: limiter)


def post(url: str, body: Any, secret: str = "valid") -> requests.Response:
    headers = {"Content-Type": "application/json"}
    if secret == "valid":
        headers[SECRET_HEADER] = SECRET
    elif secret == "wrong":
        headers[SECRET_HEADER] = SECRET + "x"
    data = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode("utf-8")
    return requests.post(f"{url}/webhooks/telegram/webhook", data=data, headers=headers, timeout=30)


@dataclass
class Bench:
    fake: FakeTelegram
    dialogue: FakeDialogue
    served: Served
    channel: TelegramInput

    def post(self, body: Any, secret: str = "valid") -> requests.Response:
        return post(self.served.url, body, secret)


@pytest.fixture
def fake(store_url: str) -> Iterator[FakeTelegram]:
    with FakeTelegram() as telegram:
        import_sample()
        yield telegram


@pytest.fixture
def bench_factory(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Bench]]:
    started: list[Served] = []

    def start(env: dict[str, str] | None = None, poll_timeout: int = 1) -> Bench:
        configure(monkeypatch, fake, env)
        channel = TelegramInput.from_credentials({})
        channel.poll_timeout = poll_timeout
        dialogue = FakeDialogue()
        served = Served(make_app(channel, dialogue)).__enter__()
        started.append(served)
        return Bench(fake, dialogue, served, channel)

    yield start
    for served in started:
        served.__exit__()


# --- The table test ------------------------------------------------------------------------------------------------


def _keyboard(reply_markup: dict[str, Any] | None) -> tuple[str, ...]:
    rows = (reply_markup or {}).get("keyboard") or []
    return tuple(str(b["text"] if isinstance(b, dict) else b) for row in rows for b in row)


@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_webhook(case: Case, bench_factory: Callable[..., Bench]) -> None:
    bench = bench_factory(case.env)
    for earlier in case.before:
        assert bench.post(earlier).status_code == 200
    sent_before, calls_before = len(bench.fake.sent), len(bench.fake.calls)
    bench.dialogue.messages.clear()

    response = bench.post(case.update_json, case.secret)

    assert response.status_code == case.expect_status, response.text
    texts = [m.text for m in bench.dialogue.messages]
    assert texts == ([case.expect_text_to_rasa] if case.expect_text_to_rasa is not None else [])
    for message_ in bench.dialogue.messages:
        assert message_.input_channel == "telegram" and message_.metadata == {"channel": "telegram"}
        assert str(PERSON) not in message_.sender_id and str(NGO_CHAT) not in message_.sender_id  # a pseudonym
    sent = bench.fake.sent[sent_before:]
    assert [m["chat_id"] for m in sent] == [chat for chat, _ in case.expect_sent], sent
    for message_, (_, fragment) in zip(sent, case.expect_sent, strict=True):
        assert fragment in message_["text"]
    if case.expect_keyboard is not None:
        markup = sent[-1]["reply_markup"]
        assert _keyboard(markup) == case.expect_keyboard
        if case.expect_keyboard:
            assert markup["one_time_keyboard"] is True and markup["resize_keyboard"] is True
        else:
            assert markup == {"remove_keyboard": True}
    answered = [params for method, params in bench.fake.calls[calls_before:] if method == "answerCallbackQuery"]
    assert len(answered) == (1 if case.expect_callback_answered else 0)


# --- Beyond one update ---------------------------------------------------------------------------------------------


def test_ngo_button_acknowledges_a_real_report(bench_factory: Callable[..., Bench]) -> None:
    bench = bench_factory()
    submitted = file_report(ManualClock(), district="Gaya")
    response = bench.post(button(1, f"ack:{submitted.code}"))
    assert response.status_code == 200
    [reply] = bench.fake.sent
    assert reply["chat_id"] == NGO_CHAT and submitted.code in reply["text"] and "पुष्टि" in reply["text"]
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == submitted.code)).scalar_one()
        assert report.status == "acknowledged"
    assert bench.dialogue.messages == []
    # The same press from a family's chat acknowledges nothing (and the report stays acknowledged once).
    assert bench.post(button(2, f"ack:{submitted.code}", chat_id=OTHER_PERSON)).status_code == 200
    assert len(bench.fake.sent) == 1


def test_the_other_state_desk_button_is_refused(bench_factory: Callable[..., Bench]) -> None:
    """Issue 10: the Bihar desk's chat pressing OK on a Jaipur (Rajasthan) report's button changes nothing."""
    bench = bench_factory()
    submitted = file_report(ManualClock(), district="Jaipur", destination=None)
    response = bench.post(button(1, f"ack:{submitted.code}", chat_id=BIHAR_DESK_CHAT))
    assert response.status_code == 200
    [reply] = bench.fake.sent
    assert reply["chat_id"] == BIHAR_DESK_CHAT and submitted.code in reply["text"] and "नहीं भेजी" in reply["text"]
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == submitted.code)).scalar_one()
        assert (report.status, report.escalation_level, report.acknowledged_by) == ("received", 0, None)
        assert report.ack_due_at is not None
    assert bench.dialogue.messages == []


def test_long_reply_is_split_and_the_keyboard_goes_on_the_last_part(bench_factory: Callable[..., Bench]) -> None:
    bench = bench_factory()

    class LongMenu(FakeDialogue):
        async def handle_message(self, message: UserMessage) -> None:
            await message.output_channel.send_response(
                message.sender_id, {"text": "word " * 1500 + "\n" + MENU_TEXT, "utter_action": "utter_menu"})

    bench.served.app.ctx.agent = LongMenu()
    assert bench.post(text(1, "hello")).status_code == 200
    parts = bench.fake.sent
    assert len(parts) == 2 and all(len(p["text"]) <= TELEGRAM_MAX_CHARS for p in parts)
    assert parts[0]["reply_markup"] is None
    assert _keyboard(parts[1]["reply_markup"]) == ("1", "2", "3", "4", "5", "6", "7")


def test_a_failed_dialogue_is_retried_not_dropped(bench_factory: Callable[..., Bench]) -> None:
    bench = bench_factory()
    update = text(1, "fail once, please tell me about school admission")
    first = bench.post(update)
    assert first.status_code == 500  # Telegram redelivers the update
    [sorry] = bench.fake.sent
    assert sorry["chat_id"] == PERSON and "something went wrong" in sorry["text"] and "112" in sorry["text"]
    second = bench.post(update)  # the redelivery: processed, not dropped as a duplicate
    assert second.status_code == 200 and [m.text for m in bench.dialogue.messages] == [update["message"]["text"]]
    assert bench.post(update).status_code == 200 and len(bench.dialogue.messages) == 1  # handled once only


def test_store_down_is_503_and_the_update_comes_again(bench_factory: Callable[..., Bench],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.channels import telegram as channel_module

    bench = bench_factory()

    def store_down(message: Any) -> Any:
        raise ConnectionError("database unavailable")

    monkeypatch.setattr(channel_module, "admit", store_down)
    assert bench.post(text(1, "hello")).status_code == 503
    monkeypatch.undo()
    assert bench.post(text(1, "hello")).status_code == 200
    assert [m.text for m in bench.dialogue.messages] == ["hello"]


def test_a_reply_that_cannot_be_sent_does_not_fail_the_turn(bench_factory: Callable[..., Bench]) -> None:
    bench = bench_factory()
    bench.fake.block_chat(PERSON)
    assert bench.post(text(1, "hello")).status_code == 200
    assert [m.text for m in bench.dialogue.messages] == ["hello"]


def test_health_says_whether_the_channel_is_on(bench_factory: Callable[..., Bench]) -> None:
    on = bench_factory()
    assert requests.get(f"{on.served.url}/webhooks/telegram/", timeout=10).json() == {"status": "ok",
                                                                                      "mode": "webhook"}
    off = bench_factory({"TELEGRAM_BOT_TOKEN": ""})
    assert requests.get(f"{off.served.url}/webhooks/telegram/", timeout=10).json()["status"] == "off"


def test_webhook_is_set_on_start_when_the_public_url_is_known(bench_factory: Callable[..., Bench]) -> None:
    bench = bench_factory({"HELPLINE_PUBLIC_URL": "https://helpline.example.org/"})
    deadline = time.monotonic() + 10
    while not bench.fake.webhook_url and time.monotonic() < deadline:
        time.sleep(0.05)
    assert bench.fake.webhook_url == "https://helpline.example.org/webhooks/telegram/webhook"
    [params] = [p for method, p in bench.fake.calls if method == "setWebhook"]
    assert params["secret_token"] == SECRET and params["allowed_updates"] == ["message", "callback_query"]


# --- Polling -------------------------------------------------------------------------------------------------------


def _wait(condition: Callable[[], bool], timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_polling_delivers_updates_and_stops_cleanly(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> None:
    # A webhook left from webhook mode: getUpdates is refused until polling deletes it.
    requests.post(f"{fake.url}/bot{TEST_BOT_TOKEN}/setWebhook", data={"url": "https://old.example.org/hook"},
                  timeout=10).raise_for_status()
    fake.fail_next(1, 502)  # the first call fails: the poller backs off and carries on
    configure(monkeypatch, fake, {"TELEGRAM_MODE": "polling", "TELEGRAM_WEBHOOK_SECRET": ""})
    channel = TelegramInput.from_credentials({})
    channel.poll_timeout = 1
    dialogue = FakeDialogue()
    served = Served(make_app(channel, dialogue))
    with served:
        fake.push_update(text(41, "menu"))
        fake.push_update(message(42, voice=VOICE))
        fake.push_update(message(43, key="edited_message", text="edited"))
        fake.push_update(text(44, "/start", chat_id=OTHER_PERSON))
        fake.push_update(text(45, "fail once hello"))  # not confirmed when the dialogue fails: handled later
        assert _wait(lambda: len(fake.sent) >= 5), fake.sent
        assert [m.text for m in dialogue.messages] == ["menu", "start", "fail once hello"]
        menu, notice, echo, sorry, retried = fake.sent
        assert menu["chat_id"] == PERSON and _keyboard(menu["reply_markup"]) == ("1", "2", "3", "4", "5", "6", "7")
        assert notice["chat_id"] == PERSON and "आवाज़" in notice["text"]
        assert echo["chat_id"] == OTHER_PERSON and echo["text"] == "you said: start"
        assert sorry["chat_id"] == PERSON and "112" in sorry["text"]
        assert retried["chat_id"] == PERSON and retried["text"] == "you said: fail once hello"
        assert fake.webhook_url == ""
        poller = channel._poller
        assert poller is not None and not poller.done()
    # Stopped with the server: the task is over and no more getUpdates calls are made.
    assert poller.done() and channel._poller is None
    polls = len([m for m, _ in fake.calls if m == "getUpdates"])
    time.sleep(1.5)
    assert len([m for m, _ in fake.calls if m == "getUpdates"]) == polls
    # Confirmed updates are not handled twice after a restart.
    with Served(make_app(channel, dialogue)):
        fake.push_update(text(46, "hello again"))
        assert _wait(lambda: len(dialogue.messages) >= 4)
        time.sleep(0.5)
    assert [m.text for m in dialogue.messages] == ["menu", "start", "fail once hello", "hello again"]


# --- Pure parts ----------------------------------------------------------------------------------------------------


def test_every_numbered_menu_of_the_domain_gets_a_keyboard() -> None:
    import yaml

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for prompt in [*MENU_OPTIONS, "utter_menu"]:
        assert prompt in domain["responses"], prompt
        for variant in domain["responses"][prompt]:
            numbers = menu_numbers(prompt, variant.get("text", ""))
            assert numbers, prompt
            for number in numbers:  # every number on the keyboard is offered by the text itself
                assert number in variant["text"], (prompt, number)
    assert menu_numbers("utter_case_more", "Reply 1 ..., 2 ..., 5 for a call back, 0 for the menu.") == [
        "1", "2", "5", "0"]
    assert menu_numbers("utter_greet", "Namaste! 1098") == []
    assert menu_numbers(None, "1 2 3") == []


SPLITS = {
    "short": ("short", 4096),
    "words": ("word " * 2000, 4096),
    "lines": ("line\n" * 1500, 4096),
    "one long word": ("x" * 9000, 4096),
    "devanagari": ("नमस्ते दुनिया " * 700, 4096),
    "emoji (two UTF-16 units each)": ("😀 " * 3000, 4096),
    "tiny limit": ("a b c d e f g h", 5),
}


@pytest.mark.parametrize("text_, limit", SPLITS.values(), ids=SPLITS.keys())
def test_split_message_respects_the_limit_and_word_boundaries(text_: str, limit: int) -> None:
    parts = split_message(text_, limit)
    assert all(0 < len(p.encode("utf-16-le")) // 2 <= limit for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text_.replace(" ", "").replace("\n", "")
    if " " in text_ or "\n" in text_:  # cut between words: no part ends or begins inside the text's spacing
        assert all(not p[-1].isspace() for p in parts[:-1]) and all(not p[0].isspace() for p in parts[1:])
    assert (len(parts) > 1) == (len(text_.encode("utf-16-le")) // 2 > limit)


# --- Property: nothing a caller sends makes the webhook fail --------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
_junk = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8) | st.lists(st.integers(),
                                                                                                  max_size=2)
_chat_like = st.fixed_dictionaries({"id": st.integers(-10**13, 10**13) | _junk,
                                    "type": st.sampled_from(["private", "group", "supergroup", "channel"]) | _junk})
_photo_size_like = st.fixed_dictionaries({"file_id": st.text(max_size=10) | _junk, "file_unique_id": st.just("u"),
                                          "width": st.integers(0, 9), "height": st.integers(0, 9)})
_message_like = st.fixed_dictionaries(
    {"message_id": st.integers(1, 10**6) | _junk, "date": st.integers(0, 2**31) | _junk, "chat": _chat_like},
    optional={
        "text": st.text(max_size=50) | _junk,
        "caption": st.text(max_size=20) | _junk,
        "location": st.fixed_dictionaries({"latitude": st.floats() | _junk, "longitude": st.floats() | _junk}),
        "voice": st.fixed_dictionaries({"file_id": st.text(max_size=20) | _junk, "file_unique_id": st.text(max_size=5),
                                        "duration": st.integers(0, 100) | _junk}),
        "photo": st.lists(_photo_size_like, max_size=2) | _junk,
        "from": st.fixed_dictionaries({"id": st.integers(1, 10**10), "is_bot": st.booleans(), "first_name":
                                       st.text(max_size=5)}),
    },
)
_callback_like = st.fixed_dictionaries(
    {"id": st.text(max_size=10) | _junk, "from": st.fixed_dictionaries({"id": st.integers(1, 10**10), "is_bot":
                                                                         st.booleans(), "first_name": st.just("T")}),
     "chat_instance": st.text(max_size=5)},
    optional={"data": st.text(max_size=64) | _junk, "message": _message_like},
)
_update_like = st.fixed_dictionaries(
    {"update_id": st.integers(-(2**40), 2**40) | _junk},
    optional={"message": _message_like | _junk, "edited_message": _message_like, "callback_query": _callback_like,
              "channel_post": _message_like},
)
# Well-formed updates with arbitrary content: these get past parsing into the gate and the dialogue.
_chat_ids = st.sampled_from([PERSON, OTHER_PERSON, NGO_CHAT, STRANGE_GROUP]) | st.integers(1, 10**10)
_plausible_message = st.builds(
    lambda chat_id, content: {"message_id": 5, "from": _user(abs(chat_id)), "chat": _chat(chat_id),
                              "date": 1767225600, **content},
    _chat_ids,
    st.one_of(
        st.fixed_dictionaries({"text": st.text(max_size=80)}),
        st.fixed_dictionaries({"text": st.text(st.characters(max_codepoint=0x097F), min_size=1, max_size=80)}),
        st.fixed_dictionaries({"text": st.sampled_from(["menu", "hello", "bachao", "OK 1234567", "ack 1234567"])}),
        st.fixed_dictionaries({"text": st.text(max_size=80).map(lambda t: "/" + t)}),
        st.fixed_dictionaries({"location": st.fixed_dictionaries({"latitude": st.floats(-100, 100),
                                                                  "longitude": st.floats(-200, 200)})}),
        st.fixed_dictionaries({"voice": st.just(VOICE)}, optional={"caption": st.text(max_size=30)}),
        st.fixed_dictionaries({"photo": st.just(PHOTO)}, optional={"caption": st.text(max_size=30)}),
        st.fixed_dictionaries({"sticker": st.just({"file_id": "CAACAgIAAxkBAAIBSticker", "file_unique_id": "s",
                                                   "type": "regular", "width": 512, "height": 512,
                                                   "is_animated": False, "is_video": False})}),
    ),
)
_plausible_update = st.builds(
    lambda update_id, kind, body, data: (
        {"update_id": update_id, kind: body} if kind != "callback_query" else
        button(update_id, data, chat_id=body["chat"]["id"])),
    st.integers(1, 2**31),
    st.sampled_from(["message", "message", "message", "edited_message", "callback_query"]),
    _plausible_message,
    st.text(max_size=40) | st.sampled_from(["ack:1234567", "ok:0000000", ":", ""]),
)
_HEADER_NAME = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"), min_size=1,
                       max_size=20).map(lambda name: "X-" + name)
_HEADER_VALUE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40).map(str.strip)
_BODY_KINDS: dict[str, st.SearchStrategy[bytes]] = {
    "bytes": st.binary(max_size=300),
    "json": _json.map(lambda v: json.dumps(v).encode()),
    "update-shaped junk": _update_like.map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
    "plausible update": _plausible_update.map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
}
# Most bodies are plausible updates (with arbitrary content), so the gate and the dialogue are reached often,
# not only the parser (hypothesis skips repeated examples, so the junk kinds still come up plenty).
_bodies = st.sampled_from(["bytes", "json", "update-shaped junk"] + ["plausible update"] * 6).flatmap(
    lambda kind: st.tuples(st.just(kind), _BODY_KINDS[kind]))


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(
    body=_bodies,
    secret=st.sampled_from(["valid"] * 6 + ["wrong", "missing", "junk"]),
    junk_secret=_HEADER_VALUE,
    headers=st.dictionaries(_HEADER_NAME, _HEADER_VALUE, max_size=3),
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
)
def test_webhook_never_fails_whatever_it_is_sent(
    bench_factory: Callable[..., Bench], body: tuple[str, bytes], secret: str, junk_secret: str,
    headers: dict[str, str],
    content_type: str,
) -> None:
    bench = _shared_bench(bench_factory)
    sent = dict(headers)
    if content_type:
        sent["Content-Type"] = content_type
    if secret == "valid":
        sent[SECRET_HEADER] = SECRET
    elif secret == "wrong":
        sent[SECRET_HEADER] = SECRET[:-1]
    elif secret == "junk":
        sent[SECRET_HEADER] = junk_secret
    kind, data = body
    response = requests.post(f"{bench.served.url}/webhooks/telegram/webhook", data=data, headers=sent, timeout=30)
    event(f"{kind}: HTTP {response.status_code} {response.json().get('result')}")  # --hypothesis-show-statistics
    assert response.status_code < 500, response.text
    assert response.status_code in (200, 400, 403, 413)


_BENCHES: dict[int, Bench] = {}


def _shared_bench(factory: Callable[..., Bench]) -> Bench:
    """One server for all examples of a test run (the factory fixture lives as long as the test function)."""
    key = id(factory)
    if key not in _BENCHES:
        _BENCHES.clear()
        _BENCHES[key] = factory()
    return _BENCHES[key]


def test_messages_rasa_starts_itself_reach_the_chat_found_from_the_pseudonym(
    bench_factory: Callable[..., Bench],
) -> None:
    """Check-ins are started through Rasa's `trigger_intent`: no update, only the conversation id."""
    from bot.store import contacts

    bench = bench_factory()
    with session_scope() as session:
        conversation = contacts.remember_inbound(session, "telegram", str(PERSON))
    output = bench.channel.get_output_channel()
    assert output is not None

    async def send() -> None:
        await output.send_text_message(conversation, "Kya bachcha ghar par hai?", utter_action="utter_checkin_home")
        await output.send_text_message("not-a-conversation-of-ours", "lost")

    asyncio.run(send())
    [message] = bench.fake.sent
    assert message["chat_id"] == PERSON and message["text"] == "Kya bachcha ghar par hai?"
    assert _keyboard(message.get("reply_markup")) == ("1", "2")
