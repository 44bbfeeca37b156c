"""NGO directory import, the routing table of every district, and submitting a report into the outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.gazetteer import load_gazetteer
from bot.reports.directory import DirectoryError, import_directory, load_directory, parse_directory
from bot.reports.routing import chain_for
from bot.settings import PROJECT_ROOT
from bot.store.db import session_scope
from bot.store.models import AuditEvent, Delivery, Ngo, Report
from tests.reports_helpers import file_report, import_sample

SAMPLE = PROJECT_ROOT / "bot" / "data" / "ngos.sample.yml"
STATE_DESK = {"Bihar": "bihar-state-desk-sample", "Rajasthan": "rajasthan-state-desk-sample"}
FIRST = {  # district -> the NGO that must get its reports first (from the sample file)
    "Gaya": "magadh-child-rights-sample",
    "Nawada": "gaya-nawada-outreach-sample",
    "Patna": "patna-bal-raksha-sample",
    "Siwan": "saran-bachpan-sample",
    "East Champaran": "tirhut-jan-seva-sample",
    "Kishanganj": "seemanchal-child-sample",
    "Madhubani": "mithila-bal-sahayta-sample",
    "Munger": "anga-bal-sample",
    "Jaipur": "jaipur-rescue-sample",
    "Barmer": "rajasthan-state-desk-sample",
}


@pytest.mark.parametrize("district", [d.name for d in load_gazetteer().districts()])
def test_every_district_has_a_chain_ending_with_its_state_contact(district: str) -> None:
    directory = load_directory(SAMPLE)
    chain = directory.chain(district)
    state = load_gazetteer().lookup(district).state
    assert chain[-1] == STATE_DESK[state]
    assert len(chain) == len(set(chain))
    if state == "Bihar":  # every Bihar district is covered by at least one district NGO before the state desk
        assert len(chain) >= 2


def test_stored_routing_table_matches_the_file(store_url: str) -> None:
    import_sample()
    directory = load_directory(SAMPLE)
    with session_scope() as session:
        for district in [d.name for d in load_gazetteer().districts()]:
            assert [n.key for n in chain_for(session, district)] == directory.chain(district), district
        assert [n.key for n in chain_for(session, None)] == ["bihar-state-desk-sample"]
        for district, first in FIRST.items():
            assert chain_for(session, district)[0].key == first
        gaya = [n.key for n in chain_for(session, "Gaya")]
    assert gaya == ["magadh-child-rights-sample", "gaya-nawada-outreach-sample", "bihar-state-desk-sample"]


def test_reimport_deactivates_removed_ngos_and_keeps_their_rows(store_url: str) -> None:
    import_sample()
    data = load_directory(SAMPLE)
    smaller = parse_directory({
        "default_state": "Bihar",
        "state_contacts": {"Bihar": "bihar-state-desk-sample"},
        "ngos": [{"id": "bihar-state-desk-sample", "name": "State desk (fictitious)", "language": "hi",
                  "contacts": [{"sms": "+15005550110"}]}],
    })
    with session_scope() as session:
        import_directory(session, smaller)
    with session_scope() as session:
        active = {n.key for n in session.execute(select(Ngo).where(Ngo.active.is_(True))).scalars()}
        everyone = {n.key for n in session.execute(select(Ngo)).scalars()}
        assert active == {"bihar-state-desk-sample"}
        assert everyone == {n.key for n in data.ngos}
        assert [n.key for n in chain_for(session, "Gaya")] == ["bihar-state-desk-sample"]


BAD_DIRECTORIES = [
    ("no ngos", {}, "top-level 'ngos:'"),
    ("bad id", {"ngos": [{"id": "Bad Id", "name": "x", "contacts": [{"sms": "+15005550101"}]}]}, "'id' must be"),
    ("unknown district", {"ngos": [{"id": "a-ngo", "name": "x", "covers": ["Gotham"],
                                    "contacts": [{"sms": "+15005550101"}]}]}, "not a district name"),
    ("cancelled district", {"ngos": [{"id": "a-ngo", "name": "x", "covers": ["Dudu"],
                                      "contacts": [{"sms": "+15005550101"}]}]}, "did you mean Jaipur"),
    ("bad number", {"ngos": [{"id": "a-ngo", "name": "x", "contacts": [{"sms": "98765"}]}]}, "international number"),
    ("bad channel", {"ngos": [{"id": "a-ngo", "name": "x", "contacts": [{"fax": "+15005550101"}]}]},
     "unknown channel"),
    ("no contacts", {"ngos": [{"id": "a-ngo", "name": "x"}]}, "non-empty list"),
    ("bad language", {"ngos": [{"id": "a-ngo", "name": "x", "language": "fr", "contacts": [{"sms": "+15005550101"}]}]},
     "language must be"),
    ("no state contact", {"ngos": [{"id": "a-ngo", "name": "x", "contacts": [{"sms": "+15005550101"}]}]},
     "default state"),
    ("state contact unknown", {"state_contacts": {"Bihar": "nobody"},
                               "ngos": [{"id": "a-ngo", "name": "x", "contacts": [{"sms": "+15005550101"}]}]},
     "not in ngos"),
    ("escalation names unknown ngo", {"state_contacts": {"Bihar": "a-ngo"}, "escalation": {"Gaya": ["ghost"]},
                                      "ngos": [{"id": "a-ngo", "name": "x", "contacts": [{"sms": "+15005550101"}]}]},
     "must list ngo ids"),
]


@pytest.mark.parametrize(("data", "message"), [(d, m) for _, d, m in BAD_DIRECTORIES],
                         ids=[label for label, _, _ in BAD_DIRECTORIES])
def test_bad_directories_are_refused_with_a_clear_message(data: dict, message: str) -> None:
    with pytest.raises(DirectoryError, match=message):
        parse_directory(data)


def test_a_report_and_its_forwards_are_written_together(store_url: str) -> None:
    import_sample()
    clock = ManualClock()
    submitted = file_report(clock)
    assert submitted.district == "Gaya" and len(submitted.code) == 7
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == submitted.code)).scalar_one()
        assert (report.kind, report.status, report.urgent, report.district, report.destination_district) == (
            "recruitment", "received", False, "Gaya", "Jaipur")
        deliveries = session.execute(select(Delivery).order_by(Delivery.id)).scalars().all()
        assert [(d.purpose, d.ngo.key, d.channel, d.status) for d in deliveries] == [
            ("forward", "magadh-child-rights-sample", "telegram", "pending"),
            ("corridor", "jaipur-rescue-sample", "whatsapp", "pending"),
        ]
        assert [d.marker for d in deliveries] == [f"{submitted.code}-1", f"{submitted.code}-2"]
        actions = [e.action for e in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]
        assert actions == ["received", "queued", "queued"]


def test_unknown_district_goes_to_the_state_contact_and_emergencies_are_urgent(store_url: str) -> None:
    import_sample()
    clock = ManualClock()
    submitted = file_report(clock, kind="emergency", district="unknown", destination=None)
    assert submitted.district is None
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == submitted.code)).scalar_one()
        assert report.urgent is True
        assert [d.ngo.key for d in report.deliveries] == ["bihar-state-desk-sample"]


def test_no_corridor_alert_without_a_destination_the_directory_covers(store_url: str) -> None:
    import_sample()
    submitted = file_report(ManualClock(), destination="Surat")
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == submitted.code)).scalar_one()
        assert [d.purpose for d in report.deliveries] == ["forward"]
        assert report.destination_district is None


def test_a_report_made_before_any_directory_is_kept_and_routed_later(store_url: str) -> None:
    from bot.jobs import run_job

    clock = ManualClock()
    submitted = file_report(clock)
    assert submitted.first_ngo is None
    clock.advance(hours=5)
    assert run_job("escalations", clock) == 0  # nothing to escalate to yet, and no crash
    assert run_job("routing", clock) == 0
    import_sample()
    assert run_job("routing", clock) == 1
    assert run_job("routing", clock) == 0
    with session_scope() as session:
        report = session.execute(select(Report).where(Report.code == submitted.code)).scalar_one()
        assert [d.ngo.key for d in report.deliveries] == ["magadh-child-rights-sample", "jaipur-rescue-sample"]
        assert "unrouted" in [e.action for e in session.execute(select(AuditEvent)).scalars()]
