"""Report codes drawn twice: `submit_report` works in its caller's transaction and tries each code in a savepoint,
so a code another replica took at the same moment is drawn again without losing the caller's other work.

The draws are made deterministic by replacing the random source (`secrets.randbelow`) with a fixed sequence; the
two transactions meet through PostgreSQL itself (the second is seen waiting on the first's row lock), never a sleep.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from bot.reports import drafts
from bot.reports.codes import _check_digit
from bot.reports.service import SubmittedReport, submit_report
from bot.store.db import session_scope
from bot.store.models import Report, ReportDraft

REPORTER = "+15005550006"
OTHER = "+15005550007"
FIELDS: dict[str, Any] = {"district": "Gaya", "what": "ek dalal aaya tha", "contact": "anonymous"}


@pytest.fixture
def draws(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The numbers `secrets.randbelow` returns, in order (the test appends them)."""
    sequence: list[int] = []
    lock = threading.Lock()

    def next_draw(_: int) -> int:
        with lock:
            return sequence.pop(0)

    monkeypatch.setattr("bot.reports.codes.secrets.randbelow", next_draw)
    yield sequence


def _code(body: int) -> str:
    return f"{body:06d}{_check_digit(f'{body:06d}')}"


def test_a_code_already_taken_is_drawn_again(store_url: str, draws: list[int]) -> None:
    draws.extend([111111, 111111, 222222])
    with session_scope() as session:
        first = submit_report(session, "recruitment", FIELDS, "sms", REPORTER, "hi-Latn")
    with session_scope() as session:
        drafts.save_draft(session, "sms", OTHER, "missing", {"what": "beta gayab"})
        second = submit_report(session, "missing", FIELDS, "sms", OTHER, "hi-Latn",
                               draft_key=drafts.conversation_key("sms", OTHER))
    assert (first.code, second.code) == (_code(111111), _code(222222))
    with session_scope() as session:
        assert session.execute(select(Report.code).order_by(Report.id)).scalars().all() == [first.code, second.code]
        assert session.execute(select(ReportDraft)).first() is None  # deleted with the report it became


@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
def test_a_code_drawn_at_the_same_moment_by_two_replicas_is_retried_in_a_savepoint(
    store_url: str, draws: list[int]
) -> None:
    """A holds code C1 uncommitted; B draws C1 too (its check cannot see A's row), blocks on the unique index, gets
    the IntegrityError when A commits, rolls back to its savepoint only, draws C2 — and B's earlier work stays."""
    draws.extend([111111, 111111, 222222])
    results: dict[str, SubmittedReport | BaseException] = {}

    def replica_b() -> None:
        try:
            with session_scope() as session:
                drafts.save_draft(session, "sms", OTHER, "missing", {"what": "beta gayab"})  # the caller's own work
                results["b"] = submit_report(session, "missing", FIELDS, "sms", OTHER, "hi-Latn")
        except BaseException as error:  # noqa: BLE001 - handed to the main thread's assertion
            results["b"] = error

    with session_scope() as session:
        results["a"] = submit_report(session, "recruitment", FIELDS, "sms", REPORTER, "hi-Latn")
        a_backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        thread = threading.Thread(target=replica_b)
        thread.start()
        _wait_until_blocked_by(store_url, a_backend)
    thread.join(timeout=60)
    assert not thread.is_alive()
    a, b = results["a"], results["b"]
    assert isinstance(a, SubmittedReport) and isinstance(b, SubmittedReport), results
    assert (a.code, b.code) == (_code(111111), _code(222222))
    with session_scope() as session:
        assert sorted(session.execute(select(Report.code)).scalars()) == sorted([a.code, b.code])
        assert drafts.load_draft(session, "sms", OTHER) == ("missing", {"what": "beta gayab"})


def _wait_until_blocked_by(url: str, backend: int) -> None:
    """Explicit synchronisation: PostgreSQL says when B's insert is blocked by A's transaction."""
    engine = create_engine(url, future=True)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                waiting = connection.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE :a = ANY(pg_blocking_pids(pid))"
                ), {"a": backend}).scalar_one()
            if waiting:
                return
            time.sleep(0.01)  # polling a condition, not a timing assumption
        raise AssertionError("the second transaction never reached the unique index")
    finally:
        engine.dispose()
