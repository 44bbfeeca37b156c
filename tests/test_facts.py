"""The facts file is the only source of figures: every amount, section and phone number a family reads is in it,
with a source, a date checked and a confidence flag; every text fits two SMS segments in every language."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.facts import facts_for, load_facts
from bot.language import REPLY_LANGUAGES, REPLY_SCRIPTS
from bot.sms import encoding, segments
from bot.text.bidi import mark_rtl

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
FACTS = load_facts()
CONFIDENCE = {"VERIFIED", "VERIFIED-SECONDARY"}  # PLAUSIBLE facts are left out, not stated
NUMBER = re.compile(r"\d[\d,]*[A-Za-z]?")
DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


def numbers_in(text: str) -> set[str]:
    """Every number token, normalised: commas dropped, Devanagari digits as ASCII, a letter suffix kept (14B)."""
    return {n.replace(",", "").rstrip(",") for n in NUMBER.findall(text.translate(DEVANAGARI_DIGITS))}


ALL_FIGURES = {n for fact in FACTS for figure in fact.figures for n in numbers_in(figure)}


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.id)
def test_every_fact_is_sourced_dated_and_flagged(fact) -> None:
    assert fact.sources, fact.id
    assert fact.confidence in CONFIDENCE, fact.id
    assert date.fromisoformat(fact.checked) <= date.today()


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f.id)
def test_every_number_in_a_fact_is_one_of_its_figures(fact) -> None:
    figures = {n for figure in fact.figures for n in numbers_in(figure)}
    for language, text in fact.text.items():
        assert numbers_in(text) <= figures, f"{fact.id} [{language}]: {numbers_in(text) - figures} not in figures"


# The sample answer in the letter prompts ("Ramu, 12, Primary School Rampur") shows the format; it states no fact.
EXAMPLE_NUMBERS = {"12"}
EXAMPLE_RESPONSES = {"utter_ask_letter_details", "utter_letter_not_understood"}


def _domain_texts() -> list[tuple[str, str]]:
    return [(name, variant["text"]) for name, variants in DOMAIN["responses"].items() for variant in variants]


@pytest.mark.parametrize("name, text", _domain_texts())
def test_every_number_in_a_reply_comes_from_the_facts_file(name: str, text: str) -> None:
    # Single digits 0-9 are menu numbers ("Reply 1"); anything longer is a figure and must be sourced.
    figures = {n for n in numbers_in(text) if len(n) > 1}
    if name in EXAMPLE_RESPONSES:
        figures -= EXAMPLE_NUMBERS
    assert figures <= ALL_FIGURES, f"{name}: {figures - ALL_FIGURES} not in bot/data/facts.yml"


@pytest.mark.parametrize("fact", [f for f in FACTS if f.id != "school_letter"], ids=lambda f: f.id)
def test_every_fact_in_every_reply_language_fits_two_sms(fact) -> None:
    assert set(fact.text) == set(REPLY_LANGUAGES), fact.id
    for language, text in fact.text.items():
        sent = mark_rtl(text)  # Urdu is sent with its direction marks, one UCS-2 unit each
        assert segments(sent) <= 2, f"{fact.id} [{language}] is {segments(sent)} segments ({encoding(sent)})"
        assert (encoding(text) == "UCS-2") == (REPLY_SCRIPTS[language] != "Latn"), f"{fact.id} [{language}]"
        if REPLY_SCRIPTS[language] == "Arab":
            assert not re.search(r"[\u0900-\u097F]", text), f"{fact.id} [{language}] has Devanagari"


def test_helplines_are_sourced() -> None:
    assert {"112", "1098", "139"} <= ALL_FIGURES


@pytest.mark.parametrize(
    "context, included, excluded",
    [
        ({"child_age": "under_14", "rescue_place": "outside_bihar"}, {"comp_child_labour_fund", "comp_bihar_clts"},
         {"comp_adult", "comp_no_rescue"}),
        ({"child_age": "18_plus", "rescue_place": "outside_bihar"}, {"comp_adult", "comp_bonded"},
         {"comp_child_labour_fund", "comp_bihar_clts"}),
        ({"child_age": "under_14", "rescue_place": "no_rescue"}, {"comp_no_rescue"}, {"comp_child_labour_fund"}),
        ({}, {"comp_child_labour_fund", "comp_bihar_clts"}, {"comp_back_wages"}),
    ],
)
def test_compensation_answer_is_tailored(context, included, excluded) -> None:
    ids = {fact.id for fact in facts_for("compensation", context)}
    assert included <= ids
    assert not (excluded & ids)
