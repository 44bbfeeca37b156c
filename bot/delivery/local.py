"""The embedded default's stand-in for Twilio and Telegram: forwards are kept in the store and marked delivered.

A developer running `make run` has no accounts, yet should see a report travel end to end; the forward text is
already stored (encrypted) with its delivery, and `helpline reports show CODE` prints it. Never used in production.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from bot.delivery.senders import Button

logger = logging.getLogger(__name__)


class LocalSender:
    channels = ("sms", "whatsapp", "telegram")

    def send(self, channel: str, address: str, text: str, buttons: Sequence[Button] = ()) -> str:
        message_id = f"local-{uuid.uuid4().hex[:12]}"
        logger.info("forward kept locally as %s via %s", message_id, channel)  # no content, no address
        return message_id

    def find_sent(self, channel: str, address: str, marker: str, since: datetime) -> str | None:
        return None


def local_senders() -> dict[str, LocalSender]:
    sender = LocalSender()
    return {channel: sender for channel in sender.channels}
