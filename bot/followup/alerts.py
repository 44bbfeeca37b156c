"""Alerts about a followed-up family, raised as reports so they reach the district NGO through the same outbox,
acknowledgement (OK CODE) and escalation as a tip-off does.

Each alert has a key (case, check-in, reason): raising it again — a second worker, a retried action, the family
answering twice — finds the first one instead of sending a second. An agent approaching the family is a tip-off
about recruitment as well, so it also becomes a recruitment report for the same district.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.crypto import encrypt
from bot.followup.cases import decrypted, new_reference
from bot.reports.outbox import audit
from bot.reports.service import route_report
from bot.settings import get_settings
from bot.store import contacts
from bot.store.models import FollowupCase, Report

# reason -> urgent? A child away from home or an agent at the door cannot wait hours for an acknowledgement.
REASONS: dict[str, bool] = {
    "away_from_home": True,
    "agent_approach": True,
    "not_in_school": False,
    "compensation_late": False,
    "no_reply": False,
    "opted_out": False,
    "family_need": False,
    "enrolment": False,
    # The family sent its discreet-mode code word: someone may be reading its phone. Not urgent (nobody is to
    # act at once), but every message to the number must stop, and the NGO must know before it calls.
    "home_visit_only": False,
}


def _new_report(session: Session, case: FollowupCase, kind: str, urgent: bool, key: str, details: dict[str, str],
                now: datetime) -> Report:
    settings = get_settings()
    report = Report(
        code=new_reference(session), kind=kind, urgent=urgent, status="received", district=case.district,
        state=case.state, destination_district=None, children_count=1, language=case.language,
        channel=case.channel, contact_consent="share", reporter_key=case.contact_key,
        reporter_discreet=contacts.is_discreet_key(session, case.contact_key),
        reporter_address_encrypted=case.address_encrypted,
        details_encrypted=_encrypted(details),
        escalation_level=0, ack_due_at=now + (settings.ack_timeout_urgent if urgent else settings.ack_timeout),
        created_at=now, case_id=case.id, alert_key=key,
    )
    session.add(report)
    session.flush()
    audit(session, report, "followup", "received", f"kind={kind} case={case.reference} urgent={urgent}", now)
    route_report(session, report, now)
    return report


def _encrypted(details: dict[str, str]) -> bytes:
    return encrypt(json.dumps(details, ensure_ascii=False))


def raise_alert(session: Session, case: FollowupCase, reason: str, occasion: str, now: datetime,
                note: str | None = None) -> Report:
    """The alert for `reason` on `occasion` (e.g. "k12" for check-in 12, "optout-3"), created once."""
    if reason not in REASONS:
        raise ValueError(f"unknown alert reason {reason!r}")
    key = f"c{case.id}:{occasion}:{reason}"
    existing = session.execute(select(Report).where(Report.alert_key == key)).scalar_one_or_none()
    if existing is not None:
        return existing
    details = {"case": case.reference, "reason": reason}
    place = decrypted(case.place_encrypted)
    if place:
        details["place"] = place
    if note:
        details["what"] = note
    kind = "enrolment" if reason == "enrolment" else "alert"
    try:
        with session.begin_nested():  # another worker may raise the same alert this very moment
            report = _new_report(session, case, kind, REASONS[reason], key, details, now)
            if reason == "agent_approach":
                tip = {"case": case.reference, "source": "followup"}
                if place:
                    tip["place"] = place
                _new_report(session, case, "recruitment", False, key + ":tip", tip, now)
    except IntegrityError:
        return session.execute(select(Report).where(Report.alert_key == key)).scalar_one()
    return report


def open_alerts(session: Session, case: FollowupCase) -> list[Report]:
    return list(session.execute(
        select(Report).where(Report.case_id == case.id, Report.status != "closed", Report.kind == "alert")
        .order_by(Report.id)
    ).scalars())
