"""Tokens of a report message: each word with its place, its two normal forms and what follows it.

The readers of the fields look at neighbours ("3 bachche", "Jaipur le ja rahe", "Gaya nahi"), and a neighbour
across a sentence end does not count; so each token knows whether a full stop, comma or dash follows it.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from bot.gazetteer import normalise
from bot.reports.intake import vocab as V
from bot.reports.intake.model import MAX_ANSWER_CHARS
from bot.text.normalise import ascii_digits, collapse
from bot.text.tokens import WORD_RE

_ABBREVIATIONS = frozenset({"no", "mob", "mo", "ph", "num", "tel", "mobile", "vill", "dist", "ps", "po", "exp"})
_SEPARATOR_CHARS = ".!?।॥;\n"


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    low: str  # lower case, nukta/chandrabindu folded, ASCII digits; doubled letters kept ("teen")
    key: str  # the gazetteer's normal form ("bachchee" -> "bachche", "chhodo" -> "chodo")
    breaks: bool  # a sentence ends right after this token
    comma: bool  # a comma follows
    dash: bool = False  # "-", "/" or "&" follows ("12-14")
    phone: bool = False  # part of a mobile number

    @property
    def number(self) -> int | None:
        if self.phone:
            return None
        if self.low.isdigit():
            return int(self.low)
        return V.NUMBER_WORDS.get(self.low)


@functools.lru_cache(maxsize=4096)
def _fold(word: str) -> tuple[str, str]:
    """(low, key) of one raw token; cached, because the same few hundred words make up most messages."""
    text = ascii_digits(unicodedata.normalize("NFC", word)).lower()
    text = text.replace("\u093c", "").replace("\u0901", "\u0902").replace("'", "").replace("\u2019", "")
    low = text.replace("\u200c", "").replace("\u200d", "")
    return low, (low if low.isdigit() else normalise(low))


def _tokenise(text: str, phone_spans: list[tuple[int, int]]) -> list[_Token]:
    found = list(WORD_RE.finditer(text))
    tokens = []
    for i, m in enumerate(found):
        sep = text[m.end() : found[i + 1].start() if i + 1 < len(found) else len(text)]
        low, key = _fold(m.group())
        in_phone = any(a <= m.start() and m.end() <= b for a, b in phone_spans)
        # "no. 98765", "mob. 98765": an abbreviation's full stop does not end the sentence.
        stops = [c for c in sep if c in _SEPARATOR_CHARS]
        breaks = bool(stops) and not (stops == ["."] and low in _ABBREVIATIONS)
        dash = sep.strip() in ("-", "\u2013", "\u2014", "/", "&")
        tokens.append(_Token(m.start(), m.end(), low, key, breaks, "," in sep, dash, in_phone))
    return tokens


def _next(tokens: list[_Token], i: int) -> str | None:
    """Key of token i, if it is in the same sentence as token i - 1."""
    if 0 < i < len(tokens) and not tokens[i - 1].breaks:
        return tokens[i].key
    return None


def _find_phrases(keys: list[str], phrases: V.PhraseIndex) -> list[tuple[int, int]]:
    """(first, last) token spans of the phrases found, left to right, longest first, without overlaps."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(keys):
        for phrase in phrases.get(keys[i], ()):
            if tuple(keys[i : i + len(phrase)]) == phrase:
                spans.append((i, i + len(phrase)))
                i += len(phrase) - 1
                break
        i += 1
    return spans


def _only(keys: list[str], phrases: V.PhraseIndex, allowed: frozenset[str]) -> bool:
    """True if the phrases occur and every other word is in `allowed`."""
    spans = _find_phrases(keys, phrases)
    if not spans:
        return False
    covered = {i for a, b in spans for i in range(a, b)}
    return all(i in covered or k in allowed for i, k in enumerate(keys))


def _collapse(text: str) -> str:
    return collapse(text, MAX_ANSWER_CHARS)


def _keys_of(text: str) -> list[str]:
    return [t.key for t in _tokenise(text, [])]
