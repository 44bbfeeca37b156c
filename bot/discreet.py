"""Discreet mode for a shared phone: what it means for a conversation, and the person's requests about it.

On the Bihar–Jaipur corridor the agent is often a neighbour or a relative and the family's phone is shared. A person
can switch discreet mode on for their own number (menu 7, "discreet mode" / "gupt mode" / "गुप्त मोड" in any
language, or 7 after a report) by choosing a code word. From then on:

- every reply and check-in is the response's `discreet.*` variant in the catalogue (bot/data/replies), in the same
  language and with the same meaning for the person who knows, but without "agent", "police", "NGO", "report",
  reference codes or their Hindi/Bhojpuri equivalents. Rasa picks it on the slot `discreet`, which
  `action_read_message` sets on every message from the contact's stored flag (`conversation_is_discreet`): the one
  place the choice is made. The emergency reply (112 / 1098 / 139) has no discreet variant: it is never held back;
- sending the code word stops everything at once (bot/followup/discreet.py): no further message to the number, open
  check-ins paused, the NGO told to contact the family only through a home visit; the reply to it is silence;
- "clear" (its words in every language) deletes the helpline's own messages of a Telegram chat (Bot API
  deleteMessage, within Telegram's 48 hours); on WhatsApp and SMS a bot cannot, and the person is told how to;
- an NGO forward of a report made in discreet mode says not to call back or write openly (bot/reports/forward.py).

A code word is one word that means nothing else to the helpline: not a number, a menu or command word, a language,
a word of this mode's own requests, or an emergency cue (those are refused when chosen). It is kept only as a keyed
hash bound to the contact (bot/store/contacts.py). The readers here are pure; the side effects run in the caller's
transaction (bot/message_readers.py opens it).
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import cache

from sqlalchemy.orm import Session

from bot.delivery.senders import telegram_bot
from bot.followup.cases import family_address
from bot.followup.discreet import stop_everything
from bot.language import language_from_menu_choice, requested_language
from bot.menu import parse_option_number
from bot.nlu.emergency_cues import has_emergency_cue
from bot.settings import get_settings
from bot.store import contacts
from bot.store.db import session_scope
from bot.text import lexicon
from bot.text.tokens import words as _tokens

logger = logging.getLogger(__name__)

_MAX_REQUEST_WORDS = 6
# Why a chosen code word is refused (logged by reason only, never the word).
NOT_ONE_WORD, NUMBER, RESERVED, EMERGENCY = "not_one_word", "number", "reserved", "emergency"
CLEAR_TIPS = {"telegram": "utter_clear_tip_telegram", "whatsapp": "utter_clear_tip_whatsapp",
              "sms": "utter_clear_tip_sms"}
OTHER_TIP = "utter_clear_tip_other"
CLEARED = "utter_chat_cleared"


def _is_request(text: str, core: frozenset[str], fillers: frozenset[str]) -> bool:
    tokens = _tokens(text)
    return (0 < len(tokens) <= _MAX_REQUEST_WORDS and any(t in core for t in tokens)
            and all(t in core or t in fillers for t in tokens))


def asks_for_discreet_mode(text: str) -> bool:
    """"discreet mode", "gupt mode chalu karo", "गुप्त मोड", "privacy please": short, and nothing else in it."""
    return _is_request(text, lexicon.words("discreet_request"), lexicon.words("discreet_fillers"))


def asks_to_clear_chat(text: str) -> bool:
    """"clear", "chat saaf karo", "मैसेज मिटाओ"; never "delete my data" (that is erasure, not this)."""
    return _is_request(text, lexicon.words("clear_request"), lexicon.words("clear_fillers"))


def code_word(text: str) -> str | None:
    """The message as a code word: its one word, lower-case NFC; None when it is not exactly one word."""
    tokens = _tokens(text)
    return tokens[0] if len(tokens) == 1 else None


@cache
def _reserved_words() -> frozenset[str]:
    """Words that already mean something to the helpline: menu and command words, yes/no, stop, status, restart,
    language names, this mode's own request words."""
    sets = ("code_word_reserved", "discreet_request", "clear_request", "menu_fillers", "restart_words",
            "status_words", "checkin_yes", "checkin_no")
    found: set[str] = set()
    for name in sets:
        found |= lexicon.words(name)
    found |= set(lexicon.number_words("menu_options"))
    found |= {phrase for phrase in lexicon.phrases("report_stop") if " " not in phrase}
    return frozenset(found)


def code_word_problem(text: str) -> str | None:
    """Why this message cannot be a code word, or None when it can."""
    word = code_word(text)
    if word is None:
        return NOT_ONE_WORD
    if any(ch.isdigit() for ch in word) or parse_option_number(text) is not None:
        return NUMBER
    if has_emergency_cue(text):
        return EMERGENCY
    if word in _reserved_words() or requested_language(text) or language_from_menu_choice(text):
        return RESERVED
    return None


def _contact(session: Session, input_channel: str | None, conversation_id: str) -> tuple[str, str]:
    """(channel, address) of the person of a conversation, as follow-up and the contacts table know it (check-ins
    on the REST channel come through Rasa's "collector" channel)."""
    return family_address(session, input_channel, conversation_id)


def conversation_is_discreet(session: Session, input_channel: str | None, conversation_id: str) -> bool:
    """The one place that decides whether a conversation is answered in discreet mode: the contact's stored flag."""
    return contacts.is_discreet(session, *_contact(session, input_channel, conversation_id))


def is_code_word(session: Session, input_channel: str | None, conversation_id: str, text: str) -> bool:
    return contacts.is_code_word(session, *_contact(session, input_channel, conversation_id), code_word(text))


def switch_on(session: Session, input_channel: str | None, conversation_id: str, text: str, now: datetime) -> None:
    """Discreet mode on with the code word in `text` (checked by `code_word_problem` first)."""
    word = code_word(text)
    if word is None or code_word_problem(text) is not None:
        raise ValueError("not an acceptable code word")
    contacts.switch_on_discreet(session, *_contact(session, input_channel, conversation_id), word, now)


def stop(session: Session, input_channel: str | None, conversation_id: str, now: datetime) -> None:
    """The code word was sent: everything stops (bot/followup/discreet.py)."""
    stop_everything(session, *_contact(session, input_channel, conversation_id), now)


def channel_of(input_channel: str | None, conversation_id: str) -> str:
    """The person's channel: telegram, whatsapp, sms, or rest (the local chat)."""
    with session_scope() as session:
        return _contact(session, input_channel, conversation_id)[0]


def clear_tip(channel: str) -> str:
    """The response telling a person on this channel how to clear the chat (and whether the helpline can)."""
    return CLEAR_TIPS.get(channel, OTHER_TIP)


async def clear_chat(input_channel: str | None, conversation_id: str) -> str:
    """"Clear the chat": on Telegram the helpline deletes the messages it sent into this chat (the ids its channel
    kept, those of the last 48 hours) and says so; elsewhere a bot cannot, and the reply says how to do it by hand.
    Returns the response to send."""
    with session_scope() as session:
        channel, address = _contact(session, input_channel, conversation_id)
        ids = contacts.sent_message_ids(session, channel, address) if channel == "telegram" else []
    settings = get_settings()
    if channel != "telegram" or not settings.telegram_bot_token:
        return clear_tip(channel)
    bot = telegram_bot(settings.telegram_bot_token, settings.telegram_api_base)
    deleted = 0
    async with bot:
        for message_id in ids:
            try:
                await bot.delete_message(chat_id=int(address), message_id=message_id)
                deleted += 1
            except Exception as exc:  # too old or already deleted by the person: the others still go
                logger.info("telegram: a message was not deleted: %s", type(exc).__name__)
    with session_scope() as session:
        contacts.forget_sent_messages(session, channel, address)
    logger.info("telegram: %d of %d sent message(s) deleted on request", deleted, len(ids))
    return CLEARED
