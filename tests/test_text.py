"""bot/text: the normaliser and the tokenisers every reader shares."""

from __future__ import annotations

from bot.text.normalise import ascii_digits, collapse, fold_devanagari, normalise
from bot.text.tokens import command_words, letter_words, menu_words, words


def test_digits_in_any_script() -> None:
    """Devanagari, Bengali, Gurmukhi, Gujarati, Tamil and full-width digits."""
    assert ascii_digits("१२३४५६७८९०") == "1234567890"  # Devanagari
    assert ascii_digits("১২") == "12" and ascii_digits("੧੨") == "12" and ascii_digits("૧૨") == "12"
    assert ascii_digits("௧௨") == "12" and ascii_digits("１２") == "12"  # Tamil, full width
    assert ascii_digits("train १२३९४ se") == "train 12394 se"  # one character for one: offsets keep
    assert ascii_digits("") == "" and ascii_digits(None) == ""  # type: ignore[arg-type]
    assert ascii_digits("²½") == "²½"  # not decimal digits


def test_normalise_folds_what_phones_vary() -> None:
    assert normalise("हूँ") == normalise("हूं") == "हूं"
    assert normalise("लड़का") == "लडका" and fold_devanagari("ज़") == "ज"
    assert normalise("DON\u2019T") == "don't" and normalise("ब\u200dच्चा") == "बच्चा"
    assert normalise("e\u0301") == "\u00e9"  # NFC


def test_words_split_on_spaces_and_punctuation_only() -> None:
    assert words(" Option 3. ") == ["option", "3"]
    assert words("नंबर २।") == ["नंबर", "2"]
    assert words("बच्चे-बच्ची, ok!") == ["बच्चे", "बच्ची", "ok"]  # vowel signs stay inside the word
    assert words("") == [] and words(None) == []  # type: ignore[arg-type]


def test_letter_words_for_language_detection() -> None:
    assert letter_words("Don't 12 बच्चे!") == ["dont", "बच्चे"]
    assert letter_words("mera बेटा") == ["mera", "बेटा"]  # mixed scripts: one token per run
    assert letter_words("") == []


def test_menu_and_command_words() -> None:
    assert menu_words("option2") == ["option", "2"] and menu_words("४ भोजपुरी") == ["४", "भोजपुरी"]
    assert command_words("CASE 123-4567; school: enrolled") == ["CASE", "123-4567", "school:", "enrolled"]
    assert command_words("ENROL ०१-०२-२०२४") == ["ENROL", "01-02-2024"]


def test_collapse() -> None:
    assert collapse("  a \n b  ") == "a b" and collapse("abcdef", 3) == "abc" and collapse("") == ""
