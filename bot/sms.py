"""SMS arithmetic: which encoding a text needs and how many segments it costs.

Families pay per segment and cheap phones reassemble long messages badly, so every reply is kept within two segments
(checked by tests/test_responses.py). A single Devanagari letter switches the whole message from GSM-7 (160 characters,
153 per part when split) to UCS-2 (70, 67 per part).
"""

from __future__ import annotations

import math

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")  # each costs two septets (escape + char)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def encoding(text: str) -> str:
    """'GSM-7' when every character is in the GSM 03.38 alphabet, else 'UCS-2'."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def units(text: str) -> int:
    """Length in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
    return len(text.encode("utf-16-le")) // 2


def segments(text: str) -> int:
    """Number of SMS segments the text is sent as."""
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    n = units(text)
    return 1 if n <= single else math.ceil(n / multi)


def split_for_sms(text: str, max_segments: int = 2) -> list[str]:
    """Split a long text on word boundaries into numbered parts ("(1/2) ...") of at most `max_segments` segments each.

    Splitting at spaces never cuts a Devanagari cluster (a consonant with its vowel signs stays in one word).
    """
    if segments(text) <= max_segments:
        return [text]
    words = text.split(" ")
    # Leave room for the "(n/m) " prefix, at most 8 characters.
    parts: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if segments("(9/9) " + candidate) <= max_segments:
            current = candidate
            continue
        if current:
            parts.append(current)
        current = word
    if current:
        parts.append(current)
    total = len(parts)
    return [f"({i}/{total}) {part}" for i, part in enumerate(parts, start=1)]
