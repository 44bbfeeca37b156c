"""Consent records: what a person agreed to, in which words, in which language and when (DPDP Act s.6, s.6(10)).

One row per consent given: a call-back, sharing the number with an NGO, follow-up enrolment, and for a child the
guardian's consent with how the guardian was verified (s.9(1), Rule 10). The wording is the reply catalogue's
message id (bot/data/replies/<language>.yml), so the exact text shown can be read back. Works in the caller's
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.crypto import pseudonym
from bot.store.models import Consent, utcnow

PURPOSES = ("callback", "share_number", "followup", "guardian")


def record_consent(session: Session, channel: str, address: str, purpose: str, message_id: str,
                   language: str | None, *, given_by: str = "self", verification: str | None = None,
                   case_id: int | None = None, report_id: int | None = None, now: datetime | None = None) -> None:
    """Store one consent as given."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    session.add(Consent(contact_key=pseudonym(channel, address), purpose=purpose, message_id=message_id,
                        language=language, given_at=now or utcnow(), given_by=given_by, verification=verification,
                        case_id=case_id, report_id=report_id))


@dataclass(frozen=True)
class ConsentView:
    """A consent as coordinators see it (the console and `helpline consents`)."""

    purpose: str
    message_id: str
    language: str | None
    given_at: datetime
    given_by: str
    verification: str | None

    def line(self) -> str:
        how = f" ({self.verification})" if self.verification else ""
        return (f"{self.given_at:%Y-%m-%d %H:%M}\t{self.purpose}\tby {self.given_by}{how}\t"
                f"{self.message_id} [{self.language or '-'}]")


def consents_of(session: Session, contact_keys: list[str]) -> list[ConsentView]:
    """Every consent recorded for these contact pseudonyms, oldest first."""
    rows = session.execute(select(Consent).where(Consent.contact_key.in_(contact_keys))
                           .order_by(Consent.given_at, Consent.id)).scalars()
    return [_view(r) for r in rows]


def consents_of_case(session: Session, case_id: int, contact_key: str) -> list[ConsentView]:
    """The consents behind a follow-up case, oldest first: those recorded with it (follow-up, the guardian's) and
    those the family's contact gave otherwise (a call-back, sharing the number with an NGO). An NGO deciding whether
    it may call, or whether a child's enrolment stands, needs all of them on the case's page."""
    rows = session.execute(select(Consent).where(or_(Consent.case_id == case_id, Consent.contact_key == contact_key))
                           .order_by(Consent.given_at, Consent.id)).scalars()
    return [_view(r) for r in rows]


def _view(row: Consent) -> ConsentView:
    return ConsentView(row.purpose, row.message_id, row.language, row.given_at, row.given_by, row.verification)
