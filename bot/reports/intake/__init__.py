"""Reading the details of a report (recruitment tip-off, missing child, emergency) out of one free-text message.

The report form asks for one field at a time, but people answer several at once ("Gaya ke Rampur gaon se 3 bachche,
12-14 saal, kal Jaipur le ja rahe hain train 12394 se"), say they do not know ("pata nahi", "नै जानै छी"), want to
stop ("rehne do", "रुको") or correct an earlier answer ("galat, district Nawada hai"). `read_intake` returns what one
message says, given the field the assistant asked for last:

- the asked free-text field (place, what, transport, agent, children) is the whole message, whitespace-collapsed;
- from every message it also picks up what is unambiguous: a Bihar district where it happens, a destination (a place
  outside Bihar, or any place after "le ja rahe"/"to"/"भेज"), children counts and ages, train numbers and vehicles,
  and an agent's mobile number (only next to agent words, or when the agent was asked).

Everything is conservative: a district only comes from the gazetteer, a phone number only from ten digits that look
like an Indian mobile, and a number is never read as a district. Pure functions: no I/O, nothing stored or logged.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from bot.reports.intake import vocab as V
from bot.reports.intake.agent import _agent_phone, _phone_spans
from bot.reports.intake.children import _read_children
from bot.reports.intake.contact import _read_contact
from bot.reports.intake.control import (
    _dont_know,
    _field_nouns,
    _is_correction,
    _stop,
    _strip_lead,
    is_dont_know,
    is_stop,
)
from bot.reports.intake.model import (
    CONTACT_CHOICES,
    DESCRIPTION_MIN_CONTENT,
    DESCRIPTION_MIN_TOKENS,
    FIELDS,
    FREE_TEXT_FIELDS,
    KINDS,
    MAX_ANSWER_CHARS,
    UNKNOWN,
    Children,
    Intake,
)
from bot.reports.intake.places import _find_places, _read_destination, _read_district
from bot.reports.intake.tokens import _collapse, _Token, _tokenise
from bot.reports.intake.transport import _read_transport

__all__ = ["CONTACT_CHOICES", "FIELDS", "FREE_TEXT_FIELDS", "KINDS", "MAX_ANSWER_CHARS", "UNKNOWN", "Children",
           "Intake",
           "is_dont_know", "is_stop", "read_intake"]


def _is_description(tokens: list[_Token]) -> bool:
    if len(tokens) < DESCRIPTION_MIN_TOKENS:
        return False
    content = [t for t in tokens if t.key not in V.REQUEST_WORDS]
    return len(content) >= DESCRIPTION_MIN_CONTENT


def _answer_free_text(out: dict[str, Any], text: str, answer: str, tokens: list[_Token], asked: str, correction: bool):
    """The asked free-text field takes the whole message; a correction of another field does not answer it."""
    target = "children_text" if asked == "children" else asked
    if not correction:
        out[target] = answer
        return
    value = _strip_lead(text, tokens)
    found = {name for name in ("district", "destination", "children") if name in out}
    if "train_number" in out:
        found.add("transport")
    if "agent_phone" in out:
        found.add("agent")
    nouns = _field_nouns(tokens)
    if asked in found | nouns or not (found | nouns):
        out[target] = value  # "sorry, 4 bachche" after "how many children?", "nahi, kal nahi parso"
        return
    others = (nouns - found) & {"place", "children", "transport", "agent"}
    if len(others) == 1 and not found:  # "galat, gaon Sonpur hai" while the agent was asked
        other = others.pop()
        out["children_text" if other == "children" else other] = value


def read_intake(text: str, asked: str | None, kind: str) -> Intake:
    """What one message says about a report.

    `asked` is the field the assistant asked for last (None for the message that started the report); `kind` is
    "recruitment" | "missing" | "emergency" (all three are read the same way; the form decides what it needs).
    """
    if asked is not None and asked not in FIELDS:
        raise ValueError(f"unknown report field {asked!r}")
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    text = unicodedata.normalize("NFC", text or "")
    answer = _collapse(text)
    if not answer:
        return Intake(unreadable=asked is not None)
    phones = _phone_spans(text)
    tokens = _tokenise(text, [(a, b) for a, b, _ in phones])
    keys = [t.key for t in tokens]
    if asked == "contact":
        # Before the stop check: "no, I don't want" answers the call-back question, it does not drop the report.
        contact = _read_contact(tokens)
        if contact is None and _stop(keys):
            return Intake(stop=True)
        correction = contact is not None and any(t.key in V.CORRECTION_CUES for t in tokens)
        return Intake(contact=contact, unreadable=contact is None, correction=correction)
    if _stop(keys):
        return Intake(stop=True)
    if _dont_know(text, keys):
        if asked == "children":
            return Intake(children_text=UNKNOWN)
        return Intake(**{asked: UNKNOWN}) if asked else Intake()  # type: ignore[arg-type]  # asked names a text field

    out: dict[str, Any] = {}
    places = _find_places(text, tokens, asked in ("district", "place", "destination"), asked)
    live = [p for p in places if not p.negated]
    _read_district(out, text, tokens, live, asked)
    _read_destination(out, answer, live, asked)
    children = _read_children(tokens, asked)
    if children is not None:
        out["children"] = children
    _read_transport(out, tokens, asked)
    phone = _agent_phone(tokens, phones, asked)
    if phone:
        out["agent_phone"] = phone

    correction = _is_correction(tokens, places, asked)
    unreadable = False
    if asked is None:
        if _is_description(tokens):
            out["what"] = answer
    elif asked == "district":
        unreadable = "district" not in out
    elif asked != "destination":
        _answer_free_text(out, text, answer, tokens, asked, correction)
    return Intake(**out, correction=correction, unreadable=unreadable)
