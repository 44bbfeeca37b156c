"""The checks every real channel applies before the dialogue (bot/channels/gate.py), on the real store."""

from __future__ import annotations

import pytest

from bot.channels.gate import Inbound, Media, admit
from bot.language import REPLY_LANGUAGES
from bot.replies import catalogue, text
from bot.reports import drafts
from bot.reports.conversation import start_report
from bot.store import contacts
from bot.store.db import session_scope
from tests.conftest import _reset_caches
from tests.reports_helpers import import_sample, in_transaction

PERSON = "+15005550006"


def sid(n: int) -> str:
    """A Twilio-shaped MessageSid (SM + 32 lower-case hex digits), the only kind the Twilio channel lets through."""
    return f"SM{n:032x}"


def _message(provider_id: str, text: str | None = "namaste", **extra: object) -> Inbound:
    return Inbound(channel="sms", input_channel="twilio", address=PERSON, provider_id=provider_id, text=text,
                   **extra)  # type: ignore[arg-type]


def test_a_message_reaches_the_dialogue_under_a_pseudonym_once(store_url: str) -> None:
    first = admit(_message(sid(1)))
    assert first.action == "dialogue" and first.text == "namaste"
    assert first.conversation_id and PERSON not in first.conversation_id
    with session_scope() as session:
        assert contacts.reach(session, "twilio", first.conversation_id) == ("sms", PERSON)
    assert admit(_message(sid(1))).action == "duplicate"  # Twilio retried the webhook
    assert admit(_message(sid(2))).conversation_id == first.conversation_id
    # The same number on WhatsApp is another conversation.
    whatsapp = admit(Inbound("whatsapp", "twilio", PERSON, sid(3), "namaste"))
    assert whatsapp.conversation_id != first.conversation_id


def test_registered_ngos_act_and_nobody_else_does(store_url: str) -> None:
    import_sample()
    ngo = admit(Inbound("sms", "twilio", "+15005550102", sid(10), "OK 1234567"))
    assert ngo.action == "ngo" and "1234567" in ngo.replies[0]
    person = admit(_message(sid(11), "OK 1234567"))
    assert person.action == "dialogue"


def test_a_location_pin_is_kept_with_the_open_report(store_url: str) -> None:
    conversation = admit(_message(sid(20), "dalal aaya hai")).conversation_id
    in_transaction(start_report, "recruitment", "dalal aaya hai", "twilio", conversation, "hi-Latn")
    decision = admit(_message(sid(21), None, location=(25.6093, 85.1376)))
    assert decision.action == "location" and decision.replies[0] == text("notice.location_kept", "hi")
    assert in_transaction(drafts.load_draft, "twilio", conversation)[1]["location"] == "25.60930,85.13760"


def test_a_location_without_a_report_gets_a_kind_answer(store_url: str) -> None:
    decision = admit(_message(sid(30), None, location=(25.6, 85.1)))
    assert decision.action == "location" and "112" in decision.replies[0]


def test_a_voice_note_is_explained_and_kept_with_the_report(store_url: str) -> None:
    conversation = admit(_message(sid(40), "mera beta gayab hai")).conversation_id
    in_transaction(start_report, "missing", "mera beta gayab hai", "twilio", conversation, "hi-Latn")
    decision = admit(_message(sid(41), None, media=(Media("voice", "https://api.twilio.com/fake/ME1"),)))
    assert decision.action == "media" and len(decision.replies) == 2
    assert decision.replies[0] == text("notice.media", "hi")
    assert in_transaction(drafts.load_draft, "twilio", conversation)[1]["media"] == [
        {"kind": "voice", "reference": "https://api.twilio.com/fake/ME1"}]


def test_a_photo_with_a_caption_passes_the_caption_on(store_url: str) -> None:
    decision = admit(_message(sid(50), "ye dalal hai", media=(Media("image", "file-1"),)))
    assert decision.action == "dialogue" and decision.text == "ye dalal hai"


def test_a_flood_is_held_back_but_an_emergency_always_passes(store_url: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_RATE_LIMIT_PER_MINUTE", "5")
    _reset_caches()
    from bot.channels import gate

    gate._limiter.cache_clear()
    decisions = [admit(_message(sid(60 + i), f"hello {i}")) for i in range(8)]
    assert [d.action for d in decisions] == ["dialogue"] * 5 + ["limited"] * 3
    # One notice when the limit is crossed, then silence: a flood must not become a flood of paid replies.
    assert [len(d.replies) for d in decisions[5:]] == [1, 0, 0]
    assert admit(_message(sid(70), "bachao maar rahe hai")).action == "dialogue"
    gate._limiter.cache_clear()


def test_the_limit_is_shared_through_redis(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    from bot.channels.ratelimit import RateLimiter

    limiter = RateLimiter(3, "redis://127.0.0.1:6379/0")
    other_replica = RateLimiter(3, "redis://127.0.0.1:6379/0")
    key = uuid.uuid4().hex
    assert [limiter.allow(key), other_replica.allow(key), limiter.allow(key), other_replica.allow(key)] == [
        True, True, True, False]
    assert RateLimiter(3, "redis://127.0.0.1:1/0").allow(key)  # Redis down: never drop a message


def test_a_message_that_failed_is_processed_again_when_the_provider_retries(store_url: str) -> None:
    from bot.channels.gate import release

    message = _message(sid(80), "namaste")
    assert admit(message).action == "dialogue"
    release(message)  # e.g. the dialogue raised: the channel answered 500
    assert admit(message).action == "dialogue"
    assert admit(message).action == "duplicate"


@pytest.mark.parametrize("name", sorted(key for key in catalogue("en") if key.startswith("notice.")))
def test_notices_exist_in_every_language_fit_two_sms_and_quote_only_helplines(name: str) -> None:
    import re

    from bot.sms import segments

    assert all(name in catalogue(language) for language in REPLY_LANGUAGES)
    for language in REPLY_LANGUAGES:
        notice = text(name, language)
        assert segments(notice) <= 2
        assert set(re.findall(r"\d{3,}", notice)) <= {"112", "1098", "139"}


def test_provider_statuses_are_kept_and_failures_listed(store_url: str) -> None:
    from bot.store.inbound import recent_failures, record_status, status_counts

    with session_scope() as session:
        record_status(session, "SM" + "1" * 32, "sms", "sent", None)
    with session_scope() as session:
        record_status(session, "SM" + "1" * 32, "sms", "delivered", None)  # the latest status wins
    with session_scope() as session:
        record_status(session, "SM" + "2" * 32, "whatsapp", "undelivered", "63016")
    with session_scope() as session:
        assert status_counts(session) == {"delivered": 1, "undelivered": 1}
        [(_, channel, provider_id, code)] = recent_failures(session)
    assert (channel, provider_id, code) == ("whatsapp", "SM" + "2" * 32, "63016")
