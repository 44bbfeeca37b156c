"""The console's words in English and Hindi, from the reply catalogue (`ngo.console.*` in bot/data/replies/en.yml
and hi.yml) like every other text NGOs read: one place for a reviewer, the same placeholder checks
(tests/test_catalogue.py). The language is the one chosen with ?lang= (kept in the session), else the browser's."""

from __future__ import annotations

from flask import Flask, request, session

from bot.replies import text

LANGUAGES = ("en", "hi")
PREFIX = "ngo.console."


def current_language() -> str:
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def t(key: str, **values: object) -> str:
    """The console's text `key` in the current language."""
    return text(PREFIX + key, current_language(), **values)


def install(app: Flask) -> None:
    app.jinja_env.globals.update(t=t, current_language=current_language, LANGUAGES=LANGUAGES)
