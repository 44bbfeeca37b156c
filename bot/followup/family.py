"""The family's side of follow-up: "status" in plain words, stopping and restarting check-ins, and asking to be
enrolled through the assistant (the district NGO confirms by acknowledging the request, OK CODE)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.cases import CaseSummary
from bot.clock import Clock, SystemClock, as_utc
from bot.followup.alerts import raise_alert
from bot.followup.cases import (
    Enrolment,
    EnrolmentError,
    cancel_open_checkins,
    case_for_contact,
    create_case,
    next_checkin,
    reopen_future_checkins,
)
from bot.followup.schedule import next_daytime, today_in_india
from bot.followup.words import claims_words, followup_words, school_words
from bot.reports.outbox import audit
from bot.store import contacts
from bot.store.db import session_scope


def _reach(input_channel: str | None, conversation_id: str) -> tuple[str, str]:
    channel = "rest" if input_channel in (None, "", "collector", "rest", "cmdline") else input_channel
    return contacts.reach(channel, conversation_id)


def case_summary(input_channel: str | None, conversation_id: str, language: str | None) -> CaseSummary | None:
    """The family's case in plain words (their language), or None when this contact has no case."""
    with session_scope() as session:
        case = case_for_contact(session, *_reach(input_channel, conversation_id))
        if case is None:
            return None
        upcoming = next_checkin(case)
        next_day = today_in_india(next_daytime(as_utc(upcoming.next_action_at))) if upcoming else None
        claims = [(claim.scheme, claim.stage) for claim in case.claims]
        return CaseSummary(
            reference=case.reference,
            compensation_stage=claims_words(claims, language),
            school_stage=school_words(case.school_stage, language),
            next_check_in=followup_words(case.status, next_day, language),
        )


@dataclass(frozen=True)
class FollowupChange:
    """What stopping or restarting did: `found` is False when the contact has no case (nothing to stop)."""

    found: bool
    changed: bool
    reference: str | None = None


def stop_checkins(input_channel: str | None, conversation_id: str, clock: Clock | None = None) -> FollowupChange:
    """opt_out: no more check-ins, and the district NGO is told (once per day at most, however often it is said)."""
    now = (clock or SystemClock()).now()
    with session_scope() as session:
        case = case_for_contact(session, *_reach(input_channel, conversation_id))
        if case is None:
            return FollowupChange(False, False)
        if case.status == "opted_out":
            return FollowupChange(True, False, case.reference)
        case.status, case.opted_out_at = "opted_out", now
        cancel_open_checkins(session, case)
        audit(session, None, "family", "case_opted_out", f"case {case.reference}", now)
        raise_alert(session, case, "opted_out", f"optout-{today_in_india(now):%Y%m%d}", now)
        return FollowupChange(True, True, case.reference)


def restart_checkins(input_channel: str | None, conversation_id: str, clock: Clock | None = None) -> FollowupChange:
    """A family that stopped the check-ins can rejoin: those not yet due are scheduled again."""
    now = (clock or SystemClock()).now()
    with session_scope() as session:
        case = case_for_contact(session, *_reach(input_channel, conversation_id))
        if case is None:
            return FollowupChange(False, False)
        if case.status != "opted_out":
            return FollowupChange(True, False, case.reference)
        case.status, case.opted_out_at = "active", None
        reopen_future_checkins(session, case, now)
        audit(session, None, "family", "case_rejoined", f"case {case.reference}", now)
        return FollowupChange(True, True, case.reference)


def request_enrolment(input_channel: str | None, conversation_id: str, district: str, language: str,
                      returned_on: date | None = None, clock: Clock | None = None) -> str:
    """A family asked for check-ins and agreed: a pending case, and a request to the district NGO, which confirms it
    by acknowledging (OK CODE). Returns the case reference. Raises EnrolmentError (e.g. unknown district)."""
    now = (clock or SystemClock()).now()
    channel, address = _reach(input_channel, conversation_id)
    with session_scope() as session:
        existing = case_for_contact(session, channel, address)
        if existing is not None:
            return existing.reference
        enrolment = Enrolment(channel=channel, address=address, district=district,
                              returned_on=returned_on or today_in_india(now),
                              language=language if language in ("hi", "hi-Latn", "en", "bho") else "hi")
        case = create_case(session, enrolment, None, "pending", now, "family")
        raise_alert(session, case, "enrolment", "enrol", now)
        return case.reference


__all__ = ["EnrolmentError", "case_summary", "request_enrolment", "restart_checkins", "stop_checkins"]
