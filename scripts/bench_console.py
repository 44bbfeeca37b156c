"""`make bench`: how long the console's pages take on a store of 10,000 reports and 5,000 cases (p50, p95, max).

    PYTHONPATH=. .venv/bin/python scripts/bench_console.py                 # a fresh SQLite store, seeded, then deleted
    PYTHONPATH=. .venv/bin/python scripts/bench_console.py --postgres      # the same on PostgreSQL (a throw-away
                                                                           # schema in HELPLINE_TEST_POSTGRES_URL)
    ... --url http://127.0.0.1:8082/stats --cookie "session=..."           # also time pages of a running console
    ... --pages bot.console.bench:pages                                    # or a function returning more `Page`s
    ... --no-stats --repeats 10                                            # only the console's pages
    ... --no-stats --only chart                                            # only the console's charts

The console's pages (scripts/bench_console_pages.py: dashboard, reports, a report, cases overdue, a case, the
statistics page, each figure's table and chart) are timed through the Flask application as three people (Magadh's
NGO staff, Bihar's coordinator, an admin); then the statistics functions alone.

A page is anything that can be called: the statistics pages are timed as the console will serve them (a new
transaction per request, the figure's rows, its CSV and its SVG chart), over three views: an admin's (every district),
a state coordinator's (Bihar, by district) and one district by month. The target is 300 ms at the 95th percentile on
this machine; the figures are printed, never asserted (machines here are shared, so read them with the load average,
which is printed too).
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 300.0
POSTGRES_URL = os.environ.get("HELPLINE_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")


@dataclass(frozen=True)
class Page:
    """A named thing to time: one call is one page view."""

    name: str
    run: Callable[[], object]


def stats_pages() -> list[Page]:
    """Each statistics figure as the console serves it (rows + CSV + SVG, own transaction), per view; plus the five
    together (a page showing them all), drawn afresh and as seen again (charts from the cache)."""
    from bot.stats import FIGURES, Scope

    views = [("all districts", Scope.everything(), "district", "en"),
             ("Bihar", Scope.of_state("Bihar"), "district", "hi"),
             ("Gaya by month", Scope.of_districts(["Gaya"]), "month", "hi")]
    pages = []
    for view, scope, by, language in views:
        for figure in FIGURES:
            pages.append(Page(f"{figure} ({view})", partial(view_figures, (figure,), scope, by, language)))
        pages.append(Page(f"all five ({view})", partial(view_figures, tuple(FIGURES), scope, by, language)))
        pages.append(Page(f"all five, seen before ({view})",
                          partial(view_figures, tuple(FIGURES), scope, by, language, fresh=False)))
    return pages


def view_figures(figures: Sequence[str], scope: Any, by: str, language: str, fresh: bool = True) -> object:
    """One page view: per figure a transaction, its rows, CSV and chart (drawn afresh unless `fresh` is False)."""
    from bot.stats import FIGURES, chart_svg, clear_chart_cache
    from bot.store.db import session_scope
    from scripts.seed_console import NOW

    result = []
    for figure in figures:
        if fresh:
            clear_chart_cache()  # time drawing the chart: the worst case, a changed number
        with session_scope() as session:
            table = FIGURES[figure](session, scope, NOW, by)
        result.append((table.csv(), chart_svg(table, language)))
    return result


def url_page(url: str, cookie: str | None = None) -> Page:
    """A GET of a running console's page (200 expected), e.g. with a logged-in session's cookie."""
    import requests

    http = requests.Session()
    if cookie:
        http.headers["Cookie"] = cookie

    def get() -> object:
        response = http.get(url, timeout=30)
        response.raise_for_status()
        return response.content

    return Page(url, get)


Result = tuple[str, float, float, float, float]


def measure(pages: Sequence[Page], repeats: int = 20, warmup: int = 2, progress: bool = True) -> list[Result]:
    """(name, p50, p95, max, p95 of this process's CPU time) in milliseconds per page, after `warmup` untimed calls.
    The CPU time says what a page costs when the machine is busy with others (it excludes waiting for a core, and
    for PostgreSQL, which runs in its own process); wall time is what a person waits. Prints each page as it is
    measured when `progress`."""
    results = []
    for page in pages:
        for _ in range(warmup):
            page.run()
        samples, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            page.run()
            samples.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        results.append((page.name, statistics.median(samples), _p95(samples), max(samples), _p95(cpu)))
        if progress:
            report(results[-1:], header=len(results) == 1)
    return results


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]


@contextmanager
def seeded_store(postgres: bool, reports: int, cases: int) -> Iterator[str]:
    """A fresh store (SQLite in a temporary directory, or a throw-away PostgreSQL schema), seeded; removed after."""
    var = tempfile.mkdtemp(prefix="bench-console-")
    os.environ["HELPLINE_VAR_DIR"] = var
    schema = f"bench_console_{uuid.uuid4().hex[:10]}"
    admin = None
    try:
        if postgres:
            from sqlalchemy import create_engine, text

            admin = create_engine(POSTGRES_URL, future=True)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{var}/helpline.db"
        os.environ["HELPLINE_DATABASE_URL"] = url
        from bot.store.db import session_scope, upgrade_schema
        from scripts.seed_console import seed

        upgrade_schema(url)
        start = time.perf_counter()
        with session_scope() as session:
            counts = seed(session, reports, cases)
        print(f"seeded {counts['reports']} reports and {counts['cases']} cases in {time.perf_counter() - start:.1f} s")
        yield url
    finally:
        if admin is not None:
            from sqlalchemy import text

            from bot.store.db import engine_for

            engine_for(os.environ["HELPLINE_DATABASE_URL"]).dispose()  # its idle connections, before the drop
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        shutil.rmtree(var, ignore_errors=True)


def extra_pages(specs: Sequence[str]) -> list[Page]:
    """Pages from "module:function" specs (each function returns a list of `Page`s)."""
    pages: list[Page] = []
    for spec in specs:
        module, _, name = spec.partition(":")
        pages += getattr(importlib.import_module(module), name)()
    return pages


def report(results: Sequence[Result], header: bool = True) -> None:
    width = 42
    if header:
        print(f"  {'page':{width}s}   p50 ms   p95 ms   max ms  CPU p95   (target p95 <= {TARGET_MS:.0f} ms)")
    for name, p50, p95, worst, cpu in results:
        flag = "" if p95 <= TARGET_MS else "  over"
        print(f"  {name:{width}s} {p50:8.1f} {p95:8.1f} {worst:8.1f} {cpu:8.1f}{flag}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="seed a throw-away PostgreSQL schema instead")
    parser.add_argument("--database-url", help="time an existing store (not seeded, not removed)")
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--url", action="append", default=[], help="a console page to GET (repeatable)")
    parser.add_argument("--cookie", help="Cookie header for --url (a logged-in session)")
    parser.add_argument("--pages", action="append", default=[], help="module:function returning more Pages")
    parser.add_argument("--no-stats", action="store_true", help="not the statistics functions (stats_pages)")
    parser.add_argument("--no-console", action="store_true", help="not the console's pages (bench_console_pages)")
    parser.add_argument("--only", action="append", default=[],
                        help="only the pages whose name contains this text (repeatable), e.g. --only chart")
    args = parser.parse_args(argv)

    def run() -> None:
        from scripts.bench_console_pages import console_pages

        pages = [] if args.no_console else console_pages()
        pages += [] if args.no_stats else stats_pages()
        pages += extra_pages(args.pages) + [url_page(url, args.cookie) for url in args.url]
        pages = [page for page in pages if not args.only or any(text in page.name for text in args.only)]
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.repeats} views per page")
        measure(pages, args.repeats)

    if args.database_url:
        os.environ["HELPLINE_DATABASE_URL"] = args.database_url
        run()
        return 0
    with seeded_store(args.postgres, args.reports, args.cases):
        run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
