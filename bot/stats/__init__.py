"""The console's accountability statistics (issue 13, item 4): per district and month, each figure a table, its CSV
and a server-drawn SVG chart.

The figures answer the field study's question "was anyone accountable?": were reports acknowledged, and how fast;
were returned children still in contact months later; are they in school; did the compensation they are owed arrive.
Every function takes the caller's session and a `Scope` (which reports and cases the viewer may see) and reads only
columns kept in clear, so no personal data is decrypted. The definitions are in the README ("Console statistics").

    from bot.stats import Scope, reports_by_kind, chart_svg
    table = reports_by_kind(session, Scope.of_state("Bihar"), clock.now(), by="district")
    table.rows, table.csv(), chart_svg(table, language="hi")
"""

from bot.stats.charts import chart_svg, clear_chart_cache, warm_up
from bot.stats.figures import (
    FIGURES,
    acknowledgement,
    compensation,
    contact_retention,
    reports_by_kind,
    school,
)
from bot.stats.scope import Scope
from bot.stats.table import StatTable

__all__ = [
    "FIGURES",
    "Scope",
    "StatTable",
    "acknowledgement",
    "chart_svg",
    "clear_chart_cache",
    "compensation",
    "contact_retention",
    "reports_by_kind",
    "school",
    "warm_up",
]
