"""What a short reply means, given the question the assistant asked last.

On SMS people answer menus with a digit ("1"), a Devanagari digit ("१"), a number word ("do", "दो"), "haan"/"nahi",
an age ("12 saal") or a place ("Jaipur"). The same "1" means "money owed" after the main menu, "English" after the
language menu, "yes" after the call-back question and "outside Bihar" after "where was the child found working?".
The dialogue rules key on the meaning this module returns (a `Choice` for the slot `menu_choice`, plus the answer's
own slot), so a user's text is only ever read, never executed: nothing here can choose an intent or set an arbitrary
slot. Which question offers which numbers is the registry's (bot/dialogue/questions.py).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.dialogue import questions
from bot.dialogue.choices import Choice
from bot.dialogue.questions import CONSENT_PROMPT, LANGUAGE_PROMPT, QUESTIONS, Expects, Question
from bot.gazetteer import load_gazetteer
from bot.language import language_from_menu_choice, requested_language
from bot.letters import parse_details
from bot.text import lexicon
from bot.text.normalise import ascii_digits
from bot.text.tokens import words as _tokens

# What each question expects and offers (the main menu, the language menu, the call-back question, the quick
# questions, "reply N for more", the letter) is in the registry of questions, bot/dialogue/questions.py.
MAIN_MENU = questions.MAIN_MENU
LETTER_PROMPTS = frozenset(questions.expecting(Expects.LETTER))
# "Reply N for more" prompts after an answer; numbers not listed here keep their main-menu meaning.
FOLLOW_UP_MENUS: dict[str, dict[int, Choice | str]] = {
    prompt: dict(question.options) for prompt, question in QUESTIONS.items() if question.main_menu_numbers
}
# Quick questions that tailor an answer: the prompt, and what it expects (an age, a place).
QUICK_QUESTIONS: dict[str, Question] = {
    **questions.expecting(Expects.PLACE), **questions.expecting(Expects.AGE)}

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

    menu_choice: Choice | None = None
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
    question = QUICK_QUESTIONS[prompt]
    assert question.slot is not None and question.answered is not None
    number = parse_option_number(text)
    value = question.options.get(number) if number is not None else None
    if value is None:
        value = read_age_group(text) if Expects.AGE in question.expects else read_rescue_place(text)
    if value is not None or intent in ANSWER_LIKE_INTENTS:
        # An unreadable answer still moves on: the answer then covers every case instead of asking forever.
        return Reading(question.answered, {question.slot: value})
    return None


def read_reply(text: str, intent: str | None, last_prompt: str | None) -> Reading:
    """The meaning of this message as a reply to the last question (an empty Reading when it is not one)."""
    if intent == "report_emergency":
        return Reading()
    number = parse_option_number(text)
    if last_prompt == LANGUAGE_PROMPT:
        if language_from_menu_choice(text) or requested_language(text):
            return Reading(Choice.LANGUAGE_SET)
        return Reading(QUESTIONS[LANGUAGE_PROMPT].unclear if number is not None else None)
    if intent == "change_language":
        return Reading(Choice.LANGUAGE_SET if requested_language(text) else Choice.LANGUAGE)
    if last_prompt == CONSENT_PROMPT:
        consent = QUESTIONS[CONSENT_PROMPT]
        option = consent.options.get(number) if number is not None else None
        if intent == "affirm" or option == Choice.CONSENT_YES:
            return Reading(Choice.CONSENT_YES)
        if intent == "deny" or option == Choice.CONSENT_NO:
            return Reading(Choice.CONSENT_NO)
        return Reading(consent.unclear if number is not None else None)
    if last_prompt in QUICK_QUESTIONS:
        reading = _read_quick_answer(text, intent, last_prompt)
        if reading is not None:
            return reading
    if last_prompt in LETTER_PROMPTS:
        details = parse_details(text)
        if details or intent in ANSWER_LIKE_INTENTS:
            letter = QUESTIONS[last_prompt]
            return Reading(letter.answered if details else letter.unclear)
    if intent == "choose_option":
        return Reading(questions.main_menu_choice(number, last_prompt))
    return Reading()


def interpret_reply(text: str, intent: str | None, last_prompt: str | None) -> Choice | None:
    """Just the `menu_choice` of `read_reply` (kept for callers that need no slots)."""
    return read_reply(text, intent, last_prompt).menu_choice
