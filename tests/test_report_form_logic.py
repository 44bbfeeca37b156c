"""What each message does to the report form's slots (bot/reports/conversation.py), without Rasa."""

from __future__ import annotations

from typing import Any

from bot.reports import drafts
from bot.reports.conversation import REPORT_SLOTS, ReportTurn, continue_report, slots_from_draft, start_report
from tests.reports_helpers import in_transaction


def start(*args: Any) -> ReportTurn:
    return in_transaction(start_report, *args)


def reply_to(*args: Any) -> ReportTurn:
    return in_transaction(continue_report, *args)


SENDER = "+15005550006"


def test_first_message_fills_what_it_says_and_marks_what_the_kind_does_not_need(store_url: str) -> None:
    turn = start("emergency", "bachao Gaya station par do bachchon ko train me bitha rahe hai", "sms", SENDER,
                        "hi-Latn")
    assert turn.slots["report_kind"] == "emergency"
    assert turn.slots["report_district"] == "Gaya"
    assert turn.slots["report_what"] == "given"
    assert turn.slots["report_contact"] is None  # still to ask
    assert {turn.slots[REPORT_SLOTS[f]] for f in ("place", "destination", "agent", "transport")} == {"na"}
    kind, fields = in_transaction(drafts.load_draft, "sms", SENDER)
    assert kind == "emergency" and fields["children_count"] == 2


def test_slots_hold_markers_never_the_words(store_url: str) -> None:
    start("recruitment", "ek dalal aaya hai", "sms", SENDER, "hi-Latn")
    turn = reply_to("Ramesh naam ka aadmi, 99999 99999", "inform", 0.9, "agent", "recruitment", 0, "sms",
                           SENDER, "hi-Latn")
    assert turn.slots["report_agent"] == "given"
    assert "Ramesh" not in str(turn.slots) and "99999" not in str(turn.slots)
    assert in_transaction(drafts.load_draft, "sms", SENDER)[1]["agent_phone"] == "+919999999999"


def test_a_district_not_understood_twice_becomes_unknown(store_url: str) -> None:
    start("recruitment", "dalal bachchon ko le ja raha hai", "sms", SENDER, "hi-Latn")
    first = reply_to("Gotham nagar", "inform", 0.8, "district", "recruitment", 0, "sms", SENDER, "hi-Latn")
    assert first.slots["report_district"] is None and first.slots["report_tries"] == 1 and not first.reject
    second = reply_to("Gotham", "inform", 0.8, "district", "recruitment", 1, "sms", SENDER, "hi-Latn")
    assert second.slots["report_district"] == "unknown" and second.slots["report_tries"] == 0


def test_unclear_consent_twice_means_anonymous(store_url: str) -> None:
    start("emergency", "bachao", "sms", SENDER, "hi-Latn")
    first = reply_to("kya?", "nlu_fallback", 0.2, "contact", "emergency", 0, "sms", SENDER, "hi-Latn")
    assert first.slots["report_contact"] is None
    second = reply_to("hmm", "nlu_fallback", 0.2, "contact", "emergency", 1, "sms", SENDER, "hi-Latn")
    assert second.slots["report_contact"] == "anonymous"


def test_stop_fills_every_slot_so_the_form_ends(store_url: str) -> None:
    start("recruitment", "dalal aaya hai", "sms", SENDER, "hi-Latn")
    turn = reply_to("rehne do", "deny", 0.9, "district", "recruitment", 0, "sms", SENDER, "hi-Latn")
    assert turn.menu_choice == "report_stop" and set(turn.slots.values()) == {"stopped"}


def test_an_emergency_in_a_recruitment_report_rejects_and_makes_it_urgent(store_url: str) -> None:
    start("recruitment", "Gaya me dalal aaya hai", "sms", SENDER, "hi-Latn")
    turn = reply_to("abhi maar rahe hai bachao", "report_emergency", 0.95, "district", "recruitment", 0,
                           "sms", SENDER, "hi-Latn")
    assert turn.reject and turn.slots == {"report_kind": "emergency"}
    kind, fields = in_transaction(drafts.load_draft, "sms", SENDER)
    assert kind == "emergency"
    resumed = slots_from_draft(kind, fields)
    assert resumed["report_district"] == "Gaya" and resumed["report_agent"] == "na"


def test_another_question_leaves_but_a_free_text_answer_is_an_answer(store_url: str) -> None:
    start("recruitment", "Gaya me dalal aaya hai", "sms", SENDER, "hi-Latn")
    leave = reply_to("muavza kaise milega", "ask_compensation", 0.97, "district", "recruitment", 0, "sms",
                            SENDER, "hi-Latn")
    assert leave.reject and leave.menu_choice == "report_leave"
    # Asked "what happened?", a description that sounds like a question about money is still the answer.
    answer = reply_to("paisa dene ki baat kar raha tha", "ask_compensation", 0.7, "what", "recruitment", 0,
                             "sms", SENDER, "hi-Latn")
    assert not answer.reject and answer.slots["report_what"] == "given"


def test_a_correction_overwrites_an_earlier_answer(store_url: str) -> None:
    start("recruitment", "Gaya me dalal aaya hai", "sms", SENDER, "hi-Latn")
    turn = reply_to("galat, district Nawada hai", "inform", 0.8, "place", "recruitment", 0, "sms", SENDER,
                           "hi-Latn")
    assert turn.slots["report_district"] == "Nawada"
    assert in_transaction(drafts.load_draft, "sms", SENDER)[1]["district"] == "Nawada"


def test_zero_brings_the_menu_back_even_in_a_report(store_url: str) -> None:
    start("recruitment", "Gaya me dalal aaya hai", "sms", SENDER, "hi-Latn")
    turn = reply_to("0", "choose_option", 1.0, "place", "recruitment", 0, "sms", SENDER, "hi-Latn")
    assert turn.reject and turn.menu_choice == "report_leave"


def test_a_late_answer_that_mentions_school_is_still_an_answer(store_url: str) -> None:
    start("missing", "meri beti kal se ghar nahi aayi", "sms", SENDER, "hi-Latn")
    turn = reply_to("kal subah school gayi thi, neeli dress", "ask_school_enrolment", 0.97, "children",
                           "missing", 0, "sms", SENDER, "hi-Latn")
    assert not turn.reject and turn.slots["report_children"] == "given"


def test_a_real_question_about_school_leaves_the_report(store_url: str) -> None:
    start("missing", "meri beti kal se ghar nahi aayi", "sms", SENDER, "hi-Latn")
    turn = reply_to("school me dakhila kaise hoga", "ask_school_enrolment", 0.97, "place", "missing", 0, "sms",
                           SENDER, "hi-Latn")
    assert turn.reject and turn.menu_choice == "report_leave"
