"""Direction marks for Urdu (bot/text/bidi.py): what phones need to lay out a right-to-left reply, and nothing else."""

from __future__ import annotations

import pytest

from bot.language import REPLY_LANGUAGES
from bot.replies import catalogue
from bot.text.bidi import LRM, RLM, is_rtl, mark_rtl
from bot.text.normalise import normalise


@pytest.mark.parametrize(("text", "expected"), [
    ("112 پر فون کریں", "112 پر فون کریں"),  # the first letter is Urdu: the line is right to left already
    ("status 4829317 بھیجیں", RLM + "status 4829317 بھیجیں"),  # a Latin first word would make it left to right
    ("اپنی زبان:\n1 English\n3 Hindi (Roman)\n6 اردو",
     "اپنی زبان:\n" + RLM + "1 English\n" + RLM + "3 Hindi (Roman)" + LRM + "\n6 اردو"),
    ("بہار (CLTS) میں", "بہار (CLTS) میں"),  # both brackets sit by Urdu: laid out right
    ("DM/SDM سے رہائی سرٹیفکیٹ", RLM + "DM/SDM سے رہائی سرٹیفکیٹ"),
])
def test_urdu_lines_get_the_marks_they_need(text: str, expected: str) -> None:
    assert mark_rtl(text) == expected
    assert mark_rtl(expected) == expected  # idempotent: a text marked twice is marked once


@pytest.mark.parametrize("text", ["Report 4829317", "बच्चा खतरे में हो तो 112", "status (1/2)", ""])
def test_texts_without_urdu_are_unchanged(text: str) -> None:
    assert mark_rtl(text) == text


def test_an_urdu_word_in_a_left_to_right_menu_keeps_its_number_on_the_left() -> None:
    assert mark_rtl("Choose:\n1 English\n6 اردو") == "Choose:\n1 English\n" + LRM + "6 اردو"


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_only_urdu_replies_are_right_to_left(language: str) -> None:
    texts = [t for t in catalogue(language).values() if isinstance(t, str)]
    assert all(is_rtl(t) == (language == "ur") for t in texts if t.strip() and not t.startswith("{"))


def test_readers_drop_the_marks_again() -> None:
    assert normalise(mark_rtl("status 4829317 بھیجیں")) == normalise("status 4829317 بھیجیں")
