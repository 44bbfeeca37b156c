"""Acknowledge, close and escalate reports (an NGO's message is dispatched by bot.ngo_commands, which also hands
follow-up commands — ENROL, CASE — to bot.followup.commands).

An NGO acknowledges with "OK CODE" (or the Telegram button) and closes with "CLOSE CODE note"; an operator can do the
same on an NGO's behalf with `helpline reports ack|close CODE --ngo KEY`. Only a number or chat registered in the NGO
directory can do either, and only for a report `bot.reports.access.may_act_on_report` allows: one it was sent, or
whose district's escalation chain it is in, or of its own state when it is a state desk — never another state's.
A report nobody acknowledges in time goes to the next NGO of its district's escalation order, ending with the
state-level contact; escalation is decided against the stored due time, so any number of workers (or a restarted one)
escalate each step exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.crypto import encrypt, pseudonym
from bot.replies import text as reply_text
from bot.reports.access import may_act_on_report
from bot.reports.codes import find_any_code, is_valid
from bot.reports.outbox import audit, enqueue_to_ngo
from bot.reports.routing import NoRouteError, chain_for
from bot.settings import get_settings
from bot.store.models import Ngo, NgoContact, Report
from bot.text.normalise import ascii_digits

_ACK_WORDS = ("ok", "ack", "okay", "ओके", "ठीक")
_CLOSE_WORDS = ("close", "closed", "band", "बंद")
# The command word, then the rest; Devanagari vowel signs are not "word" characters to `re`, so split on what is not.
_COMMAND = re.compile(r"^\s*([^\s\d:,.\-]+)\s*[:,.\-]?\s*(.*)$", re.S)

# Called with (session, report, ngo, now) when an NGO has just acknowledged a report.
AcknowledgedHook = Callable[[Session, Report, Ngo, datetime], None]


@dataclass(frozen=True)
class NgoCommandResult:
    """What to answer the NGO (in its language); `action` is for tests and logs (no personal data)."""

    action: str  # acknowledged | already | closed | not_found | not_yours | help, or a follow-up command's action
    reply: str


def registered_ngo(session: Session, channel: str, address: str) -> Ngo | None:
    """The active NGO a number or chat belongs to, or None for everyone else."""
    key = pseudonym(channel, address)
    return session.execute(
        select(Ngo).join(NgoContact, NgoContact.ngo_id == Ngo.id).where(NgoContact.address_key == key,
                                                                        Ngo.active.is_(True))
    ).scalars().first()


def is_registered_ngo(session: Session, channel: str, address: str) -> bool:
    return registered_ngo(session, channel, address) is not None


def _reply(recipient: Ngo, action: str, **values: str) -> NgoCommandResult:
    """A reply in the NGO's language (the catalogue's `ngo.ack.*`; Hindi unless the NGO works in English)."""
    return NgoCommandResult(action, reply_text(f"ngo.ack.{action}", recipient.language, **values))


def help_reply(ngo: Ngo) -> NgoCommandResult:
    """The commands an NGO can send, in its language."""
    return _reply(ngo, "help")


def parse_command(text: str) -> tuple[str, str | None, str] | None:
    """("ack" | "close", code, note) for an NGO command, None when the text is not one."""
    match = _COMMAND.match(text or "")
    if not match:
        return None
    word, rest = match.group(1).lower(), match.group(2)
    verb = "ack" if word in _ACK_WORDS else "close" if word in _CLOSE_WORDS else None
    if verb is None:
        return None
    code = find_any_code(rest)
    note = rest
    if code:
        note = re.sub(r"^\s*\d{3}[\s-]?\d{4}\s*[:\-]?\s*", "", ascii_digits(rest))
    return verb, code, note.strip()


def act_on_report(session: Session, ngo: Ngo, verb: str, code: str, note: str, via: str,
                  now: datetime, on_acknowledged: AcknowledgedHook | None = None) -> NgoCommandResult:
    """"ack" or "close" report `code` as `ngo`, if `may_act_on_report` allows it; a refusal changes nothing (status,
    escalation level, due time) and is audited. `via`: the channel, or "cli". `on_acknowledged` lets the layer above
    act on a newly acknowledged report in the same transaction (follow-up confirms an enrolment request): reports
    do not import follow-up."""
    if verb not in ("ack", "close"):
        raise ValueError(f"unknown report command {verb!r}")
    report = session.execute(select(Report).where(Report.code == code)).scalar_one_or_none() if is_valid(
        code) else None
    if report is None:
        return _reply(ngo, "not_found", code=code)
    if not may_act_on_report(session, ngo, report):
        audit(session, report, f"ngo:{ngo.key}", "refused", f"{verb} from an NGO not responsible", now)
        return _reply(ngo, "not_yours", code=code)
    if verb == "ack":
        if report.status != "received":
            return _reply(ngo, "already", code=code, status=report.status)
        report.status, report.acknowledged_at, report.acknowledged_by, report.ack_due_at = (
            "acknowledged", now, ngo.id, None)
        audit(session, report, f"ngo:{ngo.key}", "acknowledged", f"via {via}", now)
        if on_acknowledged is not None:
            on_acknowledged(session, report, ngo, now)
        return _reply(ngo, "acknowledged", code=code, ngo=ngo.name)
    if report.status == "received":
        report.acknowledged_at, report.acknowledged_by = now, ngo.id
    report.status, report.closed_at, report.ack_due_at = "closed", now, None
    if note:
        report.close_note_encrypted = encrypt(note)
    audit(session, report, f"ngo:{ngo.key}", "closed", f"via {via}, note={'yes' if note else 'no'}", now)
    return _reply(ngo, "closed", code=code)


def escalate_due(session: Session, now: datetime) -> int:
    """Alert the next NGO for every report whose acknowledgement is overdue; returns how many steps were taken.

    The caller (the `escalations` job, bot.jobs) owns the transaction: one unit of work per run. Each step is still
    a conditional UPDATE on the level read, so two workers escalating at once take each step once (on PostgreSQL the
    second waits for the first's commit and then finds the level moved on); reports are taken in id order, so two
    such transactions never wait on each other crosswise."""
    settings = get_settings()
    steps = 0
    due = session.execute(
        select(Report.id, Report.escalation_level).where(Report.status == "received", Report.ack_due_at <= now)
        .order_by(Report.id)
    ).all()
    for report_id, level in due:
        report = session.get(Report, report_id)
        if report is None or report.status != "received" or report.ack_due_at is None:
            continue
        if as_utc(report.ack_due_at) > now:
            continue
        try:
            chain = chain_for(session, report.district)
        except NoRouteError:
            continue  # no directory yet: route_unrouted sends it first
        next_level = level + 1
        timeout = settings.ack_timeout_urgent if report.urgent else settings.ack_timeout
        next_due: datetime | None = now + timeout if next_level < len(chain) else None
        claimed = session.execute(
            update(Report)
            .where(Report.id == report_id, Report.escalation_level == level, Report.status == "received")
            .values(escalation_level=next_level if next_due else level, ack_due_at=next_due)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:  # another worker took this step
            continue
        if next_due is None:
            audit(session, report, "worker", "escalation_exhausted",
                  f"no acknowledgement after {len(chain)} step(s)", now)
            continue
        enqueue_to_ngo(session, report, chain[next_level], "escalation", next_level, now)
        audit(session, report, "worker", "escalated", f"level {next_level} to ngo:{chain[next_level].key}", now)
        steps += 1
    return steps
