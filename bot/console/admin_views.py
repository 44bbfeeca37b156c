"""The admin's pages: the accounts (disable, reset with a one-time password shown once) and the audit log — every
view of decrypted personal data and every change, with who (an account id, an NGO key, the worker), what and when."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, g, render_template, request
from flask_login import login_required
from sqlalchemy import select

from bot.console import accounts
from bot.console.context import now
from bot.console.forms import EmptyForm
from bot.store.db import session_scope
from bot.store.models import AuditEvent, ConsoleUser, Report

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE = 200


def admin_only(view):  # type: ignore[no-untyped-def]
    """Anyone but an admin gets 404: the admin pages do not exist for them."""

    @wraps(view)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        if g.viewer.role != "admin":
            abort(404)
        return view(*args, **kwargs)

    return wrapper


@bp.route("/audit")
@login_required
@admin_only
def audit_log():  # type: ignore[no-untyped-def]
    before = request.args.get("before", type=int)
    with session_scope() as db:
        query = select(AuditEvent, Report.code).outerjoin(Report, Report.id == AuditEvent.report_id)
        if before:
            query = query.where(AuditEvent.id < before)
        rows = db.execute(query.order_by(AuditEvent.id.desc()).limit(PAGE)).all()
        events = [{"id": e.id, "at": e.at, "actor": e.actor, "action": e.action, "detail": e.detail, "code": code}
                  for e, code in rows]
    return render_template("audit.html", events=events, next_before=events[-1]["id"] if len(events) == PAGE else None)


@bp.route("/users")
@login_required
@admin_only
def users():  # type: ignore[no-untyped-def]
    with session_scope() as db:
        rows = [{"id": u.id, "username": u.username, "role": u.role, "ngo": u.ngo.key if u.ngo else "",
                 "state": u.state or "", "active": u.active, "two_factor": u.totp_confirmed_at is not None}
                for u in db.execute(select(ConsoleUser).order_by(ConsoleUser.username)).scalars()]
    return render_template("users.html", rows=rows, button=EmptyForm(), password=None)


@bp.route("/users/<int:user_id>/<action>", methods=["POST"])
@login_required
@admin_only
def change_user(user_id: int, action: str):  # type: ignore[no-untyped-def]
    form = EmptyForm()
    if not form.validate_on_submit() or action not in ("disable", "reset"):
        abort(400)
    password = None
    with session_scope() as db:
        user = db.get(ConsoleUser, user_id)
        if user is None:
            abort(404)
        if action == "disable":
            accounts.disable_user(db, user, g.viewer.actor, now())
        else:
            password = accounts.new_password()
            accounts.reset_user(db, user, password, g.viewer.actor, now())
        rows = [{"id": u.id, "username": u.username, "role": u.role, "ngo": u.ngo.key if u.ngo else "",
                 "state": u.state or "", "active": u.active, "two_factor": u.totp_confirmed_at is not None}
                for u in db.execute(select(ConsoleUser).order_by(ConsoleUser.username)).scalars()]
    return render_template("users.html", rows=rows, button=form, password=password, reset_id=user_id)
