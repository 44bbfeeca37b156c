"""A report end to end: a message on the REST channel -> Rasa's report form -> the store (encrypted) -> the delivery
worker -> local fake Twilio / Telegram / Google Translate servers, through the real client libraries; then an
escalation when nobody acknowledges, an NGO acknowledging, and the reporter asking "status CODE"."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.conversation_helpers import make_report, question_of, texts_of
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.fakes.translate import FakeTranslate
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio
from tests.servers import Helpline, running_helpline

_texts = texts_of


@dataclass
class Rig:
    helpline: Helpline
    twilio: FakeTwilio
    telegram: FakeTelegram
    translate: FakeTranslate

    def outgoing(self) -> list[tuple[str, str]]:
        """(address, text) of everything the helpline sent to NGOs so far."""
        return [(m["to"], m["body"]) for m in self.twilio.messages] + [
            (str(m["chat_id"]), m["text"]) for m in self.telegram.sent]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"not within {timeout} s; sent so far: {self.outgoing()}")


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    with FakeTwilio() as twilio, FakeTelegram() as telegram, FakeTranslate() as translate:
        env = {
            "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_SMS_FROM": "+15005550006", "TWILIO_WHATSAPP_FROM": "+15005550006",
            "HELPLINE_TWILIO_API_BASE": twilio.url, "TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN,
            "HELPLINE_TELEGRAM_API_BASE": telegram.url, "HELPLINE_TRANSLATE_SERVICE_URL": translate.url,
            "HELPLINE_WORKER_POLL_SECONDS": "0.1",
            "HELPLINE_ACK_MINUTES_URGENT": "0.05",  # 3 seconds, so an escalation happens during the test
            "HELPLINE_ACK_MINUTES": "600",
        }
        with running_helpline(tmp_path_factory.mktemp("var"), env, worker=True) as helpline:
            yield Rig(helpline, twilio, telegram, translate)


def _use_servers_store(helpline: Helpline) -> None:
    from tests.conftest import _reset_caches

    os.environ.update({k: helpline.env[k] for k in ("HELPLINE_VAR_DIR", "HELPLINE_SECRET_KEYS",
                                                    "HELPLINE_DATABASE_URL")})
    _reset_caches()


def new_sender() -> str:
    return f"+1500555{uuid.uuid4().int % 10000:04d}"  # Twilio test-number shaped, never a real phone


def run_report(rig: Rig, sender: str, first: str, answers: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """Send the first message, answer whatever the form asks from `answers`; returns (code, questions, replies)."""
    return make_report(rig.helpline.send, sender, first, answers)


def test_hindi_recruitment_tip_off_reaches_the_district_ngo_and_the_jaipur_end(rig: Rig) -> None:
    sender = new_sender()
    code, asked, replies = run_report(
        rig, sender,
        "गया जिले के रामपुर गाँव में एक दलाल 5000 रुपये एडवांस देकर तीन बच्चों को जयपुर ले जा रहा है",
        {"place": "रामपुर", "what": "कल शाम दलाल आया था", "children": "तीन बच्चे, 12 और 14 साल",
         "destination": "जयपुर", "transport": "ट्रेन 12394", "agent": "लंबा आदमी काला बैग, नंबर 99999 99999",
         "district": "गया", "contact": "1"},
    )
    assert "district" not in asked and "destination" not in asked  # already in the first message
    assert asked[-1] == "contact"
    assert any("गया" in r for r in replies)  # "sent to the NGO for गया", in Hindi
    rig.wait_for(lambda: sum(code in text for _, text in rig.outgoing()) >= 2)
    to_gaya = [text for address, text in rig.outgoing() if code in text and address == "-1001000000102"]
    # Jaipur prefers WhatsApp but has not written in 24 hours and no template is configured: SMS to that number.
    to_jaipur = [text for address, text in rig.outgoing() if code in text and address == "+15005550109"]
    assert len(to_gaya) == 1 and len(to_jaipur) == 1
    assert sender in to_gaya[0]  # consent 1: the NGO may call back
    assert "machine translation" in to_jaipur[0] and "EN: " in to_jaipur[0]  # Jaipur NGO works in English
    assert "दलाल 5000 रुपये" in to_jaipur[0]  # and gets the original too


def test_hinglish_missing_child_anonymous(rig: Rig) -> None:
    sender = new_sender()
    code, asked, _ = run_report(
        rig, sender, "mera beta 13 saal ka 3 din se ghar nahi aaya, Nawada station se gayab hua",
        {"district": "Nawada", "place": "Rajauli block", "what": "somvar ko station par dekha tha, laal shirt",
         "children": "ek ladka 13 saal", "destination": "pata nahi", "contact": "3", "transport": "pata nahi",
         "agent": "pata nahi"},
    )
    assert "agent" not in asked and "transport" not in asked  # a missing-child report does not ask about agents
    rig.wait_for(lambda: any(code in text for _, text in rig.outgoing()))
    [(address, text)] = [(a, t) for a, t in rig.outgoing() if code in t]
    assert address == "+15005550108"  # Nawada's first NGO (sample escalation order)
    assert sender not in text


def test_bhojpuri_emergency_numbers_first_short_form_and_escalation(rig: Rig) -> None:
    sender = new_sender()
    first = "बचाईं, सिवान स्टेशन पर दलाल दू गो लइकन के जबरदस्ती ट्रेन में बइठा देले बा"
    replies = rig.helpline.send(sender, first)
    assert replies[0] in _texts("utter_emergency_numbers")
    code, asked, _ = run_report(rig, sender, "ठीक बा", {"district": "सिवान", "what": "अबहीं ट्रेन में बा",
                                                         "contact": "2"})
    assert set(asked) <= {"district", "what", "contact"}
    rig.wait_for(lambda: any(code in text for _, text in rig.outgoing()))
    first_forward = [t for a, t in rig.outgoing() if code in t and a == "+15005550104"]  # Saran Bachpan (SMS)
    assert first_forward and ("तुरंत" in first_forward[0] or "URGENT" in first_forward[0])
    # Nobody acknowledges within the (test) 3 seconds: the state desk is alerted.
    rig.wait_for(lambda: any(code in t and a == "+15005550110" for a, t in rig.outgoing()), timeout=30)


def test_ngo_acknowledges_and_the_reporter_sees_only_the_stage(rig: Rig) -> None:
    from bot.ngo_commands import handle_ngo_message

    sender = new_sender()
    code, _, _ = run_report(rig, sender, "Patna me ek agent bachchon ko Delhi kaam ke liye le ja raha hai",
                            {"place": "Danapur", "what": "aaj subah", "children": "4", "destination": "Delhi",
                             "transport": "bus", "agent": "pata nahi", "district": "Patna", "contact": "3"})
    received = rig.helpline.send(sender, f"status {code}")
    assert len(received) == 1 and received[0] in {t.format(code=code) for t in _texts("utter_report_status_received")}
    _use_servers_store(rig.helpline)
    result = handle_ngo_message("whatsapp", "+15005550101", f"OK {code}")
    assert result is not None and result.action == "acknowledged"
    reply = rig.helpline.send(sender, f"status {code}")
    assert len(reply) == 1 and code in reply[0]
    assert reply[0] in {t.format(code=code) for t in _texts("utter_report_status_acknowledged")}
    unknown = rig.helpline.send(sender, "status 1234567")
    assert unknown[0] in {t.format(code="1234567") for t in _texts("utter_report_status_unknown")}


def test_stop_in_the_middle_sends_nothing(rig: Rig) -> None:
    sender = new_sender()
    before = len(rig.outgoing())
    replies = rig.helpline.send(sender, "gaon me ek dalal aaya hai bachchon ko kaam ke liye le jane")
    assert question_of(replies[-1]) == "district"
    replies = rig.helpline.send(sender, "rehne do")
    assert len(replies) == 1 and replies[0] in _texts("utter_report_stopped")
    time.sleep(1)
    assert len(rig.outgoing()) == before


def test_an_emergency_inside_a_report_gets_the_numbers_and_the_report_goes_on(rig: Rig) -> None:
    sender = new_sender()
    replies = rig.helpline.send(sender, "Gaya me ek thekedar bachchon ko advance de raha hai")
    assert question_of(replies[-1]) is not None
    replies = rig.helpline.send(sender, "abhi bachche ko maar rahe hai bachao jaldi")
    assert replies[0] in _texts("utter_emergency_numbers")
    assert question_of(replies[-1]) is not None  # the (now urgent) report goes on


def test_an_unknown_district_twice_goes_to_the_state_desk(rig: Rig) -> None:
    sender = new_sender()
    code, asked, replies = run_report(
        rig, sender, "koi dalal bachchon ko le ja raha hai kaam ke liye",
        {"district": "Gotham nagar", "place": "pata nahi", "what": "kal raat", "children": "pata nahi",
         "destination": "pata nahi", "transport": "pata nahi", "agent": "pata nahi", "contact": "3"},
    )
    assert asked.count("district") == 2
    assert any(r in {t.format(code=code) for t in _texts("utter_report_sent_state")} for r in replies)
    rig.wait_for(lambda: any(code in t and a == "+15005550110" for a, t in rig.outgoing()))
