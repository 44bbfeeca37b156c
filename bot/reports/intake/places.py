"""Places in a report message: the Bihar district where it happens, and where the children are taken.

A district only comes from the gazetteer (bot/gazetteer.py); places outside it that the corridor leads to come from
the lexicon (places.yml). The words around a place say whether it is an origin, a destination or negated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.gazetteer import DistrictMatch, load_gazetteer
from bot.reports.intake import vocab as V
from bot.reports.intake.model import SHORT_ANSWER_TOKENS
from bot.reports.intake.tokens import _next, _Token


@dataclass(frozen=True)
class _Place:
    first: int
    last: int
    name: str  # district name or canonical outside place
    state: str | None  # None for places outside the gazetteer
    negated: bool
    destination: bool  # destination wording next to it
    origin: bool  # "X se": where it starts


def _token_range(tokens: list[_Token], match: DistrictMatch) -> tuple[int, int]:
    first = next(i for i, t in enumerate(tokens) if t.end > match.start)
    last = first
    while last < len(tokens) and tokens[last].start < match.end:
        last += 1
    return first, max(last, first + 1)


def _is_negated(tokens: list[_Token], first: int, last: int) -> bool:
    nxt, nxt2 = _next(tokens, last), _next(tokens, last + 1)
    if nxt in V.NEG_AFTER_VALUE:
        return True
    if nxt2 in V.NEG_AFTER_VALUE and nxt in V.BEFORE_NEGATION:
        return True  # "Nawada se nahi", "गया जिला नहीं"
    return first > 0 and not tokens[first - 1].breaks and tokens[first - 1].key == "not"


def _is_destination(
    tokens: list[_Token], first: int, last: int, place_ends: set[int], place_tokens: set[int], after_only: bool = False
) -> bool:
    nxt = _next(tokens, last)
    if nxt in V.ORIGIN_AFTER or nxt in V.DISTRICT_NOUNS:
        return False
    if nxt in V.GENITIVE:
        return _next(tokens, last + 1) in V.GENITIVE_DEST  # "Jaipur ke liye"
    for i in range(last, min(last + 5, len(tokens))):
        if i > last and tokens[i - 1].breaks or i == last and tokens[last - 1].breaks:
            break
        key = tokens[i].key
        if key in V.DEST_AFTER:
            return True
        if key in V.WALA and (_next(tokens, i + 1) in V.TRANSPORT or _next(tokens, i + 1) in V.BAS):
            return True  # "Jaipur wali train", "पटना वाला बस"
        if key not in V.DEST_SKIP and key not in V.CHILD_NOUNS and tokens[i].number is None:
            break
    if after_only:
        return False
    if first > 0 and not tokens[first - 1].breaks:
        prev = tokens[first - 1].key
        if prev in V.DEST_BEFORE:
            return True
        if prev in V.DEST_BEFORE_VERBS and not tokens[first - 1].comma and first - 1 not in place_tokens:
            return True  # "le gaye Patna", but not "Gaya, Nawada"
        if prev in V.TO_FOR and first > 1:
            before = tokens[first - 2].key
            return before in V.ENGLISH_MOVE or before in V.TRANSPORT or (first - 1) in place_ends
    return False


def _single_word_district(text: str, tok: _Token) -> tuple[str, str] | None:
    """The district a single word names when read as a place ("कोटा" -> Kota), never the verb "gaya"."""
    if tok.key in V.VERB_HOMONYMS or tok.low.isdigit() or len(tok.key) < 3:
        return None
    for match in load_gazetteer().find(text[tok.start : tok.end], expecting_place=True):
        if match.score == 1.0:  # exact names only: "karmauli le gaye" is a village, not Karauli
            return match.district.name, match.district.state
    return None


def _find_places(text: str, tokens: list[_Token], expecting_place: bool, asked: str | None) -> list[_Place]:
    spans: list[tuple[int, int, str, str | None]] = []
    fuzzy: set[int] = set()  # first tokens of typo matches
    if tokens:
        for match in load_gazetteer().find(text, expecting_place=expecting_place):
            first, last = _token_range(tokens, match)
            if match.score < 1.0:
                if first > 0 and tokens[first - 1].key in V.PLACE_NOUNS:
                    continue  # "gaon Karmauli" is a village, not a misspelt Karauli
                fuzzy.add(first)
            spans.append((first, last, match.district.name, match.district.state))
    taken = {i for a, b, _, _ in spans for i in range(a, b)}
    for i, tok in enumerate(tokens):
        if i not in taken and tok.key in V.OUTSIDE:
            spans.append((i, i + 1, V.OUTSIDE[tok.key], None))
    spans.sort()
    ends = {b for _, b, _, _ in spans}
    taken = {i for a, b, _, _ in spans for i in range(a, b)}
    places = []
    for first, last, name, state in spans:
        dest = _is_destination(tokens, first, last, ends, taken)
        if first in fuzzy and state != "Bihar" and asked != "district":
            continue  # "karmauli le gaye": a village a typo away from Karauli (a destination answer stays free text)
        if state is None and tokens[first].key in V.OUTSIDE_AMBIGUOUS:
            if not (dest or len(tokens) == 1 or asked == "destination"):
                continue  # "uski surat" is his face, not Surat
        negated = _is_negated(tokens, first, last)
        places.append(_Place(first, last, name, state, negated, dest, _next(tokens, last) in V.ORIGIN_AFTER))
    # Words the gazetteer reads as ordinary words in a sentence are still places in two spots: right before
    # destination wording ("बच्चों को कोटा ले जा रहे", Kota) and right before a "no" ("गया नहीं": a correction).
    for i, tok in enumerate(tokens):
        if i in taken or tok.number is not None:
            continue
        negated = asked is not None and _is_negated(tokens, i, i + 1)
        if negated and tok.key in V.VERB_HOMONYMS:
            if not any(p.state for p in places):
                continue  # "school gaya nahi" is "did not go"; only "Nawada hai, Gaya nahi" is a place
            places.append(_Place(i, i + 1, "", None, True, False, False))  # "गया नहीं": which one does not matter
            continue
        if tok.key in V.COMMON_WORDS:
            continue
        if not negated and not _is_destination(tokens, i, i + 1, ends, taken, after_only=True):
            continue
        found = _single_word_district(text, tok)
        if found:
            places.append(_Place(i, i + 1, found[0], found[1], negated, not negated, False))
    places.sort(key=lambda p: p.first)
    return places


def _district_from_lookup(text: str, tokens: list[_Token]) -> tuple[str, str] | None:
    """A bare, slightly misspelt answer to "which district?" ("nawda"); only for Bihar, never for numbers."""
    if not 0 < len(tokens) <= SHORT_ANSWER_TOKENS or any(t.low.isdigit() or t.key in V.OUTSIDE for t in tokens):
        return None
    if any(t.key in V.FILLERS or t.key in V.NEG or t.key in V.PLACE_NOUNS for t in tokens):
        return None
    district = load_gazetteer().lookup(text)
    if district is None or district.state != "Bihar":
        return None  # a fuzzy near-miss outside Bihar ("barauni" ~ Baran) is more likely a wrong guess
    return district.name, district.state


def _read_district(out: dict[str, Any], text: str, tokens: list[_Token], live: list[_Place], asked: str | None) -> None:
    """A Bihar district where it happens (any gazetteer district when the district was asked for)."""
    for place in live:
        if place.state is None or place.destination:
            continue
        if place.state == "Bihar" or asked == "district":
            out["district"], out["district_state"] = place.name, place.state
            return
    if asked == "district" and not live:
        found = _district_from_lookup(text, tokens)
        if found:
            out["district"], out["district_state"] = found


def _read_destination(out: dict[str, Any], answer: str, live: list[_Place], asked: str | None) -> None:
    """A place with destination wording, else the first place outside Bihar.

    An answer to "where to?" may name any place, a Bihar district too ("Patna"), but not the origin ("Nawada se
    Jaipur"); an answer naming no known place is kept as free text ("kisi shahar me").
    """
    if asked == "destination":
        pool = [p for p in live if not p.origin] or live
        dest = next((p for p in pool if p.destination), None) or next(iter(pool), None)
        if dest is not None and dest.name == out.get("district"):
            del out["district"], out["district_state"]
    else:
        pool = [p for p in live if p.name != out.get("district")]
        dest = next((p for p in pool if p.destination), None) or next((p for p in pool if p.state != "Bihar"), None)
    if dest is not None:
        out["destination"] = dest.name
    elif asked == "destination":
        out["destination"] = answer
