"""Erasure as the application runs it: "delete my data" from a person (with a confirmation) and `helpline erase`.

Two steps, because Rasa's conversations live in another database: (1) one transaction erases everything in our
store and writes a pending `erasures` row holding (encrypted) the conversation ids still to delete; (2) the tracker
events of those conversations and the local chat's waiting messages are deleted, then the row is marked done and
forgets the ids. A process killed anywhere leaves either nothing done (step 1 rolled back) or a pending row, which
`finish_pending` (the `erasures` job of `helpline worker`, and every later erasure) completes; both steps are
idempotent.

The request is read before Rasa sees the message (bot/channels/gate.py, bot/channels/rest.py), never by an NLU
intent: an erasure run from inside a Rasa action would be undone at the end of the same turn, when Rasa saves the
conversation's events again — and the "1" that confirms it would itself be stored in the tracker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from bot import local_inbox
from bot.clock import Clock, SystemClock, as_utc
from bot.conversations import delete_conversation
from bot.crypto import encrypt, pseudonym
from bot.erasure_words import confirmation, looks_like_erasure_request
from bot.followup.erasure import Identity, erase_person, identities_of, mark_done, pending_conversations
from bot.nlu.emergency_cues import has_emergency_cue
from bot.replies import text as reply_text
from bot.settings import get_settings
from bot.store.db import session_scope
from bot.store.models import Contact, Erasure

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErasureResult:
    erasure_id: int
    counts: str


def erase(identities: list[Identity], actor: str, clock: Clock | None = None) -> ErasureResult:
    """Erase a person's data everywhere (store, tracker, local chat inbox) and audit it by counts only."""
    now = (clock or SystemClock()).now()
    with session_scope() as session:
        erasure_id = int(erase_person(session, identities, now, actor).id)
    finish(erasure_id, clock)
    with session_scope() as session:
        counts = session.get(Erasure, erasure_id).counts
    logger.info("erasure %d done by %s: %s", erasure_id, actor, counts)
    return ErasureResult(erasure_id, counts)


def finish(erasure_id: int, clock: Clock | None = None) -> int:
    """Delete the tracker conversations of a pending erasure, then mark it done; returns the events deleted."""
    with session_scope() as session:
        erasure = session.get(Erasure, erasure_id)
        if erasure is None or erasure.status != "pending":
            return 0
        conversations = pending_conversations(erasure)
    deleted = 0
    for conversation in conversations:
        deleted += delete_conversation(conversation)
        local_inbox.discard(conversation)
    with session_scope() as session:
        erasure = session.get(Erasure, erasure_id)
        if erasure is not None and erasure.status == "pending":
            mark_done(erasure, deleted, (clock or SystemClock()).now())
    return deleted


def finish_pending(clock: Clock | None = None) -> int:
    """Complete every erasure a killed process left half-way (the `erasures` job); returns how many."""
    with session_scope() as session:
        ids = list(session.execute(select(Erasure.id).where(Erasure.status == "pending")).scalars())
    for erasure_id in ids:
        finish(erasure_id, clock)
    return len(ids)


def _chat_identities(channel: str, address: str) -> list[Identity]:
    """The person writing: on SMS or WhatsApp their number on both, on Telegram the chat, on REST the sender id."""
    if channel in ("sms", "whatsapp"):
        return identities_of(address)
    return [Identity(channel, address)]


def chat_reply(channel: str, address: str, text: str, language: str, clock: Clock | None = None) -> list[str] | None:
    """The replies when this message is a "delete my data" request or its confirmation; None to pass it on to the
    dialogue. An emergency is never held here."""
    if not text or has_emergency_cue(text):
        return None
    now = (clock or SystemClock()).now()
    key = pseudonym(channel, address)
    with session_scope() as session:
        contact = session.execute(select(Contact).where(Contact.contact_key == key)).scalar_one_or_none()
        if looks_like_erasure_request(text):
            if contact is None:
                contact = Contact(contact_key=key, channel=channel, address_encrypted=encrypt(address))
                session.add(contact)
            contact.erasure_asked_at, contact.language = now, language
            return [reply_text("notice.erasure_confirm", language)]
        if contact is None or contact.erasure_asked_at is None:
            return None
        asked_language = contact.language or language
        window = timedelta(minutes=get_settings().erasure_confirm_minutes)
        answer = confirmation(text) if as_utc(contact.erasure_asked_at) + window >= now else None
        contact.erasure_asked_at = None
    if answer is None:
        return None
    if not answer:
        return [reply_text("notice.erasure_kept", asked_language)]
    erase(_chat_identities(channel, address), "person", clock)
    return [reply_text("notice.erasure_done", asked_language)]
