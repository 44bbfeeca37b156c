"""Splitting a message into words.

One module for every reader. The readers do need different cuts, so there are a few named functions, not one:
menu answers, check-in answers and families' requests split on spaces and punctuation (`words`); language detection
wants letters only, so "don't" is "dont" and numbers are not evidence (`letter_words`); the language menu keeps
numbers glued to words apart ("option2" -> "option", "2": `menu_words`); NGO commands keep case and split on
spaces, commas and semicolons only, because a reference or a date carries "-" and "/" (`command_words`); the report
form needs each word's position in the message (`WORD_RE`, bot/reports/intake/tokens.py).
"""

from __future__ import annotations

import re
import unicodedata

from bot.text.normalise import SEPARATORS, ascii_digits, normalise

# A run of digits, or of letters (any script, joiners kept) with an optional apostrophe part ("don't").
WORD_RE = re.compile(r"\d+|(?:[^\W\d_]|[\u0900-\u0963\u0971-\u097f\u200c\u200d])+(?:['\u2019][^\W\d_]+)?")
# Devanagari letters and marks (no digits, no danda), Urdu's Arabic-script letters and marks (no digits, no
# punctuation), or Latin letters with an optional apostrophe part.
_DEVA = "\u0900-\u0963\u0971-\u097f"
_ARAB = "\u0621-\u063a\u0641-\u065f\u0670-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f"
_LETTER_WORD_RE = re.compile(rf"[{_DEVA}]+|[{_ARAB}]+|[a-z\u00e0-\u024f]+(?:['\u2019][a-z]+)*")
_MENU_WORD_RE = re.compile(rf"[{_DEVA}]+|[{_ARAB}]+|[a-z\u00e0-\u024f]+|\d+")
_COMMAND_SEPARATORS = re.compile(r"[\s,;]+")


def words(text: str) -> list[str]:
    """Lower-case NFC words split on spaces and punctuation, digits in ASCII ("नंबर २." -> ["नंबर", "2"])."""
    normalised = ascii_digits(unicodedata.normalize("NFC", text or "").strip().lower())
    return [t for t in SEPARATORS.split(normalised) if t]


def letter_words(text: str) -> list[str]:
    """Words of letters only, normalised (bot.text.normalise.normalise), apostrophes dropped: "Don't" -> "dont"."""
    return [t.replace("'", "") for t in _LETTER_WORD_RE.findall(normalise(text or ""))]


def menu_words(text: str) -> list[str]:
    """Normalised runs of Devanagari, Arabic-script or Latin letters or digits ("option2" -> ["option", "2"])."""
    return _MENU_WORD_RE.findall(normalise(text or ""))


def command_words(text: str) -> list[str]:
    """Fields of an NGO command: split on spaces, commas and semicolons; case kept, digits in ASCII."""
    return [t for t in _COMMAND_SEPARATORS.split(ascii_digits(text or "").strip()) if t]
