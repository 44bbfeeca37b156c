"""The report form's word sets, read from bot/data/lexicon/ and folded into the gazetteer's normal form.

Every set is compared in that form (lower case, nukta and chandrabindu folded, doubled Latin letters collapsed:
"bachchee" == "bachche", "pataa" == "pata", "chhodo" == "chodo"), except the number words, which keep doubled letters
("teen" is 3, "ten" is 10). Which words belong to which set is explained in the lexicon files.
"""

from __future__ import annotations

import unicodedata

from bot.gazetteer import normalise
from bot.text import lexicon

PhraseIndex = dict[str, tuple[tuple[str, ...], ...]]


def keys(name: str) -> frozenset[str]:
    """A lexicon `words` set in the gazetteer's normal form."""
    return frozenset(normalise(w) for w in lexicon.word_list(name))


def phrase_index(name: str) -> PhraseIndex:
    """A lexicon `phrases` set as normalised word tuples indexed by their first word, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in lexicon.phrases(name):
        words = tuple(normalise(w) for w in phrase.replace("'", "").split())
        if words:
            index.setdefault(words[0], []).append(words)
    return {first: tuple(sorted(set(group), key=len, reverse=True)) for first, group in index.items()}


def _number_key(word: str) -> str:
    return unicodedata.normalize("NFC", word).replace("\u093c", "").replace("\u0901", "\u0902")


NEG = keys("report_negation")
NEG_AFTER_VALUE = keys("report_negation_after_value")
FILLERS = keys("report_fillers")
FIELD_NOUNS = keys("report_field_nouns")
DONT_KNOW = phrase_index("report_dont_know")
BARE_NO = keys("report_bare_no")
STOP = phrase_index("report_stop")
STOP_FILLERS = FILLERS | NEG | keys("report_stop_words")
REFUSE = phrase_index("report_refuse")
DONT_KNOW_ALLOWED = FILLERS | FIELD_NOUNS | NEG
FIELD_ONLY_NOUNS = FIELD_NOUNS - FILLERS

CORRECTION_CUES = keys("correction_cues")
CORRECTION_PHRASES = phrase_index("correction_phrases")
RIGHT = keys("correction_right")
LEAD_SKIP = CORRECTION_CUES | NEG | keys("correction_lead_words")

DISTRICT_NOUNS = keys("district_nouns")
PLACE_NOUNS = keys("place_nouns")
CHILD_GENERIC = keys("child_generic")
CHILD_GENDERED = keys("child_gendered")
CHILD_NOUNS = CHILD_GENERIC | CHILD_GENDERED
COUNT_BETWEEN = keys("count_between")
AGE_UNITS = keys("age_units")
AGE_CUES = keys("age_cues")
AGE_CUE_SKIP = keys("age_cue_skip")
AGE_CONNECTORS = keys("age_connectors")
COUNT_ONLY_WORDS = keys("count_only")
HE_SHE = keys("he_she")
NOT_AGE_AFTER = keys("not_age_after")
NOT_AGE_BEFORE = keys("not_age_before")
NOT_COUNT_AFTER = keys("not_count_after")

NUMBER_WORDS: dict[str, int] = {_number_key(w): v for w, v in lexicon.number_words("counts").items()}

TRANSPORT: dict[str, str] = {normalise(w): label for w, label in lexicon.labels("transport").items()}
BAS = keys("bas")
BAS_CUE_AFTER = keys("bas_cue_after")
TRAIN_CUES = keys("train_cues")
MONEY_AFTER = keys("money_after")

AGENT_CUES = keys("agent_cues")
HIS = keys("his")
REPORTER_CUES = keys("reporter_cues")
THIS = keys("this")
NUMBER_NOUNS = keys("number_nouns")
CALL_WORDS = keys("call_words")

DEST_AFTER = keys("destination_after")
DEST_SKIP = keys("destination_skip")
DEST_BEFORE = keys("destination_before")
DEST_BEFORE_VERBS = keys("destination_before_verbs")
ENGLISH_MOVE = keys("english_move")
TO_FOR = keys("to_for")
VERB_HOMONYMS = keys("verb_homonyms")
WALA = keys("wala")
ORIGIN_AFTER = keys("origin_after")
GENITIVE = keys("genitive")
GENITIVE_DEST = keys("genitive_destination")
BEFORE_NEGATION = ORIGIN_AFTER | GENITIVE | DISTRICT_NOUNS | keys("before_negation")

OUTSIDE: dict[str, str] = {normalise(w): name for w, name in lexicon.labels("outside_places").items()}
OUTSIDE_AMBIGUOUS = keys("outside_ambiguous")

REQUEST_WORDS = FILLERS | keys("report_request_words") | CHILD_GENERIC

CONTACT_NUMBER_FILLERS = keys("contact_number_fillers")
ANON_WORDS = keys("anonymous_words")
NAME_WORDS = keys("name_words")
SHARE_OBJECTS = keys("share_objects")
ONLY_WORDS = keys("only_words")
HELPLINE_WORDS = keys("helpline_words")
ONLY_YOU = phrase_index("only_you")
WANT_WORDS = keys("want_words")
YES_WORDS = keys("contact_yes")
YES_PHRASES = phrase_index("contact_yes_phrases")

# Words never worth a second gazetteer look-up (they are not place names).
COMMON_WORDS = (
    FILLERS | NEG | CHILD_NOUNS | DEST_AFTER | DEST_SKIP | AGENT_CUES | PLACE_NOUNS | DISTRICT_NOUNS
    | AGE_UNITS | frozenset(TRANSPORT) | REQUEST_WORDS | CORRECTION_CUES
)
