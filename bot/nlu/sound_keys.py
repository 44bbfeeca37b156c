"""How a word sounds, whatever the script: features that let the intent classifier learn "paisa", "पैसा" and "پیسہ"
as one word.

Families write the same Hindi, Bhojpuri or Urdu words in Devanagari, in Latin letters by ear, or in Arabic script;
training examples in one script then teach nothing about the others, and every writer spells by ear differently.
`bot.phonetic.key` (built for district names) already folds Devanagari and the by-ear Latin spellings onto one key
("मुझे पैसा नहीं मिला" and "mujhe paisa nahi mila" both give "muj pes nai mil"). Here:

- `sound_key` also takes Arabic-script (Urdu) words, through a letter-by-letter Latin reading of their consonants
  and long vowels (Urdu writes no short vowels, so "پیسہ" reads "pisa" and keys "pis", close to "pes");
- `skeleton` keeps a key's first letter and its consonants only ("pes" and "pis" -> "ps"), which is where the
  Urdu and Hindi spellings of a word meet.

Only the intent classifier uses these (bot/nlu/linear_intent.py); district names keep their own stricter matching
(Urdu names there are matched exactly, never by ear).
"""

from __future__ import annotations

import functools
import re

from bot.phonetic import key

# Urdu letters as a Hindi speaker would type them; letters with no sound of their own (ain, hamza) are dropped, and
# so is the nasal mark noon ghunna (Hindi keys drop a final nasal too: nahin/nahi). Fourteen Arabic letters that
# Urdu pronounces alike share one Latin letter (se/sin/svad -> s, zal/ze/zvad/zoe -> z, te/toe -> t).
URDU_LETTERS = {
    "ا": "a", "آ": "a", "أ": "a", "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h",
    "خ": "kh", "د": "d", "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "z", "س": "s", "ش": "sh", "ص": "s",
    "ض": "z", "ط": "t", "ظ": "z", "ع": "", "غ": "g", "ف": "f", "ق": "k", "ک": "k", "ك": "k", "گ": "g", "ل": "l",
    "م": "m", "ن": "n", "ں": "", "و": "o", "ؤ": "o", "ہ": "h", "ه": "h", "ھ": "h", "ۃ": "h", "ء": "", "ئ": "i",
    "ی": "i", "ي": "i", "ى": "i", "ے": "e", "ۓ": "e",
}
_ARABIC = re.compile("[\u0600-\u06ff]")
_NOT_FIRST_VOWELS = re.compile("[aeiouy]")


def urdu_to_latin(word: str) -> str:
    """An Urdu word in Latin letters, consonants and long vowels only (diacritics and unknown signs dropped)."""
    return "".join(URDU_LETTERS.get(ch, "") for ch in word)


@functools.lru_cache(maxsize=131072)
def sound_key(word: str) -> str:
    """The phonetic key of a word in Latin, Devanagari or Arabic script; the word itself if it has no letters
    the key reads (digits, emoji)."""
    spoken = urdu_to_latin(word) if _ARABIC.search(word) else word
    return key(spoken) or word


def skeleton(word_key: str) -> str:
    """The key's first letter and its consonants: "pes" (पैसा, paisa) and "pis" (پیسہ) -> "ps"."""
    return word_key[:1] + _NOT_FIRST_VOWELS.sub("", word_key[1:])
