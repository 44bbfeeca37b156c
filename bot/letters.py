"""The admission request a family can show at a school, filled with the child's details.

The family sends one message ("Ramu, 12, Primary School Rampur"); we read name, age and school from it and fill the
letter kept in facts.yml (entry `school_letter`, English and Hindi), so the legal wording stays in the reviewed file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.facts import fact
from bot.replies import OFFICE_LANGUAGES
from bot.sms import split_for_sms
from bot.text.normalise import ascii_digits

_AGE = re.compile(r"(?<!\d)(\d{1,2})(?!\d)")
_SEPARATORS = re.compile(r"\s*[,;\n।\u060c\u061b]+\s*")  # also Urdu's comma and semicolon (، ؛)


@dataclass(frozen=True)
class LetterDetails:
    name: str
    age: str
    school: str


def parse_details(text: str) -> LetterDetails | None:
    """Name, age and school from one message, or None when they cannot all be found.

    Accepts "Ramu, 12, Primary School Rampur", "रामू, 12 साल, प्राथमिक विद्यालय रामपुर" and the age anywhere.
    """
    parts = [p.strip() for p in _SEPARATORS.split(ascii_digits(text)) if p.strip()]
    age_index = next((i for i, p in enumerate(parts) if _AGE.search(p)), None)
    if age_index is None or len(parts) < 3:
        return None
    age_match = _AGE.search(parts[age_index])
    assert age_match is not None  # found above
    age_value = int(age_match.group(1))
    if not 3 <= age_value <= 18:
        return None
    rest = [p for i, p in enumerate(parts) if i != age_index]
    name, school = rest[0], ", ".join(rest[1:])
    if not name or not school or len(name) > 60 or len(school) > 120:
        return None
    return LetterDetails(name=name, age=str(age_value), school=school)


def letter_messages(details: LetterDetails) -> list[str]:
    """The letter in English and Hindi, each split into numbered SMS-sized parts."""
    letter = fact("school_letter")
    messages: list[str] = []
    for language in OFFICE_LANGUAGES:
        filled = letter.render(language, name=details.name, age=details.age, school=details.school)
        messages += split_for_sms(filled)
    return messages
