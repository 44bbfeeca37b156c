"""The console's clock, for the views: `create_app` puts one in the application (tests pass a ManualClock)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from bot.clock import Clock, SystemClock

CLOCK_KEY = "helpline_clock"


def now() -> datetime:
    """The console's idea of now."""
    clock: Clock = current_app.extensions.get(CLOCK_KEY) or SystemClock()
    return clock.now()
