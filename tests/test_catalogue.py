"""The reply catalogue (bot/data/replies): complete in every language, the same placeholders everywhere, domain.yml
generated from it and not stale, and every response the dialogue or the code names written."""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.language import REPLY_LANGUAGES
from bot.replies import OFFICE_LANGUAGES, REPLIES_DIR, catalogue, languages_of, text, texts
from scripts.build_domain import build, discreet_entries, entries_from_response, load_catalogues

ROOT = Path(__file__).resolve().parent.parent
NOT_RESPONSES = {"utter_action"}  # the key under which Rasa names the response a message came from
ALL_IDS = sorted({key for language in REPLY_LANGUAGES for key in catalogue(language)})


def _placeholders(entry: Any) -> set[str]:
    if isinstance(entry, str):
        return {name for _, name, _, _ in string.Formatter().parse(entry) if name}
    if isinstance(entry, list):
        return set().union(*(_placeholders(item) for item in entry))
    return set().union(*(_placeholders(value) for value in entry.values()))


def test_one_catalogue_file_per_reply_language() -> None:
    assert sorted(p.stem for p in REPLIES_DIR.glob("*.yml")) == sorted(REPLY_LANGUAGES)
    assert set(OFFICE_LANGUAGES) <= set(REPLY_LANGUAGES)


@pytest.mark.parametrize("message_id", ALL_IDS)
def test_every_id_is_written_in_exactly_its_languages(message_id: str) -> None:
    written = {language for language in REPLY_LANGUAGES if message_id in catalogue(language)}
    assert written == set(languages_of(message_id)), f"{message_id}: written in {sorted(written)}"


@pytest.mark.parametrize("message_id", ALL_IDS)
def test_placeholders_are_the_same_in_every_language(message_id: str) -> None:
    found = {language: _placeholders(catalogue(language)[message_id]) for language in languages_of(message_id)}
    assert len({frozenset(names) for names in found.values()}) == 1, f"{message_id}: {found}"


def test_domain_yml_is_generated_from_the_catalogue_and_not_stale() -> None:
    current = (ROOT / "domain.yml").read_text(encoding="utf-8")
    assert build(current, load_catalogues()) == current, "domain.yml is stale: run `make domain`"


def test_generation_round_trips_and_covers_every_response() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    responses = domain["responses"]
    assert sorted(responses) == [i for i in ALL_IDS if i.startswith("utter_")]
    assert domain["slots"]["language"]["values"] == list(REPLY_LANGUAGES)
    for name, variants in responses.items():
        assert entries_from_response(name, variants) == {lang: catalogue(lang)[name] for lang in REPLY_LANGUAGES}
        discreet_id = f"discreet.{name}"
        assert discreet_entries(name, variants) == {lang: catalogue(lang)[discreet_id] for lang in REPLY_LANGUAGES
                                                    if discreet_id in catalogue(lang)}


def _named_responses() -> set[str]:
    """Responses the stories, rules and test stories name, and those our code sends by name."""
    names: set[str] = set()
    for path in [*ROOT.joinpath("data").rglob("*.yml"), *ROOT.joinpath("tests", "stories").rglob("*.yml")]:
        names |= set(re.findall(r"\b(utter_[a-z0-9_]+)\b", path.read_text(encoding="utf-8")))
    for path in [*ROOT.joinpath("actions").rglob("*.py"), *ROOT.joinpath("bot").rglob("*.py")]:
        names |= set(re.findall(r"[\"'](utter_[a-z0-9_]+)[\"']", path.read_text(encoding="utf-8")))
    return names - NOT_RESPONSES


@pytest.mark.parametrize("name", sorted(_named_responses()))
def test_every_response_named_by_the_dialogue_or_the_code_is_written(name: str) -> None:
    assert name in catalogue("en"), f"{name} is used but not in bot/data/replies"


def test_fstring_response_prefixes_have_responses() -> None:
    for path in [*ROOT.joinpath("actions").rglob("*.py"), *ROOT.joinpath("bot").rglob("*.py")]:
        for prefix in re.findall(r"f[\"'](utter_[a-z0-9_]+_)\{", path.read_text(encoding="utf-8")):
            assert any(i.startswith(prefix) for i in ALL_IDS), f"{path.name}: no response starts with {prefix}"


def test_code_texts_fall_back_to_hindi() -> None:
    assert text("notice.media", "xx") == text("notice.media", "hi") == text("notice.media", None)
    assert text("notice.media", "mai") != text("notice.media", "hi")  # Maithili is written, not Hindi
    assert text("ngo.ack.closed", "ur", code="1234567") == text("ngo.ack.closed", "hi", code="1234567")
    assert text("notice.media", "en") != text("notice.media", "hi")
    assert text("ngo.ack.closed", "bho", code="1234567") == text("ngo.ack.closed", "hi", code="1234567")
    assert texts("ngo.forward.", "bho") == texts("ngo.forward.", "hi") != texts("ngo.forward.", "en")
    assert text("case.line", "hi-Latn") != text("case.line", "hi")  # a reply language is its own
    with pytest.raises(TypeError):
        text("utter_ask_report_district", "en")  # variations are Rasa's to pick


def test_absorb_moves_a_response_written_into_domain_yml_into_every_catalogue_file(tmp_path: Path) -> None:
    """A branch that predates the catalogue adds a response the Rasa way: --absorb makes it a catalogue entry."""
    import shutil

    from scripts.build_domain import absorb

    directory = tmp_path / "replies"
    shutil.copytree(REPLIES_DIR, directory)
    current = (ROOT / "domain.yml").read_text(encoding="utf-8")
    added = current + (
        '  utter_new_reply:\n    - text: "New {code}."\n'
        + "".join(f'    - condition:\n        - type: slot\n          name: language\n          value: {language}\n'
                  f'      text: "नया {{code}} {language}."\n' for language in REPLY_LANGUAGES[1:]))
    catalogues = load_catalogues(directory)
    assert absorb(added, catalogues, directory) == ["utter_new_reply"]
    assert load_catalogues(directory) == catalogues
    assert catalogues["en"]["utter_new_reply"] == "New {code}."
    rebuilt = yaml.safe_load(build(added, catalogues))["responses"]["utter_new_reply"]
    assert rebuilt == yaml.safe_load(added)["responses"]["utter_new_reply"]
    assert absorb(build(added, catalogues), catalogues, directory) == []
