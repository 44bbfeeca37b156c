"""A user's text can never pick an intent, set a slot or restart the conversation (issue 10, item 1).

Rasa reads a message that starts with "/" (after str.strip) as "/intent@confidence{entities}" and sets the intent at
confidence 1.0 and the entities as given. An outside probe got past the old cleaning with "/ /x", "/\\n/x" and
"/\\t/restart". Here every variant below is sent through each channel — REST, Twilio (signed, SMS) and Telegram
(webhook with its secret) — to the real Rasa server, and the tracker's parse data of that message is checked: the
text Rasa parsed is the cleaned text and not a command, every entity came from an NLU extractor, the injected
intent was not set at confidence 1.0, and no restart or injected slot happened. Then the servers' log is searched for
a phone number that was written inside such messages: Rasa's warnings must not carry user text. One server start.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from twilio.request_validator import RequestValidator

from bot.channels.inbound import clean_text, reaches_rasa_as_text
from bot.channels.telegram import SECRET_HEADER
from bot.crypto import pseudonym
from tests.conftest import _reset_caches
from tests.fakes.telegram import TEST_BOT_TOKEN, FakeTelegram
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio
from tests.servers import Helpline, running_helpline

HELPLINE = "+15005550006"  # our Twilio number (Twilio's "valid From" test number)
TELEGRAM_SECRET = "injection-secret_0123456789"
PHONE = "+15005550111"  # a fictitious number written inside messages; it must never reach the log

# (what the person sends, the intent it tries to force). Each leaves some text after cleaning.
VARIANTS: list[tuple[str, str]] = [
    ("/report_emergency", "report_emergency"),
    ('/ /report_emergency{"district":"Patna"}', "report_emergency"),
    ("/\n/EXTERNAL_checkin", "EXTERNAL_checkin"),
    (" / /opt_out", "opt_out"),
    ("/\t/restart", "restart"),
    ("\t/restart", "restart"),
    ("\n\n/restart", "restart"),
    ("\r/restart", "restart"),
    ("\x0b/restart", "restart"),
    ("\x0c/session_start", "session_start"),
    ("\x1c/restart", "restart"),
    ("\u00a0/restart", "restart"),
    ("/\u00a0/restart", "restart"),
    ("\u2003/\u2009/restart", "restart"),
    ("\u3000/restart", "restart"),
    ("\u2028/restart", "restart"),
    ("\u2029/opt_out", "opt_out"),
    ("\u200b/restart", "restart"),
    ("/\u200b/restart", "restart"),
    ("\u200c/restart", "restart"),
    ("\u200d/restart", "restart"),
    ("\u2060/restart", "restart"),
    ("\ufeff/restart", "restart"),
    ("\u180e/opt_out", "opt_out"),
    ("\uff0f/restart", "restart"),
    ("\uff0frestart", "restart"),
    ("\u2215/restart", "restart"),
    ("\u2044/opt_out", "opt_out"),
    ("\u0301/restart", "restart"),
    ("///restart", "restart"),
    ("/ / / /restart", "restart"),
    ("/ \u00a0\t/ /session_start", "session_start"),
    ('/greet{"language":"en"}', "greet"),
    ('/inform{"district":"Jaipur","state":"Rajasthan"}', "inform"),
    ("/report_emergency@1.0", "report_emergency"),
    ('/\t/request_callback@0.99{"language":"bho"}', "request_callback"),
    (f'/ /report_recruitment{{"agent_phone":"{PHONE}"}}', "report_recruitment"),
    (f"/\n/opt_out mera number {PHONE} hai", "opt_out"),
    (f"/\u200b/ {PHONE}", "restart"),
    ("  /  request_callback  ", "request_callback"),
]


class Channels:
    """Sends one message as each channel's provider would; finds the Rasa conversation it landed in."""

    def __init__(self, servers: Helpline) -> None:
        self.servers = servers
        self.twilio_webhook = f"{servers.api}/webhooks/twilio/webhook"

    def send(self, channel: str, index: int, text: str) -> str:
        """Post `text`; returns the Rasa conversation id."""
        if channel == "rest":
            sender = f"injection-{index}"
            response = requests.post(self.servers.url, json={"sender": sender, "message": text}, timeout=60)
            assert response.status_code == 200, response.text
            return sender
        if channel == "twilio":
            number = f"+1500555{2000 + index}"
            params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": TEST_ACCOUNT_SID, "From": number,
                      "To": HELPLINE, "Body": text, "NumMedia": "0", "ApiVersion": "2010-04-01"}
            signature = RequestValidator(TEST_AUTH_TOKEN).compute_signature(self.twilio_webhook, params)
            response = requests.post(self.twilio_webhook, data=params, headers={"X-Twilio-Signature": signature},
                                     timeout=60)
            assert response.status_code == 200, response.text
            return pseudonym("sms", number)
        chat_id = 700000300 + index
        update = {"update_id": 50000 + index, "message": {
            "message_id": 50000 + index, "date": 1767225600, "text": text,
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
            "chat": {"id": chat_id, "first_name": "Test", "type": "private"}}}
        response = requests.post(f"{self.servers.api}/webhooks/telegram/webhook", json=update,
                                 headers={SECRET_HEADER: TELEGRAM_SECRET}, timeout=60)
        assert response.status_code == 200, response.text
        return pseudonym("telegram", str(chat_id))

    def tracker(self, conversation_id: str) -> dict:
        response = requests.get(f"{self.servers.api}/conversations/{quote(conversation_id, safe='')}/tracker",
                                params=self.servers.token, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="module")
def channels(var: Path) -> Iterator[Channels]:
    with FakeTwilio() as twilio, FakeTelegram() as telegram:
        env = {
            "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID, "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_SMS_FROM": HELPLINE, "HELPLINE_TWILIO_API_BASE": twilio.url, "HELPLINE_PUBLIC_URL": "",
            "TELEGRAM_BOT_TOKEN": TEST_BOT_TOKEN, "HELPLINE_TELEGRAM_API_BASE": telegram.url,
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET, "TELEGRAM_MODE": "webhook",
            "HELPLINE_TRANSLATOR": "off",
        }
        with running_helpline(var, env) as servers, pytest.MonkeyPatch.context() as monkeypatch:
            monkeypatch.setenv("HELPLINE_SECRET_KEYS", servers.env["HELPLINE_SECRET_KEYS"])  # to compute pseudonyms
            _reset_caches()
            yield Channels(servers)
        _reset_caches()


@pytest.mark.parametrize("raw, injected", VARIANTS)
def test_cleaned_text_is_never_a_command_to_rasa(raw: str, injected: str) -> None:
    """In Rasa's own terms: its regex-message reader leaves the cleaned text alone."""
    text = clean_text(raw)
    assert reaches_rasa_as_text(text)
    message = Message({TEXT: text})
    assert YAMLStoryReader.unpack_regex_message(message) is message


@pytest.mark.parametrize("channel", ["rest", "twilio", "telegram"])
@pytest.mark.parametrize("index", range(len(VARIANTS)), ids=[repr(v[0])[:40] for v in VARIANTS])
def test_no_channel_lets_text_pick_an_intent(channels: Channels, channel: str, index: int) -> None:
    raw, injected = VARIANTS[index]
    offset = {"rest": 0, "twilio": 100, "telegram": 200}[channel]
    conversation = channels.send(channel, offset + index, raw)
    events = channels.tracker(conversation)["events"]
    users = [e for e in events if e["event"] == "user"]
    assert len(users) == 1, [e["event"] for e in events]
    parse = users[0]["parse_data"]

    assert parse["text"] == users[0]["text"] == clean_text(raw)
    assert reaches_rasa_as_text(parse["text"])
    assert all(entity.get("extractor") for entity in parse.get("entities") or []), parse["entities"]
    # Rasa's regex path sets the named intent alone (a ranking of one) at the given confidence; the model ranks every
    # intent it knows. (The words themselves may still mean what they say: "report recruitment" is a report.)
    assert len(parse.get("intent_ranking") or []) > 1, parse["intent"]
    assert parse["intent"]["name"] != "EXTERNAL_checkin"
    assert not any(e["event"] in ("restart", "session_started") and events.index(e) > events.index(users[0])
                   for e in events)
    # A district named inside the text may be found by the district extractor, as from any words; the language
    # slot follows the words' language. The phone number is never a slot.
    assert not any(e["event"] == "slot" and PHONE in json.dumps(e.get("value")) for e in events)


def test_the_log_never_carries_what_people_wrote(channels: Channels, var: Path) -> None:
    """Messages with a phone number in them, including ones that used to trigger Rasa's parse warnings."""
    for i, text in enumerate([f"/ /opt_out {PHONE}", f"/\u00a0/{PHONE}", f"mera number {PHONE} hai, agent ne bulaya",
                              f"/inform{{\"phone\": \"{PHONE}\"}}"]):
        for channel in ("rest", "twilio", "telegram"):
            channels.send(channel, 400 + i * 3 + ("rest", "twilio", "telegram").index(channel), text)
    log = (var / "servers.log").read_text(encoding="utf-8", errors="replace")
    assert log, "the servers wrote no log at all"
    digits = PHONE.lstrip("+")
    assert digits not in log and digits[-10:] not in log
    assert "agent ne bulaya" not in log
    # And nothing in the trackers' stored JSON holds the number as a slot or sender.
    for conversation in ("injection-400",):
        events = channels.tracker(conversation)["events"]
        assert all(PHONE not in json.dumps(e) for e in events if e["event"] == "slot")
