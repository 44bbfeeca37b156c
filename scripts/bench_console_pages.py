"""The console's own pages for `scripts/bench_console.py`: real HTTP requests through the Flask application (its
test client: routing, sign-in session, CSRF, templates, security headers — everything but a socket), signed in as
three people of the seeded store: Magadh's NGO staff, Bihar's coordinator and an admin (the last two with their
two-factor code, computed for the console's clock, the seed's `NOW`).

Pages: the dashboard, the reports list, a report's detail, the cases list filtered to overdue, a case's detail, the
statistics page and each figure's page and chart (the chart drawn afresh each time: the cache is cleared, as when a
number has changed). Used by `bench_console.py` unless `--no-console`; alone:
`... bench_console.py --no-stats --pages scripts.bench_console_pages:console_pages` on an existing store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

PASSWORD = "bench console password 1"  # the bench's throw-away accounts, in the throw-away store only
PEOPLE = {"bench-staff": ("ngo_staff", "magadh-child-rights-sample", None),
          "bench-coord": ("state_coordinator", None, "Bihar"),
          "bench-admin": ("admin", None, None)}


def console_pages() -> list[Any]:
    """`Page`s of the console for each of the three people (accounts added to the store on first use)."""
    from bot.clock import ManualClock
    from bot.console.app import create_app
    from bot.stats import FIGURES
    from scripts.bench_console import Page
    from scripts.seed_console import NOW

    clock = ManualClock(NOW)
    _accounts(clock)
    app = create_app(clock=clock)
    staff, coord, admin = (_signed_in(app, clock, name) for name in PEOPLE)
    report, case = _in_scope_of_staff()
    pages = []
    for who, client in (("staff", staff), ("coordinator", coord), ("admin", admin)):
        for label, path in (("dashboard", "/"), ("reports list", "/reports"), ("cases list overdue",
                                                                               "/cases?overdue=1"),
                            ("report detail", f"/reports/{report}"), ("case detail", f"/cases/{case}"),
                            ("statistics page", "/stats")):
            pages.append(Page(f"{label} ({who})", partial(_get, client, path)))
    for who, client in (("staff", staff), ("coordinator", coord)):
        for figure in FIGURES:
            pages.append(Page(f"stats {figure} table ({who})", partial(_get, client, f"/stats/{figure}")))
            pages.append(Page(f"stats {figure} chart ({who})",
                              partial(_get, client, f"/stats/{figure}.svg", fresh=True)))
    return pages


def _get(client: Any, path: str, fresh: bool = False) -> bytes:
    if fresh:
        from bot.stats import clear_chart_cache

        clear_chart_cache()
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")
    return bytes(response.data)


def _accounts(clock: Any) -> None:
    from bot.console.accounts import add_user, find_user
    from bot.store.db import session_scope

    with session_scope() as session:
        for name, (role, ngo, state) in PEOPLE.items():
            if find_user(session, name) is None:
                add_user(session, name, role, PASSWORD, ngo, state, "bench", clock.now())


def _signed_in(app: Any, clock: Any, username: str) -> Any:
    """A test client through the real sign-in forms (password, then the TOTP enrolment for coordinator/admin)."""
    import pyotp

    client = app.test_client()
    token: Callable[[str], str] = lambda page: _csrf(client.get(page).get_data(as_text=True))  # noqa: E731
    response = client.post("/login", data={"csrf_token": token("/login"), "username": username,
                                           "password": PASSWORD})
    if response.headers.get("Location", "").endswith("/login/enrol"):
        page = client.get("/login/enrol").get_data(as_text=True)
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
        assert secret, "no two-factor key on the enrolment page"
        client.post("/login/enrol", data={"csrf_token": _csrf(page),
                                          "code": pyotp.TOTP(secret.group(1)).at(clock.now())})
    if client.get("/").status_code != 200:
        raise RuntimeError(f"{username} could not sign in")
    return client


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _in_scope_of_staff() -> tuple[str, str]:
    """A report and an overdue case that Magadh's staff may open (the first by id)."""
    from sqlalchemy import select

    from bot.followup.commands import cases_scope_filter
    from bot.reports.access import reports_scope_filter
    from bot.store.db import session_scope
    from bot.store.models import FollowupCase, Ngo, Report

    with session_scope() as session:
        ngo = session.execute(select(Ngo).where(Ngo.key == PEOPLE["bench-staff"][1])).scalar_one()
        report = session.execute(select(Report.code).where(reports_scope_filter(ngo)).order_by(Report.id)
                                 .limit(1)).scalar_one()
        case = session.execute(select(FollowupCase.reference).where(cases_scope_filter(ngo))
                               .order_by(FollowupCase.id).limit(1)).scalar_one()
    return report, case
