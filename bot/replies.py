"""The reply catalogue: every text the helpline sends, one file per language, read through `text`.

`bot/data/replies/<language>.yml` maps a message id to its text in that language:

- `utter_...` ids are Rasa responses. `scripts/build_domain.py` writes them into domain.yml's `responses:` as
  conditional variations on the `language` slot, so Rasa picks the text at run time exactly as before. A response
  that also depends on another slot is a mapping from conditions to texts: `default` (no further condition) and
  `report_kind=emergency`, `report_kind=null`, ... (several conditions: `a=x, b=y`). A text may also be a mapping of
  Rasa response fields (`text`, `buttons`, `custom`, ...) or a list of them (random variations).
- `ngo....` ids are what NGOs read (report forwards, acknowledgements, replies to ENROL/CASE): written in
  OFFICE_LANGUAGES only, since NGOs work in English or Hindi (Bhojpuri-speaking NGOs read Hindi).
- Every other id is family-facing text our code sends (channel notices, a case's stages, the case line), written
  in every REPLY_LANGUAGE.

An id not written in the asked language is answered in Hindi: Maithili writers, an unknown or missing language, and
Bhojpuri-speaking NGOs all read Hindi. The reviewed facts (figures, sources, the school letter) stay in
bot/data/facts.yml and are read through `bot.facts`: they carry sources, conditions and their own fallback chain.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from bot.language import REPLY_LANGUAGES

REPLIES_DIR = Path(__file__).resolve().parent / "data" / "replies"

OFFICE_LANGUAGES: tuple[str, ...] = ("en", "hi")
"""Languages NGOs and schools read: NGO texts (ids "ngo....") and the school admission letter."""

FALLBACK_LANGUAGE = "hi"
"""The language of an id asked in a language it is not written in."""

NGO_PREFIX = "ngo."


@cache
def catalogue(language: str) -> dict[str, Any]:
    """Message id -> entry (a text, or a response's variations) as written in `bot/data/replies/<language>.yml`."""
    path = REPLIES_DIR / f"{language}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def languages_of(message_id: str) -> tuple[str, ...]:
    """The languages an id is written in."""
    return OFFICE_LANGUAGES if message_id.startswith(NGO_PREFIX) else REPLY_LANGUAGES


def language_for(message_id: str, language: str | None) -> str:
    """`language` when the id is written in it, else Hindi."""
    return language if language in languages_of(message_id) else FALLBACK_LANGUAGE


def text(message_id: str, language: str | None, /, **values: object) -> str:
    """The text of `message_id` in `language` (Hindi when not written in it), its {placeholders} filled from
    `values` (left as written when no values are given)."""
    entry = catalogue(language_for(message_id, language))[message_id]
    if not isinstance(entry, str):
        raise TypeError(f"{message_id} has variations: Rasa sends it (domain.yml), not text()")
    return entry.format(**values) if values else entry


def texts(prefix: str, language: str | None) -> dict[str, str]:
    """Every text whose id starts with `prefix`, keyed by the rest of the id (e.g. the labels of a forward)."""
    lang = language_for(prefix, language)
    return {key[len(prefix):]: value for key, value in catalogue(lang).items() if key.startswith(prefix)}
