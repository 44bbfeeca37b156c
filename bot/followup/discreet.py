"""The code word of discreet mode, on the follow-up side: everything stops at once, in the caller's transaction.

A person in discreet mode (bot/discreet.py) who sends their code word may have the wrong person beside them. From then
on the helpline writes nothing to that number on its own: the contact is opted out (every sender and the check-in
worker honour it), an open case's check-ins are paused (status `opted_out`, open ones cancelled, so no reminder
either) and the district NGO is told, by an alert, to contact the family only through a home visit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.followup.alerts import raise_alert
from bot.followup.cases import cancel_open_checkins, case_for_contact
from bot.followup.schedule import today_in_india
from bot.reports.outbox import audit
from bot.store import contacts


def stop_everything(session: Session, channel: str, address: str, now: datetime) -> str | None:
    """The code word was sent: no further messages, check-ins paused, the NGO told "home visit only". Returns the
    case reference when there is a case (for the audit trail), else None."""
    contacts.set_home_visit_only(session, channel, address, now)
    case = case_for_contact(session, channel, address)
    if case is None:
        audit(session, None, "family", "discreet_stop", "no case", now)
        return None
    if case.status in ("active", "pending"):
        case.status, case.opted_out_at = "opted_out", now
        cancel_open_checkins(session, case)
    audit(session, None, "family", "discreet_stop", f"case {case.reference}", now)
    raise_alert(session, case, "home_visit_only", f"homevisit-{today_in_india(now):%Y%m%d}", now)
    return str(case.reference)
