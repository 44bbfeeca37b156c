"""Machine translation through the real googletrans client against a local fake of Google's endpoint."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import get_settings
from bot.translation import GoogleTranslator, NoTranslator, Translation, get_translator
from tests.fakes import FakeTranslate

BHOJPURI = "हमार बेटा के दलाल जयपुर ले गइल। उहाँ एगो ढाबा पर काम करत बा।"
ROMAN_HINDI = "mera beta Jaipur me ek dhaba pe kaam karta hai"


class Clock:
    """A monotonic clock the test moves by hand, for the circuit breaker."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def google() -> Iterator[FakeTranslate]:
    with FakeTranslate() as fake:
        yield fake


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def translator(google: FakeTranslate, clock: Clock) -> Iterator[GoogleTranslator]:
    translator = GoogleTranslator(service_url=google.url, timeout=1.0, clock=clock)
    yield translator
    translator.close()


def test_translates_through_googletrans(google: FakeTranslate, translator: GoogleTranslator) -> None:
    result = translator.translate(BHOJPURI, target="en", source="bho")

    assert result == Translation(text=f"EN: {BHOJPURI}", source="bho", target="en", machine=True)
    assert google.translations == [{"text": BHOJPURI, "target": "en", "source": "bho", "client": "gtx"}]


def test_detects_the_source_when_not_given(google: FakeTranslate, translator: GoogleTranslator) -> None:
    result = translator.translate("बच्चा कहाँ है?", target="en")

    assert result is not None
    assert (result.text, result.source) == ("EN: बच्चा कहाँ है?", "hi")
    assert google.translations[0]["source"] == "auto"


def test_roman_hindi_is_hindi_to_google(google: FakeTranslate, translator: GoogleTranslator) -> None:
    to_english = translator.translate(ROMAN_HINDI, target="en", source="hi-Latn")
    to_hindi = translator.translate("Where is the child?", target="hi-Latn", source="en")

    assert to_english == Translation(f"EN: {ROMAN_HINDI}", source="hi-Latn", target="en")
    assert to_hindi == Translation("HI: Where is the child?", source="en", target="hi")
    assert [(t["source"], t["target"]) for t in google.translations] == [("hi", "en"), ("en", "hi")]


def test_maithili_is_passed_on_as_maithili(google: FakeTranslate, translator: GoogleTranslator) -> None:
    assert translator.translate("हमर बेटा कतय अछि", target="hi", source="mai") is not None
    assert google.translations[0]["source"] == "mai"


@pytest.mark.parametrize(("text", "target", "source"), [
    ("Where is the child?", "en", "en"),
    (ROMAN_HINDI, "hi", "hi-Latn"),  # both Hindi as far as Google is concerned
    ("Where is the child?", "xx", None),  # a language Google does not have
    ("   ", "en", "hi"),
])
def test_no_request_when_nothing_to_translate(google: FakeTranslate, translator: GoogleTranslator, text: str,
                                              target: str, source: str | None) -> None:
    assert translator.translate(text, target=target, source=source) is None
    assert google.translations == []


def test_a_source_code_google_lacks_is_detected(google: FakeTranslate, translator: GoogleTranslator) -> None:
    result = translator.translate("बच्चा कहाँ है?", target="en", source="xx")

    assert result == Translation("EN: बच्चा कहाँ है?", source="hi", target="en")
    assert google.translations[0]["source"] == "auto"


def test_text_already_in_the_target_language_needs_no_translation(google: FakeTranslate,
                                                                  translator: GoogleTranslator) -> None:
    assert translator.translate("Where is the child?", target="en") is None  # detected "en"
    assert len(google.translations) == 1


def test_cache_hit_makes_no_second_request(google: FakeTranslate, translator: GoogleTranslator) -> None:
    first = translator.translate(BHOJPURI, target="en", source="bho")
    second = translator.translate(BHOJPURI, target="en", source="bho")
    other_target = translator.translate(BHOJPURI, target="hi", source="bho")

    assert first == second
    assert other_target is not None and other_target.text.startswith("HI: ")
    assert [t["target"] for t in google.translations] == ["en", "hi"]


def test_cache_forgets_the_least_recently_used(google: FakeTranslate, clock: Clock) -> None:
    translator = GoogleTranslator(service_url=google.url, timeout=1.0, cache_size=2, clock=clock)
    try:
        for text in ("one", "two", "one", "three", "one", "two"):
            translator.translate(text, target="hi", source="en")
    finally:
        translator.close()

    # "one" stays (used recently); "two" was evicted by "three" and is asked for again.
    assert [t["text"] for t in google.translations] == ["one", "two", "three", "two"]


def test_timeout_gives_none_quickly(google: FakeTranslate, clock: Clock) -> None:
    translator = GoogleTranslator(service_url=google.url, timeout=0.3, clock=clock)
    google.delay_seconds = 3.0
    started = time.monotonic()
    try:
        result = translator.translate(BHOJPURI, target="en", source="bho")
    finally:
        translator.close()

    assert result is None
    assert time.monotonic() - started < 1.5
    assert len(google.translations) == 1  # it did ask


@pytest.mark.parametrize("status", [429, 500, 503])
def test_an_error_status_gives_none_not_the_original_as_a_translation(google: FakeTranslate,
                                                                     translator: GoogleTranslator,
                                                                     status: int) -> None:
    google.fail_next(1, status)

    assert translator.translate(BHOJPURI, target="en", source="bho") is None
    assert len(google.requests) == 1


def test_connection_refused_gives_none(clock: Clock) -> None:
    with FakeTranslate() as gone:
        url = gone.url
    translator = GoogleTranslator(service_url=url, timeout=1.0, clock=clock)
    try:
        assert translator.translate(BHOJPURI, target="en", source="bho") is None
    finally:
        translator.close()


def test_circuit_breaker_skips_translation_for_a_minute_after_a_failure(google: FakeTranslate,
                                                                        translator: GoogleTranslator,
                                                                        clock: Clock) -> None:
    cached = translator.translate("first", target="hi", source="en")
    google.fail_next(1, 500)

    assert translator.translate("second", target="hi", source="en") is None
    clock.now += 30
    assert translator.translate("third", target="hi", source="en") is None  # not even asked
    assert translator.translate("first", target="hi", source="en") == cached  # the cache still answers
    assert len(google.requests) == 2

    clock.now += 31
    assert translator.translate("third", target="hi", source="en") == Translation("HI: third", "en", "hi")
    assert [t["text"] for t in google.translations] == ["first", "third"]  # "second" met the injected 500
    assert len(google.requests) == 3


def test_logs_carry_no_report_text(google: FakeTranslate, translator: GoogleTranslator,
                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    translator.translate("the agent is called Fictitious Ramesh", target="hi", source="en")
    google.fail_next(1, 500)
    translator.translate("the boy is at Fictitious Dhaba", target="hi", source="en")

    assert "translation failed" in caplog.text
    assert "Fictitious" not in caplog.text


def test_no_translator_translates_nothing() -> None:
    assert NoTranslator().translate(BHOJPURI, target="en", source="bho") is None


@pytest.fixture
def translator_env(helpline_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_translator.cache_clear()
    yield monkeypatch
    translator = get_translator()
    if isinstance(translator, GoogleTranslator):
        translator.close()
    get_translator.cache_clear()
    get_settings.cache_clear()


def test_get_translator_off(translator_env: pytest.MonkeyPatch) -> None:
    translator_env.setenv("HELPLINE_TRANSLATOR", "off")
    get_settings.cache_clear()

    assert isinstance(get_translator(), NoTranslator)


def test_get_translator_google_uses_the_service_url_and_is_shared(translator_env: pytest.MonkeyPatch,
                                                                  google: FakeTranslate) -> None:
    translator_env.setenv("HELPLINE_TRANSLATOR", "google")
    translator_env.setenv("HELPLINE_TRANSLATE_SERVICE_URL", google.url)
    translator_env.setenv("HELPLINE_TRANSLATE_TIMEOUT_SECONDS", "1")
    get_settings.cache_clear()

    translator = get_translator()

    assert translator is get_translator()
    assert translator.translate("Where is the child?", target="hi", source="en") == Translation(
        "HI: Where is the child?", "en", "hi")
    assert len(google.translations) == 1
