"""Looking up a family's own case (compensation claim stage, school stage, next check-in).

The answers for "where is our money?" and "what is happening in our case?" ask this one function first and fall
back to general guidance when it finds nothing. Cases are created by follow-up enrolment (bot/followup/).
"""

from __future__ import annotations

from bot.followup.family import CaseSummary, case_summary
from bot.store.db import session_scope

__all__ = ["CaseSummary", "find_case"]


def find_case(channel: str, sender_id: str, language: str | None = None) -> CaseSummary | None:
    """The case enrolled for this conversation, in plain words, or None when there is none."""
    with session_scope() as session:
        return case_summary(session, channel, sender_id, language)
