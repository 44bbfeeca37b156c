"""Looking up a family's own case (compensation claim stage, school stage, next check-in).

The answers for "where is our money?" and "what is happening in our case?" ask this one function first and fall back
to general guidance when it finds nothing. Case records are created by the follow-up work (NGO enrolment of returned
children, not built yet); until then there is no case to find, and the function says so by returning None rather than
guessing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CaseSummary:
    """What a family may see of its own case: stages only, no personal data."""

    reference: str
    compensation_stage: str
    school_stage: str
    next_check_in: str | None


def find_case(channel: str, sender_id: str) -> CaseSummary | None:
    """The case enrolled for this contact, or None while no case records exist (see module docstring)."""
    return None
