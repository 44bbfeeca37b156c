"""The multilingual word lists, read from the reviewed data files bot/data/lexicon/*.yml.

Why data files: the vocabulary (Hindi, Hindi in Latin letters, Bhojpuri, Maithili, Urdu, English) is reviewed by
people who speak the languages, not by programmers, and it grows with every misread message. In YAML it sits in one
place, grouped per language or script, with a note on what belongs in each set, and tests/test_lexicon.py checks every
entry. The files are read once per process (functools.cache); the accessors return raw entries as written, and
each reader folds them into its own normal form (e.g. the report form compares gazetteer-normalised keys).
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Any

import yaml

LEXICON_DIR = Path(__file__).resolve().parent.parent / "data" / "lexicon"
SET_TYPES = ("words", "phrases", "numbers", "labels", "weights", "pairs")
LANGUAGE_GROUPS = ("en", "hi", "hi-Latn", "bho", "bho-Latn", "mai", "mai-Latn", "ur")
SCRIPT_GROUPS = ("Latn", "Deva", "Arab")


@functools.cache
def load_lexicon(directory: str | None = None) -> dict[str, dict[str, Any]]:
    """set name -> {"file", "kind", "type", "about", "data"} over all lexicon files; set names are unique."""
    sets: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(directory or LEXICON_DIR).glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        for name, body in document["sets"].items():
            if name in sets:
                raise ValueError(f"lexicon set {name!r} is defined in {sets[name]['file']} and {path.name}")
            types = [t for t in SET_TYPES if t in body]
            if len(types) != 1:
                raise ValueError(f"lexicon set {name!r} in {path.name} needs exactly one of {SET_TYPES}")
            sets[name] = {"file": path.name, "kind": document["kind"], "type": types[0],
                          "about": body.get("about", ""), "data": body[types[0]]}
    return sets


def _set(name: str, kind: str) -> Any:
    entry = load_lexicon().get(name)
    if entry is None:
        raise KeyError(f"no lexicon set {name!r}")
    if entry["type"] != kind:
        raise TypeError(f"lexicon set {name!r} is {entry['type']}, not {kind}")
    return entry["data"]


def split_words(value: str | None) -> tuple[str, ...]:
    """The NFC words of one space-separated entry string."""
    return tuple(unicodedata.normalize("NFC", w) for w in (value or "").split())


def group_script(group: str) -> str:
    """"Latn", "Deva" or "Arab": the script a group's entries are written in (hi, bho, mai without a suffix:
    Devanagari; ur: Urdu's Arabic script)."""
    if group in SCRIPT_GROUPS:
        return group
    if group == "ur":
        return "Arab"
    return "Latn" if group == "en" or group.endswith("-Latn") else "Deva"


@functools.cache
def word_list(name: str, language: str | None = None) -> tuple[str, ...]:
    """The words of a `words` set in file order, of one group only when `language` is given."""
    return tuple(w for group, value in _set(name, "words").items() if language in (None, group)
                 for w in split_words(value))


@functools.cache
def words(name: str, language: str | None = None) -> frozenset[str]:
    """The words of a `words` set (e.g. words("report_negation")), of one group only when `language` is given."""
    return frozenset(word_list(name, language))


@functools.cache
def phrases(name: str) -> tuple[str, ...]:
    """The phrases of a `phrases` set, each a string of words in order."""
    return tuple(unicodedata.normalize("NFC", p) for group in _set(name, "phrases").values() for p in group)


@functools.cache
def labels(name: str) -> dict[str, str]:
    """word -> label of a `labels` set (e.g. "rail" -> "train"), in file order."""
    return {w: str(label) for label, groups in _set(name, "labels").items()
            for value in groups.values() for w in split_words(value)}


@functools.cache
def number_words(name: str) -> dict[str, int]:
    """word -> value of a `numbers` set: "menu_options" (0-6) or "counts" (1-20)."""
    return {w: int(value) for value, groups in _set(name, "numbers").items()
            for text in groups.values() for w in split_words(text)}


@functools.cache
def weights(name: str) -> dict[str, dict[float, tuple[str, ...]]]:
    """group -> weight -> words of a `weights` set (language markers)."""
    return {group: {float(w): split_words(text) for w, text in tiers.items()}
            for group, tiers in _set(name, "weights").items()}


@functools.cache
def pairs(name: str) -> dict[str, dict[float, tuple[tuple[str, str], ...]]]:
    """group -> weight -> two-word phrases of a `pairs` set."""
    out: dict[str, dict[float, tuple[tuple[str, str], ...]]] = {}
    for group, tiers in _set(name, "pairs").items():
        out[group] = {float(w): tuple(tuple(split_words(p)) for p in ps) for w, ps in tiers.items()}  # type: ignore
    return out
