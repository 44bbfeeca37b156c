"""Who sees what in the console (issue 13, item 1): each role x each resource x in/out of scope -> shown or 404,
and the lists (reports, cases, action needed) show exactly the rows in scope — on SQLite and PostgreSQL. The scope
is the one rule of bot.reports.access (the rule of OK/CLOSE), so these expectations follow from the sample
directory: Gaya's report also went to Jaipur's NGO (a corridor alert), the state desks see their state."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.clock import ManualClock
from tests.console_helpers import ACCOUNTS, World, build_world, client_for, fast_hashing, sign_in

# account -> the reports and cases it sees (report names, case districts); everything else must be a 404.
SEES = {
    "staff-magadh": ({"gaya"}, {"Gaya"}),
    "staff-magadh-2": ({"gaya"}, {"Gaya"}),
    "staff-patna": ({"patna"}, {"Patna"}),
    "staff-jaipur": ({"gaya", "jaipur"}, {"Jaipur"}),  # Gaya's report was sent to it (corridor); not Gaya's case
    "coord-bihar": ({"gaya", "patna", "unknown"}, {"Gaya", "Patna"}),  # "unknown" went to Bihar's desk
    "coord-rajasthan": ({"jaipur"}, {"Jaipur"}),
    "admin": ({"gaya", "patna", "jaipur", "unknown"}, {"Gaya", "Patna", "Jaipur"}),
}
assert set(SEES) == set(ACCOUNTS)


@pytest.fixture
def world(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("HELPLINE_TRANSLATOR", "off")
    fast_hashing(monkeypatch)
    yield build_world(ManualClock())


def _codes(html: str, prefix: str) -> set[str]:
    return set(re.findall(rf'href="/{prefix}/(\d+)"', html))


@pytest.mark.parametrize("account", sorted(SEES))
def test_each_role_sees_its_scope_and_nothing_else(world: World, account: str) -> None:
    client = client_for(world.clock)
    assert sign_in(client, world, account).status_code == 302
    reports, cases = SEES[account]
    for name, code in world.reports.items():
        expected = 200 if name in reports else 404
        assert client.get(f"/reports/{code}").status_code == expected, (account, name)
    for district, reference in world.cases.items():
        expected = 200 if district in cases else 404
        assert client.get(f"/cases/{reference}").status_code == expected, (account, district)
    listed = _codes(client.get("/reports").get_data(as_text=True), "reports")
    assert listed == {world.reports[name] for name in reports}
    listed_cases = _codes(client.get("/cases").get_data(as_text=True), "cases")
    assert listed_cases == {world.cases[district] for district in cases}
    dashboard = client.get("/").get_data(as_text=True)
    assert _codes(dashboard, "reports") <= {world.reports[name] for name in reports}
    assert _codes(dashboard, "cases") == {world.cases[district] for district in cases}  # all overdue
    admin_pages = {client.get("/admin/audit").status_code, client.get("/admin/users").status_code}
    assert admin_pages == ({200} if account == "admin" else {404})


@pytest.mark.parametrize("account", ["staff-patna", "coord-bihar", "coord-rajasthan", "admin"])
def test_only_the_ngo_in_scope_acts_and_others_change_nothing(world: World, account: str) -> None:
    """Acting on Gaya's report: staff of another NGO get 404 (out of scope); coordinators and admins, who see it
    but are no NGO, get 403; the report stays as it was either way."""
    from tests.console_helpers import csrf_of

    client = client_for(world.clock)
    sign_in(client, world, account)
    token = csrf_of(client.get("/cases").get_data(as_text=True))
    code = world.reports["gaya"]
    expected = 404 if account in ("staff-patna", "coord-rajasthan") else 403
    assert client.post(f"/reports/{code}/ack", data={"csrf_token": token}).status_code == expected
    assert client.post(f"/reports/{code}/close", data={"csrf_token": token, "note": "x"}).status_code == expected
    reference = world.cases["Gaya"]
    answer = client.post(f"/cases/{reference}/checkin", data={"csrf_token": token, "home": "yes"})
    assert answer.status_code == expected
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.models import Report

    with session_scope() as session:
        assert session.execute(select(Report.status).where(Report.code == code)).scalar_one() == "received"


# A referral of Gaya's report from Magadh's NGO to Patna's, by what became of it -> who sees the report (shown or
# 404, on its page and in the lists). A declined referral gives nothing: Patna's NGO said "not ours", so it does not
# keep reading the child's report (issue 13); referred again, it sees it again. The referring NGO and the coordinator
# see it whatever happens.
REFERRAL_STATES = ("none", "pending", "accepted", "declined", "declined, referred again")
REFERRAL_SEES = {  #         none  pending accepted declined again
    "staff-patna":          (False, True, True, False, True),
    "staff-magadh":         (True, True, True, True, True),
    "staff-jaipur":         (True, True, True, True, True),  # the corridor alert, unchanged by any referral
    "coord-bihar":          (True, True, True, True, True),
    "coord-rajasthan":      (False, False, False, False, False),
}


def _refer(world: World, state: str) -> None:
    """Bring Gaya's report into `state` through the console's own forms (refer, accept or decline)."""
    from tests.console_helpers import ngo_id, post_form

    page = f"/reports/{world.reports['gaya']}"
    magadh, patna = client_for(world.clock), client_for(world.clock)
    sign_in(magadh, world, "staff-magadh")
    sign_in(patna, world, "staff-patna")
    rounds = {"none": [], "pending": [None], "accepted": ["accepted"], "declined": ["declined"],
              "declined, referred again": ["declined", None]}[state]
    for decision in rounds:
        assert post_form(magadh, page, f"{page}/refer", {"ngo_id": str(ngo_id("patna-bal-raksha-sample"))}
                         ).status_code == 302
        if decision is None:
            continue
        referral = re.search(rf'action="{page}/referrals/(\d+)"', patna.get(page).get_data(as_text=True))
        assert referral, "the receiving NGO is offered the referral"
        answer = post_form(patna, page, f"{page}/referrals/{referral.group(1)}", {"decision": decision})
        # Accepting stays on the report; declining leaves it (its page would be a 404 now).
        assert answer.headers["Location"] == (page if decision == "accepted" else "/")


@pytest.mark.parametrize("state", REFERRAL_STATES)
def test_a_declined_referral_gives_no_access(world: World, state: str) -> None:
    from sqlalchemy import select

    from bot.reports.access import may_act_on_report
    from bot.store.db import session_scope
    from bot.store.models import Ngo, Report

    _refer(world, state)
    code = world.reports["gaya"]
    for account, row in REFERRAL_SEES.items():
        sees = row[REFERRAL_STATES.index(state)]
        client = client_for(world.clock)
        world.clock.advance(seconds=30)  # a fresh two-factor code for each coordinator's sign-in
        assert sign_in(client, world, account).status_code == 302
        assert client.get(f"/reports/{code}").status_code == (200 if sees else 404), (account, state)
        assert (code in _codes(client.get("/reports").get_data(as_text=True), "reports")) == sees, (account, state)
        assert (code in _codes(client.get("/").get_data(as_text=True), "reports")) == sees, (account, state)
    with session_scope() as session:  # the OK/CLOSE messages follow the same rule
        patna = session.execute(select(Ngo).where(Ngo.key == "patna-bal-raksha-sample")).scalar_one()
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        assert may_act_on_report(session, patna, report) == REFERRAL_SEES["staff-patna"][REFERRAL_STATES.index(state)]
