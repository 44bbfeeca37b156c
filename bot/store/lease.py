"""One claim/lease helper for every job that takes rows one at a time around a slow call (deliveries: Twilio and
Telegram; check-ins: Rasa).

A row is claimed with a conditional UPDATE — only a due row in a free status, so one of two racing workers wins, on
SQLite and PostgreSQL alike — which sets the held status and a lease (`lease_until`). Every write the holder makes
after its slow call is a compare-and-set (bot.store.cas.transition) on "still held under my lease": a worker that
was slow enough for its lease to run out, and whose row was meanwhile recovered by another, changes nothing. Rows
held under a lease that ran out (the worker died) are found by `expired_ids` and settled by the caller with
`settle`, conditional on the lease it read, so two recoverers settle a row once.

The caller opens the (short) sessions: a claim and a settle are separate transactions, with the slow call between
them and no transaction open across it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.cas import transition


@dataclass(frozen=True)
class Lease:
    """How one table's rows are claimed: from `free` statuses, when `due_column` <= now, into `held` for `length`."""

    model: Any
    free: tuple[str, ...]
    held: str
    due_column: str
    length: timedelta
    missing_lease_expired: bool = False  # a held row without a lease counts as expired (check-ins)

    def claim(self, session: Session, row_id: int, now: datetime, **values: Any) -> datetime | None:
        """Take the row for one attempt, setting `values` too (e.g. attempts + 1). Returns the lease now held — every
        later write of this attempt is conditional on it — or None when another worker has it or it is not due."""
        lease = now + self.length
        model = self.model
        claimed = session.execute(
            update(model)
            .where(model.id == row_id, model.status.in_(self.free), getattr(model, self.due_column) <= now)
            .values(status=self.held, lease_until=lease, **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        return lease if claimed == 1 else None

    def held_by(self, lease: datetime) -> dict[str, Any]:
        """What a write of the lease's holder expects to find."""
        return {"status": self.held, "lease_until": lease}

    def settle(self, session: Session, row_id: int, lease: datetime | None, values: Mapping[str, Any],
               **also_expected: Any) -> bool:
        """Write `values` only if the row is still held under `lease` (and has the `also_expected` values). True when
        this caller's write won; act on the outcome (audit, next contact) only then."""
        return transition(session, self.model, row_id, {**self.held_by(lease), **also_expected},  # type: ignore[arg-type]
                          values)

    def _expired(self, now: datetime) -> Any:
        lease_until = self.model.lease_until
        ran_out = lease_until < now
        if self.missing_lease_expired:
            ran_out = or_(lease_until.is_(None), ran_out)
        return [self.model.status == self.held, ran_out]

    def expired_ids(self, session: Session, now: datetime) -> list[int]:
        """Rows held under a lease that ran out: a worker died between claiming and recording the result."""
        return list(session.execute(
            select(self.model.id).where(*self._expired(now)).order_by(self.model.id)
        ).scalars())

    def expired_rows(self, session: Session, now: datetime) -> list[Any]:
        return list(session.execute(
            select(self.model).where(*self._expired(now)).order_by(self.model.id)
        ).scalars())

    def is_expired(self, row: Any, now: datetime) -> bool:
        """The row as read is held under a lease that ran out (checked again after reading it on its own)."""
        from bot.clock import as_utc

        if row is None or row.status != self.held:
            return False
        if row.lease_until is None:
            return self.missing_lease_expired
        return as_utc(row.lease_until) < now

    def due_filter(self, now: datetime) -> list[Any]:
        return [self.model.status.in_(self.free), getattr(self.model, self.due_column) <= now]

    def backlog(self, session: Session, now: datetime) -> int:
        """Rows waiting for a worker: due in a free status, or held under a lease that ran out."""
        due = session.execute(select(func.count(self.model.id)).where(*self.due_filter(now))).scalar_one()
        stale = session.execute(select(func.count(self.model.id)).where(*self._expired(now))).scalar_one()
        return int(due) + int(stale)
