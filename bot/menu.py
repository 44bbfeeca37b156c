"""What a short reply means, given the question the assistant asked last.

On SMS people answer menus with a digit ("1"), a Devanagari digit ("१"), a number word ("do", "दो") or "haan"/"nahi".
The same "1" means "money owed" after the main menu, "English" after the language menu and "yes" after the call-back
question. The dialogue rules key on the meaning this module returns (slot `menu_choice`), so a user's text is only
ever read, never executed: nothing here can choose an intent or set an arbitrary slot.
"""

from __future__ import annotations

import re
import unicodedata

from bot.language import language_from_menu_choice, requested_language

# The main menu, as shown by `utter_menu`. 0 always brings the menu back.
MAIN_MENU: dict[int, str] = {
    0: "menu",
    1: "compensation",
    2: "school",
    3: "report",
    4: "case",
    5: "human",
    6: "language",
}

LANGUAGE_PROMPT = "utter_ask_language"
CONSENT_PROMPT = "utter_ask_callback_consent"

_NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "shunya": 0, "शून्य": 0,
    "one": 1, "ek": 1, "एक": 1,
    "two": 2, "do": 2, "दो": 2,
    "three": 3, "teen": 3, "tin": 3, "तीन": 3,
    "four": 4, "char": 4, "chaar": 4, "चार": 4,
    "five": 5, "panch": 5, "paanch": 5, "पांच": 5, "पाँच": 5,
    "six": 6, "chhe": 6, "chhah": 6, "chah": 6, "छह": 6, "छः": 6, "छौ": 6,
}
_FILLER = {"option", "opt", "no", "number", "num", "nambar", "nomber", "नंबर", "नम्बर", "न", "reply", "press"}
# Split on spaces and punctuation only: \w would cut Devanagari words at their vowel signs.
_SEPARATORS = re.compile(r"[\s.,:;!?()\[\]\-_/#*'\"।]+")


def parse_option_number(text: str) -> int | None:
    """The menu number in a reply that is only a number ("2", " ५.", "option 3", "नंबर दो"), else None.

    Anything longer than a number with a filler word is a sentence, not a menu choice.
    """
    normalised = unicodedata.normalize("NFC", text or "").strip().lower()
    tokens = [t for t in _SEPARATORS.split(normalised) if t and t not in _FILLER]
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if len(token) == 1 and token.isdecimal():
        return unicodedata.decimal(token)
    return _NUMBER_WORDS.get(token)


def interpret_reply(text: str, intent: str | None, last_prompt: str | None) -> str | None:
    """The meaning of this message as a reply to the last question, or None when it is not a reply to one.

    Returns one of the `menu_choice` slot values in domain.yml.
    """
    number = parse_option_number(text)
    if intent == "report_emergency":
        return None
    if last_prompt == LANGUAGE_PROMPT:
        if language_from_menu_choice(text) or requested_language(text):
            return "language_set"
        return "invalid_language" if number is not None else None
    if intent == "change_language":
        return "language_set" if requested_language(text) else "language"
    if last_prompt == CONSENT_PROMPT:
        if intent == "affirm" or number == 1:
            return "consent_yes"
        if intent == "deny" or number == 2:
            return "consent_no"
        return "invalid_consent" if number is not None else None
    if intent == "choose_option":
        if number is None:
            return "invalid"
        return MAIN_MENU.get(number, "invalid")
    return None
