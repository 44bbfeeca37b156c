"""Consent records (issue 14): each consent with its wording (catalogue message id + language) and date, shown to
coordinators; a child under 18 is enrolled only with the guardian's consent. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from bot.cli import main
from bot.clock import ManualClock
from bot.crypto import pseudonym
from bot.followup.cases import Enrolment, EnrolmentError, create_case
from bot.followup.commands import CommandProblem, parse_enrol
from bot.store.consents import consents_of
from bot.store.contacts import record_callback_request
from bot.store.db import session_scope
from tests.reports_helpers import REPORTER, file_report, import_sample


def _consents(channel: str, address: str = REPORTER) -> list[tuple[str, str, str | None, str, str | None]]:
    with session_scope() as session:
        return [(c.purpose, c.message_id, c.language, c.given_by, c.verification)
                for c in consents_of(session, [pseudonym(channel, address)])]


def test_a_callback_and_a_shared_number_are_recorded_with_their_wording(store_url: str) -> None:
    clock = ManualClock()
    import_sample()
    with session_scope() as session:
        record_callback_request(session, "whatsapp", REPORTER, "bho")
    file_report(clock, consent="share")
    file_report(clock, consent="callback")
    file_report(clock, consent="anonymous")
    assert _consents("whatsapp") == [("callback", "utter_ask_callback_consent", "bho", "self", None)]
    assert _consents("sms") == [("share_number", "utter_ask_report_contact", "hi-Latn", "self", None),
                                ("callback", "utter_ask_report_contact", "hi-Latn", "self", None)]


def test_a_child_under_18_needs_the_guardians_consent(store_url: str) -> None:
    clock = ManualClock()
    import_sample()
    enrolment = Enrolment(channel="sms", address=REPORTER, district="Gaya", returned_on=date(2026, 11, 20),
                          child_age=12)
    with session_scope() as session, pytest.raises(EnrolmentError, match="guardian"):
        create_case(session, enrolment, None, "active", clock.now(), "cli")
    enrolment.guardian_consent = "CWC file"
    with session_scope() as session:
        create_case(session, enrolment, None, "active", clock.now(), "cli")
    assert _consents("sms") == [
        ("followup", "asked by the NGO in its own words (cli)", "hi", "ngo", None),
        ("guardian", "asked by the NGO in its own words (cli)", "hi", "guardian", "CWC file"),
    ]


def test_an_enrol_message_for_a_child_needs_the_word_guardian() -> None:
    today = date(2026, 12, 1)
    with pytest.raises(CommandProblem) as problem:
        parse_enrol(f"ENROL {REPORTER} Gaya 20-11-2026 age 12", today)
    assert problem.value.key == "no_guardian_consent"
    assert parse_enrol(f"ENROL {REPORTER} Gaya 20-11-2026 age 12 guardian", today).guardian_consent
    assert not parse_enrol(f"ENROL {REPORTER} Gaya 20-11-2026 age 18", today).guardian_consent


def test_coordinators_see_consents_by_contact(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    clock = ManualClock()
    import_sample()
    with session_scope() as session:
        record_callback_request(session, "whatsapp", REPORTER, "hi")
    assert main(["cases", "enrol", "--channel", "whatsapp", "--contact", REPORTER, "--district", "Gaya",
                 "--returned", "2026-11-20", "--age", "12"], clock=clock) == 2
    capsys.readouterr()
    assert main(["consents", "--contact", REPORTER], clock=clock) == 0
    out = capsys.readouterr().out
    assert "callback\tby self\tutter_ask_callback_consent [hi]" in out
    assert main(["consents", "--contact", "+15005550009"], clock=clock) == 0
    assert "no consent recorded" in capsys.readouterr().out
