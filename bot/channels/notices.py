"""The few replies a channel sends itself, before the dialogue: about media, a location pin, or too many messages.

Their texts are the catalogue's `notice.*` ids (bot/data/replies): short (one SMS segment where possible), giving the
helplines where it matters.
"""

from __future__ import annotations

from bot.nlu.emergency_cues import has_emergency_cue
from bot.replies import text


def notice(name: str, language: str | None) -> str:
    """The notice in `language`; Hindi for Maithili, an unknown or no language."""
    return text(f"notice.{name}", language)


def failure_replies(message_text: str | None, language: str | None) -> list[str]:
    """What a channel says itself when the dialogue could not answer (Rasa's lock store, tracker store or model
    failed): the error notice, which gives 112 and 1098; a message with a strong emergency cue first gets the full
    emergency numbers from the catalogue (112, 1098, 139), the dialogue's own first reply to an emergency, so a cry
    for help is answered even while the assistant is down."""
    replies = [notice("error", language)]
    if message_text and has_emergency_cue(message_text):
        replies.insert(0, text("utter_emergency_numbers", language))
    return replies
