"""The kinds of chart the pages are made of, and the plans behind them.

A plan turns the chart's query (the page's selection for the chart's measure, over the trend's
quarters) into the data API queries whose rows, in order, are the chart's frame, so every
chart's download equals the API's answers to its links. The constructors here (`trend_chart`,
`benchmark_chart`, `by_chart`, `series_chart`, `planned_chart`) are what a page module lists;
a chart of a new shape gives `planned_chart` its own plan. Imports charts and metrics only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from charts.figures import category_bars, compared_tile, trend_figure
from charts.frames import Source, benchmarks, replaces_england, with_england_published
from charts.query import ENGLAND, Query
from charts.spec import Chart, Plan, TableShape, Words
from charts.words import (
    active_title, caption, headlines, largest_title, measure_headlines, no_headlines, page_caption,
    total_headline,
)
from metrics.published import is_published

MEASURE_TABLE = TableShape("Quarter", "quarter", "measure", "measure_title")
CATEGORY_TABLE = TableShape("Category", "category_label", "scope", "scope_name")


def ask(query: Query, measure: str, scopes: Sequence[str], trend: bool = False,
        breakdown: str | None = None) -> Query:
    """One data API query of a plan: `measure` for `scopes` (the first is `scope=`, the rest
    `compare=`), over the trend's quarters or the selected one only."""
    return replace(query, measure=measure, scope=scopes[0], compare=tuple(scopes[1:]),
                   first=query.first if trend else None, breakdown=breakdown)


# ---------------------------------------------------------------- plans


def peers_of(query: Query) -> tuple[str, ...]:
    """The areas the page is compared with that a chart draws as computed figures (published
    comparators are markers on the trend, not peers), without the scope itself."""
    return tuple(c for c in dict.fromkeys(query.compare) if not is_published(c) and c != query.scope)


def benchmark_trend_plan(query: Query, source: Source) -> list[Query]:
    """The scope beside its region, England and any published comparators asked for over the
    trend; England's published figure in England's place when the store holds too little of
    England to count it. With areas compared, their values at the quarter follow (a second
    query), which the tile draws as a ranked bar of the latest values (`compared_tile`) rather
    than more lines on a small trend."""
    published = tuple(c for c in query.compare if is_published(c))
    scopes = benchmarks(query.of(query.measure, compare=published), source.geography(), published=True)
    if replaces_england(query, source):
        scopes = with_england_published(scopes)
    peers = tuple(p for p in peers_of(query) if p not in scopes)
    return [ask(query, query.measure, scopes, trend=True),
            *([ask(query, query.measure, peers)] if peers else [])]


def trend_plan(measure: str, query: Query, source: Source) -> list[Query]:
    """The scope and England over the trend, then the areas compared with."""
    return [ask(query, measure, tuple(dict.fromkeys((query.scope, ENGLAND, *peers_of(query)))),
                trend=True)]


def series_plan(measures: tuple[str, ...], query: Query, source: Source) -> list[Query]:
    """Each measure for the scope alone over the trend (counts: England's would dwarf the
    scope's on one axis)."""
    return [ask(query, m, (query.scope,), trend=True) for m in measures]


def breakdown_plan(breakdown: str, query: Query, source: Source,
                   measure: str = "children_waiting") -> list[Query]:
    """The measure for the scope at the quarter, by `breakdown`."""
    return [ask(query, measure, (query.scope,), breakdown=breakdown)]


# ---------------------------------------------------------------- kinds of chart


# Why a kind of chart leaves the areas compared with out, said on its card (Chart.uncompared).
OWN_BREAKDOWN = "shows the area's own breakdown"
OWN_MEASURES = "shows the area's own measures together"


def planned_chart(id: str, measure: str, plan: Plan, figure, title: Words,
                  headlines_of=no_headlines, table: TableShape = TableShape(),
                  compares: bool = False, uncompared: str = OWN_MEASURES) -> Chart:
    """A chart of the page's own plan, captioned for one or several measures; `compares` when
    its plan draws the areas compared with, else `uncompared` says why not."""
    return Chart(id, measure, plan, figure, title, page_caption, headlines_of, table,
                 compares=compares, uncompared=uncompared)


def benchmark_chart(measure: str) -> Chart:
    """The Overview's tile: the measure's trend for the scope beside its benchmarks, or with
    areas compared a ranked bar of the latest values."""
    return Chart(measure, measure, benchmark_trend_plan, compared_tile, active_title, caption,
                 headlines, compares=True)


def trend_chart(id: str, measure: str) -> Chart:
    """The scope's trend beside England's and the areas compared with, its title the latest
    change."""
    return planned_chart(id, measure, partial(trend_plan, measure), trend_figure, active_title,
                         headlines, compares=True)


def by_chart(id: str, measure: str, breakdown: str, says: str, labels: dict[str, str],
             title: Words | None = None) -> Chart:
    """A bar per category of `measure` by `breakdown` for the scope, the largest named."""
    return planned_chart(id, measure, partial(breakdown_plan, breakdown, measure=measure),
                         category_bars, title or partial(largest_title, measure, breakdown, says, labels),
                         total_headline, CATEGORY_TABLE, uncompared=OWN_BREAKDOWN)


def series_chart(id: str, measures: tuple[str, ...], figure, title: Words) -> Chart:
    """Several measures for the scope over the trend, each one's latest as a headline."""
    return planned_chart(id, measures[0], partial(series_plan, measures), figure, title,
                         measure_headlines, MEASURE_TABLE, uncompared=OWN_MEASURES)
