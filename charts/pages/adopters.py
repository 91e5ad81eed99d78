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
from charts.words import hidden, measure_period, said_at, say, scope_name_of, scope_row
from metrics.disclosure import SYMBOLS, TOTAL

FUNNEL = ("enquiries", "stage1_starts", "stage2_starts", "approvals", "adopter_matches")
ADOPTERS_OVER = ("adopters_waiting", "adopters_waiting_over_3_months",
                 "adopters_waiting_over_6_months")
# How households left the process, by the return format's codes (shared/spec/return-format.md),
# in the board's words: one that adopted completed the process rather than dropping out.
LEFT_WORDS = {"WITHDREW": "withdrew", "NOT_APPROVED": "were not approved",
              "ADOPTED": "adopted (completed the process)", "OTHER": "left for another reason"}


def adopters_left_title(frame: pd.DataFrame, query: Query) -> str:
    """How most households that left the process left: `Most households that left the process
    withdrew: 12 of 30 in the year to 2025-26 Q1`; the most common way when none is a majority
    (`... most often adopted (completed the process): ...`); ties named together. When any
    reason is hidden the claim is only about those shown."""
    period = measure_period(query, "households_left")
    total = scope_row(frame, query.scope, category=TOTAL)
    if total is None:
        total = scope_row(frame, query.scope, category="")
    parts = frame[(frame["scope"] == query.scope) & (frame["category"] != TOTAL)]
    shown = parts[parts["value"].notna() & ~parts["shown"].isin(list(SYMBOLS))]
    if hidden(total) or shown.empty:
        return (f"Households leaving the process in {scope_name_of(frame, query)}, {period}: "
                f"{say(total) if hidden(total) else 'every reason hidden'}")
    if float(total["value"]) == 0:
        return f"No household left the process in {scope_name_of(frame, query)} in {period}"
    values = pd.to_numeric(shown["value"])
    tops = shown[values == values.max()]
    how = " or ".join(LEFT_WORDS.get(c, str(c).lower()) for c in tops["category"])
    of = f"{tops['shown'].iloc[0]}{' each' if len(tops) > 1 else ''} of {total['shown']}"
    some_hidden = " (of those shown)" if parts["shown"].isin(list(SYMBOLS)).any() else ""
    if len(tops) == 1 and 2 * float(values.max()) > float(total["value"]):
        lead = "Most households that left the process"
    else:
        lead = "Households that left the process most often"
    return f"{lead} {how}{some_hidden}: {of} in {period}"


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
        by_chart("adopters_left_by_reason", "households_left", "reason", "", LEFT_WORDS,
                 title=adopters_left_title),
        trend_chart("adopters_approval_to_match", "adopter_approval_to_match"),
        series_chart("adopters_waiting_over", ADOPTERS_OVER,
                     partial(measure_bars, unit="Households"), adopters_over_title),
        trend_chart("adopters_days_waiting", "adopter_days_waiting"),
    )),
)
