"""The background jobs, in the order a pass runs them (the shape of nyaruka/mailroom's crons): each has a name, an
interval, `run` and `backlog`.

Two kinds of `run`:
- `run(session, now) -> int` (`takes="session"`): database work only. The runner (bot.jobs.runner) opens one
  transaction around it — one unit of work per run — and the core functions it calls take that session.
- `run(context, now) -> int` (`takes="context"`): jobs that make slow external calls (sending through Twilio or
  Telegram, asking Rasa to start a conversation, storing a report). They must not hold a transaction open across
  the call, so they open short sessions themselves: read, call, then a conditional write (bot.store.cas, and the
  claim/lease helper bot.store.lease).

`backlog(session, now) -> int` counts what is waiting for the job (for `helpline jobs`).

Jobs of one `group` run one after the other in one thread; `helpline worker` runs the groups side by side, so a
slow Rasa never holds up a forward ("reports": routing to deliveries; "followup": check-ins and reminders).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.clock import Clock, SystemClock
from bot.settings import get_settings
from bot.store.models import CheckIn, Erasure, InboundSeen, Report, ReportDraft

if TYPE_CHECKING:
    from bot.followup.worker import FollowupWorker
    from bot.reports.worker import DeliveryWorker

PRUNE_EVERY = timedelta(hours=1)


def _seen_kept_for() -> timedelta:
    """Providers redeliver within hours; a week of message ids is plenty (HELPLINE_INBOUND_ID_RETENTION_DAYS)."""
    return timedelta(days=get_settings().inbound_id_retention_days)


@dataclass
class JobContext:
    """What the `takes="context"` jobs work with: the clock, and the workers holding senders, translator, starter.
    A job whose worker is missing (None) is not run by a runner given this context."""

    clock: Clock = field(default_factory=SystemClock)
    deliveries: DeliveryWorker | None = None
    followup: FollowupWorker | None = None


@dataclass(frozen=True)
class Job:
    name: str
    interval: timedelta
    run: Callable[[Any, datetime], int]
    backlog: Callable[[Session, datetime], int]
    summary: str
    takes: str = "session"  # "session": run(session, now) in the runner's transaction; "context": run(context, now)
    group: str = "reports"
    again_when_busy: bool = False  # a run that did something (count > 0) makes the job due again at once
    needs: str | None = None  # the JobContext worker a context job uses ("deliveries", "followup")


# --- routing -----------------------------------------------------------------------------------------------------

def _route(session: Session, now: datetime) -> int:
    from bot.reports.service import route_unrouted

    return route_unrouted(session, now)


def _unrouted(session: Session, now: datetime) -> int:
    return session.execute(
        select(func.count(Report.id)).where(Report.status == "received", ~Report.deliveries.any())
    ).scalar_one()


# --- escalations -------------------------------------------------------------------------------------------------

def _escalate(session: Session, now: datetime) -> int:
    from bot.reports.acknowledgement import escalate_due

    return escalate_due(session, now)


def _overdue(session: Session, now: datetime) -> int:
    return session.execute(
        select(func.count(Report.id)).where(Report.status == "received", Report.ack_due_at <= now)
    ).scalar_one()


# --- draft expiry ------------------------------------------------------------------------------------------------

def _expire_drafts(session: Session, now: datetime) -> int:
    # Each abandoned draft becomes a report through submit_report: report, forwards and the draft's deletion in one
    # savepoint of this run's transaction (retried on a code collision).
    from bot.reports.dialogue import submit_abandoned_drafts

    return submit_abandoned_drafts(session, now)


def _expired_drafts(session: Session, now: datetime) -> int:
    from bot.reports.dialogue import ABANDONED_AFTER

    return session.execute(
        select(func.count(ReportDraft.id)).where(ReportDraft.updated_at < now - ABANDONED_AFTER)
    ).scalar_one()


# --- pruning -----------------------------------------------------------------------------------------------------

def _prune(session: Session, now: datetime) -> int:
    from bot.store.inbound import prune_seen

    return prune_seen(session, _seen_kept_for(), now)


def _prunable(session: Session, now: datetime) -> int:
    return session.execute(
        select(func.count(InboundSeen.id)).where(InboundSeen.seen_at < now - _seen_kept_for())
    ).scalar_one()


# --- conversation retention --------------------------------------------------------------------------------------

def _delete_idle_conversations(context: JobContext, now: datetime) -> int:
    # The tracker database is not the helpline store the runner's transaction is on: bot.conversations opens its own
    # (one per batch).
    from bot.conversations import delete_idle_conversations, retention

    return delete_idle_conversations(now - retention())


def _idle_conversations(session: Session, now: datetime) -> int:
    from bot.conversations import idle_conversations, retention

    return idle_conversations(now - retention())


# --- deliveries --------------------------------------------------------------------------------------------------

def _deliver(context: JobContext, now: datetime) -> int:
    assert context.deliveries is not None
    return context.deliveries.deliver_due(now)


def _due_deliveries(session: Session, now: datetime) -> int:
    from bot.reports.worker import delivery_lease

    return delivery_lease().backlog(session, now)


# --- check-ins and reminders -------------------------------------------------------------------------------------

def _fire_checkins(context: JobContext, now: datetime) -> int:
    assert context.followup is not None
    return context.followup.fire_checkins(now)


def _due_checkins(session: Session, now: datetime) -> int:
    due = session.execute(
        select(func.count(CheckIn.id)).where(CheckIn.status == "scheduled", CheckIn.next_action_at <= now)
    ).scalar_one()
    stale = session.execute(
        select(func.count(CheckIn.id)).where(CheckIn.status == "firing",
                                             or_(CheckIn.lease_until.is_(None), CheckIn.lease_until < now))
    ).scalar_one()
    return int(due) + int(stale)


def _remind(context: JobContext, now: datetime) -> int:
    assert context.followup is not None
    return context.followup.send_reminders(now)


def _due_reminders(session: Session, now: datetime) -> int:
    return session.execute(
        select(func.count(CheckIn.id)).where(CheckIn.status == "waiting", CheckIn.next_action_at <= now)
    ).scalar_one()


# --- retention and erasure (issue 14) ------------------------------------------------------------------------------

def _retention(kind: str) -> tuple[Callable[[Session, datetime], int], Callable[[Session, datetime], int]]:
    """(run, backlog) of one retention job: bot.followup.retention's functions with the period from the settings."""
    from bot.followup import retention

    erase, due, setting = {
        "drafts": (retention.erase_old_drafts, retention.old_drafts_due, "draft_retention_days"),
        "report-text": (retention.erase_closed_report_text, retention.closed_report_text_due,
                        "report_text_retention_days"),
        "cases": (retention.erase_ended_cases, retention.ended_cases_due, "case_retention_days"),
        "deliveries": (retention.erase_old_deliveries, retention.old_deliveries_due, "delivery_retention_days"),
    }[kind]

    def run(session: Session, now: datetime) -> int:
        return erase(session, now, getattr(get_settings(), setting))

    def backlog(session: Session, now: datetime) -> int:
        return due(session, now, getattr(get_settings(), setting))

    return run, backlog


def _finish_erasures(context: JobContext, now: datetime) -> int:
    # Erasures a killed process left half-way: their tracker conversations are deleted, then they are marked done.
    from bot.erasure import finish_pending

    return finish_pending(context.clock)


def _pending_erasures(session: Session, now: datetime) -> int:
    return session.execute(select(func.count(Erasure.id)).where(Erasure.status == "pending")).scalar_one()


def registry() -> list[Job]:
    """Every background job, in the order a pass runs them (the order the delivery worker always took)."""
    settings = get_settings()
    poll = timedelta(seconds=settings.worker_poll_seconds)
    followup_poll = timedelta(seconds=settings.followup_poll_seconds)
    return [
        Job("routing", poll, _route, _unrouted, "route reports kept while there was no NGO directory"),
        Job("escalations", poll, _escalate, _overdue, "alert the next NGO when an acknowledgement is overdue"),
        Job("draft-expiry", poll, _expire_drafts, _expired_drafts, "send reports abandoned half-way, anonymously"),
        Job("pruning", PRUNE_EVERY, _prune, _prunable, "forget provider message ids older than a week"),
        Job("conversation-retention", PRUNE_EVERY, _delete_idle_conversations, _idle_conversations,
            "delete Rasa conversations idle longer than HELPLINE_CONVERSATION_RETENTION_DAYS", takes="context"),
        Job("deliveries", poll, _deliver, _due_deliveries, "recover interrupted sends, send due forwards",
            takes="context", again_when_busy=True, needs="deliveries"),
        Job("check-ins", followup_poll, _fire_checkins, _due_checkins,
            "recover interrupted check-ins, start due ones (daytime in India only)", takes="context",
            group="followup", again_when_busy=True, needs="followup"),
        Job("reminders", followup_poll, _remind, _due_reminders,
            "remind families who have not answered; alert the NGO after the last", takes="context",
            group="followup", again_when_busy=True, needs="followup"),
        Job("erasures", poll, _finish_erasures, _pending_erasures,
            "finish erasures a stopped process left half-way (the conversation in Rasa's tracker store)",
            takes="context"),
        Job("retention-drafts", PRUNE_EVERY, *_retention("drafts"),
            "erase report drafts that could not be sent (HELPLINE_DRAFT_RETENTION_DAYS)"),
        Job("retention-report-text", PRUNE_EVERY, *_retention("report-text"),
            "erase closed reports' free text and reporter number (HELPLINE_REPORT_TEXT_RETENTION_DAYS)"),
        Job("retention-cases", PRUNE_EVERY, *_retention("cases"),
            "erase closed cases' personal fields (HELPLINE_CASE_RETENTION_DAYS)"),
        Job("retention-deliveries", PRUNE_EVERY, *_retention("deliveries"),
            "delete old delivery records of closed reports (HELPLINE_DELIVERY_RETENTION_DAYS)"),
    ]


def job_named(name: str) -> Job:
    for job in registry():
        if job.name == name:
            return job
    raise KeyError(name)
