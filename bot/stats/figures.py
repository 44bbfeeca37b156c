"""The five accountability figures, per district and month of the viewer's scope, as of a moment `now`.

Each reads a few clear columns in one query and groups in Python, so PostgreSQL and SQLite give the same answer
(their SQL for medians and months differs) and a figure over 10,000 reports stays a single scan. Months are months
in India: of the day a report was made, or of the day a child came back (a case's cohort).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.stats.retention import HORIZONS, in_contact_columns, retention_rows
from bot.stats.scope import Scope
from bot.stats.table import KEY_COLUMNS, Panel, StatTable, count, grouped, key_of, median, month_of_day, \
    month_of_moment, share
from bot.store.models import CheckIn, CompensationClaim, FollowupCase, Report

KINDS = ("recruitment", "missing", "emergency", "alert", "enrolment")
IN_SCHOOL = ("enrolled", "bridge_class", "attending")
APPLIED = ("applied", "sanctioned", "paid")
SANCTIONED = ("sanctioned", "paid")
ENROLLED = FollowupCase.status != "pending"  # a family's own request not yet confirmed by an NGO is not a case yet


def reports_by_kind(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """How many reports of each kind were made, per district and month."""
    query = select(Report.district, Report.created_at, Report.kind).where(
        scope.report_clause(), Report.created_at <= _utc(now))
    items = ((key_of(by, d, month_of_moment(at)), kind) for d, at, kind in session.execute(query))
    rows = [(*key, *(kinds.count(k) for k in KINDS), len(kinds)) for key, kinds in grouped(items)]
    return StatTable("reports_by_kind", "Reports by kind", by, (*KEY_COLUMNS[by], *KINDS, "total"), rows,
                     (Panel(KINDS, "stack", "reports"),))


def acknowledgement(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """How fast NGOs acknowledged reports (median minutes from the report to its first acknowledgement, over the
    acknowledged ones) and the share of reports that had to be escalated to the next NGO at least once."""
    query = select(Report.district, Report.created_at, Report.acknowledged_at, Report.escalation_level).where(
        scope.report_clause(), Report.created_at <= _utc(now))
    moment = _utc(now)
    items = []
    for district, created, acked, level in session.execute(query):
        minutes = None
        if acked is not None and as_utc(acked) <= moment:
            minutes = (as_utc(acked) - as_utc(created)).total_seconds() / 60
        items.append((key_of(by, district, month_of_moment(created)), (minutes, level > 0)))
    rows = []
    for key, group in grouped(items):
        waits = [m for m, _ in group if m is not None]
        escalated = count(group, lambda item: item[1])
        rows.append((*key, len(group), len(waits), median(waits), escalated, share(escalated, len(group))))
    columns = (*KEY_COLUMNS[by], "reports", "acknowledged", "median_minutes_to_ack", "escalated", "share_escalated")
    return StatTable("acknowledgement", "Time to acknowledgement and escalations", by, columns, rows,
                     (Panel(("median_minutes_to_ack",), "group", "minutes"),
                      Panel(("share_escalated",), "group", "share escalated", share=True)))


def contact_retention(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """The share of enrolled children still in contact 4, 6, 12 and 24 months after they came back (see
    `bot.stats.retention` for the definition), per district and month of return."""
    last_answered = func.max(CheckIn.due_at)
    query = (
        select(FollowupCase.district, FollowupCase.returned_on, last_answered)
        .outerjoin(CheckIn, and_(CheckIn.case_id == FollowupCase.id, CheckIn.status == "answered",
                                 CheckIn.answered_at <= _utc(now)))
        .where(scope.case_clause(), ENROLLED, FollowupCase.created_at <= _utc(now))
        .group_by(FollowupCase.id, FollowupCase.district, FollowupCase.returned_on)
    )
    rows = retention_rows(session.execute(query).all(), now, by)
    return StatTable("contact_retention", "Children still in contact after return", by,
                     (*KEY_COLUMNS[by], "enrolled", *in_contact_columns()), rows,
                     (Panel(tuple(f"share_{h}m" for h in HORIZONS), "group", "share in contact", share=True),))


def school(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """The share of enrolled children in school now (enrolled, in a bridge class or attending), and attending."""
    query = select(FollowupCase.district, FollowupCase.returned_on, FollowupCase.school_stage).where(
        scope.case_clause(), ENROLLED, FollowupCase.created_at <= _utc(now))
    items = ((key_of(by, d, month_of_day(day)), stage) for d, day, stage in session.execute(query))
    rows = []
    for key, stages in grouped(items):
        in_school = count(stages, lambda s: s in IN_SCHOOL)
        attending = stages.count("attending")
        rows.append((*key, len(stages), in_school, share(in_school, len(stages)), attending,
                     share(attending, len(stages))))
    columns = (*KEY_COLUMNS[by], "children", "in_school", "share_in_school", "attending", "share_attending")
    return StatTable("school", "Children in school", by, columns, rows,
                     (Panel(("share_in_school", "share_attending"), "overlay", "share of children", share=True),))


def compensation(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """Compensation claims applied for, sanctioned and paid (each counts the claims that reached that stage or a
    later one), and the median days from the child's return to the payment, per district and month of return."""
    query = (
        select(FollowupCase.district, FollowupCase.returned_on, CompensationClaim.stage, CompensationClaim.paid_on)
        .join(CompensationClaim, CompensationClaim.case_id == FollowupCase.id)
        .where(scope.case_clause(), ENROLLED, FollowupCase.created_at <= _utc(now))
    )
    items = ((key_of(by, d, month_of_day(day)), (stage, (paid - day).days if paid and stage == "paid" else None))
             for d, day, stage, paid in session.execute(query))
    rows = []
    for key, claims in grouped(items):
        days = [d for _, d in claims if d is not None]
        rows.append((*key, len(claims), count(claims, lambda c: c[0] in APPLIED),
                     count(claims, lambda c: c[0] in SANCTIONED), count(claims, lambda c: c[0] == "paid"),
                     median(days)))
    columns = (*KEY_COLUMNS[by], "claims", "applied", "sanctioned", "paid", "median_days_return_to_payment")
    return StatTable("compensation", "Compensation claims", by, columns, rows,
                     (Panel(("applied", "sanctioned", "paid"), "overlay", "claims"),
                      Panel(("median_days_return_to_payment",), "group", "days from return to payment")))


def _utc(moment: datetime) -> datetime:
    """Stored times are UTC, and SQLite compares them as text: compare with UTC."""
    return as_utc(moment).astimezone(timezone.utc)


Figure = Callable[[Session, Scope, datetime, str], StatTable]
FIGURES: dict[str, Figure] = {
    "reports_by_kind": reports_by_kind,
    "acknowledgement": acknowledgement,
    "contact_retention": contact_retention,
    "school": school,
    "compensation": compensation,
}
