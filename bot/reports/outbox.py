"""Putting messages in the outbox. Always called inside the transaction that makes the message necessary (a new
report, an escalation), so a crash can never leave a report without its forward or a forward without its report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.crypto import decrypt, encrypt
from bot.store.models import AuditEvent, Delivery, Ngo, Report


def audit(session: Session, report: Report | None, actor: str, action: str, detail: str = "",
          at: datetime | None = None) -> None:
    """Append to the audit trail (never personal data in `detail`)."""
    event = AuditEvent(report_id=report.id if report else None, actor=actor, action=action, detail=detail[:300])
    if at is not None:
        event.at = at
    session.add(event)


def enqueue_to_ngo(session: Session, report: Report, ngo: Ngo, purpose: str, level: int, now: datetime,
                   contact_position: int = 0) -> Delivery | None:
    """Queue a message about `report` to `ngo` through its contact at `contact_position` (None if it has no such
    contact). Idempotent: the same (report, purpose, level, NGO, contact) is queued once, whoever asks twice."""
    contacts = list(ngo.contacts)
    if contact_position >= len(contacts):
        return None
    contact = contacts[contact_position]
    dedupe_key = f"r{report.id}:{purpose}:{level}:n{ngo.id}:c{contact_position}"
    existing = session.execute(select(Delivery).where(Delivery.dedupe_key == dedupe_key)).scalar_one_or_none()
    if existing is not None:
        return existing
    sequence = session.execute(select(func.count(Delivery.id)).where(Delivery.report_id == report.id)).scalar_one()
    delivery = Delivery(
        dedupe_key=dedupe_key,
        report_id=report.id,
        ngo_id=ngo.id,
        purpose=purpose,
        channel=contact.channel,
        address_encrypted=encrypt(decrypt(contact.address_encrypted)),
        marker=f"{report.code}-{sequence + 1}",
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    session.flush()
    audit(session, report, "helpline", "queued", f"{purpose} to ngo:{ngo.key} via {contact.channel}", now)
    return delivery
