"""Retention jobs (issue 14) on a manual clock, SQLite and PostgreSQL: each kind of data goes when its period has
passed and not a moment before; what the counts need stays."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, update

from bot.clock import ManualClock
from bot.crypto import decrypt, encrypt
from bot.followup.cases import Enrolment, create_case
from bot.jobs import job_named
from bot.reports.drafts import save_draft
from bot.store.db import session_scope
from bot.store.inbound import mark_seen, record_status
from bot.store.models import Delivery, FollowupCase, InboundSeen, OutboundStatus, Report, ReportDraft
from tests.conftest import _reset_caches
from tests.privacy_helpers import GUARDIAN, rows_holding
from tests.reports_helpers import REPORTER, SECRET_TEXT, file_report, import_sample


def _run(name: str, clock: ManualClock) -> tuple[int, int]:
    """(what the job did, what is still waiting) at the clock's time, in one transaction as the runner runs it."""
    job = job_named(name)
    with session_scope() as session:
        done = job.run(session, clock.now())
    with session_scope() as session:
        return done, job.backlog(session, clock.now())


def test_report_drafts_go_after_their_period(store_url: str) -> None:
    clock = ManualClock()
    with session_scope() as session:
        save_draft(session, "twilio", "conversation-a", "missing", {"what": SECRET_TEXT}, clock.now())
    clock.advance(days=1, hours=23)
    assert _run("retention-drafts", clock) == (0, 0)
    clock.advance(hours=2)
    with session_scope() as session:
        assert job_named("retention-drafts").backlog(session, clock.now()) == 1
    assert _run("retention-drafts", clock) == (1, 0)
    with session_scope() as session:
        assert session.execute(select(func.count(ReportDraft.id))).scalar_one() == 0


def _closed_report(clock: ManualClock) -> str:
    import_sample()
    code = file_report(clock).code
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        report.status, report.closed_at = "closed", clock.now()
        report.close_note_encrypted = encrypt("family met at home")
        for delivery in report.deliveries:
            delivery.status, delivery.body_encrypted = "sent", encrypt(f"{SECRET_TEXT} {REPORTER}")
    return code


def test_a_closed_reports_free_text_goes_after_a_year_and_its_counts_stay(store_url: str) -> None:
    clock = ManualClock()
    code = _closed_report(clock)
    open_code = file_report(clock).code
    clock.advance(days=364)
    assert _run("retention-report-text", clock) == (0, 0)
    clock.advance(days=2)
    assert _run("retention-report-text", clock) == (1, 0)
    assert _run("retention-report-text", clock) == (0, 0)  # done once
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        assert json.loads(decrypt(report.details_encrypted)) == {}
        assert (report.kind, report.district, report.children_count) == ("recruitment", "Gaya", 3)
        assert report.close_note_encrypted is None and report.reporter_address_encrypted is None
        assert all(d.body_encrypted is None for d in report.deliveries)
        still_open = session.execute(select(Report).where(Report.code == open_code)).scalar_one()
        assert SECRET_TEXT in decrypt(still_open.details_encrypted)  # an open report keeps its text


@pytest.mark.parametrize("ending", ["closed", "opted_out"])
def test_an_ended_cases_personal_fields_go_after_their_period(store_url: str, ending: str) -> None:
    clock = ManualClock()
    import_sample()
    with session_scope() as session:
        case = create_case(session, Enrolment(channel="sms", address=REPORTER, district="Gaya", language="hi",
                                              returned_on=date(2026, 11, 10), child_age=12,
                                              guardian_consent="CWC file", guardian_name=GUARDIAN),
                           None, "active", clock.now(), "cli")
        case_id = case.id
    _ended(case_id, ending, clock)
    clock.advance(days=366)
    assert _run("retention-cases", clock) == (1, 0)
    with session_scope() as session:
        case = session.get(FollowupCase, case_id)
        assert (case.status, case.district, case.returned_on) == ("closed", "Gaya", date(2026, 11, 1))
        assert rows_holding(session, [GUARDIAN]) == []


def _ended(case_id: int, status: str, clock: ManualClock) -> None:
    # A Core UPDATE: the ORM would stamp `updated_at` with the wall clock (its onupdate) instead of the test's time.
    with session_scope() as session:
        session.execute(update(FollowupCase).where(FollowupCase.id == case_id)
                        .values(status=status, updated_at=clock.now()))


def test_an_active_case_is_kept(store_url: str) -> None:
    clock = ManualClock()
    import_sample()
    with session_scope() as session:
        create_case(session, Enrolment(channel="sms", address=REPORTER, district="Gaya", language="hi",
                                       returned_on=date(2026, 11, 10), guardian_name=GUARDIAN),
                    None, "active", clock.now(), "cli")
    clock.advance(days=800)
    assert _run("retention-cases", clock) == (0, 0)


def test_delivery_records_of_closed_reports_and_provider_statuses_go_after_their_period(store_url: str) -> None:
    clock = ManualClock()
    _closed_report(clock)
    open_code = file_report(clock).code
    with session_scope() as session:
        record_status(session, "SM" + "0" * 32, "sms", "delivered", None)
        for delivery in session.execute(select(Delivery)).scalars():
            delivery.status = "sent"
        status = session.execute(select(OutboundStatus)).scalar_one()
        status.updated_at = clock.now()
    clock.advance(days=399)
    assert _run("retention-deliveries", clock)[0] == 0
    clock.advance(days=2)
    done, waiting = _run("retention-deliveries", clock)
    assert done >= 2 and waiting == 0
    with session_scope() as session:
        codes = {d.report.code for d in session.execute(select(Delivery)).scalars()}
        assert codes == {open_code}  # an open report's forwards stay: routing would take it for never sent
        assert session.execute(select(func.count(OutboundStatus.id))).scalar_one() == 0


def test_inbound_ids_go_after_their_configured_period(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_INBOUND_ID_RETENTION_DAYS", "2")
    _reset_caches()
    clock = ManualClock()
    with session_scope() as session:
        mark_seen(session, "sms", "SM" + "1" * 32)
        session.execute(select(InboundSeen)).scalar_one().seen_at = clock.now()
    clock.advance(days=1)
    assert _run("pruning", clock) == (0, 0)
    clock.advance(days=1, minutes=1)
    assert _run("pruning", clock) == (1, 0)


def test_periods_are_configurable(helpline_env: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import ConfigurationError, get_settings

    monkeypatch.setenv("HELPLINE_REPORT_TEXT_RETENTION_DAYS", "180")
    _reset_caches()
    assert get_settings().report_text_retention_days == 180
    monkeypatch.setenv("HELPLINE_CASE_RETENTION_DAYS", "-1")
    _reset_caches()
    with pytest.raises(ConfigurationError):
        get_settings()
