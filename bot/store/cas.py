"""Compare-and-set: change a row only if it is still as it was read.

A worker reads a row, makes a slow call (Twilio, Telegram, Rasa), then records the outcome. Meanwhile another worker
may have found the first one's lease run out, recovered the row and claimed it again. A plain write would then undo
that claim (and the message would go out again); `transition` writes only when the row still has the values this
worker read (same id, same status, same lease), in one conditional UPDATE, so on SQLite and PostgreSQL alike exactly
one of two racing workers wins. The caller acts on its decision (audit, next contact, ...) only when it won.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session


def _comparable(value: Any) -> Any:
    """Datetimes as UTC: SQLite stores them without an offset (and returns them naive), PostgreSQL with one; a
    naive value read back from SQLite was stored as UTC."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return value


def transition(session: Session, model: Any, row_id: int, expected: Mapping[str, Any],
               values: Mapping[str, Any]) -> bool:
    """UPDATE model SET values WHERE id = row_id AND each expected column equals its value (None: IS NULL).

    Returns True when exactly one row changed, i.e. this caller's view of the row was current and its change won.
    Objects of `model` already loaded in `session` are not refreshed (synchronize_session=False): re-read them."""
    conditions = [model.id == row_id]
    for name, value in expected.items():
        column = getattr(model, name)
        conditions.append(column.is_(None) if value is None else column == _comparable(value))
    result = session.execute(
        update(model).where(*conditions).values(**dict(values)).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
