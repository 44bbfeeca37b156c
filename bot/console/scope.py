"""What a signed-in person may see, by role — composed only of the rules below the console.

- NGO staff: the reports their NGO may act on (`bot.reports.access.reports_scope_filter`, the rule of OK/CLOSE)
  and the cases their NGO may change (`bot.followup.commands.cases_scope_filter`);
- a state coordinator: the reports and cases of the state (`state_reports_filter`, `state_district_scope`);
- an admin: everything.

A page asks `report_or_404` / `case_or_404`, which use the same clause as the lists, so a page and a list never
disagree; anything out of scope is "not found" (404), never "forbidden", so its existence is not told either.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from bot.followup.commands import cases_scope_filter
from bot.reports.access import report_in_scope, reports_scope_filter, state_district_scope, state_reports_filter
from bot.reports.codes import is_valid
from bot.store.db import row_matches
from bot.store.models import ConsoleUser, FollowupCase, Ngo, Report


@dataclass(frozen=True)
class Viewer:
    """The signed-in account as the views need it (a snapshot: no database session is kept between requests)."""

    id: int
    username: str
    role: str
    ngo_id: int | None
    state: str | None
    language: str
    epoch: int

    @property
    def actor(self) -> str:
        """How the audit trail names this person: the account id, never the username."""
        return f"user:{self.id}"

    @property
    def acts_for_ngo(self) -> bool:
        """Only NGO staff acknowledge, close, assign, refer and enrol: the NGO is who acts (as with OK/CLOSE)."""
        return self.role == "ngo_staff" and self.ngo_id is not None


def viewer_of(user: ConsoleUser) -> Viewer:
    return Viewer(user.id, user.username, user.role, user.ngo_id, user.state, user.language, user.session_epoch)


def ngo_of(session: Session, viewer: Viewer) -> Ngo | None:
    return session.get(Ngo, viewer.ngo_id) if viewer.ngo_id is not None else None


def reports_clause(session: Session, viewer: Viewer) -> ColumnElement[bool]:
    """The where-clause on Report for everything this person sees."""
    if viewer.role == "admin":
        return true()
    if viewer.role == "state_coordinator" and viewer.state:
        return state_reports_filter(viewer.state)
    ngo = ngo_of(session, viewer)
    if viewer.role == "ngo_staff" and ngo is not None:
        return reports_scope_filter(ngo)
    return select(Report.id).where(Report.id < 0).exists()  # nothing (unknown role, NGO gone)


def cases_clause(session: Session, viewer: Viewer) -> ColumnElement[bool]:
    """The where-clause on FollowupCase for everything this person sees."""
    if viewer.role == "admin":
        return true()
    if viewer.role == "state_coordinator" and viewer.state:
        return state_district_scope(viewer.state, FollowupCase.district)
    ngo = ngo_of(session, viewer)
    if viewer.role == "ngo_staff" and ngo is not None:
        return cases_scope_filter(ngo)
    return FollowupCase.id < 0


def report_or_404(session: Session, viewer: Viewer, code: str) -> Report:
    report = session.execute(select(Report).where(Report.code == code)).scalar_one_or_none() if is_valid(
        code) else None
    if report is None or not sees_report(session, viewer, report):
        abort(404)
    return report


def sees_report(session: Session, viewer: Viewer, report: Report) -> bool:
    """Is `report` in this person's scope now (the same clause as the lists)? Asked again after a change that can
    take a report out of scope, such as declining a referral."""
    return report_in_scope(session, report, reports_clause(session, viewer))


def case_or_404(session: Session, viewer: Viewer, reference: str) -> FollowupCase:
    case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one_or_none()
    if case is None or not row_matches(session, FollowupCase, case.id, cases_clause(session, viewer)):
        abort(404)
    return case
