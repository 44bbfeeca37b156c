"""The check-in, opt-out and self-enrolment actions without the servers: how action_read_message reads a reply to a
check-in question (an emergency or another request is never taken for an answer), what action_checkin_next says,
opt-out and START, and the pure readers in bot.followup.family."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionCheckinNext,
    ActionCheckinPrompt,
    ActionOptOut,
    ActionReadMessage,
    ActionRestartCheckins,
)
from bot.clock import ManualClock
from bot.followup.conversation import read_need
from bot.followup.family import (
    case_state,
    looks_like_case_status,
    looks_like_restart,
    read_enrolment_reply,
)
from bot.followup.worker import FollowupWorker
from bot.store.db import session_scope
from tests.followup_helpers import RecordingStarter, enrol

SENDER = "rest-family-1"


def _case_state(input_channel: str, sender: str) -> tuple[str, str] | None:
    with session_scope() as session:
        return case_state(session, input_channel, sender)


def make_tracker(text: str, intent: str, prompt: str | None, slots: dict[str, Any] | None = None,
                 channel: str | None = "rest", active_loop: dict[str, Any] | None = None) -> Tracker:
    events: list[dict[str, Any]] = []
    if prompt:
        events.append({"event": "bot", "text": "...", "metadata": {"utter_action": prompt}})
    events.append({"event": "user", "text": text, "input_channel": channel,
                   "parse_data": {"intent": {"name": intent, "confidence": 0.95}}})
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": []}
    base = {"language": "en", "language_locked": False, "menu_choice": None}
    return Tracker(SENDER, {**base, **(slots or {})}, latest, events, False, None, active_loop or {}, "action_listen")


def run(action: Action, tracker: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(slots the action set, messages it sent)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, dispatcher.messages


def responses(messages: list[dict[str, Any]]) -> list[str]:
    return [m["response"] for m in messages]


@pytest.fixture
def family(helpline_env: Path) -> str:
    """A REST family in Bhojpuri whose first check-in the worker has just fired (the question went out)."""
    clock = ManualClock()  # 11:30 in India: daytime
    reference = enrol(clock, (clock.now() - timedelta(days=8)).date(), channel="rest", address=SENDER,
                      language="bho")
    assert FollowupWorker(RecordingStarter(), clock).run_once() == 1
    return reference


def test_a_started_checkin_speaks_the_case_language_and_asks_the_first_question(family: str) -> None:
    slots, _ = run(ActionReadMessage(), make_tracker("EXTERNAL: EXTERNAL_checkin", "EXTERNAL_checkin", None,
                                                     channel=None))
    assert slots == {"language": "bho", "menu_choice": None, "discreet": False}
    _, messages = run(ActionCheckinPrompt(), make_tracker("EXTERNAL: EXTERNAL_checkin", "EXTERNAL_checkin", None,
                                                          channel=None))
    assert responses(messages) == ["utter_checkin_intro", "utter_checkin_home"]
    assert messages[0]["code"] == family


def test_numbers_and_words_are_answers(family: str) -> None:
    slots, _ = run(ActionReadMessage(), make_tracker("1", "choose_option", "utter_checkin_home"))
    assert (slots["menu_choice"], slots["checkin_next"], slots["checkin_raised"]) == \
        ("checkin_answer", "utter_checkin_school", [])
    slots, _ = run(ActionReadMessage(), make_tracker("ना", "deny", "utter_checkin_school"))
    assert (slots["menu_choice"], slots["checkin_raised"]) == ("checkin_answer", ["not_in_school"])
    slots, _ = run(ActionReadMessage(), make_tracker("7", "choose_option", "utter_checkin_money"))
    assert (slots["menu_choice"], slots["checkin_next"]) == ("checkin_unclear", "utter_checkin_money")


@pytest.mark.parametrize("text", ["bachao bachao", "हमरा लइका के मारत बाड़े सन, बचाईं", "help they are beating him"])
def test_an_emergency_is_never_an_answer(family: str, text: str) -> None:
    slots, _ = run(ActionReadMessage(), make_tracker(text, "report_emergency", "utter_checkin_home"))
    assert slots["menu_choice"] is None and slots["report_kind"] == "emergency"
    slots, _ = run(ActionReadMessage(), make_tracker("1", "choose_option", "utter_checkin_home"))
    assert slots["menu_choice"] == "checkin_answer"  # the check-in waited at its question


def test_a_request_counts_only_when_it_clearly_answers(family: str) -> None:
    for answer in ("1", "1"):
        run(ActionReadMessage(), make_tracker(answer, "choose_option", "utter_checkin_home"))
    # home, school answered; now "has any compensation arrived?"
    slots, _ = run(ActionReadMessage(), make_tracker("paisa kab milega", "ask_compensation_status",
                                                     "utter_checkin_money"))
    assert slots["menu_choice"] is None  # answered as the question it is
    slots, _ = run(ActionReadMessage(), make_tracker("paisa nahi aaya", "ask_compensation_status",
                                                     "utter_checkin_money"))
    assert slots["menu_choice"] == "checkin_answer"
    slots, _ = run(ActionReadMessage(), make_tracker("haan ek dalal aaya tha 5000 advance de raha tha",
                                                     "report_recruitment", "utter_checkin_agent"))
    assert (slots["menu_choice"], slots["checkin_raised"]) == ("checkin_answer", ["agent_approach"])
    _, messages = run(ActionCheckinNext(), make_tracker("...", "report_recruitment", "utter_checkin_agent", {
        "menu_choice": "checkin_answer", "checkin_next": "utter_checkin_need", "checkin_raised": ["agent_approach"]}))
    assert responses(messages) == ["utter_checkin_advice_agent", "utter_checkin_need"]


def test_a_language_change_keeps_the_question(family: str) -> None:
    slots, _ = run(ActionReadMessage(), make_tracker("in English please", "change_language", "utter_checkin_home",
                                                     {"language": "bho"}))
    assert (slots["language"], slots["menu_choice"], slots["checkin_next"]) == \
        ("en", "checkin_language", "utter_checkin_home")
    _, messages = run(ActionCheckinNext(), make_tracker("in English please", "change_language", "utter_checkin_home", {
        "menu_choice": "checkin_language", "checkin_next": "utter_checkin_home", "checkin_raised": []}))
    assert responses(messages) == ["utter_checkin_home"]


def test_the_last_answer_gets_thanks_and_unclear_gets_the_question_again() -> None:
    _, messages = run(ActionCheckinNext(), make_tracker("0", "choose_option", "utter_checkin_need", {
        "menu_choice": "checkin_answer", "checkin_next": None, "checkin_raised": []}))
    assert responses(messages) == ["utter_checkin_thanks"]
    _, messages = run(ActionCheckinNext(), make_tracker("9", "choose_option", "utter_checkin_home", {
        "menu_choice": "checkin_unclear", "checkin_next": "utter_checkin_home", "checkin_raised": []}))
    assert responses(messages) == ["utter_checkin_unclear", "utter_checkin_home"]


def test_opt_out_stops_checkins_and_start_restarts_them(family: str) -> None:
    slots, _ = run(ActionReadMessage(), make_tracker("START", "greet", None))
    assert slots["menu_choice"] is None  # an active case: START is only a greeting
    _, messages = run(ActionOptOut(), make_tracker("band karo", "opt_out", None))
    assert responses(messages) == ["utter_checkins_stopped"] and messages[0]["code"] == family
    assert _case_state("rest", SENDER) == (family, "opted_out")
    slots, _ = run(ActionReadMessage(), make_tracker("फिर से शुरू करें", "greet", None))
    assert slots["menu_choice"] == "followup_restart"
    _, messages = run(ActionRestartCheckins(), make_tracker("START", "greet", None))
    assert responses(messages) == ["utter_checkins_restarted"]
    assert _case_state("rest", SENDER) == (family, "active")


def test_opt_out_without_a_case_is_the_plain_confirmation(helpline_env: Path) -> None:
    _, messages = run(ActionOptOut(), make_tracker("stop", "opt_out", None))
    assert responses(messages) == ["utter_opted_out"]


@pytest.mark.parametrize("text, restart", [
    ("START", True), ("start", True), ("shuru karo", True), ("फिर से शुरू करें", True), ("restart please", True),
    ("check-in phir se chalu karo", True), ("सुरु करीं", True),
    ("hi", False), ("school ka dakhila start karna hai", False), ("beta ghar se gaya", False), ("", False),
])
def test_restart_words(text: str, restart: bool) -> None:
    assert looks_like_restart(text) is restart


@pytest.mark.parametrize("text, status", [
    ("status", True), ("Status?", True), ("mera case ka status", True), ("स्टेटस", True),
    ("what is the status of my case", True), ("status 4829317", False), ("school admission status kaise", False),
])
def test_case_status_words(text: str, status: bool) -> None:
    assert looks_like_case_status(text) is status


@pytest.mark.parametrize("text, intent, prompt, choice", [
    ("1", "choose_option", "utter_followup_offer", "followup_yes"),
    ("haan ji", "affirm", "utter_followup_offer", "followup_yes"),
    ("haan, Gaya se hain", "affirm", "utter_followup_offer", "followup_district"),
    ("2", "choose_option", "utter_followup_offer", "followup_no"),
    ("nahi chahiye", "deny", "utter_followup_offer", "followup_no"),
    ("0", "choose_option", "utter_followup_offer", None),  # the menu
    ("bachao", "report_emergency", "utter_followup_offer", None),
    ("motihari", "inform", "utter_followup_ask_district", "followup_district"),
    ("पटना", "inform", "utter_followup_ask_district", "followup_district"),
    ("pata nahi", "deny", "utter_followup_ask_district", "followup_district_retry"),
    ("xyz", "nlu_fallback", "utter_followup_district_not_found", "followup_no_district"),
    ("5", "choose_option", "utter_followup_district_not_found", None),  # a person
    ("paisa kab milega", "ask_compensation_status", "utter_followup_ask_district", None),
    ("1", "choose_option", "utter_menu", None),
])
def test_enrolment_replies(text: str, intent: str, prompt: str, choice: str | None) -> None:
    assert read_enrolment_reply(text, intent, prompt) == choice


@pytest.mark.parametrize("text, need", [
    ("0", ""), ("kuch nahi chahiye dhanyavad", ""), ("no thanks", ""), ("सब ठीक है जी", ""), ("namaste", ""),
    ("राशन कार्ड चाहिए", "राशन कार्ड चाहिए"), ("no money for school fees", "no money for school fees"), ("7", False),
])
def test_what_a_family_needs(text: str, need: str | bool) -> None:
    assert read_need(text) == need
