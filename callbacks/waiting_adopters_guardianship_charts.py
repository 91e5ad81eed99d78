"""The Children waiting, Adopters and Special guardianship pages' charts, as entries of the chart
registry.

They are planned like the Timeliness and Sufficiency charts (callbacks/page_charts.py): each is
the data API requests its frame is made of, so every download equals the API's rows request by
request. Measures are shown as they are disclosed; no figure is worked out from two disclosed
counts, since a difference could reveal a hidden cell. Importing this module adds its charts to
`callbacks.charts.CHARTS`. Imports pandas, metrics, layouts and callbacks.
"""

from __future__ import annotations

from functools import partial

import pandas as pd

from callbacks.charts import CHARTS, ChartQuery, active_title, headlines
from callbacks.page_charts import (
    CATEGORY_TABLE, MEASURE_TABLE, Request, breakdown_plan, largest_title, measure_headlines,
    measure_period, planned_chart, say, scope_name_of, scope_row, total_headline, trend_plan,
    window_of,
)
from layouts.figures import trend_figure
from layouts.page_figures import TOTAL, category_bars, measure_bars, measure_lines
from metrics.disclosure import SYMBOLS
from metrics.scope import Geography

OVER_MONTHS = ("children_waiting_over_6_months", "children_waiting_over_12_months",
               "children_waiting_over_18_months")
FUNNEL = ("enquiries", "stage1_starts", "stage2_starts", "approvals", "adopter_matches")
ADOPTERS_OVER = ("adopters_waiting", "adopters_waiting_over_3_months",
                 "adopters_waiting_over_6_months")
SGO_MADE_AND_ENDED = ("sgos", "sgo_breakdowns")

AGE_WORDS = {"0": "Babies under 1", **{str(a): f"{a}-year-olds" for a in range(1, 18)}}
AGE_BAND_WORDS = {"Under 1": "Babies under 1", "1-4": "Children aged 1-4",
                  "5-9": "Children aged 5-9", "10+": "Children aged 10 or over"}
# The return format's codes (shared/spec/return-format.md) in the board's words.
LEFT_WORDS = {"WITHDREW": "Withdrawing (the household's choice)",
              "NOT_APPROVED": "Not being approved", "ADOPTED": "Having adopted",
              "OTHER": "Another reason"}
GUARDIAN_WORDS = {"E45": "Former foster carers who are relatives or friends",
                  "E46": "Other former foster carers",
                  "E47": "Relatives or friends who were not foster carers",
                  "E48": "Other carers"}
LOOKED_AFTER_WORDS = {"Looked after": "Children looked after",
                      "Not looked after": "Children not looked after"}
APPLICANT_WORDS = {"Adoption": "Adoptive families",
                   "Special guardianship": "Special guardianship families"}


# ---------------------------------------------------------------- plans


def series_plan(measures: tuple[str, ...], query: ChartQuery, geography: Geography) -> list[Request]:
    """Each measure for the scope alone over the trend's quarters (counts: England's would
    dwarf the scope's on one axis)."""
    return [Request(m, (query.selection.scope,), tuple(query.quarters), window_of(query))
            for m in measures]


# ---------------------------------------------------------------- words


def _now(frame: pd.DataFrame, query: ChartQuery, measure: str) -> str:
    return say(scope_row(frame, query.selection.scope, measure, query.selection.quarter))


def over_months_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    six, twelve, eighteen = (_now(frame, query, m) for m in OVER_MONTHS)
    return (f"In {scope_name_of(frame, query)} at {query.selection.quarter}, {six} children waiting "
            f"had waited over 6 months since the placement order, {twelve} over 12 months and "
            f"{eighteen} over 18 months")


def longest_wait_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    """The age band that has waited longest on average, against all children waiting (a band
    with nobody in it is [z]; a hidden one might have waited longer, so the claim says so)."""
    name, quarter = scope_name_of(frame, query), query.selection.quarter
    bands = frame[frame["category"] != TOTAL]
    rows = bands[bands["value"].notna() & ~bands["shown"].isin(list(SYMBOLS))]
    total = scope_row(frame, query.selection.scope, category=TOTAL)
    if rows.empty:
        return (f"Days waiting since the placement order in {name} by age band, {quarter}: "
                f"{say(total)}")
    top = rows.loc[pd.to_numeric(rows["value"]).idxmax()]
    shown = " of the age bands shown" if bands["shown"].eq("[c]").any() else ""
    return (f"{AGE_BAND_WORDS.get(top['category'], top['category'])} had waited longest{shown} in "
            f"{name} at {quarter}: {top['shown']} days on average since the placement order, "
            f"against {say(total)} for all children waiting")


def funnel_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    enquiries, approvals, matches = (_now(frame, query, m)
                                     for m in ("enquiries", "approvals", "adopter_matches"))
    return (f"{scope_name_of(frame, query)} approved {approvals} adopter households and matched "
            f"{matches} in {measure_period(query, 'approvals')}, from {enquiries} enquiries")


def adopters_over_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    waiting, three, six = (_now(frame, query, m) for m in ADOPTERS_OVER)
    return (f"Of {waiting} approved adopter households waiting in {scope_name_of(frame, query)} at "
            f"{query.selection.quarter}, {three} had waited over 3 months and {six} over 6 months")


def sgos_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    made, broke = (_now(frame, query, m) for m in SGO_MADE_AND_ENDED)
    return (f"{scope_name_of(frame, query)}: {made} special guardianship orders made in "
            f"{measure_period(query, 'sgos')}, and {broke} broke down")


# ---------------------------------------------------------------- the registry


def by_chart(id: str, measure: str, breakdown: str, says: str, labels: dict[str, str],
             title=None):
    """A bar per category of `measure` by `breakdown` for the scope, the largest named."""
    return planned_chart(id, measure, partial(breakdown_plan, breakdown, measure=measure),
                         category_bars, title or partial(largest_title, measure, breakdown, says, labels),
                         total_headline, CATEGORY_TABLE)


def trend_chart(id: str, measure: str):
    """The scope's trend beside England's, its title the latest change."""
    return planned_chart(id, measure, partial(trend_plan, measure), trend_figure, active_title,
                         headlines)


def series_chart(id: str, measures: tuple[str, ...], figure, title):
    return planned_chart(id, measures[0], partial(series_plan, measures), figure, title,
                         measure_headlines, MEASURE_TABLE)


CHILDREN_WAITING_CHARTS = (
    by_chart("waiting_by_age_year", "children_waiting", "age_year",
             "{} are the {largest} single age among children waiting", AGE_WORDS),
    series_chart("waiting_over_months", OVER_MONTHS, partial(measure_bars, unit="Children"),
                 over_months_title),
    by_chart("waiting_days_by_age", "days_waiting", "age_band", "", {}, longest_wait_title),
    trend_chart("waiting_sibling_groups", "sibling_groups_waiting"),
)
ADOPTERS_CHARTS = (
    series_chart("adopters_funnel", FUNNEL, partial(measure_bars, unit="Households"), funnel_title),
    by_chart("adopters_left_by_reason", "households_left", "reason",
             "{} {is_} the {largest} reason for households leaving the process", LEFT_WORDS),
    trend_chart("adopters_approval_to_match", "adopter_approval_to_match"),
    series_chart("adopters_waiting_over", ADOPTERS_OVER, partial(measure_bars, unit="Households"),
                 adopters_over_title),
    trend_chart("adopters_days_waiting", "adopter_days_waiting"),
)
SPECIAL_GUARDIANSHIP_CHARTS = (
    by_chart("sgos_by_guardian", "sgos", "guardian",
             "{} are the {largest} group of special guardians", GUARDIAN_WORDS),
    by_chart("sgos_by_age_band", "sgos", "age_band",
             "{} are the {largest} age group given special guardianship orders", AGE_BAND_WORDS),
    by_chart("sgos_by_looked_after", "sgos", "looked_after",
             "{} immediately before the order are the {largest} group given special guardianship "
             "orders", LOOKED_AFTER_WORDS),
    trend_chart("sgo_share_trend", "sgo_share"),
    series_chart("sgos_made_and_broken_down", SGO_MADE_AND_ENDED, measure_lines, sgos_title),
    by_chart("asf_by_applicant", "asf_applications", "applicant",
             "{} made the {largest} number of support fund applications", APPLICANT_WORDS),
    trend_chart("asf_share_sg_trend", "asf_share_sg"),
)
CHILDREN_WAITING = tuple(c.id for c in CHILDREN_WAITING_CHARTS)
ADOPTERS = tuple(c.id for c in ADOPTERS_CHARTS)
SPECIAL_GUARDIANSHIP = tuple(c.id for c in SPECIAL_GUARDIANSHIP_CHARTS)
CHARTS.update({c.id: c for c in (*CHILDREN_WAITING_CHARTS, *ADOPTERS_CHARTS,
                                 *SPECIAL_GUARDIANSHIP_CHARTS)})
