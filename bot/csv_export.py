"""The coordinators' spreadsheets (bot/reports/coordinator.py, bot/followup/coordinator.py) as CSV text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any


def csv_text(columns: Sequence[str], lines: Iterable[Sequence[Any]]) -> str:
    """A header line of ``columns``, then one line per item of ``lines``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for line in lines:
        writer.writerow(line)
    return buffer.getvalue()
