"""Outbound senders: Twilio (SMS, WhatsApp) and the Telegram Bot API, behind one small `Sender` protocol.

Each sender does one attempt and reports the outcome: the provider's message id, or a `DeliveryError` whose
`retryable` tells the worker whether another attempt can help (network trouble, rate limits, provider outages) or
not (a bad number, a blocked bot, a wrong token). The worker owns retries, back-off and falling back to another
channel, so nothing here sleeps or loops.

Nothing here logs or puts into an exception message a phone number, a chat id, a token or message text. The SDKs'
own exceptions carry those (Twilio's messages quote the number, request URLs carry the bot token or the `To`
filter), so they are summarised by status and code and raised `from None`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol

import requests
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, error
from telegram.request import HTTPXRequest
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.delivery.loop import BackgroundLoop, quiet_http_logs
from bot.settings import Settings, get_settings
from bot.text.bidi import mark_rtl

logger = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
TELEGRAM_API = "https://api.telegram.org"
TELEGRAM_CALLBACK_DATA_MAX_BYTES = 64  # Bot API limit; longer data is refused with a 400 at send time

# The Twilio SDK logs each request's query parameters (the `To` filter of a history lookup) at INFO.
_twilio_wire_logger = logging.getLogger("bot.delivery.twilio_wire")
_twilio_wire_logger.setLevel(logging.WARNING)


class DeliveryError(Exception):
    """A send that did not go out.

    retryable: True for network errors, timeouts, 429 and 5xx; False for a bad address, blocked bot, 4xx.
    retry_after: seconds the provider asked us to wait (Telegram's flood control, Twilio's Retry-After), if any.
    """

    def __init__(self, message: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


@dataclass(frozen=True)
class Button:
    """An inline button (Telegram); `data` is ours and comes back in the callback, e.g. "ack:4829317".
    On SMS and WhatsApp the label is appended as a text line instead."""

    label: str
    data: str


class Sender(Protocol):
    channels: tuple[str, ...]

    def send(self, channel: str, address: str, text: str, buttons: Sequence[Button] = ()) -> str:
        """Send once; return the provider's message id or raise DeliveryError."""
        ...

    def find_sent(self, channel: str, address: str, marker: str, since: datetime) -> str | None:
        """After a crash: the id of a message already sent to `address` after `since` whose text contains `marker`."""
        ...


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _with_button_lines(text: str, buttons: Sequence[Button]) -> str:
    """SMS and WhatsApp (outside templates) have no buttons: the labels go under the text, one per line. The
    caller words them ("Reply: OK 4829317"), because only it knows what the inbound side will understand."""
    if not buttons:
        return text
    return text.rstrip() + "\n\n" + "\n".join(button.label for button in buttons)


# --- Twilio ----------------------------------------------------------------------------------------------------


class RebasedTwilioHttpClient(TwilioHttpClient):
    """The SDK's own requests-based HTTP client, plus two things it lacks.

    - A base URL override. twilio 8.2.2 builds absolute `https://api.twilio.com/2010-04-01/...` URLs in its
      domain objects and has no base-URL option; the HTTP client is the one pluggable piece (`Client(http_client=)`)
      that sees every URL, including the absolute `next_page_uri` links of list pages, so the prefix is rewritten
      here. That is how the real SDK reaches a proxy or the tests' local fake.
    - The `Retry-After` header of the last response on this thread: `TwilioRestException` keeps status, code and
      message but drops headers, and a 429 is only useful to the worker with the wait it asks for.
    """

    def __init__(self, api_base: str | None = None, timeout: float = 10) -> None:
        super().__init__(timeout=timeout, logger=_twilio_wire_logger)
        self.api_base = api_base.rstrip("/") if api_base else None
        self._last = threading.local()

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if self.api_base and url.startswith(TWILIO_API):
            url = self.api_base + url[len(TWILIO_API) :]
        self._last.retry_after = None
        response = super().request(method, url, params, data, headers, auth, timeout, allow_redirects)
        self._last.retry_after = _seconds(response.headers.get("Retry-After") if response.headers else None)
        return response

    @property
    def last_retry_after(self) -> float | None:
        return getattr(self._last, "retry_after", None)


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None  # an HTTP date: rare for Twilio; the worker's own back-off applies


def _whatsapp(address: str) -> str:
    address = address.strip()
    return address if address.startswith("whatsapp:") else f"whatsapp:{address}"


class TwilioSender:
    """SMS and WhatsApp through Twilio's Programmable Messaging API, using the official `twilio` SDK."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sms_from: str | None = None,
        whatsapp_from: str | None = None,
        api_base: str | None = None,
        timeout: float = 10,
        status_callback: str | None = None,
    ) -> None:
        self._from: dict[str, str] = {}
        # Where Twilio reports each message's fate (delivered, failed, ...): the Twilio channel's status webhook.
        self.status_callback = status_callback
        if sms_from:
            self._from["sms"] = sms_from.strip()
        if whatsapp_from:
            self._from["whatsapp"] = _whatsapp(whatsapp_from)
        self.channels: tuple[str, ...] = tuple(self._from)
        self._http = RebasedTwilioHttpClient(api_base, timeout)
        # environment={}: the SDK would otherwise read TWILIO_* (and TWILIO_REGION/EDGE, which change the host name)
        # from os.environ; all configuration comes from bot/settings.py.
        self._client = Client(account_sid, auth_token, http_client=self._http, environment={})

    def _route(self, channel: str, address: str, from_: str | None = None) -> tuple[str, str]:
        """(from, to) for a channel, or a non-retryable error when the channel is not configured. `from_` overrides
        the configured number: a reply goes out from the number the person wrote to."""
        if from_:
            from_ = _whatsapp(from_) if channel == "whatsapp" else from_.strip()
        sender = from_ or self._from.get(channel)
        if sender is None:
            raise DeliveryError(f"twilio: channel {channel!r} has no sender number configured", retryable=False)
        to = _whatsapp(address) if channel == "whatsapp" else address.strip()
        return sender, to

    def send(
        self, channel: str, address: str, text: str, buttons: Sequence[Button] = (), *, from_: str | None = None
    ) -> str:
        from_, to = self._route(channel, address, from_)
        extra = {"status_callback": self.status_callback} if self.status_callback else {}
        try:
            message = self._client.messages.create(
                to=to, from_=from_, body=mark_rtl(_with_button_lines(text, buttons)), **extra
            )
        except TwilioRestException as exc:
            raise self._rest_error(exc) from None
        except requests.RequestException as exc:
            raise DeliveryError(f"twilio: {type(exc).__name__}", retryable=True) from None
        return str(message.sid)

    def send_template(self, channel: str, address: str, content_sid: str, variables: dict[str, str]) -> str:
        """Send a pre-approved WhatsApp template (Twilio Content API): the only kind of message WhatsApp lets a
        business start outside the 24 hours after the person last wrote."""
        from_, to = self._route(channel, address)
        extra = {"status_callback": self.status_callback} if self.status_callback else {}
        try:
            message = self._client.messages.create(
                to=to, from_=from_, content_sid=content_sid, content_variables=json.dumps(variables), **extra
            )
        except TwilioRestException as exc:
            raise self._rest_error(exc) from None
        except requests.RequestException as exc:
            raise DeliveryError(f"twilio: {type(exc).__name__}", retryable=True) from None
        return str(message.sid)

    def find_sent(self, channel: str, address: str, marker: str, since: datetime) -> str | None:
        """Look through the account's message history (newest first) for our marker.

        Twilio filters `DateSent>` by calendar day (on or after midnight GMT), so the exact cut-off is applied here,
        on `date_created`: a message still queued has no `date_sent` yet. Messages that failed or were undelivered
        do not count as sent, so the worker sends again."""
        from_, to = self._route(channel, address)
        cutoff = _as_utc(since).replace(microsecond=0)
        try:
            for message in self._client.messages.stream(
                to=to, from_=from_, date_sent_after=cutoff, page_size=100, limit=1000
            ):
                created = message.date_created or message.date_sent
                if created is not None and created < cutoff:
                    break  # newest first: everything after this is older still
                if message.status in ("failed", "undelivered"):
                    continue
                if marker in (message.body or ""):
                    return str(message.sid)
        except TwilioRestException as exc:
            raise self._rest_error(exc) from None
        except TwilioException as exc:
            # A list page that is not 200 raises the bare TwilioException("Unable to fetch page", response).
            response = exc.args[1] if len(exc.args) > 1 else None
            status = getattr(response, "status_code", 0)
            raise DeliveryError(
                f"twilio: history lookup failed with HTTP {status}", retryable=status == 429 or status >= 500
            ) from None
        except requests.RequestException as exc:
            raise DeliveryError(f"twilio: {type(exc).__name__}", retryable=True) from None
        return None

    def _rest_error(self, exc: TwilioRestException) -> DeliveryError:
        retryable = exc.status == 429 or exc.status >= 500
        return DeliveryError(
            f"twilio: HTTP {exc.status}, error {exc.code}",
            retryable=retryable,
            retry_after=self._http.last_retry_after if retryable else None,
        )

    def close(self) -> None:
        if self._http.session is not None:
            self._http.session.close()


# --- Telegram --------------------------------------------------------------------------------------------------

_CHAT_ID = re.compile(r"-?\d+")


def telegram_bot(token: str, api_base: str | None = None, timeout: float = 10, pool_size: int = 4) -> Bot:
    """A python-telegram-bot `Bot` for `api_base` (the server root, like TELEGRAM_API; a proxy or the tests' fake),
    shared by this sender and the Telegram input channel so both reach the same server the same way. Its HTTP pool
    belongs to the event loop it is first used on. Quiets the loggers that would write the token or messages."""
    root = (api_base or TELEGRAM_API).rstrip("/")
    base_url = root if root.endswith("/bot") else root + "/bot"  # PTB appends the token to base_url
    t = float(timeout)

    def request() -> HTTPXRequest:
        return HTTPXRequest(
            connection_pool_size=pool_size, connect_timeout=t, read_timeout=t, write_timeout=t, pool_timeout=t
        )

    quiet_http_logs()
    # PTB logs its base URL (it holds the token) and every call's parameters (chat ids, text) at DEBUG, which
    # `rasa run --debug` turns on for everything: keep it at INFO unless an operator set a level for it on purpose.
    ptb_logger = logging.getLogger("telegram")
    if ptb_logger.level == logging.NOTSET:
        ptb_logger.setLevel(logging.INFO)
    return Bot(token, base_url=base_url, request=request(), get_updates_request=request())


def _telegram_error(exc: Exception) -> DeliveryError:
    """Map python-telegram-bot's exceptions. Order matters: BadRequest and TimedOut are NetworkError subclasses."""
    if isinstance(exc, error.RetryAfter):
        wait: object = exc.retry_after  # python-telegram-bot 21 gives an int, 22 a timedelta
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)  # type: ignore[arg-type]
        return DeliveryError("telegram: flood control", retryable=True, retry_after=seconds)
    if isinstance(exc, error.TimedOut):
        return DeliveryError("telegram: timed out", retryable=True)
    if isinstance(exc, error.InvalidToken):
        return DeliveryError("telegram: InvalidToken: the bot token was rejected", retryable=False)  # PTB quotes it
    if isinstance(exc, (error.BadRequest, error.Forbidden)):
        # The server's description ("Forbidden: bot was blocked by the user") names no person.
        return DeliveryError(f"telegram: {type(exc).__name__}: {exc.message}", retryable=False)
    if isinstance(exc, error.ChatMigrated):
        return DeliveryError("telegram: the group moved to a supergroup; update the NGO's chat id", retryable=False)
    if isinstance(exc, error.NetworkError):
        return DeliveryError("telegram: network error", retryable=True)
    return DeliveryError(f"telegram: {type(exc).__name__}", retryable=False)


class TelegramSender:
    """Telegram through python-telegram-bot 21's `Bot`, which is async: one private event loop (see
    `bot/delivery/loop.py`) keeps one Bot and its connection pool for the life of the sender."""

    channels: tuple[str, ...] = ("telegram",)

    def __init__(self, token: str, api_base: str | None = None, timeout: float = 10) -> None:
        self._token = token
        self._api_base = api_base
        self._timeout = float(timeout)
        self._loop = BackgroundLoop("telegram-sender")
        self._bot: Bot | None = None  # created and initialised on the loop at first use
        quiet_http_logs()

    async def _ready_bot(self) -> Bot:
        if self._bot is None:
            self._bot = telegram_bot(self._token, self._api_base, self._timeout)
        await self._bot.initialize()  # getMe once (checks the token); a no-op afterwards
        return self._bot

    async def _send(self, chat_id: int | str, text: str, buttons: Sequence[Button]) -> str:
        markup = None
        if buttons:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data)] for b in buttons])
        bot = await self._ready_bot()
        message = await bot.send_message(chat_id=chat_id, text=mark_rtl(text), reply_markup=markup)
        return str(message.message_id)

    def send(self, channel: str, address: str, text: str, buttons: Sequence[Button] = ()) -> str:
        if channel not in self.channels:
            raise DeliveryError(f"telegram: cannot send on channel {channel!r}", retryable=False)
        for button in buttons:
            if len(button.data.encode()) > TELEGRAM_CALLBACK_DATA_MAX_BYTES:
                raise DeliveryError("telegram: button data longer than 64 bytes", retryable=False)
        address = address.strip()
        chat_id: int | str = int(address) if _CHAT_ID.fullmatch(address) else address
        try:
            # getMe and sendMessage, each bounded by the HTTP timeouts; this outer bound only guards against a hang.
            return self._loop.run(self._send(chat_id, text, buttons), timeout=4 * self._timeout + 1)
        except error.TelegramError as exc:
            raise _telegram_error(exc) from None
        except TimeoutError:
            raise DeliveryError("telegram: timed out", retryable=True) from None

    def find_sent(self, channel: str, address: str, marker: str, since: datetime) -> str | None:
        """The Bot API keeps no history a bot can read back, so a send interrupted by a crash cannot be confirmed;
        the worker sends again (a possible duplicate beats a lost report)."""
        return None

    def close(self) -> None:
        async def shutdown() -> None:
            if self._bot is not None:
                await self._bot.shutdown()

        self._loop.close(cleanup=shutdown())


# --- Wiring ----------------------------------------------------------------------------------------------------

TWILIO_STATUS_PATH = "/webhooks/twilio/status"  # served by bot.channels.twilio


def twilio_status_callback(settings: Settings) -> str | None:
    """The status callback URL for every Twilio message we send, so a forward Twilio accepted but could not deliver
    is noticed (and the NGO's next contact tried). Twilio must reach it, so it needs the public URL."""
    return settings.public_url + TWILIO_STATUS_PATH if settings.public_url else None


def _send_timeout(settings: Settings) -> float:
    """A send must finish (or fail) well within the worker's lease, or a slow API could be taken for a dead worker
    and the message sent twice."""
    return max(1.0, min(10.0, settings.delivery_lease_seconds / 3))


def build_senders(settings: Settings | None = None) -> dict[str, Sender]:
    """Channel name -> sender, for the channels whose credentials are configured. A channel left out is logged
    once as OFF with the variable that is missing, so a deployment without SMS knows why no SMS goes out."""
    settings = settings or get_settings()
    senders: dict[str, Sender] = {}
    off: dict[str, str] = {}

    has_twilio = bool(settings.twilio_account_sid and settings.twilio_auth_token)
    sms_from = settings.twilio_sms_from if has_twilio else None
    whatsapp_from = settings.twilio_whatsapp_from if has_twilio else None
    if not has_twilio:
        off["sms"] = off["whatsapp"] = "TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not both set"
    else:
        if not sms_from:
            off["sms"] = "TWILIO_SMS_FROM is not set"
        if not whatsapp_from:
            off["whatsapp"] = "TWILIO_WHATSAPP_FROM is not set"
    if sms_from or whatsapp_from:
        twilio = TwilioSender(
            settings.twilio_account_sid or "",
            settings.twilio_auth_token or "",
            sms_from=sms_from,
            whatsapp_from=whatsapp_from,
            api_base=settings.twilio_api_base,
            timeout=_send_timeout(settings),
            status_callback=twilio_status_callback(settings),
        )
        for channel in twilio.channels:
            senders[channel] = twilio

    if settings.telegram_bot_token:
        senders["telegram"] = TelegramSender(settings.telegram_bot_token, api_base=settings.telegram_api_base,
                                             timeout=_send_timeout(settings))
    else:
        off["telegram"] = "TELEGRAM_BOT_TOKEN is not set"

    level = logging.INFO if settings.is_development else logging.WARNING
    for channel in ("sms", "whatsapp", "telegram"):
        if channel in off:
            logger.log(level, "delivery channel %s is OFF: %s", channel, off[channel])
        else:
            logger.info("delivery channel %s is on", channel)
    return senders
