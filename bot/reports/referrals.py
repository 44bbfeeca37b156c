"""Referring a report to another district's NGO, and that NGO's answer (issue 13).

A referral is a forward like any other: `refer_report` queues an ordinary outbox message (purpose "referral") to
the receiving NGO, which the delivery worker composes, translates and sends like the first forward. Because the
receiving NGO was sent a message about the report, the one access rule (`bot.reports.access`, part 1) lets it see
and act on the report — no second rule — until it declines: a declined referral gives no access (referred again, it
does). The `Referral` row only keeps its answer: accepted or declined. Works in the
caller's session (the console opens the transaction).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.reports.outbox import audit, enqueue_to_ngo
from bot.store.models import Ngo, Referral, Report

DECISIONS = ("accepted", "declined")


class ReferralError(ValueError):
    """A referral that cannot be made or answered (same NGO, inactive NGO, already answered, not the receiver)."""


def refer_report(session: Session, report: Report, from_ngo: Ngo, to_ngo: Ngo, actor: str, now: datetime,
                 user_id: int | None = None) -> Referral:
    """Refer `report` from `from_ngo` to `to_ngo`: a Referral row plus its forward in the outbox, audited. Referring
    again to an NGO that has not answered yet returns the pending referral (nothing is sent twice)."""
    if to_ngo.id == from_ngo.id or not to_ngo.active:
        raise ReferralError("refer to another active NGO")
    if report.status == "closed":
        raise ReferralError("the report is closed")
    if not list(to_ngo.contacts):  # checked before anything is written: the caller's transaction stays clean
        raise ReferralError("the receiving NGO has no contact to send the referral to")
    pending = session.execute(
        select(Referral).where(Referral.report_id == report.id, Referral.to_ngo_id == to_ngo.id,
                               Referral.status == "pending")
    ).scalar_one_or_none()
    if pending is not None:
        return pending
    referral = Referral(report_id=report.id, from_ngo_id=from_ngo.id, to_ngo_id=to_ngo.id, status="pending",
                        created_by=user_id, created_at=now)
    session.add(referral)
    session.flush()
    if enqueue_to_ngo(session, report, to_ngo, "referral", referral.id, now) is None:
        raise ReferralError("the receiving NGO has no contact to send the referral to")
    audit(session, report, actor, "referred", f"referral {referral.id} from ngo:{from_ngo.key} to ngo:{to_ngo.key}",
          now)
    return referral


def decide_referral(session: Session, referral: Referral, ngo: Ngo, decision: str, actor: str,
                    now: datetime) -> Referral:
    """The receiving NGO accepts or declines a pending referral (only it may)."""
    if decision not in DECISIONS:
        raise ReferralError(f"decision must be one of {', '.join(DECISIONS)}")
    if referral.to_ngo_id != ngo.id:
        raise ReferralError("only the receiving NGO answers a referral")
    if referral.status != "pending":
        raise ReferralError("this referral was already answered")
    referral.status, referral.decided_at = decision, now
    report = session.get(Report, referral.report_id)
    audit(session, report, actor, f"referral_{decision}", f"referral {referral.id} by ngo:{ngo.key}", now)
    return referral


def referrals_of(session: Session, report: Report) -> list[Referral]:
    return list(session.execute(select(Referral).where(Referral.report_id == report.id)
                                .order_by(Referral.id)).scalars())
