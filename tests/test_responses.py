"""Every reply exists in every reply language, fits two SMS segments, and quotes no phone number but the helplines."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

from bot.language import REPLY_LANGUAGES, REPLY_SCRIPTS
from bot.sms import segments, split_for_sms
from bot.text.bidi import mark_rtl

DOMAIN = yaml.safe_load((Path(__file__).resolve().parent.parent / "domain.yml").read_text(encoding="utf-8"))
RESPONSES = DOMAIN["responses"]
# Public helplines from ../shared/facts §3.4 — the only phone numbers a reply may contain.
ALLOWED_NUMBERS = {"112", "1098", "139"}


REPORT_KINDS = (None, "recruitment", "missing", "emergency")
# Values the actions fill in: the longest code and a long district name.
FILLERS = {"code": "4829317", "district": "Purba Champaran"}


def script_of(text: str) -> str:
    """"Arab" when the text has Arabic-script letters, else "Deva" when it has Devanagari, else "Latn"."""
    if re.search(r"[\u0600-\u06FF]", text):
        return "Arab"
    return "Deva" if re.search(r"[\u0900-\u097F]", text) else "Latn"


def _language_of(variant: dict) -> str:
    for condition in variant.get("condition") or []:
        if condition["name"] == "language":
            return condition["value"]
    return "en"


def _variants(filled: bool = True) -> list[tuple[str, str, str]]:
    """(name, language, text) of every variant; `filled`: with {code} and {district} as the actions fill them."""
    rows = []
    for name, variants in RESPONSES.items():
        for variant in variants:
            text = variant["text"].format(**FILLERS) if filled else variant["text"]
            rows.append((name, _language_of(variant), text))
    return rows


def resolve(name: str, slots: dict[str, str | None]) -> list[str]:
    """The texts Rasa 3.6 would choose from: every conditional variant whose conditions all hold (picked at random
    among them), else the variants without conditions."""
    variants = RESPONSES[name]
    matching = [v["text"] for v in variants if v.get("condition")
                and all(slots.get(c["name"]) == c["value"] for c in v["condition"])]
    return matching or [v["text"] for v in variants if not v.get("condition")]


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_exactly_one_text_per_language_and_report_kind(name: str) -> None:
    for language, kind, discreet in itertools.product(REPLY_LANGUAGES, REPORT_KINDS, (False, True)):
        texts = resolve(name, {"language": language, "report_kind": kind, "discreet": discreet})
        assert len(texts) == 1, f"{name} [{language}, {kind}, discreet={discreet}]: {len(texts)} candidates"
        if name != "utter_ask_language":
            wrong = f"{name} [{language}, {kind}, discreet={discreet}] in the wrong script"
            assert script_of(texts[0]) == REPLY_SCRIPTS[language], wrong


@pytest.mark.parametrize("name, language, text", _variants())
def test_fits_two_sms_segments(name: str, language: str, text: str) -> None:
    """Counted as sent: Urdu texts carry their direction marks (bot.text.bidi), one UCS-2 unit each."""
    sent = mark_rtl(text)
    assert segments(sent) <= 2, f"{name} [{language}] is {segments(sent)} segments"


@pytest.mark.parametrize("name, language, text", _variants(filled=False))
def test_only_helpline_numbers(name: str, language: str, text: str) -> None:
    numbers = set(re.findall(r"\d{3,}", text))
    assert numbers <= ALLOWED_NUMBERS, f"{name} [{language}] quotes {numbers - ALLOWED_NUMBERS}"


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
