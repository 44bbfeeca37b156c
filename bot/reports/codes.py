"""Reference codes for reports: 7 digits, easy to type on a phone keypad and to read out on a call.

Six random digits and a Damm check digit: every single-digit typo and every swap of two neighbouring digits makes an
invalid code, so "status 4829371" for 4829317 says "no such report" instead of showing someone else's report.
"""

from __future__ import annotations

import re
import secrets

from bot.text.normalise import ascii_digits

# Damm's quasigroup of order 10 (weakly totally anti-symmetric).
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
CODE_LENGTH = 7
# Seven digits, possibly written "482 9317" or "482-9317", not part of a longer number (a phone number).
_CODE_IN_TEXT = re.compile(r"(?<![\d+])(\d{3})[\s-]?(\d{4})(?!\d)")


def _check_digit(digits: str) -> int:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return interim


def new_code() -> str:
    """A fresh random code (uniqueness is the store's job: it retries on a collision)."""
    body = f"{secrets.randbelow(10**6):06d}"
    return body + str(_check_digit(body))


def is_valid(code: str) -> bool:
    return len(code) == CODE_LENGTH and code.isdigit() and _check_digit(code) == 0


def find_code(text: str) -> str | None:
    """The first valid code written in a message ("status 4829317", "STATUS ४८२९३१७", "ok 482 9317")."""
    for match in _CODE_IN_TEXT.finditer(ascii_digits(text)):
        code = match.group(1) + match.group(2)
        if is_valid(code):
            return code
    return None


def find_any_code(text: str) -> str | None:
    """The first seven-digit number in a message, valid or not (to say "no report with number X")."""
    match = _CODE_IN_TEXT.search(ascii_digits(text))
    return match.group(1) + match.group(2) if match else None
