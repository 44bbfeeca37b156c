"""What a short reply means, given the question the assistant asked last.

On SMS people answer menus with a digit ("1"), a Devanagari digit ("१"), a number word ("do", "दो"), "haan"/"nahi",
an age ("12 saal") or a place ("Jaipur"). The same "1" means "money owed" after the main menu, "English" after the
language menu, "yes" after the call-back question and "outside Bihar" after "where was the child found working?".
The dialogue rules key on the meaning this module returns (slot `menu_choice`, plus the answer's own slot), so a
user's text is only ever read, never executed: nothing here can choose an intent or set an arbitrary slot.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.gazetteer import load_gazetteer
from bot.language import language_from_menu_choice, requested_language
from bot.letters import parse_details
from bot.text import lexicon
from bot.text.normalise import ascii_digits
from bot.text.tokens import words as _tokens

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
LETTER_PROMPTS = {"utter_ask_letter_details", "utter_letter_not_understood"}

# "Reply N for more" prompts after an answer; numbers not listed here keep their main-menu meaning.
FOLLOW_UP_MENUS: dict[str, dict[int, str]] = {
    "utter_compensation_more": {1: "comp_papers", 2: "comp_where", 3: "comp_status", 4: "comp_other"},
    "utter_school_more": {1: "school_refused", 2: "school_letter", 3: "school_over14"},
    "utter_case_more": {1: "case_rights", 2: "case_followup"},
}

# Quick questions that tailor an answer: prompt -> (slot, menu choice when answered, numbered options).
QUICK_QUESTIONS: dict[str, tuple[str, str, dict[int, str]]] = {
    "utter_ask_rescue_place": ("rescue_place", "place_answered", {1: "outside_bihar", 2: "in_bihar", 3: "no_rescue"}),
    "utter_ask_child_age": ("child_age", "age_answered", {1: "under_14", 2: "14_17", 3: "18_plus"}),
}

# Intents that mean "this is (probably) an answer to your question", as opposed to a new request.
ANSWER_LIKE_INTENTS = {"choose_option", "inform", "affirm", "deny", "nlu_fallback", "out_of_scope"}

_NUMBER_WORDS = lexicon.number_words("menu_options")
_FILLER = lexicon.words("menu_fillers")
_AGE_NUMBER = re.compile(r"(?<!\d)(\d{1,2})(?!\d)")
_OUTSIDE_WORDS = lexicon.words("menu_outside_bihar")
_BIHAR_WORDS = lexicon.words("menu_in_bihar")


@dataclass(frozen=True)
class Reading:
    """The meaning of one message as a reply: `menu_choice` and any slot the answer fills."""

    menu_choice: str | None = None
    slots: dict[str, str | None] = field(default_factory=dict)


def parse_option_number(text: str) -> int | None:
    """The menu number in a reply that is only a number ("2", " ५.", "option 3", "नंबर दो"), else None.

    Anything longer than a number with a filler word is a sentence, not a menu choice.
    """
    tokens = [t for t in _tokens(text) if t not in _FILLER]
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if len(token) == 1 and token.isdecimal():
        return unicodedata.decimal(token)
    return _NUMBER_WORDS.get(token)


def read_age_group(text: str) -> str | None:
    """'under_14' / '14_17' / '18_plus' from a written age ("12", "12 saal", "वो 15 का है"); None if no age."""
    digits = ascii_digits(text)
    match = _AGE_NUMBER.search(digits)
    if not match:
        return None
    age = int(match.group(1))
    if age < 4 or age > 40:  # 1-3 are menu numbers here, not ages of working children
        return None
    return "under_14" if age < 14 else "14_17" if age < 18 else "18_plus"


def read_rescue_place(text: str) -> str | None:
    """'outside_bihar' / 'in_bihar' from a place name ("Jaipur", "गया में", "bahar"); None if no place."""
    for match in load_gazetteer().find(text, expecting_place=True):
        return "in_bihar" if match.district.state == "Bihar" else "outside_bihar"
    tokens = set(_tokens(text))
    if tokens & _OUTSIDE_WORDS:
        return "outside_bihar"
    if tokens & _BIHAR_WORDS:
        return "in_bihar"
    return None


def _read_quick_answer(text: str, intent: str | None, prompt: str) -> Reading | None:
    slot, answered, options = QUICK_QUESTIONS[prompt]
    number = parse_option_number(text)
    value = options.get(number) if number is not None else None
    if value is None:
        value = read_age_group(text) if slot == "child_age" else read_rescue_place(text)
    if value is not None or intent in ANSWER_LIKE_INTENTS:
        # An unreadable answer still moves on: the answer then covers every case instead of asking forever.
        return Reading(answered, {slot: value})
    return None


def read_reply(text: str, intent: str | None, last_prompt: str | None) -> Reading:
    """The meaning of this message as a reply to the last question (an empty Reading when it is not one)."""
    if intent == "report_emergency":
        return Reading()
    number = parse_option_number(text)
    if last_prompt == LANGUAGE_PROMPT:
        if language_from_menu_choice(text) or requested_language(text):
            return Reading("language_set")
        return Reading("invalid_language" if number is not None else None)
    if intent == "change_language":
        return Reading("language_set" if requested_language(text) else "language")
    if last_prompt == CONSENT_PROMPT:
        if intent == "affirm" or number == 1:
            return Reading("consent_yes")
        if intent == "deny" or number == 2:
            return Reading("consent_no")
        return Reading("invalid_consent" if number is not None else None)
    if last_prompt in QUICK_QUESTIONS:
        reading = _read_quick_answer(text, intent, last_prompt)
        if reading is not None:
            return reading
    if last_prompt in LETTER_PROMPTS:
        details = parse_details(text)
        if details or intent in ANSWER_LIKE_INTENTS:
            return Reading("letter_details" if details else "letter_invalid")
    if intent == "choose_option":
        if number is None:
            return Reading("invalid")
        follow_up = FOLLOW_UP_MENUS.get(last_prompt or "", {})
        return Reading(follow_up.get(number) or MAIN_MENU.get(number, "invalid"))
    return Reading()


def interpret_reply(text: str, intent: str | None, last_prompt: str | None) -> str | None:
    """Just the `menu_choice` of `read_reply` (kept for callers that need no slots)."""
    return read_reply(text, intent, last_prompt).menu_choice
