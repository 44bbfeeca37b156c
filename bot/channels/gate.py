"""What every real channel (Twilio, Telegram) does with an inbound message before the dialogue sees it.

In order: drop a provider's redelivery (same message id) so a message is processed once; note the sender (their
pseudonym becomes Rasa's conversation id, so Rasa never stores a phone number); let a registered NGO acknowledge or
close a report ("OK CODE", "CLOSE CODE note") — nobody else can; answer "delete my data" and its confirmation
(bot/erasure.py); keep a location pin or a voice note/photo with the
person's open report rather than lose it, and say kindly what the assistant can and cannot do with it; hold back a
flood from one sender, but never a message that sounds like an emergency. Everything else goes to Rasa as plain text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.channels.notices import notice
from bot.channels.ratelimit import RateLimiter
from bot.clock import Clock, SystemClock
from bot.erasure import chat_reply
from bot.language import detect_language, reply_language
from bot.ngo_commands import handle_ngo_message
from bot.nlu.emergency_cues import has_emergency_cue
from bot.reports import drafts
from bot.settings import get_settings
from bot.store import contacts
from bot.store.db import session_scope
from bot.store.inbound import forget, mark_seen

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Media:
    kind: str  # voice | image | video | document | other
    reference: str  # the provider's URL or file id: kept encrypted with the report, never logged


@dataclass(frozen=True)
class Inbound:
    """One message as a channel received it, already checked (signature, secret) and cleaned."""

    channel: str  # sms | whatsapp | telegram (how to reach the person back)
    input_channel: str  # the Rasa input channel name: twilio | telegram
    address: str  # phone number in +E.164 (no "whatsapp:" prefix) or Telegram chat id
    provider_id: str  # MessageSid / update_id
    text: str | None = None
    location: tuple[float, float] | None = None
    media: tuple[Media, ...] = ()


@dataclass(frozen=True)
class Decision:
    """`dialogue`: pass `text` to Rasa as `conversation_id`; otherwise send `replies` (if any) and stop."""

    action: str  # duplicate | ngo | erasure | location | media | limited | dialogue
    replies: list[str] = field(default_factory=list)
    conversation_id: str | None = None
    text: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _limiter() -> RateLimiter:
    settings = get_settings()
    return RateLimiter(settings.rate_limit_per_minute, settings.redis_url)


def language_of(text: str | None) -> str:
    """The reply language for a channel's own notices (Hindi when there is no text to go by)."""
    if not text:
        return "hi"
    detection = detect_language(text)
    return reply_language(detection.language, detection.script) or "hi"


def _attach(input_channel: str, conversation_id: str, **extra: Any) -> bool:
    """Add a location or media reference to the person's open report draft; False when there is none. Read and
    written in one transaction, so a pin and a photo sent together both stay."""
    with session_scope() as session:
        stored = drafts.load_draft(session, input_channel, conversation_id)
        if stored is None:
            return False
        kind, fields = stored
        if "location" in extra:
            fields["location"] = extra["location"]
        if "media" in extra:
            fields["media"] = list(fields.get("media") or []) + extra["media"]
        drafts.save_draft(session, input_channel, conversation_id, kind, fields)
        return True


def _first_time(message: Inbound) -> bool:
    """True the first time this message is seen, False for a provider's redelivery. Its own short transaction,
    committed before the work, so that a concurrent redelivery (another replica) is dropped."""
    try:
        with session_scope() as session:
            mark_seen(session, message.channel, message.provider_id)
        return True
    except IntegrityError:
        return False


def admit(message: Inbound, clock: Clock | None = None) -> Decision:
    """Decide what happens to one inbound message (see the module docstring)."""
    if not _first_time(message):
        return Decision("duplicate")
    try:
        return _decide(message, (clock or SystemClock()))
    except Exception:
        release(message)  # not processed: the provider's retry must not be dropped as a duplicate
        raise


def address_of(conversation_id: str) -> tuple[str, str] | None:
    """(channel, address) behind a conversation id, for a channel's output (one short transaction)."""
    with session_scope() as session:
        return contacts.address_for(session, conversation_id)


def remember_sent(chat_id: int, message_id: int, clock: Clock | None = None) -> None:
    """Keep the id of a message just sent into a Telegram chat, so that discreet mode can delete the helpline's
    messages of the conversation when the person asks (bot/discreet.py). One short transaction; a failure is logged
    (its class only) and never fails the send."""
    try:
        with session_scope() as session:
            contacts.remember_sent_message(session, "telegram", str(chat_id), int(message_id),
                                           (clock or SystemClock()).now())
    except Exception as exc:  # the reply went out; only the later deletion of this one message is lost
        logger.warning("telegram: a sent message id was not kept: %s", type(exc).__name__)


def release(message: Inbound) -> None:
    """The message could not be handled after all (the store or the dialogue failed): forget that it was seen, so
    the provider's redelivery is processed instead of dropped."""
    with session_scope() as session:
        forget(session, message.channel, message.provider_id)


def _decide(message: Inbound, clock: Clock) -> Decision:
    now = clock.now()
    with session_scope() as session:
        conversation_id = contacts.remember_inbound(session, message.channel, message.address, now)
    language = language_of(message.text)
    if message.text:
        ngo = handle_ngo_message(message.channel, message.address, message.text, clock)
        if ngo is not None:
            logger.info("NGO command handled: %s", ngo.action)
            return Decision("ngo", [ngo.reply])
        erasure = chat_reply(message.channel, message.address, message.text, language, clock)
        if erasure is not None:  # "delete my data" and its confirmation never reach Rasa (bot/erasure.py)
            return Decision("erasure", erasure)
    if message.location is not None:
        latitude, longitude = message.location
        pin = f"{latitude:.5f},{longitude:.5f}"
        kept = _attach(message.input_channel, conversation_id, location=pin)
        if not message.text:
            return Decision("location", [notice("location_kept" if kept else "location_alone", language)])
    if message.media:
        kept = _attach(message.input_channel, conversation_id,
                       media=[{"kind": m.kind, "reference": m.reference} for m in message.media])
        if not message.text:
            replies = [notice("media", language)] + ([notice("media_kept", language)] if kept else [])
            return Decision("media", replies)
    text = message.text or ""
    if not has_emergency_cue(text):
        limiter = _limiter()
        sent = limiter.count(conversation_id)
        if sent > limiter.per_minute > 0:
            # One notice when the limit is crossed, then silence: a flood must not become a flood of paid replies.
            return Decision("limited", [notice("slow_down", language)] if sent == limiter.per_minute + 1 else [])
    return Decision("dialogue", conversation_id=conversation_id, text=text,
                    metadata={"channel": message.channel})
