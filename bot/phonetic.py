"""A phonetic key for Indian place names as people type them by ear, in Latin and Devanagari.

Families write a district the way they hear it: "muzafarpur", "mujjafarpur", "darbanga", "nawda", "jaypure",
"सीतामडी", "जयपूर". Most of these differ from the listed spelling only in things Hindi speakers do not hear as a
difference. :func:`key` folds exactly those differences away, so all spellings of one name meet in one key, and
:func:`distance` measures what is left, cheaply for vowels (the most common by-ear change) and fully for consonants.

Devanagari is transliterated into Latin first and then keyed by the same rules, so "दरभंगा" and "darbhanga" get the
same key and both scripts are compared in one key space.

The key is for comparison only, never for display. It is deliberately coarse, which is why the gazetteer pairs it
with a stop list of ordinary words (bot/data/ordinary_words.yml) and context rules.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# ------------------------------------------------------------------ Devanagari -> Latin
# Aspirates are written out ("kh", "bh") so that the Latin rules below fold them exactly as a typed "kh" is folded.
_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n",
    "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n",
    "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n",
    "प": "p", "फ": "ph", "ब": "b", "भ": "bh", "म": "m",
    "य": "y", "र": "r", "ल": "l", "ळ": "l", "व": "v",
    "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}  # fmt: skip
_INDEPENDENT_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ee", "उ": "u", "ऊ": "oo", "ऋ": "ri",
    "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e",
}  # fmt: skip
_MATRAS = {
    "\u093e": "aa", "\u093f": "i", "\u0940": "ee", "\u0941": "u", "\u0942": "oo", "\u0943": "ri",
    "\u0947": "e", "\u0948": "ai", "\u094b": "o", "\u094c": "au", "\u0949": "o", "\u0945": "e",
}  # fmt: skip
_NUKTA = "\u093c"
_HALANT = "\u094d"
_NASALS = ("\u0901", "\u0902")  # chandrabindu, anusvara
_VISARGA = "\u0903"
_NASAL_CONSONANTS = "ङञणनम"


def _syllables(word: str) -> list[list[str | None]]:
    """Split Devanagari into [consonant, vowel, nasal] units; vowel None = inherent schwa, "" = halant."""
    units: list[list[str | None]] = []
    for ch in word:
        if ch in _CONSONANTS:
            units.append([_CONSONANTS[ch], None, ""])
        elif ch in _INDEPENDENT_VOWELS:
            units.append(["", _INDEPENDENT_VOWELS[ch], ""])
        elif ch in _MATRAS and units:
            units[-1][1] = _MATRAS[ch]
        elif ch == _HALANT and units:
            units[-1][1] = ""
        elif ch in _NASALS and units:
            units[-1][2] = "n"
        elif ch == _VISARGA and units:
            units[-1][2] = "h"
        elif ch.isascii() and ch.isalpha():
            units.append([ch.lower(), "", ""])
    return units


@functools.lru_cache(maxsize=8192)
def transliterate(word: str) -> str:
    """Devanagari to plain Latin letters, as a Hindi speaker would type the word.

    Why the rules:
    - Nukta is dropped: ज़/ज, फ़/फ, ड़/ड are typed either way (ड़/ढ़ then meet r/d in :func:`latin_key`).
    - The inherent vowel is written as "a" except where Hindi does not say it: at the end of the word
      (पटना "patna", but अलवर "alvar"), and between a vowel-consonant and a consonant-vowel (दरभंगा "darbhanga",
      जयपुर "jaypur", मुजफ्फरपुर "mujaffarpur"). Some compounds come out one vowel off (मधुबनी "madhubnee",
      सीतामढ़ी "seetaamdhee"), which the vowel-cheap :func:`distance` absorbs.
    - Anusvara/chandrabindu before a consonant is the nasal "n" (चंपारण "chanparan"); on a final vowel it is only
      nasalisation and is dropped (पूर्णियाँ "poorniyaa", झुंझुनूं "jhunjhunoo"), as Latin typists drop it.
    """
    units = _syllables(unicodedata.normalize("NFD", word).replace(_NUKTA, ""))
    # Decide the schwas from the right, as Hindi speakers drop them: a final schwa goes, and a schwa between a
    # vowel-consonant and a consonant-vowel that keeps its vowel goes (जयपुर jay-pur, उदयपुर uday-pur, किशनगंज
    # kishan-ganj, अलवर al-var). A nasalised unit keeps its vowel (दरभंगा darbhangaa).
    for i in range(len(units) - 1, -1, -1):
        cons, vowel, nasal = units[i]
        if vowel is not None or nasal or not cons:
            continue
        if i == len(units) - 1:
            if i > 0:
                units[i][1] = ""
            continue
        nxt = units[i + 1]
        prev_voiced = i > 0 and units[i - 1][1] != ""
        if prev_voiced and nxt[0] and nxt[1] != "":
            units[i][1] = ""
    out = []
    for i, (cons, vowel, nasal) in enumerate(units):
        vowel = "a" if vowel is None else vowel
        if nasal == "n" and i == len(units) - 1 and vowel:
            nasal = ""  # a nasalised final vowel
        out.append((cons or "") + vowel + (nasal or ""))
    return "".join(out)


# ------------------------------------------------------------------------- Latin key
_NON_LETTERS = re.compile("[^a-z]+")
_DOUBLE = re.compile(r"([a-z])\1+")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
_VOWELS = "aeiou"
_AI = re.compile("a[iy](?![aeiou])|e[iy](?![aeiou])")  # "ai", "ay", "ei", "ey" before a consonant or the end
_AU = re.compile("a[uw](?![aeiou])|ou")  # "au", "aw" before a consonant or the end, "ou"
_Y_GLIDE = re.compile("(?<=[^aeiou])y(?=[aeiou])")  # "by-a" -> "bi-a": byawar/beawar/biyawar
_NASAL_BEFORE_LABIAL = re.compile("m(?=[pbfv])")
_FINAL_NASAL_A = re.compile("(?<=i)an$")  # "purniyan", "purnian" -> "purnia"


def latin_key(word: str) -> str:
    """The phonetic key of a Latin-script word. Each rule folds a difference people do not hear:

    1. Case, diacritics and anything but a-z go ("Muzaffarpur", "Mūzaffarpur").
    2. "ee" -> i and "oo" -> u (long vowels typed English-style: "seekar", "jodhpoor"), a final y after a
       consonant is i ("motihary"), then every doubled letter
       is single: vowel length ("aara", "raajsamand") and geminates ("muzzaffarpur", "chhappra", "bettiah").
    3. "ph" -> f (phalodi/falodi), q -> k, x -> ks (buxar/baksar), z -> j (muzaffarpur/mujaffarpur: most Hindi
       speakers say ज for ज़), w -> v (nawada/navada: one letter व), c -> k except in "ch"/"chh" (च/छ).
    4. "sch"/"shch" -> ch (पश्चिम is said पच्छिम in Bhojpuri and Magahi: paschim/pachhim champaran), then
       "sh" -> s (श/ष/स merge in Bihari speech: sheikhpura/sekhpura, sivan/shivan).
    5. Diphthongs: "ai/ay/ei/ey" -> e (jaipur/jaypur/jeypur, vaishali, sheikhpura), "au/aw/ou" -> o
       (nagaur/nagour/nagor, supaul/supol, karauli/karoli).
    6. A glide y after a consonant is i (byawar/biawar), "iy" is i (purniya/purnia, arariya/araria), and a final
       nasal after -ia is dropped (purniyan).
    7. Every h that is not the first letter goes: aspirates (kh, gh, chh, th, dh, bh, jh, ph already f) are typed
       with or without h ("darbanga", "jhunjunu", "bagalpur"); a trailing h (bettiah, rohtash, arrah) and an h
       between vowels (katihar/katiyar, sheohar) are hardly heard.
    8. o -> u (u/o are one sound to many typists: jodhpur/judhpur, supaul/supol/supul).
    9. d after the first letter -> r: ड़/ढ़ is typed r or d at random (barmer/badmer, bhilwara/bhilwada,
       chittorgarh/chittorgadh, sitamarhi/sitamadhi, khagaria/khagadiya). Initial ड/द never varies that way.
    10. m before p/b/f/v -> n (champaran/chanparan: both are the anusvara of चंपारण). Other nasals before a
        consonant are already "n" (the anusvara is transliterated "n").
    11. A final a or e goes (patna/patn, jaipure/jaipur, jalore/jalor, madhepura/madhepure): a typed final
        vowel is the most common "by ear" addition or loss.
    """
    text = unicodedata.normalize("NFD", word.casefold())
    text = _NON_LETTERS.sub("", "".join(ch for ch in text if not unicodedata.combining(ch)))
    if not text:
        return ""
    text = text.replace("ee", "i").replace("oo", "u")
    if len(text) > 3 and text.endswith("y") and text[-2] not in _VOWELS:
        text = text[:-1] + "i"  # a final y is the vowel i: "motihary", "madhubany"
    text = _DOUBLE.sub(r"\1", text)
    text = text.replace("ph", "f").replace("q", "k").replace("x", "ks").replace("z", "j").replace("w", "v")
    text = text.replace("shch", "ch").replace("sch", "ch")
    text = text.replace("chh", "\x01").replace("ch", "\x01").replace("c", "k").replace("\x01", "c")
    text = text.replace("sh", "s")
    text = _AI.sub("e", text)
    text = _AU.sub("o", text)
    text = text.replace("iy", "i")
    text = _Y_GLIDE.sub("i", text)
    text = _FINAL_NASAL_A.sub("a", text)
    text = text[0] + text[1:].replace("h", "")
    text = text.replace("o", "u")
    text = text[0] + text[1:].replace("d", "r")
    text = _NASAL_BEFORE_LABIAL.sub("n", text)
    text = _DOUBLE.sub(r"\1", text)
    if len(text) > 2 and text[-1] in "ae":
        text = text[:-1]
    return text


@functools.lru_cache(maxsize=65536)
def key(word: str) -> str:
    """Phonetic key of one word in either script (Devanagari is transliterated first)."""
    if _DEVANAGARI.search(word):
        word = transliterate(word)
    return latin_key(word)


def phrase_key(words: list[str] | tuple[str, ...]) -> str:
    """Key of several words typed as one ("sawai madhopur" == "sawaimadhopur" == "savai madhopure")."""
    return key("".join(transliterate(w) if _DEVANAGARI.search(w) else w for w in words))


# ------------------------------------------------------------------- edit distance
_CHEAP_PAIRS = frozenset({("b", "v"), ("v", "b"), ("j", "y"), ("y", "j")})
VOWEL_COST = 0.5  # a vowel changed, dropped or added: "darbhnga", "alwer", "begusrai"


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in _VOWELS and b in _VOWELS:
        return VOWEL_COST
    if (a, b) in _CHEAP_PAIRS:  # b/v in Bhojpuri (baishali), j/y (jamuna/yamuna)
        return VOWEL_COST
    return 1.0


def _indel_cost(a: str) -> float:
    return VOWEL_COST if a in _VOWELS else 1.0


def distance(a: str, b: str, limit: float = 99.0) -> float:
    """Weighted Damerau-Levenshtein (optimal string alignment) between two keys.

    Vowel edits and the cheap consonant pairs cost 0.5, every other edit and a transposition 1.
    One more 0.5 if only one of the keys ends in a vowel: the key already folds a final a/e, so a final
    vowel that is left is part of the word (kekra/Kekri, sarso/Saharsa, bound/Bundi).
    Returns a value > ``limit`` as soon as every path is over it (to keep the hot path cheap).
    """
    if a == b:
        return 0.0
    if not a or not b:
        return float(max(len(a), len(b)))
    end = VOWEL_COST if (a[-1] in _VOWELS) != (b[-1] in _VOWELS) else 0.0
    return end + _osa(a, b, limit - end)


def _osa(a: str, b: str, limit: float) -> float:
    if abs(len(a) - len(b)) * VOWEL_COST > limit:
        return limit + 1
    prev2: list[float] = []
    prev = [0.0]
    for ch in b:
        prev.append(prev[-1] + _indel_cost(ch))
    for i, ca in enumerate(a, 1):
        cur = [prev[0] + _indel_cost(ca)]
        for j, cb in enumerate(b, 1):
            best = min(prev[j] + _indel_cost(ca), cur[j - 1] + _indel_cost(cb), prev[j - 1] + _sub_cost(ca, cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and ca != cb:
                best = min(best, prev2[j - 2] + 1.0)
            cur.append(best)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def max_distance(key_length: int) -> float:
    """How far a typed key may be from a name's key, by the typed key's length.

    Short keys are mostly ordinary words ("pata", "bola", "thank"), and village names are endless
    ("karmauli" ~ Karauli), so up to 7 letters only one vowel may differ; a consonant slip is forgiven from 8
    letters ("gopalgang"), two from 11. 0 up to 3 letters. With 4 letters only a dropped vowel is forgiven
    ("nawda"), see the gazetteer.
    """
    if key_length <= 3:
        return 0.0
    if key_length <= 7:
        return 0.5
    if key_length <= 10:
        return 1.0
    return 1.5


def first_class(k: str) -> str:
    """The class of a key's first letter, used to pick fuzzy candidates: vowels, b/v and j/y are one class each."""
    if not k:
        return ""
    ch = k[0]
    if ch in _VOWELS:
        return "V"
    return {"v": "b", "y": "j"}.get(ch, ch)
