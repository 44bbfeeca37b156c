"""Reading a family's reply to a check-in question, as people write on cheap phones in four languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.followup.conversation import QUESTIONS, read_many, read_need, read_yes_no


@pytest.mark.parametrize("text, expected", [
    ("1", True), ("2", False), ("१", True), ("२", False), (" 1. ", True),
    ("haan", True), ("haa ji", True), ("ha", True), ("ji haan", True), ("yes", True), ("Yes he is", True),
    ("हाँ", True), ("हां जी", True), ("हँ", True), ("हाँ, स्कूल जाता है", True),
    ("nahi", False), ("nahin", False), ("nhi", False), ("no", False), ("NO", False),
    ("नहीं", False), ("ना", False), ("नइखे", False), ("school nahi jata", False), ("ji nahi", False),
    ("haan, lekin school nahi jata", False),  # "nahi" anywhere outweighs a polite "haan"
    ("3", None), ("kal batayenge", None), ("", None), ("paisa kab milega?", None),
])
def test_yes_and_no(text: str, expected: bool | None) -> None:
    assert read_yes_no(text) is expected


def test_the_intent_decides_only_short_replies() -> None:
    assert read_yes_no("bilkul", "affirm") is True and read_yes_no("galat", "deny") is False
    assert read_yes_no("woh to Jaipur me ek dukaan me kaam karta tha pehle", "affirm") is None


@pytest.mark.parametrize("text, expected", [
    ("0", ""), ("०", ""), ("kuch nahi", ""), ("कुछ नहीं", ""), ("nothing", ""), ("no", ""),
    ("school ki kitaab chahiye", "school ki kitaab chahiye"), ("राशन कार्ड नहीं बना", "राशन कार्ड नहीं बना"),
    ("7", False), ("", False),
])
def test_what_the_family_needs(text: str, expected: str | bool) -> None:
    assert read_need(text) == expected


@pytest.mark.parametrize("text, step, expected", [
    ("1 1 2 2 0", 0, [True, True, False, False, ""]),
    ("1,2,1,2,0", 0, [True, False, True, False, ""]),
    ("१ १ २ २ ०", 0, [True, True, False, False, ""]),
    ("2 0", 3, [False, ""]),
    ("1 1", 0, [True, True]),
    ("1 0 1", 0, None),          # 0 is only "nothing needed", for the last question
    ("1 1 1 1 1 1", 0, None),    # more answers than questions
    ("12", 0, None),
])
def test_several_answers_at_once(text: str, step: int, expected: list[bool | str] | None) -> None:
    assert read_many(text, QUESTIONS[step:]) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_read_without_error(text: str) -> None:
    assert read_yes_no(text) in (True, False, None)
    assert read_need(text) is False or isinstance(read_need(text), str)
    values = read_many(text, QUESTIONS)
    assert values is None or 2 <= len(values) <= len(QUESTIONS)
