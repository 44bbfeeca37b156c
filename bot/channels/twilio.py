"""Twilio SMS and WhatsApp as a Rasa input channel (`/webhooks/twilio/...`).

Families write from cheap phones by SMS or WhatsApp; Twilio posts each message here. Why it looks the way it does:

- Anyone can POST to a public URL, so nothing is processed unless `X-Twilio-Signature` is Twilio's HMAC of the URL
  Twilio called and the form, made with our auth token, and the message names our account. Behind a proxy or tunnel
  the URL Twilio called is not the one this server sees: set HELPLINE_PUBLIC_URL.
- A valid signature is not enough: Twilio signs the field names and values run together without separators, so a
  captured request can be re-cut (`MessageSid=SM<32 hex>NumMedia0`, NumMedia removed) and still verify. Every field
  we read must therefore have exactly the shape Twilio gives it (FIELDS below; 400 otherwise), checked before any
  state changes: no duplicate record, no contact, no Rasa, no status row.
- The form is parsed here, not by Sanic: Sanic drops blank fields (Twilio signs them, e.g. an empty Body with a
  photo) and silently replaces bad UTF-8; both would make a genuine request fail or a forged one look different.
- Every message goes through `bot.channels.gate.admit` (duplicates, NGO commands, media, location, flood limit);
  only a `dialogue` decision reaches Rasa, as plain text and under the sender's pseudonym, never the phone number.
- Replies go out through Twilio's REST API (the real `twilio` SDK, via `bot.delivery.senders.TwilioSender`), not as
  TwiML in the webhook answer: an SMS reply is split into numbered parts of at most two segments each, which TwiML
  cannot do, and every message gets a status callback so failures are seen. The webhook answers an empty
  `<Response/>`.
- Logs carry the decision and the channel only: never a number, a message text or a media URL.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any, Dict, List, TypeVar
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from bot.channels.gate import Decision, Inbound, Media, address_of, admit, release
from bot.channels.inbound import InboundTextError, clean_text
from bot.channels.notices import failure_replies
from bot.clock import as_utc
from bot.delivery.senders import DeliveryError, TwilioSender, twilio_status_callback
from bot.rasa_telemetry import ensure_off as ensure_telemetry_off
from bot.reports.worker import WHATSAPP_WINDOW, provider_failed  # re-queues a forward Twilio could not deliver
from bot.settings import Settings, get_settings
from bot.sms import split_for_sms
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.inbound import record_status

logger = logging.getLogger(__name__)

T = TypeVar("T")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
WHATSAPP_MAX_CHARS = 1600  # Twilio refuses longer WhatsApp bodies (error 21617)
MAX_MEDIA = 10  # Twilio passes at most 10 media items per message
MAX_FORM_FIELDS = 200  # a real webhook has about 20-40; more is not Twilio
REPLY_TIMEOUT_SECONDS = 5.0  # per API call: Twilio waits 15 s for the webhook answer, and replies are sent before it
FAILED_STATUSES = ("failed", "undelivered")

# --- the shape of every field we read -------------------------------------------------------------------------------
# A SID is two letters and 32 hex digits (twilio.com/docs/glossary/what-is-a-sid). Twilio generates them in lower
# case (its error 90001 names the range 0-9 and a-f, and every SID it shows is lower case); the OpenAPI pattern
# `[0-9a-fA-F]` is what its API accepts as input. We take only what Twilio sends: an upper-case SID is not Twilio's.
_MESSAGE_SID = re.compile(r"(?:SM|MM)[0-9a-f]{32}")
# E.164: "+", a country code that does not start with 0, at most 15 digits (7 at least: no short codes, no
# alphanumeric sender IDs: a person writes from a phone number, and we send from one). WhatsApp: the same after
# "whatsapp:".
_ADDRESS = re.compile(r"(?:whatsapp:)?\+[1-9][0-9]{6,14}")
# Twilio's parameter names are CamelCase words and digits (MediaUrl0). A name with anything else in it ("+", ":")
# can only come from re-cutting a signed request, e.g. turning part of a Body into a field.
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")


@dataclass(frozen=True)
class Field:
    shape: re.Pattern[str]  # the whole value must match
    on_message: bool = False  # required on the incoming-message webhook
    on_status: bool = False  # required on the status callback


FIELDS: dict[str, Field] = {
    "AccountSid": Field(re.compile(r"AC[0-9a-f]{32}"), on_message=True, on_status=True),  # and equal to ours
    "MessageSid": Field(_MESSAGE_SID, on_message=True, on_status=True),  # the duplicate check's key
    "SmsMessageSid": Field(_MESSAGE_SID),  # deprecated copies of MessageSid: when sent, equal to it
    "SmsSid": Field(_MESSAGE_SID),
    "MessagingServiceSid": Field(re.compile(r"MG[0-9a-f]{32}")),
    "NumMedia": Field(re.compile(r"[0-9]{1,2}"), on_message=True),  # and at most MAX_MEDIA
    "From": Field(_ADDRESS, on_message=True),  # From and To: both "whatsapp:" or neither
    "To": Field(_ADDRESS, on_message=True),
    "MessageStatus": Field(re.compile(r"[a-z_]{1,16}"), on_status=True),
    "ErrorCode": Field(re.compile(r"[0-9]{0,16}")),  # blank when there is no error
}


class Refused(Exception):
    """A request answered with a 4xx/5xx JSON error and not processed; `reason` is a short machine-readable code."""

    def __init__(self, status: int, reason: str, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.reason, self.detail, self.field = status, reason, detail, field


class FormParams(dict[str, list[str]]):
    """Form fields as every value Twilio sent (name -> list of values). `getall` is what the SDK's
    RequestValidator looks for to sign repeated fields the way Twilio does."""

    def getall(self, name: str) -> list[str]:
        return self[name]

    def one(self, name: str) -> str | None:
        values = self.get(name)
        return values[0] if values else None


def _refusal(error: Refused) -> HTTPResponse:
    body = {"error": error.reason, "detail": error.detail}
    if error.field is not None:
        body["field"] = error.field  # the field's name only, never its value
    return response.json(body, status=error.status)


def check_fields(form: FormParams, account_sid: str, endpoint: str) -> None:
    """Refuse (400, `bad_field`) a form whose fields are not exactly what Twilio sends: a field name that is not a
    Twilio parameter name or comes twice, a field of FIELDS with another shape, a required one missing, another
    account, SmsSid/SmsMessageSid unlike MessageSid, From and To on different channels, NumMedia above MAX_MEDIA.
    `endpoint`: "message" or "status". Reads nothing but the form and changes nothing."""

    def bad(name: str, detail: str) -> Refused:
        return Refused(400, "bad_field", detail, field=name)

    for name, values in form.items():
        if not _FIELD_NAME.fullmatch(name):
            raise Refused(400, "bad_field", "a field name is not a Twilio parameter name")
        if len(values) != 1:
            raise bad(name, f"{name} is repeated")
    for name, spec in FIELDS.items():
        value = form.one(name)
        if value is None:
            if spec.on_message if endpoint == "message" else spec.on_status:
                raise bad(name, f"{name} is required")
            continue
        if not spec.shape.fullmatch(value):
            raise bad(name, f"{name} does not have the shape Twilio gives it")
    if not hmac.compare_digest((form.one("AccountSid") or "").encode(), account_sid.encode()):
        raise bad("AccountSid", "the message is for another account")
    message_sid = form.one("MessageSid")
    for name in ("SmsMessageSid", "SmsSid"):
        if form.one(name) not in (None, message_sid):
            raise bad(name, f"{name} differs from MessageSid")
    if int(form.one("NumMedia") or "0") > MAX_MEDIA:
        raise bad("NumMedia", f"NumMedia is more than {MAX_MEDIA}")
    sender, to = form.one("From"), form.one("To")
    if sender is not None and to is not None and sender.startswith("whatsapp:") != to.startswith("whatsapp:"):
        raise bad("To", "From and To are not on the same channel")


async def in_executor(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking work (the store, the Twilio SDK) off the event loop, so one slow call does not stall every
    other conversation Rasa is serving."""
    return await asyncio.get_running_loop().run_in_executor(None, partial(function, *args, **kwargs))


def media_kind(content_type: str | None) -> str:
    """What the gate calls a media item, from Twilio's MediaContentTypeN."""
    main = (content_type or "").split("/", 1)[0].strip().lower()
    return {"audio": "voice", "image": "image", "video": "video"}.get(main, "document")


def split_for_whatsapp(text: str, limit: int = WHATSAPP_MAX_CHARS) -> list[str]:
    """WhatsApp takes up to 1600 characters per message: longer texts are split on line breaks or spaces into
    numbered parts, like SMS. A single word longer than a part (never in our replies) is cut."""
    if len(text) <= limit:
        return [text]
    room = limit - 10  # "(nn/nn) " prefix
    parts: list[str] = []
    rest = text
    while len(rest) > room:
        cut = max(rest.rfind("\n", 0, room), rest.rfind(" ", 0, room))
        if cut <= 0:
            cut = room
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return [f"({i}/{len(parts)}) {part}" for i, part in enumerate(parts, start=1)]


def with_button_lines(text: str, buttons: List[Dict[str, Any]]) -> str:
    """Twilio WhatsApp has no free-form buttons (only approved templates) and SMS none at all: the options become
    numbered lines, and the person answers with the number, which the menu logic already understands."""
    lines = [f"{i}. {button.get('title') or button.get('payload') or ''}".rstrip()
             for i, button in enumerate(buttons, start=1)]
    return "\n".join([text.rstrip(), *lines]) if text and text.strip() else "\n".join(lines)


def _record_status(provider_id: str, channel: str, status: str, error_code: str | None) -> None:
    with session_scope() as session:
        record_status(session, provider_id, channel, status, error_code)


def _whatsapp_window_open(address: str) -> bool:
    """True while the person's last WhatsApp message is less than 24 hours old (Meta's customer-service window)."""
    with session_scope() as session:
        last = contacts.last_inbound(session, "whatsapp", address)
    return last is not None and datetime.now(timezone.utc) - as_utc(last) < WHATSAPP_WINDOW


class TwilioOutput(OutputChannel):
    """Sends the assistant's replies to one person through Twilio's REST API.

    Rasa calls the send methods with the conversation id, which is a pseudonym: the real address and channel come
    from the inbound message this instance was made for. Made without an address (Rasa's `get_output_channel`, e.g.
    `trigger_intent` through the HTTP API), it looks the pseudonym up in the store.
    """

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(
        self,
        sender: TwilioSender,
        channel: str | None = None,
        address: str | None = None,
        from_: str | None = None,
    ) -> None:
        self._sender = sender
        self._channel = channel
        self._address = address
        self._from = from_
        self.sent: list[str] = []  # provider ids of what went out, in order (no personal data)

    async def _recipient(self, recipient_id: str) -> tuple[str, str] | None:
        if self._channel and self._address:
            return self._channel, self._address
        found = await in_executor(address_of, recipient_id)
        if found is None or found[0] not in ("sms", "whatsapp"):
            return None
        if found[0] == "whatsapp" and not await in_executor(_whatsapp_window_open, found[1]):
            return "sms", found[1]  # WhatsApp refuses free text the business starts after 24 h of silence
        return found

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        if not text or not text.strip():
            return
        recipient = await self._recipient(recipient_id)
        if recipient is None:
            logger.warning("twilio reply dropped: the conversation has no SMS or WhatsApp address")
            return
        channel, address = recipient
        parts = split_for_sms(text) if channel == "sms" else split_for_whatsapp(text)
        for part in parts:
            try:
                sid = await in_executor(self._sender.send, channel, address, part, from_=self._from)
            except DeliveryError as error:  # its message names no person (see senders.py)
                # A later part alone would confuse more than help; the next reply is tried afresh.
                logger.warning("twilio %s reply not sent: %s", channel, error)
                return
            except Exception as error:  # anything else from the SDK: its message may quote the number
                logger.error("twilio %s reply not sent: %s", channel, type(error).__name__)
                return
            self.sent.append(sid)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, with_button_lines(text, buttons))


class TwilioInput(InputChannel):
    """Twilio's incoming-message and status-callback webhooks. Configured from bot/settings.py only; without
    TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN the channel is off and its webhooks answer 503."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> TwilioInput:
        """credentials.yml only switches the channel on; every setting (and secret) comes from the environment via
        bot/settings.py, so a deployment has one place to configure."""
        ensure_telemetry_off()
        return cls(get_settings())

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.account_sid = self.settings.twilio_account_sid
        self.enabled = bool(self.settings.twilio_account_sid and self.settings.twilio_auth_token)
        self._validator = RequestValidator(self.settings.twilio_auth_token) if self.enabled else None
        self._sender: TwilioSender | None = None
        level = logging.INFO if self.settings.is_development else logging.WARNING
        if not self.enabled:
            logger.log(level, "twilio channel is OFF: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not both set "
                              "(its webhooks answer 503)")
        elif not self.settings.public_url:
            logger.info("twilio channel is on; HELPLINE_PUBLIC_URL is not set, so signatures are checked against "
                        "the URL requests arrive at and no status callbacks are requested")
        else:
            logger.info("twilio channel is on")

    # --- sending --------------------------------------------------------------------------------------------------

    @property
    def sender(self) -> TwilioSender:
        """One SDK client (and connection pool) for all replies of this channel."""
        if self._sender is None:
            settings = self.settings
            self._sender = TwilioSender(
                settings.twilio_account_sid or "",
                settings.twilio_auth_token or "",
                sms_from=settings.twilio_sms_from,
                whatsapp_from=settings.twilio_whatsapp_from,
                api_base=settings.twilio_api_base,
                timeout=REPLY_TIMEOUT_SECONDS,
                status_callback=twilio_status_callback(settings),
            )
        return self._sender

    def get_output_channel(self) -> OutputChannel | None:
        """For messages Rasa starts itself (HTTP API `trigger_intent`, reminders): the address is looked up from
        the conversation id."""
        return TwilioOutput(self.sender) if self.enabled else None

    # --- checking a request ---------------------------------------------------------------------------------------

    def _form(self, request: Request) -> FormParams:
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            raise Refused(400, "malformed", "send application/x-www-form-urlencoded, as Twilio does")
        body = request.body or b""
        # Percent-encoded Devanagari costs 9 bytes a character; anything far beyond that is not a message.
        if len(body) > self.settings.max_message_chars * 12 + 65536:
            raise Refused(413, "too_long", "the request is too large")
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict",
                              max_num_fields=MAX_FORM_FIELDS)
        except (UnicodeDecodeError, ValueError):
            raise Refused(400, "malformed", "the form is not valid UTF-8 form encoding") from None
        return FormParams(fields)

    def _signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the public URL (proxy, tunnel) plus path and query, else what we were called at."""
        if self.settings.public_url:
            query = request.query_string
            return self.settings.public_url + request.path + (f"?{query}" if query else "")
        return request.url

    def _authenticate(self, request: Request, form: FormParams) -> None:
        signature = request.headers.get("x-twilio-signature")
        if not signature:
            raise Refused(403, "forbidden", "the request is not signed")
        assert self._validator is not None
        if not self._validator.validate(self._signed_url(request), form, signature):
            raise Refused(403, "forbidden", "the signature does not match")

    async def _checked_form(self, request: Request, endpoint: str) -> FormParams:
        """The form of a request that is signed by Twilio (else 403) and has Twilio's shapes (else 400).

        The signature comes first: a caller who cannot sign learns nothing but 403, not which fields, account or
        shapes we accept, and forged requests are refused as before. Both checks are pure (an HMAC, some regexes),
        so either order keeps the rule that matters: nothing is recorded, deduplicated or passed on before both."""
        if not self.enabled:
            raise Refused(503, "channel_off", "the Twilio channel is not configured")
        form = self._form(request)
        self._authenticate(request, form)
        check_fields(form, self.account_sid or "", endpoint)
        return form

    # --- reading a message ----------------------------------------------------------------------------------------

    def _inbound(self, form: FormParams) -> Inbound:
        """The message of a form that passed check_fields (so From, MessageSid and NumMedia are Twilio's)."""
        sender, message_sid = form.one("From") or "", form.one("MessageSid") or ""
        channel = "whatsapp" if sender.startswith("whatsapp:") else "sms"
        address = sender.removeprefix("whatsapp:")
        location = self._location(form)
        media = self._media(form)
        raw = form.one("Body")
        text: str | None
        try:
            text = clean_text(raw if raw is not None else "", self.settings.max_message_chars)
        except InboundTextError as error:
            if error.reason == "too_long":
                raise Refused(413, error.reason, error.detail) from None
            if error.reason != "empty" or not (media or location):
                raise Refused(400, error.reason, error.detail) from None
            text = None  # a photo, voice note or location pin without words
        return Inbound(channel=channel, input_channel=self.name(), address=address, provider_id=message_sid,
                       text=text, location=location, media=media)

    @staticmethod
    def _location(form: FormParams) -> tuple[float, float] | None:
        latitude, longitude = form.one("Latitude"), form.one("Longitude")
        if not latitude and not longitude:
            return None
        try:
            lat, lon = float(latitude or ""), float(longitude or "")
        except ValueError:
            raise Refused(400, "malformed", "Latitude and Longitude must be numbers") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise Refused(400, "malformed", "Latitude or Longitude out of range")
        return lat, lon

    @staticmethod
    def _media(form: FormParams) -> tuple[Media, ...]:
        items = []
        for index in range(min(int(form.one("NumMedia") or "0"), MAX_MEDIA)):  # its shape is checked
            url = form.one(f"MediaUrl{index}")
            if url and url.isprintable() and len(url) <= 2048:
                items.append(Media(media_kind(form.one(f"MediaContentType{index}")), url))
        return tuple(items)

    @staticmethod
    def _reply_from(form: FormParams) -> str | None:
        """Answer from the number the person wrote to (the helpline may have several); None: the configured one."""
        to = (form.one("To") or "").removeprefix("whatsapp:")  # its shape is checked
        return to or None

    # --- the webhooks -----------------------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("helpline_twilio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            if not self.enabled:
                return response.json({"status": "off"}, status=503)
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        @webhook.route("/status", methods=["POST"])  # TWILIO_STATUS_PATH: the senders' status_callback
        async def status(request: Request) -> HTTPResponse:
            return await self._status(request)

        return webhook

    async def _receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        try:
            form = await self._checked_form(request, "message")
            message = self._inbound(form)
        except Refused as error:
            if error.status == 403 or error.reason == "bad_field":  # the detail names fields, never values
                logger.warning("twilio webhook refused: %s", error.detail)
            return _refusal(error)
        try:
            decision: Decision = await in_executor(admit, message)
        except Exception as error:  # the store is down: say so, Twilio shows it in its debugger
            logger.error("twilio message not admitted: %s", type(error).__name__)
            return response.json({"error": "unavailable", "detail": "try again later"}, status=503)
        logger.info("twilio %s message: %s", message.channel, decision.action)
        output = TwilioOutput(self.sender, message.channel, message.address, self._reply_from(form))
        if decision.action == "dialogue":
            try:
                await on_new_message(UserMessage(
                    decision.text, output, decision.conversation_id, input_channel=self.name(),
                    metadata=decision.metadata,
                ))
            except Exception as error:  # logged by type only: Rasa's messages may quote the user's text
                logger.error("twilio message not handled by the dialogue: %s", type(error).__name__)
                await in_executor(release, message)  # Twilio's retry will be processed, not dropped
                for reply in failure_replies(decision.text, None):
                    await output.send_text_message(decision.conversation_id or "", reply)
                return response.json({"error": "internal", "detail": "the message was not handled"}, status=500)
        else:
            for reply in decision.replies:
                await output.send_text_message(decision.conversation_id or "", reply)
        return response.text(EMPTY_TWIML, content_type="text/xml")

    async def _status(self, request: Request) -> HTTPResponse:
        try:
            form = await self._checked_form(request, "status")
        except Refused as error:
            if error.status == 403 or error.reason == "bad_field":  # the detail names fields, never values
                logger.warning("twilio status callback refused: %s", error.detail)
            return _refusal(error)
        sid, state = form.one("MessageSid") or "", form.one("MessageStatus") or ""  # shapes checked
        error_code = form.one("ErrorCode") or None
        party = form.one("To") or form.one("From") or ""
        channel = "whatsapp" if party.startswith("whatsapp:") else "sms"
        try:
            await in_executor(_record_status, sid, channel, state, error_code)
            if state in FAILED_STATUSES:
                requeued = await in_executor(provider_failed, sid)
                if requeued:
                    logger.info("twilio reported a forward %s: the NGO's next contact is queued", state)
        except Exception as error:
            logger.error("twilio status not recorded: %s", type(error).__name__)
            return response.json({"error": "unavailable", "detail": "try again later"}, status=503)
        return response.text(EMPTY_TWIML, content_type="text/xml")
