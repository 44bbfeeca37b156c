"""Which language to reply in, turn by turn.

An explicit choice ("Hindi mein", or a number on the language menu) wins and sticks until the next explicit choice.
Otherwise the reply language follows what the person writes, but only on confident evidence: a bare "ok" or "1"
must not flip a Bhojpuri conversation into English. The very first message is different: there is no conversation
language to protect yet, so any evidence at all ("hello", "namaste") beats the default.
"""

from __future__ import annotations

from bot.language import detect_language, language_from_menu_choice, reply_language, requested_language
from bot.menu import LANGUAGE_PROMPT

MIN_CONFIDENCE_TO_SWITCH = 0.5
MIN_CONFIDENCE_FIRST_MESSAGE = 0.05
# A first message in letters no lexicon knows: the language of its script that most people here write in it.
FIRST_MESSAGE_SCRIPT_DEFAULT = {"Latn": "hi-Latn", "Deva": "hi", "Arab": "ur"}


def next_language(
    text: str, current: str | None, locked: bool, last_prompt: str | None, first_message: bool = False
) -> tuple[str | None, bool]:
    """(reply language, locked) after reading `text`."""
    if last_prompt == LANGUAGE_PROMPT:
        chosen = language_from_menu_choice(text)
        if chosen:
            return chosen, True
    requested = requested_language(text)
    if requested:
        return requested, True
    if locked:
        return current, True
    detection = detect_language(text)
    threshold = MIN_CONFIDENCE_FIRST_MESSAGE if first_message else MIN_CONFIDENCE_TO_SWITCH
    if detection.language is None and first_message and detection.script in FIRST_MESSAGE_SCRIPT_DEFAULT:
        # No known word, but letters: "bachao bachao" or a name. Answer in the script the person writes (the
        # default, Hindi, is Devanagari; a Latin-letter writer here is most likely writing Roman Hindi).
        return FIRST_MESSAGE_SCRIPT_DEFAULT[detection.script], False
    if detection.language is None or detection.confidence < threshold:
        return current, False
    return reply_language(detection.language, detection.script) or current, False
