"""What one user message means for the dialogue: the ordered readers that action_read_message walks.

Each reader looks at the message (`Turn`) and returns the slots to set, in order, or None when the message is not
its kind; the first that answers wins, and the last (`menu_reply`) always answers. Every reader that answers sets
`language` and `language_locked` first (except a check-in the worker started, which has no text), then the slots of
its own, then `menu_choice` (a `Choice`, or None) — the same slots in the same order as the if/elif chain this
replaced. Readers with side effects (recording a check-in answer, saving a report draft) only run when every reader
before them has passed, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from bot import discreet
from bot.clock import SystemClock
from bot.dialogue.choices import Choice
from bot.dialogue.questions import CHECKIN_PROMPTS, CODE_WORD_PROMPTS, QUESTIONS, REPORT_WHAT_PROMPT, checkin_prompt
from bot.followup.conversation import EXTERNAL_INTENT, answer_checkin, awaiting_answer, language_for
from bot.followup.family import has_opted_out_case, looks_like_case_status, looks_like_restart, read_enrolment_reply
from bot.language_state import next_language
from bot.menu import ANSWER_LIKE_INTENTS, QUICK_QUESTIONS, Reading, read_reply
from bot.reports.conversation import REPORT_INTENTS, ReportTurn, continue_report, start_report
from bot.reports.dialogue import looks_like_status_request
from bot.store.db import session_scope

logger = logging.getLogger(__name__)

Slots = list[tuple[str, Any]]

# Slots filled from a reply to a quick question (the registry's `slot` of bot.menu.QUICK_QUESTIONS).
ANSWER_SLOTS = tuple(question.slot for question in QUICK_QUESTIONS.values() if question.slot)
AGENT_PROMPT = checkin_prompt("agent")

# During a check-in, these are never read as an answer: the person asks for something else (an emergency always gets
# 112/1098 first). report_recruitment is an answer to "has anyone offered work or an advance?" when it reads as one
# ("haan, ek dalal aaya tha"): the agent alert already makes a recruitment report for the district.
CHECKIN_NEVER_ANSWERS = {"report_emergency", "report_missing_child", "change_language", "opt_out", "request_human",
                         "show_menu", "bot_challenge", EXTERNAL_INTENT}
# Requests of their own that still count as an answer when they clearly are one ("paisa nahi aaya" after "has any
# compensation arrived?"); otherwise the request is answered and the check-in waits.
CHECKIN_ONLY_CLEAR_ANSWERS = {"ask_compensation", "ask_compensation_status", "ask_school_enrolment", "ask_case_status",
                              "report_recruitment", "request_followup", "ask_compensation_status+ask_school_enrolment"}


@dataclass(frozen=True)
class Message:
    """One user message and the conversation state the readers need (built from the Rasa tracker by the action)."""

    text: str
    intent: str | None
    confidence: float
    prompt: str | None  # the last response the assistant sent: the question a short reply answers
    first_message: bool
    language: str | None  # the slots as they were before this message
    language_locked: bool
    input_channel: str | None  # the Rasa input channel as is (None before any message)
    sender: str
    report_form: bool  # the report form is active
    requested_slot: str | None = None
    report_kind: str | None = None
    report_tries: float = 0.0

    @property
    def channel(self) -> str:
        return self.input_channel or "unknown"


class Turn:
    """A message being read: what every reader may need, computed once and only when needed."""

    def __init__(self, message: Message) -> None:
        self.message = message

    @cached_property
    def reading(self) -> Reading:
        """What the message means as a reply to the last question (bot/menu.py)."""
        m = self.message
        return read_reply(m.text, m.intent, m.prompt)

    @cached_property
    def _language(self) -> tuple[str | None, bool]:
        m = self.message
        return next_language(m.text, m.language, m.language_locked, m.prompt, m.first_message)

    @property
    def language(self) -> str | None:
        """The language to reply in from now on."""
        return self._language[0]

    def slots(self, *own: tuple[str, Any], choice: Choice | None,
              then: Sequence[tuple[str, Any]] = ()) -> Slots:
        """The reply language first, then any quick-question answer, the reader's own slots, `menu_choice`, and the
        slots that follow it (`then`)."""
        language, locked = self._language
        slots: Slots = [("language", language), ("language_locked", locked)]
        slots += [(slot, value) for slot, value in self.reading.slots.items() if slot in ANSWER_SLOTS]
        return [*slots, *own, ("menu_choice", choice), *then]


Reader = Callable[[Turn], "Slots | None"]


def started_checkin(turn: Turn) -> Slots | None:
    """The follow-up worker started a check-in: there is no text to read, and the questions go out in the language
    the case was enrolled in."""
    m = turn.message
    if m.intent != EXTERNAL_INTENT:
        return None
    with session_scope() as session:
        language = language_for(session, m.input_channel, m.sender)
    return [("language", language or m.language), ("menu_choice", None)]


def discreet_code_word(turn: Turn) -> Slots | None:
    """The person's discreet-mode code word, at any point (a check-in, a report, the menu): everything stops at
    once, and nothing is sent back (the rules answer it with silence; an emergency is still answered by its own
    rule, since the code word can never be an emergency word)."""
    m = turn.message
    word = discreet.code_word(m.text)
    if m.intent == EXTERNAL_INTENT or word is None or word.isdecimal() or not stop_if_code_word(m):
        return None
    logger.info("discreet mode: the code word was sent, everything stopped")
    return turn.slots(choice=Choice.DISCREET_STOP)


def stop_if_code_word(m: Message) -> bool:
    """When the message is the person's code word, everything stops (one transaction); whether it was."""
    with session_scope() as session:
        if not discreet.is_code_word(session, m.input_channel, m.sender, m.text):
            return False
        discreet.stop(session, m.input_channel, m.sender, SystemClock().now())
        return True


def switch_on_discreet(m: Message) -> None:
    with session_scope() as session:
        discreet.switch_on(session, m.input_channel, m.sender, m.text, SystemClock().now())


def discreet_word_choice(turn: Turn) -> Slots | None:
    """A reply to "choose a code word": discreet mode goes on with it, or it is refused (a number, a menu or command
    word, an emergency word). "0" (the menu) and an emergency keep their own meaning."""
    m = turn.message
    if m.prompt not in CODE_WORD_PROMPTS or m.intent == "report_emergency" or m.report_form:
        return None
    if turn.reading.menu_choice == Choice.MENU:
        return None
    question = QUESTIONS[m.prompt]
    problem = discreet.code_word_problem(m.text)
    if problem is not None:
        logger.info("discreet mode: a code word was refused (%s)", problem)
        return turn.slots(choice=question.unclear)
    switch_on_discreet(m)
    logger.info("discreet mode switched on")
    return turn.slots(choice=question.answered)


def discreet_request(turn: Turn) -> Slots | None:
    """"discreet mode" / "gupt mode" / "गुप्त मोड" (menu 7 is read as a menu number by `menu_reply`)."""
    m = turn.message
    if m.intent == "report_emergency" or not discreet.asks_for_discreet_mode(m.text):
        return None
    return turn.slots(choice=Choice.DISCREET)


def clear_chat_request(turn: Turn) -> Slots | None:
    """"clear", "chat saaf karo", "मैसेज मिटाओ": the helpline's messages of this chat are deleted where it can."""
    m = turn.message
    if m.intent == "report_emergency" or not discreet.asks_to_clear_chat(m.text):
        return None
    return turn.slots(choice=Choice.DISCREET_CLEAR)


def checkin_answer(turn: Turn) -> Slots | None:
    """A reply to a check-in question: recorded in the case (or found unclear), with what action_checkin_next needs.
    None when the message is not an answer (no open check-in, an emergency, another request)."""
    m = turn.message
    if m.prompt not in CHECKIN_PROMPTS or m.intent in CHECKIN_NEVER_ANSWERS or m.report_form:
        return None
    if m.intent == "report_recruitment" and m.prompt != AGENT_PROMPT:
        return None
    strict = m.intent in CHECKIN_ONLY_CLEAR_ANSWERS
    with session_scope() as session:
        answered = answer_checkin(session, m.input_channel, m.sender, m.text, m.intent, strict=strict)
    if answered is None:
        return None
    logger.info("check-in reply read: %s, %d alert(s)", answered.outcome, len(answered.raised))
    question = QUESTIONS[m.prompt]
    choice = question.answered if answered.outcome == "recorded" else question.unclear
    return turn.slots(choice=choice, then=[("checkin_next", answered.next_prompt),
                                           ("checkin_raised", list(answered.raised))])


def checkin_language_change(turn: Turn) -> Slots | None:
    """"Bhojpuri me bolo" in the middle of a check-in: the language changes and the same question comes again."""
    m = turn.message
    if m.intent != "change_language" or m.prompt not in CHECKIN_PROMPTS or m.report_form:
        return None
    if turn.reading.menu_choice != Choice.LANGUAGE_SET:
        return None
    with session_scope() as session:
        awaiting = awaiting_answer(session, m.input_channel, m.sender)
    if not awaiting:
        return None
    return turn.slots(choice=Choice.CHECKIN_LANGUAGE, then=[("checkin_next", m.prompt), ("checkin_raised", [])])


def _report_slots(report: ReportTurn) -> tuple[tuple[str, Any], ...]:
    return tuple(report.slots.items())


def report_form_answer(turn: Turn) -> Slots | None:
    """A message while the report form is active: what it fills (bot/reports/conversation.py); a message that is not
    an answer keeps its own meaning (the rules leave or pause the report)."""
    m = turn.message
    if not m.report_form:
        return None
    with session_scope() as session:
        report = continue_report(
            session, m.text, m.intent, m.confidence, (m.requested_slot or "").removeprefix("report_") or None,
            m.report_kind or "recruitment", m.report_tries, m.channel, m.sender, turn.language,
        )
    choice = report.menu_choice or (turn.reading.menu_choice if report.reject else None)
    return turn.slots(*_report_slots(report), choice=choice)


def report_start(turn: Turn) -> Slots | None:
    """A tip-off, a missing child or an emergency: a report starts with whatever the message already says."""
    m = turn.message
    if m.intent not in REPORT_INTENTS or turn.reading.menu_choice is not None:
        return None
    with session_scope() as session:
        report = start_report(session, REPORT_INTENTS[m.intent], m.text, m.channel, m.sender, turn.language)
    return turn.slots(*_report_slots(report), choice=None)


def report_what_answer(turn: Turn) -> Slots | None:
    """An answer to "what happened?" (after menu 3) starts a recruitment report."""
    m = turn.message
    if m.prompt != REPORT_WHAT_PROMPT or turn.reading.menu_choice is not None or m.intent not in ANSWER_LIKE_INTENTS:
        return None
    with session_scope() as session:
        report = start_report(session, "recruitment", m.text, m.channel, m.sender, turn.language)
    return turn.slots(*_report_slots(report), choice=QUESTIONS[REPORT_WHAT_PROMPT].answered)


def enrolment_reply(turn: Turn) -> Slots | None:
    """A reply to "shall we check on you?" or "which district?" (bot/followup/family.py)."""
    m = turn.message
    choice = read_enrolment_reply(m.text, m.intent, m.prompt)
    return None if choice is None else turn.slots(choice=choice)


def report_status_request(turn: Turn) -> Slots | None:
    """"status ABC123": the status of a report by its code."""
    if turn.reading.menu_choice is not None or not looks_like_status_request(turn.message.text):
        return None
    return turn.slots(choice=Choice.REPORT_STATUS)


def checkin_restart(turn: Turn) -> Slots | None:
    """"START" from a family that stopped its check-ins (whatever else the message could mean)."""
    m = turn.message
    if not looks_like_restart(m.text):
        return None
    with session_scope() as session:
        opted_out = has_opted_out_case(session, m.input_channel, m.sender)
    if not opted_out:
        return None
    return turn.slots(choice=Choice.FOLLOWUP_RESTART)


def case_status_request(turn: Turn) -> Slots | None:
    """"mera case ka status": the family asks about its own case."""
    if turn.reading.menu_choice is not None or not looks_like_case_status(turn.message.text):
        return None
    return turn.slots(choice=Choice.CASE)


def menu_reply(turn: Turn) -> Slots:
    """Everything else: what the message means as a reply to the last question, if anything (bot/menu.py)."""
    return turn.slots(choice=turn.reading.menu_choice)


# The order matters: the first reader that answers wins.
READERS: tuple[Reader, ...] = (
    started_checkin,
    discreet_code_word,
    discreet_word_choice,
    checkin_answer,
    checkin_language_change,
    report_form_answer,
    report_start,
    report_what_answer,
    enrolment_reply,
    report_status_request,
    checkin_restart,
    case_status_request,
    discreet_request,
    clear_chat_request,
    menu_reply,
)


def read_message(message: Message) -> Slots:
    """The slots to set for this message: those of the first reader that recognises it."""
    turn = Turn(message)
    for reader in READERS:
        slots = reader(turn)
        if slots is not None:
            return [*slots, ("discreet", discreet_now(message))]
    raise AssertionError("menu_reply always answers")  # pragma: no cover


def discreet_now(message: Message) -> bool:
    """Whether this conversation is answered in discreet mode, read after the reader ran (which may just have
    switched it on): the slot `discreet` that the responses' discreet variants are conditioned on."""
    with session_scope() as session:
        return discreet.conversation_is_discreet(session, message.input_channel, message.sender)
