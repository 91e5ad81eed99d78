"""Timeliness: the journey from entering care to adoption stage by stage, the A10 and A2
scorecard measures against their thresholds, how long adopters wait, A3 (adopted within 14
months), and the journeys that stopped: disruptions and decisions reversed, by reason. The
Fair comparison page has the funnel plots of A10, A2 and A3. Imports pandas, charts and metrics
only."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures import compared_tile, grouped_bars, journey_figure, threshold_figure
from charts.frames import Source, benchmarks
from charts.plans import (
    ask, benchmark_trend_plan, by_chart, planned_chart, trend_chart, trend_plan,
)
from charts.query import ENGLAND, Query
from charts.spec import HALF, WHOLE, Page, TableShape
from charts.words import (
    active_title, hidden, headlines, measure_period, scope_name_of, scope_row, threshold_title,
)
from metrics.disclosure import SYMBOLS
from metrics.judgement import THRESHOLDS

JOURNEY_STAGES = ("stage_care_to_adm", "stage_adm_to_order", "stage_order_to_match",
                  "stage_match_to_placed", "stage_placed_to_adopted")
ADOPTER_STAGES = ("adopter_enquiry_to_approval", "adopter_approval_to_match")
# The scorecard's thresholds are facts about their measures (metrics.judgement), read here.
A10_THRESHOLD = THRESHOLDS["a10_care_to_placed_adjusted"].value
A10_LABEL = THRESHOLDS["a10_care_to_placed_adjusted"].label
A2_THRESHOLD, A2_LABEL = THRESHOLDS["a2_order_to_match"].value, THRESHOLDS["a2_order_to_match"].label
STAGE_TABLE = TableShape("Stage", "measure_title", "scope", "scope_name")
# Why a decision that a child should be adopted was reversed (the return's RD1-RD4), in words.
REVERSAL_WORDS = {"RD1": "A change in the child's needs", "RD2": "No placement order",
                  "RD3": "No adopters found", "RD4": "Another reason"}


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
        # A3 beside the region, England and England's published A3; then the journeys that
        # did not end in adoption: disruptions, and decisions reversed and why.
        (planned_chart("timeliness_a3", "a3_within_14_months", benchmark_trend_plan,
                       compared_tile, active_title, headlines, compares=True), HALF),
        (trend_chart("timeliness_disruptions", "disruptions"), HALF),
        (trend_chart("timeliness_reversed", "decisions_reversed"), HALF),
        (by_chart("timeliness_reversed_by_reason", "decisions_reversed", "reason",
                  "{} {is_} the {largest} reason decisions that a child should be adopted were "
                  "reversed", REVERSAL_WORDS), HALF),
    ),
    board=("timeliness_journey", "timeliness_a10", "timeliness_a2", "timeliness_adopter_stages"),
)
