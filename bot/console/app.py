"""The console's Flask application: sessions, CSRF, security headers, language, and the blueprints.

Security comes from the well-kept extensions, configured strictly: Flask-Login sessions that end
`console_session_minutes` after sign-in (checked on the server against the sign-in time, not only by the cookie's
expiry) and at once when the account is disabled or reset (the session carries the account's epoch); Flask-WTF CSRF
tokens on every form (a POST without one is refused with 400); a Content-Security-Policy that allows no script at
all and styles and images only from the console itself, so even a report text that carries HTML or script is inert
twice over (Jinja escapes it, and the browser would not run it); pages with personal data are never cached.
"""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Response, g, redirect, request, session, url_for
from flask_login import LoginManager, current_user, logout_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.clock import Clock, SystemClock
from bot.console.context import CLOCK_KEY, now
from bot.console.i18n import LANGUAGES
from bot.console.i18n import install as install_i18n
from bot.console.principal import Principal, load_principal
from bot.settings import ConfigurationError, get_settings
from bot.stats import warm_up as warm_up_charts

CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# Optional blueprints, registered when their module exists (the statistics of issue 13, item 4).
OPTIONAL_BLUEPRINTS = ("bot.console.stats_views",)


def create_app(clock: Clock | None = None, testing: bool = False) -> Flask:
    """The console. `clock`: what the console takes as now (sessions, time left before escalation; tests pass a
    ManualClock)."""
    settings = get_settings()
    if not settings.console_secret_key:
        raise ConfigurationError("HELPLINE_CONSOLE_SECRET_KEY is required outside development (a long random string)")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.console_secret_key,
        TESTING=testing,
        SESSION_COOKIE_NAME="helpline_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.console_secure_cookies,
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.console_session_minutes),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which itself expires
        MAX_CONTENT_LENGTH=64 * 1024,
    )
    app.extensions[CLOCK_KEY] = clock or SystemClock()
    CSRFProtect(app)
    _login_manager(app)
    install_i18n(app)
    _register_blueprints(app)
    app.context_processor(lambda: {"nav_endpoints": app.view_functions})
    app.before_request(_expire_session)
    app.after_request(_security_headers)
    warm_up_charts()  # once per process: the first person's chart does not pay for matplotlib's font loading
    if settings.console_behind_proxy:
        # Behind nginx (production): the client's address and scheme from nginx's one hop, so failed sign-ins are
        # limited per person rather than for everyone at once (nginx's address).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    return app


def _login_manager(app: Flask) -> None:
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = ""  # type: ignore[assignment]
    manager.session_protection = "strong"

    @manager.user_loader
    def _load(user_id: str) -> Principal | None:
        return load_principal(user_id)


def _register_blueprints(app: Flask) -> None:
    from bot.console import admin_views, auth_views, case_views, report_views

    for module in (auth_views, report_views, case_views, admin_views):
        app.register_blueprint(module.bp)
    for name in OPTIONAL_BLUEPRINTS:
        if importlib.util.find_spec(name) is not None:
            app.register_blueprint(importlib.import_module(name).bp)


def _expire_session() -> Any:
    """End a sign-in `console_session_minutes` after it happened, whatever the cookie says."""
    if request.endpoint == "static":
        return None
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
    if current_user.is_authenticated:
        started = session.get("auth_at")
        lifetime = timedelta(minutes=get_settings().console_session_minutes)
        if started is None or now() - datetime.fromisoformat(started) > lifetime:
            logout_user()
            session.clear()
            return redirect(url_for("auth.login"))
        g.viewer = current_user.viewer
    return None


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response
