"""What a chart and a chart page are: the entries of the chart registry.

A `Chart` is one entry: its id, its main measure, its plan (the data API queries its frame is
made of, from the page's selection), its figure kind, its active title, and optionally its
caption, headline numbers and table shape. A `Page` is a chart page: its address, its words and
its charts in order, each with how wide its card is. The registry itself (`charts.PAGES`,
`charts.CHARTS`) is built in charts/__init__.py from the page modules in charts/pages/.
Imports pandas, plotly's figure type and charts only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from charts.figures import FigureSpec
from charts.frames import Source
from charts.query import Query


class Headline(NamedTuple):
    label: str  # the area's (or measure's) name
    shown: str  # the disclosed text: "2,940", "[c]"
    main: bool = False  # the scope itself (big), or a benchmark beside it


class TableShape(NamedTuple):
    """How a frame becomes the table view: which column makes the rows (headed `heading`),
    which the columns, and which column names those."""

    heading: str = "Quarter"
    rows: str = "quarter"
    columns: str = "scope"
    names: str = "scope_name"
    cohort: str = ""  # when given, a last column of the rows' cohorts, headed with it


Plan = Callable[[Query, Source], list[Query]]
Words = Callable[[pd.DataFrame, Query], str]


@dataclass(frozen=True)
class Chart:
    """One chart. Its functions get the chart's query: the page's selection for its main
    measure over the trend's quarters (`Query.trend`)."""

    id: str
    measure: str
    plan: Plan  # the data API queries whose rows, in order, are the chart's frame
    figure: Callable[[pd.DataFrame], FigureSpec]
    title: Words
    caption: Words
    headlines: Callable[[pd.DataFrame, Query], list[Headline]]
    table: TableShape = TableShape()
    # Whether the chart draws the areas the page is compared with ("Compare with"); when it
    # does not, its card says so, and why (`uncompared`, ending a sentence that starts "it").
    compares: bool = False
    uncompared: str = "shows the area's own figures"
    # Columns the chart's file adds beside the data API's rows, a row each in the frame's
    # order (a funnel's limits and verdicts), or None: the file is the rows alone.
    file_columns: Callable[[pd.DataFrame, Query], pd.DataFrame] | None = None

    def compare_note(self, compare: tuple[str, ...]) -> str:
        """The card's line when areas are compared and this chart leaves them out, else ""."""
        if not compare or self.compares:
            return ""
        return f"Compare with is not shown on this chart: it {self.uncompared}."


# Bootstrap column sizes of a card: two a row on large screens unless a page says otherwise.
HALF = {"lg": 6}
THIRD = {"lg": 6, "xl": 4}
WHOLE = {"lg": 12}
MAX_BOARD_CHARTS = 6  # the most a projected screen holds with type legible from the back


@dataclass(frozen=True)
class Page:
    """A chart page: `slug` names it (and its card grid's id), `path` is its address."""

    slug: str
    path: str
    title: str
    lead: str  # the line under the title: what the page answers
    charts: tuple[tuple[Chart, dict], ...]  # each chart with its card's column sizes
    grid_class: str = "page-cards"
    records: bool = False  # a child-level section below the cards
    aliases: tuple[str, ...] = field(default=())  # other addresses of the same page
    # Board mode's charts (`?present=1`), by id in the order shown: the few a board discusses,
    # which fit one projected screen; the rest stay on the normal page.
    board: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        known = {chart.id for chart, _width in self.charts}
        unknown = [c for c in self.board if c not in known]
        if unknown:
            raise ValueError(f"page {self.slug!r} shows unknown charts on the board: {unknown}")
        if len(self.board) > MAX_BOARD_CHARTS:
            raise ValueError(f"page {self.slug!r} puts {len(self.board)} charts on one board "
                             f"screen; at most {MAX_BOARD_CHARTS} fit")

    @property
    def board_charts(self) -> tuple[tuple[Chart, dict], ...]:
        """The board's charts in its order, each with its card's column sizes (the first
        charts of the page when it names none)."""
        width = {chart.id: (chart, w) for chart, w in self.charts}
        ids = self.board or tuple(chart.id for chart, _w in self.charts[:MAX_BOARD_CHARTS])
        return tuple(width[i] for i in ids)
