"""Rasa's anonymous usage telemetry stays off, in every profile (issue 14: nothing leaves quietly).

Rasa 3.6 reports usage events (server started, model trained, ...) to its vendor and sets up error reporting
(Sentry) unless `RASA_TELEMETRY_ENABLED=false`; its own default, kept in ~/.config/rasa/global.yml, is *on*.
`make run` (Makefile, bot/devserver.py) and the tests (tests/servers.py) set the variable; production must too.
`ensure_off` runs when Rasa loads our channels (bot/channels/__init__.py): by then Rasa has already read the
variable for its error reporting, so quietly switching it off here would be too late — the Rasa server refuses to
start instead, naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

VARIABLE = "RASA_TELEMETRY_ENABLED"


class TelemetryNotOff(RuntimeError):
    """Rasa was started without RASA_TELEMETRY_ENABLED=false."""


def ensure_off(environ: Mapping[str, str] | None = None) -> None:
    """Raise unless Rasa's telemetry is switched off by the environment."""
    value = (environ if environ is not None else os.environ).get(VARIABLE, "")
    if value.strip().lower() != "false":
        raise TelemetryNotOff(f"{VARIABLE} must be 'false' in the environment of every Rasa process (it is "
                              f"{value!r}); Rasa sends usage telemetry otherwise. make run and the tests set it.")
