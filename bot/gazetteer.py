"""District gazetteer for Bihar and Rajasthan: finds district names in chat messages.

Families write district names in Devanagari, in Roman Hindi, with typos, as HQ towns
("Motihari", "Chhapra") or as Rajasthan districts that were cancelled in Dec 2024
("Dudu", "Neem Ka Thana"). This module turns all of those into one canonical district.
The data lives in ``bot/data/districts.yml`` (source: the fact sheet, §4.1 and §4.2); reading it, the
word normalisation and the record types are in bot/gazetteer_data.py.

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
from pathlib import Path
from typing import Any, Iterable

import yaml
from rapidfuzz import fuzz, process

from bot import phonetic
from bot.district_context import (  # noqa: F401  (re-exported: the rule sets are part of the API)
    AFFIRM,
    CONNECTORS,
    DISTRICT_NOUNS,
    GENITIVE_CUE_AFTER,
    GLUED_POSTPOSITIONS,
    LOCATIVE_CUE_AFTER,
    NEGATION,
    ORDINARY_BEFORE,
    SE,
    STATE_AFTER,
    STRONG_CUE_AFTER,
    STRONG_CUE_BEFORE,
    VERB_AFTER,
    VERB_BEFORE,
    VERB_HOMONYMS,
    WEAK_CUE_BEFORE,
    WHETHER,
    _context,
    _next_to_place,
    _verb_with_ji,
    _went_context,
)
from bot.gazetteer_data import (  # noqa: F401  (re-exported: bot.gazetteer is where callers import these from)
    ORDINARY_WORDS_PATH,
    District,
    DistrictMatch,
    _Alias,
    _Candidate,
    _Token,
    _tokenise,
    load_ordinary_words,
    normalise,
    normalise_phrase,
    read_districts,
)

DEFAULT_PATH = Path(__file__).parent / "data" / "districts.yml"

# --------------------------------------------------------------------------- tuning
# Spellings by ear ("mujjafarpur", "nawda", "जयपूर") are matched on a phonetic key plus a
# small edit distance (bot/phonetic.py). Many ordinary words are as close to a district
# as a typo is ("patni"/Patna, "nagar"/Nagaur, "shikar"/Sikar), so those words, listed in
# bot/data/ordinary_words.yml, are never matched by key or distance, only exactly.
PHONETIC_SCORE = 0.95  # score of a same-key match; each unit of distance costs 0.05 more
MIN_JOINED_KEY = 5  # several words typed as one name ("shri ganga nagar") need a key this long
LOOKUP_CUTOFF = 80.0  # a bare answer to "which district?" may be a bit further off (rapidfuzz ratio)
LOOKUP_MIN_ALIAS_LEN = 5
LOOKUP_MIN_QUERY_LEN = 5
# "muzaffarpurjila", "gayajila", "दरभंगाजिला": a "district" word typed onto the name, also misspelt.
_ATTACHED_SUFFIX = re.compile(
    "(?:[jz](?:i|ee|e)ll?(?:aa?|ah|e)|distt?|district)$|(?:[\u091c\u095b]\u093c?[\u093f\u0940]\u0932\u094d?\u0932?[\u093e\u0947])$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------- gazetteer
class Gazetteer:
    """Finds and looks up districts of Bihar and Rajasthan in free text."""

    def __init__(
        self,
        districts: Iterable[District],
        aliases: dict[str, _Alias],
        cancelled: dict[str, District],
        ordinary_words: Iterable[str] | None = None,
    ) -> None:
        """Build from already-parsed data; use :func:`load_gazetteer` in normal code."""
        self._districts = list(districts)
        self._aliases = aliases
        self._cancelled = dict(cancelled)
        self._max_tokens = max(key.count(" ") + 1 for key in aliases)
        self._ordinary = frozenset(ordinary_words) if ordinary_words is not None else load_ordinary_words()
        self._lookup_choices = [
            k for k, a in aliases.items() if a.district is not None and len(k.replace(" ", "")) >= LOOKUP_MIN_ALIAS_LEN
        ]
        # Phonetic keys of every name, computed once. A key that two districts share is
        # kept as None: it proves nothing. "gaya"/"गया" are left out: their key "gay" is
        # also "gaye"/"गए" (went), so the verb rules need the exact word.
        by_key: dict[str, _Alias | None] = {}
        self._multiword_keys: set[str] = set()
        # A short key shared with an ordinary word ("beti" = daughter ~ Bettiah "betia",
        # "babu" ~ Bhabua) is ambiguous: it names the district only with a place cue.
        short_stops = {k for k in map(phonetic.key, self._ordinary) if len(k) <= 4}
        # Fuzzy choices by (number of words, first-letter class), so a typed word is only
        # compared with names that start alike; ambiguous, joined and short names stay out.
        # Several-word names are kept as word keys joined by a space.
        self._fuzzy: dict[tuple[int, str], list[tuple[str, _Alias]]] = {}
        for name, alias in aliases.items():
            if name in VERB_HOMONYMS:
                continue
            k = phonetic.phrase_key(name.split(" "))
            if " " in name:
                self._multiword_keys.add(k)
            if k in by_key and (by_key[k] is None or by_key[k].district != alias.district):  # type: ignore[union-attr]
                by_key[k] = None
            elif k not in by_key or alias.ambiguous or k in short_stops:
                # an ambiguous spelling or a short ordinary word makes the whole key ambiguous
                by_key[k] = _Alias(alias.district, True, alias.joined) if k in short_stops else alias
            if alias.district and not alias.ambiguous and not alias.joined and len(k) >= 4 and k not in short_stops:
                spaced = " ".join(phonetic.key(w) for w in name.split(" "))
                group = self._fuzzy.setdefault((name.count(" ") + 1, phonetic.first_class(k)), [])
                group.append((spaced, alias))
        self._by_key = by_key
        self._fuzzy_match = functools.lru_cache(maxsize=16384)(self._fuzzy_match_uncached)

    # ------------------------------------------------------------ construction
    @classmethod
    def from_file(cls, path: str | Path) -> Gazetteer:
        """Read the YAML file (see its header for the format)."""
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gazetteer:
        """Build from the parsed YAML structure (see :func:`bot.gazetteer_data.read_districts`).

        Raises ``ValueError`` if one spelling would point at two different districts,
        because that is a data error a silent "first wins" would hide.
        """
        return cls(*read_districts(data))

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
        tokens = self._split_suffixes(_tokenise(text))
        if not tokens:
            return []
        exact = self._exact_candidates(tokens)
        chosen = _select(exact)
        accepted = [c for c in chosen if not c.alias.ambiguous and c.alias.district and not _verb_with_ji(c, tokens)]
        for cand in chosen:
            if cand.alias.ambiguous and self._is_place(cand, tokens, accepted, expecting_place):
                accepted.append(cand)
        covered = {i for c in chosen for i in range(c.first, c.last)}
        # Blocked phrases and rejected ambiguous words keep their tokens out of phonetic
        # matching too, so "pali" rejected as "shift" cannot come back as a spelling.
        for cand in _select(self._phonetic_candidates(tokens, covered)):
            if not cand.alias.ambiguous or self._is_phonetic_place(cand, tokens, expecting_place):
                accepted.append(cand)
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
        if len(key.replace(" ", "")) < LOOKUP_MIN_QUERY_LEN or key in self._ordinary:
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

    def _split_suffixes(self, tokens: list[_Token]) -> list[_Token]:
        """Cut a "district" word typed onto a name into its own token: "gayajila" -> "gaya" "jila".

        Only when the rest is a name (by key), so words that merely end like "jila" stay whole.
        """
        out: list[_Token] = []
        for tok in tokens:
            m = _ATTACHED_SUFFIX.search(tok.raw)
            stem = tok.raw[: m.start()] if m else ""
            if m and len(stem) >= 3 and (normalise(stem) in self._aliases or phonetic.key(stem) in self._by_key):
                cut = tok.start + len(stem)
                out.append(_Token(tok.start, cut, stem, normalise(stem), ""))
                out.append(_Token(cut, tok.end, m.group(), "jila", tok.sep_after))
            else:
                out.append(tok)
        return out

    def _phonetic_candidates(self, tokens: list[_Token], covered: set[int]) -> list[_Candidate]:
        """Names written by ear: the same phonetic key, or a key within a small distance."""
        cands: list[_Candidate] = []
        for first in range(len(tokens)):
            for size in range(1, min(self._max_tokens, len(tokens) - first) + 1):
                span = range(first, first + size)
                if any(i in covered for i in span) or (size > 1 and tokens[first + size - 2].breaks):
                    break
                words = [tokens[i].norm for i in span]
                if any(ch.isdigit() for w in words for ch in w):
                    break
                # "patni", "nagar" are never a name by ear; inside a longer name they may be
                # ("shri ganga nagar"), if the words together have a name's exact key.
                ordinary = any(w in self._ordinary for w in words)
                if size == 1 and ordinary:
                    cand = self._ordinary_with_district_noun(tokens, first)
                    if cand is not None:
                        cands.append(cand)
                    continue
                raw = [tokens[i].raw for i in span]  # "madhubanee": the key reads "ee" as i
                query = phonetic.phrase_key(raw)
                alias = self._by_key.get(query)
                if alias is not None and (size == 1 or self._joined_name(query, words)):
                    if len(query) <= 3 and not alias.ambiguous:  # "dosa" ~ Dausa, "bhag" ~ Bagaha
                        alias = _Alias(alias.district, True, alias.joined)  # only with a strong cue
                    cands.append(_Candidate(first, first + size, alias, query, PHONETIC_SCORE))
                    continue
                if ordinary or query in self._by_key or (size == 1 and self._is_demonym(words[0], raw[0])):
                    continue  # two districts share this key, or "bhojpuri" (the language)
                # Word by word, so a particle after a name ("abroad hai") cannot pass for part of it.
                word_keys = [phonetic.key(w) for w in raw]
                found = self._fuzzy_match(tuple(word_keys))
                if found is not None:
                    alias, dist = found
                    cands.append(_Candidate(first, first + size, alias, query, PHONETIC_SCORE - 0.05 * dist))
        return cands

    def _ordinary_with_district_noun(self, tokens: list[_Token], index: int) -> _Candidate | None:
        """An ordinary word right next to "jila"/"जिला"/"ضلع" is read by its key after all: "dosa jila" is Dausa
        district (nobody says "dosa district" of the food). Only the district nouns count, not the other strong
        cues: "babu ji" is a person. The candidate stays ambiguous, so the usual place rules still decide."""
        prev, nxt, nxt2 = _context(tokens, index, index + 1)
        # "X jila" must end there or go on as a place does ("X jila se", "X jila ka"): "beti jila school me padhti
        # hai" is the district school.
        noun_after = nxt in DISTRICT_NOUNS and (nxt2 is None or nxt2 in _AFTER_A_PLACE)
        if prev not in DISTRICT_NOUNS and not noun_after:
            return None
        query = phonetic.key(tokens[index].raw)
        alias = self._by_key.get(query)
        if alias is None or alias.district is None:
            return None
        return _Candidate(index, index + 1, _Alias(alias.district, True, alias.joined), query, PHONETIC_SCORE)

    def _joined_name(self, query: str, words: list[str]) -> bool:
        """Several typed words may spell one name: "shri ganga nagar", "sawai madhopure", "ganga nagar".

        Either the name has several words too, or every typed word is a real part of it
        (not "shikar hai", whose joined key is Sikar's).
        """
        if len(query) < MIN_JOINED_KEY:
            return False
        if query in self._multiword_keys:
            return True
        return len(query) >= 8 and all(len(phonetic.key(w)) >= 3 for w in words)

    def _fuzzy_match_uncached(self, word_keys: tuple[str, ...]) -> tuple[_Alias, float] | None:
        """Closest name within :func:`phonetic.max_distance`, word by word; None on a tie between districts.

        Word by word, so a particle after a name ("abroad hai", "month ago") cannot pass for part of it.
        """
        limits = [phonetic.max_distance(len(k)) for k in word_keys]
        if max(limits) <= 0:
            return None
        best: tuple[_Alias, float] | None = None
        tie = False
        for name_key, alias in self._fuzzy.get((len(word_keys), phonetic.first_class(word_keys[0])), ()):
            total = 0.0
            for query, k, limit in zip(word_keys, name_key.split(" "), limits, strict=True):
                # A 4-letter key may only have lost a vowel: "nawda", not "thank" ~ Tonk.
                if abs(len(k) - len(query)) > 2 * limit or (len(query) <= 4 and len(k) <= len(query) and k != query):
                    break
                dist = phonetic.distance(query, k, limit)
                if dist > limit:
                    break
                total += dist
            else:
                if best is None or total < best[1]:
                    best, tie = (alias, total), False
                elif total == best[1] and alias.district != best[0].district:
                    tie = True
        return None if tie else best

    def _is_phonetic_place(self, cand: _Candidate, tokens: list[_Token], expecting_place: bool) -> bool:
        """An ambiguous name reached only by its key needs a strong cue ("paali jila", "dausha jila").

        Or it is the whole message, if its key has more than 3 letters ("bettiyah"); the
        ordinary words themselves ("beti", "bank") never get here (stop list).
        """
        prev, nxt, _ = _context(tokens, cand.first, cand.last)
        if prev in ORDINARY_BEFORE:
            return False
        whole_message = cand.first == 0 and cand.last == len(tokens)
        return (
            nxt in STRONG_CUE_AFTER
            or prev in STRONG_CUE_BEFORE
            or nxt in STATE_AFTER
            or (whole_message and (expecting_place or len(cand.key) > 3))  # "bettiyah" alone, not "dosa"
        )

    def _is_demonym(self, word: str, raw: str | None = None) -> bool:
        """Name + -i is an adjective: "Bhojpuri" (the language), "Bikaneri", "Jodhpuri".

        Without this, fuzzy matching would read "bhojpuri me bolo" as Bhojpur district.
        """
        for suffix in ("i", "ी", "iya", "िया"):
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and stem in self._aliases:
                return True
        k = phonetic.key(raw or word)  # "bhojpoori", "jodhpuri", "patni" (~ Patna + i)
        return len(k) > 3 and k.endswith("i") and self._by_key.get(k[:-1]) is not None

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


# What may follow "X jila" when X is an ordinary word read as a name: a postposition, "is", or the state.
_AFTER_A_PLACE = LOCATIVE_CUE_AFTER | GENITIVE_CUE_AFTER | STATE_AFTER | frozenset(
    {"hai", "hain", "h", "ba", "bani", "है", "हैं", "बा", "ہے", "ہیں"})


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
