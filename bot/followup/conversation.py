"""The check-in conversation: five short questions, answerable with a number on SMS, that update the case.

The follow-up worker asks Rasa to start it (intent EXTERNAL_checkin); `prompt_checkin` then says what to send and
records that the question really went out (so a restarted worker does not ask twice). Each reply is read here by
`answer_checkin` — a number, "haan"/"नहीं", several numbers at once ("1 1 2 2 0"), or words for the last question —
and the case changes in the same transaction as any alert the answer calls for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock
from bot.crypto import decrypt, encrypt
from bot.dialogue.questions import CHECKIN_QUESTIONS, NOTHING, YES, YES_NO_OPTIONS, checkin_prompt
from bot.dialogue.questions import QUESTIONS as ALL_QUESTIONS
from bot.followup.alerts import raise_alert
from bot.followup.cases import case_for_contact, family_address
from bot.followup.schedule import today_in_india
from bot.settings import get_settings
from bot.store.models import CheckIn, FollowupCase
from bot.text import lexicon
from bot.text.tokens import words as _tokens

QUESTIONS = CHECKIN_QUESTIONS  # in the order they are asked; the prompts and their numbers are in the registry
PROMPTS = {question: checkin_prompt(question) for question in QUESTIONS}
CHECKIN_PROMPTS = frozenset(PROMPTS.values())
_YES_NO_DIGITS = {str(number): meaning == YES for number, meaning in YES_NO_OPTIONS.items()}  # "1" yes, "2" no
_NOTHING_DIGITS = {str(number) for number, meaning in ALL_QUESTIONS[PROMPTS["need"]].options.items()
                   if meaning == NOTHING}  # "0": nothing needed
EXTERNAL_INTENT = "EXTERNAL_checkin"

_YES = lexicon.words("checkin_yes")
_NO = lexicon.words("checkin_no")
_NOTHING = lexicon.words("checkin_nothing")
# Courtesy that says nothing about a need: "kuch nahi chahiye, dhanyavad", "no thanks, all fine", "सब ठीक है जी".
_COURTESY = lexicon.words("checkin_courtesy")


@dataclass(frozen=True)
class CheckinPrompt:
    """What to send when the worker starts (or re-sends) a check-in: an intro or a reminder, then the question."""

    reference: str
    language: str
    reminder: bool
    question: str  # the response name, e.g. utter_checkin_home


@dataclass(frozen=True)
class CheckinTurn:
    """What a reply to a check-in question did."""

    outcome: str  # recorded | unclear
    next_prompt: str | None = None  # the next question's response, None when the check-in is complete
    raised: tuple[str, ...] = field(default_factory=tuple)  # alert reasons raised by this reply


def read_yes_no(text: str, intent: str | None = None) -> bool | None:
    """True for yes ("1", "haan", "हाँ", "ji"), False for no ("2", "nahi", "नइखे"), None when unclear."""
    tokens = _tokens(text)
    if len(tokens) == 1 and tokens[0] in _YES_NO_DIGITS:
        return _YES_NO_DIGITS[tokens[0]]
    words = set(tokens)
    no, yes = bool(words & _NO), bool(words & _YES)
    if no:
        return False  # "haan, nahi jata" is a no; "nahi" anywhere outweighs a polite "ji"
    if yes:
        return True
    if intent in ("affirm", "deny") and len(tokens) <= 4:
        return intent == "affirm"
    return None


def read_need(text: str) -> str | None | bool:
    """"" for nothing needed, the need as written, or False when the reply is unreadable (a lone number)."""
    tokens = _tokens(text)
    if not tokens:
        return False
    if all(token in _NOTHING or token in _COURTESY for token in tokens) and any(token in _NOTHING for token in tokens):
        return ""
    if all(token in _COURTESY for token in tokens):
        return ""  # "thanks ji": nothing asked for
    if len(tokens) == 1 and tokens[0].isdigit():
        return False
    return " ".join((text or "").split())[:500]


def read_many(text: str, questions: tuple[str, ...]) -> list[bool | str] | None:
    """"1 1 2 2 0" answers several questions at once (SMS users often do): 1/2 for yes/no, 0 for "nothing needed".
    None when the reply is not like that."""
    tokens = _tokens(text)
    if len(tokens) < 2 or len(tokens) > len(questions):
        return None
    values: list[bool | str] = []
    for token, question in zip(tokens, questions[: len(tokens)], strict=True):
        if question == "need" and token in _NOTHING_DIGITS:
            values.append("")
        elif question != "need" and token in _YES_NO_DIGITS:
            values.append(_YES_NO_DIGITS[token])
        else:
            return None
    return values


def _open_checkin(case: FollowupCase) -> CheckIn | None:
    candidates = [c for c in case.checkins if c.status in ("firing", "waiting")]
    return candidates[-1] if candidates else None


def _case_of(session: Session, input_channel: str | None, conversation_id: str) -> FollowupCase | None:
    channel, address = family_address(session, input_channel, conversation_id)
    return case_for_contact(session, channel, address)


def language_for(session: Session, input_channel: str | None, conversation_id: str) -> str | None:
    """The language the family's case was enrolled in (check-ins start in it, not in a guess from empty text)."""
    case = _case_of(session, input_channel, conversation_id)
    return case.language if case else None


def prompt_checkin(session: Session, input_channel: str | None, conversation_id: str) -> CheckinPrompt | None:
    """The check-in to send now, recording that it was sent; None if this conversation has no open check-in."""
    case = _case_of(session, input_channel, conversation_id)
    if case is None or case.status != "active":
        return None
    checkin = _open_checkin(case)
    if checkin is None or checkin.step >= len(QUESTIONS):
        return None
    if checkin.status == "firing":
        checkin.prompts = checkin.sends  # the question of this send is going out now
    return CheckinPrompt(case.reference, case.language, checkin.sends > 1, PROMPTS[QUESTIONS[checkin.step]])


def awaiting_answer(session: Session, input_channel: str | None, conversation_id: str) -> bool:
    case = _case_of(session, input_channel, conversation_id)
    checkin = _open_checkin(case) if case is not None and case.status == "active" else None
    return checkin is not None and checkin.step < len(QUESTIONS)


def answer_checkin(session: Session, input_channel: str | None, conversation_id: str, text: str,
                   intent: str | None, clock: Clock | None = None, strict: bool = False) -> CheckinTurn | None:
    """Record a reply to the open check-in's current question. None when there is no open check-in.

    `strict`: the message reads like a request of its own ("paisa kab aayega?"); it counts as an answer only when it
    clearly is one ("paisa nahi aaya"), otherwise None is returned, nothing is recorded and the caller answers the
    request instead."""
    now = (clock or SystemClock()).now()
    case = _case_of(session, input_channel, conversation_id)
    checkin = _open_checkin(case) if case is not None and case.status == "active" else None
    if case is None or checkin is None or checkin.step >= len(QUESTIONS):
        return None
    remaining = QUESTIONS[checkin.step:]
    values = read_many(text, remaining)
    if values is None:
        question = remaining[0]
        value = read_need(text) if question == "need" else read_yes_no(text, intent)
        if value is None or value is False and question == "need":
            return None if strict else CheckinTurn("unclear", PROMPTS[question])
        values = [value]
    raised: list[str] = []
    answers = json.loads(decrypt(checkin.answers_encrypted)) if checkin.answers_encrypted else {}
    for question, value in zip(remaining[: len(values)], values, strict=True):
        answers[question] = value
        raised += apply_answer(session, case, checkin, question, value, now)
        checkin.step += 1
    checkin.answers_encrypted = encrypt(json.dumps(answers, ensure_ascii=False))
    checkin.answered_at = checkin.answered_at or now
    if checkin.step >= len(QUESTIONS):
        checkin.status, checkin.lease_until = "answered", None
    next_prompt = PROMPTS[QUESTIONS[checkin.step]] if checkin.step < len(QUESTIONS) else None
    return CheckinTurn("recorded", next_prompt, tuple(raised))


def apply_answer(session, case: FollowupCase, checkin: CheckIn, question: str, value: bool | str,  # type: ignore[no-untyped-def]
                 now: datetime) -> list[str]:
    """Change the case for one answer; returns the alert reasons it raised (each once per check-in)."""
    occasion = f"k{checkin.id}"
    today = today_in_india(now)
    raised: list[str] = []

    def alert(reason: str, note: str | None = None) -> None:
        raise_alert(session, case, reason, occasion, now, note)
        raised.append(reason)

    if question == "home":
        case.living_at_home = bool(value)
        if value is False:
            alert("away_from_home")
    elif question == "school":
        if value is True:
            if case.school_stage in ("not_enrolled", "enrolled"):
                case.school_stage = "attending"
        else:
            if case.school_stage == "attending":
                case.school_stage = "enrolled"
            alert("not_in_school")
        case.school_updated_on = today
    elif question == "money":
        if value is True:
            case.money_reported_on = today
        elif compensation_late(case, today):
            alert("compensation_late")
    elif question == "agent" and value is True:
        alert("agent_approach")
    elif question == "need" and isinstance(value, str) and value:
        alert("family_need", value)
    case.updated_at = now
    return raised


def compensation_late(case: FollowupCase, today: date) -> bool:
    """Money is late when nothing is paid and a claim (or, with none recorded, the return itself) is older than the
    configured time: the field study found most families never received what they were owed."""
    due_days = timedelta(days=get_settings().compensation_due_days)
    if any(claim.stage == "paid" for claim in case.claims):
        return False
    starts = [claim.applied_on or case.returned_on for claim in case.claims] or [case.returned_on]
    return min(starts) + due_days < today
