"""Which NGO may act on which report: the one rule every path uses (issue 10).

An NGO acts on a report when it acknowledges it ("OK CODE", the Telegram button), closes it ("CLOSE CODE note"),
does the same through `helpline reports ack|close --ngo KEY`, or sees it in the web console. Acting stops
the report's escalation, so an NGO that may act on reports it was never meant to handle can silence an alert that
the right NGO never answered. That is what happened when the rule was "any state desk may act on anything": the
Rajasthan desk acknowledged and closed a Gaya (Bihar) report that was never sent to it, and its escalation stopped.

The rule: an *active* NGO may act on a report when

1. it was sent a message about that report — a Delivery row: the first forward, a corridor alert to the destination
   district, an escalation; even when the directory changed afterwards and the NGO is no longer in the chain. A
   referral (`bot.reports.referrals`) counts only while the NGO has not declined it: an NGO that said "not ours" must
   not keep reading a child's report it will never handle (referred again, it may read it again); or
2. it is in the escalation chain of the report's district as `bot.reports.routing.chain_for` reads it from the route
   steps: the district's own steps, or the steps stored under "*" when the district is unknown (the default state's
   contact: a report of an unknown district routed to a state desk counts as that state's) or the directory was
   imported without that district; or
3. it is the state desk (`Ngo.state_contact_for`) of the report's own state — the state of the report's district in
   the gazetteer. A state desk is always the last step of its own state's chains, so this only matters when the
   directory changed; it gives a state desk nothing outside its state.

An inactive NGO (dropped from the directory) may act on nothing. The same district part (2 and 3) decides which
follow-up cases an NGO may change (`bot.followup.commands.may_change`).

A state coordinator of the web console (bound to a state, not an NGO) sees what the state desk of that state could
see without any message: the reports of the state's districts, plus those of an unknown district routed to the
state's desk (`state_reports_filter`). It is the same part 3 of the rule, for a person instead of a desk.

The rule is written once, as SQL (`reports_scope_filter`), so that the web console can list the reports an NGO may
see in one query; `may_act_on_report` asks the same question about one report. tests/test_report_access.py checks
both against every kind of sender and every relation to a report, and against `chain_for`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import ColumnElement

from bot.gazetteer import load_gazetteer
from bot.reports.directory import UNKNOWN_DISTRICT
from bot.store.db import row_matches
from bot.store.models import Delivery, Ngo, Referral, Report, RouteStep


def in_escalation_chain(ngo: Ngo, district: Any) -> ColumnElement[bool]:
    """True where `ngo` is in the escalation chain of `district` (a column: Report.district, FollowupCase.district),
    exactly as `chain_for` finds it: the district's route steps of active NGOs, or the "*" steps when the district is
    unknown (None) or has none."""
    own = aliased(RouteStep)
    steps = aliased(RouteStep)
    active = aliased(Ngo)
    district_has_a_chain = (
        select(steps.id).join(active, active.id == steps.ngo_id)
        .where(steps.district == district, active.active.is_(True))
        .correlate_except(steps, active)  # `district` belongs to the outermost query, two levels up
        .exists()
    )
    # Written as "the district is one of the NGO's" (an uncorrelated list, which the database builds once and hashes)
    # or "the NGO has the catch-all step and the district none of its own" — not as one EXISTS per row, which made
    # PostgreSQL scan the route steps once per case of a list (50 ms of NGO staff's overdue cases, of 67).
    own_districts = select(own.district).where(own.ngo_id == ngo.id, own.district != UNKNOWN_DISTRICT)
    catch_all = aliased(RouteStep)
    has_catch_all = select(catch_all.id).where(catch_all.ngo_id == ngo.id,
                                               catch_all.district == UNKNOWN_DISTRICT).exists()
    return or_(and_(district.isnot(None), district.in_(own_districts.scalar_subquery())),
               and_(has_catch_all, or_(district.is_(None), ~district_has_a_chain)))


def state_desk_of(ngo: Ngo, district: Any) -> ColumnElement[bool]:
    """True where `ngo` is the state desk of the state `district` (a column) lies in, according to the gazetteer."""
    if not ngo.state_contact_for:
        return false()
    names = [d.name for d in load_gazetteer().districts(ngo.state_contact_for)]
    return district.in_(names) if names else false()


def district_scope(ngo: Ngo, district: Any) -> ColumnElement[bool]:
    """The part of the rule that depends only on the district (2 and 3 above): reports and follow-up cases alike."""
    if not ngo.active:
        return false()
    return or_(in_escalation_chain(ngo, district), state_desk_of(ngo, district))


def reports_scope_filter(ngo: Ngo) -> ColumnElement[bool]:
    """A where-clause on `Report`: the reports `ngo` may act on and see (the whole rule; see the module docstring).

    For the web console: `select(Report).where(reports_scope_filter(ngo))`."""
    if not ngo.active:
        return false()
    return or_(sent_to(ngo), district_scope(ngo, Report.district))


def sent_to(ngo: Ngo) -> ColumnElement[bool]:
    """Part 1 of the rule: `ngo` was sent a message about the report, not counting a referral it declined."""
    not_declined = select(Referral.id).where(Referral.report_id == Delivery.report_id, Referral.to_ngo_id == ngo.id,
                                             Referral.status != "declined").exists()
    return select(Delivery.id).where(
        Delivery.report_id == Report.id, Delivery.ngo_id == ngo.id,
        or_(Delivery.purpose != "referral", not_declined),
    ).exists()


def may_act_on_report(session: Session, ngo: Ngo, report: Report) -> bool:
    """May `ngo` acknowledge, close (or see) `report`? The same question as `reports_scope_filter`, for one report."""
    return ngo.active and row_matches(session, Report, report.id, reports_scope_filter(ngo))


def state_district_scope(state: str, district: Any) -> ColumnElement[bool]:
    """True where `district` (a column) lies in `state` according to the gazetteer: part 3 of the rule, for a state
    coordinator (a person, not a desk). Reports and follow-up cases alike."""
    names = [d.name for d in load_gazetteer().districts(state)]
    return district.in_(names) if names else false()


def state_reports_filter(state: str) -> ColumnElement[bool]:
    """A where-clause on `Report`: the reports a state coordinator of `state` sees — those of the state's districts,
    and those of an unknown district that were sent to an NGO that is `state`'s desk."""
    sent_to_desk = (
        select(Delivery.id).join(Ngo, Ngo.id == Delivery.ngo_id)
        .where(Delivery.report_id == Report.id, Ngo.state_contact_for == state).exists()
    )
    return or_(state_district_scope(state, Report.district), Report.district.is_(None) & sent_to_desk)


def report_in_scope(session: Session, report: Report, clause: ColumnElement[bool]) -> bool:
    """Does `report` satisfy a scope clause (`reports_scope_filter(ngo)`, `state_reports_filter(state)`)? One
    question for one report and for lists, so a page and a list can never disagree."""
    return row_matches(session, Report, report.id, clause)
