"""The few SQL expressions that PostgreSQL and SQLite spell differently: a month in India, a duration.

The figures group and subtract in the database so that 10,000 reports come back as a few hundred small rows of
strings and numbers: turning each stored time into a Python datetime (SQLite stores text) costs more than the
query itself. Durations come back as whole seconds or days, so both databases give exactly the same medians.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, cast, func
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

INDIA = "Asia/Kolkata"
INDIA_OFFSET = "+330 minutes"  # India has kept UTC+5:30, without summer time, since 1945


def dialect(session: Session) -> str:
    return str(session.get_bind().dialect.name)


def month_of_time(session: Session, column: Any) -> ColumnElement[Any]:
    """"2026-11": the month in India of a stored UTC time."""
    if dialect(session) == "postgresql":
        return func.to_char(func.timezone(INDIA, column), "YYYY-MM")
    return func.strftime("%Y-%m", column, INDIA_OFFSET)


def month_of_date(session: Session, column: Any) -> ColumnElement[Any]:
    if dialect(session) == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def india_day(session: Session, column: Any) -> ColumnElement[Any]:
    """The day in India of a stored UTC time, as "YYYY-MM-DD" text on both databases."""
    if dialect(session) == "postgresql":
        return func.to_char(func.timezone(INDIA, column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column, INDIA_OFFSET)


def seconds_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Whole seconds from `earlier` to `later` (NULL when either is NULL)."""
    if dialect(session) == "postgresql":
        return cast(func.round(func.extract("epoch", later - earlier)), Integer)
    return cast(func.round((func.julianday(later) - func.julianday(earlier)) * 86400), Integer)


def days_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    """Whole days between two dates."""
    if dialect(session) == "postgresql":
        return cast(later - earlier, Integer)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def text_date(session: Session, column: Any) -> ColumnElement[Any]:
    """A date column as "YYYY-MM-DD" text on both databases."""
    if dialect(session) == "postgresql":
        return func.to_char(column, "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d", column)
