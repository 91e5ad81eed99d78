"""Timeliness: the journey from entering care to adoption stage by stage, the A10 and A2
scorecard measures against their thresholds, and how long adopters wait. Imports pandas,
charts and metrics only."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures import grouped_bars, journey_figure, threshold_figure
from charts.frames import Source, benchmarks
from charts.plans import ask, planned_chart, trend_plan
from charts.query import ENGLAND, Query
from charts.spec import HALF, WHOLE, Page, TableShape
from charts.words import (
    hidden, headlines, measure_period, scope_name_of, scope_row, threshold_title,
)
from metrics.disclosure import SYMBOLS

JOURNEY_STAGES = ("stage_care_to_adm", "stage_adm_to_order", "stage_order_to_match",
                  "stage_match_to_placed", "stage_placed_to_adopted")
ADOPTER_STAGES = ("adopter_enquiry_to_approval", "adopter_approval_to_match")
A10_THRESHOLD, A10_LABEL = 426, "14 months"
A2_THRESHOLD, A2_LABEL = 121, "4 months"
STAGE_TABLE = TableShape("Stage", "measure_title", "scope", "scope_name")


def journey_plan(query: Query, source: Source) -> list[Query]:
    """Each stage at the quarter for the scope beside its benchmarks and the areas compared."""
    scopes = benchmarks(query, source.geography())
    return [ask(query, m, scopes) for m in JOURNEY_STAGES]


def adopter_stages_plan(query: Query, source: Source) -> list[Query]:
    """Both adopter stages for the scope beside its benchmarks and the areas compared."""
    scopes = benchmarks(query, source.geography())
    return [ask(query, m, scopes) for m in ADOPTER_STAGES]


def journey_title(frame: pd.DataFrame, query: Query) -> str:
    """`Placement order to match is the longest stage for Adopt London South: 215 days …`"""
    name, period = scope_name_of(frame, query), measure_period(query, JOURNEY_STAGES[0])
    rows = frame[(frame["scope"] == query.scope) & frame["value"].notna()
                 & ~frame["shown"].isin(list(SYMBOLS))]
    if rows.empty:
        return f"Journey to adoption in {name}, {period}: not available"
    longest = rows.loc[pd.to_numeric(rows["value"]).idxmax()]
    return (f"{longest['measure_title']} is the longest stage for {name}: {longest['shown']} days "
            f"on average for children adopted in {period}")


def adopter_stages_title(frame: pd.DataFrame, query: Query) -> str:
    name, period = scope_name_of(frame, query), measure_period(query, ADOPTER_STAGES[1])
    mine = scope_row(frame, query.scope, "adopter_approval_to_match")
    england = scope_row(frame, ENGLAND, "adopter_approval_to_match")
    if hidden(mine):
        return f"Adopters' approval to match in {name}, {period}: not available"
    if query.scope == ENGLAND or hidden(england):
        return f"Adopters in {name} waited {mine['shown']} days from approval to match in {period}"
    return (f"Adopters in {name} waited {mine['shown']} days from approval to match in {period}, "
            f"against {england['shown']} in England")


def threshold_chart(id: str, measure: str, threshold: float, label: str):
    """The scope's trend beside England's and the areas compared, against the scorecard's
    threshold."""
    return planned_chart(id, measure, partial(trend_plan, measure),
                         partial(threshold_figure, threshold=threshold, label=label),
                         partial(threshold_title, threshold, label), headlines, compares=True)


PAGE = Page(
    "timeliness", "/timeliness", "Timeliness",
    "The journey from entering care to adoption, stage by stage, the A10 and A2 scorecard "
    "measures against their thresholds, and how long adopters wait.",
    (
        # The journey needs the width; the rest sit in pairs.
        (planned_chart("timeliness_journey", "stage_care_to_adm", journey_plan, journey_figure,
                       journey_title, table=STAGE_TABLE, compares=True), WHOLE),
        (threshold_chart("timeliness_a10", "a10_care_to_placed_adjusted", A10_THRESHOLD,
                         A10_LABEL), HALF),
        (threshold_chart("timeliness_a2", "a2_order_to_match", A2_THRESHOLD, A2_LABEL), HALF),
        (planned_chart("timeliness_adopter_stages", "adopter_enquiry_to_approval",
                       adopter_stages_plan, grouped_bars, adopter_stages_title,
                       table=STAGE_TABLE, compares=True), HALF),
    ),
)
