"""Reading short replies in context: menu numbers, yes/no to the call-back question, language choices."""

import pytest

from bot.menu import CONSENT_PROMPT, LANGUAGE_PROMPT, Reading, interpret_reply, parse_option_number, read_reply


@pytest.mark.parametrize(
    "text, number",
    [("1", 1), (" 2 ", 2), ("3.", 3), ("५", 5), ("option 4", 4), ("no. 2", 2), ("नंबर दो", 2), ("teen", 3),
     ("Five", 5), ("0", 0), ("6", 6), ("९", 9)],
)
def test_menu_numbers_are_read(text: str, number: int) -> None:
    assert parse_option_number(text) == number


@pytest.mark.parametrize(
    "text", ["12", "12 saal", "mera beta 2 din se ghar nahi aaya", "", "   ", "do paisa", "option", "1 2", "1/2"],
)
def test_sentences_and_ages_are_not_menu_numbers(text: str) -> None:
    assert parse_option_number(text) is None


@pytest.mark.parametrize(
    "text, choice",
    [("0", "menu"), ("1", "compensation"), ("2", "school"), ("3", "report"), ("4", "case"), ("5", "human"),
     ("6", "language"), ("7", "discreet"), ("8", "invalid"), ("9", "invalid")],
)
def test_main_menu(text: str, choice: str) -> None:
    assert interpret_reply(text, "choose_option", "utter_menu") == choice
    assert interpret_reply(text, "choose_option", None) == choice


def test_language_menu_numbers_and_names() -> None:
    assert interpret_reply("2", "choose_option", LANGUAGE_PROMPT) == "language_set"
    assert interpret_reply("भोजपुरी", "inform", LANGUAGE_PROMPT) == "language_set"
    assert interpret_reply("8", "choose_option", LANGUAGE_PROMPT) == "invalid_language"
    # A real question asked instead of choosing is answered as a question.
    assert interpret_reply("muavza kaise milega", "ask_compensation", LANGUAGE_PROMPT) is None


def test_change_language_with_and_without_a_target() -> None:
    assert interpret_reply("Hindi mein baat karo", "change_language", "utter_menu") == "language_set"
    assert interpret_reply("bhasha badlo", "change_language", "utter_menu") == "language"


@pytest.mark.parametrize(
    "text, intent, choice",
    [("haan", "affirm", "consent_yes"), ("1", "choose_option", "consent_yes"), ("nahi", "deny", "consent_no"),
     ("2", "choose_option", "consent_no"), ("4", "choose_option", "invalid_consent")],
)
def test_callback_consent(text: str, intent: str, choice: str) -> None:
    assert interpret_reply(text, intent, CONSENT_PROMPT) == choice


def test_yes_with_nothing_pending_means_nothing() -> None:
    assert interpret_reply("haan", "affirm", "utter_school") is None


def test_an_emergency_is_never_read_as_a_menu_reply() -> None:
    assert interpret_reply("bachao", "report_emergency", CONSENT_PROMPT) is None
    assert interpret_reply("bachao", "report_emergency", LANGUAGE_PROMPT) is None


@pytest.mark.parametrize(
    "text, intent, place",
    [("1", "choose_option", "outside_bihar"), ("2", "choose_option", "in_bihar"), ("3", "choose_option", "no_rescue"),
     ("Jaipur", "inform", "outside_bihar"), ("जयपुर की फैक्ट्री में", "inform", "outside_bihar"),
     ("gaya", "inform", "in_bihar"), ("dilli me", "inform", None), ("delhi me", "inform", "outside_bihar"),
     ("pata nahi", "deny", None)],
)
def test_where_the_child_was_found(text: str, intent: str, place: str | None) -> None:
    reading = read_reply(text, intent, "utter_ask_rescue_place")
    assert reading.menu_choice == "place_answered"
    assert reading.slots == {"rescue_place": place}


@pytest.mark.parametrize(
    "text, group",
    [("1", "under_14"), ("2", "14_17"), ("3", "18_plus"), ("12", "under_14"), ("12 saal", "under_14"),
     ("वो १५ साल का है", "14_17"), ("19", "18_plus"), ("13", "under_14"), ("14", "14_17")],
)
def test_child_age(text: str, group: str) -> None:
    reading = read_reply(text, "inform", "utter_ask_child_age")
    assert reading == Reading("age_answered", {"child_age": group})


def test_a_new_question_instead_of_an_answer_is_a_new_question() -> None:
    assert read_reply("school me dakhila kaise", "ask_school_enrolment", "utter_ask_child_age") == Reading()


@pytest.mark.parametrize(
    "prompt, number, choice",
    [("utter_compensation_more", "1", "comp_papers"), ("utter_compensation_more", "3", "comp_status"),
     ("utter_school_more", "2", "school_letter"), ("utter_case_more", "1", "case_rights"),
     ("utter_case_more", "5", "human"), ("utter_school_more", "0", "menu"), ("utter_status_more", "5", "human")],
)
def test_follow_up_menus(prompt: str, number: str, choice: str) -> None:
    assert interpret_reply(number, "choose_option", prompt) == choice


def test_letter_details() -> None:
    assert interpret_reply("Ramu, 12, Primary School Rampur", "inform", "utter_ask_letter_details") == "letter_details"
    assert interpret_reply("Ramu", "inform", "utter_ask_letter_details") == "letter_invalid"
    assert interpret_reply("Ramu, 12, School Rampur", "inform", "utter_letter_not_understood") == "letter_details"
    assert interpret_reply("Ramu, 12, School Rampur", "inform", "utter_menu") is None
