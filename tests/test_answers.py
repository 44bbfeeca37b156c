"""Choosing the answer: topic from menu choice or intent, the family's own case first when one exists."""

import pytest

from bot.answers import answer_texts, topic_for
from bot.cases import CaseSummary, find_case
from bot.facts import facts_for


@pytest.mark.parametrize(
    "choice, intent, topic",
    [("age_answered", "inform", "compensation"), ("comp_papers", "choose_option", "compensation_papers"),
     ("comp_other", "choose_option", "compensation_other"), (None, "ask_compensation_status", "compensation_status"),
     (None, "ask_school_enrolment", "school"), ("school", "choose_option", "school"),
     ("case_rights", "choose_option", "case_rights"), (None, "greet", None),
     # a multi-intent (two needs in one message) is answered on its first need
     (None, "ask_compensation_status+ask_school_enrolment", "compensation_status"),
     (None, "ask_school_enrolment+ask_compensation_status", "school"), (None, "greet+ask_case_status", None)],
)
def test_topic(choice, intent, topic) -> None:
    assert topic_for(choice, intent) == topic


def test_own_case_comes_first_for_status_questions() -> None:
    case = CaseSummary("K7Q2", "applied", "enrolled", None)
    texts = answer_texts("compensation_status", "en", {}, case)
    assert texts[0] == "Your case K7Q2: money - applied; school - enrolled."
    assert texts[1:] == [f.render("en") for f in facts_for("compensation_status")]
    assert answer_texts("school", "en", {}, case) == [f.render("en") for f in facts_for("school")]


def test_no_case_records_yet() -> None:
    assert find_case("rest", "anyone") is None
