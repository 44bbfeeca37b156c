"""The job registry and runner (bot.jobs), `helpline jobs`, and the one claim/lease helper (bot.store.lease).

On SQLite and PostgreSQL, with manual clocks: a job is due when its interval has passed on the runner's clock, never
the wall clock's. Racing claimers meet at a `threading.Barrier`; nothing sleeps.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.clock import ManualClock, as_utc
from bot.jobs import Job, JobContext, Runner, job_named, registry, run_job
from bot.jobs.runner import last_runs
from bot.store.db import session_scope
from bot.store.lease import Lease
from bot.store.models import Delivery, InboundSeen, JobRun
from tests.reports_helpers import AGENT_PHONE, file_report, import_sample

RETENTION = ["retention-drafts", "retention-report-text", "retention-cases", "retention-deliveries"]
JOBS = ["routing", "escalations", "draft-expiry", "pruning", "conversation-retention", "deliveries", "check-ins",
        "reminders", "erasures", *RETENTION]


def _job(name: str, run, takes: str = "session", interval: float = 10.0, **extra) -> Job:  # type: ignore[no-untyped-def]
    return Job(name, timedelta(seconds=interval), run, lambda session, now: 0, "a test job", takes=takes, **extra)


def _runs() -> dict[str, JobRun]:
    with session_scope() as session:
        return last_runs(session)


def _seen() -> int:
    with session_scope() as session:
        return session.execute(select(func.count(InboundSeen.id))).scalar_one()


# --- the registry ------------------------------------------------------------------------------------------------


def test_the_registry_lists_every_job_in_order_with_its_interval(helpline_env: object,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import _reset_caches

    monkeypatch.setenv("HELPLINE_WORKER_POLL_SECONDS", "2")
    monkeypatch.setenv("HELPLINE_FOLLOWUP_POLL_SECONDS", "45")
    _reset_caches()
    jobs = registry()
    assert [job.name for job in jobs] == JOBS
    assert {job.name: job.interval.total_seconds() for job in jobs} == {
        "routing": 2, "escalations": 2, "draft-expiry": 2, "pruning": 3600, "conversation-retention": 3600,
        "deliveries": 2, "check-ins": 45, "reminders": 45, "erasures": 2, **{name: 3600 for name in RETENTION}}
    assert {job.name: job.group for job in jobs} == {name: "followup" if name in ("check-ins", "reminders")
                                                     else "reports" for name in JOBS}
    # database-only jobs run in the runner's one transaction; the ones making slow calls keep their own sessions
    assert [job.name for job in jobs if job.takes == "session"] == ["routing", "escalations", "draft-expiry", "pruning",
                                                                    *RETENTION]
    assert job_named("deliveries").again_when_busy
    with pytest.raises(KeyError):
        job_named("no-such-job")


def test_a_runner_leaves_out_jobs_whose_worker_it_was_not_given(helpline_env: object) -> None:
    runner = Runner(registry(), JobContext(clock=ManualClock()))
    assert [job.name for job in runner.jobs] == ["routing", "escalations", "draft-expiry", "pruning",
                                                 "conversation-retention", "erasures", *RETENTION]


# --- the runner --------------------------------------------------------------------------------------------------


def test_a_job_runs_only_when_its_interval_has_passed(store_url: str) -> None:
    clock = ManualClock()
    ran: list[datetime] = []

    def tick(session, now):  # type: ignore[no-untyped-def]
        ran.append(now)
        return 2

    runner = Runner([_job("tick", tick, interval=60), _job("hourly", lambda s, n: 0, interval=3600)],
                    JobContext(clock=clock))
    assert runner.run_due() == {"tick": 2, "hourly": 0}
    assert runner.run_due() == {}
    clock.advance(seconds=59)
    assert runner.run_due() == {}
    clock.advance(seconds=1)
    assert runner.run_due() == {"tick": 2}
    assert ran == [clock.now() - timedelta(seconds=60), clock.now()]
    clock.advance(minutes=59)
    assert runner.run_due() == {"tick": 2, "hourly": 0}
    runs = _runs()
    assert (runs["tick"].outcome, runs["tick"].count, as_utc(runs["tick"].started_at)) == ("ok", 2, clock.now())
    assert runs["hourly"].count == 0


def test_a_busy_job_is_due_again_at_once(store_url: str) -> None:
    clock = ManualClock()
    backlog = [3]

    def drain(context, now):  # type: ignore[no-untyped-def]
        done = min(backlog[0], 2)
        backlog[0] -= done
        return done

    runner = Runner([_job("drain", drain, takes="context", again_when_busy=True)], JobContext(clock=clock))
    assert runner.run_due() == {"drain": 2}
    assert runner.run_due() == {"drain": 1}  # the clock has not moved: it did something, so it goes on
    assert runner.run_due() == {"drain": 0}
    assert runner.run_due() == {}  # idle: now it waits for its interval


def test_a_failing_job_is_recorded_rolled_back_and_does_not_stop_the_others(
        store_url: str, caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock()

    def writes_then_fails(session, now):  # type: ignore[no-untyped-def]
        session.add(InboundSeen(channel="sms", provider_id="SM-partial", seen_at=now))
        session.flush()
        raise RuntimeError(f"could not reach {AGENT_PHONE}")

    def writes(session, now):  # type: ignore[no-untyped-def]
        session.add(InboundSeen(channel="sms", provider_id=f"SM-kept-{now:%H%M%S}", seen_at=now))
        return 1

    def fails_outside(context, now):  # type: ignore[no-untyped-def]
        raise ValueError("report text")

    runner = Runner([_job("first", writes_then_fails), _job("outside", fails_outside, takes="context"),
                     _job("second", writes)], JobContext(clock=clock))
    with caplog.at_level(logging.INFO):
        assert runner.run_due() == {"first": None, "outside": None, "second": 1}
    assert _seen() == 1  # the failed run's unit of work was rolled back; the next job's committed
    runs = _runs()
    assert (runs["first"].outcome, runs["first"].error) == ("failed", "RuntimeError")
    assert (runs["outside"].outcome, runs["outside"].error) == ("failed", "ValueError")
    assert (runs["second"].outcome, runs["second"].count) == ("ok", 1)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "RuntimeError" in logged and "ValueError" in logged
    assert AGENT_PHONE not in caplog.text and "report text" not in caplog.text  # class names only
    assert runner.run_due() == {}  # tried again at its next interval, like any other run
    clock.advance(seconds=10)
    assert runner.run_due() == {"first": None, "outside": None, "second": 1}


def test_run_job_raises_what_the_job_raised_after_recording_it(store_url: str) -> None:
    clock = ManualClock()

    def fails(session, now):  # type: ignore[no-untyped-def]
        raise LookupError("x")

    runner = Runner([_job("fails", fails)], JobContext(clock=clock))
    with pytest.raises(LookupError):
        runner.run(runner.jobs[0], strict=True)
    assert _runs()["fails"].outcome == "failed"
    assert run_job("pruning", clock) == 0 and _runs()["pruning"].outcome == "ok"


# --- helpline jobs -----------------------------------------------------------------------------------------------


def _jobs_table(capsys: pytest.CaptureFixture[str], clock: ManualClock) -> dict[str, list[str]]:
    assert main(["jobs"], clock) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["job", "every", "last", "run", "result", "backlog"]
    table = {}
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.split("  ") if cell.strip()]
        table[cells[0]] = cells[1:]
    return table


def test_helpline_jobs_shows_each_jobs_last_run_and_backlog(store_url: str,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    clock = ManualClock()
    import_sample()
    file_report(clock)
    with session_scope() as session:
        pending = session.execute(select(func.count(Delivery.id)).where(Delivery.status == "pending")).scalar_one()
        session.add_all([InboundSeen(channel="sms", provider_id=f"SM-old-{n}", seen_at=clock.now() - timedelta(days=8))
                         for n in range(3)]
                        + [InboundSeen(channel="sms", provider_id="SM-new", seen_at=clock.now())])
    assert pending >= 1

    table = _jobs_table(capsys, clock)
    assert list(table) == JOBS
    assert table["routing"] == ["0.5s", "never", "-", "0"]
    assert table["pruning"] == ["1h", "never", "-", "3"]
    assert table["deliveries"] == ["0.5s", "never", "-", str(pending)]
    assert table["escalations"][-1] == "0" and table["check-ins"] == ["30s", "never", "-", "0"]

    clock.advance(hours=5)  # past the acknowledgement deadline
    assert _jobs_table(capsys, clock)["escalations"][-1] == "1"
    assert run_job("escalations", clock) == 1
    assert run_job("pruning", clock) == 3
    clock.advance(minutes=3)
    table = _jobs_table(capsys, clock)
    assert table["escalations"][1:] == ["3m ago", "ok, 1", "0"]
    assert table["pruning"] == ["1h", "3m ago", "ok, 3", "0"]
    assert table["deliveries"][-1] == str(pending + 1)  # the escalation queued one more forward
    assert table["routing"][1] == "never"

    def boom(context, now):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    failing = dataclasses.replace(job_named("reminders"), run=boom, needs=None)
    Runner([failing], JobContext(clock=clock)).run_due()
    clock.advance(hours=50)
    assert _jobs_table(capsys, clock)["reminders"][1:3] == ["2d ago", "failed (RuntimeError)"]


# --- the claim/lease helper --------------------------------------------------------------------------------------


def _lease(seconds: float = 60) -> Lease:
    return Lease(Delivery, free=("pending", "failed"), held="sending", due_column="next_attempt_at",
                 length=timedelta(seconds=seconds))


def _a_due_delivery(clock: ManualClock) -> int:
    import_sample()
    file_report(clock)
    with session_scope() as session:
        return session.execute(select(func.min(Delivery.id)).where(Delivery.status == "pending")).scalar_one()


def test_two_claimers_one_wins(store_url: str) -> None:
    clock = ManualClock()
    delivery_id = _a_due_delivery(clock)
    lease = _lease()
    barrier = threading.Barrier(2)
    leases: list[datetime | None] = []
    lock = threading.Lock()

    def claimer() -> None:
        barrier.wait(timeout=30)
        with session_scope() as session:
            won = lease.claim(session, delivery_id, clock.now(), attempts=Delivery.attempts + 1)
        with lock:
            leases.append(won)

    threads = [threading.Thread(target=claimer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive()
    assert sorted(leases, key=lambda won: won is None) == [clock.now() + timedelta(seconds=60), None]
    with session_scope() as session:
        row = session.get(Delivery, delivery_id)
        assert (row.status, row.attempts) == ("sending", 1)
    clock.advance(minutes=10)  # claimable no longer: it is held (even once its lease ran out)
    with session_scope() as session:
        assert lease.claim(session, delivery_id, clock.now()) is None


def test_an_expired_lease_is_recovered_once_and_the_late_holder_changes_nothing(store_url: str) -> None:
    clock = ManualClock()
    delivery_id = _a_due_delivery(clock)
    lease = _lease()
    with session_scope() as session:
        held = lease.claim(session, delivery_id, clock.now())
        assert held is not None
        assert delivery_id not in lease.expired_ids(session, clock.now())
    clock.advance(seconds=61)
    with session_scope() as session:
        assert delivery_id in lease.expired_ids(session, clock.now())
        before = lease.backlog(session, clock.now())
    # two recoverers read the same expired row, then settle it: one wins
    reads = []
    for _ in range(2):
        with session_scope() as session:
            row = session.get(Delivery, delivery_id)
            assert lease.is_expired(row, clock.now())
            reads.append(row.lease_until)
    outcomes = []
    for read in reads:
        with session_scope() as session:
            outcomes.append(lease.settle(session, delivery_id, read,
                                         {"status": "failed", "next_attempt_at": clock.now(), "lease_until": None}))
    assert outcomes == [True, False]
    with session_scope() as session:
        assert delivery_id not in lease.expired_ids(session, clock.now())
        assert lease.backlog(session, clock.now()) == before  # stale before, due (failed, retry now) after
        again = lease.claim(session, delivery_id, clock.now())
        assert again is not None and again != held
    with session_scope() as session:  # the first holder answers late: its lease is gone, nothing changes
        assert not lease.settle(session, delivery_id, held, {"status": "sent", "lease_until": None})
        assert session.get(Delivery, delivery_id).status == "sending"


# --- the follow-up jobs through the runner ---------------------------------------------------------------------


def test_check_ins_then_reminders_then_the_no_reply_alert_through_the_registry(store_url: str) -> None:
    """The same walk as test_followup_worker's reminders test, run by a Runner over the registry's two follow-up
    jobs at their intervals: the check-in fires, two reminders follow, then the NGO is alerted."""
    from bot.followup.schedule import IST
    from bot.followup.worker import FollowupWorker
    from tests.followup_helpers import RecordingStarter, enrol

    clock = ManualClock(datetime(2026, 11, 27, 10, 0, tzinfo=IST).astimezone(timezone.utc))  # times are stored as UTC
    enrol(clock, datetime(2026, 11, 20).date())
    starter = RecordingStarter()
    followup = [job for job in registry() if job.group == "followup"]
    runner = Runner(followup, JobContext(clock=clock, followup=FollowupWorker(starter, clock)))
    assert runner.run_due() == {"check-ins": 1, "reminders": 0}
    assert runner.run_due() == {"check-ins": 0}  # busy a moment ago: looked again at once, nothing more
    for reminder in (1, 2):
        clock.advance(hours=47)
        assert runner.run_due() == {"check-ins": 0, "reminders": 0}
        clock.advance(hours=1)
        assert runner.run_due() == {"check-ins": 0, "reminders": 1}, f"reminder {reminder}"
    clock.advance(hours=48)
    assert runner.run_due() == {"check-ins": 0, "reminders": 0}
    assert len(starter.started) == 3
    with session_scope() as session:
        from bot.store.models import CheckIn, Report

        first = session.execute(select(CheckIn).order_by(CheckIn.sequence)).scalars().first()
        assert first.status == "missed"
        assert session.execute(select(func.count(Report.id)).where(Report.kind == "alert")).scalar_one() == 1
