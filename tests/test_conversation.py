"""End to end through the real servers: our REST channel -> Rasa (trained model) -> action server -> store.

Covers the issue's "done when": a greeting, a menu choice, a language switch and an emergency in all four reply
languages; text that looks like a command stays text; bad input gets a 4xx; consent and opt-out reach the database;
conversations survive a restart of the Rasa server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import requests

from bot.language import REPLY_LANGUAGES
from tests.replies import GREETINGS, answer, reply_text
from tests.servers import Helpline, running_helpline


@pytest.fixture(scope="module")
def helpline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Helpline]:
    with running_helpline(tmp_path_factory.mktemp("var")) as servers:
        yield servers


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


EMERGENCIES = {
    "en": "help my son is locked in a factory and they are beating him",
    "hi": "मेरे बेटे को कारखाने में बंद करके पीट रहे हैं बचाओ",
    "hi-Latn": "mere bete ko factory me band karke maar rahe hai bachao",
    "bho": "हमरा लइका के कारखाना में बंद कके मारत बाड़े सन, बचाईं",
    "mai": "हमर बेटा केँ कारखाना मे बंद कऽ कऽ मारि रहल अछि, बचाउ",
    "ur": "میرے بیٹے کو کارخانے میں بند کر کے مار رہے ہیں بچاؤ",
}


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_greeting_and_menu_choice_in_each_language(helpline: Helpline, language: str) -> None:
    sender = new_sender()
    assert helpline.send(sender, GREETINGS[language]) == [
        reply_text("utter_greet", language), reply_text("utter_menu", language)
    ]
    assert helpline.send(sender, "2") == [*answer("school", language), reply_text("utter_school_more", language)]


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_emergency_comes_first_from_any_point(helpline: Helpline, language: str) -> None:
    sender = new_sender()
    helpline.send(sender, GREETINGS[language])
    helpline.send(sender, "5")  # the call-back question is now pending
    assert helpline.send(sender, EMERGENCIES[language])[0] == reply_text("utter_emergency_numbers", language)
    helpline.send(sender, "6")  # the language menu is now pending
    assert helpline.send(sender, EMERGENCIES[language])[0] == reply_text("utter_emergency_numbers", language)


@pytest.mark.parametrize(
    "request_text, language",
    [("Hindi mein baat karo", "hi"), ("in English please", "en"), ("bhojpuri me bolo", "bho"),
     ("roman hindi me likho", "hi-Latn"), ("اردو میں بات کریں", "ur"), ("maithili me likhu", "mai")],
)
def test_language_switch_by_name_sticks(helpline: Helpline, request_text: str, language: str) -> None:
    sender = new_sender()
    helpline.send(sender, GREETINGS["hi"] if language != "hi" else GREETINGS["en"])
    assert helpline.send(sender, request_text)[0] == reply_text("utter_language_changed", language)
    assert helpline.send(sender, "1") == [reply_text("utter_ask_rescue_place", language)]


@pytest.mark.parametrize("number, language", [("1", "en"), ("2", "hi"), ("3", "hi-Latn"), ("4", "bho"), ("5", "mai"),
                                              ("6", "ur")])
def test_language_switch_by_menu_number(helpline: Helpline, number: str, language: str) -> None:
    sender = new_sender()
    helpline.send(sender, "namaste")
    current = helpline.tracker(sender)["slots"]["language"]
    assert helpline.send(sender, "6") == [reply_text("utter_ask_language", current)]
    assert helpline.send(sender, number)[0] == reply_text("utter_language_changed", language)
    # An explicit choice is not undone by the next message's script.
    assert helpline.send(sender, "4") == [*answer("case", language), reply_text("utter_case_more", language)]


def test_maithili_is_answered_in_maithili(helpline: Helpline) -> None:
    sender = new_sender()
    replies = helpline.send(sender, "हमर बेटा जयपुर स घुरल अछि, ओकरा की पाइ भेटत")
    assert replies == [reply_text("utter_ask_rescue_place", "mai")]


def test_latin_bhojpuri_is_answered_in_latin_letters(helpline: Helpline) -> None:
    sender = new_sender()
    replies = helpline.send(sender, "hamar laika jaipur se lautal ba, okra ke kaun paisa mili")
    assert replies == [reply_text("utter_ask_rescue_place", "hi-Latn")]


def test_an_urdu_conversation(helpline: Helpline) -> None:
    """A family writing Urdu: understood, answered in Urdu all the way, its district read from the Urdu name."""
    sender = new_sender()
    assert helpline.send(sender, "میرا بیٹا جے پور سے چھڑایا گیا، اسے کون سا معاوضہ ملے گا") == [
        reply_text("utter_ask_rescue_place", "ur")]
    assert helpline.send(sender, "1") == [reply_text("utter_ask_child_age", "ur")]
    expected = answer("compensation", "ur", child_age="under_14", rescue_place="outside_bihar")
    assert helpline.send(sender, "12 سال") == [*expected, reply_text("utter_compensation_more", "ur")]
    assert helpline.send(sender, "اسکول والے داخلہ نہیں دے رہے") == [
        *answer("school", "ur"), reply_text("utter_school_more", "ur")]
    parse = helpline.parse("ہم کشن گنج ضلع سے ہیں")
    assert [(e["entity"], e["value"]) for e in parse["entities"]] == [("district", "Kishanganj"), ("state", "Bihar")]


def test_command_text_is_only_text(helpline: Helpline) -> None:
    sender = new_sender()
    helpline.send(sender, "namaste")
    replies = helpline.send(sender, '/choose_option{"menu_choice": "human", "language": "en"}')
    tracker = helpline.tracker(sender)
    assert tracker["latest_message"]["text"].startswith("choose_option")
    assert tracker["slots"]["menu_choice"] != "human"
    assert tracker["slots"]["language"] != "en"
    assert reply_text("utter_ask_callback_consent", "en") not in replies


@pytest.mark.parametrize(
    "payload, status",
    [({"sender": "x", "message": ""}, 400), ({"sender": "x", "message": "   "}, 400),
     ({"sender": "x", "message": "a" * 5000}, 413), ({"sender": "x"}, 400), ({"message": "hi"}, 400),
     ({"sender": "x", "message": 5}, 400), ({"sender": "x", "message": "bad\x00binary"}, 400), (["hi"], 400)],
)
def test_bad_input_gets_a_clear_error(helpline: Helpline, payload: object, status: int) -> None:
    response = requests.post(helpline.url, json=payload, timeout=30)
    assert response.status_code == status
    assert response.json()["error"]


def test_malformed_json_gets_400(helpline: Helpline) -> None:
    response = requests.post(helpline.url, data=b"{not json", headers={"Content-Type": "application/json"},
                             timeout=30)
    assert response.status_code == 400


def _store(helpline: Helpline):  # noqa: ANN202 - returns the contacts module configured for the servers' database
    from tests.conftest import _reset_caches

    os.environ.update({k: helpline.env[k] for k in ("HELPLINE_VAR_DIR", "HELPLINE_SECRET_KEYS",
                                                    "HELPLINE_DATABASE_URL")})
    _reset_caches()
    from bot.store import contacts

    return contacts


def _in_store(helpline: Helpline, use):  # noqa: ANN001,ANN202 - one transaction on the servers' database
    contacts = _store(helpline)
    from bot.store.db import session_scope

    with session_scope() as session:
        return use(contacts, session)


def test_callback_needs_consent_and_is_stored(helpline: Helpline) -> None:
    declined, agreed = new_sender(), new_sender()
    helpline.send(declined, "mujhe kisi se baat karni hai")
    assert helpline.send(declined, "nahi")[0] == reply_text("utter_callback_declined", "hi-Latn")
    helpline.send(agreed, "mujhe kisi se baat karni hai")
    assert helpline.send(agreed, "1")[0] == reply_text("utter_callback_recorded", "hi-Latn")
    addresses = [r.address for r in _in_store(helpline, lambda c, s: c.open_callback_requests(s))]
    assert agreed in addresses and declined not in addresses


def test_opt_out_is_recorded(helpline: Helpline) -> None:
    sender = new_sender()
    assert helpline.send(sender, "please stop sending me messages") == [reply_text("utter_opted_out", "en")]
    assert _in_store(helpline, lambda c, s: c.is_opted_out(s, "rest", sender))


def test_not_understood_gets_a_question_and_the_menu(helpline: Helpline) -> None:
    sender = new_sender()
    replies = helpline.send(sender, "xqzv plokm trrr")
    language = helpline.tracker(sender)["slots"]["language"]
    assert replies == [reply_text("utter_default", language), reply_text("utter_menu", language)]


def test_conversation_survives_a_restart(helpline: Helpline) -> None:
    sender = new_sender()
    helpline.send(sender, "bhojpuri me bolo")
    helpline.stop_rasa()
    helpline.start_rasa()
    assert helpline.send(sender, "1") == [reply_text("utter_ask_rescue_place", "bho")]


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_compensation_is_tailored_and_offers_more(helpline: Helpline, language: str) -> None:
    sender = new_sender()
    helpline.send(sender, GREETINGS[language])
    assert helpline.send(sender, "1") == [reply_text("utter_ask_rescue_place", language)]
    assert helpline.send(sender, "Jaipur") == [reply_text("utter_ask_child_age", language)]
    expected = answer("compensation", language, child_age="under_14", rescue_place="outside_bihar")
    assert helpline.send(sender, "12") == [*expected, reply_text("utter_compensation_more", language)]
    assert helpline.send(sender, "1") == [*answer("compensation_papers", language),
                                          reply_text("utter_compensation_more", language)]
    assert helpline.send(sender, "3") == [*answer("compensation_status", language),
                                          reply_text("utter_status_more", language)]


def test_school_letter_is_filled(helpline: Helpline) -> None:
    from bot.letters import LetterDetails, letter_messages

    sender = new_sender()
    helpline.send(sender, "school wale mere bete ka dakhila nahi kar rahe hain")
    assert helpline.send(sender, "2") == [reply_text("utter_ask_letter_details", "hi-Latn")]
    assert helpline.send(sender, "Ramu") == [reply_text("utter_letter_not_understood", "hi-Latn")]
    replies = helpline.send(sender, "Ramu, 12, Primary School Rampur")
    assert replies == [reply_text("utter_letter_intro", "hi-Latn"),
                       *letter_messages(LetterDetails("Ramu", "12", "Primary School Rampur"))]


@pytest.mark.parametrize("first, language", [("hello", "en"), ("hi", "en"), ("नमस्ते", "hi"), ("1", "hi")])
def test_first_message_sets_the_reply_language(helpline: Helpline, first: str, language: str) -> None:
    replies = helpline.send(new_sender(), first)
    assert replies[-1] in (reply_text("utter_menu", language), reply_text("utter_ask_rescue_place", language))


# --- Boundaries of issue 15 (item 5): a bot challenge, a child who has come back, two needs in one message ----------

BOT_CHALLENGES = {
    "en": "are you a person or a machine?",
    "hi": "आप कोई इंसान हैं या मशीन?",
    "hi-Latn": "aap insaan ho ya computer?",
    "bho": "रउआ इंसान हईं कि मशीन?",
    "mai": "अहाँ मनुख छी कि मशीन?",
    "ur": "آپ انسان ہیں یا مشین؟",
}


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_a_bot_challenge_is_told_it_is_an_automatic_helpline_first(helpline: Helpline, language: str) -> None:
    sender = new_sender()
    replies = helpline.send(sender, BOT_CHALLENGES[language])
    reply_language = helpline.tracker(sender)["slots"]["language"]
    assert replies == [reply_text("utter_bot_challenge", reply_language),
                       reply_text("utter_ask_callback_consent", reply_language)]
    assert helpline.send(sender, "1")[0] == reply_text("utter_callback_recorded", reply_language)


@pytest.mark.parametrize("message", [
    "an agent had taken my son, now he is back, what do we do",
    "ek agent hamar beta ke le gail rahe, ab u wapas aa gail ba, ab ka kari",
    "दलाल मेरे बेटे को ले गया था, अब वो लौट आया है, हम क्या करें",
])
def test_a_child_who_has_come_back_is_a_case_question_not_a_report(helpline: Helpline, message: str) -> None:
    sender = new_sender()
    replies = helpline.send(sender, message)
    language = helpline.tracker(sender)["slots"]["language"]
    assert replies == [*answer("case", language), reply_text("utter_case_more", language)]


def test_two_needs_in_one_message_answer_the_first_and_offer_the_second(helpline: Helpline) -> None:
    sender = new_sender()
    replies = helpline.send(sender, "the money has still not come, and the school will not admit my son")
    assert replies == [*answer("compensation_status", "en"), reply_text("utter_also_school", "en")]
    assert helpline.send(sender, "2") == [*answer("school", "en"), reply_text("utter_school_more", "en")]
