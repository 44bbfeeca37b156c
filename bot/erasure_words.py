"""Reading "delete my data" and the answer to "delete everything? 1 / 2" (lexicon: bot/data/lexicon/erasure.yml).

A deterministic reader, not an NLU intent: erasure is never guessed. A request is a short message with a deleting
verb and something of the person's to delete ("delete my data", "mera data mita do", "मेरी जानकारी मिटा दो",
"हमार डेटा हटा दीं"); nothing is erased before the person confirms with 1 or yes.
"""

from __future__ import annotations

from bot.text import lexicon
from bot.text.tokens import words

MAX_WORDS = 10  # "please delete all my data from your records" fits; a report that mentions deleting does not


def looks_like_erasure_request(text: str) -> bool:
    """A short request to delete the person's own data."""
    tokens = words(text)
    return (0 < len(tokens) <= MAX_WORDS and any(t in lexicon.words("erasure_verbs") for t in tokens)
            and any(t in lexicon.words("erasure_objects") for t in tokens))


def confirmation(text: str) -> bool | None:
    """True for 1 / yes, False for 2 / no, None for anything else (the request lapses and the message is read as
    usual)."""
    tokens = words(text)
    if len(tokens) != 1 and not (0 < len(tokens) <= 3 and tokens[0] in ("1", "2")):
        return None
    first = tokens[0] if tokens else ""
    if first == "1" or first in lexicon.words("checkin_yes"):
        return True
    if first == "2" or first in lexicon.words("checkin_no"):
        return False
    return None
