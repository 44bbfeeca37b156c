"""End to end through the real servers: a signed Twilio webhook -> our Twilio channel -> Rasa (trained model) ->
action server -> replies through the real twilio SDK to tests.fakes.twilio.FakeTwilio.

For each reply language (en, hi, hi-Latn, bho) and each channel (SMS, WhatsApp): a greeting, then menu choice "2";
the replies must reach the right number, from our number, in the person's language (the texts in domain.yml and
bot/data/facts.yml). Rasa's tracker must be kept under the pseudonym, never the phone number. A forged request is
refused. One server start for the module.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.crypto import pseudonym
from bot.language import REPLY_LANGUAGES
from bot.text.bidi import mark_rtl
from tests.conftest import _reset_caches
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio
from tests.replies import GREETINGS, answer, reply_text
from tests.servers import Helpline, running_helpline

HELPLINE = "+15005550006"  # our Twilio number (Twilio's "valid From" test number)
LANGUAGES = list(REPLY_LANGUAGES)
CHANNELS = ["sms", "whatsapp"]
# One fictitious number per conversation, so the conversations cannot see each other's replies.
NUMBERS = {(language, channel): f"+150055500{30 + i * 2 + j}"
           for i, language in enumerate(LANGUAGES) for j, channel in enumerate(CHANNELS)}
_PART = re.compile(r"^\((\d+)/(\d+)\) ")


class TwilioHelpline:
    """The running servers, the fake Twilio they send through, and a way to post as Twilio does."""

    def __init__(self, servers: Helpline, twilio: FakeTwilio) -> None:
        self.servers = servers
        self.twilio = twilio
        self.webhook = f"{servers.api}/webhooks/twilio/webhook"
        self._count = 0

    def post(self, channel: str, number: str, body: str, forge: bool = False) -> requests.Response:
        """Post one incoming message as Twilio would: form-encoded and signed for the URL it calls."""
        self._count += 1
        prefix = "whatsapp:" if channel == "whatsapp" else ""
        params = {"MessageSid": f"SM{self._count:032x}", "AccountSid": TEST_ACCOUNT_SID, "From": prefix + number,
                  "To": prefix + HELPLINE, "Body": body, "NumMedia": "0", "ApiVersion": "2010-04-01"}
        token = "not-our-auth-token" if forge else TEST_AUTH_TOKEN
        signature = RequestValidator(token).compute_signature(self.webhook, params)
        return requests.post(self.webhook, data=params, headers={"X-Twilio-Signature": signature}, timeout=60)

    def say(self, channel: str, number: str, body: str) -> list[str]:
        """Send a message; the replies that reached Twilio for this person (replies go out before the webhook
        answers), with split SMS parts joined again."""
        before = len(self.twilio.messages)
        response = self.post(channel, number, body)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml") and "<Response/>" in response.text
        prefix = "whatsapp:" if channel == "whatsapp" else ""
        sent = self.twilio.messages[before:]
        assert all(m["to"] == prefix + number and m["from"] == prefix + HELPLINE for m in sent)
        return joined([m["body"] for m in sent])

    def tracker(self, conversation_id: str) -> dict:
        response = requests.get(f"{self.servers.api}/conversations/{quote(conversation_id)}/tracker",
                                params=self.servers.token, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()


def joined(bodies: list[str]) -> list[str]:
    """SMS replies longer than two segments arrive as "(1/2) ...", "(2/2) ...": one reply again."""
    replies: list[str] = []
    parts: list[str] = []
    for body in bodies:
        match = _PART.match(body)
        if not match:
            replies.append(body)
            continue
        parts.append(body[match.end():])
        if match.group(1) == match.group(2):
            replies.append(" ".join(parts))
            parts = []
    assert not parts, "an SMS reply arrived incomplete"
    return replies


def user_texts(tracker: dict) -> list[str]:
    return [event.get("text") for event in tracker.get("events") or [] if event.get("event") == "user"]


@pytest.fixture(scope="module")
def helpline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwilioHelpline]:
    var = tmp_path_factory.mktemp("var")
    with FakeTwilio() as twilio:
        env = {
            "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_SMS_FROM": HELPLINE,
            "TWILIO_WHATSAPP_FROM": HELPLINE,
            "HELPLINE_TWILIO_API_BASE": twilio.url,
            "HELPLINE_PUBLIC_URL": "",  # signatures are checked against the URL the request arrives at
            "HELPLINE_TRANSLATOR": "off",
        }
        with running_helpline(var, env) as servers, pytest.MonkeyPatch.context() as monkeypatch:
            # The same key as the servers, so the test can compute the pseudonyms they use.
            for name in ("HELPLINE_SECRET_KEYS", "HELPLINE_VAR_DIR", "HELPLINE_DATABASE_URL"):
                monkeypatch.setenv(name, servers.env[name])
            _reset_caches()
            yield TwilioHelpline(servers, twilio)
        _reset_caches()


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_greeting_and_menu_choice(helpline: TwilioHelpline, language: str, channel: str) -> None:
    number = NUMBERS[(language, channel)]
    assert helpline.say(channel, number, GREETINGS[language]) == [
        reply_text("utter_greet", language), reply_text("utter_menu", language)
    ]
    # What Twilio is given carries the direction marks of right-to-left text (bot/text/bidi.py; Urdu).
    assert helpline.say(channel, number, "2") == [mark_rtl(text) for text in (*answer("school", language),
                                                                             reply_text("utter_school_more", language))]

    # Rasa keeps the conversation under the pseudonym; the phone number is nowhere in it.
    conversation_id = pseudonym(channel, number)
    tracker = helpline.tracker(conversation_id)
    assert tracker["sender_id"] == conversation_id
    assert user_texts(tracker) == [GREETINGS[language], "2"]
    assert tracker["latest_input_channel"] == "twilio"
    assert number not in json.dumps(tracker) and number[1:] not in json.dumps(tracker)
    for address in (number, f"whatsapp:{number}"):
        assert user_texts(helpline.tracker(address)) == []


def test_a_forged_request_is_refused(helpline: TwilioHelpline) -> None:
    number = "+15005550050"
    before = len(helpline.twilio.messages)
    response = helpline.post("sms", number, GREETINGS["en"], forge=True)
    assert response.status_code == 403
    assert len(helpline.twilio.messages) == before
    assert user_texts(helpline.tracker(pseudonym("sms", number))) == []
    # The same message, genuinely signed, is answered.
    assert helpline.say("sms", number, GREETINGS["en"])[0] == reply_text("utter_greet", "en")
