"""Reply language turn by turn: explicit choices stick, weak evidence does not flip an established conversation,
and the first message sets the language on any evidence."""

import pytest

from bot.language_state import next_language


@pytest.mark.parametrize("text, language", [("hello", "en"), ("namaste", "hi-Latn"), ("नमस्ते", "hi"),
                                            ("प्रणाम, का हाल बा", "bho")])
def test_first_message_sets_the_language_on_any_evidence(text: str, language: str) -> None:
    assert next_language(text, "hi", False, None, first_message=True) == (language, False)


def test_first_message_without_evidence_keeps_the_default() -> None:
    assert next_language("1", "hi", False, None, first_message=True) == ("hi", False)


@pytest.mark.parametrize("text, language", [("bachao bachao", "hi-Latn"), ("Rampukar", "hi-Latn")])
def test_a_first_message_in_unknown_latin_words_is_answered_in_latin_letters(text: str, language: str) -> None:
    assert next_language(text, "hi", False, None, first_message=True) == (language, False)
    assert next_language(text, "bho", False, "utter_menu") == ("bho", False)  # later: the conversation's language


def test_weak_evidence_later_does_not_switch() -> None:
    assert next_language("ok", "bho", False, "utter_menu") == ("bho", False)
    assert next_language("hello", "bho", False, "utter_menu") == ("bho", False)


def test_confident_evidence_later_switches() -> None:
    assert next_language("my son has not come back from jaipur", "hi", False, "utter_menu") == ("en", False)


def test_explicit_choice_locks_and_sticks() -> None:
    assert next_language("Hindi mein baat karo", "en", False, None) == ("hi", True)
    assert next_language("my son has not come back from jaipur", "hi", True, "utter_menu") == ("hi", True)
    assert next_language("3", "hi", True, "utter_ask_language") == ("hi-Latn", True)
    assert next_language("in English please", "hi", True, "utter_menu") == ("en", True)


def test_maithili_is_answered_in_maithili() -> None:
    assert next_language("हमर बेटा कतय अछि, किछु पता नहि", "en", False, None)[0] == "mai"
    assert next_language("hamar beta katay achhi, kichhu pata nahi", "en", False, None)[0] == "hi-Latn"


def test_urdu_is_answered_in_urdu_and_its_menu_number_picks_it() -> None:
    assert next_language("السلام علیکم", None, False, None, first_message=True) == ("ur", False)
    assert next_language("میرا بیٹا گھر نہیں آیا", "hi", False, None) == ("ur", False)
    assert next_language("ٹھیک ہے", "hi", False, None) == ("hi", False)  # courtesy words do not switch
    assert next_language("6", "hi", False, "utter_ask_language") == ("ur", True)
    assert next_language("5", "hi", False, "utter_ask_language") == ("mai", True)
