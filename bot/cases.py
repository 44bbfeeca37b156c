"""Looking up a family's own case (compensation claim stage, school stage, next check-in).

The answers for "where is our money?" and "what is happening in our case?" ask this one function first and fall
back to general guidance when it finds nothing. Cases are created by follow-up enrolment (bot/followup/).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseSummary:
    """What a family may see of its own case, in its language: stages and the next check-in, no personal data."""

    reference: str
    compensation_stage: str
    school_stage: str
    next_check_in: str | None


def find_case(channel: str, sender_id: str, language: str | None = None) -> CaseSummary | None:
    """The case enrolled for this conversation, in plain words, or None when there is none."""
    from bot.followup.family import case_summary  # the follow-up package imports this module's CaseSummary

    return case_summary(channel, sender_id, language)
