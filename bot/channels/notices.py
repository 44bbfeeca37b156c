"""The few replies a channel sends itself, before the dialogue: about media, a location pin, or too many messages.

Their texts are the catalogue's `notice.*` ids (bot/data/replies): short (one SMS segment where possible), giving the
helplines where it matters.
"""

from __future__ import annotations

from bot.replies import text


def notice(name: str, language: str | None) -> str:
    """The notice in `language`; Hindi for Maithili, an unknown or no language."""
    return text(f"notice.{name}", language)
