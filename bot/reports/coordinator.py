"""Reports as coordinators see them on the command line: lists, one report in full, and a CSV export.

Decryption happens only here (and in the forwards themselves): the `helpline` tool runs on the coordinator's own
machine with the key; the dialogue and the logs never show a report's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crypto import decrypt
from bot.csv_export import csv_text
from bot.reports.service import details_of
from bot.store import contacts
from bot.store.models import AuditEvent, Delivery, Ngo, Report


@dataclass(frozen=True)
class ReportRow:
    code: str
    created_at: datetime
    kind: str
    urgent: bool
    status: str
    district: str
    destination: str
    children: str
    escalation_level: int
    acknowledged_by: str
    deliveries_sent: int
    deliveries_pending: int


def list_reports(session: Session, status: str | None = None, district: str | None = None,
                 limit: int = 200) -> list[ReportRow]:
    """Newest first; counts only, no free text (safe to show on a shared screen)."""
    query = select(Report).order_by(Report.id.desc()).limit(limit)
    if status:
        query = query.where(Report.status == status)
    if district:
        query = query.where(Report.district == district)
    names = {ngo.id: ngo.name for ngo in session.execute(select(Ngo)).scalars()}
    rows = []
    for report in session.execute(query).scalars():
        sent = sum(1 for d in report.deliveries if d.status == "sent")
        pending = sum(1 for d in report.deliveries if d.status in ("pending", "sending", "failed"))
        rows.append(ReportRow(
            report.code, report.created_at, report.kind, report.urgent, report.status,
            report.district or "unknown", report.destination_district or "", str(report.children_count or ""),
            report.escalation_level, names.get(report.acknowledged_by, ""), sent, pending,
        ))
    return rows


def show_report(session: Session, code: str) -> dict[str, Any] | None:
    """One report in full, decrypted: details, reporter (only as consented), deliveries with texts, audit trail."""
    report = session.execute(select(Report).where(Report.code == code)).scalar_one_or_none()
    if report is None:
        return None
    deliveries = session.execute(select(Delivery).where(Delivery.report_id == report.id)
                                 .order_by(Delivery.id)).scalars()
    audit = session.execute(select(AuditEvent).where(AuditEvent.report_id == report.id)
                            .order_by(AuditEvent.id)).scalars()
    return {
        "code": report.code,
        "kind": report.kind,
        "urgent": report.urgent,
        "status": report.status,
        "created_at": report.created_at,
        "district": report.district or "unknown",
        "destination": report.destination_district,
        "children": report.children_count,
        "language": report.language,
        "channel": report.channel,
        "consent": report.contact_consent,
        "discreet": report.reporter_discreet,
        "reporter": decrypt(report.reporter_address_encrypted) if report.reporter_address_encrypted else None,
        "details": details_of(report),
        "close_note": decrypt(report.close_note_encrypted) if report.close_note_encrypted else None,
        "deliveries": [
            {
                "marker": d.marker, "purpose": d.purpose, "ngo": d.ngo.name if d.ngo else "", "channel": d.channel,
                "status": d.status, "attempts": d.attempts, "sent_at": d.sent_at, "error": d.last_error,
                "text": decrypt(d.body_encrypted) if d.body_encrypted else None,
            }
            for d in deliveries
        ],
        "audit": [(e.at, e.actor, e.action, e.detail) for e in audit],
    }


DISCREET_NOTICE = ("DISCREET MODE: the reporter may share the phone with the people concerned; do not call back or "
                   "write to them openly")


def reporter_discreet(session: Session, code: str) -> bool | None:
    """For the coordinator view (console or CLI): whether the report's reporter was in discreet mode, so nobody calls
    back or writes to them openly; None when there is no such report. The contact's current flag counts too (they
    may have switched it on after reporting), when the report keeps their pseudonym."""
    report = session.execute(select(Report).where(Report.code == code)).scalar_one_or_none()
    if report is None:
        return None
    return bool(report.reporter_discreet) or contacts.is_discreet_key(session, report.reporter_key)


CSV_COLUMNS = ("code", "created_at", "kind", "urgent", "status", "district", "destination", "children",
           "escalation_level", "acknowledged_by", "deliveries_sent", "deliveries_pending")


def export_csv(rows: list[ReportRow]) -> str:
    """The coordinators' spreadsheet: one line per report, no free text and no phone numbers."""
    return csv_text(CSV_COLUMNS, (
        [row.code, row.created_at.isoformat(timespec="seconds"), row.kind, int(row.urgent), row.status, row.district,
         row.destination, row.children, row.escalation_level, row.acknowledged_by, row.deliveries_sent,
         row.deliveries_pending]
        for row in rows
    ))
