"""Inbound text checks shared by all channels: text stays text, bad input is refused with a reason."""

import pytest

from bot.channels.inbound import InboundTextError, clean_sender, clean_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("/report_emergency", "report_emergency"),
        ('/greet{"language": "en"}', 'greet{"language": "en"}'),
        ("//start", "start"),
        ("  / namaste", "namaste"),
        ("मेरा बेटा\u200b घर नहीं आया", "मेरा बेटा घर नहीं आया"),
        ("kya\x07 hua", "kya hua"),
        ("line one\nline two", "line one\nline two"),
        ("क्\u200dष", "क्\u200dष"),
    ],
)
def test_text_is_cleaned(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [(None, "missing"), (42, "malformed"), (["hi"], "malformed"), ("", "empty"), ("   ", "empty"), ("/", "empty"),
     ("\u200b", "empty"), ("a\x00b", "binary"), ("x" * 4001, "too_long")],
)
def test_bad_text_is_refused(raw: object, reason: str) -> None:
    with pytest.raises(InboundTextError) as error:
        clean_text(raw)
    assert error.value.reason == reason


def test_limit_is_configurable() -> None:
    assert clean_text("x" * 10, max_chars=10) == "x" * 10
    with pytest.raises(InboundTextError):
        clean_text("x" * 11, max_chars=10)


@pytest.mark.parametrize("raw", [None, "", "  ", 5, "a\nb", "x" * 129])
def test_bad_sender_is_refused(raw: object) -> None:
    with pytest.raises(InboundTextError):
        clean_sender(raw)
