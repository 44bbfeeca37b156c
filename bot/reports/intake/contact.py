"""The answer to "may we share your number with an NGO?": share, call back only, or anonymous."""

from __future__ import annotations

from bot.reports.intake import vocab as V
from bot.reports.intake.model import CONTACT_CHOICES
from bot.reports.intake.tokens import _find_phrases, _Token


def _read_contact(tokens: list[_Token]) -> str | None:
    tokens = [t for t in tokens if t.key not in V.CORRECTION_CUES] or tokens  # "sorry, 2"
    keys = [t.key for t in tokens]
    numbers = [t.number for t in tokens if t.number is not None]
    others = [t for t in tokens if t.number is None and t.key not in V.CONTACT_NUMBER_FILLERS]
    if len(numbers) == 1 and not others:
        return CONTACT_CHOICES.get(numbers[0])
    if len(numbers) == 1 and tokens[0].number is not None and (tokens[0].breaks or tokens[0].comma):
        return CONTACT_CHOICES.get(numbers[0])  # "2, sirf aap"
    words = set(keys)
    negated = bool(words & V.NEG)
    if words & V.ANON_WORDS or (words & V.NAME_WORDS and negated):
        return "anonymous"
    if words & (V.ONLY_WORDS | V.HELPLINE_WORDS):
        return "callback"
    if _find_phrases(keys, V.ONLY_YOU):
        return "callback"
    if negated and words & V.SHARE_OBJECTS:
        return "callback"  # "number mat do", "NGO ko mat dena", "don't share"
    if negated and words & (V.CALL_WORDS | V.WANT_WORDS):
        return "anonymous"  # "call mat karo", "no I don't want"
    if words & V.YES_WORDS or _find_phrases(keys, V.YES_PHRASES):
        return "share"
    if words & V.NEG and all(k in V.NEG or k in V.FILLERS for k in keys):
        return "anonymous"  # a bare "nahi" / "ना" / "नै"
    return None
