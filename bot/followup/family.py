"""The family's side of follow-up: "status" in plain words, stopping and restarting check-ins, and asking to be
enrolled through the assistant (the district NGO confirms by acknowledging the request, OK CODE).

Every function works in the caller's transaction (`session`): the application layer opens it (see the README).
The readers at the end (`looks_like_restart`, `looks_like_case_status`, `read_enrolment_reply`, `district_in`) are
pure: they say what a message means in the dialogue; the actions then call the functions above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock, as_utc
from bot.dialogue.choices import Choice
from bot.dialogue.questions import OFFER_PROMPT, QUESTIONS, Expects, expecting
from bot.followup.alerts import raise_alert
from bot.followup.cases import (
    Enrolment,
    EnrolmentError,
    cancel_open_checkins,
    case_for_contact,
    create_case,
    family_address,
    next_checkin,
    reopen_future_checkins,
)
from bot.followup.conversation import read_yes_no
from bot.followup.schedule import next_daytime, today_in_india
from bot.followup.words import claims_words, followup_words, school_words
from bot.language import REPLY_LANGUAGES
from bot.replies import FALLBACK_LANGUAGE
from bot.reports.outbox import audit
from bot.store import contacts
from bot.text import lexicon
from bot.text.tokens import words as _tokens


@dataclass(frozen=True)
class CaseSummary:
    """What a family may see of its own case, in its language: stages and the next check-in, no personal data."""

    reference: str
    compensation_stage: str
    school_stage: str
    next_check_in: str | None


def case_summary(session: Session, input_channel: str | None, conversation_id: str,
                 language: str | None) -> CaseSummary | None:
    """The family's case in plain words (their language), or None when this contact has no case."""
    case = case_for_contact(session, *family_address(session, input_channel, conversation_id))
    if case is None:
        return None
    upcoming = next_checkin(case)
    next_day = today_in_india(next_daytime(as_utc(upcoming.next_action_at))) if upcoming else None
    claims = [(claim.scheme, claim.stage) for claim in case.claims]
    return CaseSummary(
        reference=case.reference,
        compensation_stage=claims_words(claims, language),
        school_stage=school_words(case.school_stage, language),
        next_check_in=followup_words(case.status, next_day, language),
    )


@dataclass(frozen=True)
class FollowupChange:
    """What stopping or restarting did: `found` is False when the contact has no case (nothing to stop)."""

    found: bool
    changed: bool
    reference: str | None = None


def _contact_of(session: Session, input_channel: str | None, conversation_id: str) -> tuple[str, str]:
    """(channel, address) of the person as the contacts table knows it."""
    return contacts.reach(session, input_channel or "unknown", conversation_id)


def stop_checkins(session: Session, input_channel: str | None, conversation_id: str,
                  clock: Clock | None = None, *, language: str | None = None) -> FollowupChange:
    """opt_out, recorded once in the caller's transaction: the person is not to be contacted by the helpline's own
    messages (the contact's opt-out) and, when they have a case, its check-ins stop and the district NGO is told
    (once per day at most, however often it is said). The case's status "opted_out" is written here only, with
    the contact's."""
    now = (clock or SystemClock()).now()
    contacts.set_opted_out(session, *_contact_of(session, input_channel, conversation_id), True, language)
    case = case_for_contact(session, *family_address(session, input_channel, conversation_id))
    if case is None:
        return FollowupChange(False, False)
    if case.status == "opted_out":
        return FollowupChange(True, False, case.reference)
    case.status, case.opted_out_at = "opted_out", now
    cancel_open_checkins(session, case)
    audit(session, None, "family", "case_opted_out", f"case {case.reference}", now)
    raise_alert(session, case, "opted_out", f"optout-{today_in_india(now):%Y%m%d}", now)
    return FollowupChange(True, True, case.reference)


def restart_checkins(session: Session, input_channel: str | None, conversation_id: str,
                     clock: Clock | None = None, *, language: str | None = None) -> FollowupChange:
    """A family that stopped the check-ins can rejoin: those not yet due are scheduled again and the contact may be
    contacted again, in the caller's transaction. Without a case nothing changes."""
    now = (clock or SystemClock()).now()
    case = case_for_contact(session, *family_address(session, input_channel, conversation_id))
    if case is None:
        return FollowupChange(False, False)
    contacts.set_opted_out(session, *_contact_of(session, input_channel, conversation_id), False, language)
    if case.status != "opted_out":
        return FollowupChange(True, False, case.reference)
    case.status, case.opted_out_at = "active", None
    reopen_future_checkins(session, case, now)
    audit(session, None, "family", "case_rejoined", f"case {case.reference}", now)
    return FollowupChange(True, True, case.reference)


def request_enrolment(session: Session, input_channel: str | None, conversation_id: str, district: str,
                      language: str, returned_on: date | None = None, clock: Clock | None = None) -> str:
    """A family asked for check-ins and agreed: a pending case, and a request to the district NGO, which confirms it
    by acknowledging (OK CODE). Returns the case reference. Raises EnrolmentError (e.g. unknown district)."""
    now = (clock or SystemClock()).now()
    channel, address = family_address(session, input_channel, conversation_id)
    existing = case_for_contact(session, channel, address)
    if existing is not None:
        return existing.reference
    enrolment = Enrolment(channel=channel, address=address, district=district,
                          returned_on=returned_on or today_in_india(now),
                          language=language if language in REPLY_LANGUAGES else FALLBACK_LANGUAGE)
    case = create_case(session, enrolment, None, "pending", now, "family")
    raise_alert(session, case, "enrolment", "enrol", now)
    return case.reference


def case_state(session: Session, input_channel: str | None, conversation_id: str) -> tuple[str, str] | None:
    """(reference, status) of this contact's case — pending, active or opted_out — or None when there is none."""
    case = case_for_contact(session, *family_address(session, input_channel, conversation_id))
    return (case.reference, case.status) if case is not None else None


def has_opted_out_case(session: Session, input_channel: str | None, conversation_id: str) -> bool:
    state = case_state(session, input_channel, conversation_id)
    return state is not None and state[1] == "opted_out"


# --- reading a family's messages ------------------------------------------------------------------------------------
# "START", "shuru karo", "फिर से शुरू करें", "restart please", "check-in chalu kijiye": short, and nothing else in them.
_RESTART_CORE = lexicon.words("restart_words")
_RESTART_FILLER = lexicon.words("restart_fillers")
_STATUS_WORDS = lexicon.words("status_words")
_STATUS_FILLER = lexicon.words("status_fillers")
_YES_NO_INTENTS = {"choose_option", "inform", "affirm", "deny", "nlu_fallback", "out_of_scope", "request_followup"}
_NEVER_AN_ANSWER = {"report_emergency", "opt_out", "change_language", "request_human", "show_menu"}

# After "which district?" an answer that names none is asked once more, then given up on (the registry's `unclear`).
DISTRICT_PROMPTS = {prompt: question.unclear for prompt, question in expecting(Expects.DISTRICT).items()}
_OFFER_DIGITS = {str(number): meaning for number, meaning in QUESTIONS[OFFER_PROMPT].options.items()}  # 1 yes, 2 no


def looks_like_restart(text: str) -> bool:
    """A short request to start the check-ins again ("START", "shuru karo", "फिर से शुरू करें"); ordinary text never."""
    tokens = _tokens(text)
    return (0 < len(tokens) <= 6 and all(t in _RESTART_CORE or t in _RESTART_FILLER for t in tokens)
            and any(t in _RESTART_CORE for t in tokens))


def looks_like_case_status(text: str) -> bool:
    """"status", "mera case ka status", "स्टेटस": the family asks about its own case (a report code is not here)."""
    tokens = _tokens(text)
    return (0 < len(tokens) <= 8 and any(t in _STATUS_WORDS for t in tokens)
            and all(t in _STATUS_WORDS or t in _STATUS_FILLER for t in tokens))


def district_in(text: str) -> str | None:
    """The district a reply names, read as the report form reads "which district?" (gazetteer, typos, HQ towns)."""
    from bot.reports.intake import UNKNOWN, read_intake

    district = read_intake(text, "district", "recruitment").district
    return None if district in (None, UNKNOWN) else district


def read_enrolment_reply(text: str, intent: str | None, last_prompt: str | None) -> Choice | None:
    """The meaning (a `menu_choice`) of a reply to the self-enrolment questions, or None when it is not one (then the
    message is read as usual: a number other than 1/2 keeps its main-menu meaning, a question gets its answer)."""
    if intent in _NEVER_AN_ANSWER:
        return None
    if last_prompt == OFFER_PROMPT:
        if intent not in _YES_NO_INTENTS:
            return None
        yes = True if intent == "affirm" else False if intent == "deny" else read_yes_no(text, intent)
        tokens = _tokens(text)
        if len(tokens) == 1 and tokens[0] in _OFFER_DIGITS:
            yes = _OFFER_DIGITS[tokens[0]] == Choice.FOLLOWUP_YES
        if yes is None:
            return None
        if not yes:
            return Choice.FOLLOWUP_NO
        return QUESTIONS[OFFER_PROMPT].answered if district_in(text) else Choice.FOLLOWUP_YES
    if last_prompt in DISTRICT_PROMPTS:
        if district_in(text):
            return QUESTIONS[last_prompt].answered
        tokens = _tokens(text)
        if len(tokens) == 1 and tokens[0].isdecimal():
            return None  # 0 for the menu, 5 for a person
        return DISTRICT_PROMPTS[last_prompt] if intent in _YES_NO_INTENTS else None
    return None


__all__ = ["EnrolmentError", "case_state", "case_summary", "district_in", "has_opted_out_case",
           "looks_like_case_status", "looks_like_restart", "read_enrolment_reply", "request_enrolment",
           "restart_checkins", "stop_checkins"]
