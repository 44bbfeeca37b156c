"""Shared set-up for the report tests: the sample directory in a fresh store, and a quick way to file a report."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from bot.clock import ManualClock
from bot.reports.directory import import_directory, load_directory
from bot.reports.service import SubmittedReport, submit_report
from bot.store.db import session_scope

# Fictitious reporters: Twilio test numbers only.
REPORTER = "+15005550006"
AGENT_PHONE = "+919999999999"  # the shape of an Indian mobile number; fictitious
SECRET_TEXT = "Dalal Ramesh Kumar ne Rampur gaon me teen bachchon ko 5000 advance diya"


def import_sample() -> None:
    from bot.settings import PROJECT_ROOT

    with session_scope() as session:
        import_directory(session, load_directory(PROJECT_ROOT / "bot" / "data" / "ngos.sample.yml"))


def file_report(clock: ManualClock, kind: str = "recruitment", district: str | None = "Gaya",
                consent: str = "share", **extra: Any) -> SubmittedReport:
    fields: dict[str, Any] = {
        "district": district,
        "place": "Rampur",
        "what": SECRET_TEXT,
        "children_count": 3,
        "children_ages": [12, 14],
        "destination": "Jaipur",
        "train_number": "12394",
        "agent": "lamba aadmi, kala bag",
        "agent_phone": AGENT_PHONE,
        "contact": consent,
    }
    fields.update(extra)
    return in_transaction(submit_report, kind, fields, "sms", REPORTER, "hi-Latn", clock.now())


T = TypeVar("T")


def in_transaction(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a lower-layer function the way the application layer does: in a unit of work of its own."""
    with session_scope() as session:
        return function(session, *args, **kwargs)
