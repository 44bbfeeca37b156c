"""Every reply exists in every reply language, fits two SMS segments, and quotes no phone number but the helplines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.sms import segments, split_for_sms

DOMAIN = yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]
REPLY_LANGUAGES = {"en", "hi", "hi-Latn", "bho"}
# Public helplines from ../shared/facts §3.4 — the only phone numbers a reply may contain.
ALLOWED_NUMBERS = {"112", "1098", "139"}


def _variants() -> list[tuple[str, str, str]]:
    rows = []
    for name, variants in RESPONSES.items():
        for variant in variants:
            condition = variant.get("condition") or [{"name": "language", "value": "en"}]
            rows.append((name, condition[0]["value"], variant["text"]))
    return rows


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_every_language(name: str) -> None:
    languages = []
    for variant in RESPONSES[name]:
        condition = variant.get("condition")
        if condition:
            assert condition[0]["name"] == "language"
            languages.append(condition[0]["value"])
        else:
            languages.append("en")
    assert sorted(languages) == sorted(REPLY_LANGUAGES)


@pytest.mark.parametrize("name, language, text", _variants())
def test_fits_two_sms_segments(name: str, language: str, text: str) -> None:
    assert segments(text) <= 2, f"{name} [{language}] is {segments(text)} segments"


@pytest.mark.parametrize("name, language, text", _variants())
def test_only_helpline_numbers(name: str, language: str, text: str) -> None:
    numbers = set(re.findall(r"\d{3,}", text))
    assert numbers <= ALLOWED_NUMBERS, f"{name} [{language}] quotes {numbers - ALLOWED_NUMBERS}"


@pytest.mark.parametrize("language", sorted(REPLY_LANGUAGES - {"en"}))
def test_translations_are_in_their_script(language: str) -> None:
    for name, lang, text in _variants():
        if lang != language or name == "utter_ask_language":
            continue
        has_devanagari = bool(re.search(r"[\u0900-\u097F]", text))
        assert has_devanagari == (language in {"hi", "bho"}), f"{name} [{language}]"


def test_long_text_is_split_into_numbered_parts_on_word_boundaries() -> None:
    text = " ".join(["मुआवजा"] * 60)
    parts = split_for_sms(text)
    assert len(parts) > 1
    assert all(segments(part) <= 2 for part in parts)
    assert parts[0].startswith("(1/") and parts[-1].startswith(f"({len(parts)}/{len(parts)})")
    assert " ".join(p.split(") ", 1)[1] for p in parts) == text
    assert split_for_sms("short") == ["short"]


@pytest.mark.parametrize(
    "text, expected",
    [("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("[" * 80, 1), ("[" * 81, 2),
     ("क" * 70, 1), ("क" * 71, 2), ("क" * 134, 2), ("क" * 135, 3), ("a" * 69 + "क", 1)],
)
def test_segment_arithmetic(text: str, expected: int) -> None:
    assert segments(text) == expected
