"""Starting a check-in conversation through Rasa's HTTP API (`POST /conversations/{id}/trigger_intent`).

Rasa then runs the check-in rule on the family's own channel (Twilio or Telegram find the address from the
conversation id), in the case's language. Needs the Rasa server started with `--enable-api` (and `--auth-token`,
given here as HELPLINE_RASA_TOKEN, in production).
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

import requests

from bot import local_inbox
from bot.followup.conversation import EXTERNAL_INTENT
from bot.settings import get_settings

# The Rasa input channel whose output channel reaches each of our channels.
OUTPUT_CHANNELS = {"sms": "twilio", "whatsapp": "twilio", "telegram": "telegram"}


class StartError(RuntimeError):
    """Rasa could not start the conversation now (down, timeout, error status): try again later."""


class ConversationStarter(Protocol):
    def start(self, conversation_id: str, channel: str) -> None:
        """Start the check-in on `channel` for `conversation_id`; raise StartError when it could not."""


class RasaStarter:
    """The real starter: one HTTP request to the Rasa server."""

    def __init__(self, base_url: str | None = None, token: str | None = None, timeout: float = 60.0) -> None:
        settings = get_settings()
        self.base_url = (base_url or settings.rasa_url).rstrip("/")
        self.token = token if token is not None else settings.rasa_token
        self.timeout = timeout
        self.session = requests.Session()

    def start(self, conversation_id: str, channel: str) -> None:
        params = {}
        if channel in OUTPUT_CHANNELS:
            params["output_channel"] = OUTPUT_CHANNELS[channel]
        if self.token:
            params["token"] = self.token
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/trigger_intent"
        try:
            response = self.session.post(url, params=params, json={"name": EXTERNAL_INTENT}, timeout=self.timeout)
        except requests.RequestException as error:
            raise StartError(f"rasa unreachable: {type(error).__name__}") from None
        if response.status_code != 200:
            raise StartError(f"rasa answered {response.status_code}")
        if channel not in OUTPUT_CHANNELS:  # the REST channel: Rasa returns the messages instead of sending them
            try:
                messages = response.json().get("messages") or []
            except ValueError:
                messages = []
            local_inbox.keep(conversation_id, [m["text"] for m in messages if isinstance(m, dict) and m.get("text")])
