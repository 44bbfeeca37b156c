"""The dialogue contract (bot/dialogue): the `menu_choice` values, the registry of questions and the readers agree
with the domain, the rules, the modules that read replies and the Telegram keyboards; the readers run in order."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import ActionReadMessage
from bot import message_readers as readers
from bot.channels.telegram import MENU_OPTIONS, menu_numbers
from bot.dialogue.choices import Choice, slot_value
from bot.dialogue.questions import CHECKIN_PROMPTS, MAIN_MENU, OFFER_PROMPT, QUESTIONS, YES, YES_NO_OPTIONS, Expects
from bot.followup.conversation import PROMPTS, CheckinTurn, read_many, read_yes_no
from bot.followup.family import DISTRICT_PROMPTS, read_enrolment_reply
from bot.menu import FOLLOW_UP_MENUS, LETTER_PROMPTS, QUICK_QUESTIONS, Reading, read_reply
from bot.reports.conversation import ReportTurn
from scripts.validate import choices_in_rules, choices_read_by_actions, contract_problems

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
VALUES = {choice.value for choice in Choice}


def _menu_choices_in(path: Path) -> set[Any]:
    """Every value a `slot_was_set: - menu_choice: X` step of this file checks."""
    found: set[Any] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "slot_was_set":
                    for item in value:
                        if isinstance(item, dict) and "menu_choice" in item:
                            found.add(item["menu_choice"])
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


# --- Choice: the menu_choice values -------------------------------------------------------------------------------


def test_choice_is_the_categorical_slot_of_the_domain() -> None:
    slot = DOMAIN["slots"]["menu_choice"]
    assert slot["type"] == "categorical"
    assert [str(value) for value in slot["values"]] and set(map(str, slot["values"])) == VALUES
    assert len(slot["values"]) == len(Choice) == 44


def test_choice_is_every_value_the_rules_check_and_the_actions_read() -> None:
    in_rules = set().union(*(_menu_choices_in(path) for path in (ROOT / "data" / "rules").glob("*.yml")))
    assert in_rules == choices_in_rules()
    # report_stop is the only value no rule checks: action_submit_report reads it (the form completes either way).
    assert VALUES - in_rules == {Choice.REPORT_STOP.value}
    assert in_rules | choices_read_by_actions() == VALUES
    for stories in [ROOT / "data" / "stories.yml", *(ROOT / "tests" / "stories").glob("*.yml")]:
        assert _menu_choices_in(stories) - {None} <= VALUES, stories


def test_choice_values_reach_rasa_as_plain_strings() -> None:
    assert Choice.CONSENT_YES == "consent_yes" and str(Choice.CONSENT_YES) == "consent_yes"
    assert type(slot_value(Choice.CONSENT_YES)) is str and slot_value(None) is None and slot_value(["x"]) == ["x"]


def test_the_rules_live_in_one_file_per_feature() -> None:
    assert not (ROOT / "data" / "rules.yml").exists()
    files = sorted(path.stem for path in (ROOT / "data" / "rules").glob("*.yml"))
    assert {"menu", "language", "compensation", "school", "reports", "checkins", "followup", "emergency",
            "fallback"} <= set(files)
    names = [rule["rule"] for stem in files
             for rule in yaml.safe_load((ROOT / "data" / "rules" / f"{stem}.yml").read_text(encoding="utf-8"))["rules"]]
    assert len(names) == len(set(names))


def test_validate_finds_no_contract_problem() -> None:
    assert contract_problems() == []


# --- QUESTIONS: the registry --------------------------------------------------------------------------------------


def test_every_question_is_a_response_and_its_numbers_are_in_its_text() -> None:
    for prompt, question in QUESTIONS.items():
        assert prompt in DOMAIN["responses"], prompt
        assert question.expects, prompt
        assert bool(question.options) == (Expects.NUMBER in question.expects), prompt
        for variant in DOMAIN["responses"][prompt]:
            for number in question.options:
                assert str(number) in variant["text"], (prompt, number)


def test_telegram_keyboards_come_from_the_registry() -> None:
    assert MENU_OPTIONS == {prompt: tuple(question.options) for prompt, question in QUESTIONS.items()
                            if question.options}
    for prompt, question in QUESTIONS.items():
        assert menu_numbers(prompt, "") == [str(number) for number in question.keyboard]
    follow_up = next(prompt for prompt, question in QUESTIONS.items() if question.main_menu_numbers)
    assert menu_numbers(follow_up, "5 for a person, 0 for the menu")[-2:] == ["5", "0"]
    assert menu_numbers("utter_greet", "1 2 3") == []


def test_bot_menu_reads_the_registry() -> None:
    assert MAIN_MENU[0] == Choice.MENU and set(MAIN_MENU.values()) >= set(QUESTIONS["utter_menu"].options.values())
    assert FOLLOW_UP_MENUS == {prompt: dict(question.options) for prompt, question in QUESTIONS.items()
                               if question.main_menu_numbers}
    assert set(QUICK_QUESTIONS) == {prompt for prompt, question in QUESTIONS.items()
                                    if {Expects.PLACE, Expects.AGE} & set(question.expects)}
    assert LETTER_PROMPTS == {prompt for prompt, question in QUESTIONS.items() if Expects.LETTER in question.expects}
    for prompt, question in QUESTIONS.items():
        for number, meaning in question.options.items():
            reading = read_reply(str(number), "choose_option", prompt)
            if isinstance(meaning, Choice) and prompt not in CHECKIN_PROMPTS | {OFFER_PROMPT}:
                assert reading.menu_choice == meaning, (prompt, number)  # the menus, languages, consent
            elif prompt in QUICK_QUESTIONS:
                assert reading == Reading(question.answered, {question.slot: meaning}), (prompt, number)


def test_checkin_and_enrolment_readers_read_the_registry() -> None:
    assert CHECKIN_PROMPTS == set(PROMPTS.values()) and all(prompt in QUESTIONS for prompt in CHECKIN_PROMPTS)
    for number, meaning in YES_NO_OPTIONS.items():
        assert read_yes_no(str(number)) is (meaning == YES)
    assert read_many("1 2 1 2 0", tuple(PROMPTS)) == [True, False, True, False, ""]
    for number, meaning in QUESTIONS[OFFER_PROMPT].options.items():
        assert read_enrolment_reply(str(number), "choose_option", OFFER_PROMPT) == meaning
    assert DISTRICT_PROMPTS == {prompt: question.unclear for prompt, question in QUESTIONS.items()
                                if Expects.DISTRICT in question.expects}
    assert set(DISTRICT_PROMPTS.values()) == {Choice.FOLLOWUP_DISTRICT_RETRY, Choice.FOLLOWUP_NO_DISTRICT}


# --- The readers, in order ----------------------------------------------------------------------------------------


def test_the_readers_order() -> None:
    assert [reader.__name__ for reader in readers.READERS] == [
        "started_checkin", "discreet_code_word", "discreet_word_choice", "checkin_answer", "checkin_language_change",
        "report_form_answer", "report_start", "report_what_answer", "enrolment_reply", "report_status_request",
        "checkin_restart", "case_status_request", "discreet_request", "clear_chat_request",
        "menu_reply",
    ]


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """The readers' side effects (store, drafts) replaced by stubs that record their calls."""
    calls: dict[str, list[Any]] = {}

    def stub(name: str, result: Any) -> None:
        def record(*args: Any, **kwargs: Any) -> Any:
            calls.setdefault(name, []).append(args)
            return result
        monkeypatch.setattr(readers, name, record)

    stub("language_for", "bho")
    stub("answer_checkin", CheckinTurn("recorded", "utter_checkin_school", ("not_in_school",)))
    stub("awaiting_answer", True)
    stub("continue_report", ReportTurn({"report_district": "Gaya", "report_tries": 0.0}))
    stub("start_report", ReportTurn({"report_kind": "recruitment", "report_tries": 0.0}))
    stub("has_opted_out_case", True)
    monkeypatch.setattr(readers, "stop_if_code_word", lambda m: m.text == "guava")  # this person's code word
    stub("switch_on_discreet", None)
    stub("discreet_now", False)
    return calls


def message(text: str, intent: str | None, prompt: str | None = None, **state: Any) -> readers.Message:
    base: dict[str, Any] = {"confidence": 0.95, "first_message": False, "language": "en", "language_locked": True,
                            "input_channel": "rest", "sender": "s1", "report_form": False}
    return readers.Message(text=text, intent=intent, prompt=prompt, **{**base, **state})


LANGUAGE = [("language", "en"), ("language_locked", True)]
CASES = {
    "started_checkin": (message("", "EXTERNAL_checkin"), [("language", "bho"), ("menu_choice", None)]),
    "checkin_answer": (message("2", "choose_option", "utter_checkin_home"), [
        *LANGUAGE, ("menu_choice", Choice.CHECKIN_ANSWER), ("checkin_next", "utter_checkin_school"),
        ("checkin_raised", ["not_in_school"])]),
    "checkin_language_change": (message("Bhojpuri me bolo", "change_language", "utter_checkin_home"), [
        ("language", "bho"), ("language_locked", True), ("menu_choice", Choice.CHECKIN_LANGUAGE),
        ("checkin_next", "utter_checkin_home"), ("checkin_raised", [])]),
    # A report intent while the form is active is an answer to the form, not a new report.
    "report_form_answer": (message("Gaya", "report_recruitment", "utter_ask_report_district", report_form=True,
                                   requested_slot="report_district"), [
        *LANGUAGE, ("report_district", "Gaya"), ("report_tries", 0.0), ("menu_choice", None)]),
    "report_start": (message("ek dalal aaya tha", "report_recruitment"), [
        *LANGUAGE, ("report_kind", "recruitment"), ("report_tries", 0.0), ("menu_choice", None)]),
    "report_what_answer": (message("kuch log bachchon ko le gaye", "inform", "utter_report_what"), [
        *LANGUAGE, ("report_kind", "recruitment"), ("report_tries", 0.0), ("menu_choice", Choice.REPORT_START)]),
    # "2" after the offer of check-ins is "no", not menu 2 (school).
    "enrolment_reply": (message("2", "choose_option", OFFER_PROMPT), [*LANGUAGE, ("menu_choice", Choice.FOLLOWUP_NO)]),
    "report_status_request": (message("status 4829317", "inform"), [*LANGUAGE, ("menu_choice", Choice.REPORT_STATUS)]),
    "checkin_restart": (message("START", "greet"), [*LANGUAGE, ("menu_choice", Choice.FOLLOWUP_RESTART)]),
    "case_status_request": (message("mera case ka status", "ask_case_status"), [
        *LANGUAGE, ("menu_choice", Choice.CASE)]),
    "menu_reply": (message("1", "choose_option", "utter_menu"), [*LANGUAGE, ("menu_choice", Choice.COMPENSATION)]),
    # Discreet mode: the code word (stubbed as this person's), a word chosen after "choose a code word", the request.
    "discreet_code_word": (message("guava", "nlu_fallback", "utter_checkin_home"), [
        *LANGUAGE, ("menu_choice", Choice.DISCREET_STOP)]),
    "discreet_word_choice": (message("guava kathal", "inform", "utter_discreet_ask_word"), [
        *LANGUAGE, ("menu_choice", Choice.DISCREET_WORD_REFUSED)]),
    "discreet_request": (message("gupt mode chalu karo", "out_of_scope"), [
        *LANGUAGE, ("menu_choice", Choice.DISCREET)]),
    "clear_chat_request": (message("chat saaf karo", "out_of_scope"), [
        *LANGUAGE, ("menu_choice", Choice.DISCREET_CLEAR)]),
}


@pytest.mark.parametrize("expected", list(CASES))
def test_the_first_reader_that_recognises_a_message_sets_its_slots(expected: str,
                                                                   stubbed: dict[str, list[Any]]) -> None:
    msg, slots = CASES[expected]
    turn = readers.Turn(msg)
    answered = [reader.__name__ for reader in readers.READERS if reader(readers.Turn(msg)) is not None]
    assert answered[0] == expected
    assert readers.read_message(msg) == [*slots, ("discreet", False)]
    assert [reader(turn) for reader in readers.READERS if reader.__name__ == expected] == [slots]


def test_a_quick_answer_is_set_before_menu_choice(stubbed: dict[str, list[Any]]) -> None:
    slots = readers.read_message(message("Jaipur", "inform", "utter_ask_rescue_place"))
    assert slots == [*LANGUAGE, ("rescue_place", "outside_bihar"), ("menu_choice", Choice.PLACE_ANSWERED),
                     ("discreet", False)]
    assert not stubbed.get("answer_checkin") and not stubbed.get("start_report")


def test_the_action_sets_the_readers_slots_as_plain_strings(stubbed: dict[str, list[Any]]) -> None:
    events = [{"event": "bot", "text": "...", "metadata": {"utter_action": "utter_menu"}},
              {"event": "user", "text": "5", "input_channel": "rest",
               "parse_data": {"intent": {"name": "choose_option", "confidence": 0.99}}}]
    latest = {"text": "5", "intent": {"name": "choose_option", "confidence": 0.99}, "entities": []}
    tracker = Tracker("s2", {"language": "en", "language_locked": True}, latest, events, False, None, {},
                      "action_listen")
    result = asyncio.run(ActionReadMessage().run(CollectingDispatcher(), tracker, {}))
    assert [(e["name"], e["value"]) for e in result] == [("language", "en"), ("language_locked", True),
                                                         ("menu_choice", "human"), ("discreet", False)]
    assert type(result[-2]["value"]) is str
