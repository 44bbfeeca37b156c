"""Rasa's conversation events (the tracker store's `events` table), sealed with the helpline's keys.

Rasa's SQL tracker store writes every event as one row: `sender_id`, `type_name`, `timestamp`, `intent_name`,
`action_name` and `data`, the event as JSON. `data` holds everything a person said (`text`, `parse_data`, the
channel's `metadata`) and every slot value, so it is stored here only as a Fernet token (bot/crypto.py: the newest key
encrypts, every configured key decrypts, so rotation needs no rewrite). The other columns stay plain because Rasa and
our jobs query them and they hold nothing a person wrote: the conversation id is a keyed pseudonym on Twilio and
Telegram, the type, time, intent and action names come from the model and the domain.

This module is the core: sealing, the table's shape for our own queries, and the work on rows in the caller's
connection. `bot.rasa_tracker_store` (the class Rasa loads) and `bot.conversations` (deletion, migration) use it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    exc,
    func,
    select,
)
from sqlalchemy.engine import Connection, Engine

from bot.crypto import decrypt, encrypt

# A sealed `data` value starts with this; plain JSON (Rasa's own format, before `helpline db upgrade`) starts with "{".
SEALED_PREFIX = "fernet:"

metadata = MetaData()
# The columns of Rasa 3.6's SQLTrackerStore.SQLEvent, for our own queries (deletion, migration) without importing
# Rasa into processes that do not need it. tests/test_tracker_store.py checks that they match Rasa's.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
# Rasa indexes `sender_id` only. Each turn Rasa looks up the conversation's latest session start and the events since
# then; with only that index both read every row the person ever caused (two years of check-ins: tens of thousands).
# These two make both a range over the current session (EncryptedSQLTrackerStore._event_query).
SESSION_INDEXES = (
    Index("ix_events_sender_type_time", events.c.sender_id, events.c.type_name, events.c.timestamp),
    Index("ix_events_sender_time", events.c.sender_id, events.c.timestamp),
)


def seal(data_json: str) -> str:
    """The stored form of one event's JSON: a Fernet token under the newest key, marked as sealed."""
    return SEALED_PREFIX + encrypt(data_json).decode("ascii")


def unseal(stored: str) -> str:
    """An event's JSON from its stored form; rows written before the migration are still plain JSON."""
    if stored.startswith(SEALED_PREFIX):
        return decrypt(stored[len(SEALED_PREFIX):].encode("ascii"))
    return stored


def is_sealed(stored: str | None) -> bool:
    return stored is not None and stored.startswith(SEALED_PREFIX)


@lru_cache(maxsize=8)
def tracker_engine(url: str) -> Engine:
    """One engine per tracker database URL per process (our jobs and commands; Rasa has its own)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, future=True, connect_args={"timeout": 30})
        event.listen(engine, "connect", sqlite_pragmas)
    else:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    # The same table Rasa creates on start (checkfirst): a job or command may run before Rasa ever did. Two processes
    # may check at the same moment and both try to create it; the loser finds it made by the other.
    _create_once(lambda: metadata.create_all(engine))
    create_session_indexes(engine)
    return engine


def _create_once(create: Callable[[], None]) -> None:
    """Run a `create ... checkfirst` that another process may be running at the same moment: the loser finds the
    table or index made by the other."""
    try:
        create()
    except exc.OperationalError as error:
        if "already exists" not in str(error.orig):
            raise
    except (exc.ProgrammingError, exc.IntegrityError) as error:  # PostgreSQL: DuplicateTable, or pg_class unique
        if "already exists" not in str(error.orig) and "duplicate key" not in str(error.orig):
            raise


def create_session_indexes(engine: Engine) -> None:
    """SESSION_INDEXES on the events table (made by Rasa or by us), when missing; safe to race."""
    for index in SESSION_INDEXES:
        _create_once(lambda index=index: index.create(engine, checkfirst=True))  # type: ignore[misc]


def sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """Deleted and rewritten rows are overwritten with zeros in the file instead of lingering in free pages (the
    plain rows the migration replaces, the conversations retention deletes).

    Write-ahead log with `synchronous=NORMAL`: a turn's commit appends to the log without waiting for the disk
    (SQLite's default journal waited for several fsyncs per message, on Rasa's event loop, i.e. for every
    conversation). A crash of the process loses nothing; a power cut can lose the last turns not yet checkpointed,
    never corrupt the file. The helpline's own store (reports, cases) keeps SQLite's full sync (bot/store/db.py)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def seal_plain_rows(connection: Connection, batch_size: int) -> int:
    """Seal up to `batch_size` rows still in plain JSON, in the caller's transaction; returns how many. Idempotent
    (sealed rows are skipped) and resumable: call again until it returns 0."""
    rows = connection.execute(
        select(events.c.id, events.c.data)
        .where(events.c.data.is_not(None), ~events.c.data.startswith(SEALED_PREFIX))
        .order_by(events.c.id).limit(batch_size)
    ).all()
    for row_id, data in rows:
        connection.execute(events.update().where(events.c.id == row_id, events.c.data == data)
                           .values(data=seal(data)))
    return len(rows)


def count_plain_rows(connection: Connection) -> int:
    return int(connection.execute(
        select(func.count()).select_from(events)
        .where(events.c.data.is_not(None), ~events.c.data.startswith(SEALED_PREFIX))
    ).scalar_one())


def delete_sender(connection: Connection, sender_id: str) -> int:
    """Delete every event of one conversation, in the caller's transaction; returns the number of rows."""
    return int(connection.execute(delete(events).where(events.c.sender_id == sender_id)).rowcount or 0)


def idle_senders(connection: Connection, before: datetime, limit: int | None = None) -> list[str]:
    """Conversations whose newest event is older than `before` (Rasa stores times as Unix seconds)."""
    query = (select(events.c.sender_id).group_by(events.c.sender_id)
             .having(func.max(events.c.timestamp) < before.timestamp()).order_by(events.c.sender_id))
    if limit is not None:
        query = query.limit(limit)
    return [sender for (sender,) in connection.execute(query)]
