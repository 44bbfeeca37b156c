"""The accountability statistics in the console (issue 13, item 4): one page lists the five figures, each chart an
image of its own URL (`/stats/<figure>.svg`, so the page itself is only HTML and each chart is drawn, or taken from
`bot.stats.charts`' content cache, in its own request), and each figure has a page with its table and a CSV download.

Scope: the figures count exactly what the person could list — the `Scope` is built from the console's own clauses
(`bot.console.scope.reports_clause` / `cases_clause`: NGO staff their NGO's reports and cases, a coordinator their
state, an admin everything). A district filter outside that scope is not refused (that would tell that it exists
elsewhere): it narrows the scope, so its figures are empty. Filters: district, months from/to (YYYY-MM, India), and
the grouping (district x month, district, month).

No audit entry: the figures are aggregate counts, shares and medians of columns kept in clear; nothing personal is
decrypted or shown, which is what the audit log records (see README "Accountability statistics").
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from flask import Blueprint, Response, abort, g, render_template, request
from flask_login import login_required
from sqlalchemy import and_

from bot.console.context import now
from bot.console.i18n import current_language, t
from bot.console.scope import Viewer, cases_clause, reports_clause
from bot.gazetteer import load_gazetteer
from bot.stats import FIGURES, Scope, StatTable, chart_svg
from bot.stats.charts import row_label
from bot.stats.table import KEY_COLUMNS
from bot.store.db import session_scope
from bot.store.models import FollowupCase, Report

bp = Blueprint("stats", __name__)
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
FILTERS = ("district", "from", "to", "by")
# A chart draws at most this many rows (matplotlib's cost grows with them, and a phone cannot show more); the table
# and the CSV have them all, and the page says so.
CHART_ROWS = 40
# A chart's own policy: matplotlib writes its fonts and colours as style attributes, which the pages' policy (styles
# from the console's stylesheet only) would drop if a browser applied it inside the image; scripts stay forbidden.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


def _month(value: str | None, after: bool = False) -> date | None:
    """"2026-03" -> 1 March 2026 (or, `after`, 1 April: the end of a range is exclusive); 400 when malformed."""
    if not value:
        return None
    match = MONTH.match(value)
    if not match:
        abort(400)
    year, month = int(match.group(1)), int(match.group(2))
    if after:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, 1)


def _filters() -> dict[str, str]:
    """The filters of the query string. Grouped by district unless asked otherwise (by month when one district is
    chosen): one bar per district keeps a chart small and quick to draw; district x month is there for the tables."""
    values = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    if values["by"] and values["by"] not in KEY_COLUMNS:
        abort(400)
    values["by"] = values["by"] or ("month" if values["district"] else "district")
    return values


def _scope(viewer: Viewer, filters: dict[str, str]) -> Scope:
    """The viewer's scope (the clauses built inside the caller's transaction), narrowed by the filters."""
    with session_scope() as db:
        scope = Scope(reports_clause(db, viewer), cases_clause(db, viewer))
    district = _canonical(filters["district"])
    if district:
        scope = Scope(and_(scope.reports, Report.district == district),
                      and_(scope.cases, FollowupCase.district == district))
    return scope.between(_month(filters["from"]), _month(filters["to"], after=True))


def _canonical(name: str) -> str:
    """"gaya" or "गया" -> "Gaya", as the store keeps it (a name the gazetteer does not know is kept as given)."""
    district = load_gazetteer().lookup(name) if name else None
    return district.name if district else name


def _table(figure: str, filters: dict[str, str]) -> StatTable:
    if figure not in FIGURES:
        abort(404)
    scope = _scope(g.viewer, filters)
    with session_scope() as db:
        return FIGURES[figure](db, scope, now(), filters["by"])


def labels(table: StatTable) -> dict[str, str]:
    """The chart's words in the page's language: its title, series and axis units."""
    words = {table.title: t(f"stats.{table.name}.title")}
    words.update({column: t(f"stats.col.{column}") for column in table.columns if not column.startswith(
        ("eligible_", "in_contact_"))})
    words.update({panel.unit: t("stats.unit." + panel.unit.replace(" ", "_")) for panel in table.panels})
    return words


def _query(filters: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in filters.items() if v}


@bp.route("/stats")
@login_required
def index():  # type: ignore[no-untyped-def]
    """Every figure's chart (an image each) with its CSV link; no query runs here but the filters' validation."""
    filters = _filters()
    _month(filters["from"]), _month(filters["to"])
    return render_template("stats.html", figures=list(FIGURES), filters=filters, query=_query(filters),
                           chart_rows=CHART_ROWS,
                           groupings=list(KEY_COLUMNS))


@bp.route("/stats/<figure>")
@login_required
def figure_page(figure: str):  # type: ignore[no-untyped-def]
    """One figure: its chart, its table (the CSV's rows) and the CSV link."""
    filters = _filters()
    table = _table(figure, filters)
    language = current_language()
    rows = [(row_label(table, row, language), *row[len(table.key_columns):]) for row in table.rows]
    headers = [t("stats.col.key")] + [_header(c) for c in table.columns[len(table.key_columns):]]
    return render_template("stats_figure.html", figure=figure, table=table, rows=rows, headers=headers,
                           clipped=len(rows) > CHART_ROWS, chart_rows=CHART_ROWS,
                           filters=filters, query=_query(filters), groupings=list(KEY_COLUMNS))


def _header(column: str) -> str:
    """Column titles: eligible_4m / in_contact_4m have no catalogue entry of their own (composed from the horizon)."""
    for prefix in ("eligible_", "in_contact_"):
        if column.startswith(prefix):
            return t(f"stats.col.{prefix.rstrip('_')}", months=column[len(prefix):-1])
    return t(f"stats.col.{column}")


@bp.route("/stats/<figure>.svg")
@login_required
def chart(figure: str) -> Response:
    """The chart as image/svg+xml from the console's own origin (the CSP allows images from 'self' only)."""
    table = _table(figure, _filters())
    if len(table.rows) > CHART_ROWS:
        table = replace(table, rows=table.rows[:CHART_ROWS])
    return Response(chart_svg(table, current_language(), labels(table)), mimetype="image/svg+xml",
                    headers={"Content-Security-Policy": SVG_POLICY})


@bp.route("/stats/<figure>.csv")
@login_required
def csv(figure: str) -> Response:
    """The table as CSV (the same rows the page shows; English column names, for spreadsheets and scripts)."""
    filters = _filters()
    table = _table(figure, filters)
    name = "-".join([figure, *[filters[k] for k in ("district", "from", "to") if filters[k]]])
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    return Response(table.csv(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'})
