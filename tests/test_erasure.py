"""Erasure (issue 14): "delete my data" -> confirmation -> everything the store and Rasa's tracker hold about the
number is gone; reports stay anonymous, the case is closed with its counts; audited by counts only; a process
killed half-way leaves no half-erased record. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.clock import ManualClock
from bot.crypto import decrypt, pseudonym
from bot.erasure import chat_reply, erase, finish_pending
from bot.erasure_words import confirmation, looks_like_erasure_request
from bot.followup.erasure import identities_of
from bot.jobs import JobContext, job_named
from bot.replies import text
from bot.store.db import session_scope
from bot.store.models import CallbackRequest, Contact, Erasure, FollowupCase, Report
from tests.conftest import _reset_caches
from tests.privacy_helpers import (
    CHILD,
    GUARDIAN,
    OTHER,
    VILLAGE,
    add_events,
    make_tracker,
    person_with_data_everywhere,
    rows_holding,
    tracker_rows,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tracker(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = make_tracker(tmp_path / "tracker.db")
    monkeypatch.setenv("HELPLINE_TRACKER_DATABASE_URL", url)
    _reset_caches()
    return url


@pytest.mark.parametrize("message", [
    "delete my data", "Please erase my details", "mera data delete karo", "meri jankari mita do",
    "मेरा डेटा मिटा दो", "मेरी जानकारी डिलीट करो", "हमार डेटा हटा दीं", "hamar number mita di",
])
def test_requests_to_delete_are_read_in_every_language(message: str) -> None:
    assert looks_like_erasure_request(message)


@pytest.mark.parametrize("message", [
    "delete", "my data", "namaste", "dalal ne number mita diya aur bachche ko le gaya jaipur train se kal raat ko",
    "status 1234567",
])
def test_other_messages_are_not_requests(message: str) -> None:
    assert not looks_like_erasure_request(message)


def test_confirmation_is_one_or_yes_and_nothing_else() -> None:
    assert [confirmation(t) for t in ("1", "haan", "हाँ", "yes", "2", "nahi", "ना", "1 2 3 4 5 6", "hello")] == \
        [True, True, True, True, False, False, False, None, None]


def _everything_about(number: str, person_conversations: list[str]) -> list[str]:
    return [number, GUARDIAN, CHILD, VILLAGE, *person_conversations, pseudonym("sms", number),
            pseudonym("whatsapp", number)]


def test_erase_leaves_no_row_and_no_tracker_event_holding_the_person(tracker: str) -> None:
    clock = ManualClock()
    person = person_with_data_everywhere(clock, tracker)
    with session_scope() as session:
        assert rows_holding(session, [person.number, GUARDIAN])  # the scan does find them before

    result = erase(identities_of(person.number), "cli", clock)

    with session_scope() as session:
        assert rows_holding(session, _everything_about(person.number, person.conversations)) == []
        report = session.execute(select(Report).where(Report.code == person.report_code)).scalar_one()
        assert report.reporter_key is None and report.contact_consent == "anonymous"
        assert "Dalal Ramesh" in decrypt(report.details_encrypted)  # the report itself stays with the NGO
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == person.case_reference)
                               ).scalar_one()
        assert (case.status, case.district, case.child_age) == ("closed", "Gaya", None)
        assert all(c.status not in ("scheduled", "waiting", "firing") for c in case.checkins)
        # someone else's data is untouched
        assert session.execute(select(Contact).where(Contact.contact_key == pseudonym("whatsapp", OTHER))).scalar()
        assert len(list(session.execute(select(CallbackRequest)).scalars())) == 1
        erasure = session.get(Erasure, result.erasure_id)
        assert erasure.status == "done" and erasure.conversations_encrypted is None
        assert "contacts=2" in erasure.counts and "callbacks=1" in erasure.counts and "tracker_events=3" in \
            erasure.counts
    for conversation in person.conversations:
        assert tracker_rows(tracker, conversation) == []
    assert tracker_rows(tracker, "someone-else")
    assert not any(GUARDIAN in data for _, data in tracker_rows(tracker))


@pytest.mark.parametrize("language,request_text,yes", [
    ("en", "delete my data", "1"), ("hi", "मेरा डेटा मिटा दो", "हाँ"), ("hi-Latn", "mera data delete karo", "haan"),
    ("bho", "हमार डेटा हटा दीं", "1"),
])
def test_the_person_asks_confirms_and_is_answered_in_their_language(tracker: str, language: str,
                                                                     request_text: str, yes: str) -> None:
    clock = ManualClock()
    person = person_with_data_everywhere(clock, tracker)
    assert chat_reply("whatsapp", person.number, request_text, language, clock) == [
        text("notice.erasure_confirm", language)]
    with session_scope() as session:  # nothing erased before the confirmation
        assert rows_holding(session, [GUARDIAN])
    assert chat_reply("whatsapp", person.number, yes, "hi", clock) == [text("notice.erasure_done", language)]
    with session_scope() as session:
        assert rows_holding(session, _everything_about(person.number, person.conversations)) == []


def test_no_or_another_message_or_a_late_yes_erases_nothing(tracker: str) -> None:
    clock = ManualClock()
    person = person_with_data_everywhere(clock, tracker)
    chat_reply("sms", person.number, "delete my data", "en", clock)
    assert chat_reply("sms", person.number, "2", "en", clock) == [text("notice.erasure_kept", "en")]
    assert chat_reply("sms", person.number, "1", "en", clock) is None  # the request lapsed with the "no"
    chat_reply("sms", person.number, "delete my data", "en", clock)
    assert chat_reply("sms", person.number, "namaste", "en", clock) is None  # read as usual; request lapses
    chat_reply("sms", person.number, "delete my data", "en", clock)
    clock.advance(minutes=16)
    assert chat_reply("sms", person.number, "1", "en", clock) is None
    with session_scope() as session:
        assert rows_holding(session, [GUARDIAN, person.number])
        assert session.execute(select(Erasure)).first() is None


def test_an_emergency_is_never_held_by_erasure(tracker: str) -> None:
    clock = ManualClock()
    person = person_with_data_everywhere(clock, tracker)
    chat_reply("sms", person.number, "delete my data", "en", clock)
    assert chat_reply("sms", person.number, "bachao mera data delete karo", "hi-Latn", clock) is None


def test_helpline_erase_does_the_same_for_a_coordinator_and_audits_counts_only(
        tracker: str, capsys: pytest.CaptureFixture[str]) -> None:
    clock = ManualClock()
    person = person_with_data_everywhere(clock, tracker)
    assert main(["erase", "--contact", person.number, "--by", "phone-call"], clock=clock) == 0
    assert "done: callbacks=1 cases=1 consents=4 contacts=2" in capsys.readouterr().out
    assert main(["erasures"], clock=clock) == 0
    audit = capsys.readouterr().out
    assert "cli:phone-call\tdone" in audit and person.number not in audit
    with session_scope() as session:
        assert rows_holding(session, _everything_about(person.number, person.conversations)) == []
    assert main(["erase", "--contact", "12 34"], clock=clock) == 0  # a Telegram chat id with nothing stored


# --- killed half-way ---------------------------------------------------------------------------------------------

KILLED = """
import sys, threading
from bot.clock import ManualClock
import bot.erasure as erasure
import bot.followup.erasure as core
from bot.followup.erasure import identities_of
from bot.jobs import JobContext, job_named

def wait_here(*args, **kwargs):
    print("ready", flush=True)
    threading.Event().wait()  # the test kills the process here

point = sys.argv[1]
if point == "inside-transaction":
    original = core._anonymise_report
    def stop(*args, **kwargs):
        original(*args, **kwargs)  # contacts, call-backs, drafts and the case are already erased in this transaction
        wait_here()
    core._anonymise_report = stop
else:
    erasure.finish = wait_here  # the store's transaction is committed, the tracker not yet touched
erasure.erase(identities_of(sys.argv[2]), "cli", ManualClock())
"""


def _killed_at(point: str, number: str) -> None:
    process = subprocess.Popen([sys.executable, "-c", KILLED, point, number], cwd=ROOT, env=dict(os.environ),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()  # explicit synchronisation: the child reached the point
    assert line.strip() == "ready", process.stderr.read() if process.stderr else ""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_killed_inside_the_transaction_nothing_is_erased(tracker: str) -> None:
    clock = ManualClock()
    person = person_with_data_everywhere(clock, tracker)
    _killed_at("inside-transaction", person.number)
    with session_scope() as session:
        assert {"contacts.address_encrypted", "cases.guardian_name_encrypted", "reports.reporter_address_encrypted"} \
            <= set(rows_holding(session, [person.number, GUARDIAN]))
        assert session.execute(select(Erasure)).first() is None
    assert tracker_rows(tracker, person.conversations[0])


def test_killed_between_store_and_tracker_the_erasure_is_finished_later(tracker: str) -> None:
    clock = ManualClock()
    person = person_with_data_everywhere(clock, tracker)
    _killed_at("before-tracker", person.number)
    with session_scope() as session:
        erasure = session.execute(select(Erasure)).scalar_one()
        assert erasure.status == "pending"
        assert sorted(json.loads(decrypt(erasure.conversations_encrypted))) == sorted(person.conversations)
        assert rows_holding(session, [person.number, GUARDIAN, CHILD, VILLAGE]) == []
    assert tracker_rows(tracker, person.conversations[0])  # not yet

    assert job_named("erasures").backlog is not None
    assert job_named("erasures").run(JobContext(clock=clock), clock.now()) == 1  # the worker's job finishes it
    assert finish_pending(clock) == 0
    with session_scope() as session:
        assert session.execute(select(Erasure.status)).scalar_one() == "done"
        assert rows_holding(session, _everything_about(person.number, person.conversations)) == []
    assert all(tracker_rows(tracker, c) == [] for c in person.conversations)


def test_deleting_a_conversation_is_idempotent_and_leaves_others(tracker: str) -> None:
    from bot.conversations import delete_conversation

    add_events(tracker, "a", "one", "two")
    add_events(tracker, "b", "three")
    assert delete_conversation("a") == 2
    assert delete_conversation("a") == 0
    assert tracker_rows(tracker, "b")


def test_through_the_channel_gate_the_request_and_its_yes_never_reach_the_dialogue(tracker: str) -> None:
    from bot.channels.gate import Inbound, admit

    clock = ManualClock()
    person = person_with_data_everywhere(clock, tracker)
    asked = admit(Inbound("whatsapp", "twilio", person.number, f"SM{1:032x}", "mera data delete kar do"), clock)
    assert (asked.action, asked.replies) == ("erasure", [text("notice.erasure_confirm", "hi-Latn")])
    done = admit(Inbound("whatsapp", "twilio", person.number, f"SM{2:032x}", "1"), clock)
    assert (done.action, done.replies) == ("erasure", [text("notice.erasure_done", "hi-Latn")])
    with session_scope() as session:
        assert rows_holding(session, _everything_about(person.number, person.conversations)) == []
    assert all(tracker_rows(tracker, c) == [] for c in person.conversations)
    after = admit(Inbound("whatsapp", "twilio", person.number, f"SM{3:032x}", "1"), clock)
    assert after.action == "dialogue"  # a later "1" is an ordinary menu answer again
