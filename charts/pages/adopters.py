"""Adopters: adopters from enquiry to match quarter by quarter, why households leave the
process, and how long approved adopters wait for a match. Imports pandas, charts and metrics
only."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures import measure_bars
from charts.plans import by_chart, series_chart, trend_chart
from charts.query import Query
from charts.spec import HALF, Page
from charts.words import measure_period, said_at, scope_name_of

FUNNEL = ("enquiries", "stage1_starts", "stage2_starts", "approvals", "adopter_matches")
ADOPTERS_OVER = ("adopters_waiting", "adopters_waiting_over_3_months",
                 "adopters_waiting_over_6_months")
# The return format's codes (shared/spec/return-format.md) in the board's words.
LEFT_WORDS = {"WITHDREW": "Withdrawing (the household's choice)",
              "NOT_APPROVED": "Not being approved", "ADOPTED": "Having adopted",
              "OTHER": "Another reason"}


def funnel_title(frame: pd.DataFrame, query: Query) -> str:
    enquiries, approvals, matches = (said_at(frame, query, m)
                                     for m in ("enquiries", "approvals", "adopter_matches"))
    return (f"{scope_name_of(frame, query)} approved {approvals} adopter households and matched "
            f"{matches} in {measure_period(query, 'approvals')}, from {enquiries} enquiries")


def adopters_over_title(frame: pd.DataFrame, query: Query) -> str:
    waiting, three, six = (said_at(frame, query, m) for m in ADOPTERS_OVER)
    return (f"Of {waiting} approved adopter households waiting in {scope_name_of(frame, query)} at "
            f"{query.quarter}, {three} had waited over 3 months and {six} over 6 months")


PAGE = Page(
    "adopters", "/adopters", "Adopters",
    "Adopters from enquiry to match quarter by quarter, why households leave the process, and "
    "how long approved adopters wait for a match.",
    tuple((chart, HALF) for chart in (
        series_chart("adopters_funnel", FUNNEL, partial(measure_bars, unit="Households"),
                     funnel_title),
        by_chart("adopters_left_by_reason", "households_left", "reason",
                 "{} {is_} the {largest} reason for households leaving the process", LEFT_WORDS),
        trend_chart("adopters_approval_to_match", "adopter_approval_to_match"),
        series_chart("adopters_waiting_over", ADOPTERS_OVER,
                     partial(measure_bars, unit="Households"), adopters_over_title),
        trend_chart("adopters_days_waiting", "adopter_days_waiting"),
    )),
    board=("adopters_funnel", "adopters_approval_to_match", "adopters_waiting_over",
           "adopters_days_waiting"),
)
