"""When check-ins fall due, and when the helpline may write to a family at all.

Due times are computed once, at enrolment, and stored as rows (see `CheckIn`), so the schedule survives restarts
and can be shown to coordinators. A family is only written to in daytime in India: a message at 2 a.m. wakes a
household, and on a shared phone it may be read by the wrong person.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from dateutil.relativedelta import relativedelta

from bot.settings import get_settings

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def offset_of(label: str) -> relativedelta:
    """"1w" -> one week, "3m" -> three calendar months, "10d" -> ten days."""
    amount, unit = int(label[:-1]), label[-1]
    if unit == "d":
        return relativedelta(days=amount)
    if unit == "w":
        return relativedelta(weeks=amount)
    if unit == "m":
        return relativedelta(months=amount)
    raise ValueError(f"not a check-in offset: {label!r}")


def due_times(returned_on: date) -> list[tuple[str, datetime]]:
    """(label, due time in UTC) of every check-in for a child who came back on `returned_on`."""
    settings = get_settings()
    at = time(hour=min(max(settings.followup_send_hour, settings.followup_hours[0]), settings.followup_hours[1] - 1))
    return [
        (label, datetime.combine(returned_on + offset_of(label), at, IST).astimezone(timezone.utc))
        for label in settings.followup_schedule
    ]


def is_daytime(moment: datetime) -> bool:
    """True inside the configured hours in India (default 09:00–19:00 IST)."""
    start, end = get_settings().followup_hours
    return start <= moment.astimezone(IST).hour < end


def next_daytime(moment: datetime) -> datetime:
    """`moment` if it is daytime in India, else the start of the next daytime window (in UTC)."""
    if is_daytime(moment):
        return moment
    start, _ = get_settings().followup_hours
    local = moment.astimezone(IST)
    opening = local.replace(hour=start, minute=0, second=0, microsecond=0)
    if local >= opening:
        opening += timedelta(days=1)
    return opening.astimezone(timezone.utc)


def today_in_india(moment: datetime) -> date:
    return moment.astimezone(IST).date()
