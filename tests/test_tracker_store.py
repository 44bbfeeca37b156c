"""The encrypted tracker store (bot/rasa_tracker_store.py) and the conversations it keeps (bot/conversations.py):
sealed rows, key rotation, the migration of plain rows, erasure and retention on a manual clock; SQLite and PostgreSQL
(the tracker table in the same throw-away schema as the helpline store, as production would have it).

Through the real servers (REST and Twilio): tests/test_tracker_privacy_e2e.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import rasa
from cryptography.fernet import Fernet, InvalidToken
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import select

from bot import conversations, rasa_tracker_store
from bot.clock import ManualClock
from bot.jobs import run_job
from bot.rasa_tracker_store import EncryptedSQLTrackerStore
from bot.settings import ConfigurationError
from bot.store.tracker_events import SEALED_PREFIX, events, tracker_engine
from tests.conftest import _reset_caches

NUMBER = "+15005550188"  # Twilio's test range: fictitious
WORDS = ["Ramu Kaalpanik", "Jaipur wala thekedar", "चूड़ी कारखाना"]
DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet]
slots:
  district:
    type: text
    influence_conversation: false
    mappings: [{type: custom}]
responses:
  utter_greet: [{text: "hello"}]
""")


@pytest.fixture
def tracker_url(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The tracker database: var/tracker.db next to the SQLite store, or the store's PostgreSQL schema."""
    url = f"sqlite:///{Path(store_url.split('///', 1)[1]).parent / 'tracker.db'}" if store_url.startswith("sqlite") \
        else store_url
    monkeypatch.setenv("HELPLINE_TRACKER_DATABASE_URL", url)
    _reset_caches()
    yield url
    tracker_engine(url).dispose()

SAVED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)  # a fixed moment: nothing here reads the wall clock


def _store() -> EncryptedSQLTrackerStore:
    return EncryptedSQLTrackerStore(domain=DOMAIN)


def _conversation(sender: str, at: datetime) -> DialogueStateTracker:
    """A short conversation whose events are all at `at` (Rasa's events carry Unix seconds)."""
    t = at.timestamp()
    tracker = DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start", timestamp=t), SessionStarted(timestamp=t),
        ActionExecuted("action_listen", timestamp=t),
        UserUttered(f"{WORDS[0]} ko {WORDS[1]} le gaya, mera number {NUMBER}", {"name": "greet", "confidence": 1.0},
                    timestamp=t, metadata={"from": NUMBER}),
        SlotSet("district", WORDS[2], timestamp=t),
        BotUttered("hello", timestamp=t), ActionExecuted("action_listen", timestamp=t),
    ], slots=DOMAIN.slots)
    return tracker


def _save(store: SQLTrackerStore, tracker: DialogueStateTracker) -> None:
    asyncio.run(store.save(tracker))


def _rows(url: str) -> list[tuple]:
    with tracker_engine(url).connect() as connection:
        return [tuple(row) for row in connection.execute(select(events)).all()]


def _readable(rows: list[tuple]) -> list[str]:
    """What of the secrets appears anywhere in the rows."""
    text = "\n".join(str(cell) for row in rows for cell in row)
    return [secret for secret in [NUMBER, *WORDS, "Ramu", "thekedar"] if secret in text]


def test_canary_rasa_code_is_what_the_store_was_written_for() -> None:
    """Fails after a Rasa upgrade: compare bot/rasa_tracker_store.py with the new SQLTrackerStore, update the hashes."""
    assert rasa.__version__ == rasa_tracker_store.RASA_VERSION
    for name, digest in rasa_tracker_store.SOURCE_SHA256.items():
        source = inspect.getsource(getattr(SQLTrackerStore, name))
        assert hashlib.sha256(source.encode()).hexdigest() == digest, name
    assert [c.name for c in SQLTrackerStore.SQLEvent.__table__.columns] == [c.name for c in events.columns]


def test_events_are_stored_sealed_and_read_back_unchanged(tracker_url: str) -> None:
    store = _store()
    tracker = _conversation("conv-1", SAVED_AT)
    _save(store, tracker)
    rows = _rows(tracker_url)
    assert len(rows) == len(tracker.events)
    assert _readable(rows) == []
    assert all(row[-1].startswith(SEALED_PREFIX) for row in rows)
    # the plain columns Rasa queries are filled as Rasa fills them
    assert [row[2] for row in rows] == [e.type_name for e in tracker.events]
    assert [row[4] for row in rows if row[2] == "user"] == ["greet"]
    again = asyncio.run(store.retrieve("conv-1"))
    assert again is not None
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in tracker.events]
    assert again.get_slot("district") == WORDS[2]
    # a later save appends only the new events, sealed too
    again.update(UserUttered("phir se", {"name": "greet", "confidence": 1.0}))
    _save(store, again)
    assert len(_rows(tracker_url)) == len(tracker.events) + 1
    assert asyncio.run(store.retrieve("conv-1")).latest_message.text == "phir se"  # type: ignore[union-attr]


def test_key_rotation_old_keys_still_decrypt(tracker_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    old = Fernet.generate_key().decode()
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("HELPLINE_SECRET_KEYS", old)
    _reset_caches()
    _save(_store(), _conversation("conv-old", SAVED_AT))
    monkeypatch.setenv("HELPLINE_SECRET_KEYS", f"{new},{old}")
    _reset_caches()
    store = _store()
    assert asyncio.run(store.retrieve("conv-old")).get_slot("district") == WORDS[2]  # type: ignore[union-attr]
    _save(store, _conversation("conv-new", SAVED_AT))
    monkeypatch.setenv("HELPLINE_SECRET_KEYS", new)  # the old key withdrawn: its rows no longer open
    _reset_caches()
    store = _store()
    assert asyncio.run(store.retrieve("conv-new")) is not None
    with pytest.raises(InvalidToken):
        asyncio.run(store.retrieve("conv-old"))


def test_connection_settings_in_endpoints_are_refused(tracker_url: str) -> None:
    with pytest.raises(ConfigurationError, match="HELPLINE_TRACKER_DATABASE_URL"):
        EncryptedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db="elsewhere.db")


def test_plain_rows_are_read_then_sealed_by_db_upgrade_in_batches(tracker_url: str, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    now = SAVED_AT
    plain = SQLTrackerStore(domain=DOMAIN, host=tracker_url)  # Rasa's own store, as before this change
    for n in range(5):
        _save(plain, _conversation(f"conv-{n}", now))
    plain.engine.dispose()
    total = len(_rows(tracker_url))
    assert _readable(_rows(tracker_url))  # the problem being fixed
    store = _store()
    assert asyncio.run(store.retrieve("conv-3")).get_slot("district") == WORDS[2]  # type: ignore[union-attr]

    monkeypatch.setattr(conversations, "SEAL_BATCH", 4)
    with tracker_engine(tracker_url).begin() as connection:  # an upgrade interrupted after one batch
        from bot.store.tracker_events import seal_plain_rows

        assert seal_plain_rows(connection, 4) == 4
    assert conversations.plain_events() == total - 4
    assert main(["db", "upgrade"]) == 0
    assert f"{total - 4} events encrypted" in capsys.readouterr().out
    assert conversations.plain_events() == 0 and _readable(_rows(tracker_url)) == []
    assert main(["db", "upgrade"]) == 0  # idempotent
    assert "every event is encrypted" in capsys.readouterr().out
    for n in range(5):
        tracker = asyncio.run(store.retrieve(f"conv-{n}"))
        assert tracker is not None and tracker.latest_message.text.startswith(WORDS[0])  # type: ignore[union-attr]
    if tracker_url.startswith("sqlite"):  # nothing left behind in the file's free pages either
        path = Path(tracker_url.split("///", 1)[1])
        log = path.with_name(path.name + "-wal")  # the write-ahead log, emptied by the upgrade
        data = path.read_bytes() + (log.read_bytes() if log.exists() else b"")
        assert not any(secret.encode() in data for secret in [NUMBER, *WORDS])


def test_delete_conversation_removes_every_event_of_one_sender_only(tracker_url: str) -> None:
    store = _store()
    now = SAVED_AT
    for sender in ("conv-a", "conv-b"):
        _save(store, _conversation(sender, now))
    per_conversation = len(_rows(tracker_url)) // 2
    assert conversations.delete_conversation("conv-a") == per_conversation
    assert conversations.delete_conversation("conv-a") == 0
    assert {row[1] for row in _rows(tracker_url)} == {"conv-b"}
    assert asyncio.run(store.retrieve("conv-a")) is None


def test_retention_job_deletes_conversations_idle_longer_than_the_setting(tracker_url: str,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_CONVERSATION_RETENTION_DAYS", "30")
    _reset_caches()
    clock = ManualClock(datetime(2027, 3, 1, 10, 0, tzinfo=timezone.utc))
    store = _store()
    _save(store, _conversation("old", clock.now() - timedelta(days=31)))
    _save(store, _conversation("edge", clock.now() - timedelta(days=29, hours=23)))
    recent = _conversation("old-then-active", clock.now() - timedelta(days=200))
    recent.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}, timestamp=clock.now().timestamp()))
    _save(store, recent)

    assert conversations.idle_conversations(clock.now() - conversations.retention()) == 1
    assert run_job("conversation-retention", clock) == 1
    assert {row[1] for row in _rows(tracker_url)} == {"edge", "old-then-active"}
    assert run_job("conversation-retention", clock) == 0
    clock.advance(hours=2)  # "edge" now idle for 30 days and an hour
    assert run_job("conversation-retention", clock) == 1
    assert {row[1] for row in _rows(tracker_url)} == {"old-then-active"}


def test_idle_deletion_works_in_batches(tracker_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conversations, "DELETE_BATCH", 2)
    clock = ManualClock()
    store = _store()
    for n in range(5):
        _save(store, _conversation(f"conv-{n}", clock.now() - timedelta(days=100)))
    assert conversations.delete_idle_conversations(clock.now() - timedelta(days=90)) == 5
    assert _rows(tracker_url) == []


def test_sealed_json_is_what_rasa_would_have_written(tracker_url: str) -> None:
    """The sealed payload is exactly Rasa's JSON for the event (nothing dropped or added)."""
    from bot.store.tracker_events import unseal

    tracker = _conversation("conv-json", SAVED_AT)
    _save(_store(), tracker)
    stored = [json.loads(unseal(row[-1])) for row in _rows(tracker_url)]
    assert stored == [e.as_dict() for e in tracker.events]


def test_the_current_session_is_the_rows_rasa_finds_through_the_session_indexes(tracker_url: str) -> None:
    """Three sessions of one person and a conversation that never started a session: our two-step query returns
    Rasa's rows in Rasa's order, and both of its steps can use SESSION_INDEXES."""
    from sqlalchemy import inspect as inspect_database

    store = _store()
    for day in range(3):
        tracker = asyncio.run(store.retrieve("conv-long")) or DialogueStateTracker("conv-long", DOMAIN.slots)
        for event in _conversation("conv-long", SAVED_AT + timedelta(days=day)).events:
            tracker.update(event)
        _save(store, tracker)
    _save(store, DialogueStateTracker.from_events("conv-nosession", [
        ActionExecuted("action_listen", timestamp=SAVED_AT.timestamp()),
        UserUttered("hi", {"name": "greet", "confidence": 1.0}, timestamp=SAVED_AT.timestamp())], slots=DOMAIN.slots))
    indexes = {index["name"]: index["column_names"]
               for index in inspect_database(store.engine).get_indexes("events")}
    assert indexes["ix_events_sender_type_time"] == ["sender_id", "type_name", "timestamp"]
    assert indexes["ix_events_sender_time"] == ["sender_id", "timestamp"]
    rasas = SQLTrackerStore._event_query
    for sender in ("conv-long", "conv-nosession", "nobody"):
        for everything in (False, True):
            with store.session_scope() as session:
                ours = [row.id for row in store._event_query(session, sender, everything).all()]
                expected = [row.id for row in rasas(store, session, sender, everything).all()]
            assert ours == expected, (sender, everything)
    with store.session_scope() as session:
        latest = store._event_query(session, "conv-long", False).all()
    assert len(latest) == 7 and latest[0].type_name == "action" and latest[1].type_name == "session_started"
