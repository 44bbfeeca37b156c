"""The agent's mobile number: ten digits that look like an Indian mobile, next to agent words or when asked."""

from __future__ import annotations

import re

from bot.reports.intake import vocab as V
from bot.reports.intake.tokens import _Token
from bot.text.normalise import ascii_digits

_PHONE_RE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s?91[\s-]?|91[\s-]?|0)?([6-9](?:[ .-]?\d){9})(?!\d)")


def _phone_spans(text: str) -> list[tuple[int, int, str]]:
    if sum(ch.isdigit() for ch in text) < 10:
        return []
    digits = ascii_digits(text)
    out = []
    for m in _PHONE_RE.finditer(digits):
        number = re.sub(r"\D", "", m.group(1))
        out.append((m.start(), m.end(), "+91" + number))
    return out


def _agent_phone(tokens: list[_Token], phones: list[tuple[int, int, str]], asked: str | None) -> str | None:
    has_agent_word = any(t.key in V.AGENT_CUES for t in tokens)
    for start, end, number in phones:
        first = next((i for i, t in enumerate(tokens) if t.start >= start), len(tokens))
        last = next((i for i, t in enumerate(tokens) if t.start >= end), len(tokens))
        owner = None
        # The nearest owner word before the number wins: "dalal ka nahi pata, mera number 98..." is the reporter's.
        for i in range(first - 1, max(first - 7, -1), -1):
            tok = tokens[i]
            if tok.breaks:
                break  # "dalal aaya tha. 98765 43210 pe call karo" is not the dalal's number
            this_number = tok.key in V.THIS and i + 1 < len(tokens) and tokens[i + 1].key in V.NUMBER_NOUNS
            call_me = tok.key == "me" and i > 0 and tokens[i - 1].key in V.CALL_WORDS  # Hindi "me" is "in"
            if tok.key in V.REPORTER_CUES or this_number or call_me:
                owner = "reporter"
                break
            if tok.key in V.AGENT_CUES or (tok.key in V.HIS and (has_agent_word or asked == "agent")):
                owner = "agent"
                break
        if owner is None:  # "98765 43210 dalal ka number hai"
            for i in range(last, min(last + 3, len(tokens))):
                if tokens[i - 1].breaks:
                    break
                if tokens[i].key in V.REPORTER_CUES:
                    owner = "reporter"
                    break
                if tokens[i].key in V.AGENT_CUES:
                    owner = "agent"
                    break
        if owner == "agent" or (owner is None and asked == "agent"):
            return number
    return None
