"""The console's locks (issue 13, item 1): CSRF on every form, report text shown inert, strict security headers,
sessions that end, two-factor that cannot be skipped or replayed, failed sign-ins limited and logged by account id
only, disabled accounts out at once, and every view of decrypted data audited — on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pyotp
import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.console.app import CONTENT_SECURITY_POLICY
from bot.store.db import session_scope
from bot.store.models import AuditEvent, ConsoleUser, Report
from tests.console_helpers import PASSWORD, World, build_world, client_for, csrf_of, fast_hashing, post_form, sign_in

SCRIPT_TEXT = '<script>alert("x")</script><img src=x onerror=alert(1)> Rampur'


@pytest.fixture
def world(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("HELPLINE_TRANSLATOR", "off")
    fast_hashing(monkeypatch)
    yield build_world(ManualClock(), what=SCRIPT_TEXT)


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(world: World) -> None:
    client = client_for(world.clock)
    assert client.post("/login", data={"username": "staff-magadh", "password": PASSWORD}).status_code == 400
    sign_in(client, world, "staff-magadh")
    code = world.reports["gaya"]
    assert client.post(f"/reports/{code}/ack", data={}).status_code == 400
    assert client.post(f"/reports/{code}/ack", data={"csrf_token": "forged"}).status_code == 400
    assert client.post(f"/cases/{world.cases['Gaya']}/checkin", data={"home": "no"}).status_code == 400
    assert client.post("/logout", data={}).status_code == 400
    with session_scope() as session:
        assert session.execute(select(Report.status).where(Report.code == code)).scalar_one() == "received"
    assert client.get("/").status_code == 200  # still signed in


def test_report_text_with_html_or_script_is_shown_inert(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    page = client.get(f"/reports/{world.reports['gaya']}").get_data(as_text=True)
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; Rampur" in page


def test_security_headers_and_no_caching_of_personal_data(world: World) -> None:
    client = client_for(world.clock)
    login = client.get("/login")
    assert login.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY and "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert login.headers["X-Frame-Options"] == "DENY" and login.headers["X-Content-Type-Options"] == "nosniff"
    assert login.headers["Referrer-Policy"] == "no-referrer"
    sign_in(client, world, "staff-magadh")
    page = client.get(f"/reports/{world.reports['gaya']}")
    assert page.headers["Cache-Control"] == "no-store"
    cookie = client.get_cookie("helpline_console")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_pages_need_a_sign_in(world: World) -> None:
    client = client_for(world.clock)
    for path in ("/", "/reports", "/cases", f"/reports/{world.reports['gaya']}", "/admin/audit"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_a_session_ends_after_its_lifetime_whatever_the_activity(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    world.clock.advance(minutes=59)
    assert client.get("/").status_code == 200
    world.clock.advance(minutes=2)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/reports").status_code == 302


def test_two_factor_is_required_for_coordinators_and_cannot_be_skipped_or_replayed(world: World) -> None:
    client = client_for(world.clock)
    response = post_form(client, "/login", "/login", {"username": "coord-bihar", "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/enrol")
    assert client.get("/").status_code == 302  # the password alone signs nobody in
    assert sign_in(client, world, "coord-bihar").status_code == 302  # enrols, shows the key once
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").get_data(as_text=True))})
    # Second sign-in: the code page, never the key again; the code just used is refused (replay), a new one works.
    again = client_for(world.clock)
    response = post_form(again, "/login", "/login", {"username": "coord-bihar", "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    assert again.get("/login/enrol").status_code == 302
    page = again.get("/login/code").get_data(as_text=True)
    assert world.secrets["coord-bihar"] not in page
    used = pyotp.TOTP(world.secrets["coord-bihar"]).at(world.clock.now())
    assert again.post("/login/code", data={"csrf_token": csrf_of(page), "code": used}).status_code == 401
    world.clock.advance(seconds=30)
    assert sign_in(again, world, "coord-bihar").status_code == 302
    assert again.get("/").status_code == 200


def test_failed_sign_ins_lock_the_account_and_are_logged_by_id_only(world: World,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    client = client_for(world.clock)
    caplog.set_level(logging.INFO, logger="bot.console.accounts")
    for _ in range(5):
        assert sign_in(client, world, "staff-patna", "wrong password").status_code == 401
    locked = sign_in(client, world, "staff-patna")  # the right password, but locked now
    assert locked.status_code == 401 and "Too many failed attempts" in locked.get_data(as_text=True)
    sign_in(client, world, "nobody-such", "whatever")
    text = caplog.text
    assert "staff-patna" not in text and "nobody-such" not in text and "wrong password" not in text
    with session_scope() as session:
        user_id = session.execute(select(ConsoleUser.id).where(ConsoleUser.username == "staff-patna")).scalar_one()
    assert f"account {user_id}" in text and "no such account" in text
    world.clock.advance(minutes=16)
    assert sign_in(client, world, "staff-patna").status_code == 302


def test_disabling_or_resetting_an_account_ends_its_sessions(world: World) -> None:
    from bot.console.accounts import disable_user, find_user, reset_user

    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    assert client.get("/").status_code == 200
    with session_scope() as session:
        user = find_user(session, "staff-magadh")
        assert user is not None
        disable_user(session, user, "test", world.clock.now())
    assert client.get("/").status_code == 302
    assert sign_in(client_for(world.clock), world, "staff-magadh").status_code == 401
    colleague = client_for(world.clock)
    sign_in(colleague, world, "staff-magadh-2")
    with session_scope() as session:
        user = find_user(session, "staff-magadh-2")
        assert user is not None
        reset_user(session, user, "a new one-time password", "test", world.clock.now())
    assert colleague.get("/").status_code == 302
    assert sign_in(client_for(world.clock), world, "staff-magadh-2", "a new one-time password").status_code == 302


def test_every_view_of_decrypted_data_is_audited_with_the_account_id(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "coord-bihar")
    client.get(f"/reports/{world.reports['gaya']}")
    client.get(f"/cases/{world.cases['Patna']}")
    client.get(f"/reports/{world.reports['jaipur']}")  # out of scope: 404, nothing decrypted, nothing audited
    with session_scope() as session:
        user_id = session.execute(select(ConsoleUser.id).where(ConsoleUser.username == "coord-bihar")).scalar_one()
        events = session.execute(select(AuditEvent.action, AuditEvent.detail, Report.code)
                                 .outerjoin(Report, Report.id == AuditEvent.report_id)
                                 .where(AuditEvent.actor == f"user:{user_id}")).all()
    actions = [(action, code) for action, _detail, code in events]
    assert ("viewed", world.reports["gaya"]) in actions
    assert any(action == "case_viewed" and world.cases["Patna"] in (detail or "") for action, detail, _ in events)
    assert ("viewed", world.reports["jaipur"]) not in actions
    admin = client_for(world.clock)
    sign_in(admin, world, "admin")
    log_page = admin.get("/admin/audit").get_data(as_text=True)
    assert f"user:{user_id}" in log_page and "case_viewed" in log_page


def test_the_console_speaks_hindi(world: World) -> None:
    client = client_for(world.clock)
    page = client.get("/login?lang=hi").get_data(as_text=True)
    assert "साइन इन करें" in page and 'lang="hi"' in page
    sign_in(client, world, "staff-magadh")
    assert "तुरंत करने वाले काम" in client.get("/").get_data(as_text=True)


def test_production_refuses_to_start_the_console_without_its_secret_key(helpline_env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.console.app import create_app
    from bot.settings import ConfigurationError, get_settings

    monkeypatch.setenv("HELPLINE_ENV", "production")
    monkeypatch.setenv("HELPLINE_RASA_TOKEN", "a" * 64)
    monkeypatch.setenv("HELPLINE_ACTION_TOKEN", "b" * 64)
    monkeypatch.delenv("HELPLINE_CONSOLE_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    with pytest.raises(ConfigurationError, match="HELPLINE_CONSOLE_SECRET_KEY"):
        create_app()
    monkeypatch.setenv("HELPLINE_CONSOLE_SECRET_KEY", "c" * 64)
    get_settings.cache_clear()
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.secret_key == "c" * 64
    get_settings.cache_clear()
