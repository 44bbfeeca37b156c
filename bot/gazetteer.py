"""District gazetteer for Bihar and Rajasthan: finds district names in chat messages.

Families write district names in Devanagari, in Roman Hindi, with typos, as HQ towns
("Motihari", "Chhapra") or as Rajasthan districts that were cancelled in Dec 2024
("Dudu", "Neem Ka Thana"). This module turns all of those into one canonical district.
The data lives in ``bot/data/districts.yml`` (source: the fact sheet, §4.1 and §4.2).

Rasa is deliberately not imported here, so actions, tests and scripts can use the
gazetteer without loading the NLU stack.

Matching is done on word tokens, not on raw substrings. Every token keeps its character
offsets into the original text, so a match reports ``start``/``end`` in the text the user
typed, even after normalisation changed the characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml
from rapidfuzz import fuzz, process

DEFAULT_PATH = Path(__file__).parent / "data" / "districts.yml"

# --------------------------------------------------------------------------- tuning
# Fuzzy matching catches typos ("darbhnga", "muzaffarpr"), but many Hindi words are a
# letter or two away from a short district name ("nagar"/Nagaur, "shikar"/Sikar,
# "sahara"/Saharsa). So typos are only tolerated in longer names, with a high bar.
FUZZY_MIN_QUERY_LEN = 5  # the typed word(s) must have at least this many letters
FUZZY_MIN_ALIAS_LEN = 7  # names shorter than this ("patna", "kota") need an exact match
FUZZY_CUTOFF = 88.0  # rapidfuzz ratio (0-100) needed inside a sentence
LOOKUP_CUTOFF = 80.0  # a bare answer to "which district?" may be a bit further off
LOOKUP_MIN_ALIAS_LEN = 5

# Common words that are within fuzzy reach of a district name. They never match fuzzily.
FUZZY_STOPWORDS = frozenset(
    {
        "sahara",  # support, "koi sahara nahi" ~ Saharsa
        "bhojpuri",  # the language ~ Bhojpur (also caught by the demonym rule)
        "भोजपुरी",
        "shehar",  # city ~ Sheohar
        "shohar",  # husband ~ Sheohar
        "shahpur",  # a common village name ~ Shahpura (cancelled, now Bhilwara)
        "शाहपुर",
    }
)

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
    chandrabindu/anusvara (ँ/ं) as equal, because families type them either way.
    NFD first, so that precomposed nukta letters (U+0958..U+095F) lose their nukta too.
    """
    text = unicodedata.normalize("NFD", word)
    text = text.replace(_NUKTA, "").replace(_CHANDRABINDU, _ANUSVARA)
    for char in _ZERO_WIDTH:
        text = text.replace(char, "")
    # Combining Diacritical Marks block only: Devanagari vowel signs must survive.
    text = "".join(ch for ch in text if not "\u0300" <= ch <= "\u036f")
    text = unicodedata.normalize("NFC", text).casefold()
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


# ------------------------------------------------------------- context rules
# "गया"/"gaya" is the district Gaya and also the past tense of "to go" ("went").
# The verb is far more common in chat, so inside a sentence gaya counts as the district
# only with a place cue. The sets below hold normalised words (doubled Latin letters
# are already collapsed, nukta removed: "thaa" -> "tha", "ज़िला" -> "जिला").
VERB_HOMONYMS = frozenset({"gaya", "गया"})

# Cues so strong that they win even against a verb cue: "jila gaya hai" is the place.
STRONG_CUE_BEFORE = frozenset({"jila", "zila", "district", "dist", "from", "in", "at", "near", "जिला", "जिले", "जनपद"})
STRONG_CUE_AFTER = frozenset(
    {
        "jila", "zila", "jile", "zile", "district", "dist",
        "ji", "je", "town", "shahar", "sahar", "city", "station", "junction", "jn",
        "जिला", "जिले", "जी", "शहर", "सिटी", "स्टेशन", "जंक्शन",
    }
)  # fmt: skip
# "Pali, Rajasthan", "Gaya Bihar". For gaya only with a comma or at the very end:
# chat word order also allows "beta gaya Rajasthan kaam karne" (went to Rajasthan).
STATE_AFTER = frozenset({"bihar", "rajasthan", "बिहार", "राजस्थान"})
# Weaker cues after the word: "X se hain", "X me", "X wale" (locative), and for gaya
# also "gaya ke/ka/ki" (genitive). English "to X" before it. They lose against a verb
# cue ("ghar se gaya to ..." is "went"). Genitives are too weak for the other ambiguous
# words: "boondi ke laddu", "pali ki duty" are the sweet and the shift.
WEAK_CUE_BEFORE = frozenset({"to"})
LOCATIVE_CUE_AFTER = frozenset(
    {
        "se", "me", "mei", "mein", "men", "mai",
        "wala", "wale", "wali", "vala", "vale", "vali",
        "से", "में", "मे", "वाला", "वाले", "वाली",
    }
)  # fmt: skip
GENITIVE_CUE_AFTER = frozenset({"ke", "ka", "ki", "के", "का", "की"})
# Compound verbs: "chala gaya", "le gaya", "bhag gaya", "ho gaya", "kho gaya" ...
VERB_BEFORE = frozenset(
    {
        "chala", "chali", "chale", "chal", "le", "leke", "lekar", "bhag", "bhaga",
        "ho", "kho", "mar", "a", "aa", "mil", "pahunch", "pahuch", "reh", "rah", "ban",
        "de", "bhej", "bheja", "nikal", "nikla", "uth", "so", "baith", "ruk", "gir",
        "bach", "bit", "bet", "jaya", "laya", "kaha", "kiya", "liya", "diya", "pakda",
        "चला", "चली", "चले", "चल", "ले", "लेके", "लेकर", "भाग", "भागा", "हो", "खो",
        "मर", "आ", "मिल", "पहुंच", "रह", "बन", "दे", "भेज", "भेजा", "निकल", "उठ",
        "सो", "बैठ", "रुक", "गिर", "बच", "बीत", "जाया", "लाया", "कहा", "किया", "लिया",
        "दिया", "पकडा",
    }
)  # fmt: skip
# Auxiliaries/particles after the verb: "gaya tha", "gaya hai", "गया था", "gaya to".
VERB_AFTER = frozenset(
    {
        "tha", "thi", "the", "hai", "hain", "he", "h", "ho", "hoga", "hogi", "to",
        "tho", "kya", "nahi", "nahin", "nai", "rahe", "raha", "rahal", "rahle",
        "था", "थी", "थे", "है", "हैं", "हो", "होगा", "होगी", "तो", "क्या", "नहीं",
        "रहे", "रहा", "रहल", "रहले",  # Bhojpuri past: "गया रहल"
    }
)  # fmt: skip
SE = frozenset({"se", "से"})
# "gaya ki nahi" / "गया कि नहीं" = "did he go or not"; "ke/ki" is not a place cue here.
WHETHER = frozenset({"ke", "ki", "ka", "ya", "कि", "की", "के", "या"})
NEGATION = frozenset({"nahi", "nahin", "nai", "na", "नहीं", "ना"})
# Short answers like "haan, gaya" after "which district?" are still answers.
AFFIRM = frozenset({"han", "ha", "hn", "ji", "haji", "हां", "हा", "जी"})
# "do pali me kaam" (two shifts), "bara beta" (elder son), "ration ka kota": a number,
# a possessive or an intensifier before the word means it is the ordinary word.
ORDINARY_BEFORE = frozenset(
    {
        "ek", "do", "tin", "char", "dono", "pehli", "pahli", "dusri", "dusra", "tisri",
        "rat", "din", "subah", "sham", "ka", "ki", "ke", "bahut", "bohot", "sabse",
        "itna", "utna", "jitna", "एक", "दो", "तीन", "चार", "दोनों", "पहली", "दूसरी",
        "रात", "दिन", "सुबह", "शाम", "का", "की", "के", "बहुत", "सबसे",
    }
)  # fmt: skip
# "Patna aur Gaya", "Jaipur, Kota": a list of places makes the ambiguous word a place.
CONNECTORS = frozenset({"aur", "and", "or", "ya", "va", "evam", "tatha", "और", "या", "व", "एवं", "तथा"})
# Postpositions typed glued to a Devanagari name: "पटनामें", "गयासे", "कोटाके".
GLUED_POSTPOSITIONS = ("वाले", "वाला", "वाली", "में", "मे", "से", "का", "की", "के")


def _went_context(prev: str | None, nxt: str | None, nxt2: str | None, comma_before: bool = False) -> bool:
    """True if the words around "gaya" make it the verb "went"."""
    if prev in VERB_BEFORE:  # "chala gaya", "le gaya", "भाग गया"
        return True
    if nxt in VERB_AFTER:  # "gaya tha", "गया है", "gaya to wapas nahi aaya"
        return True
    if prev in SE and nxt is None:  # "ghar se gaya" at the end of a sentence
        return True
    if nxt in WHETHER and nxt2 in NEGATION:  # "gaya ki nahi"
        return True
    # Hindi puts the verb last: "वो जयपुर गया", "beta gaya". A sentence-final gaya after
    # another word is the verb, unless that word is a place cue or a plain "yes".
    return (
        nxt is None
        and prev is not None
        and prev not in STRONG_CUE_BEFORE
        and prev not in WEAK_CUE_BEFORE
        and prev not in AFFIRM
        and prev not in CONNECTORS  # "Patna aur Gaya" is a list of places
        and not comma_before  # so is "Nawada, Nalanda, Gaya"
    )


# --------------------------------------------------------------------- gazetteer
class Gazetteer:
    """Finds and looks up districts of Bihar and Rajasthan in free text."""

    def __init__(
        self,
        districts: Iterable[District],
        aliases: dict[str, _Alias],
        cancelled: dict[str, District],
    ) -> None:
        """Build from already-parsed data; use :func:`load_gazetteer` in normal code."""
        self._districts = list(districts)
        self._aliases = aliases
        self._cancelled = dict(cancelled)
        self._max_tokens = max(key.count(" ") + 1 for key in aliases)
        # Fuzzy choices, grouped by number of words so "sawai madhopr" is only compared
        # with two-word names. Ambiguous and short names are left out on purpose.
        self._fuzzy_choices: dict[int, list[str]] = {}
        self._lookup_choices: list[str] = []
        for key, alias in aliases.items():
            if alias.district is None:
                continue
            letters = len(key.replace(" ", ""))
            if letters >= LOOKUP_MIN_ALIAS_LEN:
                self._lookup_choices.append(key)
            if letters >= FUZZY_MIN_ALIAS_LEN and not alias.ambiguous and not alias.joined:
                self._fuzzy_choices.setdefault(key.count(" ") + 1, []).append(key)

    # ------------------------------------------------------------ construction
    @classmethod
    def from_file(cls, path: str | Path) -> Gazetteer:
        """Read the YAML file (see its header for the format)."""
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gazetteer:
        """Build from the parsed YAML structure.

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
            for field in ("hindi", "headquarters", "alternates"):
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

        return cls(districts, aliases, cancelled)

    # ------------------------------------------------------------------ queries
    def districts(self, state: str | None = None) -> list[District]:
        """All current districts in file order, optionally only those of one state."""
        if state is None:
            return list(self._districts)
        wanted = state.casefold()
        return [d for d in self._districts if d.state.casefold() == wanted]

    def cancelled(self) -> dict[str, District]:
        """Cancelled Rajasthan district name -> the current district it went back to."""
        return dict(self._cancelled)

    def find(self, text: str, expecting_place: bool = False) -> list[DistrictMatch]:
        """Return every district mentioned in ``text``, in text order, without overlaps.

        ``expecting_place`` should be True when the bot has just asked for a district:
        then ambiguous words ("gaya", "pali", "आरा") count as places unless the
        sentence clearly uses them as ordinary words ("chala gaya").
        """
        tokens = _tokenise(text)
        if not tokens:
            return []
        exact = self._exact_candidates(tokens)
        chosen = _select(exact)
        accepted = [c for c in chosen if not c.alias.ambiguous and c.alias.district and not _verb_with_ji(c, tokens)]
        for cand in chosen:
            if cand.alias.ambiguous and self._is_place(cand, tokens, accepted, expecting_place):
                accepted.append(cand)
        covered = {i for c in chosen for i in range(c.first, c.last)}
        # Blocked phrases and rejected ambiguous words keep their tokens out of fuzzy
        # matching too, so "pali" rejected as "shift" cannot come back as a typo.
        fuzzy = _select(self._fuzzy_candidates(tokens, covered, FUZZY_CUTOFF))
        accepted.extend(fuzzy)
        accepted.sort(key=lambda c: c.first)
        return [self._to_match(c, tokens, text) for c in accepted if c.alias.district]

    def lookup(self, name: str) -> District | None:
        """Best single district for a short answer such as "motihari" or "Muzzaferpur".

        Tries :meth:`find` as if the bot had asked for a place, then a more tolerant
        fuzzy comparison of the whole answer. Returns None if nothing is close enough
        or two different districts are equally close.
        """
        matches = self.find(name, expecting_place=True)
        if matches:
            best = max(matches, key=lambda m: (m.score, -m.start))  # ties: the first one
            return best.district
        key = normalise_phrase(name)
        if len(key.replace(" ", "")) < FUZZY_MIN_QUERY_LEN or key in FUZZY_STOPWORDS:
            return None
        alias = _best_fuzzy(key, self._lookup_choices, self._aliases, LOOKUP_CUTOFF)
        return alias[0].district if alias else None

    # ---------------------------------------------------------------- internals
    def _exact_candidates(self, tokens: list[_Token]) -> list[_Candidate]:
        cands: list[_Candidate] = []
        for first in range(len(tokens)):
            words: list[str] = []
            for last in range(first, min(first + self._max_tokens, len(tokens))):
                if last > first and tokens[last - 1].breaks:
                    break
                words.append(tokens[last].norm)
                alias = self._aliases.get(" ".join(words))
                if alias is not None:
                    cands.append(_Candidate(first, last + 1, alias, " ".join(words), 1.0))
            glued = self._glued_candidate(tokens, first)
            if glued is not None:
                cands.append(glued)
        return cands

    def _glued_candidate(self, tokens: list[_Token], index: int) -> _Candidate | None:
        """A Devanagari name with a postposition typed onto it: "पटनामें" -> Patna."""
        norm = tokens[index].norm
        for post in GLUED_POSTPOSITIONS:
            stem = norm[: -len(post)]
            if norm.endswith(post) and len(stem) >= 2:
                alias = self._aliases.get(stem)
                if alias is not None and alias.district is not None:
                    # Cut the offsets only when the raw text ends with the same letters;
                    # otherwise (e.g. "मेँ") report the whole token.
                    raw = tokens[index].raw
                    end = None
                    if unicodedata.normalize("NFC", raw) == raw and raw.endswith(post):
                        end = tokens[index].end - len(post)
                    return _Candidate(index, index + 1, alias, stem, 1.0, end, True)
        return None

    def _fuzzy_candidates(self, tokens: list[_Token], covered: set[int], cutoff: float) -> list[_Candidate]:
        cands: list[_Candidate] = []
        for first in range(len(tokens)):
            for size in range(1, min(3, len(tokens) - first) + 1):
                span = range(first, first + size)
                if any(i in covered for i in span):
                    break
                if size > 1 and tokens[first + size - 2].breaks:
                    break
                words = [tokens[i].norm for i in span]
                if any(ch.isdigit() for w in words for ch in w):
                    break
                query = " ".join(words)
                if size == 1 and (len(query) < FUZZY_MIN_QUERY_LEN or query in FUZZY_STOPWORDS):
                    continue
                if size == 1 and self._is_demonym(query):
                    continue
                best = _best_fuzzy(query, self._fuzzy_choices.get(size, []), self._aliases, cutoff)
                if best is not None:
                    cands.append(_Candidate(first, first + size, best[0], query, best[1] / 100))
        return cands

    def _is_demonym(self, word: str) -> bool:
        """Name + -i is an adjective: "Bhojpuri" (the language), "Bikaneri", "Jodhpuri".

        Without this, fuzzy matching would read "bhojpuri me bolo" as Bhojpur district.
        """
        for suffix in ("i", "ी", "iya", "िया"):
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and stem in self._aliases:
                return True
        return False

    def _is_place(
        self,
        cand: _Candidate,
        tokens: list[_Token],
        accepted: list[_Candidate],
        expecting_place: bool,
    ) -> bool:
        """Decide whether an ambiguous word ("gaya", "pali", "आरा") is the district here."""
        prev, nxt, nxt2 = _context(tokens, cand.first, cand.last)
        is_verb = cand.key in VERB_HOMONYMS
        if cand.glued_cue:  # "गयामें", "पालीसे": a postposition only follows a noun
            return True
        # 1. Strong cues win over everything: "gaya jila", "जिला गया", "from Gaya".
        if nxt in STRONG_CUE_AFTER or prev in STRONG_CUE_BEFORE:
            return True
        if nxt in STATE_AFTER:
            state_is_last = cand.last + 1 == len(tokens)
            if not is_verb or state_is_last or "," in tokens[cand.last - 1].sep_after:
                return True
        # 2. Ordinary-word contexts: the verb "went", or "do pali", "bara beta".
        comma_before = cand.first > 0 and "," in tokens[cand.first - 1].sep_after
        if is_verb and _went_context(prev, nxt, nxt2, comma_before):
            return False
        if not is_verb and prev in ORDINARY_BEFORE:
            return False
        # 3. Weaker place cues, a short answer, a list of places, or the bot asked.
        whole_message = cand.first == 0 and cand.last == len(tokens)
        return (
            nxt in LOCATIVE_CUE_AFTER
            or (is_verb and nxt in GENITIVE_CUE_AFTER)
            or prev in WEAK_CUE_BEFORE
            or whole_message
            or expecting_place
            or _next_to_place(cand, tokens, accepted, route=not is_verb)
        )

    @staticmethod
    def _to_match(cand: _Candidate, tokens: list[_Token], text: str) -> DistrictMatch:
        start = tokens[cand.first].start
        end = tokens[cand.last - 1].end
        if cand.end_char is not None and cand.end_char > start:
            end = cand.end_char
        assert cand.alias.district is not None
        return DistrictMatch(cand.alias.district, start, end, text[start:end], cand.score)


def _surface(item: str | dict[str, Any]) -> str:
    return item["name"] if isinstance(item, dict) else str(item)


def _is_ambiguous(item: str | dict[str, Any]) -> bool:
    return bool(item.get("ambiguous", False)) if isinstance(item, dict) else False


def _context(tokens: list[_Token], first: int, last: int) -> tuple[str | None, ...]:
    """The word before, the word after and the one after that, within one sentence."""
    prev = tokens[first - 1].norm if first > 0 and not tokens[first - 1].breaks else None
    nxt = nxt2 = None
    if last < len(tokens) and not tokens[last - 1].breaks:
        nxt = tokens[last].norm
        if last + 1 < len(tokens) and not tokens[last].breaks:
            nxt2 = tokens[last + 1].norm
    return prev, nxt, nxt2


def _verb_with_ji(cand: _Candidate, tokens: list[_Token]) -> bool:
    """True for "chala gaya ji" / "ले गया जी": a polite "went", not the city "Gaya Ji".

    "gaya ji" is listed as an unambiguous name, but a compound-verb word before it
    still makes it the verb (the verb rules win, as for bare "gaya").
    """
    words = cand.key.split(" ")
    if len(words) < 2 or words[0] not in VERB_HOMONYMS:
        return False
    prev = _context(tokens, cand.first, cand.last)[0]
    return prev in VERB_BEFORE


def _next_to_place(cand: _Candidate, tokens: list[_Token], accepted: list[_Candidate], route: bool = False) -> bool:
    """True for "Patna aur Gaya" / "Jaipur, Kota": a list joined by a comma or "and".

    With ``route`` also "पटना से कोटा" (from Patna to Kota). Not used for gaya, where
    "Jaipur se gaya" means "went from Jaipur".
    """
    ends = {c.last for c in accepted}  # token index just after each accepted match
    starts = {c.first for c in accepted}
    first, last = cand.first, cand.last
    if first in ends and "," in tokens[first - 1].sep_after:
        return True
    if first - 1 in ends and first >= 1 and tokens[first - 1].norm in CONNECTORS:
        return True
    if route and first - 1 in ends and first >= 1 and tokens[first - 1].norm in SE:
        return True
    if last in starts and "," in tokens[last - 1].sep_after:
        return True
    return last + 1 in starts and tokens[last].norm in CONNECTORS


def _select(cands: list[_Candidate]) -> list[_Candidate]:
    """Keep non-overlapping candidates: the longest wins, then the best score, then leftmost."""
    chosen: list[_Candidate] = []
    used: set[int] = set()
    for cand in sorted(cands, key=lambda c: (-(c.last - c.first), -c.score, c.first)):
        span = set(range(cand.first, cand.last))
        if span & used:
            continue
        used |= span
        chosen.append(cand)
    chosen.sort(key=lambda c: c.first)
    return chosen


def _best_fuzzy(
    query: str, choices: list[str], aliases: dict[str, _Alias], cutoff: float
) -> tuple[_Alias, float] | None:
    """Closest alias to ``query``; None if below ``cutoff`` or two districts tie.

    The first letter must agree: typos rarely hit the first letter, and this removes
    many accidental near-misses between unrelated words.
    """
    if not choices:
        return None
    results = process.extract(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
    results = [r for r in results if r[0][0] == query[0]]
    if not results:
        return None
    best_key, best_score, _ = results[0]
    best = aliases[best_key]
    for key, score, _ in results[1:]:
        if score == best_score and aliases[key].district != best.district:
            return None
    return best, best_score


@functools.lru_cache(maxsize=4)
def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Load the gazetteer once per path; later calls return the same object."""
    return Gazetteer.from_file(path or DEFAULT_PATH)
