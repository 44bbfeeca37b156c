"""Shared set-up for the follow-up tests: a family enrolled in a fresh store, a starter that records what Rasa
would have been asked to start, and answering a check-in as the family would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.clock import ManualClock
from bot.followup import conversation as conversation_module
from bot.followup.cases import Enrolment, conversation_id, create_case
from bot.followup.conversation import CheckinPrompt, CheckinTurn
from bot.followup.starter import StartError
from bot.store.db import session_scope
from tests.reports_helpers import import_sample

FAMILY = "+15005550006"  # Twilio's test number: fictitious
OTHER_FAMILY = "+15005550009"


@dataclass
class RecordingStarter:
    """Stands in for the Rasa server in worker tests: records the conversations it was asked to start and, like
    the check-in action would, marks the question as sent. `fail` makes the next calls fail as if Rasa were down;
    `silent` starts without the action running (Rasa died before sending)."""

    started: list[tuple[str, str]] = field(default_factory=list)
    fail: int = 0
    silent: bool = False

    def start(self, conversation: str, channel: str) -> None:
        if self.fail:
            self.fail -= 1
            raise StartError("rasa answered 503")
        self.started.append((conversation, channel))
        if not self.silent:
            input_channel = {"sms": "twilio", "whatsapp": "twilio"}.get(channel, channel)
            prompt_checkin(input_channel, conversation)


def enrol(clock: ManualClock, returned_on: date, channel: str = "sms", address: str = FAMILY,
          district: str = "Gaya", language: str = "hi", **extra: object) -> str:
    import_sample_once()
    with session_scope() as session:
        case = create_case(session, Enrolment(channel=channel, address=address, district=district,
                                              returned_on=returned_on, language=language, **extra),  # type: ignore[arg-type]
                           None, "active", clock.now(), "cli")
        return case.reference


def conversation_of(channel: str = "sms", address: str = FAMILY) -> str:
    return conversation_id(channel, address)


def import_sample_once() -> None:
    from sqlalchemy import select

    from bot.store.models import Ngo

    with session_scope() as session:
        if session.execute(select(Ngo.id)).first():
            return
    import_sample()


def prompt_checkin(input_channel: str | None, conversation: str) -> CheckinPrompt | None:
    """bot.followup.conversation.prompt_checkin in a transaction of its own, as one action call does it."""
    with session_scope() as session:
        return conversation_module.prompt_checkin(session, input_channel, conversation)


def answer_checkin(input_channel: str | None, conversation: str, text: str, intent: str | None,
                   clock: ManualClock | None = None, strict: bool = False) -> CheckinTurn | None:
    """bot.followup.conversation.answer_checkin in a transaction of its own, as one action call does it."""
    with session_scope() as session:
        return conversation_module.answer_checkin(session, input_channel, conversation, text, intent, clock, strict)


def awaiting_answer(input_channel: str | None, conversation: str) -> bool:
    with session_scope() as session:
        return conversation_module.awaiting_answer(session, input_channel, conversation)
