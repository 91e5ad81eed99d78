"""Every chart of the dashboard, page by page: the chart registry.

`PAGES` is the chart pages in menu and board order; `CHARTS` is every chart by id, built here
from the page modules' lists (and the Data quality page's chart), never updated from elsewhere,
so `import charts` alone yields them all. A new chart is one entry in its page's module; a new
chart page is one module in charts/pages/ and one line in `PAGES`. Nothing in this package
imports Dash, Flask or SQLAlchemy (tests/unit/test_architecture.py checks): the card is drawn by
layouts/chart_card.py, files and images are served by server/. Imports charts and metrics only.
"""

from __future__ import annotations

from charts.pages import (
    adopters, adopters_waiting, children_waiting, data_quality, fair_comparison, overview,
    special_guardianship, sufficiency, timeliness,
)
from charts.spec import Chart, Page

PAGES: tuple[Page, ...] = (
    overview.PAGE,
    timeliness.PAGE,
    sufficiency.PAGE,
    children_waiting.PAGE,
    adopters.PAGE,
    adopters_waiting.PAGE,
    special_guardianship.PAGE,
    fair_comparison.PAGE,
)
# Charts drawn on pages that are not chart pages: in the registry, not in the board pack.
ELSEWHERE: tuple[Chart, ...] = data_quality.CHARTS


def _registry() -> dict[str, Chart]:
    found: dict[str, Chart] = {}
    for chart in [c for page in PAGES for c, _width in page.charts] + list(ELSEWHERE):
        if chart.id in found:
            raise ValueError(f"two charts have the id {chart.id!r}")
        found[chart.id] = chart
    return found


CHARTS: dict[str, Chart] = _registry()
PAGE_OF: dict[str, Page] = {page.slug: page for page in PAGES}


def pack_charts() -> list[tuple[Page, Chart]]:
    """Every chart of every chart page, page by page in order: the board pack's pages."""
    return [(page, chart) for page in PAGES for chart, _width in page.charts]
