"""Children waiting: how old the children waiting are, how many are under 5, how long they have
waited since the placement order, and how many sibling groups wait together; the longest-waiting children are
listed below the cards (callbacks/records.py). Imports pandas, charts and metrics only."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures import measure_bars, trend_figure
from charts.plans import benchmark_trend_plan, by_chart, planned_chart, series_chart, trend_chart
from charts.projected import projection_chart
from charts.query import Query
from charts.spec import HALF, Page
from charts.words import (
    AGE_BAND_WORDS, active_title, headlines, said_at, say, scope_name_of, scope_row,
)
from metrics.disclosure import SYMBOLS, TOTAL

OVER_MONTHS = ("children_waiting_over_6_months", "children_waiting_over_12_months",
               "children_waiting_over_18_months")
AGE_WORDS = {"0": "Babies under 1", **{str(a): f"{a}-year-olds" for a in range(1, 18)}}


def over_months_title(frame: pd.DataFrame, query: Query) -> str:
    six, twelve, eighteen = (said_at(frame, query, m) for m in OVER_MONTHS)
    return (f"In {scope_name_of(frame, query)} at {query.quarter}, {six} children waiting "
            f"had waited over 6 months since the placement order, {twelve} over 12 months and "
            f"{eighteen} over 18 months")


def longest_wait_title(frame: pd.DataFrame, query: Query) -> str:
    """The age band that has waited longest on average, against all children waiting (a band
    with nobody in it is [z]; a hidden one might have waited longer, so the claim says so)."""
    name, quarter = scope_name_of(frame, query), query.quarter
    bands = frame[frame["category"] != TOTAL]
    rows = bands[bands["value"].notna() & ~bands["shown"].isin(list(SYMBOLS))]
    total = scope_row(frame, query.scope, category=TOTAL)
    if rows.empty:
        return (f"Days waiting since the placement order in {name} by age band, {quarter}: "
                f"{say(total)}")
    top = rows.loc[pd.to_numeric(rows["value"]).idxmax()]
    shown = " of the age bands shown" if bands["shown"].eq("[c]").any() else ""
    return (f"{AGE_BAND_WORDS.get(top['category'], top['category'])} had waited longest{shown} in "
            f"{name} at {quarter}: {top['shown']} days on average since the placement order, "
            f"against {say(total)} for all children waiting")


PAGE = Page(
    "children_waiting", "/children-waiting", "Children waiting",
    "How old the children waiting are, how long they have waited since the placement order, "
    "and how many sibling groups wait together.",
    tuple((chart, HALF) for chart in (
        by_chart("waiting_by_age_year", "children_waiting", "age_year",
                 "{} are the {largest} single age among children waiting", AGE_WORDS),
        series_chart("waiting_over_months", OVER_MONTHS, partial(measure_bars, unit="Children"),
                     over_months_title),
        by_chart("waiting_days_by_age", "days_waiting", "age_band", "", {}, longest_wait_title),
        trend_chart("waiting_sibling_groups", "sibling_groups_waiting"),
        # The under-5s, beside the region and England (in the numbers above the chart: counts
        # of a larger area would flatten the scope's line).
        planned_chart("waiting_under_5", "children_waiting_under_5", benchmark_trend_plan,
                      trend_figure, active_title, headlines),
        # The next four quarters, from the pipeline of children with a decision or an order.
        projection_chart("waiting_projection", "children_waiting"),
    )),
    records=True,
    # The next four quarters in the days-by-age chart's place: what to plan for is the board's
    # question ("mapping known future demands"); the longest waits by age stay on the page.
    board=("waiting_by_age_year", "waiting_over_months", "waiting_sibling_groups",
           "waiting_projection"),
)
