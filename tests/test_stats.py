"""The console's accountability statistics (bot/stats) on hand-built data, on SQLite and PostgreSQL: every figure
checked exactly, scopes and periods, the CSV text and the SVG charts.

The data: a manual clock at 2026-11-29 06:00 UTC (11:30 in India). Reports in Gaya, Jaipur and of an unknown
Bihar district, one made on 31 October at 20:00 UTC, which is 1 November in India. Follow-up cases whose check-ins
were answered up to some point, one answered only after `now`, a pending request that must not count.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.crypto import decrypt, encrypt, pseudonym
from bot.followup.schedule import due_times
from bot.stats import (
    FIGURES,
    Scope,
    acknowledgement,
    chart_svg,
    compensation,
    contact_retention,
    reports_by_kind,
    school,
)
from bot.stats.retention import anchor_label, plus_label, plus_months
from bot.stats.table import Panel, StatTable
from bot.store.db import session_scope
from bot.store.models import CheckIn, CompensationClaim, FollowupCase, Ngo, Report
from tests.reports_helpers import import_sample

NOW = datetime(2026, 11, 29, 6, 0, tzinfo=timezone.utc)
UTC = timezone.utc
_codes = iter(range(1_000_000, 2_000_000))


def _report(session: Any, district: str | None, kind: str, created: datetime, acked_after: float | None = None,
            level: int = 0) -> None:
    state = {"Jaipur": "Rajasthan", None: None}.get(district, "Bihar")  # as submit_report stores it
    session.add(Report(
        code=str(next(_codes)), kind=kind, urgent=kind == "emergency", district=district, state=state, channel="sms",
        details_encrypted=encrypt("{}"), escalation_level=level, created_at=created,
        acknowledged_at=created + timedelta(minutes=acked_after) if acked_after is not None else None,
        status="acknowledged" if acked_after is not None else "received"))


def _case(session: Any, number: int, district: str, returned: date, answered: list[str] | None = None,
          school_stage: str = "not_enrolled", status: str = "active",
          claims: tuple[tuple[str, str, date | None], ...] = (), answered_late: str | None = None) -> None:
    """A case with its real schedule of check-ins; `answered` labels were answered two hours after they were due,
    `answered_late` one day after `NOW` (so not yet, as of `NOW`)."""
    address = f"+1500555{number:04d}"  # Twilio test numbers: fictitious
    case = FollowupCase(
        reference=f"T{number:04d}", status=status, contact_key=pseudonym("sms", address), channel="sms",
        address_encrypted=encrypt(address), district=district, state="Bihar" if district == "Gaya" else "Rajasthan",
        returned_on=returned, consent_at=datetime(2024, 1, 1, tzinfo=UTC), school_stage=school_stage,
        created_at=datetime(2024, 1, 1, tzinfo=UTC))
    for sequence, (label, due) in enumerate(due_times(returned)):
        done = label in (answered or [])
        late = label == answered_late
        case.checkins.append(CheckIn(
            sequence=sequence, label=label, due_at=due, next_action_at=due,
            status="answered" if done or late else ("missed" if due < NOW else "scheduled"),
            answered_at=due + timedelta(hours=2) if done else (NOW + timedelta(days=1) if late else None)))
    for scheme, stage, paid_on in claims:
        case.claims.append(CompensationClaim(scheme=scheme, stage=stage, paid_on=paid_on))
    session.add(case)


def _build() -> None:
    import_sample()
    with session_scope() as s:
        _report(s, "Gaya", "recruitment", datetime(2026, 10, 31, 20, 0, tzinfo=UTC), acked_after=30)  # Nov in India
        _report(s, "Gaya", "emergency", datetime(2026, 11, 10, 4, 0, tzinfo=UTC), acked_after=10)
        _report(s, "Gaya", "missing", datetime(2026, 11, 12, 4, 0, tzinfo=UTC), acked_after=250, level=1)
        _report(s, "Gaya", "recruitment", datetime(2026, 11, 20, 4, 0, tzinfo=UTC), level=2)
        _report(s, "Gaya", "recruitment", datetime(2026, 10, 15, 4, 0, tzinfo=UTC), acked_after=60)
        _report(s, "Jaipur", "alert", datetime(2026, 11, 5, 4, 0, tzinfo=UTC), acked_after=45)
        # Acknowledged only after NOW: counts as not acknowledged (yet).
        _report(s, None, "emergency", datetime(2026, 11, 6, 4, 0, tzinfo=UTC), acked_after=23 * 24 * 60 + 180)
        _report(s, "Patna", "recruitment", datetime(2026, 11, 30, 4, 0, tzinfo=UTC))  # after NOW: not counted
        all_labels = ["1w", "1m", "3m", "6m", "9m", "12m", "18m", "24m"]
        _case(s, 1, "Gaya", date(2024, 11, 1), all_labels, "attending",
              claims=(("clts", "paid", date(2025, 3, 1)), ("child_labour_fund", "applied", None)))
        _case(s, 2, "Gaya", date(2024, 11, 20), ["1w", "1m", "3m", "6m"], "enrolled",
              claims=(("clts", "paid", date(2025, 2, 19)),))
        _case(s, 3, "Gaya", date(2024, 11, 25), ["1w", "1m"], status="opted_out",
              claims=(("clts", "not_started", None),))
        _case(s, 4, "Gaya", date(2026, 7, 15), ["3m"], "bridge_class", claims=(("bonded_labour", "sanctioned", None),))
        _case(s, 5, "Gaya", date(2026, 7, 25), ["1w", "1m", "3m"])
        _case(s, 6, "Gaya", date(2024, 1, 10), all_labels, "attending", status="pending",
              claims=(("clts", "paid", date(2024, 2, 1)),))
        _case(s, 7, "Jaipur", date(2025, 5, 10), ["9m"], "attending",
              claims=(("back_wages", "paid", date(2025, 6, 9)),))
        _case(s, 8, "Gaya", date(2025, 11, 3), ["6m"], answered_late="12m")


@pytest.fixture
def data(store_url: str) -> str:
    _build()
    return store_url


def _table(function: Any, scope: Scope | None = None, by: str = "district_month") -> Any:
    with session_scope() as session:
        return function(session, scope or Scope.everything(), ManualClock(NOW).now(), by)


def test_reports_by_kind(data: str) -> None:
    table = _table(reports_by_kind)
    assert table.columns == ("district", "month", "recruitment", "missing", "emergency", "alert", "enrolment",
                             "total")
    assert table.rows == [
        ("Gaya", "2026-10", 1, 0, 0, 0, 0, 1),
        ("Gaya", "2026-11", 2, 1, 1, 0, 0, 4),
        ("Jaipur", "2026-11", 0, 0, 0, 1, 0, 1),
        (None, "2026-11", 0, 0, 1, 0, 0, 1),
    ]
    assert _table(reports_by_kind, by="month").rows == [("2026-10", 1, 0, 0, 0, 0, 1), ("2026-11", 2, 1, 2, 1, 0, 6)]


def test_acknowledgement(data: str) -> None:
    table = _table(acknowledgement)
    assert table.columns == ("district", "month", "reports", "acknowledged", "median_minutes_to_ack", "escalated",
                             "share_escalated")
    assert table.rows == [
        ("Gaya", "2026-10", 1, 1, 60.0, 0, 0.0),
        ("Gaya", "2026-11", 4, 3, 30.0, 2, 0.5),  # 10, 30, 250 minutes; escalated once and twice
        ("Jaipur", "2026-11", 1, 1, 45.0, 0, 0.0),
        (None, "2026-11", 1, 0, None, 0, 0.0),  # acknowledged after NOW
    ]
    assert _table(acknowledgement, by="district").rows[0] == ("Gaya", 5, 4, 45.0, 2, 0.4)  # median of 10 30 60 250


def test_contact_retention(data: str) -> None:
    table = _table(contact_retention)
    assert table.columns == ("district", "month", "enrolled",
                             "eligible_4m", "in_contact_4m", "share_4m", "eligible_6m", "in_contact_6m", "share_6m",
                             "eligible_12m", "in_contact_12m", "share_12m",
                             "eligible_24m", "in_contact_24m", "share_24m")
    assert table.rows == [
        # 1 answered everything; 2 up to 6 months; 3 (opted out) only the first month; 3 is not yet 24 months + 7
        # days back, 1 and 2 are.
        ("Gaya", "2024-11", 3, 3, 2, 0.6667, 3, 2, 0.6667, 3, 1, 0.3333, 2, 1, 0.5),
        # 8 answered the 6-month check-in; its 12-month answer came after NOW.
        ("Gaya", "2025-11", 1, 1, 1, 1.0, 1, 1, 1.0, 1, 0, 0.0, 0, 0, None),
        # 4 (back 15 July) answered the 3-month one and is 4 months + 7 days back; 5 (25 July) is not yet.
        ("Gaya", "2026-07", 2, 1, 1, 1.0, 0, 0, None, 0, 0, None, 0, 0, None),
        # 7 answered only the 9-month check-in: in contact at 4 and 6 months, not 12.
        ("Jaipur", "2025-05", 1, 1, 1, 1.0, 1, 1, 1.0, 1, 0, 0.0, 0, 0, None),
    ]


def test_school(data: str) -> None:
    table = _table(school, by="district")
    assert table.rows == [("Gaya", 6, 3, 0.5, 1, 0.1667), ("Jaipur", 1, 1, 1.0, 1, 1.0)]  # the pending one left out
    assert table.csv() == ("district,children,in_school,share_in_school,attending,share_attending\r\n"
                           "Gaya,6,3,0.5,1,0.1667\r\nJaipur,1,1,1.0,1,1.0\r\n")


def test_compensation(data: str) -> None:
    table = _table(compensation, by="district")
    assert table.columns == ("district", "claims", "applied", "sanctioned", "paid", "median_days_return_to_payment")
    # Gaya: paid after 120 and 91 days, one applied, one sanctioned, one not started; the pending case's claim is out.
    assert table.rows == [("Gaya", 5, 4, 3, 2, 105.5), ("Jaipur", 1, 1, 1, 1, 30.0)]
    assert _table(compensation).rows[0] == ("Gaya", "2024-11", 4, 3, 2, 2, 105.5)


def test_scopes(data: str) -> None:
    def districts(scope: Scope) -> list[Any]:
        return [row[0] for row in _table(reports_by_kind, scope, by="district").rows]

    def case_districts(scope: Scope) -> list[Any]:
        return [row[0] for row in _table(school, scope, by="district").rows]

    # The sample directory's default state is Bihar: a report of an unknown district goes to Bihar's desk.
    assert districts(Scope.of_state("Bihar")) == ["Gaya", None]
    assert districts(Scope.of_state("Rajasthan")) == ["Jaipur"]
    assert districts(Scope.of_districts(["Jaipur", "Patna"])) == ["Jaipur"]
    assert districts(Scope.of_districts([])) == []
    assert case_districts(Scope.of_state("Rajasthan")) == ["Jaipur"]
    with session_scope() as session:
        magadh, bihar_desk, rajasthan_desk = (
            session.execute(select(Ngo).where(Ngo.key == key)).scalar_one()
            for key in ("magadh-child-rights-sample", "bihar-state-desk-sample", "rajasthan-state-desk-sample"))
        by_ngo = {
            name: (
                [r[0] for r in reports_by_kind(session, Scope.of_ngos(ngos), NOW, "district").rows],
                [r[0] for r in school(session, Scope.of_ngos(ngos), NOW, "district").rows],
            )
            for name, ngos in (("magadh", [magadh]), ("bihar", [bihar_desk]), ("both", [magadh, rajasthan_desk]),
                               ("none", []))
        }
    assert by_ngo == {"magadh": (["Gaya"], ["Gaya"]), "bihar": (["Gaya", None], ["Gaya"]),
                      "both": (["Gaya", "Jaipur"], ["Gaya", "Jaipur"]), "none": ([], [])}


def test_period_uses_days_in_india(data: str) -> None:
    november = Scope.everything().between(date(2026, 11, 1), date(2026, 12, 1))
    assert _table(reports_by_kind, november, by="month").rows == [("2026-11", 2, 1, 2, 1, 0, 6)]
    returned_2024 = Scope.of_districts(["Gaya"]).between(date(2024, 1, 1), date(2025, 1, 1))
    assert _table(school, returned_2024, by="district").rows == [("Gaya", 3, 2, 0.6667, 1, 0.3333)]


def test_charts_are_deterministic_text_svg(data: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    for name, function in FIGURES.items():
        for by in ("district", "month"):
            table = _table(function, by=by)
            svg = chart_svg(table, language="hi")
            assert ElementTree.fromstring(svg.encode()).tag == "{http://www.w3.org/2000/svg}svg", name
            assert svg == chart_svg(table, language="hi"), name  # the same data, the same bytes
            assert "<dc:date>" not in svg
            if by == "district":
                # Names are text (fonttype none), in Devanagari, never glyph paths.
                assert ">गया</text>" in svg and ">जयपुर</text>" in svg, name
                assert (">अज्ञात</text>" in svg) == (name in ("reports_by_kind", "acknowledgement")), name
    english = chart_svg(_table(school, by="district"), labels={"Children in school": "स्कूल में बच्चे"})
    assert ">Gaya</text>" in english and ">स्कूल में बच्चे</text>" in english
    assert list(workdir.iterdir()) == []  # nothing written to disk


def test_a_chart_places_bars_labels_and_ticks_on_one_scale() -> None:
    """The chart is laid out by bot/stats/charts.py itself (no matplotlib Axes): each bar starts on the value axis,
    its length is proportional to its value and ends on the tick of that value, the first row is at the top, and each
    district's name is level with its bar."""
    table = StatTable("t", "T", "district", ("district", "reports"), [("Gaya", 1), ("Patna", 2), ("Jaipur", 4)],
                      (Panel(("reports",), "group", "reports"),))
    root = ElementTree.fromstring(chart_svg(table).encode())
    ns = {"svg": "http://www.w3.org/2000/svg"}

    def corners(path: Any) -> list[tuple[float, float]]:
        numbers = [float(n) for n in re.findall(r"-?[0-9.]+", path.get("d"))]
        return list(zip(numbers[::2], numbers[1::2], strict=True))

    bars = [corners(p) for p in root.findall(".//svg:g[@id='PolyCollection_1']/svg:path", ns)]
    lines = [corners(p) for p in root.findall(".//svg:g[@id='LineCollection_1']/svg:path", ns)]
    axis_x, ticks = lines[0][0][0], {round(line[0][0], 3) for line in lines[1:]}
    starts = [min(x for x, _ in bar) for bar in bars]
    ends = [max(x for x, _ in bar) for bar in bars]
    centres = [sum(y for _, y in bar) / 4 for bar in bars]
    assert starts == [axis_x] * 3
    lengths = [end - axis_x for end in ends]
    assert lengths[1] == pytest.approx(2 * lengths[0]) and lengths[2] == pytest.approx(4 * lengths[0])
    assert {round(end, 3) for end in ends} <= ticks  # the bars of 1, 2 and 4 end on the ticks 1, 2 and 4
    assert centres == sorted(centres)  # Gaya (the first row) at the top: SVG's y grows downwards
    labels = {t.text: t for t in root.iter("{http://www.w3.org/2000/svg}text")}
    for name, centre in zip(("Gaya", "Patna", "Jaipur"), centres, strict=True):
        placed = re.search(r"translate\(([-0-9.]+) ([-0-9.]+)\)", labels[name].get("transform", ""))
        y = float(placed.group(2)) if placed else float(labels[name].get("y"))
        assert abs(y - centre) < 4, (name, y, centre)  # baseline within half a line of the bar's centre


def test_an_unknown_grouping_is_refused(data: str) -> None:
    for function in FIGURES.values():
        with pytest.raises(ValueError):
            _table(function, by="week")


def test_an_empty_scope_still_draws(data: str) -> None:
    for function in FIGURES.values():
        table = _table(function, Scope.of_districts([]), by="district")
        assert table.rows == [] and table.csv() == ",".join(table.columns) + "\r\n"
        assert "</svg>" in chart_svg(table)


def test_month_arithmetic_matches_the_schedule() -> None:
    assert plus_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert plus_months(date(2024, 11, 30), 15) == date(2026, 2, 28)
    assert plus_label(date(2026, 1, 31), "1w") == date(2026, 2, 7)
    default = ("1w", "1m", "3m", "6m", "9m", "12m", "18m", "24m")
    assert [anchor_label(default, h) for h in (4, 6, 12, 24)] == ["3m", "6m", "12m", "24m"]
    assert anchor_label(("2m", "5m"), 1) is None


def test_the_seed_fills_a_store_the_figures_read(store_url: str) -> None:
    from scripts.seed_console import NOW as SEED_NOW
    from scripts.seed_console import seed

    with session_scope() as session:
        counts = seed(session, reports=60, cases=25)
    assert counts["reports"] == 60 and counts["cases"] == 25 and counts["checkins"] == 200
    with session_scope() as session:
        totals = reports_by_kind(session, Scope.everything(), SEED_NOW, "month").column("total")
        children = school(session, Scope.everything(), SEED_NOW, "month").column("children")
        guardian = session.execute(select(FollowupCase.guardian_name_encrypted).order_by(FollowupCase.id)
                                   ).scalars().first()
    assert sum(totals) == 60 and sum(children) == 25
    assert decrypt(guardian) == "Seed Guardian 0000"  # really encrypted with the store's key
    with session_scope() as session:  # the ids' sequences moved on: the helpline can still add rows
        session.add(Report(code="0000000", kind="recruitment", channel="sms", details_encrypted=encrypt("{}")))
    with session_scope() as session, pytest.raises(SystemExit):
        seed(session, reports=1, cases=1)  # refuses a store that already has data
    assert os.environ.get("HELPLINE_DATABASE_URL") == store_url
