"""The console's statistics pages (issue 13, item 4): each role counts only its scope's reports and cases (the same
clauses as its lists), a district outside the scope gives empty figures (never another scope's numbers), the CSV is
the table, the chart is SVG (valid XML, image/svg+xml, same-origin, under the console's CSP) with Devanagari district
names in Hindi — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.console.app import CONTENT_SECURITY_POLICY
from bot.console.stats_views import SVG_POLICY
from bot.followup.coordinator import update_case
from bot.stats import FIGURES
from bot.store.db import session_scope
from tests.console_helpers import RETURNED, World, build_world, client_for, fast_hashing, sign_in

# account -> the districts its report counts come from, and how many reports (the world of console_helpers:
# one report each in Gaya, Patna, Jaipur and one of unknown district routed to Bihar's desk).
COUNTS = {
    "staff-magadh": {"Gaya": 1},
    "staff-jaipur": {"Gaya": 1, "Jaipur": 1},  # Gaya's report was sent to it too (the corridor alert)
    "coord-bihar": {"Gaya": 1, "Patna": 1, "": 1},  # "" is the unknown district, routed to Bihar's desk
    "coord-rajasthan": {"Jaipur": 1},
    "admin": {"Gaya": 1, "Patna": 1, "Jaipur": 1, "": 1},
}
CASES = {"staff-magadh": {"Gaya"}, "coord-bihar": {"Gaya", "Patna"}, "admin": {"Gaya", "Patna", "Jaipur"},
         "coord-rajasthan": {"Jaipur"}, "staff-jaipur": {"Jaipur"}}


@pytest.fixture
def world(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv("HELPLINE_TRANSLATOR", "off")
    fast_hashing(monkeypatch)
    world = build_world(ManualClock())
    with session_scope() as session:  # a compensation claim paid, so that figure has a row too
        update_case(session, world.cases["Patna"], claims=[("clts", "paid", RETURNED + timedelta(days=40))],
                    clock=world.clock, actor="test")
    yield world


def _csv(client, figure: str, query: str = "") -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    response = client.get(f"/stats/{figure}.csv?by=district{query}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("account", sorted(COUNTS))
def test_each_role_counts_only_its_scope(world: World, account: str) -> None:
    client = client_for(world.clock)
    sign_in(client, world, account)
    reports = {row["district"]: int(row["total"]) for row in _csv(client, "reports_by_kind")}
    assert reports == COUNTS[account]
    cases = {row["district"] for row in _csv(client, "school")}
    assert cases == CASES[account]
    index = client.get("/stats")
    assert index.status_code == 200
    for figure in FIGURES:  # each chart an image of the console's own origin, each with its CSV
        assert f'src="/stats/{figure}.svg?by=district"' in index.get_data(as_text=True)
        assert client.get(f"/stats/{figure}").status_code == 200


def test_a_district_outside_the_scope_is_empty(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "staff-magadh")
    assert _csv(client, "reports_by_kind", "&district=Jaipur") == []
    assert _csv(client, "school", "&district=Patna") == []
    page = client.get("/stats/reports_by_kind?district=Jaipur&by=district").get_data(as_text=True)
    assert 'id="stats-empty"' in page and "Jaipur</td>" not in page
    assert {r["district"] for r in _csv(client, "reports_by_kind", "&district=gaya")} == {"Gaya"}


def test_month_range_and_bad_filters(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "admin")
    month = world.clock.now().strftime("%Y-%m")
    assert len(_csv(client, "reports_by_kind", f"&from={month}&to={month}")) == 4
    assert _csv(client, "reports_by_kind", "&to=2000-01") == []
    assert client.get("/stats/reports_by_kind.csv?from=2026-13").status_code == 400
    assert client.get("/stats/reports_by_kind.csv?by=ngo").status_code == 400
    assert client.get("/stats/no_such_figure.csv").status_code == 404
    assert client.get("/stats/no_such_figure").status_code == 404


def test_signed_out_sees_nothing(world: World) -> None:
    client = client_for(world.clock)
    for path in ("/stats", "/stats/school", "/stats/school.svg", "/stats/school.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_csv_equals_the_table(world: World, figure: str) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "admin")
    rows = _csv(client, figure)
    page = client.get(f"/stats/{figure}?by=district").get_data(as_text=True)
    cells = re.findall(r"<tr>((?:<td>.*?</td>)+)</tr>", page)
    table = [re.findall(r"<td>(.*?)</td>", row) for row in cells]
    expected = [[row["district"] or "unknown", *list(row.values())[1:]] for row in rows]
    assert table == expected and rows  # same rows, same cells, same order
    if figure == "compensation":
        assert rows[0]["median_days_return_to_payment"] == "40"


def test_chart_is_svg_with_devanagari_in_hindi(world: World) -> None:
    client = client_for(world.clock)
    sign_in(client, world, "coord-bihar")
    english = client.get("/stats/reports_by_kind.svg?by=district")
    assert english.mimetype == "image/svg+xml"
    assert english.headers["Content-Security-Policy"] == SVG_POLICY and "script" not in SVG_POLICY
    assert "<script" not in english.get_data(as_text=True)
    assert english.headers["X-Content-Type-Options"] == "nosniff"
    ElementTree.fromstring(english.get_data())  # valid XML
    assert "Gaya" in english.get_data(as_text=True) and "गया" not in english.get_data(as_text=True)
    client.get("/stats?lang=hi")
    hindi = client.get("/stats/reports_by_kind.svg?by=district")
    root = ElementTree.fromstring(hindi.get_data())
    words = "".join(root.itertext())
    assert "गया" in words and "पटना" in words and "प्रकार के अनुसार रिपोर्टें" in words
    assert "Jaipur" not in words and "जयपुर" not in words
    response = client.get("/stats")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    page = response.get_data(as_text=True)
    assert "<script" not in page and "प्रकार के अनुसार रिपोर्टें" in page


def test_charts_stay_small(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """One bar per district unless asked (per month for one district); past CHART_ROWS rows the chart is cut and the
    page says so, while the table and the CSV keep every row."""
    from bot.console import stats_views

    client = client_for(world.clock)
    sign_in(client, world, "admin")
    assert 'src="/stats/school.svg?district=Gaya&amp;by=month"' in client.get("/stats?district=Gaya").get_data(
        as_text=True)
    monkeypatch.setattr(stats_views, "CHART_ROWS", 2)
    words = "".join(ElementTree.fromstring(client.get("/stats/reports_by_kind.svg").get_data()).itertext())
    assert "Gaya" in words and "Jaipur" in words and "Patna" not in words  # the first two rows, alphabetically
    page = client.get("/stats/reports_by_kind").get_data(as_text=True)
    assert 'id="stats-clipped"' in page and "Patna</td>" in page
    assert len(_csv(client, "reports_by_kind")) == 4


def test_the_bench_pages_all_answer(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make bench`'s console pages (scripts/bench_console_pages.py) sign in as its three people and get a 200 from
    every page, on a small seeded store: the benchmark measures pages, not error responses."""
    from scripts.bench_console_pages import console_pages
    from scripts.seed_console import seed

    monkeypatch.setenv("HELPLINE_TRANSLATOR", "off")
    fast_hashing(monkeypatch)
    with session_scope() as session:
        seed(session, 300, 150)
    pages = console_pages()
    assert len(pages) == 3 * 6 + 2 * 2 * len(FIGURES)
    for page in pages:
        assert page.run()  # raises on anything but 200
