"""Context rules of the district gazetteer: when an ambiguous word is a place.

"गया"/"gaya" is the district Gaya and also "went"; "pali" is also a work shift, "kota" a
quota, "आरा" a saw. These word sets and functions decide from the words around such a
word whether it names the district. Split out of bot/gazetteer.py to keep it readable;
the gazetteer imports everything from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class _Token(Protocol):
    """What the rules read of a gazetteer token (bot.gazetteer._Token); a protocol, so this module does not import
    the gazetteer that imports it."""

    @property
    def norm(self) -> str: ...

    @property
    def sep_after(self) -> str: ...

    @property
    def breaks(self) -> bool: ...


class _Candidate(Protocol):
    """What the rules read of a candidate district mention (bot.gazetteer._Candidate)."""

    @property
    def first(self) -> int: ...

    @property
    def last(self) -> int: ...

    @property
    def key(self) -> str: ...

# ------------------------------------------------------------- context rules
# "गया"/"gaya" is the district Gaya and also the past tense of "to go" ("went").
# The verb is far more common in chat, so inside a sentence gaya counts as the district
# only with a place cue. The sets below hold normalised words (doubled Latin letters
# are already collapsed, nukta removed: "thaa" -> "tha", "ज़िला" -> "जिला").
# "gya" is how many people type both the verb and the district. Urdu has the same homonym: "گیا" is Gaya and
# "went", so every set below also holds the Urdu words (Arabic script, normalised: ی ک ہ).
VERB_HOMONYMS = frozenset({"gaya", "गया", "gya", "گیا"})

# Cues so strong that they win even against a verb cue: "jila gaya hai" is the place.
STRONG_CUE_BEFORE = frozenset(
    {"jila", "zila", "district", "dist", "from", "in", "at", "near", "जिला", "जिले", "जनपद", "जिल्ला", "जीला", "ضلع"}
)
STRONG_CUE_AFTER = frozenset(
    {
        "jila", "zila", "jile", "zile", "district", "dist",
        "ji", "je", "town", "shahar", "sahar", "city", "station", "junction", "jn",
        "जिला", "जिले", "जी", "शहर", "सिटी", "स्टेशन", "जंक्शन", "जिल्ला", "जीला",
        "ضلع", "جی", "شہر", "سٹی", "اسٹیشن", "جنکشن",
    }
)  # fmt: skip
# The words for "district" alone: next to one of them even an ordinary word ("dosa jila") is read as a name.
DISTRICT_NOUNS = frozenset(
    {"jila", "zila", "jile", "zile", "jilla", "zilla", "district", "dist", "जिला", "जिले", "जिल्ला", "जीला", "ضلع"}
)
# "Pali, Rajasthan", "Gaya Bihar". For gaya only with a comma or at the very end:
# chat word order also allows "beta gaya Rajasthan kaam karne" (went to Rajasthan).
STATE_AFTER = frozenset({"bihar", "rajasthan", "बिहार", "राजस्थान", "بہار", "راجستھان"})
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
        "سے", "میں", "والا", "والے", "والی",
    }
)  # fmt: skip
GENITIVE_CUE_AFTER = frozenset({"ke", "ka", "ki", "के", "का", "की", "کے", "کا", "کی"})
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
        "چلا", "چلی", "چلے", "چل", "لے", "لیکر", "بھاگ", "بھاگا", "ہو", "کھو", "مر", "آ", "مل", "پہنچ",
        "رہ", "بن", "دے", "بھیج", "بھیجا", "نکل", "اٹھ", "سو", "بیٹھ", "رک", "گر", "بچ", "بیت", "لایا",
        "کہا", "کیا", "لیا", "دیا", "پکڑا",
    }
)  # fmt: skip
# Auxiliaries/particles after the verb: "gaya tha", "gaya hai", "गया था", "gaya to".
VERB_AFTER = frozenset(
    {
        "tha", "thi", "the", "hai", "hain", "he", "h", "ho", "hoga", "hogi", "to",
        "tho", "kya", "nahi", "nahin", "nai", "rahe", "raha", "rahal", "rahle",
        "था", "थी", "थे", "है", "हैं", "हो", "होगा", "होगी", "तो", "क्या", "नहीं",
        "रहे", "रहा", "रहल", "रहले",  # Bhojpuri past: "गया रहल"
        "تھا", "تھی", "تھے", "ہے", "ہیں", "ہو", "ہوگا", "ہوگی", "تو", "کیا", "نہیں", "رہا", "رہے",
    }
)  # fmt: skip
SE = frozenset({"se", "से", "سے"})
# "gaya ki nahi" / "गया कि नहीं" = "did he go or not"; "ke/ki" is not a place cue here.
WHETHER = frozenset({"ke", "ki", "ka", "ya", "कि", "की", "के", "या", "کہ", "کی", "کے", "یا"})
NEGATION = frozenset({"nahi", "nahin", "nai", "na", "नहीं", "ना", "نہیں", "نا"})
# Short answers like "haan, gaya" after "which district?" are still answers.
AFFIRM = frozenset({"han", "ha", "hn", "ji", "haji", "हां", "हा", "जी", "ہاں", "جی"})
# "do pali me kaam" (two shifts), "bara beta" (elder son), "ration ka kota": a number,
# a possessive or an intensifier before the word means it is the ordinary word.
ORDINARY_BEFORE = frozenset(
    {
        "ek", "do", "tin", "char", "dono", "pehli", "pahli", "dusri", "dusra", "tisri",
        "rat", "din", "subah", "sham", "ka", "ki", "ke", "bahut", "bohot", "sabse",
        "itna", "utna", "jitna", "एक", "दो", "तीन", "चार", "दोनों", "पहली", "दूसरी",
        "रात", "दिन", "सुबह", "शाम", "का", "की", "के", "बहुत", "सबसे",
        "ایک", "دو", "تین", "چار", "دونوں", "رات", "دن", "صبح", "شام", "کا", "کی", "کے", "بہت",
    }
)  # fmt: skip
# "Patna aur Gaya", "Jaipur, Kota": a list of places makes the ambiguous word a place.
CONNECTORS = frozenset({"aur", "and", "or", "ya", "va", "evam", "tatha", "और", "या", "व", "एवं", "तथा", "اور", "یا"})
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


def _context(tokens: Sequence[_Token], first: int, last: int) -> tuple[str | None, ...]:
    """The word before, the word after and the one after that, within one sentence."""
    prev = tokens[first - 1].norm if first > 0 and not tokens[first - 1].breaks else None
    nxt = nxt2 = None
    if last < len(tokens) and not tokens[last - 1].breaks:
        nxt = tokens[last].norm
        if last + 1 < len(tokens) and not tokens[last].breaks:
            nxt2 = tokens[last + 1].norm
    return prev, nxt, nxt2


def _verb_with_ji(cand: _Candidate, tokens: Sequence[_Token]) -> bool:
    """True for "chala gaya ji" / "ले गया जी": a polite "went", not the city "Gaya Ji".

    "gaya ji" is listed as an unambiguous name, but a compound-verb word before it
    still makes it the verb (the verb rules win, as for bare "gaya").
    """
    words = cand.key.split(" ")
    if len(words) < 2 or words[0] not in VERB_HOMONYMS:
        return False
    prev = _context(tokens, cand.first, cand.last)[0]
    return prev in VERB_BEFORE


def _next_to_place(cand: _Candidate, tokens: Sequence[_Token], accepted: Sequence[_Candidate],
                   route: bool = False) -> bool:
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
