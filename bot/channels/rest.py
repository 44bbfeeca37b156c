"""REST channel (`POST /webhooks/rest/webhook`), replacing Rasa's stock one.

Same request and response shape as Rasa's documented REST channel ({"sender", "message"} in, a list of
{"recipient_id", "text"} out), so `make shell`, tests and web clients work unchanged — but the text is cleaned by
`inbound.clean_text` (no "/intent" injection, no empty/huge/binary input) and client-sent metadata is ignored. When
the dialogue fails (say Redis, which holds Rasa's conversation locks in production, is down) the answer is 503
`{"error": "unavailable", "detail", "messages"}`, the messages being what the channel can say without Rasa.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_patches
from bot.channels.gate import language_of
from bot.channels.inbound import DEFAULT_MAX_CHARS, InboundTextError, clean_sender, clean_text
from bot.channels.notices import failure_replies
from bot.erasure import chat_reply
from bot.rasa_telemetry import ensure_off as ensure_telemetry_off

logger = logging.getLogger(__name__)


def unavailable(sender: str, text: str, error: Exception) -> HTTPResponse:
    """503 when the dialogue failed (Redis lock store or PostgreSQL down, ...): a clear error for the client, with the
    replies the channel can give without Rasa (bot.channels.notices.failure_replies: an emergency still gets 112 and
    1098). Nothing of the message is kept; the client may send it again."""
    logger.error("rest: the dialogue failed on a message: %s", type(error).__name__)
    return response.json(
        {
            "error": "unavailable",
            "detail": "the assistant could not handle this message now; send it again later",
            "messages": [{"recipient_id": sender, "text": reply}
                         for reply in failure_replies(text, language_of(text))],
        },
        status=503,
    )


class RestInput(InputChannel):
    """A JSON webhook for local chat and tests."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> RestInput:
        ensure_telemetry_off()
        credentials = credentials or {}
        return cls(max_message_chars=int(credentials.get("max_message_chars", DEFAULT_MAX_CHARS)))

    def __init__(self, max_message_chars: int = DEFAULT_MAX_CHARS) -> None:
        self.max_message_chars = max_message_chars

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)
        # The pooled connections to the action server (bot/rasa_patches.py) are closed with the server.
        webhook.listener("after_server_stop")(rasa_patches.close_sessions)
        # A turn the tracker store could not read or write fails (503 below) instead of living in memory only.
        webhook.listener("after_server_start")(rasa_patches.agent_fails_on_tracker_store_errors)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                payload = request.json
            except Exception:  # sanic raises InvalidUsage for bad JSON
                payload = None
            if not isinstance(payload, dict):
                return response.json({"error": "malformed", "detail": "send a JSON object"}, status=400)
            try:
                sender = clean_sender(payload.get("sender"))
                text = clean_text(payload.get("message"), self.max_message_chars)
            except InboundTextError as error:
                status = 413 if error.reason == "too_long" else 400
                return response.json({"error": error.reason, "detail": error.detail}, status=status)

            erasure = await asyncio.to_thread(chat_reply, "rest", sender, text, language_of(text))
            if erasure is not None:  # "delete my data" and its confirmation never reach Rasa (bot/erasure.py)
                return response.json([{"recipient_id": sender, "text": reply} for reply in erasure])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name()))
            except Exception as error:  # logged by type only: Rasa's messages may quote the person's text
                return unavailable(sender, text, error)
            return response.json(collector.messages)

        return webhook
