"""A figure as the console shows it: rows (for the HTML table), CSV text (for download) and what its chart plots."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from bot.csv_export import csv_text

KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "district_month": ("district", "month"),
    "district": ("district",),
    "month": ("month",),
}
Key = tuple[Any, ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Panel:
    """One plot of a chart: `series` (columns of the table) drawn as stacked, overlaid or side-by-side bars."""

    series: tuple[str, ...]
    mode: Literal["stack", "overlay", "group"]
    unit: str  # the value axis's label
    share: bool = False  # values are shares 0..1, drawn as percentages


@dataclass(frozen=True)
class StatTable:
    """`rows` are tuples in the order of `columns`; the first columns are the grouping key (district and/or month;
    a district of None is "unknown")."""

    name: str
    title: str
    by: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    panels: tuple[Panel, ...] = field(default=())

    @property
    def key_columns(self) -> tuple[str, ...]:
        return KEY_COLUMNS[self.by]

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def csv(self) -> str:
        """The table as CSV text: a header of `columns`, empty cells for unknown districts and missing medians."""
        return csv_text(self.columns, self.rows)


def key_of(by: str, district: str | None, month: str) -> Key:
    if by == "district":
        return (district,)
    if by == "month":
        return (month,)
    return (district, month)


def grouped(items: Iterable[tuple[Key, T]]) -> list[tuple[Key, list[T]]]:
    """Items gathered by key, keys sorted (districts alphabetically, unknown last; months in order)."""
    groups: dict[Key, list[T]] = {}
    for key, item in items:
        groups.setdefault(key, []).append(item)
    return sorted(groups.items(), key=lambda pair: tuple((part is None, part or "") for part in pair[0]))


def median(values: Sequence[float]) -> float | None:
    """The median rounded to 0.1 (the mean of the middle two for an even count); None when there is nothing."""
    return round(statistics.median(values), 1) if values else None


def share(part: int, whole: int) -> float | None:
    """part / whole rounded to 4 decimals; None when whole is 0 (no one to count)."""
    return round(part / whole, 4) if whole else None
