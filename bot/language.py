"""Which language a message is written in, and which language to answer in.

The helpline is used by families in rural Bihar who write Hindi (Devanagari), Hindi typed in Latin letters
("Roman Hindi"/Hinglish), Indian English in SMS style, Bhojpuri (either script), Maithili, and Urdu (Arabic
script). We answer in "en", "hi", "hi-Latn", "bho", "mai" or "ur", in the script the person writes: Bhojpuri and
Maithili typed in Latin letters are answered in Roman Hindi (we write both only in Devanagari).

Why word lists and not a model: this runs on every message, must be deterministic and cheap, and generic language-ID
models cannot tell Roman Hindi from English or Bhojpuri from Hindi on a six-word SMS. Curated marker words can: the
languages share most content words (beta, paisa, school, Jaipur) but differ sharply in a few grammatical words
(है / बा / अछि, मेरा / हमार / हमर, hai / ba / achhi, the / is / was). Each message is scored from those markers,
weighted by how distinctive they are; the script (majority of Devanagari vs Latin letters) decides between "hi" and
"hi-Latn". Urdu is the one language we read in Arabic script, so that script alone decides it ("ur"); Roman Urdu
is Hindi in Latin letters to us (the same words: "mera beta ghar nahi aaya") and is read and answered as "hi-Latn".
Nothing here logs or stores the text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from bot.text import lexicon
from bot.text.normalise import normalise as _normalise
from bot.text.tokens import letter_words as _tokens
from bot.text.tokens import menu_words

LANGUAGES: tuple[str, ...] = ("en", "hi", "hi-Latn", "bho", "mai", "ur")
"""Codes `detect_language` can return. "hi" is Devanagari Hindi, "hi-Latn" Hindi in Latin letters, "ur" Urdu in
Arabic script."""

REPLY_LANGUAGES: tuple[str, ...] = ("en", "hi", "hi-Latn", "bho", "mai", "ur")
"""Languages we write replies in (one catalogue each, bot/data/replies/<code>.yml)."""

LANGUAGE_MENU: tuple[str, ...] = REPLY_LANGUAGES
"""Order of the language menu: "1 English, 2 हिंदी, 3 Hindi (Roman), 4 भोजपुरी, 5 मैथिली, 6 اردو"."""

REPLY_SCRIPTS: dict[str, str] = {"en": "Latn", "hi": "Deva", "hi-Latn": "Latn", "bho": "Deva", "mai": "Deva",
                                 "ur": "Arab"}
"""The script each reply language is written in (the catalogue and fact tests check every text against it)."""

LATIN_SCRIPT_REPLY: dict[str, str] = {"bho": "hi-Latn", "mai": "hi-Latn"}
"""Languages we write only in Devanagari, answered in Roman Hindi when typed in Latin letters: a person who types
Latin letters may not read Devanagari fluently, and Roman Hindi is the closest text we write in their script."""


@dataclass(frozen=True)
class Detection:
    """Result of `detect_language`.

    `language` is one of LANGUAGES or None when there is no evidence at all; `script` is "Deva", "Latn", "Arab" or
    "none";
    `confidence` (0..1) grows with the amount of evidence and the margin over the runner-up, so callers can ignore
    weak guesses (a bare "ok" or "haan" should not flip the reply language).
    """

    language: str | None
    script: str
    confidence: float


# --------------------------------------------------------------------------------------------------------------
# Normalisation and tokens
# --------------------------------------------------------------------------------------------------------------

_REPEAT3_RE = re.compile(r"(.)\1{2,}")
_REPEAT2_RE = re.compile(r"(.)\1+")


def _is_devanagari_letter(ch: str) -> bool:
    """Devanagari letters and vowel signs count toward the script; digits (०-९) and dandas do not."""
    return ("\u0900" <= ch <= "\u0963" or "\u0971" <= ch <= "\u097f") and unicodedata.category(ch)[0] in "LM"


def _is_latin_letter(ch: str) -> bool:
    """ASCII letters plus accented Latin (people sometimes type é, ā)."""
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


def _is_arabic_letter(ch: str) -> bool:
    """Arabic-script letters and marks (Urdu's alphabet, its Persian and Urdu additions); not Arabic digits."""
    return ("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufdff"
            or "\ufe70" <= ch <= "\ufefc") and unicodedata.category(ch)[0] in "LM"


def _is_deva_token(token: str) -> bool:
    """Tokens are single-script by construction, so the first character tells."""
    return "\u0900" <= token[0] <= "\u097f"


def _script_of(text: str) -> str:
    """Majority script by letter count; ties go to Devanagari, then Arabic (an all-Latin text cannot tie)."""
    deva = sum(1 for ch in text if _is_devanagari_letter(ch))
    latin = sum(1 for ch in text if _is_latin_letter(ch))
    arab = sum(1 for ch in text if _is_arabic_letter(ch))
    if deva == 0 and latin == 0 and arab == 0:
        return "none"
    if arab > deva and arab >= latin:
        return "Arab"
    return "Deva" if deva >= latin else "Latn"


# --------------------------------------------------------------------------------------------------------------
# Marker lexicons
#
# Two questions are answered separately. English or an Indian language? Every Hindi-belt word counts for that
# (the "indic" lists: beta, ghar, paisa, kuch, ke, se). Which Indian language? Only words that set Hindi, Bhojpuri
# and Maithili apart count for that (है / बा / अछि, मेरा / हमार / हमर, gaya / gail / gel), so Bhojpuri or
# Maithili can only win on their own distinctive words.
#
# Weights: 3 = distinctive, 2 = typical, 1 = common but also used elsewhere, 0.5 = weak hint. Place names and
# loanwords every writer uses (school, police, phone, ok, case, TC) are absent; form/office/admission-type
# loanwords count only weakly for English.
# --------------------------------------------------------------------------------------------------------------


def _words(name: str) -> frozenset[str]:
    """A lexicon `words` set (bot/data/lexicon/), normalised like user text."""
    return frozenset(_normalise(word) for word in lexicon.word_list(name))


# Lexicon group -> family; "Latn"/"Deva" hold the shared Hindi-belt words ("indic": evidence for "not English" only).
_GROUP_FAMILY = {"en": "en", "hi": "hi", "hi-Latn": "hi", "bho": "bho", "bho-Latn": "bho", "mai": "mai",
                 "mai-Latn": "mai", "Latn": "indic", "Deva": "indic"}


def _marker_lexicons() -> dict[str, tuple[dict[str, float], dict[str, float]]]:
    """family -> (Devanagari word -> weight, Latin word -> weight); a word listed twice keeps its higher weight."""
    lexicons: dict[str, tuple[dict[str, float], dict[str, float]]] = {
        family: ({}, {}) for family in ("indic", "hi", "bho", "mai", "en")}
    for group, tiers in lexicon.weights("language_markers").items():
        lex = lexicons[_GROUP_FAMILY[group]][0 if lexicon.group_script(group) == "Deva" else 1]
        for weight, words in tiers.items():
            for word in words:
                word = _normalise(word)
                lex[word] = max(weight, lex.get(word, 0.0))
    return lexicons


# Two-word markers stronger than their parts ("की भेल" = "what happened" in Maithili).
_PHRASES: dict[tuple[str, ...], tuple[str, float]] = {
    pair: (_GROUP_FAMILY[group], weight)
    for group, tiers in lexicon.pairs("language_pair_markers").items()
    for weight, found in tiers.items()
    for pair in found
}

_FAMILY_LEXICONS = _marker_lexicons()
_INDIC_LANGUAGES: tuple[str, ...] = ("hi", "bho", "mai")  # also the tie-break order: Hindi unless outscored

# Shape hints for words no list knows. Verb morphology is regular and sets the three languages apart:
#   Bhojpuri: past -इल/-अल (गइल, लिखल, gail), -लस (कहलस), polite imperative -ईं (बताईं, भेजीं), habitual -ेला
#     (मिलेला, milela), -इनी/-ेनी (कइनी, kaini), verbal nouns -ावल (बतावल, batawal), future -इह (bhejih).
#   Maithili: -लक (कहलक), -ैत/-इत (करैत, होइत), future -यत/-ओत (होयत, आओत, hoyat), past -यल/-ओल (आयल,
#     छोड़ाओल), -लहुं (छलहुं), imperative -ाउ (पठाउ), genitive -ाक/-बाक (बच्चाक, जेबाक), avagraha (कऽ, लऽ).
#   Hindi: futures and polite imperatives (-एगा, -इए). English has suffixes Roman Hindi never uses.
_DEVA_SUFFIXES: tuple[tuple[str, str, float], ...] = (
    ("इलस", "bho", 2.0), ("इलें", "bho", 2.0), ("इले", "bho", 2.0), ("इल", "bho", 2.0), ("लस", "bho", 1.0),
    ("ीं", "bho", 2.0), ("ईं", "bho", 2.0), ("ेला", "bho", 2.0), ("ीला", "bho", 1.5), ("ेलन", "bho", 2.0),
    ("इनी", "bho", 2.0), ("ईनी", "bho", 2.0), ("ेनी", "bho", 1.5), ("तानी", "bho", 2.0), ("ावल", "bho", 2.0),
    ("लक", "mai", 1.5), ("लकै", "mai", 2.0), ("लै", "mai", 1.0), ("लाह", "mai", 1.5), ("ैत", "mai", 2.0),
    ("इत", "mai", 2.0), ("यत", "mai", 1.5), ("ओत", "mai", 2.0), ("यल", "mai", 1.5), ("ओल", "mai", 2.0),
    ("लहुं", "mai", 2.0), ("ाउ", "mai", 2.0), ("ाक", "mai", 1.5), ("बाक", "mai", 2.5),
    ("ेंगे", "hi", 1.0), ("ेगा", "hi", 1.0), ("ेगी", "hi", 1.0), ("ाइए", "hi", 1.0), ("िए", "hi", 0.5),
    ("ोगे", "hi", 1.0), ("ओगे", "hi", 1.0), ("ो", "hi", 1.0),
)
_LATN_SUFFIXES: tuple[tuple[str, str, float], ...] = (
    ("ailas", "bho", 2.0), ("ayil", "bho", 2.0), ("ail", "bho", 1.5), ("las", "bho", 1.0),
    ("ela", "bho", 2.0), ("aini", "bho", 2.0), ("awal", "bho", 2.0), ("aili", "bho", 1.5), ("ih", "bho", 2.0),
    ("ihe", "bho", 2.0),
    ("lak", "mai", 1.5), ("elai", "mai", 1.5), ("ait", "mai", 1.0), ("ayat", "mai", 1.5), ("oyat", "mai", 2.0),
    ("enge", "hi", 1.0), ("ega", "hi", 1.0), ("egi", "hi", 1.0), ("iye", "hi", 1.0), ("iyega", "hi", 1.0),
    ("oge", "hi", 1.0),
    ("tion", "en", 1.0), ("sion", "en", 1.0), ("ing", "en", 1.0), ("ed", "en", 0.5), ("ly", "en", 0.5),
    ("ment", "en", 1.0), ("ness", "en", 1.0), ("ght", "en", 1.0), ("ould", "en", 1.0),
)
_LATN_INFIXES: tuple[tuple[str, str, float], ...] = (
    ("aa", "indic", 0.5), ("bh", "indic", 0.5), ("kh", "indic", 0.5), ("jh", "indic", 0.5),
    ("chh", "indic", 0.5), ("wh", "en", 0.5), ("ea", "en", 0.5), ("ou", "en", 0.5), ("ck", "en", 0.5),
    ("x", "en", 0.5), ("q", "en", 0.5),
)

# Devanagari consonants (क..ह): a consonant with no vowel sign before the last letter marks the bare-stem
# verb forms लिखल/छूटल (Bhojpuri past) and करब/लिखब (Bhojpuri/Maithili future); a consonant followed by the
# independent vowel इ is the Bhojpuri spelling of Hindi ऐ (कइसे, पइसा, भइया, लइका).
_DEVA_CONSONANTS = frozenset(chr(c) for c in range(0x0915, 0x093A))
_AVAGRAHA = "\u093d"  # ऽ: Maithili writes कऽ, लऽ, भऽ for the short final vowel
# Message-initial or -final का/ka is the Bhojpuri question word or particle ("का हो", "मिली का"); Hindi का
# sits between two nouns.
_EDGE_QUESTION = lexicon.words("edge_question")
_EDGE_QUESTION_WEIGHT = 1.5

# A Devanagari text without markers ("जयपुर") is still most likely Hindi, and its writer reads Devanagari.
_DEVA_PRIOR = 0.5
# When only shared Hindi-belt words are present ("paisa kab"), we guess Hindi but halve the confidence.
_UNSURE_WHICH_INDIC = 0.5
# Replies made only of courtesy words ("thik hai", "ok thank u", "ठीक बा") say little about the language a person
# wants: they are capped below the usual 0.5 switching threshold.
_PHATIC = _words("phatic")
_PHATIC_CAP = 0.4
# Evidence scale: one distinctive word alone stays just under 0.5 confidence; two or three clear words exceed it.
_EVIDENCE_SCALE = 4.5
# Arabic script is Urdu: every Arabic-script word is evidence, so one word ("سلام") starts a conversation in Urdu
# and two words switch one.
_ARABIC_WORD_WEIGHT = 2.0


# --------------------------------------------------------------------------------------------------------------
# Detection
# --------------------------------------------------------------------------------------------------------------


def _merge(index: int) -> dict[str, dict[str, float]]:
    """word -> {family: weight} for one script, so each token costs one dictionary lookup."""
    merged: dict[str, dict[str, float]] = {}
    for family, lexicons in _FAMILY_LEXICONS.items():
        for word, weight in lexicons[index].items():
            merged.setdefault(word, {})[family] = weight
    return merged


_DEVA_WORDS = _merge(0)
_LATN_WORDS = _merge(1)


def _lookup(token: str, words: Mapping[str, dict[str, float]]) -> dict[str, float] | None:
    """Family weights of a token, forgiving SMS letter-stretching ("nahiii", "plzzz", "haaan"); None if unknown."""
    found = words.get(token)
    if found is not None:
        return found
    for variant in (_REPEAT3_RE.sub(r"\1\1", token), _REPEAT2_RE.sub(r"\1", token)):
        if variant in words:
            return words[variant]
    return None


def _shape_hints(token: str) -> dict[str, float]:
    """Weak evidence from word shape, used only for words no lexicon knows (misspellings, unlisted verbs)."""
    hints: dict[str, float] = {}
    deva = _is_deva_token(token)
    if deva and _AVAGRAHA in token:  # कऽ, लऽ: short words, so checked before the length limit
        hints["mai"] = 2.0
    if len(token) < 4:
        return hints
    rules = _DEVA_SUFFIXES if deva else _LATN_SUFFIXES
    for suffix, family, weight in rules:
        if token.endswith(suffix):
            hints[family] = max(hints.get(family, 0.0), weight)
    if deva:
        for family, weight in _deva_stem_hints(token):
            hints[family] = max(hints.get(family, 0.0), weight)
    else:
        for infix, family, weight in _LATN_INFIXES:
            if infix in token:
                hints[family] = max(hints.get(family, 0.0), weight)
    return hints


def _deva_stem_hints(token: str) -> list[tuple[str, float]]:
    """Bhojpuri/Maithili stems: bare consonant + ल (लिखल) or + ब (करब); consonant + इ (कइसे, पइसा)."""
    hints = []
    if token[-2] in _DEVA_CONSONANTS:
        if token[-1] == "ल":
            hints.append(("bho", 1.0))
        elif token[-1] == "ब":
            hints += [("bho", 1.0), ("mai", 1.0)]
    if "इ" in token[1:] and any(a in _DEVA_CONSONANTS and b == "इ" for a, b in pairwise(token)):
        hints.append(("bho", 1.5))
    return hints


def _token_scores(token: str) -> dict[str, float]:
    """Per-family weight of one token, looked up in the lists of the token's own script."""
    found = _lookup(token, _DEVA_WORDS if _is_deva_token(token) else _LATN_WORDS)
    return found if found is not None else _shape_hints(token)


def _family_scores(tokens: list[str]) -> dict[str, float]:
    """Sum of marker weights per family over words and two-word phrases."""
    totals = dict.fromkeys(_FAMILY_LEXICONS, 0.0)
    for token in tokens:
        for family, weight in _token_scores(token).items():
            totals[family] += weight
    for pair in pairwise(tokens):
        phrase = _PHRASES.get(pair)
        if phrase:
            totals[phrase[0]] += phrase[1]
    if len(tokens) > 1:
        totals["bho"] += _EDGE_QUESTION_WEIGHT * ((tokens[0] in _EDGE_QUESTION) + (tokens[-1] in _EDGE_QUESTION))
    return totals


def _margin(best: float, second: float) -> float:
    """How far the winner is ahead of the runner-up, relative to the winner (1 = unopposed)."""
    return (best - second) / best if best > 0 else 0.0


def _evidence(amount: float) -> float:
    """Saturating 0..1 amount of evidence: one word is little, a sentence is plenty."""
    return 1.0 - math.exp(-amount / _EVIDENCE_SCALE)


def _pick_indic(scores: Mapping[str, float]) -> tuple[str, float]:
    """Hindi, Bhojpuri or Maithili from distinctive words only, with the margin over the runner-up."""
    ranked = sorted(_INDIC_LANGUAGES, key=lambda lang: (-scores[lang], _INDIC_LANGUAGES.index(lang)))
    best, second = scores[ranked[0]], scores[ranked[1]]
    if best <= 0:
        return "hi", _UNSURE_WHICH_INDIC
    return ranked[0], _margin(best, second)


def _detect_devanagari(scores: dict[str, float]) -> Detection:
    """Devanagari is Hindi, Bhojpuri or Maithili; English words inside it do not matter (the writer reads Deva)."""
    scores = {**scores, "hi": scores["hi"] + _DEVA_PRIOR}
    language, margin = _pick_indic(scores)
    return Detection(language, "Deva", round(margin * _evidence(scores[language] + scores["indic"]), 3))


def _detect_latin(scores: dict[str, float]) -> Detection:
    """Latin text: first English vs an Indian language, then which Indian language."""
    indic = scores["indic"] + sum(scores[lang] for lang in _INDIC_LANGUAGES)
    english = scores["en"]
    if english <= 0 and indic <= 0:
        return Detection(None, "Latn", 0.0)
    if english > indic:
        return Detection("en", "Latn", round(_margin(english, indic) * _evidence(english), 3))
    language, margin = _pick_indic(scores)
    confidence = _margin(indic, english) * margin * _evidence(indic)
    return Detection("hi-Latn" if language == "hi" else language, "Latn", round(confidence, 3))


def _detect_arabic(tokens: list[str]) -> Detection:
    """Arabic script is Urdu: the only language of the helpline's families written in it. Confidence grows with the
    number of Arabic-script words (a Latin word or two inside, "school", "status", does not count)."""
    arabic = sum(1 for token in tokens if _is_arabic_letter(token[0]))
    return Detection("ur", "Arab", round(_evidence(_ARABIC_WORD_WEIGHT * arabic), 3))


def detect_language(text: str) -> Detection:
    """Detect the language and script of one user message.

    Text without letters ("1", "२", "👍", "...") and Latin text without any marker ("ok", "Jaipur") give
    language None. Bhojpuri and Maithili win only on their own distinctive words, because they share most
    vocabulary with Hindi; the same words decide between them (ties go to Hindi, then Bhojpuri).
    """
    script = _script_of(text or "")
    if script == "none":
        return Detection(None, "none", 0.0)
    tokens = _tokens(text)
    if script == "Arab":
        detection = _detect_arabic(tokens)
    else:
        scores = _family_scores(tokens)
        detection = _detect_devanagari(scores) if script == "Deva" else _detect_latin(scores)
    if tokens and all(t in _PHATIC for t in tokens) and detection.confidence > _PHATIC_CAP:
        return Detection(detection.language, detection.script, _PHATIC_CAP)
    return detection


def reply_language(detected: str | None, script: str | None = None) -> str | None:
    """The language we answer in for a detected language; None when nothing was detected (keep the current one).

    Answers come in the script the person writes: Bhojpuri and Maithili in Devanagari get their own language, in
    Latin letters Roman Hindi (LATIN_SCRIPT_REPLY), never English. Unknown codes give None.
    """
    if script == "Latn" and detected in LATIN_SCRIPT_REPLY:
        return LATIN_SCRIPT_REPLY[detected]
    return detected if detected in REPLY_LANGUAGES else None


# --------------------------------------------------------------------------------------------------------------
# Explicit requests ("Hindi mein baat karo") and the language menu
# --------------------------------------------------------------------------------------------------------------

_LANGUAGE_NAMES: dict[str, str] = {_normalise(w): kind for w, kind in lexicon.labels("language_names").items()}

# "in X", "X me/mein/में": the name is the language to talk in.
_PREPOSITIONS_BEFORE = lexicon.words("language_prepositions_before")
_POSTPOSITIONS_AFTER = _words("language_postpositions_after")
# Verbs/nouns that make a named language a request wherever they sit in a short message.
_REQUEST_WORDS = _words("language_request_words")
_SCRIPT_WORDS = _words("language_script_words")
# Hindi-order negation follows the name ("english nahi"); English-order negation precedes it ("not english").
_NEGATION_AFTER = _words("language_negation_after")
_NEGATION_BEFORE = lexicon.words("language_negation_before")
# Short messages made only of a name plus these are requests too ("English!", "hindi ji", "ok hindi").
_FILLERS = _words("language_request_fillers")
_MAX_FILLER_TOKENS = 3
# "in Hindi" needs no verb in a short message; in a long one it is probably about something else.
_MAX_MARKED_TOKENS = 6
_REQUEST_WINDOW = 3
# Schooling and knowledge talk: "beta english medium me padhta hai", "english me fail ho gaya".
_MENTION_WORDS = _words("language_mention_words")


def _named_languages(tokens: list[str]) -> list[tuple[int, str]]:
    """(position, name kind) for every language name in the message."""
    return [(i, _LANGUAGE_NAMES[t]) for i, t in enumerate(tokens) if t in _LANGUAGE_NAMES]


def _is_negated(tokens: list[str], i: int) -> bool:
    """"english nahi aati" / "english me mat" / "not (in) english": the name is what the person does NOT want."""
    after = tokens[i + 1:i + 3]
    before = tokens[max(0, i - 2):i]
    if before and before[-1] in _PREPOSITIONS_BEFORE:
        before = before[:-1]
    return any(t in _NEGATION_AFTER for t in after) or (bool(before) and before[-1] in _NEGATION_BEFORE)


def _is_marked(tokens: list[str], i: int) -> bool:
    """The name carries a "talk in this language" marker right next to it ("in English", "हिंदी में")."""
    prev = tokens[i - 1] if i > 0 else ""
    nxt = tokens[i + 1:i + 3]
    return prev in _PREPOSITIONS_BEFORE or (bool(nxt) and nxt[0] in _POSTPOSITIONS_AFTER) or (
        len(nxt) == 2 and nxt[0] in _LANGUAGE_NAMES and nxt[1] in _POSTPOSITIONS_AFTER)


def _is_request(tokens: list[str], names: list[tuple[int, str]]) -> bool:
    """A language name counts only in a request, so "mera beta english medium school me hai" is not a switch.

    Requests are short ("English please", "हिंदी में"), or have a request word near the name ("Hindi mein baat
    karo"). Talk about schooling ("english me kamzor hai") is a mention unless a request word is also present.
    """
    has_request_word = any(t in _REQUEST_WORDS for t in tokens)
    if not has_request_word and any(t in _MENTION_WORDS for t in tokens):
        return False
    for i, _ in names:
        window = tokens[max(0, i - _REQUEST_WINDOW):i + _REQUEST_WINDOW + 1]
        if any(t in _REQUEST_WORDS for t in window):
            return True
    if any(_is_marked(tokens, i) for i, _ in names) and len(tokens) <= _MAX_MARKED_TOKENS:
        return True
    others = [t for t in tokens if t not in _LANGUAGE_NAMES and t not in _SCRIPT_WORDS]
    return len(others) <= _MAX_FILLER_TOKENS and all(t in _FILLERS for t in others)


def _wants_roman_hindi(tokens: list[str], kinds: set[str]) -> bool:
    """Roman Hindi: "roman hindi", "hinglish", or Hindi in English letters ("english letters me hindi")."""
    if "roman" in kinds:
        return True
    return {"hi", "en"} <= kinds and any(t in _SCRIPT_WORDS for t in tokens)


def _resolve(kind: str) -> str:
    """Name kind -> reply language ("deva" is the Devanagari script: Hindi)."""
    return {"deva": "hi", "roman": "hi-Latn"}.get(kind, kind)


def requested_language(text: str) -> str | None:
    """The reply language the person explicitly asks for ("Hindi mein baat karo", "in English please",
    "भोजपुरी में", "roman hindi"), or None when the message names no language or only mentions one in passing.

    This runs on every message and an answer locks the reply language, so it is deliberately conservative.
    """
    tokens = _tokens(text or "")
    names = _named_languages(tokens)
    if not names or not _is_request(tokens, names):
        return None
    wanted = [(i, kind) for i, kind in names if not _is_negated(tokens, i)]
    if not wanted:
        return None
    kinds = {kind for _, kind in wanted}
    if _wants_roman_hindi(tokens, kinds):
        return "hi-Latn"
    if len(kinds) > 1:  # "bhojpuri devanagari me": the language decides, the script word only confirms it
        wanted = [(i, kind) for i, kind in wanted if kind != "deva"]
    marked = [kind for i, kind in wanted if _is_marked(tokens, i)]
    return _resolve((marked or [kind for _, kind in wanted])[-1])


_MENU_FILLERS = _words("language_menu_fillers")
# The menu number words (0-6); numbers outside 1-4 are rejected like any other number.
_MENU_NUMBER_WORDS = lexicon.number_words("menu_options")


def _menu_number(token: str) -> int | None:
    """A single digit in any script ("2", "२") or a number word ("do", "दो")."""
    if len(token) == 1 and token.isdecimal():
        return unicodedata.decimal(token)
    return _MENU_NUMBER_WORDS.get(token)


def language_from_menu_choice(text: str) -> str | None:
    """The language picked from the menu "1 English, 2 हिंदी, 3 Hindi (Roman), 4 भोजपुरी, 5 मैथिली, 6 اردو", or None.

    Accepts "2", "२", " 2. ", "option 2", "नंबर 2", "do", and the number followed by its own label ("4 भोजपुरी").
    Anything else (a sentence, "12", "5") is not a menu choice.
    """
    tokens = [t for t in menu_words(text) if t not in _MENU_FILLERS]
    if not tokens:
        return None
    number = _menu_number(tokens[0])
    if number is None or not 1 <= number <= len(LANGUAGE_MENU):
        return None
    choice = LANGUAGE_MENU[number - 1]
    if len(tokens) > 1 and _label_language(tokens[1:]) != choice:
        return None
    return choice


def _label_language(tokens: list[str]) -> str | None:
    """Which menu label the words after the number repeat ("हिंदी", "Hindi (Roman)", "english")."""
    kinds = {_LANGUAGE_NAMES.get(t) for t in tokens}
    if None in kinds or not kinds:
        return None
    if "roman" in kinds:
        return "hi-Latn"
    return _resolve(str(kinds.pop())) if len(kinds) == 1 else None
