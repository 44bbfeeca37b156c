"""Signing in: password (argon2), then a TOTP code for coordinators, admins and staff who enrolled one; the first
sign-in of such an account shows its secret once and asks for a code before it counts. Failed attempts lock the
account (bot.console.accounts) and, for unknown usernames, slow the client down (a per-address window here)."""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import timedelta

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user

from bot.console import accounts
from bot.console.context import now
from bot.console.forms import CodeForm, EmptyForm, LoginForm
from bot.console.i18n import t
from bot.console.principal import Principal
from bot.console.scope import viewer_of
from bot.store.db import session_scope
from bot.store.models import ConsoleUser

bp = Blueprint("auth", __name__)
CLIENT_WINDOW = timedelta(minutes=15)
CLIENT_MAX_FAILURES = 20
_failures: dict[str, deque] = defaultdict(deque)


def _client_blocked(address: str) -> bool:
    window = _failures[address]
    while window and now() - window[0] > CLIENT_WINDOW:
        window.popleft()
    return len(window) >= CLIENT_MAX_FAILURES


def _client_failed(address: str) -> None:
    _failures[address].append(now())


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    message = None
    address = request.remote_addr or "?"
    if form.validate_on_submit():
        if _client_blocked(address):
            return render_template("login.html", form=form, message=t("login.locked")), 429
        with session_scope() as db:
            check = accounts.check_password(db, form.username.data or "", form.password.data or "", now())
            if check.user_id is None:
                _client_failed(address)
                message = t("login.locked") if check.outcome == "locked" else t("login.wrong")
            else:
                user = db.get(ConsoleUser, check.user_id)
                assert user is not None
                _fresh_session()
                if not accounts.needs_two_factor(user):
                    return _complete(db, user)
                session["pending_user"] = f"{user.id}:{user.session_epoch}"
                step = "auth.two_factor" if user.totp_confirmed_at else "auth.enrol_two_factor"
                return redirect(url_for(step))
    return render_template("login.html", form=form, message=message), (401 if message else 200)


def _pending(db) -> ConsoleUser:  # type: ignore[no-untyped-def]
    """The account that passed the password step in this browser (and has not been reset since)."""
    pending = session.get("pending_user")
    if not pending:
        abort(404)
    user_id, epoch = (int(p) for p in str(pending).split(":"))
    user = db.get(ConsoleUser, user_id)
    if user is None or not user.active or user.session_epoch != epoch:
        session.clear()
        abort(404)
    return user


@bp.route("/login/code", methods=["GET", "POST"])
def two_factor():  # type: ignore[no-untyped-def]
    form = CodeForm()
    with session_scope() as db:
        user = _pending(db)
        if form.validate_on_submit():
            if accounts.verify_totp(user, form.code.data or "", now()):
                return _complete(db, user)
            accounts.record_failure(db, user, now())
            _client_failed(request.remote_addr or "?")
            return render_template("two_factor.html", form=form, message=t("login.bad_code")), 401
    return render_template("two_factor.html", form=form, message=None)


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol_two_factor():  # type: ignore[no-untyped-def]
    """Shown until the account's first code is confirmed: the secret and the otpauth:// URI for an authenticator
    app. Once confirmed, no page shows the secret again (a reset makes a new one)."""
    form = CodeForm()
    with session_scope() as db:
        user = _pending(db)
        if user.totp_confirmed_at is not None:
            return redirect(url_for("auth.two_factor"))
        secret = accounts.totp_secret(db, user)
        uri = accounts.provisioning_uri(user, secret)
        message = None
        if form.validate_on_submit():
            if accounts.verify_totp(user, form.code.data or "", now()):
                user.totp_confirmed_at = now()
                return _complete(db, user)
            accounts.record_failure(db, user, now())
            message = t("login.bad_code")
        return render_template("enrol_two_factor.html", form=form, secret=secret, uri=uri, message=message)


def _complete(db, user: ConsoleUser):  # type: ignore[no-untyped-def]
    accounts.signed_in(db, user, now())
    _fresh_session()
    login_user(Principal(viewer_of(user)))
    session.permanent = True
    session["auth_at"] = now().isoformat()
    return redirect(url_for("reports.dashboard"))


def _fresh_session() -> None:
    """A new session at each sign-in step (nothing carried over from before signing in but the language)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


@bp.route("/logout", methods=["POST"])
@login_required
def logout():  # type: ignore[no-untyped-def]
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
    return redirect(url_for("auth.login"))
