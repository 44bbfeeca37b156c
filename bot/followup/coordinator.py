"""Follow-up cases as coordinators see them on the command line: cases by district with overdue check-ins and open
alerts, one case in full, open alerts, and a CSV export; plus enrolling and updating a case from the command line.

Like bot.reports.coordinator, decryption happens only in `show_case` (the `helpline` tool runs on the coordinator's
own machine with the key); lists and the CSV carry no names, phone numbers or free text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.sql.expression import ColumnElement

from bot.clock import Clock, SystemClock, as_utc
from bot.crypto import decrypt, encrypt
from bot.csv_export import csv_text
from bot.followup.cases import (
    Enrolment,
    EnrolmentError,
    cancel_open_checkins,
    case_by_reference,
    case_for_contact,
    create_case,
    decrypted,
    normalise_address,
    set_claim,
    set_school,
)
from bot.followup.conversation import QUESTIONS, apply_answer
from bot.followup.schedule import next_daytime, today_in_india
from bot.followup.words import SCHEMES
from bot.reports.outbox import audit
from bot.store import contacts
from bot.store.models import CheckIn, CompensationClaim, FollowupCase, Ngo, Report

OPEN_CHECKIN = ("scheduled", "firing", "waiting")
ALERT_KINDS = ("alert", "enrolment")  # raised by bot.followup.alerts; a recruitment tip from a case is a report


@dataclass(frozen=True)
class CaseRow:
    """One case, counts and stages only (safe on a shared screen and in the CSV)."""

    reference: str
    district: str
    state: str
    status: str
    ngo: str
    returned_on: date
    enrolled_on: date
    school_stage: str
    school_updated_on: date | None
    claims: tuple[tuple[str, str], ...]  # (scheme, stage)
    next_checkin: date | None  # IST day the next check-in will be sent (today when one is due and not sent)
    overdue: int  # see overdue_count
    answered: int
    last_answered_on: date | None
    open_alerts: int


@dataclass(frozen=True)
class AlertRow:
    code: str
    case: str
    reason: str
    urgent: bool
    status: str
    district: str
    created_at: datetime
    age_hours: float


@dataclass(frozen=True)
class Enrolled:
    """What enrolling did: the reference and every check-in's due date (IST), and the first day one is sent."""

    reference: str
    district: str
    checkins: tuple[tuple[str, date], ...]  # (label, due date)
    first_contact: date | None


class CheckinState(NamedTuple):
    """What the case list needs of a check-in, read as plain columns (no ORM object per check-in)."""

    status: str
    due_at: datetime
    answered_at: datetime | None


def is_overdue(checkin: CheckIn | CheckinState, now: datetime) -> bool:
    """Past due and not answered: asked and waiting for an answer, missed (no answer after the reminders), or due
    and not sent yet."""
    if checkin.status == "missed":
        return True
    return checkin.status in OPEN_CHECKIN and as_utc(checkin.due_at) <= now


def overdue_count(case: FollowupCase, now: datetime) -> int:
    """Overdue check-ins of a case. Of several due and not yet sent (a case enrolled late, or a worker that was
    down) the worker sends only the latest and skips the others, so those count once."""
    return _overdue_of(case.checkins, now)


def _overdue_of(checkins: Sequence[CheckIn | CheckinState], now: datetime) -> int:
    unsent = [c for c in checkins if c.status in ("scheduled", "firing") and is_overdue(c, now)]
    return sum(1 for c in checkins if c.status in ("waiting", "missed") and is_overdue(c, now)) + min(
        1, len(unsent))


def reason_of(report: Report) -> str:
    """The alert's reason from its key ("c<case>:<occasion>:<reason>"), without decrypting anything."""
    key = report.alert_key or ""
    if key.endswith(":tip"):
        return "agent_tip"
    return key.rsplit(":", 1)[-1] if key.count(":") >= 2 else report.kind


def first_contact_day(case: FollowupCase, now: datetime) -> date | None:
    """The day (in India) the next check-in will be sent: today, or the next daytime, when one is already due and
    not sent (the worker catches up with the latest one); otherwise the next check-in's day. None when none is
    scheduled (all sent, or the case is closed or stopped)."""
    return _first_contact_of(case.checkins, now)


def _first_contact_of(checkins: Sequence[CheckIn | CheckinState], now: datetime) -> date | None:
    pending = [c for c in checkins if c.status == "scheduled"]
    if not pending:
        return None
    if any(as_utc(c.due_at) <= now for c in pending):
        return today_in_india(next_daytime(now))
    return today_in_india(min(as_utc(c.due_at) for c in pending))


def _row(case: FollowupCase, checkins: Sequence[CheckinState], open_alerts: int, now: datetime) -> CaseRow:
    answered = [as_utc(c.answered_at) for c in checkins if c.answered_at is not None]
    return CaseRow(
        reference=case.reference, district=case.district or "unknown", state=case.state or "",
        status=case.status, ngo=case.ngo.key if case.ngo else "", returned_on=case.returned_on,
        enrolled_on=today_in_india(as_utc(case.created_at)), school_stage=case.school_stage,
        school_updated_on=case.school_updated_on,
        claims=tuple((claim.scheme, claim.stage) for claim in case.claims),
        next_checkin=_first_contact_of(checkins, now),
        overdue=_overdue_of(checkins, now),
        answered=sum(1 for c in checkins if c.status == "answered"),
        last_answered_on=today_in_india(max(answered)) if answered else None,
        open_alerts=open_alerts,
    )


def list_cases(session: Session, district: str | None = None, overdue: bool = False, alerts: bool = False,
               clock: Clock | None = None, scope: ColumnElement[bool] | None = None,
               school_stage: str | None = None, claim_stage: str | None = None,
               limit: int | None = None) -> list[CaseRow]:
    """Cases ordered by district then reference; `overdue` / `alerts` keep only cases with overdue check-ins / open
    alerts. `scope`: a where-clause on FollowupCase (the console's `cases_scope_filter(ngo)` or a state's); the
    stage filters keep cases at that school stage / with a claim at that stage; `limit` caps the rows."""
    now = (clock or SystemClock()).now()
    query = select(FollowupCase).order_by(FollowupCase.district, FollowupCase.reference)
    if scope is not None:
        query = query.where(scope)
    if district:
        query = query.where(FollowupCase.district == _district_name(district))
    if school_stage:
        query = query.where(FollowupCase.school_stage == school_stage)
    if claim_stage:
        query = query.where(FollowupCase.claims.any(CompensationClaim.stage == claim_stage))
    if overdue:  # is_overdue, in SQL: the page of the console shows the first `limit` of these
        query = query.where(FollowupCase.checkins.any(or_(
            CheckIn.status.in_(OPEN_CHECKIN) & (CheckIn.due_at <= now), CheckIn.status == "missed")))
    if limit is not None and not alerts:
        query = query.limit(limit)
    # The check-ins are read as three plain columns (`_checkin_states`), not as ORM objects: building ~900 of them,
    # encrypted answers included, was most of the time of the console's slowest page (NGO staff's overdue cases).
    query = query.options(
        selectinload(FollowupCase.claims).load_only(CompensationClaim.scheme, CompensationClaim.stage),
        joinedload(FollowupCase.ngo))
    cases = session.execute(query).scalars().all()
    counts: dict[int, int] = {}
    for case_id in session.execute(
        select(Report.case_id).where(Report.case_id.in_([case.id for case in cases]), Report.kind == "alert",
                                     Report.status != "closed")
    ).scalars():
        counts[case_id] = counts.get(case_id, 0) + 1
    states = _checkin_states(session, [case.id for case in cases])
    rows = [_row(case, states.get(case.id, []), counts.get(case.id, 0), now) for case in cases]
    if overdue:
        rows = [row for row in rows if row.overdue]
    if alerts:
        rows = [row for row in rows if row.open_alerts]
    return rows[:limit] if limit is not None else rows


def _checkin_states(session: Session, case_ids: list[int]) -> dict[int, list[CheckinState]]:
    """The check-ins of these cases as (status, due, answered), in one query of plain rows."""
    states: dict[int, list[CheckinState]] = {}
    if not case_ids:
        return states
    query = select(CheckIn.case_id, CheckIn.status, CheckIn.due_at, CheckIn.answered_at).where(
        CheckIn.case_id.in_(case_ids))
    for case_id, status, due_at, answered_at in session.execute(query):
        states.setdefault(case_id, []).append(CheckinState(status, due_at, answered_at))
    return states


def _district_name(name: str) -> str:
    """"gaya", "गया" or "Motihari" -> the canonical name cases are stored under (unknown names are kept as given)."""
    from bot.gazetteer import load_gazetteer

    district = load_gazetteer().lookup(name)
    return district.name if district else name


def list_alerts(session: Session, clock: Clock | None = None) -> list[AlertRow]:
    """Open follow-up alerts (and families' enrolment requests waiting for the NGO), oldest first."""
    now = (clock or SystemClock()).now()
    rows = session.execute(
        select(Report, FollowupCase.reference).join(FollowupCase, FollowupCase.id == Report.case_id)
        .where(Report.kind.in_(ALERT_KINDS), Report.status != "closed").order_by(Report.id)
    ).all()
    return [
        AlertRow(report.code, reference, reason_of(report), report.urgent, report.status,
                 report.district or "unknown", as_utc(report.created_at),
                 (now - as_utc(report.created_at)).total_seconds() / 3600)
        for report, reference in rows
    ]


def show_case(session: Session, reference: str, clock: Clock | None = None) -> dict | None:
    """One case in full, decrypted: names, contact, place, claims with dates, every check-in with its answers, and
    every report raised about it (alerts, the enrolment request, recruitment tips)."""
    now = (clock or SystemClock()).now()
    case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference.strip())
                           ).scalar_one_or_none()
    if case is None:
        return None
    reports = session.execute(select(Report).where(Report.case_id == case.id).order_by(Report.id)).scalars()
    names = {ngo.id: ngo.key for ngo in session.execute(select(Ngo)).scalars()}
    return {
        "reference": case.reference,
        "status": case.status,
        "ngo": case.ngo.key if case.ngo else None,
        "district": case.district,
        "state": case.state,
        "place": decrypted(case.place_encrypted),
        "channel": case.channel,
        "contact": decrypt(case.address_encrypted),
        "discreet": contacts.is_discreet_key(session, case.contact_key),
        "language": case.language,
        "guardian": decrypted(case.guardian_name_encrypted),
        "child": decrypted(case.child_name_encrypted),
        "child_age": case.child_age,
        "returned_on": case.returned_on,
        "enrolled_at": as_utc(case.created_at),
        "school_stage": case.school_stage,
        "school": decrypted(case.school_name_encrypted),
        "school_updated_on": case.school_updated_on,
        "living_at_home": case.living_at_home,
        "money_reported_on": case.money_reported_on,
        "opted_out_at": as_utc(case.opted_out_at) if case.opted_out_at else None,
        "claims": [
            {"scheme": c.scheme, "stage": c.stage, "applied_on": c.applied_on, "sanctioned_on": c.sanctioned_on,
             "paid_on": c.paid_on}
            for c in case.claims
        ],
        "checkins": [
            {"sequence": c.sequence, "label": c.label, "due_at": as_utc(c.due_at), "status": c.status,
             "overdue": is_overdue(c, now), "sends": c.sends, "prompts": c.prompts,
             "fired_at": as_utc(c.fired_at) if c.fired_at else None,
             "answered_at": as_utc(c.answered_at) if c.answered_at else None,
             "answers": json.loads(decrypt(c.answers_encrypted)) if c.answers_encrypted else {},
             "error": c.last_error}
            for c in case.checkins
        ],
        "alerts": [
            {"code": r.code, "kind": r.kind, "reason": reason_of(r), "urgent": r.urgent, "status": r.status,
             "created_at": as_utc(r.created_at), "acknowledged_by": names.get(r.acknowledged_by)}
            for r in reports
        ],
    }


def enrol_case(session: Session, enrolment: Enrolment, ngo_key: str | None = None, clock: Clock | None = None,
               actor: str = "cli") -> Enrolled:
    """Enrol a family (active at once). Raises EnrolmentError for bad input, an unknown NGO, or a contact that
    already has an open case (check-ins are per conversation: one open case per number)."""
    now = (clock or SystemClock()).now()
    ngo = None
    if ngo_key:
        ngo = session.execute(select(Ngo).where(Ngo.key == ngo_key)).scalar_one_or_none()
        if ngo is None:
            raise EnrolmentError(f"no NGO {ngo_key!r} in the directory (see `helpline ngos routes`)")
    existing = case_for_contact(session, enrolment.channel, normalise_address(enrolment.channel,
                                                                              enrolment.address))
    if existing is not None:
        raise EnrolmentError(f"this contact already has an open case {existing.reference}")
    case = create_case(session, enrolment, ngo, "active", now, actor)
    return Enrolled(case.reference, case.district or "unknown",
                    tuple((c.label, today_in_india(as_utc(c.due_at))) for c in case.checkins),
                    first_contact_day(case, now))


def update_case(session: Session, reference: str, school_stage: str | None = None, school_name: str | None = None,
                claims: list[tuple[str, str, date | None]] | None = None, close: bool = False,
                clock: Clock | None = None, actor: str = "cli") -> str:
    """Change a case's trackers, or close it (no more check-ins). Returns the case's status afterwards. Raises
    EnrolmentError (unknown case, stage or scheme): nothing is changed then."""
    now = (clock or SystemClock()).now()
    case = case_by_reference(session, reference)
    if school_stage or school_name:
        set_school(session, case, school_stage or case.school_stage, school_name, now, actor)
    for scheme, stage, on in claims or []:
        set_claim(session, case, scheme, stage, on, now, actor)
    if close and case.status != "closed":
        case.status = "closed"
        cancelled = cancel_open_checkins(session, case)
        audit(session, None, actor, "case_closed", f"case {case.reference} cancelled={cancelled}", now)
    case.updated_at = now
    return case.status


CSV_COLUMNS = ("reference", "district", "state", "status", "ngo", "returned_on", "enrolled_on", "school_stage",
               "school_updated_on", *(f"claim_{scheme}" for scheme in SCHEMES), "next_checkin",
               "checkins_answered", "checkins_overdue", "last_answered_on", "open_alerts")


def export_csv(rows: list[CaseRow]) -> str:
    """The coordinators' spreadsheet: one line per case; stages, dates and counts, no names or phone numbers."""
    return csv_text(CSV_COLUMNS, (_csv_line(row) for row in rows))


def _csv_line(row: CaseRow) -> list[object]:
    stages = dict(row.claims)
    return [
        row.reference, row.district, row.state, row.status, row.ngo, row.returned_on.isoformat(),
        row.enrolled_on.isoformat(), row.school_stage, _iso(row.school_updated_on),
        *(stages.get(scheme, "") for scheme in SCHEMES), _iso(row.next_checkin), row.answered, row.overdue,
        _iso(row.last_answered_on), row.open_alerts,
    ]


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def record_checkin(session: Session, case: FollowupCase, answers: dict[str, bool | str], now: datetime,
                   actor: str) -> CheckIn:
    """An NGO worker who reached the family another way (a phone call, a visit) records the answers of the case's
    next open check-in: the same `apply_answer` as a family's own reply, so the case changes and alerts are raised
    exactly as if the family had answered by message. Raises EnrolmentError when no check-in is open."""
    checkin = next((c for c in case.checkins if c.status in OPEN_CHECKIN), None)
    if checkin is None or case.status != "active":
        raise EnrolmentError(f"case {case.reference} has no open check-in")
    recorded = json.loads(decrypt(checkin.answers_encrypted)) if checkin.answers_encrypted else {}
    for question in QUESTIONS:
        if question in answers:
            recorded[question] = answers[question]
            apply_answer(session, case, checkin, question, answers[question], now)
    checkin.answers_encrypted = encrypt(json.dumps(recorded, ensure_ascii=False))
    checkin.step = len(QUESTIONS)
    checkin.status, checkin.lease_until = "answered", None
    checkin.answered_at = checkin.answered_at or now
    audit(session, None, actor, "checkin_recorded", f"case {case.reference} check-in {checkin.label}", now)
    return checkin
