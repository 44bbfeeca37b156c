"""Who may act on which report (issue 10): every kind of sender x every relation to a report, for OK and CLOSE, on
SQLite and PostgreSQL. The rule (bot.reports.access): an active NGO that was sent the report (forward, corridor
alert, escalation), or is in its district's escalation chain, or is the state desk of the report's own state; a
report of an unknown district counts as the state whose desk it is routed to. Never the other state's desk.

Each cell files its own report, acts once as the sender and checks the outcome; a refused command changes nothing
(status, escalation level, due time) and the report still escalates afterwards. `reports_scope_filter` (the web
console's list) and `may_act_on_report` must say the same for every cell, and agree with what routing says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
import yaml
from sqlalchemy import delete, select

from bot.cli import main
from bot.clock import ManualClock, as_utc
from bot.crypto import decrypt
from bot.followup.commands import cases_scope_filter, may_change
from bot.gazetteer import load_gazetteer
from bot.jobs import run_job
from bot.ngo_commands import handle_ngo_message
from bot.reports.access import may_act_on_report, reports_scope_filter
from bot.reports.directory import import_directory, parse_directory
from bot.reports.routing import chain_for
from bot.settings import PROJECT_ROOT
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Delivery, FollowupCase, Ngo, Report, RouteStep
from tests.followup_helpers import FAMILY
from tests.reports_helpers import REPORTER, file_report, import_sample

RETIRED_SMS = "+15005550112"  # a fictitious NGO that was in Gaya's chain, then left the directory (Twilio test number)


@dataclass(frozen=True)
class Sender:
    label: str
    channel: str
    address: str
    ngo_key: str | None  # None: not an NGO at all


# Senders, described from a Gaya (Bihar) report's point of view; addresses are the sample directory's test numbers.
SENDERS = (
    Sender("district's first NGO", "sms", "+15005550102", "magadh-child-rights-sample"),
    Sender("later NGO in the chain", "sms", "+15005550108", "gaya-nawada-outreach-sample"),
    Sender("NGO of another district, same state", "whatsapp", "+15005550101", "patna-bal-raksha-sample"),
    Sender("NGO of the other state", "whatsapp", "+15005550109", "jaipur-rescue-sample"),
    Sender("own state desk", "sms", "+15005550110", "bihar-state-desk-sample"),
    Sender("other state's desk", "sms", "+15005550111", "rajasthan-state-desk-sample"),
    Sender("NGO sent/escalated to from outside the chain", "sms", "+15005550104", "saran-bachpan-sample"),
    Sender("unregistered number", "sms", REPORTER, None),
    Sender("inactive NGO", "sms", RETIRED_SMS, "retired-gaya-sample"),
)

# The report, by relation (each one set up by `_file` below through the real routing, escalation and import):
#   district     a Gaya report: forwarded to Gaya's first NGO
#   sent         a Gaya report about children taken towards Saran: a corridor alert goes to Saran's NGO
#   escalated    a Gaya report escalated (under an older directory) to Saran's NGO, then to the Rajasthan desk
#   unknown      a report whose district is not known: routed to the default state's (Bihar's) desk
#   other_state  a Jaipur (Rajasthan) report
RELATIONS = ("district", "sent", "escalated", "unknown", "other_state")
Y, N, X = "yes", "no", None  # acts / refused ("not_yours") / not an NGO command at all (goes to the assistant)
EXPECTED: dict[str, tuple[str | None, ...]] = {
    #                                                 district sent escalated unknown other_state
    "district's first NGO":                          (Y, Y, Y, N, N),
    "later NGO in the chain":                        (Y, Y, Y, N, N),
    "NGO of another district, same state":           (N, N, N, N, N),
    "NGO of the other state":                        (N, N, N, N, Y),
    "own state desk":                                (Y, Y, Y, Y, N),
    "other state's desk":                            (N, N, Y, N, Y),
    "NGO sent/escalated to from outside the chain":  (N, Y, Y, N, N),
    "unregistered number":                           (X, X, X, X, X),
    "inactive NGO":                                  (X, X, X, X, X),
}
VERBS = {"OK": "acknowledged", "CLOSE": "closed"}


def _directory(gaya_order: list[str]) -> Any:
    """The sample directory plus the NGO that will retire, with Gaya's escalation order given."""
    data = yaml.safe_load((PROJECT_ROOT / "bot" / "data" / "ngos.sample.yml").read_text(encoding="utf-8"))
    data["ngos"].append({"id": "retired-gaya-sample", "name": "Retired Gaya Sample Trust (fictitious)",
                         "language": "hi", "covers": ["Gaya"], "contacts": [{"sms": RETIRED_SMS}]})
    data["escalation"]["Gaya"] = gaya_order
    return parse_directory(data)


def _file(relation: str, count: int, clock: ManualClock) -> list[str]:
    """`count` reports in `relation`, filed and routed under an older directory; the sample directory is in force
    afterwards (so the retired NGO is inactive)."""
    if relation == "escalated":
        with session_scope() as session:
            import_directory(session, _directory(["retired-gaya-sample", "saran-bachpan-sample",
                                                  "rajasthan-state-desk-sample"]))
    else:
        with session_scope() as session:
            import_directory(session, _directory(["magadh-child-rights-sample", "gaya-nawada-outreach-sample",
                                     "retired-gaya-sample"]))
    district, destination = {"district": ("Gaya", None), "sent": ("Gaya", "Saran"), "escalated": ("Gaya", None),
                             "unknown": (None, None), "other_state": ("Jaipur", None)}[relation]
    codes = [file_report(clock, district=district, destination=destination).code for _ in range(count)]
    if relation == "escalated":
        for _ in range(2):
            clock.advance(hours=4, minutes=1)
            assert run_job("escalations", clock) == count
    import_sample()
    return codes


def _state(code: str) -> tuple[Any, ...]:
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        return (report.status, report.escalation_level, report.ack_due_at and as_utc(report.ack_due_at),
                report.acknowledged_by, report.closed_at, report.close_note_encrypted)


def _escalation_events(code: str, since: datetime) -> list[str]:
    with session_scope() as session:
        report_id = session.execute(select(Report.id).where(Report.code == code)).scalar_one()
        return [e.action for e in session.execute(select(AuditEvent).where(AuditEvent.report_id == report_id))
                .scalars() if as_utc(e.at) > since and e.action in ("escalated", "escalation_exhausted")]


def _access_by_routing(session: Any, ngo: Ngo, report: Report) -> bool:
    """The rule as routing states it, in Python: the SQL rule must agree with it."""
    sent = session.execute(select(Delivery.id).where(Delivery.report_id == report.id,
                                                     Delivery.ngo_id == ngo.id)).first() is not None
    in_chain = any(step.id == ngo.id for step in chain_for(session, report.district))
    own_state = bool(ngo.state_contact_for) and report.district in {
        d.name for d in load_gazetteer().districts(ngo.state_contact_for)}
    return ngo.active and (sent or in_chain or own_state)


@pytest.mark.parametrize("relation", RELATIONS)
def test_who_may_act_on_a_report(store_url: str, relation: str) -> None:
    clock = ManualClock()
    column = RELATIONS.index(relation)
    cells = [(sender, verb) for sender in SENDERS for verb in VERBS]
    codes = dict(zip(cells, _file(relation, len(cells), clock), strict=True))

    # The rule, before anyone acts: for every NGO the web console's list and the one-report question agree with
    # each other, with the table, and with routing.
    with session_scope() as session:
        reports = {r.code: r for r in session.execute(select(Report)).scalars()}
        for sender in SENDERS:
            if sender.ngo_key is None:
                continue
            ngo = session.execute(select(Ngo).where(Ngo.key == sender.ngo_key)).scalar_one()
            listed = set(session.execute(select(Report.code).where(reports_scope_filter(ngo))).scalars())
            expected = set(reports) if EXPECTED[sender.label][column] == Y else set()
            assert listed == expected, sender.label
            for report in reports.values():
                assert may_act_on_report(session, ngo, report) is (report.code in listed), sender.label
                assert _access_by_routing(session, ngo, report) is (report.code in listed), sender.label

    before = {code: _state(code) for code in codes.values()}
    acted_at = clock.now()
    outcomes: dict[tuple[str, str], str | None] = {}
    for (sender, verb), code in codes.items():
        result = handle_ngo_message(sender.channel, sender.address, f"{verb} {code} bachche mil gaye", clock)
        outcomes[(sender.label, verb)] = None if result is None else result.action
    expected_outcomes = {
        (sender.label, verb): {Y: VERBS[verb], N: "not_yours", X: None}[EXPECTED[sender.label][column]]
        for sender in SENDERS for verb in VERBS
    }
    assert outcomes == expected_outcomes

    for (sender, verb), code in codes.items():
        after = _state(code)
        if outcomes[(sender.label, verb)] in ("not_yours", None):
            assert after == before[code], (sender.label, verb)  # status, level, due time, who, note: unchanged
        else:
            assert after[0] == VERBS[verb] and after[2] is None, (sender.label, verb)
    with session_scope() as session:
        refusals = {(e.actor, e.report_id) for e in session.execute(
            select(AuditEvent).where(AuditEvent.action == "refused")).scalars()}
        ids = {r.code: r.id for r in session.execute(select(Report)).scalars()}
    assert refusals == {(f"ngo:{sender.ngo_key}", ids[code]) for (sender, verb), code in codes.items()
                        if outcomes[(sender.label, verb)] == "not_yours"}

    # A refused command does not stop the escalation: every report nobody responsible acted on escalates on time.
    clock.advance(hours=4, minutes=1)
    run_job("escalations", clock)
    for (sender, verb), code in codes.items():
        stopped = outcomes[(sender.label, verb)] in VERBS.values()
        assert bool(_escalation_events(code, acted_at)) is not stopped, (sender.label, verb)


def test_the_other_state_desk_cannot_silence_a_gaya_report(store_url: str) -> None:
    """Issue 10's case, step by step: the Rajasthan desk's OK and CLOSE change nothing; Gaya's chain goes on."""
    import_sample()
    clock = ManualClock()
    code = file_report(clock, destination=None).code
    for text in (f"OK {code}", f"CLOSE {code} done"):
        result = handle_ngo_message("sms", "+15005550111", text, clock)
        assert result is not None and result.action == "not_yours"
        assert code in result.reply and "not sent to your organisation" in result.reply  # the desk writes English
    clock.advance(hours=4, minutes=1)
    assert run_job("escalations", clock) == 1
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        assert (report.status, report.escalation_level) == ("received", 1)
        assert [(d.purpose, d.ngo.key) for d in report.deliveries][-1] == ("escalation",
                                                                           "gaya-nawada-outreach-sample")
    # The Bihar desk, the last step of Gaya's chain, may close it.
    closed = handle_ngo_message("sms", "+15005550110", f"CLOSE {code} bachche ghar par", clock)
    assert closed is not None and closed.action == "closed"


def test_a_district_the_directory_was_imported_without(store_url: str) -> None:
    """A district missing from the route steps (a directory imported with an older gazetteer) is routed like an
    unknown one, to the default state's desk; its own state's desk may still act on it, its state's NGOs may not
    (they are not in the chain it is routed by), and the SQL rule still says what routing says."""
    import_sample()
    with session_scope() as session:
        session.execute(delete(RouteStep).where(RouteStep.district == "Jaipur"))
    clock = ManualClock()
    code = file_report(clock, district="Jaipur", destination=None).code
    allowed = {"bihar-state-desk-sample", "rajasthan-state-desk-sample"}
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        assert [(d.purpose, d.ngo.key) for d in report.deliveries] == [("forward", "bihar-state-desk-sample")]
        for ngo in session.execute(select(Ngo)).scalars():
            assert may_act_on_report(session, ngo, report) is (ngo.key in allowed), ngo.key
            assert _access_by_routing(session, ngo, report) is (ngo.key in allowed), ngo.key
            listed = session.execute(select(Report.code).where(reports_scope_filter(ngo))).scalars().all()
            assert listed == ([code] if ngo.key in allowed else []), ngo.key
    refused = handle_ngo_message("whatsapp", "+15005550109", f"OK {code}", clock)
    assert refused is not None and refused.action == "not_yours"
    acknowledged = handle_ngo_message("sms", "+15005550111", f"OK {code}", clock)
    assert acknowledged is not None and acknowledged.action == "acknowledged"


# -- the CLI acts on behalf of an NGO through the same rule ----------------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], clock: ManualClock, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), clock)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_acknowledges_and_closes_for_an_ngo_that_may(store_url: str, capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    import_sample()
    clock = ManualClock()
    code = file_report(clock, destination=None).code
    assert _cli(capsys, clock, "reports", "ack", code[:3] + "-" + code[3:], "--ngo", "magadh-child-rights-sample"
                ) == (0, f"report {code} acknowledged on behalf of magadh-child-rights-sample\n", "")
    status, out, _ = _cli(capsys, clock, "reports", "ack", code, "--ngo", "gaya-nawada-outreach-sample")
    assert (status, out) == (0, f"report {code} was already acknowledged; nothing changed\n")
    status, out, _ = _cli(capsys, clock, "reports", "close", code, "--ngo", "bihar-state-desk-sample",
                          "--note", "bachche ghar laut aaye")
    assert (status, out) == (0, f"report {code} closed on behalf of bihar-state-desk-sample\n")
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == code)).scalar_one()
        assert report.status == "closed" and report.ack_due_at is None
        assert decrypt(report.close_note_encrypted) == "bachche ghar laut aaye"
        trail = [(e.actor, e.action, e.detail) for e in session.execute(
            select(AuditEvent).where(AuditEvent.report_id == report.id).order_by(AuditEvent.id)).scalars()]
    assert ("ngo:magadh-child-rights-sample", "acknowledged", "via cli") in trail
    assert ("ngo:bihar-state-desk-sample", "closed", "via cli, note=yes") in trail


@pytest.mark.parametrize(("argv", "exit_code", "message"), [
    (("ack", "{code}", "--ngo", "rajasthan-state-desk-sample"), 3, "refused: rajasthan-state-desk-sample may not"),
    (("close", "{code}", "--ngo", "rajasthan-state-desk-sample", "--note", "x"), 3, "refused"),
    (("ack", "{code}", "--ngo", "patna-bal-raksha-sample"), 3, "refused"),
    (("ack", "{code}", "--ngo", "retired-gaya-sample"), 2, "no active NGO 'retired-gaya-sample'"),
    (("close", "{code}", "--ngo", "no-such-ngo"), 2, "no active NGO 'no-such-ngo'"),
    (("ack", "1234567", "--ngo", "magadh-child-rights-sample"), 1, "there is no report 1234567"),
])
def test_cli_refuses_an_ngo_that_may_not(store_url: str, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                         exit_code: int, message: str) -> None:
    clock = ManualClock()
    with session_scope() as session:
        import_directory(session, _directory(["magadh-child-rights-sample", "gaya-nawada-outreach-sample",
                                 "retired-gaya-sample"]))
    code = file_report(clock, destination=None).code
    import_sample()  # the retired NGO is no longer in the directory
    before = _state(code)
    status, out, err = _cli(capsys, clock, "reports", *(a.format(code=code) for a in argv))
    assert (status, out) == (exit_code, "") and message in err
    assert _state(code) == before
    with session_scope() as session:
        refused = session.execute(select(AuditEvent).where(AuditEvent.action == "refused")).scalars().all()
    assert [(e.actor, e.detail) for e in refused] == (
        [(f"ngo:{argv[3]}", f"{argv[0]} from an NGO not responsible")] if exit_code == 3 else [])


# -- follow-up cases: the same district rule ---------------------------------------------------------------------


@pytest.mark.parametrize(("address", "allowed"), [
    ("+15005550102", True),  # Gaya's first NGO (enrolled it)
    ("+15005550108", True),  # later in Gaya's chain
    ("+15005550110", True),  # the Bihar desk
    ("+15005550111", False),  # the Rajasthan desk
    ("+15005550101", False),  # Patna's NGO
])
def test_case_commands_follow_the_same_rule(store_url: str, address: str, allowed: bool) -> None:
    import_sample()
    clock = ManualClock()  # 29-11-2026, 11:30 in India
    enrolled = handle_ngo_message("sms", "+15005550102", f"ENROL {FAMILY} Gaya 20-11-2026", clock)
    assert enrolled is not None and enrolled.action == "enrolled"
    with session_scope() as session:
        reference = session.execute(select(FollowupCase.reference)).scalar_one()
    result = handle_ngo_message("sms", address, f"CASE {reference} school enrolled", clock)
    assert result is not None and result.action == ("case_updated" if allowed else "case_not_yours")
    with session_scope() as session:
        case = session.execute(select(FollowupCase)).scalar_one()
        assert case.school_stage == ("enrolled" if allowed else "not_enrolled")
        # The console's list of cases and the one-case question agree, for every NGO of the directory.
        for ngo in session.execute(select(Ngo)).scalars():
            listed = session.execute(select(FollowupCase.id).where(cases_scope_filter(ngo))).scalars().all()
            assert (listed == [case.id]) is may_change(session, ngo, case), ngo.key
