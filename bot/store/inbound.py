"""Remembering which provider messages were already processed, and what providers said about ours.

Every function works in the caller's transaction (`session`): the application layer opens it (see the README)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.store.models import InboundSeen, OutboundStatus, utcnow


def mark_seen(session: Session, channel: str, provider_id: str) -> None:
    """Record that this (channel, provider id) is being processed. Raises IntegrityError (at the latest when the
    caller commits) for a redelivery: safe across replicas, the unique constraint decides. The caller commits this
    on its own, before the work, so that a concurrent redelivery is dropped."""
    session.add(InboundSeen(channel=channel, provider_id=provider_id[:64], seen_at=utcnow()))
    session.flush()


def forget(session: Session, channel: str, provider_id: str) -> None:
    """Processing failed after the id was recorded: let the provider's retry through."""
    session.execute(delete(InboundSeen).where(InboundSeen.channel == channel,
                                              InboundSeen.provider_id == provider_id[:64]))


def prune_seen(session: Session, older_than: timedelta, now: datetime) -> int:
    """Providers redeliver within minutes to hours; a week of ids is plenty. The caller (the `pruning` job) owns the
    transaction."""
    return session.execute(delete(InboundSeen).where(InboundSeen.seen_at < now - older_than)).rowcount


def record_status(session: Session, provider_id: str, channel: str, status: str, error_code: str | None) -> None:
    """Keep the latest provider status of a message we sent (Twilio status callback)."""
    row = session.execute(
        select(OutboundStatus).where(OutboundStatus.provider_id == provider_id[:64])
    ).scalar_one_or_none()
    if row is None:
        row = OutboundStatus(provider_id=provider_id[:64], channel=channel)
        session.add(row)
    row.status, row.error_code, row.updated_at = status[:16], (error_code or None), utcnow()


def status_of(session: Session, provider_id: str) -> tuple[str, str | None] | None:
    query = select(OutboundStatus).where(OutboundStatus.provider_id == provider_id)
    row = session.execute(query).scalar_one_or_none()
    return (row.status, row.error_code) if row else None


def status_counts(session: Session) -> dict[str, int]:
    """How many of our sent messages the providers last reported in each status (for operators)."""
    rows = session.execute(select(OutboundStatus.status, func.count()).group_by(OutboundStatus.status)).all()
    return {status: count for status, count in rows}


def recent_failures(session: Session, limit: int = 20) -> list[tuple[datetime, str, str, str | None]]:
    """(when, channel, provider id, error code) of the latest failed/undelivered messages; no addresses kept."""
    rows = session.execute(
        select(OutboundStatus).where(OutboundStatus.status.in_(("failed", "undelivered")))
        .order_by(OutboundStatus.updated_at.desc()).limit(limit)
    ).scalars()
    return [(row.updated_at, row.channel, row.provider_id, row.error_code) for row in rows]
