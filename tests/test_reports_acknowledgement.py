"""Acknowledge, close, escalate: every step with a controllable clock, and only registered NGOs may act."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.jobs import run_job
from bot.ngo_commands import handle_ngo_message
from bot.reports.acknowledgement import parse_command
from bot.reports.dialogue import looks_like_status_request, status_reply
from bot.reports.service import report_status
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Delivery, Report
from tests.reports_helpers import REPORTER, file_report, import_sample, in_transaction

MAGADH_TELEGRAM = "-1001000000102"  # the sample directory's fictitious chats and Twilio test numbers
MAGADH_SMS = "+15005550102"
OUTREACH_SMS = "+15005550108"
BIHAR_DESK_SMS = "+15005550110"
JAIPUR_WHATSAPP = "+15005550109"
PATNA_SMS = "+15005550101"


def _chain_of_deliveries(code: str) -> list[tuple[str, str]]:
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        return [(d.purpose, d.ngo.key) for d in report.deliveries]


@pytest.mark.parametrize("text", ["OK {code}", "ok {code}", "Ok: {code}", "ACK {code}", "ओके {code}",
                                  "ok {spaced}"])
def test_a_registered_ngo_acknowledges(store_url: str, text: str) -> None:
    import_sample()
    submitted = file_report(ManualClock())
    spaced = submitted.code[:3] + " " + submitted.code[3:]
    result = handle_ngo_message("telegram", MAGADH_TELEGRAM, text.format(code=submitted.code, spaced=spaced))
    assert result is not None and result.action == "acknowledged"
    assert submitted.code in result.reply
    assert in_transaction(report_status, submitted.code) == "acknowledged"
    again = handle_ngo_message("sms", MAGADH_SMS, f"OK {submitted.code}")
    assert again is not None and again.action == "already"


def test_nobody_else_can_acknowledge(store_url: str) -> None:
    import_sample()
    submitted = file_report(ManualClock())
    # The reporter (or anyone) writing the same words is just a person talking to the helpline.
    assert handle_ngo_message("sms", REPORTER, f"OK {submitted.code}") is None
    assert handle_ngo_message("telegram", "-100999", f"OK {submitted.code}") is None
    # The same number on another channel is not the registered contact.
    assert handle_ngo_message("whatsapp", MAGADH_TELEGRAM, f"OK {submitted.code}") is None
    # A registered NGO of another district is refused, and the refusal is audited.
    refused = handle_ngo_message("sms", PATNA_SMS, f"OK {submitted.code}")
    assert refused is not None and refused.action == "not_yours"
    assert in_transaction(report_status, submitted.code) == "received"
    with session_scope() as session:
        assert "refused" in [e.action for e in session.execute(select(AuditEvent)).scalars()]


def test_unknown_codes_and_chatter_from_an_ngo(store_url: str) -> None:
    import_sample()
    file_report(ManualClock())
    typo = handle_ngo_message("sms", MAGADH_SMS, "OK 1234567")
    assert typo is not None and typo.action == "not_found"
    chatter = handle_ngo_message("sms", MAGADH_SMS, "namaste, kal baat karte hain")
    assert chatter is not None and chatter.action == "help"
    assert "OK" in chatter.reply


def test_the_destination_ngo_may_acknowledge_its_corridor_alert(store_url: str) -> None:
    import_sample()
    submitted = file_report(ManualClock())
    result = handle_ngo_message("whatsapp", JAIPUR_WHATSAPP, f"OK {submitted.code}")
    assert result is not None and result.action == "acknowledged"


def test_close_with_a_note_keeps_the_note_encrypted(store_url: str) -> None:
    import_sample()
    submitted = file_report(ManualClock())
    result = handle_ngo_message("sms", MAGADH_SMS, f"CLOSE {submitted.code} bachche ghar laut aaye, FIR darj")
    assert result is not None and result.action == "closed"
    assert in_transaction(report_status, submitted.code) == "closed"
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == submitted.code)).scalar_one()
        assert report.close_note_encrypted and b"FIR" not in report.close_note_encrypted
        assert report.ack_due_at is None
    assert in_transaction(status_reply, f"status {submitted.code}").response == "utter_report_status_closed"


@pytest.mark.parametrize(("text", "expected"), [
    ("OK 4829317", ("ack", "4829317", "")),
    ("close 482-9317: sab theek", ("close", "4829317", "sab theek")),
    ("बंद ४८२९३१७ बच्चे घर पर", ("close", "4829317", "बच्चे घर पर")),
    ("ok", ("ack", None, "")),
    ("kal milte hain", None),
])
def test_parse_command(text: str, expected: tuple | None) -> None:
    assert parse_command(text) == expected


def test_escalation_walks_the_chain_then_stops(store_url: str) -> None:
    import_sample()
    clock = ManualClock()
    submitted = file_report(clock)  # Gaya, not urgent: 4 hours per step by default
    clock.advance(hours=3, minutes=59)
    assert run_job("escalations", clock) == 0
    clock.advance(minutes=2)
    assert run_job("escalations", clock) == 1
    assert run_job("escalations", clock) == 0  # the same step is never taken twice
    clock.advance(hours=4, minutes=1)
    assert run_job("escalations", clock) == 1
    clock.advance(hours=4, minutes=1)
    assert run_job("escalations", clock) == 0  # the state desk was the last step
    assert _chain_of_deliveries(submitted.code) == [
        ("forward", "magadh-child-rights-sample"),
        ("corridor", "jaipur-rescue-sample"),
        ("escalation", "gaya-nawada-outreach-sample"),
        ("escalation", "bihar-state-desk-sample"),
    ]
    with session_scope() as session:
        actions = [e.action for e in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert actions.count("escalated") == 2 and actions[-1] == "escalation_exhausted"
    # The state desk can still acknowledge after the chain ran out.
    result = handle_ngo_message("sms", BIHAR_DESK_SMS, f"OK {submitted.code}")
    assert result is not None and result.action == "acknowledged"


def test_urgent_reports_escalate_in_minutes(store_url: str) -> None:
    import_sample()
    clock = ManualClock()
    submitted = file_report(clock, kind="emergency", destination=None)
    clock.advance(minutes=16)
    assert run_job("escalations", clock) == 1
    assert _chain_of_deliveries(submitted.code)[-1] == ("escalation", "gaya-nawada-outreach-sample")


def test_acknowledgement_stops_escalation(store_url: str) -> None:
    import_sample()
    clock = ManualClock()
    submitted = file_report(clock)
    clock.advance(hours=5)
    assert run_job("escalations", clock) == 1
    result = handle_ngo_message("sms", OUTREACH_SMS, f"OK {submitted.code}", clock)  # the escalated-to NGO
    assert result is not None and result.action == "acknowledged"
    clock.advance(days=3)
    assert run_job("escalations", clock) == 0
    assert len(_chain_of_deliveries(submitted.code)) == 3


def test_escalation_timeouts_come_from_settings(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import _reset_caches

    monkeypatch.setenv("HELPLINE_ACK_MINUTES", "30")
    _reset_caches()
    import_sample()
    clock = ManualClock()
    file_report(clock)
    clock.advance(minutes=31)
    assert run_job("escalations", clock) == 1


@pytest.mark.parametrize(("text", "is_status"), [
    ("status 4829317", True), ("STATUS ४८२९३१७", True), ("4829317", True), ("mera report 4829317 kya hua", True),
    ("शिकायत 4829317 का क्या हुआ", True), ("9876543210", False), ("mera beta 12 saal ka hai", False),
    ("status", False), ("agent ka number 4829317 hai aur wo gaya me hai", False),
])
def test_status_requests(text: str, is_status: bool) -> None:
    assert looks_like_status_request(text) is is_status


def test_status_reply_says_only_the_stage(store_url: str) -> None:
    import_sample()
    submitted = file_report(ManualClock())
    reply = in_transaction(status_reply, f"status {submitted.code}")
    assert reply.response == "utter_report_status_received" and reply.values == {"code": submitted.code}
    wrong = submitted.code[:-1] + str((int(submitted.code[-1]) + 1) % 10)  # a typo: the check digit catches it
    assert in_transaction(status_reply, f"status {wrong}").response == "utter_report_status_unknown"


def test_deliveries_are_idempotent_per_step(store_url: str) -> None:
    """Two workers escalating at the same moment queue one message."""
    import_sample()
    clock = ManualClock()
    file_report(clock)
    clock.advance(hours=5)
    assert run_job("escalations", clock) + run_job("escalations", clock) == 1
    with session_scope() as session:
        assert len(session.execute(select(Delivery)).scalars().all()) == 3
