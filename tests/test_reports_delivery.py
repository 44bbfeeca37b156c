"""The delivery worker against local fake Twilio, Telegram and Google Translate servers, through the real SDKs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.delivery.senders import build_senders
from bot.jobs import run_report_jobs
from bot.reports.worker import DeliveryWorker
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Delivery
from bot.translation import GoogleTranslator, NoTranslator
from tests.conftest import _reset_caches
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.fakes.translate import FakeTranslate
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio
from tests.reports_helpers import AGENT_PHONE, REPORTER, SECRET_TEXT, file_report, import_sample

HELPLINE_NUMBER = "+15005550006"  # Twilio's test "From" number


class Fakes:
    def __init__(self, twilio: FakeTwilio, telegram: FakeTelegram, translate: FakeTranslate) -> None:
        self.twilio, self.telegram, self.translate = twilio, telegram, translate


@pytest.fixture
def fakes(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fakes]:
    with FakeTwilio() as twilio, FakeTelegram() as telegram, FakeTranslate() as translate:
        monkeypatch.setenv("TWILIO_ACCOUNT_SID", TEST_ACCOUNT_SID)
        monkeypatch.setenv("TWILIO_AUTH_TOKEN", TEST_AUTH_TOKEN)
        monkeypatch.setenv("TWILIO_SMS_FROM", HELPLINE_NUMBER)
        monkeypatch.setenv("TWILIO_WHATSAPP_FROM", HELPLINE_NUMBER)
        monkeypatch.setenv("HELPLINE_TWILIO_API_BASE", twilio.url)
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_BOT_TOKEN)
        monkeypatch.setenv("HELPLINE_TELEGRAM_API_BASE", telegram.url)
        monkeypatch.setenv("HELPLINE_TRANSLATE_SERVICE_URL", translate.url)
        monkeypatch.setenv("HELPLINE_DELIVERY_BACKOFF_SECONDS", "30")
        _reset_caches()
        import_sample()
        yield Fakes(twilio, telegram, translate)


def _worker(clock: ManualClock, fakes: Fakes, translate: bool = True) -> DeliveryWorker:
    translator = GoogleTranslator(service_url=fakes.translate.url, timeout=2) if translate else NoTranslator()
    return DeliveryWorker(build_senders(), translator, clock)


def _deliveries() -> list[Delivery]:
    with session_scope() as session:
        return list(session.execute(select(Delivery).order_by(Delivery.id)).scalars())


def test_forward_goes_to_the_district_ngo_and_the_corridor_end(fakes: Fakes) -> None:
    clock = ManualClock()
    with session_scope() as session:
        # Jaipur wrote today: WhatsApp is open
        contacts.remember_inbound(session, "whatsapp", "+15005550109", clock.now())
    submitted = file_report(clock)
    worker = _worker(clock, fakes)
    assert run_report_jobs(worker) == 2
    assert run_report_jobs(worker) == 0  # nothing is sent twice
    [telegram] = fakes.telegram.sent
    assert telegram["chat_id"] in (-1001000000102, "-1001000000102")  # Magadh (Gaya) prefers Telegram
    assert f"{submitted.code}-1" in telegram["text"]
    assert "गया (बिहार)" in telegram["text"]  # a Hindi-speaking NGO reads the district in Devanagari
    assert telegram["reply_markup"]  # the acknowledge button
    [whatsapp] = fakes.twilio.messages
    assert whatsapp["to"] == "whatsapp:+15005550109" and whatsapp["from"] == f"whatsapp:{HELPLINE_NUMBER}"
    body = whatsapp["body"]
    assert f"{submitted.code}-2" in body and "Heads-up" in body and "Jaipur" in body
    # The English-speaking Jaipur NGO gets the report text machine-translated, marked so, with the original.
    assert "machine translation" in body and "EN: " in body and SECRET_TEXT in body
    assert REPORTER in body  # consent "share": the NGO may call the reporter back
    assert AGENT_PHONE in body and "12394" in body
    assert all(d.status == "sent" and d.provider_id for d in _deliveries())


def test_without_consent_the_ngo_never_gets_the_reporters_number(fakes: Fakes) -> None:
    clock = ManualClock()
    file_report(clock, consent="callback")
    file_report(clock, consent="anonymous")
    run_report_jobs(_worker(clock, fakes, translate=False))
    texts = [m["body"] for m in fakes.twilio.messages] + [m["text"] for m in fakes.telegram.sent]
    assert len(texts) == 4
    assert all(REPORTER not in text for text in texts)
    assert any("anonymous" in t or "गुमनाम" in t for t in texts)


def test_when_translation_fails_the_original_goes_alone(fakes: Fakes) -> None:
    fakes.translate.fail_next(10, 500)
    clock = ManualClock()
    file_report(clock)
    run_report_jobs(_worker(clock, fakes))
    body = fakes.twilio.messages[0]["body"]
    assert SECRET_TEXT in body and "machine translation" not in body


def test_retryable_errors_back_off_then_deliver_once(fakes: Fakes) -> None:
    clock = ManualClock()
    file_report(clock, destination=None, district="Patna")  # Patna prefers WhatsApp
    fakes.twilio.fail_next(2, 500)
    worker = _worker(clock, fakes, translate=False)
    assert run_report_jobs(worker) == 0
    [delivery] = _deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_error is not None) == ("failed", 1, True)
    assert run_report_jobs(worker) == 0  # not due yet: the backoff is 30 s
    clock.advance(seconds=31)
    assert run_report_jobs(worker) == 0  # second failure, now 60 s
    clock.advance(seconds=59)
    assert run_report_jobs(worker) == 0
    clock.advance(seconds=2)
    assert run_report_jobs(worker) == 1
    assert len(fakes.twilio.messages) == 1
    [delivery] = _deliveries()
    assert (delivery.status, delivery.attempts) == ("sent", 3)


def test_telegram_retry_after_is_respected(fakes: Fakes) -> None:
    from tests.fakes.telegram import telegram_error

    clock = ManualClock()
    file_report(clock, destination=None)  # Gaya: Telegram first
    fakes.telegram.fail_next(1, 429, telegram_error(429, "Too Many Requests: retry after 120", retry_after=120))
    worker = _worker(clock, fakes, translate=False)
    run_report_jobs(worker)
    clock.advance(seconds=60)
    assert run_report_jobs(worker) == 0
    clock.advance(seconds=61)
    assert run_report_jobs(worker) == 1


def test_a_permanent_failure_moves_to_the_ngos_next_contact(fakes: Fakes) -> None:
    from tests.fakes.telegram import telegram_error

    clock = ManualClock()
    file_report(clock, destination=None)  # Gaya: Telegram first, then SMS
    fakes.telegram.fail_next(1, 403, telegram_error(403, "Forbidden: bot was blocked by the user"))
    worker = _worker(clock, fakes, translate=False)
    run_report_jobs(worker)
    run_report_jobs(worker)
    deliveries = _deliveries()
    assert [(d.channel, d.status) for d in deliveries] == [("telegram", "dead"), ("sms", "sent")]
    assert fakes.twilio.messages[0]["to"] == "+15005550102"
    with session_scope() as session:
        assert "delivery_failed" in [e.action for e in session.execute(select(AuditEvent)).scalars()]


def test_a_channel_without_credentials_falls_through_to_the_next(fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    _reset_caches()
    clock = ManualClock()
    file_report(clock, destination=None)
    worker = _worker(clock, fakes, translate=False)
    run_report_jobs(worker)
    run_report_jobs(worker)
    assert [(d.channel, d.status) for d in _deliveries()] == [("telegram", "dead"), ("sms", "sent")]


def test_an_interrupted_send_is_reconciled_with_twilio_not_resent(fakes: Fakes) -> None:
    """A worker died after Twilio accepted the message but before it recorded that: the next worker finds the
    message at Twilio by its marker and does not send it again."""
    clock = ManualClock(datetime.now(timezone.utc))  # Twilio dates its messages with the real time
    file_report(clock, destination=None, district="Patna")
    worker = _worker(clock, fakes, translate=False)
    worker._compose_if_needed(_deliveries()[0].id)
    assert worker._claim(_deliveries()[0].id, clock.now())
    # What the dead worker managed to do: the API call went through.
    from bot.crypto import decrypt

    delivery = _deliveries()[0]
    build_senders()["whatsapp"].send("whatsapp", "+15005550101", decrypt(delivery.body_encrypted))
    clock.advance(seconds=61)  # the lease runs out
    run_report_jobs(worker)
    assert len(fakes.twilio.messages) == 1
    [delivery] = _deliveries()
    assert delivery.status == "sent" and delivery.provider_id == fakes.twilio.messages[0]["sid"]


def test_an_interrupted_send_that_never_left_is_sent(fakes: Fakes) -> None:
    clock = ManualClock()
    file_report(clock, destination=None, district="Patna")
    worker = _worker(clock, fakes, translate=False)
    worker._compose_if_needed(_deliveries()[0].id)
    assert worker._claim(_deliveries()[0].id, clock.now())
    clock.advance(seconds=30)
    assert run_report_jobs(worker) == 0  # still leased to the (dead) worker
    clock.advance(seconds=31)
    assert run_report_jobs(worker) == 1
    assert len(fakes.twilio.messages) == 1


def test_escalation_messages_go_out_through_the_same_outbox(fakes: Fakes) -> None:
    clock = ManualClock()
    submitted = file_report(clock, destination=None)
    worker = _worker(clock, fakes, translate=False)
    run_report_jobs(worker)
    clock.advance(hours=4, minutes=1)
    assert run_report_jobs(worker) == 1
    [escalation] = fakes.twilio.messages
    assert escalation["to"] == "+15005550108" and f"{submitted.code}-2" in escalation["body"]
    assert "previous NGO" in escalation["body"] or "पिछली संस्था" in escalation["body"]


def test_the_database_holds_no_phone_number_or_report_text_in_clear(fakes: Fakes, store_url: str,
                                                                    helpline_env: Path) -> None:
    clock = ManualClock()
    file_report(clock)
    run_report_jobs(_worker(clock, fakes))
    secrets = [REPORTER, REPORTER[1:], AGENT_PHONE[3:], "Ramesh", "Rampur", "kala bag", "+15005550102",
               "+15005550109", "-1001000000102"]
    if store_url.startswith("sqlite"):
        from sqlalchemy import text

        with session_scope() as session:
            session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        blob = b"".join(p.read_bytes() for p in helpline_env.glob("helpline.db*"))
        for secret in secrets:
            assert secret.encode() not in blob, secret
    else:
        from sqlalchemy import text

        with session_scope() as session:
            tables = [r[0] for r in session.execute(text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))]
            dump = " ".join(str(row) for table in tables
                            for row in session.execute(text(f'SELECT * FROM "{table}"')))
        for secret in secrets:
            assert secret not in dump, secret


def test_outside_whatsapps_24_hours_a_forward_goes_by_sms(fakes: Fakes) -> None:
    clock = ManualClock()
    with session_scope() as session:
        contacts.remember_inbound(session, "whatsapp", "+15005550101", clock.now() - timedelta(hours=25))
    file_report(clock, destination=None, district="Patna")  # Patna prefers WhatsApp
    run_report_jobs(_worker(clock, fakes, translate=False))
    [message] = fakes.twilio.messages
    assert message["to"] == "+15005550101" and message["from"] == HELPLINE_NUMBER
    assert [d.channel for d in _deliveries()] == ["sms"]


def test_outside_whatsapps_24_hours_the_approved_template_is_used_when_configured(
        fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_WHATSAPP_TEMPLATE_SID", "HX" + "0" * 32)
    _reset_caches()
    clock = ManualClock()
    submitted = file_report(clock, destination=None, district="Patna")
    run_report_jobs(_worker(clock, fakes, translate=False))
    [message] = fakes.twilio.messages
    assert message["to"] == "whatsapp:+15005550101"
    assert message["content_sid"] == "HX" + "0" * 32
    assert f"{submitted.code}-1" in (message["content_variables"] or "")
