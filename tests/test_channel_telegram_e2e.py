"""Telegram end to end: `rasa run` with the trained model, the action server and credentials.yml (so the channel is
mounted exactly as in production), talking to a local fake Bot API through python-telegram-bot.

Covers: a conversation in each reply language arriving at the right chat in the right language (texts compared
with domain.yml and the facts), the menu carrying a keyboard of its numbers, Rasa's tracker never holding a chat id,
and a call without the webhook secret refused. One server start for the module.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.fernet import Fernet

from bot.channels.telegram import SECRET_HEADER
from bot.store.tracker_events import SEALED_PREFIX
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.replies import GREETINGS, answer, reply_text
from tests.servers import Helpline, running_helpline

SECRET = "e2e-webhook-secret_0123456789"
CHATS = {"en": 700000101, "hi": 700000102, "hi-Latn": 700000103, "bho": 700000104}  # fictitious private chats


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as telegram:
        yield telegram


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="module")
def helpline(var: Path, fake: FakeTelegram) -> Iterator[Helpline]:
    env = {"TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN, "HELPLINE_TELEGRAM_API_BASE": fake.url,
           "TELEGRAM_WEBHOOK_SECRET": SECRET, "TELEGRAM_MODE": "webhook"}
    with running_helpline(var, env) as servers:
        yield servers


class Chat:
    """One person's Telegram chat with the helpline: send as Telegram would, read what the fake received."""

    _next_update_id = 9000

    def __init__(self, helpline: Helpline, fake: FakeTelegram, chat_id: int) -> None:
        self.helpline, self.fake, self.chat_id = helpline, fake, chat_id

    def update(self, text: str) -> dict[str, Any]:
        Chat._next_update_id += 1
        return {
            "update_id": Chat._next_update_id,
            "message": {
                "message_id": Chat._next_update_id,
                "from": {"id": self.chat_id, "is_bot": False, "first_name": "Test", "language_code": "hi"},
                "chat": {"id": self.chat_id, "first_name": "Test", "type": "private"},
                "date": 1767225600,
                "text": text,
            },
        }

    def send(self, text: str) -> list[dict[str, Any]]:
        """The messages the helpline sent to this chat in answer (Rasa answers within the webhook call)."""
        before = len(self.fake.sent)
        response = requests.post(f"{self.helpline.api}/webhooks/telegram/webhook", json=self.update(text),
                                 headers={SECRET_HEADER: SECRET}, timeout=60)
        assert response.status_code == 200, response.text
        new = self.fake.sent[before:]
        assert all(m["chat_id"] == self.chat_id for m in new), "a reply went to another chat"
        return new


def keyboard(message: dict[str, Any]) -> list[str] | None:
    """The numbers on a message's reply keyboard; None when the message removes the keyboard."""
    markup = message["reply_markup"] or {}
    if markup.get("remove_keyboard"):
        return None
    return [b["text"] if isinstance(b, dict) else b for row in markup["keyboard"] for b in row]


@pytest.mark.parametrize("language", list(CHATS))
def test_a_conversation_in_each_language(helpline: Helpline, fake: FakeTelegram, language: str) -> None:
    chat = Chat(helpline, fake, CHATS[language])

    greeting = chat.send(GREETINGS[language])
    assert [m["text"] for m in greeting] == [reply_text("utter_greet", language), reply_text("utter_menu", language)]
    assert keyboard(greeting[0]) is None  # not a menu: any old keyboard goes
    assert keyboard(greeting[1]) == ["1", "2", "3", "4", "5", "6", "7"]
    assert greeting[1]["reply_markup"]["one_time_keyboard"] is True

    school = chat.send("2")  # what a tap on the keyboard's "2" sends
    assert [m["text"] for m in school] == [*answer("school", language), reply_text("utter_school_more", language)]
    assert keyboard(school[-1]) == ["1", "2", "3", "0"]


def test_the_tracker_never_holds_a_chat_id(helpline: Helpline, fake: FakeTelegram, var: Path) -> None:
    for language, chat_id in CHATS.items():
        Chat(helpline, fake, chat_id).send(GREETINGS[language])
    with sqlite3.connect(var / "tracker.db") as db:
        rows = db.execute("SELECT sender_id, data FROM events").fetchall()
    senders = {sender for sender, _ in rows}
    assert len(senders) >= len(CHATS)
    # the events are sealed (bot/rasa_tracker_store.py); opened here with the servers' key, the chat id is not in
    # them either
    key = Fernet(helpline.env["HELPLINE_SECRET_KEYS"].encode())
    opened = [key.decrypt(data.removeprefix(SEALED_PREFIX).encode()).decode() for _, data in rows]
    for chat_id in CHATS.values():
        assert all(str(chat_id) not in sender for sender, _ in rows)
        assert all(str(chat_id) not in data for data in opened)
    events = [json.loads(data) for data in opened]
    assert {e.get("input_channel") for e in events if e["event"] == "user"} == {"telegram"}


def test_a_call_without_the_secret_is_refused(helpline: Helpline, fake: FakeTelegram) -> None:
    chat = Chat(helpline, fake, 700000199)
    before = len(fake.sent)
    url = f"{helpline.api}/webhooks/telegram/webhook"
    assert requests.post(url, json=chat.update("hello"), timeout=30).status_code == 403
    assert requests.post(url, json=chat.update("hello"), headers={SECRET_HEADER: "guess"}, timeout=30).status_code \
        == 403
    assert len(fake.sent) == before


def test_the_logs_carry_no_token_chat_id_or_text(helpline: Helpline, fake: FakeTelegram, var: Path) -> None:
    Chat(helpline, fake, CHATS["hi"]).send(GREETINGS["hi"])
    log = (var / "servers.log").read_text(encoding="utf-8", errors="replace")
    assert "telegram: message -> dialogue" in log  # the channel does log, without the particulars
    assert TEST_BOT_TOKEN not in log and TEST_BOT_TOKEN.split(":")[1] not in log
    for chat_id in CHATS.values():
        assert str(chat_id) not in log
    for greeting in GREETINGS.values():
        assert greeting not in log
