"""When check-ins fall due, and the daytime window they are sent in (pure functions, no store)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.followup.schedule import IST, due_times, is_daytime, next_daytime
from bot.settings import ConfigurationError, get_settings


def _ist(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=IST)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _fresh_settings(helpline_env: object) -> None:
    """Every test reads the environment afresh (helpline_env resets the settings cache)."""


def test_the_default_schedule_is_two_years_at_ten_in_the_morning_in_india() -> None:
    due = due_times(date(2026, 11, 20))
    assert [label for label, _ in due] == ["1w", "1m", "3m", "6m", "9m", "12m", "18m", "24m"]
    assert [moment.astimezone(IST).date() for _, moment in due] == [
        date(2026, 11, 27), date(2026, 12, 20), date(2027, 2, 20), date(2027, 5, 20), date(2027, 8, 20),
        date(2027, 11, 20), date(2028, 5, 20), date(2028, 11, 20)]
    assert {moment.astimezone(IST).hour for _, moment in due} == {10}
    assert all(moment.tzinfo == timezone.utc for _, moment in due)


def test_months_end_on_the_last_day_of_a_shorter_month() -> None:
    due = dict(due_times(date(2027, 1, 31)))
    assert due["1m"].astimezone(IST).date() == date(2027, 2, 28)
    assert dict(due_times(date(2027, 8, 31)))["6m"].astimezone(IST).date() == date(2028, 2, 29)


def test_the_schedule_and_hours_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_FOLLOWUP_SCHEDULE", "3d, 2w, 1m")
    monkeypatch.setenv("HELPLINE_FOLLOWUP_HOURS", "8-18")
    monkeypatch.setenv("HELPLINE_FOLLOWUP_SEND_HOUR", "7")  # before the window opens: sent when it opens
    get_settings.cache_clear()
    due = due_times(date(2026, 11, 20))
    assert [(label, moment.astimezone(IST).strftime("%d %H")) for label, moment in due] == [
        ("3d", "23 08"), ("2w", "04 08"), ("1m", "20 08")]


@pytest.mark.parametrize("variable, value", [
    ("HELPLINE_FOLLOWUP_SCHEDULE", "1 week"), ("HELPLINE_FOLLOWUP_SCHEDULE", ","),
    ("HELPLINE_FOLLOWUP_HOURS", "19-9"), ("HELPLINE_FOLLOWUP_HOURS", "nine to five"),
])
def test_a_bad_schedule_is_refused_with_its_name(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    get_settings.cache_clear()
    with pytest.raises(ConfigurationError, match=variable):
        get_settings()


@pytest.mark.parametrize("local, expected", [
    (_ist(2026, 12, 1, 9, 0), _ist(2026, 12, 1, 9, 0)),     # the window opens
    (_ist(2026, 12, 1, 18, 59), _ist(2026, 12, 1, 18, 59)),  # last minute of the day
    (_ist(2026, 12, 1, 19, 0), _ist(2026, 12, 2, 9, 0)),     # evening: tomorrow morning
    (_ist(2026, 12, 1, 2, 30), _ist(2026, 12, 1, 9, 0)),     # night: this morning
    (_ist(2026, 12, 31, 23, 0), _ist(2027, 1, 1, 9, 0)),     # across the year
])
def test_nothing_is_sent_at_night_in_india(local: datetime, expected: datetime) -> None:
    moment = local.astimezone(timezone.utc)
    assert next_daytime(moment) == expected
    assert is_daytime(next_daytime(moment))
    assert is_daytime(moment) == (local == expected)
