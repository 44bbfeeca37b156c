"""Retention: each kind of data is kept only as long as its purpose needs (DPDP Act s.8(7)); the jobs of
bot/jobs/registry.py call these in the runner's transaction. Periods are in bot/settings.py and argued in the
README ("Retention"). Every function returns how many rows it changed and `*_due` counts what is waiting, for
`helpline jobs`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import delete, func, not_, select
from sqlalchemy.orm import Session

from bot.crypto import encrypt
from bot.followup.erasure import erase_case_personal_fields
from bot.reports.outbox import audit
from bot.store.models import Delivery, FollowupCase, OutboundStatus, Report, ReportDraft

FINISHED_DELIVERIES = ("sent", "failed", "dead")
CASE_ENDED = ("closed", "opted_out")


def _days(days: float) -> timedelta:
    return timedelta(days=days)


# --- report drafts -------------------------------------------------------------------------------------------------

def _old_drafts(now: datetime, days: float):  # type: ignore[no-untyped-def]
    return ReportDraft.updated_at < now - _days(days)


def erase_old_drafts(session: Session, now: datetime, days: float) -> int:
    """Drafts are sent after an hour untouched (the draft-expiry job); one still here after `days` could not be
    sent and is not kept open-ended."""
    return int(session.execute(delete(ReportDraft).where(_old_drafts(now, days))).rowcount or 0)


def old_drafts_due(session: Session, now: datetime, days: float) -> int:
    return int(session.execute(select(func.count(ReportDraft.id)).where(_old_drafts(now, days))).scalar_one())


# --- closed reports' free text -------------------------------------------------------------------------------------

def _closed_reports(now: datetime, days: float):  # type: ignore[no-untyped-def]
    return select(Report).where(Report.status == "closed", Report.closed_at < now - _days(days),
                                Report.text_erased_at.is_(None))


def erase_closed_report_text(session: Session, now: datetime, days: float) -> int:
    """A closed report keeps its codes, kind, district, dates and audit trail (the counts); its free text, close
    note, the reporter's number and the texts of its forwards go."""
    erased = 0
    for report in session.execute(_closed_reports(now, days)).scalars():
        report.details_encrypted = encrypt(json.dumps({}))
        report.close_note_encrypted = None
        report.reporter_key = report.reporter_address_encrypted = None
        report.text_erased_at = now
        for delivery in session.execute(select(Delivery).where(Delivery.report_id == report.id)).scalars():
            delivery.body_encrypted = None
        audit(session, report, "helpline", "text_erased", f"retention after {days:g} days closed", now)
        erased += 1
    return erased


def closed_report_text_due(session: Session, now: datetime, days: float) -> int:
    query = _closed_reports(now, days).with_only_columns(func.count(Report.id))
    return int(session.execute(query).scalar_one())


# --- closed cases' personal fields ---------------------------------------------------------------------------------

def _ended_cases(now: datetime, days: float):  # type: ignore[no-untyped-def]
    return select(FollowupCase).where(FollowupCase.status.in_(CASE_ENDED),
                                      FollowupCase.updated_at < now - _days(days),
                                      not_(FollowupCase.contact_key.like("erased-%")))


def erase_ended_cases(session: Session, now: datetime, days: float) -> int:
    """A case closed or stopped `days` ago loses its names, contact, village, school, age and answers; district,
    stages and the month of return stay for the counts."""
    cases = list(session.execute(_ended_cases(now, days)).scalars())
    for case in cases:
        erase_case_personal_fields(session, case, now)
    return len(cases)


def ended_cases_due(session: Session, now: datetime, days: float) -> int:
    query = _ended_cases(now, days).with_only_columns(func.count(FollowupCase.id))
    return int(session.execute(query).scalar_one())


# --- delivery records ----------------------------------------------------------------------------------------------

def _old_deliveries(now: datetime, days: float):  # type: ignore[no-untyped-def]
    closed = select(Report.id).where(Report.status == "closed")
    return (Delivery.created_at < now - _days(days), Delivery.status.in_(FINISHED_DELIVERIES),
            Delivery.report_id.in_(closed))


def erase_old_deliveries(session: Session, now: datetime, days: float) -> int:
    """Finished forwards of closed reports, and the provider statuses of messages, older than `days`. Forwards of
    open reports stay (routing treats a report without forwards as never sent)."""
    deleted = session.execute(delete(Delivery).where(*_old_deliveries(now, days))
                              .execution_options(synchronize_session=False)).rowcount or 0
    statuses = session.execute(delete(OutboundStatus).where(OutboundStatus.updated_at < now - _days(days))).rowcount
    return int(deleted) + int(statuses or 0)


def old_deliveries_due(session: Session, now: datetime, days: float) -> int:
    deliveries = session.execute(select(func.count(Delivery.id)).where(*_old_deliveries(now, days))).scalar_one()
    statuses = session.execute(select(func.count(OutboundStatus.id))
                               .where(OutboundStatus.updated_at < now - _days(days))).scalar_one()
    return int(deliveries) + int(statuses)
