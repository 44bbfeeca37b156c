"""The follow-up worker: fires due check-ins, sends reminders, and alerts the NGO when a family stops answering.

Check-ins are rows (bot.store.models.CheckIn), so a stopped or restarted worker loses nothing. A check-in is claimed
with a conditional UPDATE and a lease before Rasa is asked to start it (one worker wins, on SQLite and PostgreSQL),
and the action that sends the question records that it went out (`prompts`). A worker that dies in between leaves a
`firing` row whose lease runs out: if the question went out it becomes `waiting`, otherwise it is fired again — so
nothing is sent twice and nothing is lost. Every write after the (slow) call to Rasa, and every recovery, is a
compare-and-set (bot.store.cas.transition) on the state read — same row, status `firing`, same lease, same counts —
so a worker whose lease ran out while Rasa was slow cannot settle or give back a check-in another worker has
recovered and claimed again.

Catch-up: after downtime, when several check-ins of one family are overdue, only the latest is sent (the others are
marked `skipped`); a family is never sent a burst of stale questions. Nothing is sent outside daytime hours in India.

Transactions: unlike the rest of bot.followup, which works in its caller's session (issue 11, item 4), this worker
opens its own short transactions around the call to Rasa (claim, call with no transaction open, compare-and-set),
for the reasons above; the action Rasa runs meanwhile writes `prompts` in its own transaction, which would wait
for the worker's lock on the row if one transaction spanned the job run. It is named, with this reason, in
tests/test_layers.py's allow-list.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from bot.clock import Clock, SystemClock, as_utc
from bot.crypto import decrypt
from bot.followup.alerts import raise_alert
from bot.followup.cases import cancel_open_checkins, conversation_id
from bot.followup.schedule import is_daytime, next_daytime
from bot.followup.starter import ConversationStarter, StartError
from bot.settings import get_settings
from bot.store.cas import transition
from bot.store.db import session_scope
from bot.store.lease import Lease
from bot.store.models import CheckIn, FollowupCase

logger = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=10)  # Rasa was down: try again (still in daytime) after this


class FollowupWorker:
    """The `check-ins` and `reminders` jobs (bot.jobs); `run_once` is one pass of both, as it always was."""

    def __init__(self, starter: ConversationStarter, clock: Clock | None = None, lease_seconds: float = 300.0,
                 batch_size: int = 50) -> None:
        self.starter = starter
        self.clock = clock or SystemClock()
        self.lease = timedelta(seconds=lease_seconds)
        self.leases = Lease(CheckIn, free=("scheduled", "waiting"), held="firing", due_column="next_action_at",
                            length=self.lease, missing_lease_expired=True)
        self.batch_size = batch_size
        settings = get_settings()
        self.reminder_after = timedelta(hours=settings.followup_reminder_hours)
        self.reminders = settings.followup_reminders

    # -- one pass -----------------------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Recover interrupted firings, then (in daytime only) fire what is due. Returns conversations started."""
        now = self.clock.now()
        self.recover_interrupted(now)
        if not is_daytime(now):
            return 0
        started = 0
        for case_id in self._cases_with_work(now):
            started += self._advance(case_id, now)
        return started

    def fire_checkins(self, now: datetime | None = None) -> int:
        """The `check-ins` job: recover interrupted firings, then (in daytime only) start the families' due check-ins
        (a family that also has a reminder due is settled in the same step). Returns conversations started."""
        now = now or self.clock.now()
        self.recover_interrupted(now)
        if not is_daytime(now):
            return 0
        return sum(self._advance(case_id, now) for case_id in self._cases_with_work(now, ("scheduled",)))

    def send_reminders(self, now: datetime | None = None) -> int:
        """The `reminders` job: (in daytime only) remind families whose check-in is still unanswered, and close and
        alert after the last reminder. Returns conversations started."""
        now = now or self.clock.now()
        if not is_daytime(now):
            return 0
        return sum(self._advance(case_id, now) for case_id in self._cases_with_work(now, ("waiting",)))

    # -- steps --------------------------------------------------------------------------------------------------
    def _cases_with_work(self, now: datetime, statuses: tuple[str, ...] = ("scheduled", "waiting")) -> list[int]:
        with session_scope() as session:
            return list(session.execute(
                select(CheckIn.case_id).where(CheckIn.status.in_(statuses), CheckIn.next_action_at <= now)
                .group_by(CheckIn.case_id).order_by(CheckIn.case_id).limit(self.batch_size)
            ).scalars())

    def _advance(self, case_id: int, now: datetime) -> int:
        """Decide what one family's overdue check-ins need, then start at most one conversation."""
        with session_scope() as session:
            case = session.get(FollowupCase, case_id)
            if case is None:
                return 0
            if case.status != "active":
                cancel_open_checkins(session, case)
                return 0
            due = [c for c in case.checkins if c.status == "scheduled" and as_utc(c.next_action_at) <= now]
            waiting = [c for c in case.checkins if c.status == "waiting"]
            target: CheckIn | None = None
            if due:
                target = due[-1]
                for stale in due[:-1]:
                    stale.status = "skipped"  # caught up after downtime: only the latest is asked
                for older in waiting:
                    self._close_waiting(session, case, older, now, superseded=True)
            else:
                for checkin in waiting:
                    if as_utc(checkin.next_action_at) > now:
                        continue
                    if checkin.answered_at is not None:
                        checkin.status = "answered"  # answered in part: no reminders for a family that replied
                    elif checkin.sends > self.reminders:
                        self._close_waiting(session, case, checkin, now, superseded=False)
                    else:
                        target = checkin
            if target is None:
                return 0
            target_id, channel = target.id, case.channel
            conversation = conversation_id(case.channel, decrypt(case.address_encrypted))
        lease = self._claim(target_id, now)
        if lease is None:
            return 0
        try:
            self.starter.start(conversation, channel)
        except StartError as error:
            self._release(target_id, lease, now, str(error))
            return 0
        with session_scope() as session:
            # Only under this worker's lease: if Rasa was so slow that the lease ran out and another worker took the
            # check-in over, that worker settles it.
            self.leases.settle(session, target_id, lease,
                               {"status": "waiting", "lease_until": None, "fired_at": now, "last_error": None,
                                "next_action_at": next_daytime(now + self.reminder_after)})
        return 1

    def _close_waiting(self, session, case: FollowupCase, checkin: CheckIn, now: datetime,  # type: ignore[no-untyped-def]
                       superseded: bool) -> None:
        if checkin.answered_at is not None:
            checkin.status = "answered"
            return
        checkin.status = "missed"
        if not superseded:  # asked, reminded twice, no answer: the NGO should call the family
            raise_alert(session, case, "no_reply", f"k{checkin.id}", now)

    def _claim(self, checkin_id: int, now: datetime) -> datetime | None:
        """Take the check-in for one start; returns the lease every later write of this worker is conditional on."""
        with session_scope() as session:
            return self.leases.claim(session, checkin_id, now, sends=CheckIn.sends + 1)

    def _release(self, checkin_id: int, lease: datetime, now: datetime, error: str) -> None:
        """Rasa could not start it: give the claim back, to be tried again shortly (nothing went out) — if the claim is
        still this worker's. The write is conditional on the counts read too: the check-in action may record that the
        question went out at this very moment, and then it must become `waiting`, so the state is read again."""
        for _ in range(3):
            with session_scope() as session:
                checkin = session.get(CheckIn, checkin_id)
                if (checkin is None or checkin.status != "firing" or checkin.lease_until is None
                        or as_utc(checkin.lease_until) != as_utc(lease)):
                    return  # another worker recovered it (our lease ran out): it is theirs to settle
                values = self._settled(checkin, now, asked_at=now, retry_at=now + RETRY_AFTER)
                values["last_error"] = error[:200]
                if transition(session, CheckIn, checkin_id, _as_read(checkin), values):
                    break
        logger.warning("check-in %s not started: %s", checkin_id, error)

    def _settled(self, checkin: CheckIn, now: datetime, asked_at: datetime, retry_at: datetime) -> dict:
        """The values that end a `firing` claim: `waiting` if the question went out, else back to be fired again."""
        if checkin.prompts >= checkin.sends:  # the question did go out
            return {"status": "waiting", "fired_at": asked_at, "lease_until": None,
                    "next_action_at": next_daytime(asked_at + self.reminder_after)}
        sends = checkin.sends - 1
        return {"status": "scheduled" if sends == 0 else "waiting", "sends": sends, "lease_until": None,
                "next_action_at": retry_at}

    def recover_interrupted(self, now: datetime | None = None) -> int:
        """Settle `firing` rows whose lease ran out: a worker died between claiming and recording the result.
        Each row changes only if it is still as read, so two workers recovering at once settle it once."""
        now = now or self.clock.now()
        with session_scope() as session:
            stale = self.leases.expired_rows(session, now)
            for checkin in stale:
                started = as_utc(checkin.lease_until) - self.lease if checkin.lease_until else now
                self.leases.settle(session, checkin.id, checkin.lease_until,
                                   self._settled(checkin, now, asked_at=started, retry_at=now),
                                   sends=checkin.sends, prompts=checkin.prompts)
            return len(stale)


def _as_read(checkin: CheckIn) -> dict[str, object]:
    """What a settling write expects to find: the claim (status, lease) and the counts its decision rests on."""
    return {"status": checkin.status, "lease_until": checkin.lease_until, "sends": checkin.sends,
            "prompts": checkin.prompts}
