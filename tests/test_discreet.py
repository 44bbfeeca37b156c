"""Discreet mode without the servers: reading the requests, refusing code words, the stored flag and code word, the
code word stopping everything, the NGO forward, the coordinator flag, the Telegram clean-up (fake Bot API)."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from bot import discreet
from bot.clock import ManualClock
from bot.dialogue.choices import Choice
from bot.followup.discreet import stop_everything
from bot.language import REPLY_LANGUAGES
from bot.message_readers import Message, read_message
from bot.replies import catalogue
from bot.reports.coordinator import reporter_discreet
from bot.reports.forward import compose_forward, labels_for
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.models import CheckIn, FollowupCase, Ngo, Report
from bot.translation import NoTranslator
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.followup_helpers import FAMILY, enrol
from tests.revealing import revealing

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("text", ["discreet mode", "Discreet", "gupt mode chalu karo", "गुप्त मोड", "privacy please",
                                  "गोपनीयता", "chupke mode", "خفیہ موڈ", "رازداری چالو کریں", "गोपनीयता चालू करू"])
def test_discreet_mode_is_asked_for_in_every_language(text: str) -> None:
    assert discreet.asks_for_discreet_mode(text)


@pytest.mark.parametrize("text", ["mode", "phone", "mera beta gupt roop se kaam par gaya", "میرا بیٹا خفیہ طور پر گیا",
                                  "secret agent le gaya bachche", "गुप्त रूप से दलाल आया था"])
def test_other_messages_do_not_ask_for_it(text: str) -> None:
    assert not discreet.asks_for_discreet_mode(text)


@pytest.mark.parametrize("text", ["clear", "clear chat", "delete messages", "chat saaf karo", "मैसेज मिटाओ",
                                  "सब मिटा दो", "saare message hatao", "چیٹ صاف کرو", "سب میسج مٹاؤ",
                                  "गपशप मेटा दिअ"])
def test_clearing_the_chat_is_asked_for_in_every_language(text: str) -> None:
    assert discreet.asks_to_clear_chat(text)


@pytest.mark.parametrize("text", ["delete my data", "mera data delete karo", "मेरा डेटा मिटाओ"])
def test_erasure_is_not_clearing_the_chat(text: str) -> None:
    assert not discreet.asks_to_clear_chat(text)


@pytest.mark.parametrize("text, problem", [
    ("1", discreet.NUMBER), ("7", discreet.NUMBER), ("१", discreet.NUMBER), ("do", discreet.NUMBER),
    ("aam123", discreet.NUMBER), ("menu", discreet.RESERVED), ("STOP", discreet.RESERVED),
    ("status", discreet.RESERVED), ("start", discreet.RESERVED), ("haan", discreet.RESERVED),
    ("हाँ", discreet.RESERVED), ("Hindi", discreet.RESERVED), ("bhojpuri", discreet.RESERVED),
    ("clear", discreet.RESERVED), ("gupt", discreet.RESERVED), ("namaste", discreet.RESERVED),
    ("bachao", discreet.EMERGENCY), ("बचाओ", discreet.EMERGENCY), ("two words", discreet.NOT_ONE_WORD),
    ("", discreet.NOT_ONE_WORD), ("مینو", discreet.RESERVED), ("ہاں", discreet.RESERVED),
    ("بچاؤ", discreet.EMERGENCY), ("خفیہ", discreet.RESERVED), ("اردو", discreet.RESERVED), ("हँ", discreet.RESERVED),
    ("नहि", discreet.RESERVED), ("बचाउ", discreet.EMERGENCY),
])
def test_a_colliding_code_word_is_refused(text: str, problem: str) -> None:
    assert discreet.code_word_problem(text) == problem


@pytest.mark.parametrize("text", ["mango", "Aam", "आम", "guava.", "kathal", "جامن", "امرود", "मखान"])
def test_an_ordinary_word_is_accepted(text: str) -> None:
    assert discreet.code_word_problem(text) is None


def _message(text: str, prompt: str | None, sender: str = FAMILY, intent: str = "nlu_fallback") -> Message:
    return Message(text=text, intent=intent, confidence=0.5, prompt=prompt, first_message=False, language="hi-Latn",
                   language_locked=True, input_channel="rest", sender=sender, report_form=False)


def _slots(text: str, prompt: str | None, **kwargs: str) -> dict[str, object]:
    return dict(read_message(_message(text, prompt, **kwargs)))


def test_choosing_a_word_switches_discreet_mode_on_and_the_word_then_stops_everything(store_url: str) -> None:
    assert _slots("discreet mode", "utter_menu")["menu_choice"] == Choice.DISCREET
    assert _slots("7", "utter_menu", intent="choose_option")["menu_choice"] == Choice.DISCREET
    refused = _slots("menu", "utter_discreet_ask_word")
    assert refused["menu_choice"] == Choice.DISCREET_WORD_REFUSED and refused["discreet"] is False
    assert _slots("0", "utter_discreet_word_refused", intent="choose_option")["menu_choice"] == Choice.MENU
    chosen = _slots("Guava", "utter_discreet_word_refused")
    assert chosen["menu_choice"] == Choice.DISCREET_ON and chosen["discreet"] is True
    # Every later message carries the flag; another person's conversation does not.
    assert _slots("hello", None)["discreet"] is True
    assert _slots("hello", None, sender="+15005550009")["discreet"] is False
    # The word is kept only as a keyed hash, bound to this contact.
    with session_scope() as session:
        stored = session.execute(select(contacts.Contact)).scalars().all()
        assert [c.code_word_key for c in stored if c.code_word_key] != ["guava"]
        assert not contacts.is_code_word(session, "rest", "+15005550009", "guava")
    stopped = _slots("guava", "utter_checkin_home")
    assert stopped["menu_choice"] == Choice.DISCREET_STOP and stopped["discreet"] is True
    with session_scope() as session:
        assert contacts.is_opted_out(session, "rest", FAMILY)


def test_the_code_word_pauses_check_ins_and_tells_the_ngo_home_visit_only(store_url: str) -> None:
    clock = ManualClock(NOW)
    reference = enrol(clock, date(2026, 11, 20), channel="rest", address=FAMILY)
    with session_scope() as session:
        discreet.switch_on(session, "rest", FAMILY, "kathal", clock.now())
    with session_scope() as session:
        assert stop_everything(session, "rest", FAMILY, clock.now()) == reference
    with session_scope() as session:
        case = session.execute(select(FollowupCase).where(FollowupCase.reference == reference)).scalar_one()
        assert case.status == "opted_out"
        open_checkins = [c for c in session.execute(select(CheckIn).where(CheckIn.case_id == case.id)).scalars()
                         if c.status in ("scheduled", "firing", "waiting")]
        assert open_checkins == []
        alert = session.execute(select(Report).where(Report.case_id == case.id, Report.kind == "alert")).scalar_one()
        assert json.loads(discreet_details(alert))["reason"] == "home_visit_only"
        assert alert.reporter_discreet is True
        ngo = session.execute(select(Ngo)).scalars().first()
        text = compose_forward(alert, {"case": reference, "reason": "home_visit_only"}, ngo, "forward", "X-1",
                               NoTranslator())
        words = labels_for(ngo.language)
        assert words["reason_home_visit_only"] in text and words["discreet"] in text
        assert reporter_discreet(session, alert.code) is True
        assert reporter_discreet(session, "0000000") is None


def discreet_details(report: Report) -> str:
    from bot.crypto import decrypt

    return decrypt(report.details_encrypted)


def test_a_report_made_in_discreet_mode_is_marked_for_the_ngo(store_url: str) -> None:
    from bot.reports.service import submit_report
    from tests.followup_helpers import import_sample_once

    import_sample_once()
    with session_scope() as session:
        discreet.switch_on(session, "rest", FAMILY, "kathal", NOW)
    fields = {"district": "Gaya", "what": "a man offered money for children", "contact": "callback"}
    with session_scope() as session:  # the application layer's transaction; submit_report takes the caller's
        code = submit_report(session, "recruitment", fields, "rest", FAMILY, "en", now=NOW).code
        plain = submit_report(session, "recruitment", fields, "rest", "+15005550009", "en", now=NOW).code
    with session_scope() as session:
        ngo = session.execute(select(Ngo)).scalars().first()
        for value, marked in ((code, True), (plain, False)):
            report = session.execute(select(Report).where(Report.code == value)).scalar_one()
            assert report.reporter_discreet is marked
            text = compose_forward(report, {"what": "x"}, ngo, "forward", "X-1", NoTranslator())
            assert (labels_for(ngo.language)["discreet"] in text) is marked
            assert reporter_discreet(session, value) is marked


def test_telegram_deletes_the_messages_it_sent_into_the_chat(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.channels.gate import remember_sent
    from bot.settings import get_settings

    fake = FakeTelegram()
    fake.start()
    try:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_BOT_TOKEN)
        monkeypatch.setenv("HELPLINE_TELEGRAM_API_BASE", fake.url)
        get_settings.cache_clear()
        chat = 4242
        with session_scope() as session:
            conversation = contacts.remember_inbound(session, "telegram", str(chat), NOW)
        bot_api = fake_bot(fake)
        ids = [asyncio.run(bot_api(chat, f"message {i}")) for i in range(3)]
        for message_id in ids:
            remember_sent(chat, message_id, ManualClock(NOW))
        other = asyncio.run(bot_api(777, "another chat"))
        assert asyncio.run(discreet.clear_chat("telegram", conversation)) == discreet.CLEARED
        assert sorted(m["message_id"] for m in fake.deleted) == sorted(ids)
        assert [m["message_id"] for m in fake.sent] == [other]
        with session_scope() as session:
            assert contacts.sent_message_ids(session, "telegram", str(chat)) == []
        # Asked again, nothing is left to delete; on WhatsApp/SMS the person is told how to do it by hand.
        assert asyncio.run(discreet.clear_chat("telegram", conversation)) == discreet.CLEARED
        assert asyncio.run(discreet.clear_chat("rest", FAMILY)) == discreet.OTHER_TIP
        assert discreet.clear_tip("whatsapp") == "utter_clear_tip_whatsapp"
        assert discreet.clear_tip("sms") == "utter_clear_tip_sms"
    finally:
        fake.stop()


def test_only_the_last_48_hours_of_sent_ids_are_kept(store_url: str) -> None:
    from datetime import timedelta

    with session_scope() as session:
        contacts.remember_sent_message(session, "telegram", "5", 1, NOW)
    with session_scope() as session:
        contacts.remember_sent_message(session, "telegram", "5", 2, NOW + timedelta(hours=49))
    with session_scope() as session:
        assert contacts.sent_message_ids(session, "telegram", "5") == [2]


def fake_bot(fake: FakeTelegram):  # type: ignore[no-untyped-def]
    """Sends through the real client library, as the channel does; returns the message id the server gave."""
    from bot.delivery.senders import telegram_bot

    async def send(chat: int, text: str) -> int:
        async with telegram_bot(TEST_BOT_TOKEN, fake.url) as bot:
            return int((await bot.send_message(chat_id=chat, text=text)).message_id)

    return send


def _texts(entry: object) -> list[str]:
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, dict):
        return [text for value in entry.values() for text in _texts(value)]
    return [text for item in entry for text in _texts(item)] if isinstance(entry, list) else []


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_discreet_texts_reveal_nothing_in_any_language(language: str) -> None:
    """Every discreet variant, and what switching the mode on says, is neutral for another reader of the phone: no
    word for agent, trafficking, police, NGO, report, complaint, case or helpline in that language, no code."""
    written = catalogue(language)
    ids = [key for key in written if key.startswith(("discreet.", "utter_discreet_", "utter_clear_tip_"))]
    assert len([key for key in ids if key.startswith("discreet.")]) == len(
        [key for key in catalogue("en") if key.startswith("discreet.")])
    found = revealing([text for key in [*ids, "utter_chat_cleared"] for text in _texts(written[key])])
    assert not found, found


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_the_scan_knows_each_languages_revealing_words(language: str) -> None:
    """The scan can fail: it finds the ordinary texts' words (helpline, case, agent) and codes in every language."""
    written = catalogue(language)
    assert revealing([written["utter_checkin_intro"].format(code="4829317")])
    assert revealing(_texts(written["utter_ask_report_agent"]))
    assert revealing(_texts(written["utter_ask_report_contact"]))  # NGO
    assert revealing(["4829317"])


def test_urdu_words_are_matched_whole() -> None:
    """کیس (case) is inside کیسا (how): only the whole word counts, right-to-left marks around it or not."""
    assert not revealing(["گھر پر سب کیسا ہے؟"])
    assert revealing(["آپ کا کیس۔"]) and revealing(["\u200fکیس\u200f"])
    assert revealing(["ادارے کو بھیجی گئی"]) and not revealing(["ارادے"])


# Shown as it is in discreet mode although it says more: the emergency reply is never held back.
NOT_NEUTRAL = {"utter_emergency_numbers"}


@pytest.mark.parametrize("language", REPLY_LANGUAGES)
def test_responses_without_a_discreet_variant_are_neutral(language: str) -> None:
    """A response with no discreet variant is shown as it is in discreet mode, so it must reveal nothing either."""
    written = catalogue(language)
    plain = [key for key in written if key.startswith("utter_") and f"discreet.{key}" not in written]
    found = revealing([text for key in plain if key not in NOT_NEUTRAL for text in _texts(written[key])])
    assert not found, found
    assert all(f"discreet.{key}" not in written for key in NOT_NEUTRAL)  # a variant written: take it off the list
