"""Which reports and cases a statistics page counts: the viewer's scope and an optional period.

The console passes the same rule it lists rows with (`bot.reports.access.reports_scope_filter`,
`bot.followup.commands.cases_scope_filter`), so a figure never counts a report or case its viewer could not open.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.sql.expression import ColumnElement

from bot.followup.commands import cases_scope_filter
from bot.followup.schedule import IST
from bot.gazetteer import load_gazetteer
from bot.reports.access import reports_scope_filter
from bot.reports.directory import UNKNOWN_DISTRICT
from bot.store.models import FollowupCase, Ngo, Report, RouteStep


@dataclass(frozen=True)
class Scope:
    """A where-clause on `Report` and one on `FollowupCase`, plus an optional period [start, end) of dates in India:
    reports by the day they were made, cases by the day the child came back."""

    reports: ColumnElement[bool]
    cases: ColumnElement[bool]
    start: date | None = None
    end: date | None = None

    @classmethod
    def everything(cls) -> Scope:
        """An admin's view: every report and case."""
        return cls(true(), true())

    @classmethod
    def of_districts(cls, districts: Iterable[str]) -> Scope:
        """The reports and cases of these districts (canonical English names)."""
        names = sorted(set(districts))
        if not names:
            return cls(false(), false())
        return cls(Report.district.in_(names), FollowupCase.district.in_(names))

    @classmethod
    def of_state(cls, state: str) -> Scope:
        """A state coordinator's view: the state's districts, and the reports of an unknown district when they are
        routed to this state's desk (the directory's default state), as `bot.reports.access` counts them."""
        names = [d.name for d in load_gazetteer().districts(state)]
        unknown_goes_here = (
            select(RouteStep.id).join(Ngo, Ngo.id == RouteStep.ngo_id)
            .where(RouteStep.district == UNKNOWN_DISTRICT, Ngo.state_contact_for == state).exists()
        )
        reports = or_(Report.district.in_(names),
                      and_(Report.district.is_(None), or_(Report.state == state, unknown_goes_here)))
        return cls(reports, FollowupCase.district.in_(names))

    @classmethod
    def of_ngos(cls, ngos: Sequence[Ngo]) -> Scope:
        """What these NGOs' staff may see, by the one access rule (an inactive NGO adds nothing)."""
        if not ngos:
            return cls(false(), false())
        return cls(or_(*[reports_scope_filter(n) for n in ngos]), or_(*[cases_scope_filter(n) for n in ngos]))

    def between(self, start: date | None, end: date | None) -> Scope:
        """The same scope limited to the days [start, end) in India."""
        return Scope(self.reports, self.cases, start, end)

    def report_clause(self) -> ColumnElement[bool]:
        """Scope and period on `Report.created_at` (the period's days are Indian days, stored times are UTC)."""
        clauses: list[Any] = [self.reports]
        if self.start:
            clauses.append(Report.created_at >= _india_midnight(self.start))
        if self.end:
            clauses.append(Report.created_at < _india_midnight(self.end))
        return and_(*clauses)

    def case_clause(self) -> ColumnElement[bool]:
        """Scope and period on `FollowupCase.returned_on`."""
        clauses: list[Any] = [self.cases]
        if self.start:
            clauses.append(FollowupCase.returned_on >= self.start)
        if self.end:
            clauses.append(FollowupCase.returned_on < self.end)
        return and_(*clauses)


def _india_midnight(day: date) -> datetime:
    """In UTC: SQLite keeps the wall time of what it is given, and every stored time is UTC."""
    return datetime.combine(day, time(0), IST).astimezone(timezone.utc)
