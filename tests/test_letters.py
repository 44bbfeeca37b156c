"""The school admission request: details read from one message, letter filled in English and Hindi."""

import pytest

from bot.letters import LetterDetails, letter_messages, parse_details
from bot.sms import segments


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ramu, 12, Primary School Rampur", LetterDetails("Ramu", "12", "Primary School Rampur")),
        ("रामू, १२ साल, प्राथमिक विद्यालय रामपुर", LetterDetails("रामू", "12", "प्राथमिक विद्यालय रामपुर")),
        ("Munni\n9\nMiddle School, Sonpur", LetterDetails("Munni", "9", "Middle School, Sonpur")),
    ],
)
def test_details_are_read(text: str, expected: LetterDetails) -> None:
    assert parse_details(text) == expected


@pytest.mark.parametrize("text", ["Ramu 12", "hello", "", "Ramu, Primary School", "Ramu, 45, School"])
def test_incomplete_details_are_refused(text: str) -> None:
    assert parse_details(text) is None


def test_letter_is_filled_and_fits_sms_parts() -> None:
    messages = letter_messages(LetterDetails("Ramu", "12", "Primary School Rampur"))
    joined = " ".join(messages)
    assert joined.count("Ramu") >= 2 and "12" in joined and "Primary School Rampur" in joined
    assert any("\u0900" <= ch <= "\u097f" for ch in joined)  # the Hindi copy is there
    assert all(segments(m) <= 2 for m in messages)
