"""Which question expects which answer: one registry, keyed by the response that asks it.

A short reply ("1", "haan", "Jaipur") only means something after the question the assistant asked last (the name of
its last response, `last_prompt`). `QUESTIONS` says, for every such question, what kinds of answer it expects and what
each offered number means. The readers (bot/menu.py, bot/followup/conversation.py, bot/followup/family.py,
bot/message_readers.py), the Telegram keyboards (bot/channels/telegram.py) and scripts/validate.py all read it, so a
keyboard never offers a number that is not understood after its question, and every meaning has a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

from bot.dialogue.choices import Choice
from bot.language import LANGUAGE_MENU

# The report form's consent question: may the NGO call back? (read by the form's contact reader too)
CONTACT_CHOICES = {1: "share", 2: "callback", 3: "anonymous"}


class Expects(str, Enum):
    """A kind of answer a question accepts."""

    NUMBER = "number"  # one of its numbered options ("2", "२", "do")
    YES_NO = "yes_no"  # "haan" / "nahi"
    LANGUAGE = "language"  # a language by name ("Bhojpuri")
    PLACE = "place"  # a place (gazetteer) or "bahar" / "Bihar me"
    AGE = "age"  # a written age ("12 saal")
    LETTER = "letter"  # the child's details for the admission letter
    DISTRICT = "district"  # a district of Bihar
    WORDS = "words"  # free text (what happened, what the family needs)


# Meanings of the check-in's numbers: they fill the case, not `menu_choice`.
YES, NO, NOTHING = "yes", "no", "nothing"
YES_NO_OPTIONS: Mapping[int, str] = MappingProxyType({1: YES, 2: NO})


@dataclass(frozen=True)
class Question:
    """One question: what answers it expects, and what each number means after it."""

    prompt: str  # the response that asks it (the `last_prompt` a reply is read against)
    expects: tuple[Expects, ...]
    # number -> meaning: a Choice (the `menu_choice` it sets), or the value it gives `slot` / the case.
    options: Mapping[int, Choice | str] = field(default_factory=dict)
    answered: Choice | None = None  # `menu_choice` for a readable answer that is not a number
    unclear: Choice | None = None  # `menu_choice` for a reply that tried to answer and could not be read
    slot: str | None = None  # the slot the answer fills, if any
    main_menu_numbers: bool = False  # numbers it does not offer keep their main-menu meaning ("reply N for more")

    @property
    def keyboard(self) -> tuple[int, ...]:
        """The option numbers a Telegram reply keyboard offers after this question."""
        return tuple(self.options)

    def choices(self) -> set[Choice]:
        """Every `menu_choice` a reply to this question can set."""
        meanings = [*self.options.values(), self.answered, self.unclear]
        return {meaning for meaning in meanings if isinstance(meaning, Choice)}


MENU_PROMPT = "utter_menu"
MENU_NUMBER = 0  # "0 always brings the menu back", after any question
LANGUAGE_PROMPT = "utter_ask_language"
CONSENT_PROMPT = "utter_ask_callback_consent"
REPORT_WHAT_PROMPT = "utter_report_what"
OFFER_PROMPT = "utter_followup_offer"
# Discreet mode: "choose a code word" (and again after a refused one); any one word answers it.
CODE_WORD_PROMPTS = ("utter_discreet_ask_word", "utter_discreet_word_refused")
CHECKIN_QUESTIONS = ("home", "school", "money", "agent", "need")  # the order a check-in asks them


def checkin_prompt(question: str) -> str:
    return f"utter_checkin_{question}"


def _registry(*questions: Question) -> Mapping[str, Question]:
    registry = {question.prompt: question for question in questions}
    assert len(registry) == len(questions), "a prompt is registered twice"
    return MappingProxyType(registry)


QUESTIONS: Mapping[str, Question] = _registry(
    Question(MENU_PROMPT, (Expects.NUMBER,), {1: Choice.COMPENSATION, 2: Choice.SCHOOL, 3: Choice.REPORT,
                                              4: Choice.CASE, 5: Choice.HUMAN, 6: Choice.LANGUAGE,
                                              7: Choice.DISCREET}),
    Question(LANGUAGE_PROMPT, (Expects.NUMBER, Expects.LANGUAGE),
             {number: Choice.LANGUAGE_SET for number in range(1, len(LANGUAGE_MENU) + 1)},
             answered=Choice.LANGUAGE_SET, unclear=Choice.INVALID_LANGUAGE),
    Question(CONSENT_PROMPT, (Expects.NUMBER, Expects.YES_NO), {1: Choice.CONSENT_YES, 2: Choice.CONSENT_NO},
             unclear=Choice.INVALID_CONSENT),
    # The report form's consent question: read by the form (bot/reports/intake), which fills `report_contact`.
    Question("utter_ask_report_contact", (Expects.NUMBER, Expects.WORDS), dict(CONTACT_CHOICES), slot="report_contact"),
    Question("utter_report_contact_invalid", (Expects.NUMBER, Expects.WORDS), dict(CONTACT_CHOICES),
             slot="report_contact"),
    # Quick questions that tailor the compensation answer; an unreadable answer still moves on.
    Question("utter_ask_rescue_place", (Expects.NUMBER, Expects.PLACE),
             {1: "outside_bihar", 2: "in_bihar", 3: "no_rescue"}, answered=Choice.PLACE_ANSWERED, slot="rescue_place"),
    Question("utter_ask_child_age", (Expects.NUMBER, Expects.AGE), {1: "under_14", 2: "14_17", 3: "18_plus"},
             answered=Choice.AGE_ANSWERED, slot="child_age"),
    # "Reply N for more" after an answer.
    Question("utter_compensation_more", (Expects.NUMBER,),
             {1: Choice.COMP_PAPERS, 2: Choice.COMP_WHERE, 3: Choice.COMP_STATUS, 4: Choice.COMP_OTHER},
             main_menu_numbers=True),
    Question("utter_school_more", (Expects.NUMBER,),
             {1: Choice.SCHOOL_REFUSED, 2: Choice.SCHOOL_LETTER, 3: Choice.SCHOOL_OVER14}, main_menu_numbers=True),
    Question("utter_case_more", (Expects.NUMBER,), {1: Choice.CASE_RIGHTS, 2: Choice.CASE_FOLLOWUP},
             main_menu_numbers=True),
    # The admission letter: the child's details in one message.
    Question("utter_ask_letter_details", (Expects.LETTER,), answered=Choice.LETTER_DETAILS,
             unclear=Choice.LETTER_INVALID),
    Question("utter_letter_not_understood", (Expects.LETTER,), answered=Choice.LETTER_DETAILS,
             unclear=Choice.LETTER_INVALID),
    # "What happened?": any answer starts a report.
    Question(REPORT_WHAT_PROMPT, (Expects.WORDS,), answered=Choice.REPORT_START),
    # Check-ins: 1 yes, 2 no ("1 1 2 2 0" answers several at once); the last question wants words, 0 for nothing.
    *(Question(checkin_prompt(question), (Expects.NUMBER, Expects.YES_NO), YES_NO_OPTIONS,
               answered=Choice.CHECKIN_ANSWER, unclear=Choice.CHECKIN_UNCLEAR)
      for question in CHECKIN_QUESTIONS[:-1]),
    Question(checkin_prompt(CHECKIN_QUESTIONS[-1]), (Expects.WORDS, Expects.NUMBER), {0: NOTHING},
             answered=Choice.CHECKIN_ANSWER, unclear=Choice.CHECKIN_UNCLEAR),
    # A family asks to be followed up: consent, then its district (asked once more, then given up on).
    Question(OFFER_PROMPT, (Expects.NUMBER, Expects.YES_NO), {1: Choice.FOLLOWUP_YES, 2: Choice.FOLLOWUP_NO},
             answered=Choice.FOLLOWUP_DISTRICT),
    Question("utter_followup_ask_district", (Expects.DISTRICT,), answered=Choice.FOLLOWUP_DISTRICT,
             unclear=Choice.FOLLOWUP_DISTRICT_RETRY),
    *(Question(prompt, (Expects.WORDS,), answered=Choice.DISCREET_ON, unclear=Choice.DISCREET_WORD_REFUSED)
      for prompt in CODE_WORD_PROMPTS),
    Question("utter_followup_district_not_found", (Expects.DISTRICT,), answered=Choice.FOLLOWUP_DISTRICT,
             unclear=Choice.FOLLOWUP_NO_DISTRICT),
)

MAIN_MENU: Mapping[int, Choice] = MappingProxyType(
    {MENU_NUMBER: Choice.MENU, **QUESTIONS[MENU_PROMPT].options})  # type: ignore[dict-item]
CHECKIN_PROMPTS = frozenset(checkin_prompt(question) for question in CHECKIN_QUESTIONS)


def expecting(kind: Expects) -> dict[str, Question]:
    """The questions that accept this kind of answer, by prompt."""
    return {prompt: question for prompt, question in QUESTIONS.items() if kind in question.expects}


def main_menu_choice(number: int | None, prompt: str | None) -> Choice:
    """A number chosen after `prompt`: the prompt's own option if it offers one and keeps the main-menu numbers (a
    "reply N for more" menu), else the main menu's meaning, else invalid."""
    question = QUESTIONS.get(prompt or "")
    if number is None:
        return Choice.INVALID
    if question is not None and question.main_menu_numbers and isinstance(question.options.get(number), Choice):
        return question.options[number]  # type: ignore[return-value]
    return MAIN_MENU.get(number, Choice.INVALID)
