"""Telegram channel (`POST /webhooks/telegram/webhook`, or long polling), through python-telegram-bot.

Some families, older children and the NGOs use Telegram. What this file does, and why:

- Only Telegram may call the webhook. setWebhook's `secret_token` comes back in `X-Telegram-Bot-Api-Secret-Token`;
  without it anyone who learned the URL could write as any chat (and acknowledge reports as an NGO group), so in
  webhook mode a secret is required: none configured means every call is refused (503), a wrong one gets 403.
- Telegram's shapes (read by bot/channels/telegram_updates.py) become a gate `Inbound` (text, location, media, an
  inline button's data) and `gate.admit` does what every real channel must (drop redeliveries, pseudonymise, NGO
  acknowledgements, media, rate limit); this file only acts on its `Decision`. Text is only text: "/start" reaches
  the assistant as "start" (`inbound.clean_text`).
- Rasa sees the person's pseudonym, never the chat id: `TelegramOutput` keeps the chat id itself.
- A numbered menu carries a reply keyboard of its option numbers, so a tap sends "2" as text, which the assistant
  already reads after that question (it does the same on SMS); any other reply removes the keyboard.
- Nothing is lost quietly: Telegram redelivers an update until it gets a 2xx, so a store that is down answers 503
  and a dialogue that failed answers 500 after the gate has forgotten the update id (`gate.release`) and the person
  has been told to write again (with the helplines); a redelivery of a handled update is answered 200 and dropped.
- Webhook mode with `HELPLINE_PUBLIC_URL` calls setWebhook itself on start (with the secret), so nobody has to call
  the Bot API by hand with the token. Polling mode (`TELEGRAM_MODE=polling`) serves deployments without public
  HTTPS: the same handler, fed by getUpdates from a task that starts and stops with the server.
- Nothing logged carries a chat id, a token or message text.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Dict, List

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update, error

from bot.channels.gate import Inbound, address_of, admit, language_of, release, remember_sent
from bot.channels.inbound import InboundTextError
from bot.channels.notices import failure_replies, notice
from bot.channels.telegram_updates import _PRIVATE, Incoming, read_update  # noqa: F401  (Incoming: re-exported)
from bot.delivery.senders import _telegram_error, telegram_bot
from bot.dialogue.questions import MAIN_MENU, QUESTIONS
from bot.ngo_commands import is_ngo
from bot.rasa_telemetry import ensure_off as ensure_telemetry_off
from bot.settings import Settings, get_settings
from bot.text.bidi import mark_rtl

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook accepts as secret_token
TELEGRAM_MAX_CHARS = 4096  # Bot API limit of one message, in UTF-16 code units
WEBHOOK_PATH = "/webhook"
# What we ask Telegram for (setWebhook, getUpdates); anything else that still arrives is answered 200 and ignored.
ALLOWED_UPDATES = ["message", "callback_query"]
API_TIMEOUT_SECONDS = 10.0
POLL_TIMEOUT_SECONDS = 25  # long poll: Telegram holds getUpdates open this long when there is nothing new
POLL_BACKOFF_MAX_SECONDS = 60.0


# --- Menus: which replies get a keyboard of numbers ---------------------------------------------------------------


# Response name -> the option numbers it offers, from the registry of questions that the readers use too (so a
# keyboard never offers a number the assistant would not understand after that question).
MENU_OPTIONS: dict[str, tuple[int, ...]] = {prompt: question.keyboard for prompt, question in QUESTIONS.items()
                                            if question.keyboard}
_LONE_DIGIT = re.compile(r"(?<!\d)\d(?!\d)")


def menu_numbers(utter_action: str | None, text: str) -> list[str]:
    """The keyboard for one reply: its option numbers, or [] when it is not a numbered menu.

    A follow-up menu ("Reply 1 ..., 2 ..., 5 for a call back, 0 for the menu") also offers the main-menu numbers its
    text mentions: those keep their main-menu meaning after it (`Question.main_menu_numbers`)."""
    numbers = list(MENU_OPTIONS.get(utter_action or "", ()))
    question = QUESTIONS.get(utter_action or "")
    if question is not None and question.main_menu_numbers:
        for match in _LONE_DIGIT.finditer(text):
            number = int(match.group())
            if number in MAIN_MENU and number not in numbers:
                numbers.append(number)
    return [str(n) for n in numbers]


def keyboard(numbers: Sequence[str]) -> ReplyKeyboardMarkup | ReplyKeyboardRemove:
    """A one-time, compact keyboard of numbers (one row up to four, else rows of three); no numbers removes any
    keyboard left from an earlier question, so an old menu is not tapped by mistake."""
    if not numbers:
        return ReplyKeyboardRemove()
    per_row = len(numbers) if len(numbers) <= 4 else 3
    rows = [list(numbers[i : i + per_row]) for i in range(0, len(numbers), per_row)]
    return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_message(text: str, limit: int = TELEGRAM_MAX_CHARS) -> list[str]:
    """Telegram refuses messages over `limit` (counted in UTF-16 units): split at a line break, else at a space, in
    the last part of the window; a single word longer than the limit is cut."""
    chunks: list[str] = []
    rest = text
    while _utf16_len(rest) > limit:
        units, cut = 0, 0
        for ch in rest:
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > limit:
                break
            cut += 1
        window = rest[:cut]
        floor = cut // 2
        at = window.rfind("\n")
        if at <= floor:
            at = max(window.rfind(" "), window.rfind("\t"))
        if at <= floor:
            at = cut
        chunk = rest[:at].rstrip()
        chunks.append(chunk if chunk else rest[:cut])
        rest = rest[at if chunk else cut :].lstrip()
    if rest or not chunks:
        chunks.append(rest)
    return chunks


# --- The Bot: one per event loop ----------------------------------------------------------------------------------


class LoopBot:
    """The channel's python-telegram-bot `Bot`. Its httpx pool belongs to the event loop it was first used on, so a
    new one is made if the server runs on another loop (tests start several; `rasa run` has one)."""

    def __init__(self, token: str, api_base: str | None, timeout: float = API_TIMEOUT_SECONDS) -> None:
        self._token = token
        self._api_base = api_base
        self._timeout = timeout
        self._bot: Bot | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self) -> Bot:
        loop = asyncio.get_running_loop()
        if self._bot is None or self._loop is not loop:
            self._bot, self._loop = telegram_bot(self._token, self._api_base, self._timeout), loop
        return self._bot

    async def ready(self) -> Bot:
        """The Bot, initialised (getMe once: checks the token, opens the pool so `close` can close it)."""
        bot = self.get()
        await bot.initialize()
        return bot

    async def close(self) -> None:
        bot, loop = self._bot, self._loop
        self._bot = self._loop = None
        if bot is not None and loop is asyncio.get_running_loop():
            try:
                await bot.shutdown()
            except Exception as exc:  # closing must not fail the server's shutdown
                logger.debug("telegram: closing the bot failed: %s", type(exc).__name__)


# --- Output -------------------------------------------------------------------------------------------------------


class TelegramOutput(OutputChannel):
    """Replies to one chat. Rasa's recipient id is the person's pseudonym; the chat id is kept here instead, so it
    never reaches the tracker store."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, bots: LoopBot, chat_id: int | None) -> None:
        self._bots = bots
        self._chat_id = chat_id  # None: a message Rasa starts itself (check-ins); found from the pseudonym

    async def _chat_for(self, recipient_id: str) -> int | None:
        if self._chat_id is not None:
            return self._chat_id
        found = await asyncio.get_running_loop().run_in_executor(None, address_of, recipient_id)
        if found is None or found[0] != "telegram":
            logger.warning("telegram: a message was dropped: the conversation has no Telegram chat")
            return None
        return int(found[1])

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send(text, menu_numbers(kwargs.get("utter_action"), text), recipient_id)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Rasa buttons carry payloads we do not control, so no inline keyboard: the titles are numbered under the
        text and the numbers offered on a reply keyboard, as every menu of this assistant works."""
        lines = [text] + [f"{i} {button.get('title', '')}".rstrip() for i, button in enumerate(buttons, 1)]
        await self.send("\n".join(lines), [str(i) for i in range(1, len(buttons) + 1)], recipient_id)

    async def send(self, text: str, numbers: Sequence[str] | None = (), recipient_id: str = "") -> None:
        """Send `text` (split if long). `numbers`: the menu keyboard for the last part ([] removes any keyboard);
        None leaves the person's keyboard as it is (the gate's notices do not change the question asked last)."""
        chat_id = await self._chat_for(recipient_id)
        if chat_id is None:
            return
        chunks = split_message(text)
        for index, chunk in enumerate(chunks):
            markup = None
            if numbers is not None and index == len(chunks) - 1:
                markup = keyboard(numbers)
            if not await self._send_one(chat_id, chunk, markup):
                return

    async def _send_one(self, chat_id: int, text: str, markup: ReplyKeyboardMarkup | ReplyKeyboardRemove | None
                        ) -> bool:
        """One sendMessage; a short flood-control wait is honoured once. Failures are logged (no chat id, no text)
        and swallowed: the conversation must go on (and be saved) even if one reply could not be delivered."""
        for attempt in (1, 2):
            try:
                bot = await self._bots.ready()
                sent = await bot.send_message(chat_id=chat_id, text=mark_rtl(text), reply_markup=markup)
                await asyncio.get_running_loop().run_in_executor(None, remember_sent, chat_id, sent.message_id)
                return True
            except error.RetryAfter as exc:
                wait = _telegram_error(exc).retry_after or 0.0
                if attempt == 1 and wait <= 5:
                    await asyncio.sleep(wait)
                    continue
                logger.warning("telegram: a reply was not sent: flood control")
                return False
            except error.TelegramError as exc:
                logger.warning("telegram: a reply was not sent: %s", _telegram_error(exc))
                return False
            except Exception as exc:  # e.g. an answer PTB cannot read: the message may have gone; do not repeat it
                logger.warning("telegram: a reply may not have been sent: %s", type(exc).__name__)
                return False
        return False


# --- Input --------------------------------------------------------------------------------------------------------


OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TelegramInput(InputChannel):
    """Telegram as a Rasa input channel, configured from `bot.settings` (credentials.yml gives it nothing)."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> TelegramInput:
        ensure_telemetry_off()
        return cls(get_settings())

    def __init__(self, settings: Settings | None = None, poll_timeout: int = POLL_TIMEOUT_SECONDS) -> None:
        settings = settings or get_settings()
        self.token = settings.telegram_bot_token
        self.secret = settings.telegram_webhook_secret
        self.mode = settings.telegram_mode
        self.public_url = settings.public_url
        self.max_chars = settings.max_message_chars
        self.poll_timeout = poll_timeout
        self.bots = LoopBot(self.token or "", settings.telegram_api_base)
        self._poller: asyncio.Task[None] | None = None
        self._told_no_secret = False
        if not self.token:
            logger.info("telegram channel is OFF: TELEGRAM_BOT_TOKEN is not set")
        elif self.mode == "webhook" and not self.secret:
            logger.warning("telegram channel: webhook calls are refused (503): TELEGRAM_WEBHOOK_SECRET is not set, "
                           "and without it anyone could post updates; set it (and give it to setWebhook) or use "
                           "TELEGRAM_MODE=polling")
        else:
            logger.info("telegram channel is on (%s)", self.mode)
        if self.token and self.secret and not _SECRET_TOKEN.fullmatch(self.secret):
            logger.warning("telegram channel: TELEGRAM_WEBHOOK_SECRET may only hold A-Z, a-z, 0-9, _ and - (1-256 "
                           "characters): Telegram's setWebhook refuses it, so no update will carry it")

    def get_output_channel(self) -> OutputChannel | None:
        """For messages Rasa starts itself (HTTP API `trigger_intent`: check-ins): the chat is looked up from the
        conversation id."""
        return TelegramOutput(self.bots, None) if self.token else None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.token else "off", "mode": self.mode})

        @webhook.route(WEBHOOK_PATH, methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        @webhook.listener("after_server_start")
        async def start(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            if not self.token:
                return
            if self.mode == "polling":
                self.start_polling(on_new_message)
            elif self.public_url and self.secret:
                asyncio.create_task(self._set_webhook(app))

        @webhook.listener("before_server_stop")
        async def stop(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            await self.stop_polling()

        @webhook.listener("after_server_stop")
        async def close(app: Sanic, loop: asyncio.AbstractEventLoop) -> None:
            await self.bots.close()

        return webhook

    # --- webhook ---------------------------------------------------------------------------------------------------

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        if not self.token:
            return _answer(503, "off", "the Telegram channel is off")
        if not self.secret:
            if not self._told_no_secret:
                self._told_no_secret = True
                logger.warning("telegram: refusing webhook calls: TELEGRAM_WEBHOOK_SECRET is not set")
            return _answer(503, "no_secret", "the webhook secret is not configured")
        given = request.headers.get(SECRET_HEADER)
        if given is None or not hmac.compare_digest(given.encode("utf-8", "replace"),
                                                    self.secret.encode("utf-8", "replace")):
            return _answer(403, "forbidden", "wrong or missing secret token")
        try:
            data = json.loads(request.body or b"")
        except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            return _answer(400, "malformed", "the body is not JSON")
        status, outcome = await self.handle(data, on_new_message)
        return _answer(status, outcome)

    async def handle(self, data: object, on_new_message: OnNewMessage) -> tuple[int, str]:
        """One update as JSON (the webhook's body): (HTTP status, outcome)."""
        if not isinstance(data, dict):
            return 400, "malformed"
        try:
            update = Update.de_json(data, self.bots.get())
        except Exception:  # PTB raises KeyError/TypeError/ValueError/... for what is not an Update
            return 400, "malformed"
        if update is None:
            return 400, "malformed"
        return await self.handle_update(update, on_new_message)

    async def handle_update(self, update: Update, on_new_message: OnNewMessage) -> tuple[int, str]:
        """One parsed update, from the webhook or the poller: what the gate decides, acted on."""
        try:
            incoming = read_update(update, self.max_chars)
        except InboundTextError as exc:
            chat = update.effective_chat
            if exc.reason == "too_long" and chat is not None:
                # Telegram resends an update it gets a 4xx for and holds the chat's next ones meanwhile: answer 200
                # and ask the person to write in shorter parts instead of stalling their chat.
                message = update.effective_message
                language = language_of((message.text or message.caption or "")[:300] if message else None)
                await TelegramOutput(self.bots, chat.id).send(notice("too_long", language), None)
                return 200, "too_long"
            return (413 if exc.reason == "too_long" else 400), exc.reason
        if incoming is None:
            return 200, "ignored"
        if incoming.callback_query_id:
            await self._answer_callback(incoming.callback_query_id)
        if not incoming.admit or (incoming.chat_type != _PRIVATE and not incoming.text):
            return 200, "ignored"  # in a group only an NGO's written command ("OK CODE") matters
        loop = asyncio.get_running_loop()
        address = str(incoming.chat_id)
        inbound = Inbound(channel="telegram", input_channel=self.name(), address=address,
                          provider_id=str(incoming.update_id), text=incoming.text, location=incoming.location,
                          media=incoming.media)
        try:
            if incoming.kind == "callback" or incoming.chat_type != _PRIVATE:
                # Buttons are only on our forwards to NGOs, and groups matter only when they are an NGO's chat.
                if not await loop.run_in_executor(None, is_ngo, "telegram", address):
                    logger.info("telegram: %s from a chat that is not an NGO's: ignored", incoming.kind)
                    return 200, "ignored"
            decision = await loop.run_in_executor(None, admit, inbound)
        except Exception as exc:  # the store is down: Telegram retries the update (the gate did not keep its id)
            logger.error("telegram: update not admitted: %s", type(exc).__name__)
            return 503, "unavailable"
        logger.info("telegram: %s -> %s", incoming.kind, decision.action)
        output = TelegramOutput(self.bots, incoming.chat_id)
        if decision.action != "dialogue":
            for reply in decision.replies:
                await output.send(reply, None)
            return 200, decision.action
        if incoming.kind == "callback":
            return 200, "ignored"  # a button press is never a message to the assistant
        try:
            await on_new_message(UserMessage(decision.text, output, decision.conversation_id,
                                             input_channel=self.name(), metadata=decision.metadata))
        except Exception as exc:  # logged by type only: Rasa's messages may quote the person's text
            logger.error("telegram: the dialogue failed on a message: %s", type(exc).__name__)
            # Forget the update id so Telegram's retry is processed rather than dropped as a duplicate, and tell
            # the person now (with the helplines): the retry may take a while, or fail again.
            try:
                await loop.run_in_executor(None, release, inbound)
            except Exception as release_error:
                logger.error("telegram: could not release the update: %s", type(release_error).__name__)
            for reply in failure_replies(incoming.text, language_of(incoming.text)):
                await output.send(reply, None)
            return 500, "dialogue_failed"
        return 200, "dialogue"

    async def _answer_callback(self, query_id: str) -> None:
        try:
            bot = await self.bots.ready()
            await bot.answer_callback_query(query_id)
        except error.TelegramError as exc:  # e.g. "query is too old": the press is still handled
            logger.info("telegram: answerCallbackQuery failed: %s", _telegram_error(exc))

    async def _set_webhook(self, app: Sanic) -> None:
        """Webhook mode with HELPLINE_PUBLIC_URL: point Telegram at us (with the secret) on every start, so a
        deployment needs no manual setWebhook call carrying the token."""
        url = f"{self.public_url}/webhooks/{self.url_prefix()}{WEBHOOK_PATH}"
        try:
            bot = await self.bots.ready()
            await bot.set_webhook(url=url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES)
            logger.info("telegram: webhook set")
        except error.TelegramError as exc:
            logger.error("telegram: setWebhook failed: %s", _telegram_error(exc))

    # --- polling ---------------------------------------------------------------------------------------------------

    def start_polling(self, on_new_message: OnNewMessage) -> None:
        """Start the poller on the running loop (once)."""
        if self._poller is None or self._poller.done():
            self._poller = asyncio.get_running_loop().create_task(self._poll(on_new_message),
                                                                  name="telegram-poller")

    async def stop_polling(self) -> None:
        poller, self._poller = self._poller, None
        if poller is None:
            return
        poller.cancel()
        try:
            await poller
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            logger.debug("telegram: poller ended with %s", type(exc).__name__)

    async def _poll(self, on_new_message: OnNewMessage) -> None:
        """Long-poll getUpdates and feed each update through `handle_update`. An update is confirmed (the next
        offset) once handled; one cut off by a stop comes again and the gate drops it if it was already admitted;
        one the store or the dialogue could not handle (5xx) is left unconfirmed and comes again after a pause.
        Errors back off (1 s doubling to a minute) and never end the loop: only cancellation does."""
        offset: int | None = None
        failures = 0  # getUpdates calls failed in a row
        unhandled = 0  # times in a row the first unconfirmed update could not be handled
        webhook_deleted = False
        logger.info("telegram: polling for updates")
        while True:
            try:
                bot = await self.bots.ready()
                if not webhook_deleted:
                    await bot.delete_webhook()  # getUpdates is refused while a webhook is set
                    webhook_deleted = True
                updates = await bot.get_updates(offset=offset, timeout=self.poll_timeout,
                                                allowed_updates=ALLOWED_UPDATES)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                if isinstance(exc, error.Conflict):
                    webhook_deleted = False  # a webhook was set again, or another poller runs with this token
                reason = _telegram_error(exc) if isinstance(exc, error.TelegramError) else type(exc).__name__
                delay = min(POLL_BACKOFF_MAX_SECONDS, 2.0 ** (failures - 1))
                logger.warning("telegram: getUpdates failed (%s); retrying in %.0f s", reason, delay)
                await asyncio.sleep(delay)
                continue
            for update in updates:
                try:
                    status, _ = await self.handle_update(update, on_new_message)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a bug on one update must not stop the others
                    logger.error("telegram: an update could not be handled: %s", type(exc).__name__)
                    status = 400
                if status >= 500:
                    # Not handled (store or dialogue down): leave it unconfirmed, so getUpdates gives it again.
                    unhandled += 1
                    await asyncio.sleep(min(POLL_BACKOFF_MAX_SECONDS, 2.0 ** (unhandled - 1)))
                    break
                unhandled = 0
                offset = update.update_id + 1


def _answer(status: int, outcome: str, detail: str | None = None) -> HTTPResponse:
    body: dict[str, Any] = {"ok": status < 300, "result": outcome}
    if detail:
        body["detail"] = detail
    return response.json(body, status=status)
