"""When the dialogue fails (Redis holding Rasa's locks is down, PostgreSQL restarting, ...) the channel answers by
itself: a clear 503 on REST, and an emergency still gets 112 / 1098 / 139 from the catalogue (issue 12). The whole
path through nginx and two Rasa processes with Redis really down is tests/test_production_topology.py."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic

from bot import rasa_patches
from bot.channels.gate import language_of
from bot.channels.notices import failure_replies
from bot.channels.rest import RestInput
from bot.replies import text


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


def test_a_cry_for_help_gets_the_emergency_numbers_first() -> None:
    cry = "bachao, mera beta maar rahe hain"
    language = language_of(cry)
    assert failure_replies(cry, language) == [text("utter_emergency_numbers", language), text("notice.error", language)]
    assert failure_replies("namaste", "hi-Latn") == [text("notice.error", "hi-Latn")]
    assert failure_replies(None, None) == [text("notice.error", "hi")]
    for reply in failure_replies(cry, language):  # every reply still names the helplines
        assert "112" in reply and "1098" in reply


async def _post(message: str, fails: bool) -> httpx.Response:
    async def on_new_message(user_message: UserMessage) -> None:
        if fails:
            raise ConnectionError("Error while acquiring lock")  # what Rasa's RedisLockStore raises, in kind
        await user_message.output_channel.send_text_message(user_message.sender_id, "hello")

    app = Sanic(f"rest_fallback_{uuid.uuid4().hex}")
    app.blueprint(RestInput().blueprint(on_new_message), url_prefix="/webhooks/rest")
    await app._startup()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        return await client.post("/webhooks/rest/webhook", json={"sender": "fallback-1", "message": message})


def test_rest_answers_503_with_the_numbers_when_the_dialogue_fails() -> None:
    cry = "bachao, mera beta maar rahe hain"
    response = asyncio.run(_post(cry, fails=True))
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "unavailable"
    language = language_of(cry)
    assert [m["text"] for m in body["messages"]] == [text("utter_emergency_numbers", language),
                                                      text("notice.error", language)]
    assert {m["recipient_id"] for m in body["messages"]} == {"fallback-1"}

    plain = asyncio.run(_post("namaste", fails=True))
    assert plain.status_code == 503 and [m["text"] for m in plain.json()["messages"]] == [
        text("notice.error", language_of("namaste"))]

    working = asyncio.run(_post("namaste", fails=False))
    assert working.status_code == 200 and working.json() == [{"recipient_id": "fallback-1", "text": "hello"}]


class BrokenStore(InMemoryTrackerStore):
    """A tracker store whose database is down."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("database down")

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        raise ConnectionError("database down")


def test_a_tracker_store_error_fails_the_message_instead_of_falling_back_to_memory() -> None:
    """Rasa's FailSafeTrackerStore would answer from an empty tracker and keep the turn in one process's memory."""
    assert rasa_patches.failsafe_code_unchanged(), "Rasa's FailSafeTrackerStore changed: review bot/rasa_patches.py"
    domain = Domain.empty()
    store = FailSafeTrackerStore(BrokenStore(domain))
    tracker = DialogueStateTracker("fallback-2", [])
    assert asyncio.run(store.retrieve("fallback-2")) is None  # Rasa's own behaviour: silently nothing
    asyncio.run(store.save(tracker))  # ... and silently in memory
    assert rasa_patches.fail_on_tracker_store_errors(store)
    with pytest.raises(ConnectionError):
        asyncio.run(store.retrieve("fallback-2"))
    with pytest.raises(ConnectionError):
        asyncio.run(store.save(tracker))
    assert not rasa_patches.fail_on_tracker_store_errors(BrokenStore(domain))  # only Rasa's wrapper is changed
