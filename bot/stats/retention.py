"""Still in contact after return: the field study's headline failure (96% of cases closed within four months).

Definition. A child enrolled for follow-up (a case that is not a pending request) is *in contact at H months* when
the family answered a check-in that was due at or after the last check-in of the schedule falling within H months of
the return, answered by `now`. With the default schedule (1w, 1m, 3m, 6m, 9m, 12m, 18m, 24m) that is the 3-month
or a later check-in for H = 4, the 6-month or later for 6, the 12-month or later for 12 and the 24-month one for 24.
Answering a later check-in counts for the earlier horizons too: the family was still reachable. Opted-out and
closed cases stay in the count (losing them is what the figure measures).

A child counts for horizon H only once H months and `GRACE_DAYS` days have passed since the return (by `now`, in
India): the time a family has to answer, with the two reminders, before the NGO is alerted. The denominators
(`eligible_Hm`) are therefore smaller for the longer horizons and recent months.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from bot.clock import as_utc
from bot.followup.schedule import today_in_india
from bot.settings import get_settings
from bot.stats.table import KEY_COLUMNS, grouped, key_of, share

HORIZONS = (4, 6, 12, 24)
GRACE_DAYS = 7
DAYS_PER_UNIT = {"d": 1.0, "w": 7.0, "m": 30.4375}


def in_contact_columns() -> tuple[str, ...]:
    return tuple(f"{name}_{h}m" for h in HORIZONS for name in ("eligible", "in_contact", "share"))


def plus_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, the day clipped to the month's end (as dateutil's relativedelta does)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plus_label(day: date, label: str) -> date:
    """`day` plus a schedule offset ("1w", "3m", "10d"), as `bot.followup.schedule.offset_of` adds it."""
    amount, unit = int(label[:-1]), label[-1]
    if unit == "m":
        return plus_months(day, amount)
    return day + timedelta(days=amount * (7 if unit == "w" else 1))


@lru_cache(maxsize=16)
def anchor_label(schedule: tuple[str, ...], horizon: int) -> str | None:
    """The last check-in of `schedule` within `horizon` months of the return; None when none is."""
    within = [label for label in schedule if _rough_days(label) <= horizon * DAYS_PER_UNIT["m"]]
    return max(within, key=_rough_days) if within else None


def _rough_days(label: str) -> float:
    """A schedule offset in average days: only to order offsets of different units ("4w" before "1m")."""
    return int(label[:-1]) * DAYS_PER_UNIT[label[-1]]


@lru_cache(maxsize=8192)
def _thresholds(returned_on: date, schedule: tuple[str, ...]) -> tuple[tuple[date, date], ...]:
    """Per horizon: (the day the child becomes eligible, the due day a contact-keeping check-in must reach)."""
    result = []
    for horizon in HORIZONS:
        label = anchor_label(schedule, horizon)
        anchor = plus_label(returned_on, label) if label else returned_on
        result.append((plus_months(returned_on, horizon) + timedelta(days=GRACE_DAYS), anchor))
    return tuple(result)


def contact_flags(returned_on: date, last_answered_due: date | None, today: date,
                  schedule: tuple[str, ...]) -> tuple[tuple[bool, bool], ...]:
    """Per horizon: (eligible, in contact) for one child, from the due day (in India) of the last check-in the
    family answered."""
    return tuple(
        (eligible_on <= today,
         eligible_on <= today and last_answered_due is not None and last_answered_due >= anchor)
        for eligible_on, anchor in _thresholds(returned_on, schedule)
    )


def retention_rows(cases: Sequence[Any], now: datetime, by: str) -> list[tuple[Any, ...]]:
    """Rows from (district, "YYYY-MM-DD" of the return, "YYYY-MM-DD" due day of the last answered check-in or
    None), one per case."""
    if by not in KEY_COLUMNS:
        raise ValueError(f"by must be one of {sorted(KEY_COLUMNS)}, not {by!r}")
    today, schedule = today_in_india(as_utc(now)), get_settings().followup_schedule
    items = ((key_of(by, district, returned[:7]),
              contact_flags(date.fromisoformat(returned), date.fromisoformat(last) if last else None, today,
                            schedule))
             for district, returned, last in cases)
    rows = []
    for key, flags in grouped(items):
        cells: list[Any] = [*key, len(flags)]
        for index in range(len(HORIZONS)):
            eligible = sum(1 for f in flags if f[index][0])
            in_contact = sum(1 for f in flags if f[index][1])
            cells += [eligible, in_contact, share(in_contact, eligible)]
        rows.append(tuple(cells))
    return rows
