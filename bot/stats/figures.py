"""The five accountability figures, per district and month of the viewer's scope, as of a moment `now`.

Each is one query that groups in the database (months in India, durations in whole seconds or days: `bot.stats.sql`
spells them for PostgreSQL and SQLite), then medians and shares in Python, so both databases give the same answer.
Months are months in India: of the day a report was made, or of the day a child came back (a case's cohort). Only
what existed at `now` counts: reports made and acknowledgements given by then, cases enrolled by then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from bot.clock import as_utc
from bot.stats import sql
from bot.stats.retention import HORIZONS, in_contact_columns, retention_rows
from bot.stats.scope import Scope
from bot.stats.table import KEY_COLUMNS, Key, Panel, StatTable, grouped, median, share
from bot.store.models import CheckIn, CompensationClaim, FollowupCase, Report

KINDS = ("recruitment", "missing", "emergency", "alert", "enrolment")
IN_SCHOOL = ("enrolled", "bridge_class", "attending")
APPLIED = ("applied", "sanctioned", "paid")
SANCTIONED = ("sanctioned", "paid")


def reports_by_kind(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """How many reports of each kind were made, per district and month."""
    keys = _keys(by, Report.district, sql.month_of_time(session, Report.created_at))
    query = (select(*keys, Report.kind, func.count()).where(_reports_until(scope, now))
             .group_by(*keys, Report.kind))
    counts = _counters(session, query, len(keys))
    rows = [(*key, *(c[k] for k in KINDS), sum(c.values())) for key, c in counts]
    return StatTable("reports_by_kind", "Reports by kind", by, (*KEY_COLUMNS[by], *KINDS, "total"), rows,
                     (Panel(KINDS, "stack", "reports"),))


def acknowledgement(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """How fast NGOs acknowledged reports (median minutes from the report to its acknowledgement, over those
    acknowledged by `now`) and the share of reports escalated to the next NGO at least once."""
    keys = _keys(by, Report.district, sql.month_of_time(session, Report.created_at))
    waited = case((Report.acknowledged_at <= _utc(now),
                   sql.seconds_between(session, Report.acknowledged_at, Report.created_at)), else_=None)
    escalated = case((Report.escalation_level > 0, 1), else_=0)
    query = select(*keys, waited, escalated).where(_reports_until(scope, now))
    rows = []
    for key, group in grouped(_keyed(session, query, len(keys))):
        minutes = [seconds / 60 for seconds, _ in group if seconds is not None]
        up = sum(flag for _, flag in group)
        rows.append((*key, len(group), len(minutes), median(minutes), up, share(up, len(group))))
    columns = (*KEY_COLUMNS[by], "reports", "acknowledged", "median_minutes_to_ack", "escalated", "share_escalated")
    return StatTable("acknowledgement", "Time to acknowledgement and escalations", by, columns, rows,
                     (Panel(("median_minutes_to_ack",), "group", "minutes"),
                      Panel(("share_escalated",), "group", "share escalated", share=True)))


def contact_retention(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """The share of enrolled children still in contact 4, 6, 12 and 24 months after they came back (see
    `bot.stats.retention` for the definition), per district and month of return."""
    answered = and_(CheckIn.case_id == FollowupCase.id, CheckIn.status == "answered",
                    CheckIn.answered_at <= _utc(now))
    query = (
        select(FollowupCase.district, sql.text_date(session, FollowupCase.returned_on),
               func.max(sql.india_day(session, CheckIn.due_at)))
        .outerjoin(CheckIn, answered)
        .where(_cases_until(scope, now))
        .group_by(FollowupCase.id, FollowupCase.district, FollowupCase.returned_on)
    )
    rows = retention_rows(session.connection().execute(query).all(), now, by)
    return StatTable("contact_retention", "Children still in contact after return", by,
                     (*KEY_COLUMNS[by], "enrolled", *in_contact_columns()), rows,
                     (Panel(tuple(f"share_{h}m" for h in HORIZONS), "group", "share in contact", share=True),))


def school(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """The share of enrolled children in school now (enrolled, in a bridge class or attending), and attending."""
    keys = _keys(by, FollowupCase.district, sql.month_of_date(session, FollowupCase.returned_on))
    query = (select(*keys, FollowupCase.school_stage, func.count()).where(_cases_until(scope, now))
             .group_by(*keys, FollowupCase.school_stage))
    rows = []
    for key, stages in _counters(session, query, len(keys)):
        children, in_school = sum(stages.values()), sum(stages[s] for s in IN_SCHOOL)
        rows.append((*key, children, in_school, share(in_school, children), stages["attending"],
                     share(stages["attending"], children)))
    columns = (*KEY_COLUMNS[by], "children", "in_school", "share_in_school", "attending", "share_attending")
    return StatTable("school", "Children in school", by, columns, rows,
                     (Panel(("share_in_school", "share_attending"), "overlay", "share of children", share=True),))


def compensation(session: Session, scope: Scope, now: datetime, by: str = "district_month") -> StatTable:
    """Compensation claims applied for, sanctioned and paid (each counts the claims that reached that stage or a
    later one), and the median days from the child's return to the payment, per district and month of return."""
    keys = _keys(by, FollowupCase.district, sql.month_of_date(session, FollowupCase.returned_on))
    days = case((and_(CompensationClaim.stage == "paid", CompensationClaim.paid_on.isnot(None)),
                 sql.days_between(session, CompensationClaim.paid_on, FollowupCase.returned_on)), else_=None)
    query = (
        select(*keys, CompensationClaim.stage, days, func.count())
        .join(CompensationClaim, CompensationClaim.case_id == FollowupCase.id)
        .where(_cases_until(scope, now))
        .group_by(*keys, CompensationClaim.stage, days)
    )
    rows = []
    for key, group in grouped(_keyed(session, query, len(keys))):
        stages: Counter[str] = Counter()
        waits: list[int] = []
        for stage, wait, number in group:
            stages[stage] += number
            waits += [wait] * number if wait is not None else []
        rows.append((*key, sum(stages.values()), sum(stages[s] for s in APPLIED),
                     sum(stages[s] for s in SANCTIONED), stages["paid"], median(waits)))
    columns = (*KEY_COLUMNS[by], "claims", "applied", "sanctioned", "paid", "median_days_return_to_payment")
    return StatTable("compensation", "Compensation claims", by, columns, rows,
                     (Panel(("applied", "sanctioned", "paid"), "overlay", "claims"),
                      Panel(("median_days_return_to_payment",), "group", "days from return to payment")))


def _keys(by: str, district: Any, month: ColumnElement[Any]) -> list[Any]:
    """The grouping columns for `by`, in the order of `KEY_COLUMNS[by]`."""
    if by not in KEY_COLUMNS:
        raise ValueError(f"by must be one of {sorted(KEY_COLUMNS)}, not {by!r}")
    return {"district": [district], "month": [month.label("month")]}.get(by, [district, month.label("month")])


def _keyed(session: Session, query: Any, width: int) -> Iterable[tuple[Key, tuple[Any, ...]]]:
    """(key, the rest) per result row; run on the session's connection (plain tuples, no ORM bookkeeping)."""
    for row in session.connection().execute(query):
        yield tuple(row[:width]), tuple(row[width:])


def _counters(session: Session, query: Any, width: int) -> list[tuple[Key, Counter[str]]]:
    """Rows of (key..., category, count) folded into one Counter of categories per key, keys in order."""
    return [(key, _summed(group)) for key, group in grouped(_keyed(session, query, width))]


def _summed(group: list[tuple[Any, ...]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for category, number in group:
        total[category] += number
    return total


def _reports_until(scope: Scope, now: datetime) -> ColumnElement[bool]:
    return and_(scope.report_clause(), Report.created_at <= _utc(now))


def _cases_until(scope: Scope, now: datetime) -> ColumnElement[bool]:
    """Enrolled cases only: a family's own request not yet confirmed by an NGO (`pending`) is not a case yet."""
    return and_(scope.case_clause(), FollowupCase.status != "pending", FollowupCase.created_at <= _utc(now))


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
