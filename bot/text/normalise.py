"""Normal forms of user text, shared by every reader.

Phones produce the same word in several byte forms: decomposed or precomposed letters (NFC fixes), digits in
Devanagari or another Indian script ("१२" = "12"), the nukta (ड़/ड) and chandrabindu (हूँ/हूं) typed or not, zero-width
joiners from Indic keyboards, and curly apostrophes. Urdu keyboards differ in the same way: Arabic yeh/kaf/heh
(ي ك ه) or the Urdu letters (ی ک ہ), and right-to-left keyboards insert direction marks (RLM, LRM). Readers compare
words only after these folds.
"""

from __future__ import annotations

import re
import unicodedata

NUKTA = "\u093c"
CHANDRABINDU = "\u0901"
ANUSVARA = "\u0902"
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
# Direction marks and embeddings/isolates: invisible, typed by right-to-left keyboards and sent by us (bot.text.bidi).
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_ZERO_WIDTH_TABLE = dict.fromkeys(map(ord, ZERO_WIDTH + BIDI_CONTROLS))
# Arabic-script letters an Urdu writer's keyboard may produce for the Urdu ones (Arabic yeh, alef maksura, kaf,
# heh); the Urdu forms are the normal ones. Harakat (short-vowel marks, tatweel) are optional and dropped.
_ARABIC_FOLDS: dict[int, str | None] = {ord("\u064a"): "\u06cc", ord("\u0649"): "\u06cc", ord("\u0643"): "\u06a9",
                                        ord("\u0647"): "\u06c1", ord("\u0640"): None, ord("\u0670"): None,
                                        **dict.fromkeys(range(0x064B, 0x0653))}

# Spaces and punctuation between words (also Urdu's comma, semicolon, question mark and full stop: ، ؛ ؟ ۔).
# Not \W: that would cut Devanagari words at their vowel signs.
SEPARATORS = re.compile(r"[\s.,:;!?()\[\]\-_/#*'\"।\u060c\u061b\u061f\u06d4]+")


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


def fold_arabic(text: str) -> str:
    """Urdu letters for their Arabic look-alikes (ي→ی, ك→ک, ه→ہ), no optional vowel marks: one spelling per word."""
    return text.translate(_ARABIC_FOLDS)


def normalise(text: str) -> str:
    """NFC, lower case, no zero-width characters or direction marks, folded Devanagari and Arabic-script variants,
    curly apostrophes made straight."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH_TABLE).lower().replace("\u2019", "'")
    return fold_arabic(fold_devanagari(text))


def collapse(text: str, limit: int | None = None) -> str:
    """NFC text with its white space collapsed to single spaces (and cut at `limit` characters): a stored answer."""
    collapsed = " ".join(unicodedata.normalize("NFC", text or "").split())
    return collapsed if limit is None else collapsed[:limit]
