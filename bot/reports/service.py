"""Reports from the people who write to the helpline: submit one, and answer "status CODE".

Submitting writes the report, its first forward(s) and the audit entry in one transaction (the outbox pattern): the
delivery worker sends them, so the person gets their reference at once and nothing depends on an outside API
answering while they wait.

The caller owns the transaction (the action that finishes a report, the draft-expiry job). Each attempt at a report
code runs in a savepoint, so a code drawn twice at the same moment by two replicas (IntegrityError) is retried
without losing the rest of the caller's unit of work, and a failed submission leaves the draft untouched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import SystemClock
from bot.crypto import encrypt, pseudonym
from bot.gazetteer import load_gazetteer
from bot.reports.codes import is_valid, new_code
from bot.reports.outbox import audit, enqueue_to_ngo
from bot.reports.routing import NoRouteError, chain_for, corridor_ngo
from bot.settings import get_settings
from bot.store import contacts
from bot.store.consents import record_consent
from bot.store.models import Report, ReportDraft

KINDS = ("recruitment", "missing", "emergency")
CONSENTS = ("share", "callback", "anonymous")
# Free-text answers kept (encrypted) in details; everything else is a routing column.
DETAIL_FIELDS = ("place", "what", "children_text", "children_ages", "destination_text", "transport", "train_number",
                 "agent", "agent_phone", "location")


class DraftAlreadySubmitted(RuntimeError):
    """Two processes tried to submit the same draft; the one that raises this rolled back."""


@dataclass(frozen=True)
class SubmittedReport:
    code: str
    district: str | None  # None: routed to the state-level contact
    first_ngo: str | None  # the NGO's name (None: kept until an NGO directory exists)


def _district(name: Any) -> tuple[str | None, str | None]:
    if not name or name == "unknown":
        return None, None
    district = load_gazetteer().lookup(str(name))
    return (district.name, district.state) if district else (None, None)


def submit_report(session: Session, kind: str, fields: dict[str, Any], channel: str, sender: str,
                  language: str | None, now: datetime | None = None, draft_key: str | None = None) -> SubmittedReport:
    """Store a report and queue its forwards in the caller's transaction; returns the reference code for the reporter.

    `draft_key`: the draft this report was taken in, deleted in the same savepoint (so a crash can neither lose the
    report nor send it twice)."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}")
    now = now or SystemClock().now()
    channel, sender = contacts.reach(session, channel, sender)
    discreet = contacts.is_discreet(session, channel, sender)
    consent = str(fields["contact"]) if fields.get("contact") in CONSENTS else "anonymous"
    district, state = _district(fields.get("district"))
    destination, _ = _district(fields.get("destination"))
    # "unknown" (the person did not know) is left out: the NGO reads only what was said.
    details = {k: fields[k] for k in DETAIL_FIELDS if fields.get(k) not in (None, "", [], "unknown")}
    if fields.get("destination") not in (None, "", "unknown") and not destination:
        details["destination_text"] = str(fields["destination"])
    for _attempt in range(5):
        code = new_code()
        if session.execute(select(Report.id).where(Report.code == code)).first():
            continue
        try:
            with session.begin_nested():
                first_ngo = _store(session, kind, code, fields, channel, sender, language, consent, details,
                                   (district, state, destination), discreet, now, draft_key)
            return SubmittedReport(code, district, first_ngo)
        except IntegrityError:  # two replicas drew the same code at the same moment: draw again
            continue
    raise RuntimeError("could not allocate a report code")


def _store(session: Session, kind: str, code: str, fields: dict[str, Any], channel: str, sender: str,
           language: str | None, consent: str, details: dict[str, Any], places: tuple[str | None, ...],
           discreet: bool, now: datetime, draft_key: str | None) -> str | None:
    """One attempt: the report, its audit entry, its first forward(s), the draft's deletion; the first NGO's name."""
    district, state, destination = places
    urgent = kind == "emergency"
    settings = get_settings()
    report = Report(
        code=code,
        kind=kind,
        urgent=urgent,
        status="received",
        district=district,
        state=state,
        destination_district=destination,
        children_count=fields.get("children_count"),
        language=language,
        channel=channel,
        contact_consent=consent,
        reporter_discreet=discreet,
        reporter_key=None if consent == "anonymous" else pseudonym(channel, sender),
        reporter_address_encrypted=None if consent == "anonymous" else encrypt(sender),
        details_encrypted=encrypt(json.dumps(details, ensure_ascii=False)),
        escalation_level=0,
        ack_due_at=now + (settings.ack_timeout_urgent if urgent else settings.ack_timeout),
        created_at=now,
    )
    session.add(report)
    session.flush()
    audit(session, report, "reporter", "received",
          f"kind={kind} district={district or 'unknown'} urgent={urgent} via {channel}", now)
    if consent != "anonymous":  # the answer to "can the NGO call you back?" (1 share, 2 helpline only)
        record_consent(session, channel, sender, "share_number" if consent == "share" else "callback",
                       "utter_ask_report_contact", language, report_id=report.id, now=now)
    first_ngo = route_report(session, report, now)
    if draft_key is not None:
        deleted = session.execute(delete(ReportDraft).where(ReportDraft.conversation_key == draft_key))
        if deleted.rowcount != 1:
            raise DraftAlreadySubmitted("this draft was submitted by someone else meanwhile")
    return first_ngo


def route_report(session: Session, report: Report, now: datetime) -> str | None:
    """Queue the first forward (and the corridor alert) of a report; returns the first NGO's name. Without an NGO
    directory the report is still kept — nothing is lost — and `route_unrouted` sends it once a directory exists."""
    try:
        chain = chain_for(session, report.district)
    except NoRouteError:
        audit(session, report, "helpline", "unrouted", "no NGO directory yet", now)
        return None
    enqueue_to_ngo(session, report, chain[0], "forward", 0, now)
    corridor = corridor_ngo(session, report.district, report.destination_district)
    if corridor is not None:
        enqueue_to_ngo(session, report, corridor, "corridor", 0, now)
    return chain[0].name


def route_unrouted(session: Session, now: datetime) -> int:
    """Route reports that arrived before any NGO directory was imported; returns how many were routed. The caller
    (the `routing` job, bot.jobs) owns the transaction."""
    routed = 0
    waiting = session.execute(
        select(Report).where(Report.status == "received", ~Report.deliveries.any()).order_by(Report.id)
    ).scalars().all()
    for report in waiting:
        if route_report(session, report, now) is not None:
            report.ack_due_at = now + (get_settings().ack_timeout_urgent if report.urgent
                                       else get_settings().ack_timeout)
            routed += 1
    return routed


def report_status(session: Session, code: str) -> str | None:
    """'received' | 'acknowledged' | 'closed' for a code, None if there is no such report. Nothing more is told."""
    if not is_valid(code):
        return None
    return session.execute(select(Report.status).where(Report.code == code)).scalar_one_or_none()


def details_of(report: Report) -> dict[str, Any]:
    from bot.crypto import decrypt

    return json.loads(decrypt(report.details_encrypted))
