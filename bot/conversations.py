"""Rasa's conversations as the helpline manages them: erasure of one conversation, deletion of idle ones (retention),
and sealing rows written in plain text before the encrypted tracker store existed (`helpline db upgrade`).

Application layer: each function here is one unit of work on the tracker database (HELPLINE_TRACKER_DATABASE_URL,
bot/settings.py), which may be another database than the helpline's own store; the row-level work is in
bot/store/tracker_events.py and runs in the transaction opened here.

Deleting a conversation removes all its events, so Rasa starts the next message from an empty tracker (a new session;
`carry_over_slots` has nothing to carry). What NGOs and coordinators need (reports, cases, consent, opt-out) is in the
helpline's own store, never only in the tracker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bot.settings import get_settings
from bot.store import tracker_events
from bot.store.tracker_events import events

DELETE_BATCH = 200  # idle conversations deleted per transaction: short locks on a busy tracker database
SEAL_BATCH = 500  # plain rows sealed per transaction by the migration


def _engine() -> Engine:
    return tracker_events.tracker_engine(get_settings().tracker_database_url)


def delete_conversation(sender_id: str) -> int:
    """Delete every event of one conversation (erasure); returns the number of events deleted (0: none held)."""
    with _engine().begin() as connection:
        return tracker_events.delete_sender(connection, sender_id)


def delete_idle_conversations(before: datetime) -> int:
    """Delete the conversations with no event since `before`; returns how many conversations. In batches, each its
    own transaction, so a large first run does not hold the table; a conversation that became active again between
    finding and deleting it is left alone (checked again inside the deleting transaction)."""
    deleted = 0
    while True:
        with _engine().begin() as connection:
            senders = tracker_events.idle_senders(connection, before, limit=DELETE_BATCH)
            for sender_id in senders:
                newest = connection.execute(
                    select(func.max(events.c.timestamp)).where(events.c.sender_id == sender_id)).scalar_one()
                if newest is not None and newest < before.timestamp():
                    tracker_events.delete_sender(connection, sender_id)
                    deleted += 1
        if len(senders) < DELETE_BATCH:
            return deleted


def retention() -> timedelta:
    return timedelta(days=get_settings().conversation_retention_days)


def idle_conversations(before: datetime) -> int:
    """How many conversations `delete_idle_conversations(before)` would delete (the job's backlog)."""
    with _engine().connect() as connection:
        return len(tracker_events.idle_senders(connection, before))


def seal_plain_events(progress: Callable[[int], None] | None = None) -> int:
    """Encrypt every tracker row still in plain JSON, in batches of SEAL_BATCH, each its own transaction: safe to run
    again and to interrupt (sealed rows are skipped). On SQLite the file is then vacuumed, so the plain text of the
    rewritten rows does not stay behind in free pages. Returns the number of rows sealed."""
    engine = _engine()
    sealed = 0
    while True:
        with engine.begin() as connection:
            count = tracker_events.seal_plain_rows(connection, SEAL_BATCH)
        sealed += count
        if progress and count:
            progress(sealed)
        if count < SEAL_BATCH:
            break
    if sealed and engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("VACUUM")
            # The file is in write-ahead-log mode (bot/store/tracker_events.sqlite_pragmas): copy the log into the
            # file and empty it, so no old page (plain text) stays in the log either.
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return sealed


def plain_events() -> int:
    with _engine().connect() as connection:
        return tracker_events.count_plain_rows(connection)
