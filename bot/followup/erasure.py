"""Erasing a person's data from the helpline's store, in the caller's transaction (DPDP Act s.12(3), s.6(4)).

What goes: the contact records of the number (on every channel it can write from), call-back requests, consents,
report drafts and the follow-up case's personal fields. What stays: reports already sent (the NGO holds them and
acts on them) lose the reporter's number and are made anonymous, and the copy of each forward we keep has the number
cut out; a follow-up case is closed with its district, stages and dates kept for district-level counts, and its
names, contact, village, school, the child's age and the check-in answers erased. Rasa's conversation lives in
another database (the tracker store); its ids are kept, encrypted, in the `erasures` row until the application
layer has deleted them (bot/erasure.py), so a process killed in between leaves a row that a job finishes.

Everything here happens in one transaction: either all of the store's part of an erasure is done or none of it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.crypto import decrypt, encrypt, pseudonym
from bot.followup.cases import conversation_id, normalise_address
from bot.reports.drafts import conversation_key as draft_key
from bot.reports.outbox import audit
from bot.store.models import (
    CallbackRequest,
    CheckIn,
    Consent,
    Contact,
    Delivery,
    Erasure,
    FollowupCase,
    Report,
    ReportDraft,
)

ERASED = "[erased]"
INPUT_CHANNELS = ("twilio", "telegram", "rest")  # Rasa's input channels: report drafts are keyed by them
OPEN_CHECKINS = ("scheduled", "firing", "waiting")


@dataclass(frozen=True)
class Identity:
    """One way the person reaches the helpline: (channel, address)."""

    channel: str
    address: str

    @property
    def key(self) -> str:
        return pseudonym(self.channel, self.address)

    @property
    def conversation(self) -> str:
        return conversation_id(self.channel, self.address)


def identities_of(contact: str, channel: str | None = None) -> list[Identity]:
    """Every channel a contact can write from: a phone number is the same person on SMS and WhatsApp, a number
    without "+" is a Telegram chat id; `channel` narrows it to one (e.g. "rest" for the local chat's sender id)."""
    value = "".join(contact.split()).removeprefix("whatsapp:")
    if channel:
        return [Identity(channel, normalise_address(channel, value) if channel != "rest" else value)]
    if value.startswith(("+", "00")):
        address = normalise_address("sms", value)
        return [Identity("sms", address), Identity("whatsapp", address)]
    if value.lstrip("-").isdigit():
        return [Identity("telegram", value)]
    return [Identity("rest", value)]


def scrub(blob: bytes | None, secrets: set[str]) -> bytes | None:
    """The encrypted text with every secret (number, names) cut out; unchanged when it holds none."""
    if blob is None or not secrets:
        return blob
    plain = decrypt(blob)
    cleaned = plain
    for secret in sorted(secrets, key=len, reverse=True):
        cleaned = cleaned.replace(secret, ERASED)
    return blob if cleaned == plain else encrypt(cleaned)


def erase_case_personal_fields(session: Session, case: FollowupCase, now: datetime) -> set[str]:
    """Close a case and erase its personal fields; returns the secrets it held (to cut out of alerts and forwards).
    District, state, stages and the month of return stay for the district-level counts."""
    secrets = {decrypt(blob) for blob in (case.address_encrypted, case.guardian_name_encrypted,
                                          case.child_name_encrypted, case.place_encrypted,
                                          case.school_name_encrypted) if blob}
    secrets.discard("")
    if case.status != "closed":
        case.status = "closed"
    case.contact_key = f"erased-{case.id}"
    case.address_encrypted = encrypt("")
    case.guardian_name_encrypted = case.child_name_encrypted = case.place_encrypted = None
    case.school_name_encrypted = None
    case.child_age = None
    case.returned_on = case.returned_on.replace(day=1)
    for checkin in session.execute(select(CheckIn).where(CheckIn.case_id == case.id)).scalars():
        checkin.answers_encrypted = None
        if checkin.status in OPEN_CHECKINS:
            checkin.status, checkin.lease_until = "cancelled", None
    for alert in session.execute(select(Report).where(Report.case_id == case.id)).scalars():
        _anonymise_report(session, alert, secrets)
    audit(session, None, "helpline", "case_erased", f"case={case.reference}", now)
    return secrets


def _anonymise_report(session: Session, report: Report, secrets: set[str]) -> None:
    """The report stays (the NGO has it) without the reporter's number; our copies of its texts lose the secrets."""
    if report.reporter_address_encrypted:
        secrets = secrets | {decrypt(report.reporter_address_encrypted)}
    report.reporter_key = None
    report.reporter_address_encrypted = None
    report.contact_consent = "anonymous"
    report.details_encrypted = scrub(report.details_encrypted, secrets) or report.details_encrypted
    report.close_note_encrypted = scrub(report.close_note_encrypted, secrets)
    for delivery in session.execute(select(Delivery).where(Delivery.report_id == report.id)).scalars():
        delivery.body_encrypted = scrub(delivery.body_encrypted, secrets)


def erase_person(session: Session, identities: list[Identity], now: datetime, actor: str) -> Erasure:
    """Erase everything the store holds about these identities and record the erasure (pending until the tracker
    part is done). Counts only in the audit: no number, pseudonym or name."""
    keys = {identity.key for identity in identities}
    conversations = {identity.conversation for identity in identities}
    secrets = {identity.address for identity in identities}
    counts: Counter[str] = Counter()
    contact_ids = list(session.execute(select(Contact.id).where(Contact.contact_key.in_(keys))).scalars())
    if contact_ids:
        counts["callbacks"] = session.execute(
            delete(CallbackRequest).where(CallbackRequest.contact_id.in_(contact_ids))).rowcount
        counts["contacts"] = session.execute(delete(Contact).where(Contact.id.in_(contact_ids))).rowcount
    counts["consents"] = session.execute(delete(Consent).where(Consent.contact_key.in_(keys))).rowcount
    drafts = {draft_key(channel, conversation) for channel in INPUT_CHANNELS for conversation in conversations}
    counts["drafts"] = session.execute(delete(ReportDraft).where(ReportDraft.conversation_key.in_(drafts))).rowcount
    for case in session.execute(select(FollowupCase).where(FollowupCase.contact_key.in_(keys))).scalars():
        secrets |= erase_case_personal_fields(session, case, now)
        counts["cases"] += 1
    for report in session.execute(select(Report).where(Report.reporter_key.in_(keys))).scalars():
        _anonymise_report(session, report, secrets)
        audit(session, report, "helpline", "reporter_erased", "the reporter's number was erased", now)
        counts["reports"] += 1
    erasure = Erasure(requested_at=now, actor=actor, status="pending",
                      conversations_encrypted=encrypt(json.dumps(sorted(conversations))),
                      counts=" ".join(f"{name}={counts[name]}" for name in sorted(counts)))
    session.add(erasure)
    session.flush()
    return erasure


def pending_conversations(erasure: Erasure) -> list[str]:
    """The tracker conversations an unfinished erasure still has to delete."""
    if not erasure.conversations_encrypted:
        return []
    return list(json.loads(decrypt(erasure.conversations_encrypted)))


def mark_done(erasure: Erasure, tracker_events: int, now: datetime) -> None:
    """The tracker part is done: forget the conversation ids, keep the counts."""
    erasure.status = "done"
    erasure.finished_at = now
    erasure.conversations_encrypted = None
    erasure.counts = f"{erasure.counts} tracker_events={tracker_events}".strip()[:300]
