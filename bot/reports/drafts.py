"""Reports being taken, kept encrypted in our store rather than as Rasa slot values.

Rasa's tracker store keeps every slot value in clear; the free text of a report (names, villages, an agent's number)
must not sit there. The form's slots only hold markers ("given", "unknown", a district name), and the answers live
here, keyed by a pseudonym of the conversation, until the report is submitted or stopped.

Every function works in its caller's session: the application layer (the message readers, the actions, the channel
gate, the draft-expiry job) owns the unit of work.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.crypto import decrypt, encrypt, pseudonym
from bot.store.models import ReportDraft, utcnow


def conversation_key(channel: str, sender: str) -> str:
    return pseudonym("report-draft", channel, sender)


def load_draft(session: Session, channel: str, sender: str) -> tuple[str, dict[str, Any]] | None:
    """(kind, fields) of the draft for this conversation, or None."""
    row = session.execute(
        select(ReportDraft).where(ReportDraft.conversation_key == conversation_key(channel, sender))
    ).scalar_one_or_none()
    return (row.kind, json.loads(decrypt(row.fields_encrypted))) if row else None


def save_draft(session: Session, channel: str, sender: str, kind: str, fields: dict[str, Any],
               now: datetime | None = None) -> None:
    """Create or replace the draft for this conversation."""
    key = conversation_key(channel, sender)
    blob = encrypt(json.dumps(fields, ensure_ascii=False))
    row = session.execute(select(ReportDraft).where(ReportDraft.conversation_key == key)).scalar_one_or_none()
    if row is None:
        row = ReportDraft(conversation_key=key, kind=kind, fields_encrypted=blob)
        session.add(row)
    row.kind, row.fields_encrypted, row.updated_at = kind, blob, now or utcnow()


def delete_draft(session: Session, channel: str, sender: str) -> None:
    session.execute(delete(ReportDraft).where(ReportDraft.conversation_key == conversation_key(channel, sender)))


def stale_drafts(session: Session, older_than: timedelta, now: datetime) -> list[tuple[str, str, dict[str, Any]]]:
    """(conversation key, kind, fields) of drafts untouched for `older_than`: the person left in the middle."""
    rows = session.execute(select(ReportDraft).where(ReportDraft.updated_at < now - older_than)).scalars()
    return [(row.conversation_key, row.kind, json.loads(decrypt(row.fields_encrypted))) for row in rows]


def delete_draft_by_key(session: Session, key: str) -> None:
    session.execute(delete(ReportDraft).where(ReportDraft.conversation_key == key))
