"""Follow-up alerts travel like reports: through the outbox to the district NGO over the real SDKs (local fake
Telegram, Twilio and Google Translate), in the NGO's language, acknowledged with OK CODE. Also: a family's own
enrolment request, confirmed by the NGO's acknowledgement; and personal data kept encrypted at rest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.delivery.senders import build_senders
from bot.followup.family import request_enrolment
from bot.followup.schedule import IST
from bot.followup.worker import FollowupWorker
from bot.jobs import run_report_jobs
from bot.ngo_commands import handle_ngo_message
from bot.reports.worker import DeliveryWorker
from bot.store.db import session_scope
from bot.store.models import CheckIn, FollowupCase, Report
from bot.translation import GoogleTranslator
from tests.conftest import _reset_caches
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.fakes.translate import FakeTranslate
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio
from tests.followup_helpers import FAMILY, RecordingStarter, answer_checkin, conversation_of, enrol

MAGADH_CHAT = -1001000000102  # Gaya's first NGO in bot/data/ngos.sample.yml (fictitious)
NEED = "We need help with school fees and books for our daughter, Sunita Devi"


class Fakes:
    def __init__(self, twilio: FakeTwilio, telegram: FakeTelegram, translate: FakeTranslate) -> None:
        self.twilio, self.telegram, self.translate = twilio, telegram, translate


@pytest.fixture
def fakes(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Fakes]:
    with FakeTwilio() as twilio, FakeTelegram() as telegram, FakeTranslate() as translate:
        for name, value in {"TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
                            "TWILIO_SMS_FROM": "+15005550006", "HELPLINE_TWILIO_API_BASE": twilio.url,
                            "TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN, "HELPLINE_TELEGRAM_API_BASE": telegram.url}.items():
            monkeypatch.setenv(name, value)
        _reset_caches()
        yield Fakes(twilio, telegram, translate)


def at_ist(*parts: int) -> ManualClock:
    return ManualClock(datetime(*parts, tzinfo=IST).astimezone(timezone.utc))  # type: ignore[misc]


def _fire_and_answer(clock: ManualClock, reply: str) -> None:
    FollowupWorker(RecordingStarter(), clock).run_once()
    turn = answer_checkin("twilio", conversation_of(), reply, None, clock)
    assert turn is not None and turn.outcome == "recorded"


def _deliver(clock: ManualClock, fakes: Fakes) -> int:
    translator = GoogleTranslator(service_url=fakes.translate.url, timeout=2)
    return run_report_jobs(DeliveryWorker(build_senders(), translator, clock))


def test_a_need_reaches_the_district_ngo_translated_with_the_original(fakes: Fakes) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    reference = enrol(clock, date(2026, 11, 20), language="en", guardian_name="Sunita Devi")
    _fire_and_answer(clock, "1 1 1 2")
    answer_checkin("twilio", conversation_of(), NEED, None, clock)
    assert _deliver(clock, fakes) == 1
    [forward] = fakes.telegram.sent
    text = forward["text"]
    assert forward["chat_id"] == MAGADH_CHAT
    assert "फॉलो-अप चेतावनी" in text and f"केस: {reference}" in text and "परिवार को मदद चाहिए" in text
    assert f"HI: {NEED}" in text and f"मूल: {NEED}" in text  # machine translation marked, original kept
    assert FAMILY in text  # enrolled with consent to the NGO's follow-up: the NGO can call back
    with session_scope() as session:
        alert = session.execute(select(Report).where(Report.kind == "alert")).scalar_one()
        code = alert.code
    reply = handle_ngo_message("telegram", str(MAGADH_CHAT), f"OK {code}", clock)
    assert reply is not None and reply.action == "acknowledged"


def test_an_agent_at_the_door_is_an_urgent_alert_and_a_recruitment_tip_off(fakes: Fakes) -> None:
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, date(2026, 11, 20), place="Rampur")
    _fire_and_answer(clock, "1 1 2 1 0")
    assert _deliver(clock, fakes) == 2
    texts = [m["text"] for m in fakes.telegram.sent]
    assert any(t.startswith("तुरंत") and "किसी ने बच्चे के लिए काम या एडवांस की पेशकश की" in t for t in texts)
    assert any("दलाल/भर्ती की सूचना" in t and "फॉलो-अप वाले परिवार ने चेक-इन में बताया" in t for t in texts)


def test_a_familys_request_is_confirmed_by_the_ngos_acknowledgement(fakes: Fakes) -> None:
    clock = at_ist(2026, 11, 29, 11, 0)
    enrol(clock, date(2026, 11, 20), address="+15005550010")  # imports the NGO directory; another family
    with session_scope() as session:
        reference = request_enrolment(session, "rest", "local-family", "gaya", "bho", clock=clock)
    with session_scope() as session:
        # asked twice: one
        assert request_enrolment(session, "rest", "local-family", "Gaya", "bho", clock=clock) == reference
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert case.status == "pending" and case.checkins == []
        request = session.execute(select(Report).where(Report.kind == "enrolment")).scalar_one()
        code = request.code
    assert _deliver(clock, fakes) == 1
    assert "परिवार फॉलो-अप चाहता है" in fakes.telegram.sent[0]["text"]
    handle_ngo_message("telegram", str(MAGADH_CHAT), f"ok {code}", clock)
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert case.status == "active"
        assert len(session.execute(select(CheckIn).where(CheckIn.case_id == case.id)).all()) == 8


def test_names_numbers_and_answers_are_not_in_the_database_in_plain_text(helpline_env: Path) -> None:
    """The embedded default's SQLite file (and its WAL), read as bytes."""
    clock = at_ist(2026, 11, 27, 10, 0)
    enrol(clock, date(2026, 11, 20), guardian_name="Sunita Devi", child_name="Chhotu Kumar", place="Rampur",
          school_name="Madhya Vidyalaya Rampur")
    _fire_and_answer(clock, "1 1 1 2")
    answer_checkin("twilio", conversation_of(), NEED, None, clock)
    blob = b"".join(p.read_bytes() for p in helpline_env.glob("helpline.db*"))
    for secret in (FAMILY, FAMILY[1:], "Sunita", "Chhotu", "Rampur", "Madhya Vidyalaya", "school fees"):
        assert secret.encode() not in blob, secret
