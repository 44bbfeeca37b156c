"""The outbound senders, through the real twilio and python-telegram-bot SDKs against local fakes of the APIs."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.delivery.senders import (
    Button,
    DeliveryError,
    RebasedTwilioHttpClient,
    TelegramSender,
    TwilioSender,
    build_senders,
)
from bot.settings import PROJECT_ROOT, get_settings
from tests.fakes import FakeTelegram, FakeTwilio
from tests.fakes.telegram import telegram_error
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, twilio_error

SMS_FROM = "+15005550006"  # Twilio's "valid sender" test number
NGO_PHONE = "+15005550010"  # a fictitious NGO coordinator
OTHER_PHONE = "+15005550011"
INVALID_PHONE = "+15005550001"  # Twilio test number: "not a valid phone number" (21211)
OPTED_OUT_PHONE = "+15005550004"  # Twilio test number: the recipient replied STOP (21610)
NGO_CHAT = 424242


def _stopped_url() -> str:
    """The URL of a server that has gone away: connecting is refused."""
    fake = FakeTwilio().start()
    url = fake.url
    fake.stop()
    return url


# --- Twilio ------------------------------------------------------------------------------------------------------


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as fake:
        yield fake


@pytest.fixture
def sms(twilio: FakeTwilio) -> Iterator[TwilioSender]:
    sender = TwilioSender(twilio.account_sid, twilio.auth_token, sms_from=SMS_FROM, whatsapp_from=SMS_FROM,
                          api_base=twilio.url, timeout=2)
    yield sender
    sender.close()


def test_sms_goes_to_twilio_with_basic_auth_and_sms_addressing(twilio: FakeTwilio, sms: TwilioSender) -> None:
    sid = sms.send("sms", NGO_PHONE, "Report 4829317: a boy of 12 at a dhaba near Sanganer")

    assert sid.startswith("SM") and len(sid) == 34
    [message] = twilio.messages
    assert message["sid"] == sid
    assert (message["to"], message["from"]) == (NGO_PHONE, SMS_FROM)
    assert message["body"] == "Report 4829317: a boy of 12 at a dhaba near Sanganer"
    [request] = twilio.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"
    assert request.content_type == "application/x-www-form-urlencoded"
    user_password = base64.b64decode(request.headers["authorization"].removeprefix("Basic ")).decode()
    assert user_password == f"{twilio.account_sid}:{twilio.auth_token}"


@pytest.mark.parametrize("address", [NGO_PHONE, f"whatsapp:{NGO_PHONE}"])
def test_whatsapp_uses_whatsapp_addresses_on_both_ends(twilio: FakeTwilio, sms: TwilioSender, address: str) -> None:
    sms.send("whatsapp", address, "Report 4829317")

    [message] = twilio.messages
    assert (message["to"], message["from"]) == (f"whatsapp:{NGO_PHONE}", f"whatsapp:{SMS_FROM}")


def test_buttons_become_text_lines_on_sms(twilio: FakeTwilio, sms: TwilioSender) -> None:
    sms.send("sms", NGO_PHONE, "Report 4829317", [Button("Reply: OK 4829317", "ack:4829317"),
                                                   Button("Reply: NO 4829317", "decline:4829317")])

    assert twilio.messages[0]["body"] == "Report 4829317\n\nReply: OK 4829317\nReply: NO 4829317"


def test_a_channel_without_a_sender_number_is_refused_without_a_request(twilio: FakeTwilio) -> None:
    sender = TwilioSender(twilio.account_sid, twilio.auth_token, sms_from=SMS_FROM, api_base=twilio.url)

    with pytest.raises(DeliveryError) as caught:
        sender.send("whatsapp", NGO_PHONE, "Report 4829317")

    assert sender.channels == ("sms",)
    assert caught.value.retryable is False
    assert twilio.requests == []


def test_wrong_credentials_are_not_retryable(twilio: FakeTwilio) -> None:
    sender = TwilioSender(twilio.account_sid, "not-the-token", sms_from=SMS_FROM, api_base=twilio.url)

    with pytest.raises(DeliveryError) as caught:
        sender.send("sms", NGO_PHONE, "Report 4829317")

    assert caught.value.retryable is False
    assert "401" in str(caught.value) and "20003" in str(caught.value)
    assert twilio.messages == []


@pytest.mark.parametrize("number", [INVALID_PHONE, OPTED_OUT_PHONE])
def test_a_bad_number_is_not_retryable_and_not_quoted(twilio: FakeTwilio, sms: TwilioSender, number: str) -> None:
    with pytest.raises(DeliveryError) as caught:
        sms.send("sms", number, "Report 4829317")

    assert caught.value.retryable is False
    assert "400" in str(caught.value)
    assert number not in str(caught.value)  # Twilio's message quotes the number; ours must not
    assert caught.value.__suppress_context__  # nor may a logged traceback show Twilio's exception


def test_an_injected_400_error_body_is_read_like_twilios(twilio: FakeTwilio, sms: TwilioSender) -> None:
    twilio.fail_next(1, 400, twilio_error(400, 21211, "The 'To' number is not a valid phone number."))

    with pytest.raises(DeliveryError) as caught:
        sms.send("sms", NGO_PHONE, "Report 4829317")

    assert caught.value.retryable is False and "21211" in str(caught.value)


def test_rate_limit_is_retryable_with_twilios_retry_after(twilio: FakeTwilio, sms: TwilioSender) -> None:
    twilio.fail_next(1, 429, headers={"Retry-After": "7"})

    with pytest.raises(DeliveryError) as caught:
        sms.send("sms", NGO_PHONE, "Report 4829317")

    assert caught.value.retryable is True
    assert caught.value.retry_after == 7.0
    assert sms.send("sms", NGO_PHONE, "Report 4829317").startswith("SM")  # the next attempt goes through
    assert len(twilio.messages) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retryable(twilio: FakeTwilio, sms: TwilioSender, status: int) -> None:
    twilio.fail_next(1, status)

    with pytest.raises(DeliveryError) as caught:
        sms.send("sms", NGO_PHONE, "Report 4829317")

    assert caught.value.retryable is True
    assert caught.value.retry_after is None
    assert twilio.messages == []


def test_connection_refused_is_retryable() -> None:
    sender = TwilioSender("AC" + "0" * 32, "token", sms_from=SMS_FROM, api_base=_stopped_url(), timeout=2)

    with pytest.raises(DeliveryError) as caught:
        sender.send("sms", NGO_PHONE, "Report 4829317")

    assert caught.value.retryable is True


def test_a_send_cut_off_mid_way_is_retryable_and_found_afterwards(twilio: FakeTwilio) -> None:
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    impatient = TwilioSender(twilio.account_sid, twilio.auth_token, sms_from=SMS_FROM, api_base=twilio.url,
                             timeout=0.3)
    twilio.delay_seconds = 1.0

    with pytest.raises(DeliveryError) as caught:
        impatient.send("sms", NGO_PHONE, "Report 4829317 [r17]")

    assert caught.value.retryable is True
    twilio.delay_seconds = 0
    [message] = twilio.messages  # Twilio had taken it before the client gave up
    assert impatient.find_sent("sms", NGO_PHONE, "[r17]", since) == message["sid"]


def test_find_sent_finds_the_message_with_the_marker(twilio: FakeTwilio, sms: TwilioSender) -> None:
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    sms.send("sms", NGO_PHONE, "Report 4829317 [r1]")
    wanted = sms.send("sms", NGO_PHONE, "Report 5551234 [r2]")
    sms.send("sms", NGO_PHONE, "Report 7771234 [r3]")

    assert sms.find_sent("sms", NGO_PHONE, "[r2]", since) == wanted
    assert sms.find_sent("sms", NGO_PHONE, "[r9]", since) is None
    assert sms.find_sent("sms", OTHER_PHONE, "[r2]", since) is None  # To filter
    assert sms.find_sent("whatsapp", NGO_PHONE, "[r2]", since) is None  # different addresses on WhatsApp
    list_request = twilio.requests[-1]
    assert list_request.method == "GET"
    assert list_request.query["To"] == [f"whatsapp:{NGO_PHONE}"]
    assert list_request.query["From"] == [f"whatsapp:{SMS_FROM}"]
    assert list_request.query["DateSent>"][0].startswith(since.strftime("%Y-%m-%dT"))


def test_find_sent_ignores_messages_from_before_since(twilio: FakeTwilio, sms: TwilioSender) -> None:
    since = datetime.now(timezone.utc) - timedelta(seconds=30)
    # Same calendar day, so Twilio's day-granular DateSent> filter still returns it: the cut-off is ours to apply.
    twilio.seed_message(NGO_PHONE, SMS_FROM, "Report 4829317 [r1]", when=since - timedelta(seconds=20))

    assert sms.find_sent("sms", NGO_PHONE, "[r1]", since) is None
    assert sms.find_sent("sms", NGO_PHONE, "[r1]", since - timedelta(minutes=1)) is not None


def test_find_sent_does_not_count_a_failed_message(twilio: FakeTwilio, sms: TwilioSender) -> None:
    since = datetime.now(timezone.utc) - timedelta(seconds=30)
    twilio.seed_message(NGO_PHONE, SMS_FROM, "Report 4829317 [r1]", when=since + timedelta(seconds=1),
                        status="undelivered")

    assert sms.find_sent("sms", NGO_PHONE, "[r1]", since) is None


def test_find_sent_follows_twilios_next_page_links(twilio: FakeTwilio, sms: TwilioSender) -> None:
    since = datetime.now(timezone.utc) - timedelta(seconds=200)
    wanted = twilio.seed_message(NGO_PHONE, SMS_FROM, "Report 4829317 [r1]", when=since + timedelta(seconds=1))
    for i in range(120):  # newer than the one we want: it ends up on the second page of 100
        twilio.seed_message(NGO_PHONE, SMS_FROM, f"Report {i} [x{i}]", when=since + timedelta(seconds=2 + i))

    assert sms.find_sent("sms", NGO_PHONE, "[r1]", since) == wanted
    pages = [r.query.get("Page", ["0"])[0] for r in twilio.requests if r.method == "GET"]
    assert pages == ["0", "1"]


def test_find_sent_failure_is_a_delivery_error(twilio: FakeTwilio, sms: TwilioSender) -> None:
    twilio.fail_next(1, 503)
    with pytest.raises(DeliveryError) as caught:
        sms.find_sent("sms", NGO_PHONE, "[r1]", datetime.now(timezone.utc))
    assert caught.value.retryable is True


def test_twilio_logs_carry_no_number_or_text(twilio: FakeTwilio, sms: TwilioSender,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="twilio")
    caplog.set_level(logging.INFO)
    sms.send("sms", NGO_PHONE, "Report 4829317 secret details")
    sms.find_sent("sms", NGO_PHONE, "[r1]", datetime.now(timezone.utc))

    assert "5005550010" not in caplog.text and "secret details" not in caplog.text


def test_fake_twilio_runs_as_a_process_of_its_own(tmp_path: Path) -> None:
    """The crash tests run the fake apart from the worker they kill; it must serve and record on its own."""
    record = tmp_path / "twilio.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.twilio", "--port", "0", "--record", str(record)],
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        sender = TwilioSender(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, sms_from=SMS_FROM, api_base=url, timeout=2)
        sid = sender.send("sms", NGO_PHONE, "Report 4829317 [r1]")

        [line] = [json.loads(text) for text in record.read_text().splitlines()]
        assert (line["sid"], line["to"], line["from"], line["body"]) == (sid, NGO_PHONE, SMS_FROM,
                                                                          "Report 4829317 [r1]")
        since = datetime.now(timezone.utc) - timedelta(minutes=1)
        assert sender.find_sent("sms", NGO_PHONE, "[r1]", since) == sid
    finally:
        process.terminate()
        process.wait(5)
        if process.stdout is not None:
            process.stdout.close()


# --- Telegram ----------------------------------------------------------------------------------------------------


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def bot(telegram: FakeTelegram) -> Iterator[TelegramSender]:
    sender = TelegramSender(telegram.token, api_base=telegram.url, timeout=2)
    yield sender
    sender.close()


def test_telegram_send_without_buttons(telegram: FakeTelegram, bot: TelegramSender) -> None:
    message_id = bot.send("telegram", str(NGO_CHAT), "Report 4829317: a girl of 14 missing from Sitamarhi")

    assert telegram.sent == [{"chat_id": NGO_CHAT, "text": "Report 4829317: a girl of 14 missing from Sitamarhi",
                              "reply_markup": None, "message_id": int(message_id)}]
    assert telegram.requests[-1].path == f"/bot{telegram.token}/sendMessage"


def test_telegram_buttons_are_an_inline_keyboard(telegram: FakeTelegram, bot: TelegramSender) -> None:
    bot.send("telegram", str(NGO_CHAT), "Report 4829317",
             [Button("OK, we take it", "ack:4829317"), Button("Not us", "decline:4829317")])

    assert telegram.sent[0]["reply_markup"] == {"inline_keyboard": [
        [{"text": "OK, we take it", "callback_data": "ack:4829317"}],
        [{"text": "Not us", "callback_data": "decline:4829317"}],
    ]}


def test_telegram_bot_is_initialised_once_and_reused(telegram: FakeTelegram, bot: TelegramSender) -> None:
    first = bot.send("telegram", str(NGO_CHAT), "one")
    second = bot.send("telegram", "-1001234567890", "two")  # a supergroup

    assert int(second) == int(first) + 1
    assert [method for method, _ in telegram.calls] == ["getMe", "sendMessage", "sendMessage"]
    assert telegram.sent[1]["chat_id"] == -1001234567890


@pytest.mark.parametrize(("body", "expected"), [
    (None, 1.0),  # the fake's default 429: {"parameters": {"retry_after": 1}}
    (telegram_error(429, "Too Many Requests: retry after 5", retry_after=5), 5.0),
])
def test_telegram_flood_control_is_retryable_with_retry_after(telegram: FakeTelegram, bot: TelegramSender,
                                                              body: dict | None, expected: float) -> None:
    bot.send("telegram", str(NGO_CHAT), "warm up")  # getMe done, so the failure hits sendMessage
    telegram.fail_next(1, 429, body)

    with pytest.raises(DeliveryError) as caught:
        bot.send("telegram", str(NGO_CHAT), "Report 4829317")

    assert caught.value.retryable is True
    assert caught.value.retry_after == expected


def test_telegram_wrong_token_is_not_retryable(telegram: FakeTelegram) -> None:
    sender = TelegramSender("987654321:AAWrongTokenWrongTokenWrongToken", api_base=telegram.url, timeout=2)
    try:
        with pytest.raises(DeliveryError) as caught:
            sender.send("telegram", str(NGO_CHAT), "Report 4829317")
    finally:
        sender.close()

    assert caught.value.retryable is False
    assert "InvalidToken" in str(caught.value)
    assert "AAWrongToken" not in str(caught.value)
    assert telegram.sent == []


def test_telegram_blocked_bot_is_not_retryable(telegram: FakeTelegram, bot: TelegramSender) -> None:
    telegram.block_chat(NGO_CHAT)

    with pytest.raises(DeliveryError) as caught:
        bot.send("telegram", str(NGO_CHAT), "Report 4829317")

    assert caught.value.retryable is False
    assert "blocked" in str(caught.value)


def test_telegram_bad_request_is_not_retryable(telegram: FakeTelegram, bot: TelegramSender) -> None:
    bot.send("telegram", str(NGO_CHAT), "warm up")
    telegram.fail_next(1, 400, telegram_error(400, "Bad Request: chat not found"))

    with pytest.raises(DeliveryError) as caught:
        bot.send("telegram", "99", "Report 4829317")

    assert caught.value.retryable is False


def test_telegram_button_data_over_64_bytes_is_refused_before_sending(telegram: FakeTelegram,
                                                                      bot: TelegramSender) -> None:
    with pytest.raises(DeliveryError) as caught:
        bot.send("telegram", str(NGO_CHAT), "Report", [Button("OK", "ack:" + "x" * 61)])

    assert caught.value.retryable is False
    assert telegram.requests == []


@pytest.mark.parametrize("status", [500, 502])
def test_telegram_server_errors_are_retryable(telegram: FakeTelegram, bot: TelegramSender, status: int) -> None:
    bot.send("telegram", str(NGO_CHAT), "warm up")
    telegram.fail_next(1, status)

    with pytest.raises(DeliveryError) as caught:
        bot.send("telegram", str(NGO_CHAT), "Report 4829317")

    assert caught.value.retryable is True


def test_telegram_timeout_is_retryable(telegram: FakeTelegram) -> None:
    sender = TelegramSender(telegram.token, api_base=telegram.url, timeout=0.3)
    telegram.delay_seconds = 3.0
    started = time.monotonic()
    try:
        with pytest.raises(DeliveryError) as caught:
            sender.send("telegram", str(NGO_CHAT), "Report 4829317")
    finally:
        sender.close()

    assert caught.value.retryable is True
    assert time.monotonic() - started < 1.5


def test_telegram_connection_refused_is_retryable() -> None:
    sender = TelegramSender("123:abc", api_base=_stopped_url(), timeout=1)
    try:
        with pytest.raises(DeliveryError) as caught:
            sender.send("telegram", str(NGO_CHAT), "Report 4829317")
    finally:
        sender.close()

    assert caught.value.retryable is True


def test_telegram_cannot_reconcile(telegram: FakeTelegram, bot: TelegramSender) -> None:
    bot.send("telegram", str(NGO_CHAT), "Report 4829317 [r1]")

    assert bot.find_sent("telegram", str(NGO_CHAT), "[r1]", datetime.now(timezone.utc) - timedelta(hours=1)) is None


def test_telegram_logs_carry_no_token(telegram: FakeTelegram, bot: TelegramSender,
                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    bot.send("telegram", str(NGO_CHAT), "Report 4829317 secret details")

    assert telegram.token not in caplog.text and "secret details" not in caplog.text


def test_fake_telegram_speaks_the_bot_api_to_python_telegram_bot(telegram: FakeTelegram) -> None:
    """The methods other parts of the helpline use (webhook set-up, polling, callbacks), through PTB's Bot."""
    from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

    async def scenario() -> None:
        async with Bot(telegram.token, base_url=f"{telegram.url}/bot") as bot:
            assert await bot.set_webhook("https://helpline.example.org/webhooks/telegram/webhook")
            info = await bot.get_webhook_info()
            assert info.url == "https://helpline.example.org/webhooks/telegram/webhook"
            assert await bot.delete_webhook()

            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ack:4829317")]])
            sent = await bot.send_message(NGO_CHAT, "Report 4829317", reply_markup=keyboard)
            assert sent.reply_markup == keyboard and sent.chat.id == NGO_CHAT and sent.from_user.is_bot
            telegram.push_update({"callback_query": {
                "id": "4382bfdwdsb323b2d9", "chat_instance": "-1", "data": "ack:4829317",
                "from": {"id": NGO_CHAT, "is_bot": False, "first_name": "Fictitious Coordinator"},
                "message": sent.to_dict(),
            }})
            [update] = await bot.get_updates(timeout=1)
            assert update.callback_query.data == "ack:4829317"
            assert await bot.answer_callback_query(update.callback_query.id, text="Thank you")
            edited = await bot.edit_message_reply_markup(NGO_CHAT, sent.message_id, reply_markup=None)
            assert edited.reply_markup is None
            assert await bot.get_updates(offset=update.update_id + 1) == ()

    asyncio.run(scenario())
    assert [method for method, _ in telegram.calls] == [
        "getMe", "setWebhook", "getWebhookInfo", "deleteWebhook", "sendMessage", "getUpdates",
        "answerCallbackQuery", "editMessageReplyMarkup", "getUpdates"]
    assert telegram.sent[0]["reply_markup"] is None  # edited away


def test_fake_twilio_fetches_one_message_like_twilio(twilio: FakeTwilio, sms: TwilioSender) -> None:
    from twilio.rest import Client

    sid = sms.send("sms", NGO_PHONE, "Report 4829317")
    sdk = Client(twilio.account_sid, twilio.auth_token, environment={},
                 http_client=RebasedTwilioHttpClient(twilio.url, timeout=2))

    message = sdk.messages(sid).fetch()

    assert (message.sid, message.to, message.from_, message.body) == (sid, NGO_PHONE, SMS_FROM, "Report 4829317")
    assert message.direction == "outbound-api" and message.num_segments == "1"
    assert message.date_created.tzinfo is not None


# --- build_senders ------------------------------------------------------------------------------------------------

CHANNEL_VARIABLES = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_SMS_FROM", "TWILIO_WHATSAPP_FROM",
                     "HELPLINE_TWILIO_API_BASE", "TELEGRAM_BOT_TOKEN", "HELPLINE_TELEGRAM_API_BASE")


@pytest.fixture
def channel_env(helpline_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in CHANNEL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def _configure(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_build_senders_with_every_credential(channel_env: pytest.MonkeyPatch, twilio: FakeTwilio,
                                             telegram: FakeTelegram) -> None:
    _configure(channel_env, TWILIO_ACCOUNT_SID=twilio.account_sid, TWILIO_AUTH_TOKEN=twilio.auth_token,
               TWILIO_SMS_FROM=SMS_FROM, TWILIO_WHATSAPP_FROM=f"whatsapp:{SMS_FROM}",
               HELPLINE_TWILIO_API_BASE=twilio.url, TELEGRAM_BOT_TOKEN=telegram.token,
               HELPLINE_TELEGRAM_API_BASE=telegram.url)

    senders = build_senders()
    try:
        assert sorted(senders) == ["sms", "telegram", "whatsapp"]
        assert senders["sms"] is senders["whatsapp"]
        senders["sms"].send("sms", NGO_PHONE, "via settings")
        senders["whatsapp"].send("whatsapp", NGO_PHONE, "via settings")
        senders["telegram"].send("telegram", str(NGO_CHAT), "via settings")
    finally:
        senders["telegram"].close()  # type: ignore[attr-defined]

    assert [(m["to"], m["from"]) for m in twilio.messages] == [
        (NGO_PHONE, SMS_FROM), (f"whatsapp:{NGO_PHONE}", f"whatsapp:{SMS_FROM}")]
    assert telegram.sent[0]["text"] == "via settings"


def test_build_senders_switches_off_channels_without_credentials(channel_env: pytest.MonkeyPatch,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    _configure(channel_env, TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_SMS_FROM=SMS_FROM,
               TWILIO_WHATSAPP_FROM=SMS_FROM)  # no auth token
    caplog.set_level(logging.INFO, logger="bot.delivery.senders")

    assert build_senders() == {}

    off = [r.getMessage() for r in caplog.records if "OFF" in r.getMessage()]
    assert len(off) == 3
    assert any("sms is OFF" in line and "TWILIO_AUTH_TOKEN" in line for line in off)
    assert any("whatsapp is OFF" in line for line in off)
    assert any("telegram is OFF" in line and "TELEGRAM_BOT_TOKEN" in line for line in off)
    assert "1111111111" not in caplog.text and "5005550006" not in caplog.text


def test_build_senders_turns_on_only_the_twilio_channels_with_a_number(channel_env: pytest.MonkeyPatch,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    _configure(channel_env, TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_AUTH_TOKEN="tok-secret-123",
               TWILIO_SMS_FROM=SMS_FROM)
    caplog.set_level(logging.INFO, logger="bot.delivery.senders")

    senders = build_senders()

    assert sorted(senders) == ["sms"]
    assert senders["sms"].channels == ("sms",)
    assert "whatsapp is OFF: TWILIO_WHATSAPP_FROM is not set" in caplog.text
    assert "tok-secret-123" not in caplog.text


def test_build_senders_telegram_only(channel_env: pytest.MonkeyPatch) -> None:
    _configure(channel_env, TELEGRAM_BOT_TOKEN="123:abc")

    senders = build_senders()
    try:
        assert sorted(senders) == ["telegram"]
        assert isinstance(senders["telegram"], TelegramSender)
    finally:
        senders["telegram"].close()  # type: ignore[attr-defined]
