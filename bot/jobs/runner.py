"""Runs the registry's jobs: each when its interval has passed since it last started, one unit of work per run.

A `takes="session"` job runs inside one transaction opened here (committed when it returns, rolled back if it
raises); a `takes="context"` job keeps its own short sessions around its slow calls. Each run is recorded in
`job_runs` (start, end, outcome, count) — in the job's own transaction when it has one. A job that raises is recorded
as failed and logged by its exception's class name only (messages can hold numbers or text from a report); the other
jobs run on regardless, and it is tried again at its next interval.

Intervals are counted per runner, from the runner's clock (tests pass a ManualClock), so any number of worker
processes may run the registry: the jobs themselves are safe to run concurrently (conditional UPDATEs and leases).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.jobs.registry import Job, JobContext
from bot.store.db import session_scope
from bot.store.models import JobRun

logger = logging.getLogger(__name__)
# An idle run (nothing done) is recorded at most this often per job and worker: most jobs run twice a second, and a
# row written on every empty pass would be the store's busiest write. Runs that did something are always recorded.
IDLE_RECORD_EVERY = timedelta(minutes=1)


def record_run(session: Session, name: str, started: datetime, finished: datetime, outcome: str, count: int,
               error: str | None = None) -> None:
    """Keep this run as the job's last (an upsert, safe when two workers finish the same job at once)."""
    values = {"started_at": started, "finished_at": finished, "outcome": outcome, "count": count, "error": error}
    if session.execute(update(JobRun).where(JobRun.name == name).values(**values)
                       .execution_options(synchronize_session=False)).rowcount:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    statement = insert(JobRun).values(name=name, **values)
    session.execute(statement.on_conflict_do_update(index_elements=[JobRun.name], set_=values))


def last_runs(session: Session) -> dict[str, JobRun]:
    return {run.name: run for run in session.execute(select(JobRun)).scalars()}


class Runner:
    """Runs `jobs` (in their order) with `context`. Jobs whose worker the context lacks are left out."""

    def __init__(self, jobs: Iterable[Job], context: JobContext, clock: Clock | None = None) -> None:
        self.context = context
        self.clock = clock or context.clock
        self.jobs = [job for job in jobs if job.needs is None or getattr(context, job.needs) is not None]
        self._last_start: dict[str, datetime] = {}
        self._last_recorded: dict[str, datetime] = {}
        self._busy: set[str] = set()

    # -- deciding ---------------------------------------------------------------------------------------------------
    def is_due(self, job: Job, now: datetime) -> bool:
        last = self._last_start.get(job.name)
        return last is None or job.name in self._busy or now - last >= job.interval

    def _wait(self, jobs: list[Job], now: datetime) -> float:
        """Seconds until the first of `jobs` is due again (0 if one is already)."""
        waits = [timedelta(0) if self.is_due(job, now) else self._last_start[job.name] + job.interval - now
                 for job in jobs]
        return max(0.0, min(waits).total_seconds()) if waits else 0.0

    # -- running ----------------------------------------------------------------------------------------------------
    def run(self, job: Job, now: datetime | None = None, strict: bool = False) -> int | None:
        """One run of `job`: its count, or None when it failed (`strict`: the error is raised after recording)."""
        started = now or self.clock.now()
        self._last_start[job.name] = started
        self._busy.discard(job.name)
        try:
            if job.takes == "session":
                with session_scope() as session:
                    count = int(job.run(session, started))
                    if self._worth_recording(job, count, started):
                        record_run(session, job.name, started, self.clock.now(), "ok", count)
            else:
                count = int(job.run(self.context, started))
                if self._worth_recording(job, count, started):
                    with session_scope() as session:
                        record_run(session, job.name, started, self.clock.now(), "ok", count)
        except Exception as error:  # one job's failure (a database restart, a bug) must not stop the others
            logger.error("job %s failed: %s", job.name, type(error).__name__)
            self._record_failure(job, started, error)
            if strict:
                raise
            return None
        if count and job.again_when_busy:
            self._busy.add(job.name)
        return count

    def _worth_recording(self, job: Job, count: int, started: datetime) -> bool:
        """Record a run that did something, the first run, and an idle one once per IDLE_RECORD_EVERY."""
        last = self._last_recorded.get(job.name)
        if count or last is None or started - last >= IDLE_RECORD_EVERY:
            self._last_recorded[job.name] = started
            return True
        return False

    def _record_failure(self, job: Job, started: datetime, error: Exception) -> None:
        try:
            with session_scope() as session:
                record_run(session, job.name, started, self.clock.now(), "failed", 0, type(error).__name__[:64])
        except Exception as again:  # the database itself is away: the log line above is all there is
            logger.error("job %s: its failure could not be recorded: %s", job.name, type(again).__name__)

    def run_due(self, now: datetime | None = None, group: str | None = None) -> dict[str, int | None]:
        """Run every job (of `group`) whose interval has passed, in registry order. Returns {name: count} of those
        run (None for a failed run)."""
        results: dict[str, int | None] = {}
        for job in self.jobs:
            if group is not None and job.group != group:
                continue
            moment = now or self.clock.now()
            if self.is_due(job, moment):
                results[job.name] = self.run(job, moment)
        return results

    def run_all(self, strict: bool = False) -> dict[str, int | None]:
        """Every job once, due or not (`helpline worker --once`)."""
        return {job.name: self.run(job, strict=strict) for job in self.jobs}

    def run_forever(self, stop: threading.Event,
                    ready: Mapping[str, Callable[[threading.Event], bool]] | None = None) -> None:
        """Until `stop` is set: one thread per group (the first group on this thread), each running its due jobs and
        then waiting for the next to fall due. `ready[group](stop)` is waited for before a group starts (the
        follow-up group waits for the Rasa server)."""
        groups: list[str] = []
        for job in self.jobs:
            if job.group not in groups:
                groups.append(job.group)
        if not groups:
            stop.wait()
            return
        threads = [threading.Thread(target=self._loop, args=(group, stop, (ready or {}).get(group)),
                                    name=f"jobs-{group}", daemon=True) for group in groups[1:]]
        for thread in threads:
            thread.start()
        self._loop(groups[0], stop, (ready or {}).get(groups[0]))
        for thread in threads:
            thread.join(timeout=10)

    def _loop(self, group: str, stop: threading.Event, ready: Callable[[threading.Event], bool] | None) -> None:
        if ready is not None and not ready(stop):
            return
        jobs = [job for job in self.jobs if job.group == group]
        logger.info("jobs started: %s", ", ".join(job.name for job in jobs))
        while not stop.is_set():
            self.run_due(group=group)
            stop.wait(self._wait(jobs, self.clock.now()))
