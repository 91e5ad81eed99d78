"""The kinds of chart the pages are made of, and the plans behind them.

A plan turns the chart's query (the page's selection for the chart's measure, over the trend's
quarters) into the data API queries whose rows, in order, are the chart's frame, so every
chart's download equals the API's answers to its links. The constructors here (`trend_chart`,
`benchmark_chart`, `by_chart`, `series_chart`, `planned_chart`) are what a page module lists;
a chart of a new shape gives `planned_chart` its own plan. Imports pandas, charts and metrics
only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial

import pandas as pd

from charts.figures import category_bars, category_trend, compared_tile, share_bars, trend_figure
from charts.frames import Source, benchmarks, replaces_england, with_england_published
from charts.query import ENGLAND, Query
from charts.spec import Chart, Headline, Plan, TableShape, Words
from charts.words import (
    active_title, caption, headlines, largest_title, measure_headlines, no_headlines, page_caption,
    scope_row, total_headline,
)
from metrics.disclosure import TOTAL
from metrics.registry import MEASURES
from metrics.published import is_published

MEASURE_TABLE = TableShape("Quarter", "quarter", "measure", "measure_title")
CATEGORY_TABLE = TableShape("Category", "category_label", "scope", "scope_name")
# A breakdown of the scope alone over the quarters: a column per category.
CATEGORY_TREND_TABLE = TableShape("Quarter", "quarter", "category", "category_label")
# Several measures by category: a row per category, a column per measure.
MEASURE_ROWS = TableShape("Category", "category_label", "measure", "measure_title")


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


def both_with_england_plan(measures: tuple[str, ...], query: Query, source: Source) -> list[Query]:
    """Each measure for the scope and England over the trend."""
    scopes = tuple(dict.fromkeys((query.scope, ENGLAND)))
    return [ask(query, m, scopes, trend=True) for m in measures]


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


def share_plan(breakdown: str, measure: str, query: Query, source: Source) -> list[Query]:
    """The shares of `breakdown` at the quarter for the scope, its region and England (the
    areas compared with are left out: three bars a category is what a card can hold)."""
    scopes = benchmarks(query.of(query.measure, compare=()), source.geography())
    return [ask(query, measure, scopes, breakdown=breakdown)]


def category_trend_plan(breakdown: str, measure: str, query: Query, source: Source) -> list[Query]:
    """`measure` by `breakdown` for the scope alone over the trend's quarters."""
    return [ask(query, measure, (query.scope,), trend=True, breakdown=breakdown)]


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


def share_total_headline(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """The scope's count behind a share breakdown (its Total's cohort, as shown), then each
    benchmark's: `364 children waiting in Adopt London South`."""
    out = []
    for n, scope in enumerate(dict.fromkeys(frame["scope"])):
        row = scope_row(frame, scope, quarter=query.quarter, category=TOTAL)
        if row is None:
            continue
        count = row["cohort"]
        shown = row["shown"] if row["shown"] in ("[c]", "[x]", "[z]") or pd.isna(count) else f"{float(count):,.0f}"
        counted = MEASURES[MEASURES[query.measure].share_of or query.measure].title.lower()
        label = f"{counted} in {row['scope_name']}" if n == 0 else str(row["scope_name"])
        out.append(Headline(label, str(shown), n == 0))
    return out


def share_chart(id: str, measure: str, breakdown: str, title: Words) -> Chart:
    """A breakdown's shares (%) for the scope beside its region's and England's."""
    return planned_chart(id, measure, partial(share_plan, breakdown, measure), share_bars, title,
                         share_total_headline, CATEGORY_TABLE, uncompared=OWN_BREAKDOWN)


def latest_total_headline(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """The Total of a broken-down trend at the selected quarter, named by its measure."""
    row = scope_row(frame, query.scope, quarter=query.quarter, category=TOTAL)
    if row is None:
        return []
    return [Headline(f"{str(row['measure_title']).lower()} in {row['scope_name']}",
                     str(row["shown"]), True)]


def category_trend_chart(id: str, measure: str, breakdown: str, title: Words,
                         stacked: bool = False, unit: str = "",
                         headlines_of=latest_total_headline) -> Chart:
    """A breakdown of the scope over the trend's quarters, a series per category."""
    return planned_chart(id, measure, partial(category_trend_plan, breakdown, measure),
                         partial(category_trend, stacked=stacked, unit=unit), title,
                         headlines_of, CATEGORY_TREND_TABLE, uncompared=OWN_BREAKDOWN)
