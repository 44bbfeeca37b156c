"""`helpline cases ...` and `helpline alerts`: enrolling, updating, listing (overdue check-ins, open alerts), one case
in full, and the coordinators' CSV without names or numbers; `helpline worker --once` fires check-ins too.
On SQLite and PostgreSQL, with a manual clock; Rasa is a recording stand-in."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.clock import ManualClock
from bot.crypto import decrypt
from bot.followup.schedule import IST, today_in_india
from bot.followup.worker import FollowupWorker
from bot.ngo_commands import handle_ngo_message
from bot.settings import get_settings
from bot.store.db import session_scope
from bot.store.models import CheckIn, FollowupCase
from tests.fakes._base import FakeServer, Reply, Request
from tests.followup_helpers import FAMILY, OTHER_FAMILY, RecordingStarter, answer_checkin, conversation_of
from tests.reports_helpers import import_sample

THIRD_FAMILY = "+15005550008"
GUARDIAN, CHILD, PLACE, SCHOOL = "Sunita Devi Fictitious", "Ramu Fictitious", "Rampur Tola", "Govt Middle School"
MAGADH_SMS = "+15005550102"


def at_ist(*parts: int) -> ManualClock:
    return ManualClock(datetime(*parts, tzinfo=IST).astimezone(timezone.utc))  # type: ignore[misc]


def run(capsys: pytest.CaptureFixture[str], clock: ManualClock, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), clock)
    out, err = capsys.readouterr()
    return code, out, err


def enrol(capsys: pytest.CaptureFixture[str], clock: ManualClock, contact: str = FAMILY, district: str = "Gaya",
          returned: str = "2026-11-20", *extra: str) -> str:
    code, out, err = run(capsys, clock, "cases", "enrol", "--channel", "sms", "--contact", contact,
                         "--district", district, "--returned", returned, *extra)
    assert code == 0, err
    match = re.search(r"enrolled case (\d{7})", out)
    assert match, out
    return match.group(1)


def line_of(out: str, reference: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(reference))


def test_enrol_prints_the_reference_and_the_check_in_dates(store_url: str, capsys: pytest.CaptureFixture[str]
                                                           ) -> None:
    import_sample()
    clock = at_ist(2026, 11, 21, 12, 0)
    reference = enrol(capsys, clock, FAMILY, "motihari", "2026-11-20", "--age", "12", "--guardian-consent",
                      "CWC file", "--guardian", GUARDIAN, "--child", CHILD, "--place", PLACE, "--language", "bho",
                      "--claim", "clts:applied",
                      "--school-stage", "enrolled", "--school", SCHOOL, "--ngo", "tirhut-jan-seva-sample")
    code, out, _ = run(capsys, clock, "cases", "show", reference)
    assert code == 0
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert (case.status, case.district, case.language, case.child_age, case.school_stage) == (
            "active", "East Champaran", "bho", 12, "enrolled")
        assert case.ngo.key == "tirhut-jan-seva-sample"
        assert [(c.scheme, c.stage) for c in case.claims] == [("clts", "applied")]
        assert decrypt(case.guardian_name_encrypted) == GUARDIAN
        assert GUARDIAN.encode() not in case.guardian_name_encrypted
        assert len(case.checkins) == 8


def test_enrol_output(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import_sample()
    clock = at_ist(2026, 11, 21, 12, 0)
    code, out, _ = run(capsys, clock, "cases", "enrol", "--channel", "whatsapp", "--contact", FAMILY,
                       "--district", "Gaya", "--returned", "2026-11-20")
    assert code == 0
    assert "(Gaya)" in out
    for label, day in (("1w", "2026-11-27"), ("1m", "2026-12-20"), ("3m", "2027-02-20"), ("24m", "2028-11-20")):
        assert re.search(rf"{label}\s+{day}", out), out
    assert "first check-in sent on 2026-11-27" in out
    assert FAMILY not in out


@pytest.mark.parametrize(("argv", "expected"), [
    (["--district", "Atlantis"], "unknown district"),
    (["--returned", "2026-12-25"], "future"),
    (["--returned", "2024-01-01"], "two years"),
    (["--contact", "9999999999"], "country code"),
    (["--ngo", "no-such-ngo"], "no NGO"),
    (["--claim", "clts"], "scheme:stage"),
    (["--claim", "lottery:paid"], "schemes"),
    (["--age", "30"], "age"),
])
def test_enrol_refuses_bad_input(store_url: str, capsys: pytest.CaptureFixture[str], argv: list[str],
                                 expected: str) -> None:
    import_sample()
    options = {"--channel": "sms", "--contact": FAMILY, "--district": "Gaya", "--returned": "2026-11-20",
               **dict(zip(argv[::2], argv[1::2], strict=True))}
    args = [part for pair in options.items() for part in pair]
    code, out, err = run(capsys, at_ist(2026, 11, 29, 12, 0), "cases", "enrol", *args)
    assert code == 2
    assert expected in err and err.startswith("not enrolled: ")
    assert out == ""
    with session_scope() as session:
        assert session.execute(select(FollowupCase)).first() is None


def test_enrol_needs_the_required_options(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["cases", "enrol", "--channel", "sms", "--district", "Gaya", "--returned", "2026-11-20"])
    assert exit_.value.code == 2 and "--contact" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["cases", "enrol", "--channel", "sms", "--contact", FAMILY, "--district", "Gaya",
              "--returned", "20-11-2026"])
    assert "not a date" in capsys.readouterr().err


def test_one_open_case_per_contact(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import_sample()
    clock = at_ist(2026, 11, 29, 12, 0)
    reference = enrol(capsys, clock)
    code, _, err = run(capsys, clock, "cases", "enrol", "--channel", "sms", "--contact", FAMILY, "--district",
                       "Gaya", "--returned", "2026-11-21")
    assert code == 2 and reference in err
    assert run(capsys, clock, "cases", "update", reference, "--close")[0] == 0
    enrol(capsys, clock, FAMILY, "Gaya", "2026-11-21")  # after closing, the family can be enrolled again


def test_update_school_claims_and_close(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import_sample()
    clock = at_ist(2026, 11, 29, 12, 0)
    reference = enrol(capsys, clock)
    code, out, _ = run(capsys, clock, "cases", "update", reference, "--school-stage", "attending", "--school",
                       SCHOOL, "--claim", "clts:applied:2026-11-22", "--claim", "child_labour_fund:paid")
    assert code == 0 and f"case {reference} updated (active)" in out
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert (case.school_stage, decrypt(case.school_name_encrypted)) == ("attending", SCHOOL)
        claims = {c.scheme: (c.stage, c.applied_on, c.paid_on) for c in case.claims}
        assert claims == {"clts": ("applied", date(2026, 11, 22), None),
                          "child_labour_fund": ("paid", date(2026, 11, 29), date(2026, 11, 29))}
    # A bad part changes nothing, not even the good part before it.
    code, _, err = run(capsys, clock, "cases", "update", reference, "--school-stage", "bridge_class",
                       "--claim", "clts:maybe")
    assert code == 2 and err.startswith("not changed:")
    assert run(capsys, clock, "cases", "update", reference, "--claim", "clts:paid:2026-13-01")[0] == 2
    assert run(capsys, clock, "cases", "update", "1234567", "--close")[0] == 2
    assert run(capsys, clock, "cases", "update", reference)[0] == 2  # nothing to change
    code, out, _ = run(capsys, clock, "cases", "update", reference, "--close")
    assert code == 0 and "(closed)" in out
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert case.school_stage == "attending" and case.status == "closed"
        assert {c.status for c in case.checkins} == {"cancelled"}


def _three_families(capsys: pytest.CaptureFixture[str]) -> tuple[ManualClock, str, str, str]:
    """A answers its first check-in and says the child is away from home (an alert); B does not answer (overdue);
    C was enrolled later and has nothing due yet."""
    import_sample()
    clock = at_ist(2026, 11, 21, 12, 0)
    a = enrol(capsys, clock, FAMILY, "Gaya", "2026-11-20", "--claim", "clts:applied")
    b = enrol(capsys, clock, OTHER_FAMILY, "Patna", "2026-11-20")
    clock.advance(days=6)  # 27-11, noon in India: both 1-week check-ins are due
    c = enrol(capsys, clock, THIRD_FAMILY, "Gaya", "2026-11-26")
    starter = RecordingStarter()
    assert FollowupWorker(starter, clock).run_once() == 2
    turn = answer_checkin("twilio", conversation_of("sms", FAMILY), "2 1 1 2 0", None, clock)
    assert turn is not None and turn.raised == ("away_from_home",)
    clock.advance(hours=2)
    return clock, a, b, c


def test_list_shows_cases_by_district_with_overdue_check_ins_and_alerts(store_url: str,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    clock, a, b, c = _three_families(capsys)
    code, out, _ = run(capsys, clock, "cases", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["reference", "district", "status", "school", "compensation", "next", "check-in",
                                "overdue", "alerts"]
    order = [line.split()[0] for line in lines[1:] if line.strip()]
    assert order.index(b) > max(order.index(a), order.index(c))  # Gaya before Patna
    assert line_of(out, a).split() == [a, "Gaya", "active", "attending", "clts:applied", "2026-12-20", "0", "1"]
    assert line_of(out, b).split() == [b, "Patna", "active", "not_enrolled", "-", "2026-12-20", "1", "0"]
    assert line_of(out, c).split() == [c, "Gaya", "active", "not_enrolled", "-", "2026-12-03", "0", "0"]

    overdue = run(capsys, clock, "cases", "list", "--overdue")[1]
    assert b in overdue and a not in overdue and c not in overdue
    with_alerts = run(capsys, clock, "cases", "list", "--alerts")[1]
    assert a in with_alerts and b not in with_alerts and c not in with_alerts
    gaya = run(capsys, clock, "cases", "list", "--district", "गया")[1]
    assert a in gaya and c in gaya and b not in gaya
    assert run(capsys, clock, "cases", "list", "--district", "Patna", "--alerts")[1].strip() == "no cases"


def test_alerts_lists_open_follow_up_alerts_until_closed(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    clock, a, b, _ = _three_families(capsys)
    out = run(capsys, clock, "alerts")[1]
    [line] = out.splitlines()
    code, case, reason, status, district, age = line.split("\t")
    assert (case, reason, status, district, age) == (f"case {a}", "away_from_home URGENT", "received", "Gaya", "2h")
    # B never answers: asked, reminded twice, then the NGO is alerted and the check-in is missed.
    for _ in range(3):
        clock.advance(hours=49)
        FollowupWorker(RecordingStarter(), clock).run_once()
    out = run(capsys, clock, "alerts")[1]
    assert f"case {b}\tno_reply\t" in out
    assert line_of(run(capsys, clock, "cases", "list", "--overdue")[1], b).split()[-2:] == ["1", "1"]
    # The NGO closes A's alert by SMS: it is no longer open.
    result = handle_ngo_message("sms", MAGADH_SMS, f"CLOSE {code} bachcha ghar aa gaya", clock)
    assert result is not None and result.action == "closed"
    assert a not in run(capsys, clock, "alerts")[1]
    assert a not in run(capsys, clock, "cases", "list", "--alerts")[1]


def test_show_decrypts_everything_for_the_coordinator(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import_sample()
    clock = at_ist(2026, 11, 21, 12, 0)
    reference = enrol(capsys, clock, FAMILY, "Gaya", "2026-11-20", "--guardian", GUARDIAN, "--child", CHILD,
                      "--place", PLACE, "--claim", "clts:applied", "--age", "12",
                      "--guardian-consent", "CWC file")
    clock.advance(days=6)
    FollowupWorker(RecordingStarter(), clock).run_once()
    answer_checkin("twilio", conversation_of(), "1 2 2 1", None, clock)
    answer_checkin("twilio", conversation_of(), "school fees ke liye madad", None, clock)
    code, out, _ = run(capsys, clock, "cases", "show", reference)
    assert code == 0
    for expected in (f"contact: {FAMILY}", f"guardian: {GUARDIAN}", f"child: {CHILD}", f"place: {PLACE}",
                     "district: Gaya", "returned_on: 2026-11-20", "claim clts: applied (applied 2026-11-20",
                     "check-in   1w due 2026-11-27 10:00 IST: answered", "home=yes", "school=no", "agent=yes",
                     "need='school fees ke liye madad'", "check-in   1m due 2026-12-20 10:00 IST: scheduled"):
        assert expected in out, expected
    for reason in ("not_in_school", "agent_approach", "family_need"):
        assert re.search(rf"alert \d{{7}}: {reason}", out), reason
    assert re.search(r"recruitment \d{7}: agent_tip", out)
    assert run(capsys, clock, "cases", "show", "1234567")[0] == 1


def test_export_has_stages_dates_and_counts_but_no_names_or_numbers(store_url: str, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    clock, a, b, _ = _three_families(capsys)
    assert run(capsys, clock, "cases", "update", a, "--school", SCHOOL)[0] == 0
    code, out, _ = run(capsys, clock, "cases", "export")
    assert code == 0
    rows = [line.split(",") for line in out.splitlines()]
    header = rows[0]
    assert header[:4] == ["reference", "district", "state", "status"] and "claim_clts" in header
    row_a = dict(zip(header, next(r for r in rows if r[0] == a), strict=True))
    assert (row_a["district"], row_a["claim_clts"], row_a["school_stage"], row_a["open_alerts"],
            row_a["checkins_answered"], row_a["returned_on"]) == ("Gaya", "applied", "attending", "1", "1",
                                                                   "2026-11-20")
    assert len(rows) == 4
    target = tmp_path / "cases.csv"
    code, out, _ = run(capsys, clock, "cases", "export", "--overdue", "--out", str(target))
    assert code == 0 and "1 case(s)" in out
    written = target.read_text(encoding="utf-8")
    assert b in written and a not in written
    for text in (out, written, run(capsys, clock, "cases", "list")[1]):
        for secret in (FAMILY, OTHER_FAMILY, THIRD_FAMILY, FAMILY[1:], FAMILY[-10:], SCHOOL):
            assert secret not in text


def test_export_never_carries_names_or_place(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import_sample()
    clock = at_ist(2026, 11, 29, 12, 0)
    enrol(capsys, clock, FAMILY, "Gaya", "2026-11-20", "--guardian", GUARDIAN, "--child", CHILD, "--place", PLACE,
          "--school", SCHOOL)
    out = run(capsys, clock, "cases", "export")[1]
    for secret in (GUARDIAN, CHILD, PLACE, SCHOOL, FAMILY, FAMILY[-10:]):
        assert secret not in out


class FakeRasa(FakeServer):
    """Rasa's HTTP API as far as the follow-up worker uses it: trigger_intent answers 200."""

    name = "fake-rasa"

    def handle(self, request: Request) -> Reply:
        if request.method == "POST" and request.path.endswith("/trigger_intent"):
            return Reply(200, {"tracker": {}, "messages": []})
        return Reply(200, "Hello from Rasa")


def test_worker_once_also_fires_due_check_ins(store_url: str, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_FOLLOWUP_HOURS", "0-24")  # `worker --once` runs on the system clock: any hour
    monkeypatch.setenv("HELPLINE_TRANSLATOR", "off")
    with FakeRasa() as rasa:
        monkeypatch.setenv("HELPLINE_RASA_URL", rasa.url)
        get_settings.cache_clear()
        now = datetime.now(timezone.utc)
        returned = (today_in_india(now) - timedelta(days=8)).isoformat()
        import_sample()
        enrol(capsys, ManualClock(now), FAMILY, "Gaya", returned)
        assert main(["worker", "--once"]) == 0
        [request] = [r for r in rasa.requests if r.path.endswith("/trigger_intent")]
        assert unquote(request.path) == f"/conversations/{conversation_of()}/trigger_intent"
        assert request.query.get("output_channel") == ["twilio"]
    with session_scope() as session:
        first = session.execute(select(CheckIn).order_by(CheckIn.sequence)).scalars().first()
        assert first is not None and (first.status, first.sends) == ("waiting", 1)
