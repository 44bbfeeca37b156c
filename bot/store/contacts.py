"""Operations on contacts: opt-out and call-back requests. The address is hashed for lookup and encrypted for use.

Every function works in the caller's transaction (`session`): the application layer opens it (see the README)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.crypto import decrypt, encrypt, pseudonym
from bot.store.consents import record_consent
from bot.store.models import CallbackRequest, Contact, SentChatMessage, utcnow


def _get_or_create(session: Session, channel: str, address: str) -> Contact:
    key = pseudonym(channel, address)
    contact = session.execute(select(Contact).where(Contact.contact_key == key)).scalar_one_or_none()
    if contact is None:
        contact = Contact(contact_key=key, channel=channel, address_encrypted=encrypt(address))
        session.add(contact)
        session.flush()
    return contact


def record_callback_request(session: Session, channel: str, address: str, language: str | None) -> int:
    """Store a consented call-back request; returns its id. Called only after the person said yes."""
    contact = _get_or_create(session, channel, address)
    contact.language = language or contact.language
    request = CallbackRequest(contact_id=contact.id, language=language, consent_given_at=utcnow())
    session.add(request)
    record_consent(session, channel, address, "callback", "utter_ask_callback_consent", language,
                   now=request.consent_given_at)
    session.flush()
    return int(request.id)


def set_opted_out(session: Session, channel: str, address: str, opted_out: bool, language: str | None = None) -> None:
    """Mark a person as not to be contacted (or contactable again), in the caller's transaction. Only
    bot.followup.family's `stop_checkins`/`restart_checkins` call it, so that an opt-out is recorded once."""
    contact = _get_or_create(session, channel, address)
    contact.opted_out = opted_out
    contact.opted_out_at = utcnow() if opted_out else None
    contact.language = language or contact.language


def is_opted_out(session: Session, channel: str, address: str) -> bool:
    key = pseudonym(channel, address)
    contact = session.execute(select(Contact).where(Contact.contact_key == key)).scalar_one_or_none()
    return bool(contact and contact.opted_out)


@dataclass(frozen=True)
class OpenCallback:
    """A call-back request as the coordinators' command line shows it (decrypted)."""

    id: int
    created_at: datetime
    channel: str
    address: str
    language: str | None


def open_callback_requests(session: Session) -> list[OpenCallback]:
    """Open requests, oldest first, decrypted: for the coordinators' command line only."""
    rows = session.execute(
        select(CallbackRequest).where(CallbackRequest.status == "open").order_by(CallbackRequest.id)
    ).scalars()
    return [
        OpenCallback(row.id, row.created_at, row.contact.channel, decrypt(row.contact.address_encrypted),
                     row.language)
        for row in rows
    ]


def remember_inbound(session: Session, channel: str, address: str, now: datetime | None = None) -> str:
    """Note that this address just wrote (WhatsApp's 24-hour window) and return the conversation id to give Rasa:
    the contact's pseudonym, so Rasa's tracker store never holds the phone number or chat id."""
    contact = _get_or_create(session, channel, address)
    contact.last_inbound_at = now or utcnow()
    return str(contact.contact_key)


def address_for(session: Session, conversation_id: str) -> tuple[str, str] | None:
    """(channel, address) behind a conversation id made by `remember_inbound`; None for ids that are not ours
    (the REST channel's clients choose their own)."""
    contact = session.execute(
        select(Contact).where(Contact.contact_key == conversation_id)
    ).scalar_one_or_none()
    return (contact.channel, decrypt(contact.address_encrypted)) if contact else None


def last_inbound(session: Session, channel: str, address: str) -> datetime | None:
    contact = session.execute(
        select(Contact).where(Contact.contact_key == pseudonym(channel, address))
    ).scalar_one_or_none()
    return contact.last_inbound_at if contact else None


def reach(session: Session, input_channel: str, conversation_id: str) -> tuple[str, str]:
    """How to reach the person of a conversation: (channel, address). Real channels give Rasa a pseudonym (see
    `remember_inbound`); the REST channel's sender id is its own address."""
    return address_for(session, conversation_id) or (input_channel, conversation_id)


# --- discreet mode (bot/discreet.py): the contact's flag, its code word (a keyed hash) and the stop -------------------

DELETABLE_FOR = timedelta(hours=48)  # the Bot API's limit on deleting a message the bot sent


def _find(session: Session, channel: str, address: str) -> Contact | None:
    key = pseudonym(channel, address)
    return session.execute(select(Contact).where(Contact.contact_key == key)).scalar_one_or_none()


def code_word_key(channel: str, address: str, word: str) -> str:
    """The keyed hash a code word is kept as: bound to the contact, so equal words of two people differ."""
    return pseudonym("code-word", channel, address, word)


def is_discreet(session: Session, channel: str, address: str) -> bool:
    """Whether this person switched discreet mode on for their number."""
    contact = _find(session, channel, address)
    return bool(contact and contact.discreet)


def is_discreet_key(session: Session, contact_key: str | None) -> bool:
    """Whether the contact with this pseudonym is in discreet mode (for a report or case that keeps only the key)."""
    if not contact_key:
        return False
    found = session.execute(select(Contact.discreet).where(Contact.contact_key == contact_key)).scalar_one_or_none()
    return bool(found)


def switch_on_discreet(session: Session, channel: str, address: str, word: str, now: datetime) -> None:
    """Discreet mode on, with the code word the person chose (normalised by the caller); a new word replaces the
    old one. In the caller's transaction."""
    contact = _get_or_create(session, channel, address)
    contact.discreet = True
    contact.discreet_since = contact.discreet_since or now
    contact.code_word_key = code_word_key(channel, address, word)


def is_code_word(session: Session, channel: str, address: str, word: str | None) -> bool:
    """Whether `word` (normalised) is this person's code word."""
    if not word:
        return False
    contact = _find(session, channel, address)
    return bool(contact and contact.code_word_key and contact.code_word_key == code_word_key(channel, address, word))


def set_home_visit_only(session: Session, channel: str, address: str, now: datetime) -> None:
    """The code word was sent: the helpline writes nothing more to this number on its own (the opt-out every
    sender honours) and remembers when, for the NGO and coordinators."""
    contact = _get_or_create(session, channel, address)
    contact.opted_out, contact.opted_out_at = True, contact.opted_out_at or now
    contact.home_visit_only_at = now


def remember_sent_message(session: Session, channel: str, address: str, message_id: int, now: datetime) -> None:
    """Keep the id of a message the helpline sent into this chat (Telegram), so it can delete it when asked."""
    key = pseudonym(channel, address)
    # Telegram lets a bot delete a message only within 48 hours of sending it: older ids are of no use.
    session.execute(delete(SentChatMessage).where(SentChatMessage.contact_key == key,
                                                  SentChatMessage.sent_at < now - DELETABLE_FOR))
    session.add(SentChatMessage(contact_key=key, message_id=message_id, sent_at=now))


def sent_message_ids(session: Session, channel: str, address: str) -> list[int]:
    rows = session.execute(select(SentChatMessage.message_id).where(
        SentChatMessage.contact_key == pseudonym(channel, address)).order_by(SentChatMessage.id))
    return [int(row[0]) for row in rows]


def forget_sent_messages(session: Session, channel: str, address: str) -> None:
    session.execute(delete(SentChatMessage).where(SentChatMessage.contact_key == pseudonym(channel, address)))
