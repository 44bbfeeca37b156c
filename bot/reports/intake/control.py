"""Messages about the form itself: "I don't know" / skip, stop the report, and corrections of an earlier answer."""

from __future__ import annotations

import re

from bot.reports.intake import vocab as V
from bot.reports.intake.places import _Place
from bot.reports.intake.tokens import _collapse, _find_phrases, _keys_of, _next, _only, _Token

_PLACEHOLDER = re.compile(r"^[\s\-_.?!…/\\x×]*$")  # "-", "--", "?", "...", "x"
MAX_STOP_TOKENS = 8  # a stop is short; longer messages say something
MAX_DONT_KNOW_TOKENS = 10


def _dont_know(text: str, keys: list[str]) -> bool:
    if text.strip() and _PLACEHOLDER.match(text):
        return True
    if not keys or len(keys) > MAX_DONT_KNOW_TOKENS or any(k.isdigit() for k in keys):
        return False
    if all(k in V.BARE_NO or k in V.FILLERS for k in keys) and any(k in V.BARE_NO for k in keys):
        return True
    if _only(keys, V.DONT_KNOW, V.DONT_KNOW_ALLOWED):
        return True
    # "dalal ka naam nahi bataunga": a refusal naming a detail skips that detail.
    return _only(keys, V.REFUSE, V.DONT_KNOW_ALLOWED) and any(k in V.FIELD_ONLY_NOUNS for k in keys)


def _stop(keys: list[str]) -> bool:
    if not keys or len(keys) > MAX_STOP_TOKENS or any(k.isdigit() for k in keys):
        return False
    if _only(keys, V.REFUSE, V.STOP_FILLERS) and not any(k in V.FIELD_ONLY_NOUNS for k in keys):
        return True
    return _only(keys, V.STOP, V.STOP_FILLERS)


def is_dont_know(text: str) -> bool:
    """True if the message only says "I don't know" / "skip" ("pata nahi", "नै जानै छी", "dalal ka naam nahi pata")."""
    return _dont_know(text or "", _keys_of(text or ""))


def is_stop(text: str) -> bool:
    """True if the person wants to stop the report ("stop", "rehne do", "रुको", "chhodo", "nahi batana").

    Only a message that is nothing but a stop phrase (and polite words) counts: "train roko" and "roko unko" are
    emergencies, "bachchon ko band kar diya" is not "band karo".
    """
    return _stop(_keys_of(text or ""))


def _is_correction(tokens: list[_Token], places: list[_Place], asked: str | None) -> bool:
    if asked is None or not tokens:
        return False
    keys = [t.key for t in tokens]
    if any(k in V.CORRECTION_CUES for k in keys) or _find_phrases(keys, V.CORRECTION_PHRASES):
        return True
    if keys[0] in V.RIGHT and len(keys) > 2 and keys[1] in (V.DISTRICT_NOUNS | V.PLACE_NOUNS | V.CHILD_NOUNS):
        return True  # "sahi jila Nawada hai"
    if any(p.negated for p in places):
        return True  # "Nawada hai, Gaya nahi"
    if any(t.number is not None and _next(tokens, i + 1) in V.NEG_AFTER_VALUE for i, t in enumerate(tokens)):
        return asked != "contact"  # "3 nahi 4 bachche"
    if asked != "contact" and keys[0] in V.NEG and len(keys) > 1:
        # "no, Patna" / "nahi 4 bachche": a leading no followed by a value.
        second = tokens[1]
        return tokens[0].comma or tokens[0].breaks or second.number is not None or any(p.first == 1 for p in places)
    return False


def _strip_lead(text: str, tokens: list[_Token]) -> str:
    """The answer without a leading "galat,"/"sorry"/"no," (for corrected free-text answers)."""
    i = 0
    while i < len(tokens) - 1 and tokens[i].key in V.LEAD_SKIP:
        i += 1
    return _collapse(text[tokens[i].start :]) if i else _collapse(text)


def _field_nouns(tokens: list[_Token]) -> set[str]:
    fields = set()
    for tok in tokens:
        if tok.key in V.DISTRICT_NOUNS:
            fields.add("district")
        elif tok.key in V.PLACE_NOUNS:
            fields.add("place")
        elif tok.key in V.CHILD_NOUNS or tok.key in V.AGE_CUES:
            fields.add("children")
        elif tok.key in V.TRANSPORT:
            fields.add("transport")
        elif tok.key in V.AGENT_CUES:
            fields.add("agent")
    return fields
