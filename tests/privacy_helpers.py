"""Shared by the erasure and retention tests: a person with data everywhere, a tracker store, and a scan of every
table (decrypting every encrypted column) for anything that still holds them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from bot.clock import ManualClock
from bot.crypto import decrypt, encrypt
from bot.followup.cases import Enrolment, create_case
from bot.reports.drafts import save_draft
from bot.store.contacts import record_callback_request, remember_inbound
from bot.store.db import session_scope
from bot.store.models import Base, Delivery, Report
from tests.reports_helpers import REPORTER, file_report, import_sample

GUARDIAN = "Sunita Testdevi"  # obviously fictitious
CHILD = "Munna Testkumar"
VILLAGE = "Testpur"
OTHER = "+15005550009"

TRACKER_DDL = ("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
               "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
               "action_name VARCHAR(255), data TEXT)")


@dataclass
class Person:
    number: str
    report_code: str
    case_reference: str
    conversations: list[str]


def make_tracker(path: Path) -> str:
    """A tracker store shaped like Rasa's SQL one (the `events` table): the tests write to it as Rasa would."""
    url = f"sqlite:///{path}"
    with create_engine(url, future=True).begin() as connection:
        connection.execute(text(TRACKER_DDL))
    return url


def add_events(url: str, sender: str, *texts: str) -> None:
    with create_engine(url, future=True).begin() as connection:
        for words in texts:
            connection.execute(text("INSERT INTO events (sender_id, type_name, data) VALUES (:s, 'user', :d)"),
                               {"s": sender, "d": f'{{"text": "{words}"}}'})


def tracker_rows(url: str, sender: str | None = None) -> list[tuple[str, str]]:
    query = "SELECT sender_id, data FROM events" + (" WHERE sender_id = :s" if sender else "")
    with create_engine(url, future=True).connect() as connection:
        return [(row[0], row[1]) for row in connection.execute(text(query), {"s": sender})]


def person_with_data_everywhere(clock: ManualClock, tracker: str, number: str = REPORTER) -> Person:
    """A contact on WhatsApp and SMS with a call-back request, a report sharing the number (its forward composed
    with it), a draft, a follow-up case with names, and conversations in the tracker; and someone else's data."""
    import_sample()
    with session_scope() as session:
        whatsapp = remember_inbound(session, "whatsapp", number, clock.now())
        sms = remember_inbound(session, "sms", number, clock.now())
        record_callback_request(session, "whatsapp", number, "hi")
        remember_inbound(session, "whatsapp", OTHER, clock.now())
        record_callback_request(session, "whatsapp", OTHER, "hi")
    submitted = file_report(clock)  # sms, REPORTER, consent "share"
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == submitted.code)).scalar_one()
        for delivery in session.execute(select(Delivery).where(Delivery.report_id == report.id)).scalars():
            delivery.body_encrypted = encrypt(f"Report {report.code}. Reporter (may be called): {number}")
            delivery.status = "sent"
        case = create_case(session, Enrolment(channel="whatsapp", address=number, district="Gaya",
                                              returned_on=date(2026, 11, 10), language="hi", child_age=12,
                                              guardian_consent="CWC file",
                                              guardian_name=GUARDIAN, child_name=CHILD, place=VILLAGE),
                           None, "active", clock.now(), "cli")
        reference = case.reference
        save_draft(session, "twilio", whatsapp, "missing", {"what": f"{CHILD} is missing from {VILLAGE}"},
                   clock.now())
    add_events(tracker, whatsapp, f"mera naam {GUARDIAN}", "delete my data")
    add_events(tracker, sms, "status")
    add_events(tracker, "someone-else", "namaste")
    return Person(number, submitted.code, reference, [whatsapp, sms])


def rows_holding(session: Session, secrets: list[str]) -> list[str]:
    """"table.column" of every value (encrypted ones decrypted) in which one of `secrets` appears."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).mappings():
            for column, value in row.items():
                if isinstance(value, (bytes, memoryview)):
                    try:
                        value = decrypt(bytes(value))
                    except Exception:  # not one of our tokens
                        value = bytes(value).decode("utf-8", "replace")
                if isinstance(value, str) and any(secret and secret in value for secret in secrets):
                    found.append(f"{table.name}.{column}")
    return found
