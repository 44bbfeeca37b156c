"""The data side of the district gazetteer (bot/gazetteer.py): word normalisation, tokens, the
record types, and reading ``bot/data/districts.yml`` and ``bot/data/ordinary_words.yml`` into them.

Rasa is deliberately not imported here either.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.text.normalise import fold_arabic

ORDINARY_WORDS_PATH = Path(__file__).parent / "data" / "ordinary_words.yml"

# ------------------------------------------------------------------ normalisation
_NUKTA = "\u093c"
_CHANDRABINDU = "\u0901"
_ANUSVARA = "\u0902"
_ZERO_WIDTH = ("\u200c", "\u200d")
# A nasal consonant + virama before another consonant is the same sound as an
# anusvara: चम्पारण == चंपारण, नालन्दा == नालंदा, सलूम्बर == सलूंबर.
_NASAL_CLUSTER = re.compile("[\u0919\u091e\u0923\u0928\u092e]\u094d(?=[\u0915-\u0939])")
# Roman Hindi spelling doubles letters freely ("muzzaffarpur", "chhapra", "aara").
_LATIN_REPEAT = re.compile(r"([a-z])\1+")
# A token is a run of letters/digits, including Devanagari vowel signs (which are not
# "alphanumeric" to Python), but not the danda (।, ॥) or the abbreviation sign.
_TOKEN_RE = re.compile("(?:[^\\W_]|[\u0900-\u0963\u0966-\u096f\u0971-\u097f\u200c\u200d])+")
_SENTENCE_BREAK = frozenset(".!?।॥;\n")


def normalise(word: str) -> str:
    """Fold one word to the form used for comparison.

    Case-folds, removes Latin diacritics, and treats nukta variants (ज़/ज, फ़/फ, ड़/ड) and
    chandrabindu/anusvara (ँ/ं) as equal, because families type them either way; Urdu's Arabic keyboard letters
    (ي ك ه) meet the Urdu ones (ی ک ہ).
    NFD first, so that precomposed nukta letters (U+0958..U+095F) lose their nukta too.
    """
    text = unicodedata.normalize("NFD", word)
    text = text.replace(_NUKTA, "").replace(_CHANDRABINDU, _ANUSVARA)
    for char in _ZERO_WIDTH:
        text = text.replace(char, "")
    # Combining Diacritical Marks block only: Devanagari vowel signs must survive.
    text = "".join(ch for ch in text if not "\u0300" <= ch <= "\u036f")
    text = fold_arabic(unicodedata.normalize("NFC", text).casefold())
    text = _NASAL_CLUSTER.sub(_ANUSVARA, text)
    return _LATIN_REPEAT.sub(r"\1", text)


def normalise_phrase(phrase: str) -> str:
    """Normalise every word of a phrase and join them with single spaces.

    Punctuation and hyphens become word breaks, so "Khairthal-Tijara" and
    "khairthal tijara" give the same key.
    """
    return " ".join(normalise(m.group()) for m in _TOKEN_RE.finditer(phrase))


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    raw: str
    norm: str
    sep_after: str  # raw text between this token and the next one

    @property
    def breaks(self) -> bool:
        """True if a sentence ends right after this token (context must not cross it)."""
        return any(ch in _SENTENCE_BREAK for ch in self.sep_after)


def _tokenise(text: str) -> list[_Token]:
    found = list(_TOKEN_RE.finditer(text))
    tokens = []
    for i, m in enumerate(found):
        sep_end = found[i + 1].start() if i + 1 < len(found) else len(text)
        raw = m.group()
        tokens.append(_Token(m.start(), m.end(), raw, normalise(raw), text[m.end() : sep_end]))
    return tokens


# ------------------------------------------------------------------ public types
@dataclass(frozen=True)
class District:
    """A current district. ``name`` is the canonical English name used as entity value."""

    name: str
    state: str
    hindi: tuple[str, ...]


@dataclass(frozen=True)
class DistrictMatch:
    """A district found in a text; ``start``/``end`` are offsets into the original text."""

    district: District
    start: int
    end: int
    text: str
    score: float  # 1.0 for an exact (normalised) match, rapidfuzz ratio / 100 for a typo


@dataclass(frozen=True)
class _Alias:
    district: District | None  # None: a phrase that blocks a district ("Vaishali Nagar")
    ambiguous: bool  # also an everyday word: needs a place cue
    joined: bool = False  # only the spaces-removed form of a longer name ("aburoad")


@dataclass(frozen=True)
class _Candidate:
    first: int  # token index, inclusive
    last: int  # token index, exclusive
    alias: _Alias
    key: str
    score: float
    end_char: int | None = None  # set when a glued postposition was cut off
    glued_cue: bool = False  # "गयामें": the postposition itself says it is a place


# ------------------------------------------------------------------ reading the data
def read_districts(data: dict[str, Any]) -> tuple[list[District], dict[str, _Alias], dict[str, District]]:
    """The districts, the spellings (normalised) and the cancelled districts of the parsed districts.yml.

    Raises ``ValueError`` if one spelling would point at two different districts,
    because that is a data error a silent "first wins" would hide.
    """
    aliases: dict[str, _Alias] = {}
    districts: list[District] = []
    by_name: dict[str, District] = {}

    def add(surface: str, district: District | None, ambiguous: bool) -> None:
        key = normalise_phrase(surface)
        if not key:
            raise ValueError(f"empty name in gazetteer data: {surface!r}")
        keys = {key, key.replace(" ", "")}  # "Bihar Sharif" == "Biharsharif"
        for k in keys:
            old = aliases.get(k)
            if old is not None and old.district != district:
                old_name = old.district.name if old.district else "not_districts"
                new_name = district.name if district else "not_districts"
                raise ValueError(f"{surface!r} is listed for {old_name} and {new_name}")
            is_ambiguous = ambiguous or (old is not None and old.ambiguous)
            # Joined forms match exactly but are kept out of fuzzy matching:
            # "abroad" is one letter from "aburoad" (Abu Road).
            joined = k != key and (old is None or old.joined)
            aliases[k] = _Alias(district, is_ambiguous, joined)

    for entry in data["districts"]:
        hindi = tuple(_surface(h) for h in entry.get("hindi", []))
        district = District(name=entry["name"], state=entry["state"], hindi=hindi)
        if district.name in by_name:
            raise ValueError(f"duplicate district {district.name!r}")
        by_name[district.name] = district
        districts.append(district)
        add(district.name, district, bool(entry.get("ambiguous", False)))
        for field in ("hindi", "urdu", "headquarters", "alternates"):
            for item in entry.get(field) or []:
                add(_surface(item), district, _is_ambiguous(item))

    cancelled: dict[str, District] = {}
    for entry in data.get("cancelled_districts") or []:
        target = by_name[entry["now_in"]]
        cancelled[entry["name"]] = target
        add(entry["name"], target, False)
        for field in ("hindi", "alternates"):
            for item in entry.get(field) or []:
                add(_surface(item), target, _is_ambiguous(item))

    for phrase in data.get("not_districts") or []:
        add(phrase, None, False)

    return districts, aliases, cancelled


def _surface(item: str | dict[str, Any]) -> str:
    return item["name"] if isinstance(item, dict) else str(item)


def _is_ambiguous(item: str | dict[str, Any]) -> bool:
    return bool(item.get("ambiguous", False)) if isinstance(item, dict) else False


@functools.lru_cache(maxsize=4)
def load_ordinary_words(path: str | Path | None = None) -> frozenset[str]:
    """The stop list (bot/data/ordinary_words.yml): normalised words never matched by ear."""
    with open(path or ORDINARY_WORDS_PATH, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return frozenset(normalise_phrase(str(w)) for group in data["words"].values() for w in group or [])
