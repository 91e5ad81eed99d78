"""Adopters waiting: how soon approved adopters are matched, how many wait and for how long,
and for how many children they are approved against the families the children waiting need
(why approved adopters wait). The Adopters page has the funnel up to approval. Imports pandas,
charts and metrics only."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures import measure_bars, measure_trend_lines, places_needed, places_needed_bars
from charts.frames import Source
from charts.plans import (
    MEASURE_ROWS, ask, both_with_england_plan, by_chart, planned_chart, series_chart, trend_chart,
)
from charts.query import Query
from charts.spec import HALF, Chart, Page
from charts.words import (
    england_beside, measure_headlines, measure_period, measure_totals, page_caption, said_at,
    say, scope_name_of, scope_row,
)

ADOPTERS_OVER = ("adopters_waiting", "adopters_waiting_over_3_months",
                 "adopters_waiting_over_6_months")
MATCHED_WITHIN = ("adopter_matched_within_3_months", "adopter_matched_within_6_months")
WITHIN_NAMES = {"adopter_matched_within_3_months": "3 months",
                "adopter_matched_within_6_months": "6 months"}


def matched_within_title(frame: pd.DataFrame, query: Query) -> str:
    three, six = (said_at(frame, query, m) for m in MATCHED_WITHIN)
    return (f"{three} of households matched in {scope_name_of(frame, query)} in "
            f"{measure_period(query, MATCHED_WITHIN[0])} were matched within 3 months of "
            f"approval, {six} within 6{england_beside(frame, query, MATCHED_WITHIN)}")


def why_waiting_plan(query: Query, source: Source) -> list[Query]:
    return [ask(query, "adopters_waiting", (query.scope,), breakdown="approved_places"),
            ask(query, "adopters_waiting_over_6_months", (query.scope,), breakdown="approved_places"),
            ask(query, "children_waiting", (query.scope,), breakdown="sibling"),
            ask(query, "sibling_groups_waiting", (query.scope,))]


def why_waiting_title(frame: pd.DataFrame, query: Query) -> str:
    """Which approvals wait longest, and the families they are for: `52 of the 81 adopter
    households waiting over 6 months in South East at 2025-26 Q1 are approved for one child;
    158 such households wait for 144 children waiting alone`."""
    rows = places_needed(frame).set_index("places")
    one = rows.loc["Approved for 1 child"]
    name = scope_name_of(frame, query)
    over = scope_row(frame, query.scope, "adopters_waiting_over_6_months", query.quarter, "Total")
    if over is None:  # not broken down: the breakdown does not apply ([z]) or is not available
        over = scope_row(frame, query.scope, "adopters_waiting_over_6_months", query.quarter)
        return f"Approved adopters waiting over 6 months in {name} at {query.quarter}: {say(over)}"
    return (f"{one['adopters_waiting_over_6_months_shown']} of the {say(over)} adopter households "
            f"waiting over 6 months in {name} at {query.quarter} are "
            f"approved for one child; {one['adopters_waiting_shown']} such households wait for "
            f"{one['families_shown']} children waiting alone")


WHY_WAITING_SAID = ("What the returns can show of why approved adopters wait: how many children "
                    "they are approved for, against the families the children waiting need (a "
                    "child alone one place, a sibling group two or more). They do not record the "
                    "ages or needs adopters would take, nor why a match was not made; fostering "
                    "for adoption is in the data API (adopters_waiting_over_6_months by "
                    "fostering_for_adoption).")


def why_waiting_caption(frame: pd.DataFrame, query: Query) -> str:
    return f"{page_caption(frame.assign(breakdown=''), query)} {WHY_WAITING_SAID}"


def adopters_over_title(frame: pd.DataFrame, query: Query) -> str:
    waiting, three, six = (said_at(frame, query, m) for m in ADOPTERS_OVER)
    return (f"Of {waiting} approved adopter households waiting in {scope_name_of(frame, query)} at "
            f"{query.quarter}, {three} had waited over 3 months and {six} over 6 months")


PAGE = Page(
    "adopters_waiting", "/adopters-waiting", "Adopters waiting",
    "How soon approved adopters are matched, how many wait and for how long, and the children "
    "they are approved for.",
    tuple((chart, HALF) for chart in (
        trend_chart("adopters_approval_to_match", "adopter_approval_to_match"),
        planned_chart("adopters_matched_within", MATCHED_WITHIN[0],
                      partial(both_with_england_plan, MATCHED_WITHIN),
                      partial(measure_trend_lines, unit="Percent", short=WITHIN_NAMES),
                      matched_within_title,
                      measure_headlines),
        series_chart("adopters_waiting_over", ADOPTERS_OVER,
                     partial(measure_bars, unit="Households"), adopters_over_title),
        trend_chart("adopters_days_waiting", "adopter_days_waiting"),
        by_chart("adopters_waiting_by_places", "adopters_waiting", "approved_places",
                 "Adopters approved for {} are the {largest} group of approved adopters waiting",
                 {}),
        Chart("adopters_why_waiting", "adopters_waiting", why_waiting_plan, places_needed_bars,
              why_waiting_title, why_waiting_caption, measure_totals, MEASURE_ROWS),
    )),
    board=("adopters_approval_to_match", "adopters_matched_within", "adopters_waiting_over",
           "adopters_days_waiting"),
)
