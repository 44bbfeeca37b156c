"""Rasa's conversations (the tracker store) as the helpline's own code needs them: deleting one for erasure.

Rasa keeps every event of a conversation (the person's messages, the replies, slot values) in the `events` table of
its SQL tracker store, keyed by `sender_id` — our pseudonym on Twilio and Telegram, the sender id on REST. Rasa has
no API to delete a conversation, so erasure deletes the rows itself, in the database named by
`HELPLINE_TRACKER_DATABASE_URL` or, by default, by `tracker_store` in endpoints.yml (bot/settings.py).
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from bot.settings import get_settings


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))


def delete_conversation(sender_id: str) -> int:
    """Delete every tracker event of `sender_id`; returns how many rows went. Idempotent (0 the second time, and
    when Rasa has not created its table yet), so an interrupted erasure can simply run it again."""
    url = get_settings().tracker_database_url
    if not url:
        raise RuntimeError("no SQL tracker store configured (HELPLINE_TRACKER_DATABASE_URL or endpoints.yml)")
    engine = _engine(url)
    with engine.begin() as connection:
        if not inspect(connection).has_table("events"):
            return 0
        result = connection.execute(text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id})
        return int(result.rowcount or 0)
