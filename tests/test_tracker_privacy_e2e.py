"""No phone number and no word a person wrote is readable in Rasa's tracker database (issue 12, item 2), through the
real servers: messages carrying a fictitious number and invented words, on the REST channel and on Twilio (SMS and
WhatsApp, where the number is also the sender's address). The database file (and any journal beside it) is scanned
byte for byte, and every row; Rasa's own API, behind its token, still gives the conversation back (so the messages
were stored, sealed, and not simply lost).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from bot.crypto import pseudonym
from tests.conftest import _reset_caches
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio
from tests.servers import running_helpline
from tests.test_channel_twilio_e2e import HELPLINE, TwilioHelpline, user_texts

NUMBER = "+15005550177"  # Twilio's test range; fictitious
# Invented words (no language has them), so a hit can only come from what was sent.
WORDS = ["Kaalpanikram", "Zindaapurwala", "भूतनाथपुरी", "Thekedaarsingh"]
MESSAGES = [
    f"mera number {NUMBER} hai, {WORDS[0]} ko {WORDS[1]} le gaya",
    f"{WORDS[2]} ke {WORDS[3]} ne bulaya tha",
    "1",
]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TwilioHelpline, Path]]:
    var = tmp_path_factory.mktemp("var")
    with FakeTwilio() as twilio:
        env = {
            "TWILIO_ACCOUNT_SID": TEST_ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": TEST_AUTH_TOKEN,
            "TWILIO_SMS_FROM": HELPLINE,
            "TWILIO_WHATSAPP_FROM": HELPLINE,
            "HELPLINE_TWILIO_API_BASE": twilio.url,
            "HELPLINE_PUBLIC_URL": "",
            "HELPLINE_TRANSLATOR": "off",
        }
        with running_helpline(var, env) as helpline, pytest.MonkeyPatch.context() as monkeypatch:
            for name in ("HELPLINE_SECRET_KEYS", "HELPLINE_VAR_DIR", "HELPLINE_DATABASE_URL"):
                monkeypatch.setenv(name, helpline.env[name])
            _reset_caches()
            yield TwilioHelpline(helpline, twilio), var
        _reset_caches()


def _secrets() -> list[bytes]:
    """Every form in which the number or a word could sit in the file: UTF-8, JSON's \\u escapes for Devanagari."""
    forms = {NUMBER, NUMBER[1:], NUMBER[-10:], *WORDS}
    forms |= {word.encode("unicode_escape").decode().replace("\\u", "\\\\u") for word in WORDS}
    forms |= {word.encode("ascii", "backslashreplace").decode() for word in WORDS}
    return [form.encode() for form in forms]


def test_number_and_words_are_not_readable_in_the_tracker_database(servers: tuple[TwilioHelpline, Path]) -> None:
    twilio, var = servers
    rest_sender = "privacy-rest-1"
    for message in MESSAGES:
        twilio.servers.send(rest_sender, message)
    for channel in ("sms", "whatsapp"):
        for message in MESSAGES:
            twilio.say(channel, NUMBER, message)

    # Stored: Rasa gives every message back through its API (decrypted, behind the token).
    conversation_ids = [rest_sender, pseudonym("sms", NUMBER), pseudonym("whatsapp", NUMBER)]
    for conversation_id in conversation_ids:
        response = requests.get(f"{twilio.servers.api}/conversations/{quote(conversation_id)}/tracker",
                                params=twilio.servers.token, timeout=30)
        assert user_texts(response.json())[-len(MESSAGES):] == MESSAGES

    # Not readable: not in any row, not anywhere in the file or a journal beside it.
    with sqlite3.connect(var / "tracker.db") as db:
        rows = db.execute("SELECT * FROM events").fetchall()
    assert {row[1] for row in rows} >= set(conversation_ids)
    cells = "\n".join(str(cell) for row in rows for cell in row)
    assert [form for form in _secrets() if form.decode() in cells] == []
    files = [path for path in var.iterdir() if path.name.startswith("tracker.db")]
    assert files
    for path in files:
        data = path.read_bytes()
        assert [form for form in _secrets() if form in data] == [], path.name
