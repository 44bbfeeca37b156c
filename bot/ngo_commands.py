"""What a message from a registered NGO does: a follow-up command (ENROL, CASE), or OK / CLOSE on a report.

Why here, above both: follow-up builds on reports, so the reports package cannot call into follow-up. This module is
part of the application layer (the channels' gate and the CLI call it); it opens the one transaction for the command,
dispatches it, and confirms a family's enrolment request when an NGO acknowledges it — in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock
from bot.followup.cases import confirm_enrolment
from bot.followup.commands import handle_followup_command
from bot.reports.acknowledgement import (
    NgoCommandResult,
    act_on_report,
    help_reply,
    is_registered_ngo,
    parse_command,
    registered_ngo,
)
from bot.reports.codes import find_any_code
from bot.store.db import session_scope
from bot.store.models import Ngo, Report


def confirm_if_enrolment(session: Session, report: Report, ngo: Ngo, now: datetime) -> None:
    """An acknowledged enrolment request (a family asked to be followed up) makes its case active."""
    if report.kind == "enrolment" and report.case_id is not None:
        confirm_enrolment(session, report.case_id, ngo, now)


def is_ngo(channel: str, address: str) -> bool:
    """Whether this address is a registered NGO's (one short transaction: a channel asks before admitting)."""
    with session_scope() as session:
        return is_registered_ngo(session, channel, address)


def handle_ngo_message(channel: str, address: str, text: str, clock: Clock | None = None) -> NgoCommandResult | None:
    """Act on a message from a registered NGO. None means the sender is not a registered NGO: the message is an
    ordinary conversation and goes to the assistant (so a family typing "ok 1234567" changes nothing)."""
    now = (clock or SystemClock()).now()
    with session_scope() as session:
        ngo = registered_ngo(session, channel, address)
        if ngo is None:
            return None
        followup = handle_followup_command(session, ngo, channel, text, now)
        if followup is not None:
            return NgoCommandResult(*followup)
        command = parse_command(text)
        if command is None or command[1] is None:
            return help_reply(ngo)
        verb, code, note = command
        return act_on_report(session, ngo, verb, code or "", note, channel, now, confirm_if_enrolment)


def act_as_ngo(ngo_key: str, verb: str, code: str, note: str = "", via: str = "cli",
               clock: Clock | None = None) -> NgoCommandResult | None:
    """Acknowledge or close a report on behalf of the NGO `ngo_key` (the CLI); None when there is no active NGO with
    that key. The same rule and the same audit entries as the NGO's own message."""
    now = (clock or SystemClock()).now()
    with session_scope() as session:
        ngo = session.execute(select(Ngo).where(Ngo.key == ngo_key, Ngo.active.is_(True))).scalar_one_or_none()
        if ngo is None:
            return None
        return act_on_report(session, ngo, verb, find_any_code(code) or code.strip(), note.strip(), via, now,
                             confirm_if_enrolment)
