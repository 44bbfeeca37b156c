"""The Twilio channel (bot/channels/twilio.py) in-process: its Sanic blueprint behind an ASGI test client, the real
store, the real `twilio` SDK sending to tests.fakes.twilio.FakeTwilio.

The main test is a TABLE: one `Case` per line says what Twilio posts and what must happen (HTTP status, the text Rasa
gets, the messages that go out). To cover a new situation, add one line to CASES. SHAPE_CASES are generated from
BAD_VALUES: every field whose shape the channel checks, with each kind of wrong value, refused with 400 before
anything is stored (`test_a_re_cut_signed_request_is_refused` shows why: a signature survives moving a field
boundary). `on_new_message` stands in for
Rasa: it records the message and answers "ok" (or the case's `rasa_reply`) through the output channel it was given.

Then: the output channel's splitting and buttons, a status callback that re-queues an undelivered report forward,
the same on PostgreSQL, and a hypothesis fuzz of both endpoints (never a 5xx, never an exception).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rasa.core.channels.channel import UserMessage
from sanic import Sanic
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.channels import gate
from bot.channels.ratelimit import RateLimiter
from bot.channels.twilio import FormParams, TwilioInput, TwilioOutput, split_for_whatsapp
from bot.clock import ManualClock, SystemClock
from bot.crypto import pseudonym
from bot.delivery.senders import build_senders
from bot.jobs import run_report_jobs
from bot.replies import text as reply_text
from bot.reports.worker import DeliveryWorker
from bot.settings import get_settings
from bot.sms import segments, split_for_sms
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.inbound import status_of as _status_of
from bot.store.models import Contact, Delivery, InboundSeen, OutboundStatus
from bot.translation import NoTranslator
from tests.conftest import _reset_caches
from tests.fakes.twilio import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilio
from tests.reports_helpers import file_report, import_sample

BASE = "http://helpline.test:5005"  # where the test client's requests arrive
PUBLIC = "https://helpline.example.org"  # what Twilio calls when HELPLINE_PUBLIC_URL is set (proxy, tunnel)
WEBHOOK = "/webhooks/twilio/webhook"
FORM = "application/x-www-form-urlencoded"
STATUS = "/webhooks/twilio/status"
HELPLINE = "+15005550006"  # our Twilio number (Twilio's "valid From" test number)
PERSON = "+15005550020"  # a fictitious family member
OTHER = "+15005550021"
NGO = "+15005550101"  # Patna Bal Raksha Sample Samiti's number in bot/data/ngos.sample.yml
UNREACHABLE = "+15005550001"  # Twilio test number: sending to it fails with 21211
FOREIGN_ACCOUNT = "AC" + "9" * 32

LONG_HINDI = (
    "बाल श्रम से छुड़ाए गए बच्चे को पुनर्वास के लिए पैसा मिलता है। इसके लिए छुड़ाने का कागज, बच्चे की उम्र का प्रमाण "
    "और बैंक खाते की जानकारी चाहिए। जिला श्रम अधीक्षक के कार्यालय में आवेदन दें और रसीद जरूर लें। पैसा न आए तो "
    "दो महीने बाद फिर से पूछें, या हेल्पलाइन से बात करें।"
)


def status_of(provider_id: str) -> tuple[str, str | None] | None:
    with session_scope() as session:
        return _status_of(session, provider_id)


def sid(n: int | str) -> str:
    """A Twilio-shaped message id (SM + 32 hex), distinct per n."""
    return "SM" + uuid.uuid5(uuid.NAMESPACE_URL, str(n)).hex


def sms(body: str | None, sender: str = PERSON, n: int | str = 1, **extra: str) -> dict[str, str]:
    """The form Twilio posts for an incoming SMS (the fields a real webhook has that matter here)."""
    params = {"MessageSid": sid(n), "SmsMessageSid": sid(n), "AccountSid": TEST_ACCOUNT_SID, "From": sender,
              "To": HELPLINE, "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
    if body is not None:
        params["Body"] = body
    params.update(extra)
    return params


def whatsapp(body: str | None, sender: str = OTHER, n: int | str = 1, **extra: str) -> dict[str, str]:
    params = sms(body, f"whatsapp:{sender}", n, To=f"whatsapp:{HELPLINE}", ProfileName="Test Family", WaId=sender[1:])
    params.update(extra)
    return params


def without(params: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in params.items() if k not in names}


def repeated(params: dict[str, str], name: str, value: str) -> FormParams:
    """The form with `name` sent twice (the original value first), signed over both values as Twilio would."""
    form = FormParams({k: [v] for k, v in params.items()})
    form[name] = [*form.get(name, []), value]
    return form


def status_callback(message_sid: str, status: str, error_code: str = "") -> dict[str, str]:
    return {"MessageSid": message_sid, "SmsSid": message_sid, "MessageStatus": status, "SmsStatus": status,
            "AccountSid": TEST_ACCOUNT_SID, "From": HELPLINE, "To": PERSON, "ErrorCode": error_code,
            "ApiVersion": "2010-04-01"}


def flood(count: int, sender: str = PERSON) -> tuple[dict[str, str], ...]:
    return tuple(sms(f"hello {i}", sender, n=f"flood-{i}") for i in range(count))


@dataclass
class Result:
    """What one case did, for a case's extra `check`."""

    response: httpx.Response
    rasa: list[UserMessage]  # everything Rasa got, `before` requests included
    sent: list[dict[str, Any]]  # everything FakeTwilio was asked to send, `before` requests included
    before_responses: list[httpx.Response]


@dataclass(frozen=True)
class Case:
    """One request as Twilio would make it, and what must follow: the HTTP status, the text Rasa receives (None:
    Rasa gets nothing) and the messages sent through Twilio, as (to, a part of the body) in order."""

    label: str
    params: dict[str, str]
    signature: str = "valid"  # valid | invalid | missing
    expect_status: int = 200
    expect_text_to_rasa: str | None = None
    expect_outgoing: list[tuple[str, str]] = field(default_factory=list)  # (to, a substring of the body), in order
    # Less common set-up; the defaults are an ordinary signed SMS to the webhook.
    path: str = WEBHOOK
    env: dict[str, str] = field(default_factory=dict)
    signed_url: str | None = None  # sign for this URL instead of the one the request goes to
    content_type: str = FORM  # anything else sends `params` as JSON
    before: tuple[dict[str, str], ...] = ()  # validly signed requests sent first (not part of the expectations)
    rasa_reply: str = "ok"
    ngo_directory: bool = False
    check: Callable[[Result], None] | None = None


# --- extra checks for some cases ----------------------------------------------------------------------------------


def rasa_sees_a_pseudonym(channel: str, address: str) -> Callable[[Result], None]:
    def check(result: Result) -> None:
        message = result.rasa[-1]
        assert message.sender_id == pseudonym(channel, address) and address not in message.sender_id
        assert message.input_channel == "twilio" and message.metadata == {"channel": channel}
        assert result.sent[-1]["from"] == (f"whatsapp:{HELPLINE}" if channel == "whatsapp" else HELPLINE)
        assert result.response.text.endswith("<Response/>")
        assert result.response.headers["content-type"].startswith("text/xml")
        assert result.sent[-1]["status_callback"] is None  # no public URL, so Twilio could not call back

    return check


def status_callbacks_use_the_public_url(result: Result) -> None:
    assert result.sent[-1]["status_callback"] == PUBLIC + STATUS


def parts_fit_two_segments(result: Result) -> None:
    bodies = [m["body"] for m in result.sent]
    assert len(bodies) >= 2 and all(segments(body) <= 2 for body in bodies)
    words = " ".join(body.split(" ", 1)[1] for body in bodies)  # without the "(i/n)" prefixes
    assert words == LONG_HINDI  # split between words only: no Devanagari cluster is cut


def recorded(message_sid: str, expected: tuple[str, str | None] | None) -> Callable[[Result], None]:
    def check(result: Result) -> None:
        assert status_of(message_sid) == expected

    return check


def only_the_first_twenty_passed(result: Result) -> None:
    assert [r.status_code for r in result.before_responses] == [200] * len(result.before_responses)
    assert [m.text for m in result.rasa[:20]] == [f"hello {i}" for i in range(20)]
    assert len(result.rasa) == 20
    # One slow-down notice when the limit is crossed, and nothing after it.
    assert [m["body"] for m in result.sent[20:]] == [reply_text("notice.slow_down", "en")]


def refused_as_json(reason: str) -> Callable[[Result], None]:
    def check(result: Result) -> None:
        assert result.response.json()["error"] == reason

    return check


def stored_rows() -> int:
    """Everything a request could have left in the store: a seen MessageSid, a contact, a delivery status."""
    with session_scope() as session:
        return sum(len(session.execute(select(model)).all()) for model in (InboundSeen, Contact, OutboundStatus))


def refused_before_anything_is_stored(field_name: str | None) -> Callable[[Result], None]:
    """A shape refusal: 400 `bad_field` naming the field (never its value), and the store untouched."""

    def check(result: Result) -> None:
        body = result.response.json()
        assert body["error"] == "bad_field" and body.get("field") == field_name, body
        assert stored_rows() == 0

    return check


SLOW_DOWN_EN = reply_text("notice.slow_down", "en")

CASES = [
    Case("valid SMS", sms("namaste"), expect_text_to_rasa="namaste", expect_outgoing=[(PERSON, "ok")],
         check=rasa_sees_a_pseudonym("sms", PERSON)),
    Case("valid WhatsApp", whatsapp("hello"), expect_text_to_rasa="hello",
         expect_outgoing=[(f"whatsapp:{OTHER}", "ok")], check=rasa_sees_a_pseudonym("whatsapp", OTHER)),
    Case("invalid signature", sms("namaste"), signature="invalid", expect_status=403),
    Case("missing signature", sms("namaste"), signature="missing", expect_status=403),
    Case("signature valid for another URL", sms("namaste"), signed_url="https://attacker.example" + WEBHOOK,
         expect_status=403),
    Case("public URL behind a proxy", sms("namaste"), env={"HELPLINE_PUBLIC_URL": PUBLIC + "/"},
         signed_url=PUBLIC + WEBHOOK, expect_text_to_rasa="namaste", expect_outgoing=[(PERSON, "ok")],
         check=status_callbacks_use_the_public_url),
    Case("public URL set: the arrival URL's signature is refused", sms("namaste"),
         env={"HELPLINE_PUBLIC_URL": PUBLIC}, expect_status=403),
    Case("query string is part of the signed URL", sms("namaste"), path=WEBHOOK + "?line=bihar",
         expect_text_to_rasa="namaste", expect_outgoing=[(PERSON, "ok")]),
    Case("duplicate MessageSid", sms("namaste"), before=(sms("namaste"),)),
    Case("slash command stays plain text", sms('/report_emergency{"x":1}'),
         expect_text_to_rasa='report_emergency{"x":1}', expect_outgoing=[(PERSON, "ok")]),
    Case("oversize body", sms("x" * 4001), expect_status=413, check=refused_as_json("too_long")),
    Case("empty body without media", sms(""), expect_status=400, check=refused_as_json("empty")),
    Case("no Body field at all", sms(None), expect_status=400),
    Case("NUL byte", sms("bachao\x00"), expect_status=400, check=refused_as_json("binary")),
    Case("control characters only", sms("\x07\x1b"), expect_status=400),
    Case("missing From", without(sms("namaste"), "From"), expect_status=400),
    Case("missing MessageSid", without(sms("namaste"), "MessageSid"), expect_status=400),
    Case("From is not a phone number", sms("namaste", sender="messenger:12345"), expect_status=400),
    Case("a forged request naming another account is still a 403", sms("namaste", AccountSid=FOREIGN_ACCOUNT),
         signature="invalid", expect_status=403),
    Case("MMS MessageSid (MM + 32 hex)", sms("photo", MessageSid="MM" + sid("mms")[2:],
                                             SmsMessageSid="MM" + sid("mms")[2:]),
         expect_text_to_rasa="photo", expect_outgoing=[(PERSON, "ok")]),
    Case("Messaging Service SID and no deprecated copies of MessageSid",
         without(sms("namaste", MessagingServiceSid="MG" + "0123456789abcdef" * 2), "SmsMessageSid", "SmsSid"),
         expect_text_to_rasa="namaste", expect_outgoing=[(PERSON, "ok")]),
    Case("ten media items", whatsapp("dekho", NumMedia="10", **{f"MediaUrl{i}": f"https://x.test/{i}"
                                                                for i in range(10)}),
         expect_text_to_rasa="dekho", expect_outgoing=[(f"whatsapp:{OTHER}", "ok")]),
    Case("location pin without text",
         whatsapp("", Latitude="25.5941", Longitude="85.1376", Address="Patna", Label="ghar"),
         expect_outgoing=[(f"whatsapp:{OTHER}", reply_text("notice.location_alone", "hi"))]),
    Case("location out of range", whatsapp("", Latitude="95", Longitude="85.1"), expect_status=400),
    Case("voice note", whatsapp(None, NumMedia="1", MediaContentType0="audio/ogg",
                                MediaUrl0=f"https://api.twilio.com/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages/"
                                          f"MM{sid(1)[2:]}/Media/ME{'0' * 32}"),
         expect_outgoing=[(f"whatsapp:{OTHER}", reply_text("notice.media", "hi"))]),
    Case("photo with a caption: the caption goes to Rasa",
         whatsapp("yeh wahi dalal hai", NumMedia="1", MediaContentType0="image/jpeg", MediaUrl0="https://x.test/1"),
         expect_text_to_rasa="yeh wahi dalal hai", expect_outgoing=[(f"whatsapp:{OTHER}", "ok")]),
    Case("long Hindi reply is split into SMS parts", sms("मुझे पैसे के बारे में बताइए"), rasa_reply=LONG_HINDI,
         expect_text_to_rasa="मुझे पैसे के बारे में बताइए",
         expect_outgoing=[(PERSON, f"({i}/{len(split_for_sms(LONG_HINDI))})")
                          for i in range(1, len(split_for_sms(LONG_HINDI)) + 1)],
         check=parts_fit_two_segments),
    Case("registered NGO acknowledging an unknown report", sms("OK 1234567", sender=NGO), ngo_directory=True,
         expect_outgoing=[(NGO, "1234567")]),
    Case("rate limit: the 21st quick message gets the slow-down notice", sms("hello again"), before=flood(20),
         expect_outgoing=[(PERSON, SLOW_DOWN_EN)], check=only_the_first_twenty_passed),
    Case("rate limit: after the notice, silence (a flood must not cost a flood of SMS)", sms("hello again"),
         before=flood(24), expect_outgoing=[], check=only_the_first_twenty_passed),
    Case("rate limit: an emergency still reaches Rasa", sms("bachao, maar rahe hai"), before=flood(25),
         expect_text_to_rasa="bachao, maar rahe hai", expect_outgoing=[(PERSON, "ok")]),
    Case("a reply that cannot be delivered fails quietly", sms("namaste", sender=UNREACHABLE),
         expect_text_to_rasa="namaste"),
    Case("not form-encoded (JSON)", sms("namaste"), content_type="application/json", expect_status=400),
    Case("status callback recorded", status_callback(sid("out-1"), "delivered"), path=STATUS,
         check=recorded(sid("out-1"), ("delivered", None))),
    Case("status callback with an error code", status_callback(sid("out-2"), "undelivered", "30003"), path=STATUS,
         check=recorded(sid("out-2"), ("undelivered", "30003"))),
    Case("status callback with an invalid signature", status_callback(sid("out-3"), "delivered"), path=STATUS,
         signature="invalid", expect_status=403, check=recorded(sid("out-3"), None)),
    Case("status callback without MessageStatus", without(status_callback(sid("out-4"), "sent"), "MessageStatus"),
         path=STATUS, expect_status=400),
    Case("channel off without credentials", sms("namaste"), env={"TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""},
         expect_status=503, check=refused_as_json("channel_off")),
    Case("status callback while the channel is off", status_callback(sid("out-5"), "sent"), path=STATUS,
         env={"TWILIO_AUTH_TOKEN": ""}, expect_status=503),
]


# --- field shapes ---------------------------------------------------------------------------------------------------
# For every field the channel reads and Twilio defines: each kind of wrong value (None: the field is left out), on
# the endpoint that reads it. Each row must be refused with 400 `bad_field` naming that field, nothing reaching
# Rasa, Twilio or the store. The base requests are the valid ones above ("valid SMS", "status callback recorded").

HEX = "0123456789abcdef" * 2  # 32 lower-case hex digits
SID = sid("shape")
MISSING = None

SID_VALUES = [("empty", ""), ("wrong prefix (AC)", "AC" + HEX), ("wrong prefix (MG)", "MG" + HEX),
              ("lower-case prefix", "sm" + HEX), ("31 hex digits", "SM" + HEX[:31]),
              ("33 hex digits", "SM" + HEX + "0"),
              ("upper-case hex", "SM" + HEX.upper()), ("not hex", "SM" + "g" * 32), ("leading space", " " + SID),
              ("trailing newline", SID + "\n"), ("field boundary shifted into it", SID + "NumMedia0"),
              ("64 characters (what the old check allowed)", "SM" + "a" * 62)]
ADDRESS_VALUES = [("empty", ""), ("without +", PERSON[1:]), ("with letters", "+1500555ABCD"),
                  ("country code 0", "+05005550020"), ("6 digits", "+150055"), ("16 digits", "+1500555002012345"),
                  ("spaces", "+1 500 555 0020"), ("dashes", "+1-500-555-0020"), ("trailing newline", PERSON + "\n"),
                  ("Devanagari digits", "+१५००५५५००२०"), ("bare whatsapp:", "whatsapp:"),
                  ("whatsapp: without +", "whatsapp:" + PERSON[1:]), ("upper-case WhatsApp:", "WhatsApp:" + PERSON),
                  ("another channel's prefix", "messenger:" + PERSON), ("double prefix", "whatsapp:whatsapp:" + PERSON)]
BAD_VALUES: dict[str, list[tuple[str, str | None]]] = {
    "MessageSid": [("missing", MISSING), *SID_VALUES],
    "SmsMessageSid": [*SID_VALUES, ("another message's id", sid("another"))],
    "SmsSid": [*SID_VALUES, ("another message's id", sid("another"))],
    "AccountSid": [("missing", MISSING), ("empty", ""), ("another account", FOREIGN_ACCOUNT),
                   ("lower-case prefix", "ac" + TEST_ACCOUNT_SID[2:]), ("upper-case hex", "AC" + HEX.upper()),
                   ("31 hex digits", TEST_ACCOUNT_SID[:-1]),
                   ("33 hex digits", TEST_ACCOUNT_SID + "1"), ("wrong prefix", "SM" + TEST_ACCOUNT_SID[2:]),
                   ("field boundary shifted into it", TEST_ACCOUNT_SID + "ApiVersion2010-04-01")],
    "MessagingServiceSid": [("empty", ""), ("wrong prefix", "SM" + HEX), ("31 hex digits", "MG" + HEX[:31]),
                            ("upper-case hex", "MG" + HEX.upper())],
    "NumMedia": [("missing", MISSING), ("empty", ""), ("-1", "-1"), ("99", "99"), ("11", "11"), ("100", "100"),
                 ("1e3", "1e3"), ("leading space", " 1"), ("trailing space", "1 "), ("+1", "+1"), ("1.0", "1.0"),
                 ("Devanagari digit", "१"), ("field boundary shifted into it", "0NumSegments1")],
    "From": [("missing", MISSING), *ADDRESS_VALUES],
    "To": [("missing", MISSING), *ADDRESS_VALUES],
}
STATUS_BAD_VALUES: dict[str, list[tuple[str, str | None]]] = {
    "MessageSid": [("missing", MISSING), *SID_VALUES],
    "SmsSid": [*SID_VALUES, ("another message's id", sid("another"))],
    "AccountSid": BAD_VALUES["AccountSid"],
    "MessagingServiceSid": BAD_VALUES["MessagingServiceSid"],
    "From": ADDRESS_VALUES,
    "To": ADDRESS_VALUES,
    "MessageStatus": [("missing", MISSING), ("empty", ""), ("upper-case", "DELIVERED"), ("digits", "200"),
                      ("field boundary shifted into it", "deliveredSmsSid" + SID)],
    "ErrorCode": [("letters", "ERR"), ("leading space", " 30003"), ("negative", "-1"), ("17 digits", "1" * 17)],
}


def with_value(params: dict[str, str], name: str, value: str | None) -> dict[str, str]:
    return without(params, name) if value is None else {**params, name: value}


SHAPE_CASES = [
    *(Case(f"message {name}: {label}", with_value(sms("namaste", n="shape"), name, value), expect_status=400,
           check=refused_before_anything_is_stored(name))
      for name, values in BAD_VALUES.items() for label, value in values),
    *(Case(f"status callback {name}: {label}", with_value(status_callback(SID, "delivered"), name, value),
           path=STATUS, expect_status=400, check=refused_before_anything_is_stored(name))
      for name, values in STATUS_BAD_VALUES.items() for label, value in values),
    # Fields that are each well shaped, but not together.
    Case("message From on WhatsApp, To on SMS", whatsapp("hello", n="shape", To=HELPLINE), expect_status=400,
         check=refused_before_anything_is_stored("To")),
    Case("message From on SMS, To on WhatsApp", sms("hello", n="shape", To=f"whatsapp:{HELPLINE}"),
         expect_status=400, check=refused_before_anything_is_stored("To")),
    Case("status callback From on WhatsApp, To on SMS",
         status_callback(SID, "delivered") | {"From": f"whatsapp:{HELPLINE}"}, path=STATUS, expect_status=400,
         check=refused_before_anything_is_stored("To")),
    # The form itself: a field sent twice, a field name Twilio never uses (what re-cutting a Body would produce).
    *(Case(f"message {name} sent twice", repeated(sms("namaste", n="shape"), name, value), expect_status=400,
           check=refused_before_anything_is_stored(name))
      for name, value in [("MessageSid", sid("twice")), ("From", OTHER), ("Body", "namaste"), ("NumMedia", "0")]),
    Case("status callback MessageStatus sent twice", repeated(status_callback(SID, "failed"), "MessageStatus",
                                                               "delivered"),
         path=STATUS, expect_status=400, check=refused_before_anything_is_stored("MessageStatus")),
    *(Case(f"message field name {label}", sms("namaste", n="shape", **{name: ""}), expect_status=400,
           check=refused_before_anything_is_stored(None))
      for label, name in [("with + and digits", "From+15005550021"), ("with a colon", "Fromwhatsapp:"),
                          ("with a space", "Media Url0"), ("starting with a digit", "0Body"), ("empty", "")]),
]


# --- the harness --------------------------------------------------------------------------------------------------


class RecordingRasa:
    """Stands in for Rasa's `on_new_message`: records the message and answers through the output channel."""

    def __init__(self, reply: str = "ok") -> None:
        self.reply = reply
        self.messages: list[UserMessage] = []

    async def __call__(self, message: UserMessage) -> None:
        self.messages.append(message)
        await message.output_channel.send_text_message(message.sender_id, self.reply)


def signature_for(url: str, params: dict[str, str]) -> str:
    return RequestValidator(TEST_AUTH_TOKEN).compute_signature(url, params)


def headers_for(mode: str, url: str, params: dict[str, str], content_type: str = FORM) -> dict[str, str]:
    headers = {"Content-Type": content_type, "User-Agent": "TwilioProxy/1.1"}
    if mode == "valid":
        headers["X-Twilio-Signature"] = signature_for(url, params)
    elif mode == "invalid":
        headers["X-Twilio-Signature"] = signature_for(url, {**params, "Body": "something else"})
    return headers


class Harness:
    """One Sanic app with the channel's blueprint, mounted where Rasa mounts it, and an httpx client for it."""

    def __init__(self, on_new_message: RecordingRasa, base_url: str = BASE) -> None:
        self.channel = TwilioInput.from_credentials({})
        self.app = Sanic(f"twilio_test_{uuid.uuid4().hex}")
        self.app.blueprint(self.channel.blueprint(on_new_message), url_prefix="/webhooks/twilio")
        self.base_url = base_url
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Harness:
        await self.app._startup()  # what the ASGI lifespan "startup" does; httpx's transport sends no lifespan
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=self.base_url)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._client is not None
        await self._client.aclose()

    async def post(self, path: str, params: dict[str, str], signature: str = "valid",
                   signed_url: str | None = None, content_type: str = FORM) -> httpx.Response:
        assert self._client is not None
        url = signed_url or self.base_url + path
        body = urlencode(params, doseq=True) if content_type == FORM else json.dumps(params)
        return await self._client.post(path, content=body.encode(),
                                       headers=headers_for(signature, url, params, content_type))

    async def raw(self, path: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
        assert self._client is not None
        return await self._client.post(path, content=content, headers=headers)


@pytest.fixture(autouse=True)
def sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sanic rewrites its own HTTP methods at start-up ("TouchUp"); in test mode it keeps the originals, so that
    many apps can start in one process."""
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def twilio(helpline_env: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    """FakeTwilio, and settings pointing the channel at it (SQLite store under a fresh var/)."""
    with FakeTwilio() as fake:
        configure(monkeypatch, fake)
        yield fake


def configure(monkeypatch: pytest.MonkeyPatch, fake: FakeTwilio, **extra: str) -> None:
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", TEST_ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TEST_AUTH_TOKEN)
    monkeypatch.setenv("TWILIO_SMS_FROM", HELPLINE)
    monkeypatch.setenv("TWILIO_WHATSAPP_FROM", HELPLINE)
    monkeypatch.setenv("HELPLINE_TWILIO_API_BASE", fake.url)
    monkeypatch.delenv("HELPLINE_PUBLIC_URL", raising=False)
    monkeypatch.delenv("HELPLINE_REDIS_URL", raising=False)
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    _reset_caches()
    # The flood counter, in memory, on a clock that stands still: a real minute boundary would reset the count.
    limiter = RateLimiter(get_settings().rate_limit_per_minute, clock=lambda: 1_800_000_000.0)
    monkeypatch.setattr(gate, "_limiter", lambda: limiter)


@pytest.mark.parametrize("case", CASES + SHAPE_CASES, ids=lambda case: case.label)
def test_webhook(case: Case, twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, twilio, **case.env)
    if case.ngo_directory:
        import_sample()
    rasa = RecordingRasa(case.rasa_reply)

    async def run() -> Result:
        async with Harness(rasa) as harness:
            before = [await harness.post(WEBHOOK, params) for params in case.before]
            seen, sent = len(rasa.messages), len(twilio.messages)
            response = await harness.post(case.path, case.params, case.signature, case.signed_url,
                                          case.content_type)
        result = Result(response, list(rasa.messages), twilio.messages, before)
        assert response.status_code == case.expect_status, response.text
        new_texts = [m.text for m in rasa.messages[seen:]]
        assert new_texts == ([case.expect_text_to_rasa] if case.expect_text_to_rasa is not None else [])
        outgoing = result.sent[sent:]
        assert [m["to"] for m in outgoing] == [to for to, _ in case.expect_outgoing]
        for message, (_, expected) in zip(outgoing, case.expect_outgoing, strict=True):
            assert expected in message["body"]
        return result

    result = asyncio.run(run())
    if case.check is not None:
        case.check(result)


def test_a_re_cut_signed_request_is_refused(twilio: FakeTwilio) -> None:
    """Issue 10: Twilio signs URL + name1 + value1 + name2 + value2 ... (names sorted) with no separators, so moving
    a field boundary keeps the signature. A captured message with `MessageSid=SM<32 hex>` and `NumMedia=0`, re-cut
    as `MessageSid=SM<32 hex>NumMedia0` with NumMedia removed, verifies, but names a message id the duplicate check
    has never seen. It must be refused (400), and the genuine message processed once."""
    original = sms("namaste", n="replayed")
    assert "MessagingServiceSid" not in original  # nothing sorts between MessageSid and NumMedia in this form
    shifted = without({**original, "MessageSid": original["MessageSid"] + "NumMedia" + original["NumMedia"]},
                      "NumMedia")
    url = BASE + WEBHOOK
    signature = signature_for(url, original)
    # The attack is real: the signature Twilio made for the original is valid for the re-cut form.
    assert RequestValidator(TEST_AUTH_TOKEN).validate(url, shifted, signature)
    assert shifted["MessageSid"] != original["MessageSid"]
    rasa = RecordingRasa()

    async def run() -> list[httpx.Response]:
        async with Harness(rasa) as harness:
            answers = []
            for form in (original, shifted, original):  # the genuine one, the re-cut replay, Twilio's redelivery
                answers.append(await harness.raw(WEBHOOK, urlencode(form).encode(),
                                                 {"Content-Type": FORM, "X-Twilio-Signature": signature}))
            return answers

    first, replay, redelivery = asyncio.run(run())
    assert (first.status_code, replay.status_code, redelivery.status_code) == (200, 400, 200)
    assert replay.json() == {"error": "bad_field", "field": "MessageSid",
                             "detail": "MessageSid does not have the shape Twilio gives it"}
    assert [m.text for m in rasa.messages] == ["namaste"]  # processed once
    assert [m["body"] for m in twilio.messages] == ["ok"]
    with session_scope() as session:
        assert [row.provider_id for row in session.execute(select(InboundSeen)).scalars()] == [original["MessageSid"]]


def test_health_says_whether_the_channel_is_on(twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch) -> None:
    async def health() -> int:
        async with Harness(RecordingRasa()) as harness:
            assert harness._client is not None
            return (await harness._client.get("/webhooks/twilio/")).status_code

    assert asyncio.run(health()) == 200
    configure(monkeypatch, twilio, TWILIO_ACCOUNT_SID="")
    assert asyncio.run(health()) == 503


def test_a_message_rasa_replies_to_twice_goes_out_in_order(twilio: FakeTwilio) -> None:
    """Rasa sends several messages per turn (greeting, then menu); each is its own SMS, in order."""

    class TwoReplies(RecordingRasa):
        async def __call__(self, message: UserMessage) -> None:
            self.messages.append(message)
            for text in ("first", "second", "third"):
                await message.output_channel.send_text_message(message.sender_id, text)

    async def run() -> None:
        async with Harness(TwoReplies()) as harness:
            assert (await harness.post(WEBHOOK, sms("namaste"))).status_code == 200

    asyncio.run(run())
    assert [m["body"] for m in twilio.messages] == ["first", "second", "third"]


def test_a_failing_dialogue_is_a_500_and_logs_carry_no_number_and_no_text(
    twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    """Logs never carry a phone number or message text: not when all goes well, not when a reply cannot be sent,
    not when a request is refused, not when the dialogue raises with the text in its message."""
    secret = "Ramesh dalal ne Rampur se bachche liye"

    class FailingRasa(RecordingRasa):
        async def __call__(self, message: UserMessage) -> None:
            raise RuntimeError(f"cannot handle {message.text!r} from {PERSON}")

    async def run() -> list[int]:
        statuses = []
        async with Harness(RecordingRasa()) as harness:
            statuses.append((await harness.post(WEBHOOK, sms(secret, n="log-1"))).status_code)
            statuses.append((await harness.post(WEBHOOK, sms(secret, sender=UNREACHABLE, n="log-2"))).status_code)
            statuses.append((await harness.post(WEBHOOK, sms(secret, n="log-3"), "invalid")).status_code)
            statuses.append((await harness.post(WEBHOOK, whatsapp(None, NumMedia="1", MediaUrl0="https://x.test/a",
                                                                   MediaContentType0="audio/ogg"))).status_code)
        async with Harness(FailingRasa()) as harness:
            statuses.append((await harness.post(WEBHOOK, sms(secret, n="log-4"))).status_code)
        return statuses

    caplog.set_level(logging.DEBUG)
    assert asyncio.run(run()) == [200, 200, 403, 200, 500]
    assert caplog.text  # something was logged ...
    for private in (PERSON, PERSON[1:], OTHER[1:], UNREACHABLE[1:], secret, "Rampur", "x.test"):
        assert private not in caplog.text  # ... but nothing private


# --- the output channel alone ---------------------------------------------------------------------------------------


def test_whatsapp_buttons_become_numbered_lines(twilio: FakeTwilio) -> None:
    channel = TwilioInput.from_credentials(None)
    output = TwilioOutput(channel.sender, "whatsapp", OTHER, HELPLINE)
    buttons = [{"title": "Haan", "payload": "/affirm"}, {"title": "Nahi", "payload": "/deny"}]
    asyncio.run(output.send_text_with_buttons("pseudonym", "Kya hum aapko call karein?", buttons))
    [message] = twilio.messages
    assert message["to"] == f"whatsapp:{OTHER}" and message["from"] == f"whatsapp:{HELPLINE}"
    assert message["body"] == "Kya hum aapko call karein?\n1. Haan\n2. Nahi"


def test_a_long_whatsapp_reply_is_split_at_1600_characters(twilio: FakeTwilio) -> None:
    text = " ".join(["बच्चा"] * 700)  # 4199 characters: one SMS part could never hold it, WhatsApp needs three
    parts = split_for_whatsapp(text)
    assert len(parts) == 3 and all(len(part) <= 1600 for part in parts)
    output = TwilioOutput(TwilioInput.from_credentials(None).sender, "whatsapp", OTHER)
    asyncio.run(output.send_text_message("pseudonym", text))
    assert [m["body"] for m in twilio.messages] == parts
    assert [m["body"][:6] for m in twilio.messages] == ["(1/3) ", "(2/3) ", "(3/3) "]


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_urdu_replies_go_out_right_to_left_and_within_two_segments(twilio: FakeTwilio, channel: str) -> None:
    """What Twilio is handed for an Urdu reply: a line that starts with a Latin word or a number gets an RLM (else
    phones lay it out left to right), "Hindi (Roman)" keeps its bracket (LRM), the Urdu lines are untouched, and
    each SMS part still fits two UCS-2 segments with its marks."""
    output = TwilioOutput(TwilioInput.from_credentials(None).sender, channel, OTHER)
    menu = "اپنی زبان چنیں:\n3 Hindi (Roman)\nstatus 4829317 بھیجیں"
    asyncio.run(output.send_text_message("pseudonym", menu))
    [message] = twilio.messages
    lines = message["body"].split("\n")
    assert lines[0] == "اپنی زبان چنیں:"  # starts with Urdu: no mark needed
    assert lines[1] == "\u200f3 Hindi (Roman)\u200e"
    assert lines[2] == "\u200fstatus 4829317 بھیجیں"
    long_urdu = " ".join(["بچہ 112"] * 60)
    asyncio.run(output.send_text_message("pseudonym", long_urdu))
    bodies = [m["body"] for m in twilio.messages[1:]]
    if channel == "sms":  # "(1/4) بچہ 112 ...": the first letter is Urdu, so the part is right to left as it is
        assert len(bodies) == 4 and all(segments(b) <= 2 and b.startswith("(") for b in bodies)
    else:
        assert bodies == [long_urdu]


def test_hindi_replies_are_sent_unchanged(twilio: FakeTwilio) -> None:
    output = TwilioOutput(TwilioInput.from_credentials(None).sender, "sms", OTHER)
    asyncio.run(output.send_text_message("pseudonym", reply_text("utter_ask_language", "hi")))
    [message] = twilio.messages
    # the one Urdu word of the language menu gets an LRM, so "6" stays on the left like the other numbers
    assert message["body"] == reply_text("utter_ask_language", "hi").replace("\n6 اردو", "\n\u200e6 اردو")


def test_messages_rasa_starts_itself_find_the_address_from_the_pseudonym(twilio: FakeTwilio) -> None:
    """`trigger_intent` through Rasa's HTTP API uses `get_output_channel()`: no inbound message, only the id."""
    with session_scope() as session:
        conversation_id = contacts.remember_inbound(session, "sms", PERSON)
    output = TwilioInput.from_credentials(None).get_output_channel()
    assert output is not None
    asyncio.run(output.send_text_message(conversation_id, "reminder"))
    asyncio.run(output.send_text_message("someone-the-store-does-not-know", "lost"))
    assert [(m["to"], m["from"], m["body"]) for m in twilio.messages] == [(PERSON, HELPLINE, "reminder")]


# --- status callbacks and report forwards -----------------------------------------------------------------------------


def test_undelivered_forward_goes_to_the_ngos_next_contact(twilio: FakeTwilio) -> None:
    """Twilio accepted a forward to an NGO's WhatsApp, then could not deliver it: its SMS number is tried next."""
    import_sample()
    # The status callback arrives over HTTP and is handled on the system clock: the test clock starts there too.
    clock = ManualClock(SystemClock().now())
    with session_scope() as session:
        # the NGO wrote lately: WhatsApp's 24-hour window is open
        contacts.remember_inbound(session, "whatsapp", NGO, clock.now())
    file_report(clock, destination=None, district="Patna")  # Patna's NGO: WhatsApp first, then SMS
    worker = DeliveryWorker(build_senders(), NoTranslator(), clock)
    assert run_report_jobs(worker) == 1
    [forward] = twilio.messages
    assert forward["to"] == f"whatsapp:{NGO}"

    async def callback() -> int:
        async with Harness(RecordingRasa()) as harness:
            return (await harness.post(STATUS, status_callback(forward["sid"], "undelivered", "63016"))).status_code

    assert asyncio.run(callback()) == 200
    assert status_of(forward["sid"]) == ("undelivered", "63016")
    # The callback queued the next contact at the system time it was handled, however long that took under load:
    # the test clock moves past it (not just one second on), so nothing here depends on how fast the machine is.
    clock.advance(seconds=max(1.0, (SystemClock().now() - clock.now()).total_seconds() + 1))
    assert run_report_jobs(worker) == 1
    assert [m["to"] for m in twilio.messages] == [f"whatsapp:{NGO}", NGO]
    with session_scope() as session:
        statuses = [d.status for d in session.execute(select(Delivery).order_by(Delivery.id)).scalars()]
    assert statuses == ["dead", "sent"]


def test_on_postgresql_duplicates_and_statuses_use_the_same_store(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dedupe table and the status table on both databases the helpline runs on."""
    with FakeTwilio() as fake:
        configure(monkeypatch, fake, HELPLINE_DATABASE_URL=store_url)
        rasa = RecordingRasa()

        async def run() -> list[int]:
            async with Harness(rasa) as harness:
                return [
                    (await harness.post(WEBHOOK, sms("namaste", n="pg"))).status_code,
                    (await harness.post(WEBHOOK, sms("namaste", n="pg"))).status_code,
                    (await harness.post(STATUS, status_callback(sid("pg-out"), "read"))).status_code,
                ]

        assert asyncio.run(run()) == [200, 200, 200]
        assert [m.text for m in rasa.messages] == ["namaste"] and len(fake.messages) == 1
        assert status_of(sid("pg-out")) == ("read", None)


# --- fuzz -------------------------------------------------------------------------------------------------------------

FIELD_NAMES = ["MessageSid", "AccountSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0",
               "MediaUrl1", "Latitude", "Longitude", "Address", "Label", "MessageStatus", "ErrorCode", "SmsSid"]
INTERESTING = ["", " ", "0", "1", "99999999999999999999", "-1", "nan", "inf", "1e400", "whatsapp:", "whatsapp:+1",
               "+15005550020", "whatsapp:+15005550020", TEST_ACCOUNT_SID, FOREIGN_ACCOUNT, "failed", "undelivered",
               "/start", "\x00", "\ud7ff", "बचाओ", "audio/ogg", "image/", sid("fuzz"), "x" * 4100, "OK 1234567"]
CONTENT_TYPES = ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
                 "application/json", "text/plain", "multipart/form-data; boundary=xyz", "", "application/xml"]

field_values = st.one_of(st.sampled_from(INTERESTING), st.text(max_size=40))
# Mostly a genuine message (so that examples get past the signature into the gate and the output channel), then
# fields changed, added or removed at random.
bodies = st.sampled_from(["namaste", "bachao maar rahe hai", "/start", "OK 1234567", "मेरा बेटा"]) | field_values
numbers = st.integers(0, 10**9)
genuine = st.one_of(  # (where Twilio would post it, the form)
    st.builds(lambda n, body: (WEBHOOK, sms(body, n=f"fuzz-{n}")), numbers, bodies),
    st.builds(lambda n, body: (WEBHOOK, whatsapp(body, n=f"fuzz-{n}")), numbers, bodies),
    st.builds(lambda n, state: (STATUS, status_callback(sid(f"fuzz-out-{n}"), state)), numbers,
              st.sampled_from(["sent", "delivered", "failed", "undelivered", "read"]) | field_values),
    st.tuples(st.sampled_from([WEBHOOK, STATUS]), st.just({})),
)
changes = st.just({}) | st.just({}) | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=12),
                                                       field_values, max_size=4)
removals = st.just(set()) | st.just(set()) | st.sets(st.sampled_from(FIELD_NAMES), max_size=2)
requests = st.tuples(genuine, changes, removals, st.sampled_from([None] * 6 + [WEBHOOK, STATUS, WEBHOOK + "?x=1"])).map(
    lambda t: (t[3] or t[0][0], {k: v for k, v in {**t[0][1], **t[1]}.items() if k not in t[2]})
)
extra_headers = st.dictionaries(
    st.sampled_from(["X-Forwarded-For", "X-Forwarded-Proto", "Forwarded", "Accept", "I-Twilio-Idempotency-Token",
                     "X-Home-Region", "User-Agent", "X-Twilio-Signature"]) | st.from_regex(r"X-[A-Za-z0-9-]{1,20}",
                                                                                            fullmatch=True),
    st.from_regex(r"[ -~]{0,40}", fullmatch=True), max_size=4,
)


@settings(max_examples=150, deadline=None, database=None,  # database=None: no example files left in the tree
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    request=requests,
    raw=st.none() | st.none() | st.none() | st.binary(max_size=300),
    content_type=st.sampled_from([FORM] * 3 * len(CONTENT_TYPES) + CONTENT_TYPES),
    signing=st.sampled_from(["valid", "valid", "valid", "invalid", "missing", "garbage"]),
    headers=extra_headers,
)
def test_fuzz_never_a_server_error(twilio: FakeTwilio, request: tuple[str, dict[str, str]], raw: bytes | None,
                                   content_type: str, signing: str, headers: dict[str, str]) -> None:
    path, form = request
    body = raw if raw is not None else urlencode(form).encode()
    sent_headers = {**headers, "Content-Type": content_type}
    if signing == "valid":
        sent_headers["X-Twilio-Signature"] = signature_for(BASE + path, form)
    elif signing == "invalid":
        sent_headers["X-Twilio-Signature"] = signature_for(BASE + path, {**form, "Tampered": "1"})
    elif signing == "garbage":
        sent_headers["X-Twilio-Signature"] = "\t=="

    async def run() -> httpx.Response:
        async with Harness(RecordingRasa()) as harness:
            return await harness.raw(path, body, sent_headers)

    response = asyncio.run(run())
    # pytest --hypothesis-show-statistics shows how far the examples got (200s reached the gate and the sender).
    reason = response.json().get("error") if response.headers["content-type"].startswith("application/json") else ""
    event(f"HTTP {response.status_code} {reason}")
    assert response.status_code < 500, response.text


def test_a_whatsapp_check_in_after_24_hours_of_silence_goes_by_sms(twilio: FakeTwilio) -> None:
    """WhatsApp refuses free text a business starts outside the 24-hour window: Rasa-started messages (check-ins)
    to a family that has not written for a day go to the same number by SMS; inside the window, by WhatsApp."""
    with session_scope() as session:
        quiet = contacts.remember_inbound(session, "whatsapp", PERSON, datetime.now(timezone.utc) - timedelta(hours=25))
    with session_scope() as session:
        recent = contacts.remember_inbound(session, "whatsapp", OTHER)
    output = TwilioInput.from_credentials(None).get_output_channel()
    assert output is not None
    asyncio.run(output.send_text_message(quiet, "check-in"))
    asyncio.run(output.send_text_message(recent, "check-in"))
    assert [(m["to"], m["from"]) for m in twilio.messages] == [(PERSON, HELPLINE),
                                                                (f"whatsapp:{OTHER}", f"whatsapp:{HELPLINE}")]
