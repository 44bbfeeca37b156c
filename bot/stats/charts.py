"""Charts drawn on the server as SVG with matplotlib, for phones and for Devanagari district names.

Text stays text (`svg.fonttype = "none"`), so the browser draws Hindi names with its own fonts and a screen reader can
read them; matplotlib only lays them out. The same table gives the same bytes: a fixed hash salt for the SVG's ids
and no date in its metadata. Nothing touches the disk (the SVG is written to memory) or pyplot's global state (one
`Figure` per call, so concurrent requests do not share a figure). Bars are horizontal: district names fit on a
390-pixel-wide screen, and the chart grows downwards with the number of rows.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # a server has no display; set before anything imports pyplot

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from bot.gazetteer import load_gazetteer  # noqa: E402
from bot.stats.table import Panel, StatTable  # noqa: E402

COLOURS = ("#1b6ca8", "#e07b39", "#3a9d5d", "#c23b3b", "#7a5195", "#8c8c8c")
UNKNOWN = {"en": "unknown", "hi": "अज्ञात"}
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "helpline-stats",
    "font.size": 9,
    "font.family": ["DejaVu Sans"],
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@lru_cache(maxsize=1)
def _devanagari_family() -> str:
    """Noto Sans Devanagari when installed, so Hindi names are measured right (matplotlib 3.5 has no per-glyph font
    fallback, and DejaVu Sans has no Devanagari); the SVG names the family and a browser without it uses its own."""
    names = {font.name for font in font_manager.fontManager.ttflist}
    return "Noto Sans Devanagari" if "Noto Sans Devanagari" in names else "DejaVu Sans"


def _has_devanagari(text: str) -> bool:
    return any("\u0900" <= char <= "\u097f" for char in text)


@lru_cache(maxsize=1)
def _hindi_names() -> dict[str, str]:
    return {d.name: d.hindi[0] for d in load_gazetteer().districts() if d.hindi}


def row_label(table: StatTable, row: tuple[Any, ...], language: str) -> str:
    """The category label of a row: its district (in Devanagari for Hindi) and/or month."""
    parts = []
    for column, value in zip(table.key_columns, row):
        if column == "district":
            name = UNKNOWN.get(language, "unknown") if value is None else value
            parts.append(_hindi_names().get(name, name) if language == "hi" else name)
        else:
            parts.append(str(value))
    return " ".join(parts)


def chart_svg(table: StatTable, language: str = "en", labels: Mapping[str, str] | None = None) -> str:
    """The table's chart as SVG text. `labels` translates the title, series and units (the console passes its own
    translated strings); district names are drawn in Devanagari when `language` is "hi"."""
    words = dict(labels or {})
    categories = [row_label(table, row, language) for row in table.rows] or ["—"]
    height = 1.0 + 0.22 * len(categories) * max(1, _bars_per_row(table)) * len(table.panels)
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(5.2, max(2.4, height)), dpi=72)
        axes = figure.subplots(len(table.panels) or 1, 1, squeeze=False)[:, 0]
        for ax, panel in zip(axes, table.panels):
            _draw_panel(ax, table, panel, categories, words)
        figure.suptitle(words.get(table.title, table.title), fontsize=11)
        for text in figure.findobj(Text):
            if _has_devanagari(text.get_text()):
                text.set_fontfamily(_devanagari_family())
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _bars_per_row(table: StatTable) -> int:
    return max((len(p.series) if p.mode == "group" else 1) for p in table.panels) if table.panels else 1


def _draw_panel(ax: Any, table: StatTable, panel: Panel, categories: list[str], words: dict[str, str]) -> None:
    """Horizontal bars, first row at the top; missing values (no median, no one eligible) draw nothing."""
    positions = list(range(len(categories)))
    series = [[_value(v, panel.share) for v in table.column(name)] or [0.0] for name in panel.series]
    width = 0.8 / len(series) if panel.mode == "group" else 0.8
    left = [0.0] * len(categories)
    for index, (name, values) in enumerate(zip(panel.series, series)):
        colour = COLOURS[index % len(COLOURS)]
        if panel.mode == "group":
            shifted = [p - 0.4 + width * (index + 0.5) for p in positions]
            ax.barh(shifted, values, height=width, color=colour, label=words.get(name, name))
        elif panel.mode == "stack":
            ax.barh(positions, values, height=width, left=left, color=colour, label=words.get(name, name))
            left = [a + (0.0 if math.isnan(b) else b) for a, b in zip(left, values)]
        else:  # overlay: later series (a subset: sanctioned within applied) drawn narrower on top
            ax.barh(positions, values, height=width * (1 - 0.25 * index), color=colour, label=words.get(name, name))
    ax.set_yticks(positions)
    ax.set_yticklabels(categories)
    ax.invert_yaxis()
    ax.set_xlabel(words.get(panel.unit, panel.unit) + (" (%)" if panel.share else ""))
    if panel.share:
        ax.set_xlim(0, 100)
    if len(panel.series) > 1:
        ax.legend(fontsize=7, loc="lower right", frameon=False)


def _value(value: Any, as_share: bool) -> float:
    if value is None:
        return math.nan
    return float(value) * 100 if as_share else float(value)
