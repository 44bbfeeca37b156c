"""Background jobs (application layer): the registry (bot.jobs.registry), the runner that runs each at its interval
in one unit of work (bot.jobs.runner), and the one claim/lease helper of the jobs that take rows around a slow call
(bot.jobs.lease). `helpline worker` runs the registry; `helpline jobs` lists it with each job's last run and backlog.
"""

from __future__ import annotations

from bot.clock import Clock, SystemClock
from bot.jobs.registry import Job, JobContext, job_named, registry
from bot.jobs.runner import Runner

__all__ = ["Job", "JobContext", "Runner", "job_named", "registry", "run_job"]


def run_job(name: str, clock: Clock | None = None, context: JobContext | None = None) -> int:
    """One run of the job called `name`, now (its unit of work, recorded in job_runs); errors are raised."""
    context = context or JobContext(clock=clock or SystemClock())
    count = Runner([job_named(name)], context, clock).run(job_named(name), strict=True)
    return int(count or 0)
