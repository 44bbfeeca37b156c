"""Reports: "action needed" first, the list, one report in full, and what an NGO does with it.

Every list is one query under the viewer's scope clause (bot.console.scope); a report page is found under the same
clause or is a 404. Opening a report decrypts its text and forwards, and is written to its audit trail. Acting
(acknowledge, close) goes through `bot.reports.acknowledgement.act_on_report` — the very function of the OK/CLOSE
messages, with its access check — and referring through `bot.reports.referrals`.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.console.context import now
from bot.console.forms import AssignForm, CloseForm, DecisionForm, EmptyForm, ReferForm
from bot.console.i18n import current_language, t
from bot.console.scope import Viewer, cases_clause, ngo_of, report_or_404, reports_clause, sees_report
from bot.crypto import decrypt
from bot.followup.coordinator import ALERT_KINDS, OPEN_CHECKIN, reason_of
from bot.replies import text as reply_text
from bot.reports.acknowledgement import act_on_report
from bot.reports.outbox import audit
from bot.reports.referrals import ReferralError, decide_referral, refer_report, referrals_of
from bot.reports.service import details_of
from bot.store.db import session_scope
from bot.store.models import (
    AuditEvent,
    CheckIn,
    ConsoleUser,
    Delivery,
    FollowupCase,
    Ngo,
    OutboundStatus,
    Referral,
    Report,
    ReportAssignment,
)

bp = Blueprint("reports", __name__)
# A report's detail fields, labelled with the words of the forwards NGOs already read (ngo.forward.*).
FIELD_WORDS = {"place": "place", "what": "what", "children_text": "children", "children_ages": "ages",
               "destination_text": "to", "transport": "transport", "train_number": "train", "agent": "agent",
               "agent_phone": "agent_phone", "location": "location", "case": "case", "reason": "case"}
PAGE = 100


@bp.route("/")
@login_required
def dashboard():  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    moment = now()
    with session_scope() as db:
        scope = reports_clause(db, viewer)
        waiting = db.execute(
            select(Report).where(scope, Report.status == "received", Report.kind.not_in(ALERT_KINDS))
            .order_by(Report.urgent.desc(), Report.ack_due_at, Report.id).limit(PAGE)
        ).scalars().all()
        alerts = db.execute(
            select(Report).where(scope, Report.kind.in_(ALERT_KINDS), Report.status != "closed")
            .order_by(Report.urgent.desc(), Report.id).limit(PAGE)
        ).scalars().all()
        overdue = db.execute(
            select(CheckIn, FollowupCase.reference, FollowupCase.district)
            .join(FollowupCase, FollowupCase.id == CheckIn.case_id)
            .where(cases_clause(db, viewer), FollowupCase.status == "active",
                   ((CheckIn.status.in_(OPEN_CHECKIN)) & (CheckIn.due_at <= moment)) | (CheckIn.status == "missed"))
            .order_by(CheckIn.due_at).limit(PAGE)
        ).all()
        referrals = _pending_referrals(db, viewer)
        rows = [_waiting_row(r, moment) for r in waiting]
        alert_rows = [{"code": r.code, "reason": reason_of(r), "urgent": r.urgent, "status": r.status,
                       "district": r.district} for r in alerts]
        overdue_rows = _one_per_case(overdue, moment)
    return render_template("dashboard.html", waiting=rows, alerts=alert_rows, overdue=overdue_rows,
                           referrals=referrals)


def _waiting_row(report: Report, moment) -> dict:  # type: ignore[no-untyped-def]
    minutes = int((as_utc(report.ack_due_at) - moment).total_seconds() // 60) if report.ack_due_at else None
    return {"code": report.code, "kind": report.kind, "urgent": report.urgent, "district": report.district,
            "level": report.escalation_level, "minutes_left": minutes}


def _one_per_case(rows, moment) -> list[dict]:  # type: ignore[no-untyped-def]
    """The latest overdue check-in of each case (the worker sends only the latest of several due), oldest first."""
    latest: dict[str, dict] = {}
    for checkin, reference, district in rows:
        latest[reference] = {"reference": reference, "district": district, "label": checkin.label,
                             "status": checkin.status, "days": (moment - as_utc(checkin.due_at)).days}
    return list(latest.values())


def _pending_referrals(db: Session, viewer: Viewer) -> list[dict]:
    if viewer.ngo_id is None:
        return []
    rows = db.execute(
        select(Referral, Report.code).join(Report, Report.id == Referral.report_id)
        .where(Referral.to_ngo_id == viewer.ngo_id, Referral.status == "pending").order_by(Referral.id)
    ).all()
    return [{"code": code, "from": ref.from_ngo.name if ref.from_ngo else ""} for ref, code in rows]


@bp.route("/reports")
@login_required
def report_list():  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    status, kind, district = (request.args.get(k) or None for k in ("status", "kind", "district"))
    with session_scope() as db:
        query = select(Report).where(reports_clause(db, viewer)).order_by(Report.id.desc()).limit(PAGE)
        if status:
            query = query.where(Report.status == status)
        if kind:
            query = query.where(Report.kind == kind)
        if district:
            query = query.where(Report.district == district)
        rows = [{"code": r.code, "kind": r.kind, "urgent": r.urgent, "status": r.status, "district": r.district,
                 "created_at": as_utc(r.created_at)} for r in db.execute(query).scalars()]
    return render_template("reports.html", rows=rows, status=status, kind=kind, district=district)


@bp.route("/reports/<code>")
@login_required
def report_detail(code: str):  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    with session_scope() as db:
        report = report_or_404(db, viewer, code)
        audit(db, report, viewer.actor, "viewed", "console: text, forwards and reporter decrypted", now())
        page = _report_page(db, viewer, report)
    return render_template("report.html", **page)


def _report_page(db: Session, viewer: Viewer, report: Report) -> dict:
    deliveries = db.execute(
        select(Delivery, OutboundStatus.status).outerjoin(OutboundStatus,
                                                          OutboundStatus.provider_id == Delivery.provider_id)
        .where(Delivery.report_id == report.id).order_by(Delivery.id)
    ).all()
    trail = db.execute(select(AuditEvent).where(AuditEvent.report_id == report.id).order_by(AuditEvent.id)).scalars()
    assignment = db.get(ReportAssignment, report.id)
    ngo = ngo_of(db, viewer)
    colleagues = db.execute(select(ConsoleUser).where(ConsoleUser.ngo_id == viewer.ngo_id,
                                                      ConsoleUser.active.is_(True)).order_by(ConsoleUser.username)
                            ).scalars().all() if viewer.acts_for_ngo else []
    others = db.execute(select(Ngo).where(Ngo.active.is_(True), Ngo.id != (viewer.ngo_id or -1)).order_by(Ngo.name)
                        ).scalars().all() if viewer.acts_for_ngo else []
    assign, refer = AssignForm(), ReferForm()
    assign.user_id.choices = [(u.id, u.username) for u in colleagues]
    refer.ngo_id.choices = [(n.id, n.name) for n in others]
    referrals = referrals_of(db, report)
    return {
        "report": report, "details": _labelled(details_of(report)),
        "reporter": decrypt(report.reporter_address_encrypted) if report.reporter_address_encrypted else None,
        "close_note": decrypt(report.close_note_encrypted) if report.close_note_encrypted else None,
        "deliveries": [{"marker": d.marker, "purpose": d.purpose, "ngo": d.ngo.name if d.ngo else "",
                        "channel": d.channel, "status": d.status, "provider_status": provider, "attempts": d.attempts,
                        "text": decrypt(d.body_encrypted) if d.body_encrypted else None}
                       for d, provider in deliveries],
        "trail": list(trail), "assigned": assignment.user.username if assignment else None,
        "referrals": [{"id": r.id, "to": r.to_ngo.name, "from": r.from_ngo.name if r.from_ngo else "",
                       "status": r.status, "mine": ngo is not None and r.to_ngo_id == ngo.id} for r in referrals],
        "may_act": viewer.acts_for_ngo, "close_form": CloseForm(), "button": EmptyForm(),
        "assign_form": assign, "refer_form": refer, "decision_form": DecisionForm(),
    }


def _labelled(details: dict) -> list[tuple[str, str]]:
    language = current_language()
    return [(reply_text(f"ngo.forward.{FIELD_WORDS[key]}", language) if key in FIELD_WORDS else key,
             ", ".join(str(v) for v in value) if isinstance(value, list) else str(value))
            for key, value in details.items()]


def _acting(db: Session, viewer: Viewer, code: str) -> tuple[Report, Ngo]:
    """The report (in scope, else 404) and the viewer's NGO; only NGO staff act (403 for the others)."""
    report = report_or_404(db, viewer, code)
    ngo = ngo_of(db, viewer)
    if not viewer.acts_for_ngo or ngo is None:
        abort(403)
    return report, ngo


@bp.route("/reports/<code>/ack", methods=["POST"])
@login_required
def acknowledge(code: str):  # type: ignore[no-untyped-def]
    return _ngo_command(code, "ack", EmptyForm())


@bp.route("/reports/<code>/close", methods=["POST"])
@login_required
def close(code: str):  # type: ignore[no-untyped-def]
    form = CloseForm()
    return _ngo_command(code, "close", form, (form.note.data or "").strip())


def _ngo_command(code: str, verb: str, form, note: str = ""):  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    if not form.validate_on_submit():
        abort(400)
    with session_scope() as db:
        report, ngo = _acting(db, viewer, code)
        result = act_on_report(db, ngo, verb, report.code, note, f"console {viewer.actor}", now())
        flash(t(f"flash.{result.action}") if result.action in ("acknowledged", "closed", "already")
              else result.reply)
    return redirect(url_for("reports.report_detail", code=code))


@bp.route("/reports/<code>/assign", methods=["POST"])
@login_required
def assign(code: str):  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    with session_scope() as db:
        report, ngo = _acting(db, viewer, code)
        form = AssignForm()
        colleague = db.get(ConsoleUser, form.user_id.data) if form.user_id.data else None
        form.user_id.choices = [(colleague.id, colleague.username)] if colleague else []
        if not form.validate_on_submit() or colleague is None or colleague.ngo_id != ngo.id or not colleague.active:
            abort(400)
        existing = db.get(ReportAssignment, report.id)
        if existing is None:
            db.add(ReportAssignment(report_id=report.id, user_id=colleague.id, assigned_at=now()))
        else:
            existing.user_id, existing.assigned_at = colleague.id, now()
        audit(db, report, viewer.actor, "assigned", f"to user:{colleague.id}", now())
        flash(t("flash.assigned"))
    return redirect(url_for("reports.report_detail", code=code))


@bp.route("/reports/<code>/refer", methods=["POST"])
@login_required
def refer(code: str):  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    with session_scope() as db:
        report, ngo = _acting(db, viewer, code)
        form = ReferForm()
        target = db.get(Ngo, form.ngo_id.data) if form.ngo_id.data else None
        form.ngo_id.choices = [(target.id, target.name)] if target else []
        if not form.validate_on_submit() or target is None:
            abort(400)
        try:
            refer_report(db, report, ngo, target, viewer.actor, now(), viewer.id)
            flash(t("flash.referred"))
        except ReferralError:
            flash(t("flash.refer_refused"))
    return redirect(url_for("reports.report_detail", code=code))


@bp.route("/reports/<code>/referrals/<int:referral_id>", methods=["POST"])
@login_required
def decide(code: str, referral_id: int):  # type: ignore[no-untyped-def]
    viewer: Viewer = g.viewer
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    with session_scope() as db:
        report, ngo = _acting(db, viewer, code)
        referral = db.get(Referral, referral_id)
        if referral is None or referral.report_id != report.id:
            abort(404)
        try:
            decide_referral(db, referral, ngo, form.decision.data or "", viewer.actor, now())
            flash(t(f"flash.referral_{form.decision.data}"))
        except ReferralError:
            abort(404)
        still_sees = sees_report(db, viewer, report)
    # Declining gives the report back: unless the NGO sees it for another reason, its page is now a 404.
    return redirect(url_for("reports.report_detail", code=code) if still_sees else url_for("reports.dashboard"))
