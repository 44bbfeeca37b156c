"""Checks every channel applies to incoming text before it reaches the dialogue.

Why: Rasa treats a message that starts with "/" as a ready-made intent with entities ("/report_emergency{...}"), so a
user could pick an intent or set a slot by typing it. Here the text stays text: leading slashes are removed (Telegram's
"/start" becomes "start"), control characters are dropped, and empty, binary or oversized input is refused with a
reason the channel turns into a clear 4xx answer.
"""

from __future__ import annotations

import unicodedata

DEFAULT_MAX_CHARS = 4000


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
    text = text.strip().lstrip("/").strip()
    if not text:
        raise InboundTextError("empty", "the message is empty")
    return text


def clean_sender(raw: object, max_chars: int = 128) -> str:
    """A conversation id from a client: a non-empty printable string of bounded length."""
    if not isinstance(raw, str) or not raw.strip():
        raise InboundTextError("missing_sender", "the message has no sender")
    sender = raw.strip()
    if len(sender) > max_chars or not sender.isprintable():
        raise InboundTextError("bad_sender", "the sender id is not valid")
    return sender
