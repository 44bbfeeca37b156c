"""Shared set-up for the console tests: the sample NGO directory, three reports and three cases in different
districts and states, one account per role, and signing in through the real forms (CSRF token and TOTP code
included). Every person, number and text is fictitious (Twilio test numbers)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pyotp
from flask.testing import FlaskClient

from bot.clock import ManualClock
from bot.console.accounts import add_user
from bot.console.app import create_app
from bot.followup.cases import Enrolment, create_case
from bot.store.db import session_scope
from bot.store.models import Ngo
from tests.reports_helpers import file_report, import_sample

PASSWORD = "correct horse battery staple"
# Account -> (role, NGO key, state)
ACCOUNTS = {
    "staff-magadh": ("ngo_staff", "magadh-child-rights-sample", None),
    "staff-magadh-2": ("ngo_staff", "magadh-child-rights-sample", None),
    "staff-patna": ("ngo_staff", "patna-bal-raksha-sample", None),
    "staff-jaipur": ("ngo_staff", "jaipur-rescue-sample", None),
    "coord-bihar": ("state_coordinator", None, "Bihar"),
    "coord-rajasthan": ("state_coordinator", None, "Rajasthan"),
    "admin": ("admin", None, None),
}
RETURNED = date(2026, 9, 1)  # months before the clock's start: check-ins are overdue
FAMILIES = {"Gaya": "+15005550201", "Patna": "+15005550202", "Jaipur": "+15005550203"}


@dataclass
class World:
    clock: ManualClock
    reports: dict[str, str] = field(default_factory=dict)  # name -> code
    cases: dict[str, str] = field(default_factory=dict)  # district -> reference
    secrets: dict[str, str] = field(default_factory=dict)  # account -> TOTP secret once enrolled
    said: dict[str, str] = field(default_factory=dict)  # report name -> what the reporter wrote about it


def fast_hashing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Real argon2id, with the cheapest parameters: the tests sign in dozens of times on a shared 2-core machine.
    (The console itself uses the library's recommended parameters.)"""
    from argon2 import PasswordHasher

    from bot.console import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts._dummy_hash.cache_clear()


def build_world(clock: ManualClock, what: str = "Teen bachche le gaye") -> World:
    """Gaya (Bihar, with a corridor alert to Jaipur's NGO), Patna (Bihar) and Jaipur (Rajasthan): a report and a
    case each; one account per role."""
    import_sample()
    world = World(clock)
    world.reports["gaya"] = file_report(clock, district="Gaya", what=what).code
    world.reports["patna"] = file_report(clock, district="Patna", destination=None).code
    world.reports["jaipur"] = file_report(clock, district="Jaipur", destination=None).code
    # The reporter did not know the district: routed to the default state's (Bihar's) desk.
    world.reports["unknown"] = file_report(clock, district=None, destination=None).code
    with session_scope() as session:
        for district, address in FAMILIES.items():
            case = create_case(session, Enrolment(channel="sms", address=address, district=district,
                                                  returned_on=RETURNED, child_age=12, guardian_name="Sita Devi",
                                                  child_name="Ramu",
                                                  guardian_consent="CWC file (test)"),
                               None, "active", clock.now(), "cli")
            world.cases[district] = case.reference
        for username, (role, ngo, state) in ACCOUNTS.items():
            add_user(session, username, role, PASSWORD, ngo, state, "test", clock.now())
    return world


def client_for(clock: ManualClock) -> FlaskClient:
    return create_app(clock=clock, testing=True).test_client()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client: FlaskClient, page: str, action: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    """Post `data` to `action` with the CSRF token of `page`, as a browser would."""
    token = csrf_of(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def sign_in(client: FlaskClient, world: World, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    """The whole sign-in: password, then (coordinators, admins) the TOTP enrolment or code page."""
    response = post_form(client, "/login", "/login", {"username": username, "password": password})
    if response.status_code != 302:
        return response
    location = response.headers["Location"]
    if location.endswith("/login/enrol"):
        page = client.get("/login/enrol").get_data(as_text=True)
        secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
        assert secret
        world.secrets[username] = secret.group(1)
        return client.post("/login/enrol", data={"csrf_token": csrf_of(page), "code": _code(world, username)})
    if location.endswith("/login/code"):
        page = client.get("/login/code").get_data(as_text=True)
        return client.post("/login/code", data={"csrf_token": csrf_of(page), "code": _code(world, username)})
    return response


def _code(world: World, username: str) -> str:
    return pyotp.TOTP(world.secrets[username]).at(world.clock.now())


def ngo_id(key: str) -> int:
    from sqlalchemy import select

    with session_scope() as session:
        return session.execute(select(Ngo.id).where(Ngo.key == key)).scalar_one()
