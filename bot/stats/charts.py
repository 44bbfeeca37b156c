"""Charts drawn on the server as SVG with matplotlib, for phones and for Devanagari district names.

Text stays text (`svg.fonttype = "none"`), so the browser draws Hindi names with its own fonts and a screen reader can
read them; matplotlib only places them. The same table gives the same bytes: a fixed hash salt for the SVG's ids
and no date in its metadata. Nothing touches the disk (the SVG is written to memory) or pyplot's global state (one
`Figure` per call, so concurrent requests share nothing). Bars are horizontal, so district names fit a 390-pixel-wide
screen and the chart grows downwards with the rows. Each series is one collection of rectangles and the layout is
computed, not measured (no `tight_layout`): a chart of 80 districts is drawn in tens of milliseconds, not seconds.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # a server has no display; set before anything imports pyplot

from matplotlib import font_manager  # noqa: E402
from matplotlib.collections import LineCollection, PolyCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from bot.gazetteer import load_gazetteer  # noqa: E402
from bot.stats.table import Panel, StatTable  # noqa: E402

# matplotlib sizes every line of text on the letters "lp", which Noto Sans Devanagari does not have; harmless (the
# height comes out a little smaller), so that one warning is silenced, narrowly.
warnings.filterwarnings("ignore", message=r"Glyph 1(08|12) \([lp]\) missing from current font", category=UserWarning)

COLOURS = ("#1b6ca8", "#e07b39", "#3a9d5d", "#c23b3b", "#7a5195", "#8c8c8c")
UNKNOWN = {"en": "unknown", "hi": "अज्ञात"}
LEGEND_COLUMNS, LEGEND_LINE_IN = 3, 0.17
CACHED_CHARTS = 128  # ~100 kB each at most
WIDTH_IN, TITLE_IN, AXIS_IN, ROW_IN = 5.2, 0.45, 0.62, 0.2  # 374 pt, a phone's width; the viewBox scales
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "helpline-stats",
    "font.size": 8,
    "font.family": ["DejaVu Sans"],
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@lru_cache(maxsize=1)
def _devanagari_family() -> str:
    """Noto Sans Devanagari when installed, so Hindi names are placed right (matplotlib 3.5 has no per-glyph font
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
    for column, value in zip(table.key_columns, row, strict=False):
        if column == "district":
            name = UNKNOWN.get(language, "unknown") if value is None else value
            parts.append(_hindi_names().get(name, name) if language == "hi" else name)
        else:
            parts.append(str(value))
    return " ".join(parts)


def chart_svg(table: StatTable, language: str = "en", labels: Mapping[str, str] | None = None) -> str:
    """The table's chart as SVG text. `labels` translates the title, series and units (the console passes its own
    translated strings); district names are drawn in Devanagari when `language` is "hi".

    Drawing 80 districts costs matplotlib ~100 ms of CPU, and the same table always gives the same SVG, so the last
    `CACHED_CHARTS` charts are kept by their content (rows, language, labels): a page viewed again, or by a colleague
    with the same scope, is only its query, until a new report or answer changes a number."""
    return _cached_svg(table.name, table.title, table.by, table.columns, tuple(table.rows), table.panels, language,
                       tuple(sorted((labels or {}).items())))


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Draw a small chart once, in Hindi: matplotlib's font list, the lookup of both font families and its text
    machinery are loaded the first time a chart is drawn (~80 ms on this machine), which the console does when it
    starts (`bot.console.app.create_app`) rather than in the first person's request."""
    table = StatTable("warm_up", "warm up", "district", ("district", "a", "b"), [("Gaya", 1, 2), (None, 2, 1)],
                      (Panel(("a", "b"), "stack", "u"),))
    _draw(table, "hi", {})


def clear_chart_cache() -> None:
    """Forget the drawn charts (the benchmark times drawing, not the cache)."""
    _cached_svg.cache_clear()


@lru_cache(maxsize=CACHED_CHARTS)
def _cached_svg(name: str, title: str, by: str, columns: tuple[str, ...], rows: tuple[tuple[Any, ...], ...],
                panels: tuple[Panel, ...], language: str, labels: tuple[tuple[str, str], ...]) -> str:
    table = StatTable(name, title, by, columns, list(rows), panels)
    return _draw(table, language, dict(labels))


def _draw(table: StatTable, language: str, words: dict[str, str]) -> str:
    """The chart in inches, top to bottom: the title, then per panel its legend, its bars and its value axis. Every
    position is computed here (figure-level artists in inches), so matplotlib builds no Axes, no tick machinery and no
    layout: it only measures and writes the texts and the bar paths."""
    categories = [row_label(table, row, language) for row in table.rows] or ["—"]
    panel_heights = [ROW_IN * len(categories) * (len(p.series) if p.mode == "group" else 1) for p in table.panels]
    legends = [_legend_height(p) for p in table.panels]
    height = TITLE_IN + sum(h + AXIS_IN + legend for h, legend in zip(panel_heights, legends, strict=True))
    left = WIDTH_IN * min(0.45, (0.25 + 0.075 * max(len(c) for c in categories)) / WIDTH_IN)
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(WIDTH_IN, height), dpi=72)
        inches = figure.dpi_scale_trans
        _text(figure, 0.02 * WIDTH_IN, height - 0.3, words.get(table.title, table.title), fontsize=11)
        top = height - TITLE_IN
        for panel, panel_height, legend in zip(table.panels, panel_heights, legends, strict=True):
            plot = _Plot(figure, inches, left, WIDTH_IN * 0.92, top - legend - panel_height, top - legend)
            handles = _draw_panel(plot, table, panel, categories)
            if len(panel.series) > 1:
                _legend(plot, top, handles, words)
            plot.value_axis(words.get(panel.unit, panel.unit) + (" (%)" if panel.share else ""))
            top -= legend + panel_height + AXIS_IN
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _text(figure: Figure, x: float, y: float, text: str, **style: Any) -> None:
    """A text at (x, y) inches; Devanagari in the font that has it (the SVG names the family)."""
    if _has_devanagari(text):
        style["fontfamily"] = _devanagari_family()
    figure.text(x, y, text, transform=figure.dpi_scale_trans, **style)


class _Plot:
    """A panel's plotting area in inches, from `left` to `right` and `bottom` to `top`; rows are numbered from the
    top, values run from 0 to `peak` (set by `_draw_panel`)."""

    def __init__(self, figure: Figure, inches: Any, left: float, right: float, bottom: float, top: float) -> None:
        self.figure, self.inches = figure, inches
        self.left, self.right, self.bottom, self.top = left, right, bottom, top
        self.peak = 1.0

    def x(self, value: float) -> float:
        return self.left + (self.right - self.left) * value / self.peak

    def y(self, row: float, rows: int) -> float:
        """The height of `row` (in rows: 0 is the centre of the first, at the top)."""
        return self.top - (self.top - self.bottom) * (row + 0.5) / rows

    def value_axis(self, label: str) -> None:
        """The left and bottom lines, ticks at round values with their numbers, and the unit below."""
        ticks = [v for v in MaxNLocator(nbins=5).tick_values(0, self.peak) if 0 <= v <= self.peak * 1.0001]
        tick_in = 3.5 / 72
        lines = [[(self.left, self.top), (self.left, self.bottom), (self.right, self.bottom)]]
        lines += [[(self.x(v), self.bottom), (self.x(v), self.bottom - tick_in)] for v in ticks]
        self.figure.add_artist(LineCollection(lines, colors="black", linewidths=0.8, transform=self.inches))
        for value in ticks:
            _text(self.figure, self.x(value), self.bottom - tick_in - 0.03, f"{value:g}", ha="center", va="top")
        _text(self.figure, (self.left + self.right) / 2, self.bottom - 0.3, label, ha="center", va="top")


def _draw_panel(plot: _Plot, table: StatTable, panel: Panel, categories: list[str]) -> list[tuple[str, str]]:
    """Horizontal bars, the first row at the top; a missing value (no median, no one eligible) draws nothing.
    Returns (series, colour) for the legend."""
    count = len(categories)
    series = [[_value(v, panel.share) for v in table.column(name)] or [math.nan] for name in panel.series]
    starts = [0.0] * count
    boxes_of: list[tuple[list[tuple[float, float, float, float]], str]] = []  # (value from, row from, value, rows)
    for index, values in enumerate(series):
        if panel.mode == "group":
            thick = 0.8 / len(series)
            offsets = [row - 0.4 + thick * index for row in range(count)]
        else:  # stack, or overlay (later series, a subset such as paid within sanctioned, narrower on top)
            thick = 0.8 * (1 - 0.25 * index) if panel.mode == "overlay" else 0.8
            offsets = [row - thick / 2 for row in range(count)]
        boxes_of.append(([(starts[row] if panel.mode == "stack" else 0.0, offsets[row], value, thick)
                          for row, value in enumerate(values) if not math.isnan(value) and value > 0],
                         COLOURS[index % len(COLOURS)]))
        if panel.mode == "stack":
            starts = [s + (0.0 if math.isnan(v) else v) for s, v in zip(starts, values, strict=True)]
    peak = max([v for values in series for v in values if not math.isnan(v)] + starts + [1.0])
    plot.peak = 100.0 if panel.share else peak * 1.05
    for boxes, colour in boxes_of:  # one collection (one SVG group) per series
        corners = [_box(plot.x(x), plot.y(row + thick, count), plot.x(x + width) - plot.x(x),
                        plot.y(row, count) - plot.y(row + thick, count)) for x, row, width, thick in boxes]
        plot.figure.add_artist(PolyCollection(corners, facecolors=colour, edgecolors="none", transform=plot.inches))
    gap = 0.015 * (plot.right - plot.left)
    for row, category in enumerate(categories):
        _text(plot.figure, plot.left - gap, plot.y(row, count), category, ha="right", va="center")
    return [(name, colour) for name, (_, colour) in zip(panel.series, boxes_of, strict=True)]


def _legend(plot: _Plot, top: float, handles: list[tuple[str, str]], words: dict[str, str]) -> None:
    """Above the bars, from the figure's left edge, `LEGEND_COLUMNS` series a line, in the strip `_legend_height`
    keeps free (inside the plot it would hide bars of long charts). Column widths follow the longest name."""
    names = [words.get(name, name) for name, _ in handles]
    column = 0.22 + 0.055 * max(len(name) for name in names)
    column = min(column, (WIDTH_IN * 0.96) / LEGEND_COLUMNS)
    square = 0.1
    for index, ((_, colour), name) in enumerate(zip(handles, names, strict=True)):
        line, place = divmod(index, LEGEND_COLUMNS)
        x = 0.02 * WIDTH_IN + place * column
        y = top - 0.05 - LEGEND_LINE_IN * (line + 0.5)
        plot.figure.add_artist(PolyCollection([_box(x, y - square / 2, square, square)], facecolors=colour,
                                              edgecolors="none", transform=plot.inches))
        _text(plot.figure, x + square + 0.05, y, name, fontsize=7, va="center")


def _legend_height(panel: Panel) -> float:
    """Inches above a panel for its legend: none for a single series, else a line per `LEGEND_COLUMNS` series."""
    return 0.0 if len(panel.series) < 2 else 0.05 + LEGEND_LINE_IN * math.ceil(len(panel.series) / LEGEND_COLUMNS)


def _box(x: float, y: float, width: float, height: float) -> list[tuple[float, float]]:
    return [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]


def _value(value: Any, as_share: bool) -> float:
    if value is None:
        return math.nan
    return float(value) * 100 if as_share else float(value)
