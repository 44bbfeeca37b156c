"""Erasure end to end (issue 14) through the real Rasa and action servers, in en, hi, hi-Latn and bho: a person
talks to the helpline (a call-back request with consent, their name in a message), has a report and a follow-up
case; then asks to delete their data and confirms. Afterwards no row of any table (encrypted columns decrypted)
and no tracker event holds the number, their conversation or their names."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text

from bot.channels.notices import notice
from bot.clock import ManualClock
from bot.crypto import pseudonym
from bot.followup.cases import Enrolment, create_case
from bot.reports.service import submit_report
from bot.store.db import session_scope
from tests.conftest import _reset_caches
from tests.privacy_helpers import CHILD, GUARDIAN, VILLAGE, rows_holding
from tests.replies import GREETINGS, reply_text
from tests.reports_helpers import import_sample
from tests.servers import Helpline, running_helpline

# Twilio test numbers (fictitious), one per language; on the REST channel the sender id is the address.
NUMBERS = {"en": "+15005550011", "hi": "+15005550012", "hi-Latn": "+15005550013", "bho": "+15005550014"}
REQUESTS = {"en": ("delete my data", "1"), "hi": ("मेरा डेटा मिटा दो", "हाँ"),
            "hi-Latn": ("mera data delete kar do", "haan"), "bho": ("हमार डेटा हटा दीं", "1")}
NAME_MESSAGES = {"en": f"my name is {GUARDIAN}", "hi": f"मेरा नाम {GUARDIAN} है",
                 "hi-Latn": f"mera naam {GUARDIAN} hai", "bho": f"हमार नाम {GUARDIAN} ह"}


@pytest.fixture(scope="module")
def helpline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Helpline]:
    var = tmp_path_factory.mktemp("var")
    tracker = f"sqlite:///{var / 'tracker.db'}"
    with running_helpline(var, {"HELPLINE_TRANSLATOR": "off", "HELPLINE_TRACKER_DATABASE_URL": tracker}) as servers, \
            pytest.MonkeyPatch.context() as monkeypatch:
        for name in ("HELPLINE_SECRET_KEYS", "HELPLINE_VAR_DIR", "HELPLINE_DATABASE_URL",
                     "HELPLINE_TRACKER_DATABASE_URL"):
            monkeypatch.setenv(name, servers.env[name])
        _reset_caches()
        import_sample()
        yield servers
    _reset_caches()


def _tracker_events(helpline: Helpline) -> list[tuple[str, str]]:
    engine = create_engine(helpline.env["HELPLINE_TRACKER_DATABASE_URL"], future=True)
    with engine.connect() as connection:
        return [(row[0], row[1] or "") for row in connection.execute(text("SELECT sender_id, data FROM events"))]


def _data_everywhere(helpline: Helpline, number: str, language: str) -> None:
    """Through the servers: a greeting, a call-back request with consent, the person's name in a message; in the
    store as the NGO and the report form would make them: a report sharing the number, a case with names."""
    helpline.send(number, GREETINGS[language])
    assert helpline.send(number, "5")[0] == reply_text("utter_ask_callback_consent", language)
    assert helpline.send(number, "1")[0] == reply_text("utter_callback_recorded", language)
    helpline.send(number, NAME_MESSAGES[language])
    clock = ManualClock()
    with session_scope() as session:
        submit_report(session, "missing", {"district": "Gaya", "what": f"{CHILD} from {VILLAGE} is missing",
                                           "contact": "share"}, "rest", number, language, clock.now())
        create_case(session, Enrolment(channel="rest", address=number, district="Gaya", language=language,
                                       returned_on=date(2026, 11, 10), child_age=12, guardian_consent="CWC file",
                                       guardian_name=GUARDIAN,
                                       child_name=CHILD, place=VILLAGE), None, "active", clock.now(), "cli")


@pytest.mark.parametrize("language", list(NUMBERS))
def test_delete_my_data_leaves_nothing_of_the_person(helpline: Helpline, language: str) -> None:
    number = NUMBERS[language]
    _data_everywhere(helpline, number, language)
    personal = [number, GUARDIAN, pseudonym("rest", number)]
    assert any(sender == number for sender, _ in _tracker_events(helpline))
    with session_scope() as session:
        assert rows_holding(session, personal)

    request, yes = REQUESTS[language]
    assert helpline.send(number, request) == [notice("erasure_confirm", language)]
    assert helpline.send(number, yes) == [notice("erasure_done", language)]

    with session_scope() as session:
        assert rows_holding(session, [*personal, CHILD, VILLAGE]) == []
    events = _tracker_events(helpline)
    assert not [s for s, data in events if s == number or number in data or GUARDIAN in data or CHILD in data]
    # The helpline still answers the number afterwards, as a new conversation.
    assert helpline.send(number, GREETINGS[language])[0] == reply_text("utter_greet", language)
