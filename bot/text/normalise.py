"""Normal forms of user text, shared by every reader.

Phones produce the same word in several byte forms: decomposed or precomposed letters (NFC fixes), digits in
Devanagari or another Indian script ("१२" = "12"), the nukta (ड़/ड) and chandrabindu (हूँ/हूं) typed or not, zero-width
joiners from Indic keyboards, and curly apostrophes. Readers compare words only after these folds.
"""

from __future__ import annotations

import re
import unicodedata

NUKTA = "\u093c"
CHANDRABINDU = "\u0901"
ANUSVARA = "\u0902"
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
_ZERO_WIDTH_TABLE = dict.fromkeys(map(ord, ZERO_WIDTH))

# Spaces and punctuation between words. Not \W: that would cut Devanagari words at their vowel signs.
SEPARATORS = re.compile(r"[\s.,:;!?()\[\]\-_/#*'\"।]+")


class _DigitTable(dict):
    """str.translate table mapping every decimal digit (Unicode category Nd, any script) to its ASCII digit.

    Filled lazily: a message only ever meets a handful of code points.
    """

    def __missing__(self, code: int) -> int:
        char = chr(code)
        value = ord("0") + unicodedata.decimal(char) if unicodedata.category(char) == "Nd" else code
        self[code] = value
        return value


_DIGITS = _DigitTable()


def ascii_digits(text: str) -> str:
    """Digits of any script as ASCII ("१२" -> "12", "১২" -> "12"); one character for one, so offsets keep."""
    return (text or "").translate(_DIGITS)


def fold_devanagari(text: str) -> str:
    """Fold spelling variants phones produce inconsistently: nukta (ड़/ड), chandrabindu vs anusvara (हूँ/हूं)."""
    return text.replace(NUKTA, "").replace(CHANDRABINDU, ANUSVARA)


def normalise(text: str) -> str:
    """NFC, lower case, no zero-width characters, folded Devanagari variants, curly apostrophes made straight."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH_TABLE).lower().replace("\u2019", "'")
    return fold_devanagari(text)


def collapse(text: str, limit: int | None = None) -> str:
    """NFC text with its white space collapsed to single spaces (and cut at `limit` characters): a stored answer."""
    collapsed = " ".join(unicodedata.normalize("NFC", text or "").split())
    return collapsed if limit is None else collapsed[:limit]
