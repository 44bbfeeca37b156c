"""Background jobs (application layer): the registry (bot.jobs.registry), the runner that runs each at its interval
in one unit of work (bot.jobs.runner), and the one claim/lease helper of the jobs that take rows around a slow call
(bot.store.lease). `helpline worker` runs the registry; `helpline jobs` lists it with each job's last run and backlog.
"""

from __future__ import annotations

from bot.clock import Clock, SystemClock
from bot.jobs.registry import Job, JobContext, job_named, registry
from bot.jobs.runner import Runner
from bot.reports.worker import DeliveryWorker

__all__ = ["Job", "JobContext", "Runner", "job_named", "registry", "run_job", "run_report_jobs"]


def run_job(name: str, clock: Clock | None = None, context: JobContext | None = None) -> int:
    """One run of the job called `name`, now (its unit of work, recorded in job_runs); errors are raised."""
    context = context or JobContext(clock=clock or SystemClock())
    count = Runner([job_named(name)], context, clock).run(job_named(name), strict=True)
    return int(count or 0)


def run_report_jobs(deliveries: DeliveryWorker) -> int:
    """Every report job once, in registry order — route, escalate, expire drafts, prune, recover interrupted sends,
    send what is due — with `deliveries` doing the sending, on its clock (errors are raised). Returns messages sent."""
    runner = Runner([job for job in registry() if job.group == "reports"],
                    JobContext(clock=deliveries.clock, deliveries=deliveries))
    return int(runner.run_all(strict=True).get("deliveries") or 0)
