"""Checks every channel applies to incoming text before it reaches the dialogue.

Why: Rasa treats a message that starts with "/" as a ready-made intent with entities ("/report_emergency{...}"), so a
user could pick an intent or set a slot by typing it (Rasa strips whitespace first, then looks for the "/"). Here the
text stays text: the whole leading run of slashes, slash look-alikes, whitespace and invisible characters is removed,
however they are mixed ("/ /x", "/\t/restart", "\u00a0\uff0f/x" all become "x"; Telegram's "/start" becomes "start"),
control characters are dropped, and empty, binary or oversized input is refused with a reason the channel turns into
a clear 4xx answer. `reaches_rasa_as_text` states the guarantee in Rasa's own terms; the tests check it with Rasa's
own parser.
"""

from __future__ import annotations

import unicodedata

DEFAULT_MAX_CHARS = 4000
# Characters that read as a slash. NFKC folds the fullwidth and small forms to "/" (checked below); these do not fold.
SLASH_LOOKALIKES = frozenset("/\\\u2044\u2215\u29f8\u29f5\u2571\u27cb\u3033\u30ce\u2cc6\u1735\u0338\u0337")


class InboundTextError(ValueError):
    """The message cannot be passed to the dialogue; `reason` is a short machine-readable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def clean_text(raw: object, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The user's text, safe to hand to Rasa, or InboundTextError."""
    if raw is None:
        raise InboundTextError("missing", "the message has no text")
    if not isinstance(raw, str):
        raise InboundTextError("malformed", "the message text must be a string")
    if len(raw) > max_chars:
        raise InboundTextError("too_long", f"the message is longer than {max_chars} characters")
    if "\x00" in raw:
        raise InboundTextError("binary", "the message contains binary data")
    text = unicodedata.normalize("NFC", raw)
    # Drop control and format characters except line breaks and tabs (ZWJ/ZWNJ matter in Devanagari: keep them).
    text = "".join(
        ch
        for ch in text
        if ch in "\n\t\u200c\u200d" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    text = _without_leading_slashes(text)
    if not text:
        raise InboundTextError("empty", "the message is empty")
    return text


def _is_leading_noise(ch: str) -> bool:
    """A character that may not stand before the text proper: whitespace, a slash or a look-alike, or an invisible
    format character (zero-width joiners included: at the start of a message they join nothing)."""
    return (
        ch.isspace()
        or ch in SLASH_LOOKALIKES
        or unicodedata.normalize("NFKC", ch) in ("/", "\\")
        or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me")
    )


def _without_leading_slashes(text: str) -> str:
    """The text after its whole leading run of noise, and without trailing whitespace."""
    start = 0
    while start < len(text) and _is_leading_noise(text[start]):
        start += 1
    return text[start:].rstrip()


def reaches_rasa_as_text(text: str) -> bool:
    """True when Rasa will treat `text` as words to understand, never as "/intent{entities}" (Rasa strips the text
    with str.strip and then checks for its intent prefix)."""
    return not text.strip().startswith("/")


def clean_sender(raw: object, max_chars: int = 128) -> str:
    """A conversation id from a client: a non-empty printable string of bounded length."""
    if not isinstance(raw, str) or not raw.strip():
        raise InboundTextError("missing_sender", "the message has no sender")
    sender = raw.strip()
    if len(sender) > max_chars or not sender.isprintable():
        raise InboundTextError("bad_sender", "the sender id is not valid")
    return sender
