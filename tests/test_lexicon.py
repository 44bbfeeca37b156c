"""The lexicon files (bot/data/lexicon/*.yml): schema, no duplicates, no contradictions, and sample entries read
through the public accessors (like tests/test_districts.py checks districts.yml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.text import lexicon

FILES = sorted(lexicon.LEXICON_DIR.glob("*.yml"))
GROUPS = set(lexicon.LANGUAGE_GROUPS) | set(lexicon.SCRIPT_GROUPS)
DEVA = re.compile(r"[\u0900-\u097f]")
ARAB = re.compile(r"[\u0600-\u06ff]")
CONTRADICTIONS = [("checkin_yes", "checkin_no"), ("contact_yes", "report_negation"), ("checkin_yes", "report_bare_no"),
                  ("menu_outside_bihar", "menu_in_bihar")]


def _groups(entry: dict) -> list[tuple[str, list[str]]]:
    """(group, entries) of one set, whatever its type."""
    data, kind = entry["data"], entry["type"]
    if kind == "words":
        return [(g, v.split()) for g, v in data.items()]
    if kind == "phrases":
        return [(g, list(v)) for g, v in data.items()]
    if kind in ("numbers", "labels"):
        return [(g, v.split()) for groups in data.values() for g, v in groups.items()]
    if kind == "weights":
        return [(g, v.split()) for g, tiers in data.items() for v in tiers.values()]
    return [(g, list(v)) for g, tiers in data.items() for v in tiers.values()]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_schema(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(document) == {"kind", "sets"} and document["kind"] == path.stem
    assert path.read_text(encoding="utf-8").startswith("# "), "a comment header says what belongs here"
    for name, body in document["sets"].items():
        assert re.fullmatch(r"[a-z_]+", name)
        assert len([t for t in lexicon.SET_TYPES if t in body]) == 1 and set(body) <= {"about", *lexicon.SET_TYPES}


@pytest.mark.parametrize("name", sorted(lexicon.load_lexicon()))
def test_set_groups_scripts_and_duplicates(name: str) -> None:
    entry = lexicon.load_lexicon()[name]
    seen: list[str] = []
    for group, entries in _groups(entry):
        assert group in GROUPS, f"{name}: group {group!r}"
        assert entries, f"{name}: empty group {group!r}"
        for item in entries:
            assert isinstance(item, str) and item == item.strip() and item
            script = "Deva" if DEVA.search(item) else "Arab" if ARAB.search(item) else "Latn"
            assert script == lexicon.group_script(group), f"{name}: {item!r} is not written in {group}'s script"
        seen += entries
    if entry["type"] != "weights":  # weights: one word per family is checked below
        assert len(seen) == len(set(seen)), f"{name}: listed twice: {sorted({w for w in seen if seen.count(w) > 1})}"


def test_marker_words_once_per_group() -> None:
    for group, tiers in lexicon.weights("language_markers").items():
        listed = [w for words in tiers.values() for w in words]
        assert len(listed) == len(set(listed)), group


@pytest.mark.parametrize(("a", "b"), CONTRADICTIONS)
def test_no_word_in_contradicting_sets(a: str, b: str) -> None:
    assert not lexicon.words(a) & lexicon.words(b)


def test_set_names_unique_and_loaded_once() -> None:
    assert lexicon.load_lexicon() is lexicon.load_lexicon()
    names = [n for path in FILES for n in yaml.safe_load(path.read_text(encoding="utf-8"))["sets"]]
    assert len(names) == len(set(names))


def test_sample_entries() -> None:
    assert lexicon.number_words("menu_options")["दो"] == 2 and lexicon.number_words("menu_options")["shunya"] == 0
    assert lexicon.number_words("counts")["teen"] == 3 and lexicon.number_words("counts")["ten"] == 10
    assert "dono" not in lexicon.number_words("menu_options")
    assert {"nahi", "नहीं", "नइखे"} <= lexicon.words("language_negation_after")
    assert "नइखे" in lexicon.words("checkin_no") and "हाँ" in lexicon.words("checkin_yes")
    assert "pata nahi" in lexicon.phrases("report_dont_know") and "नै जानै छी" in lexicon.phrases("report_dont_know")
    assert "rehne do" in lexicon.phrases("report_stop")
    assert lexicon.labels("transport")["rail"] == "train" and lexicon.labels("outside_places")["bambai"] == "Mumbai"
    assert lexicon.labels("language_names")["भोजपुरी"] == "bho"
    assert lexicon.words("menu_fillers", language="Deva") == {"नंबर", "नम्बर", "न"}
    markers = lexicon.weights("language_markers")
    assert "अछि" in markers["mai"][3.0] and "hai" in markers["hi-Latn"][3.0] and "baa" in markers["bho-Latn"][3.0]
    assert lexicon.pairs("language_pair_markers")["mai"][2.0] == (("की", "भेल"),)


def test_unknown_or_mistyped_set() -> None:
    with pytest.raises(KeyError):
        lexicon.words("no_such_set")
    with pytest.raises(TypeError):
        lexicon.words("report_stop")  # a phrases set
