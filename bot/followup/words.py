"""Plain words for a family's case (stages, dates, the status line), from the catalogue's `case.*` ids
(bot/data/replies), where a reviewer reads every sentence a family will see."""

from __future__ import annotations

from datetime import date

from bot.replies import catalogue, language_for, text

SCHOOL_STAGES = ("not_enrolled", "enrolled", "bridge_class", "attending")
CLAIM_STAGES = ("not_started", "applied", "sanctioned", "paid")
SCHEMES = ("child_labour_fund", "clts", "bonded_labour", "back_wages", "victim_compensation", "other")
"""Scheme codes; their names as families know them are the catalogue's `case.scheme.*`."""


def _word(message_id: str, language: str | None, unknown: str) -> str:
    """A stage's or scheme's words; the code itself when the catalogue has none (a stage added in the database)."""
    return catalogue(language_for(message_id, language)).get(message_id, unknown)


def school_words(stage: str, language: str | None) -> str:
    return _word(f"case.school.{stage}", language, stage)


def claims_words(claims: list[tuple[str, str]], language: str | None) -> str:
    """"Child Labour Fund: applied, Bihar Rs 25,000 (CLTS): paid" — or "no claim recorded yet"."""
    if not claims:
        return text("case.claim.none", language)
    return ", ".join(f"{_word(f'case.scheme.{scheme}', language, scheme)}: "
                     f"{_word(f'case.claim.{stage}', language, stage)}" for scheme, stage in claims)


def date_words(day: date | None, language: str | None) -> str:
    """Dates as digits (day-month-year), which every family reads whatever the script."""
    return day.strftime("%d-%m-%Y") if day else text("case.no_checkin", language)


def followup_words(status: str, next_day: date | None, language: str | None) -> str:
    if status == "opted_out":
        return text("case.paused", language)
    if status == "pending":
        return text("case.pending", language)
    return date_words(next_day, language)
