"""Adopters: the adopter funnel of the period and who drops out of it (by ethnic group,
household and fostering for adoption), why households leave the process, how long the stages
take and how many are approved within 6 months. Approved adopters waiting and their matching are
the Adopters waiting page (charts/pages/adopters_waiting.py). Imports pandas, charts and metrics
only."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures import (
    ALL_HOUSEHOLDS, conversion_bars, funnel_figure, funnel_rates, measure_trend_lines,
)
from charts.frames import Source
from charts.plans import ask, both_with_england_plan, by_chart, planned_chart, trend_chart
from charts.query import Query
from charts.spec import HALF, Chart, Page, TableShape
from charts.words import (
    england_beside, hidden, measure_headlines, measure_period, measure_totals, page_caption,
    said_at, say, scope_name_of, scope_row,
)
from metrics.disclosure import SYMBOLS, TOTAL

FUNNEL = ("enquiries", "stage1_starts", "stage2_starts", "approvals", "adopter_matches")
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


def funnel_plan(query: Query, source: Source) -> list[Query]:
    """Each stage for the scope in the selected period only: a funnel is one period's."""
    return [ask(query, m, (query.scope,)) for m in FUNNEL]


# The stages a breakdown of the funnel reads (enough for its two rates), and its table: a row
# per group, a column per stage.
FUNNEL_BY = ("enquiries", "approvals", "adopter_matches")
GROUP_TABLE = TableShape("Group", "category_label", "measure", "measure_title")
RATES_SAID = ("Rates are this period's counts, not the same households followed through: "
              "households matched may have been approved in an earlier period, so a rate can "
              "pass 100. A group's rate is not shown (n/a) when a count is hidden or the earlier "
              "stage has none.")
UNKNOWN_GROUPS = ("Not known", "Not recorded")


def funnel_by_plan(breakdown: str, query: Query, source: Source) -> list[Query]:
    return [ask(query, m, (query.scope,), breakdown=breakdown) for m in FUNNEL_BY]


def funnel_by_title(frame: pd.DataFrame, query: Query) -> str:
    """The group that converts least, against all households: `Approvals per 100 enquiries in
    Adopt South, the year to 2025-26 Q1: lowest for Black (31), 54 for all households`."""
    name, period = scope_name_of(frame, query), measure_period(query, "approvals")
    rates = funnel_rates(frame)
    for rate_name in dict.fromkeys(rates["rate_name"]):
        rows = rates[rates["rate_name"] == rate_name]
        groups = rows[(rows["group"] != ALL_HOUSEHOLDS) & ~rows["group"].isin(UNKNOWN_GROUPS)
                      & rows["rate"].notna()]
        if groups.empty:
            continue
        low = groups.loc[groups["rate"].idxmin()]
        everyone = rows[rows["group"] == ALL_HOUSEHOLDS]["rate"]
        all_said = (f", {everyone.iloc[0]:,.0f} for all households"
                    if len(everyone) and pd.notna(everyone.iloc[0]) else "")
        return (f"{rate_name} in {name}, {period}: lowest for {low['group']} "
                f"({low['rate']:,.0f}){all_said}")
    return f"Adopters through the process in {name}, {period}: no group's rate can be shown"


def funnel_by_caption(frame: pd.DataFrame, query: Query) -> str:
    return f"{page_caption(frame, query)} {RATES_SAID}"


def funnel_by_chart(id: str, breakdown: str) -> Chart:
    return Chart(id, "enquiries", partial(funnel_by_plan, breakdown), conversion_bars,
                 funnel_by_title, funnel_by_caption, measure_totals, GROUP_TABLE)


STAGES = ("adopter_stage1_days", "adopter_stage2_days")
STAGE_NAMES = {"adopter_stage1_days": "Stage 1", "adopter_stage2_days": "Stage 2"}


def stages_title(frame: pd.DataFrame, query: Query) -> str:
    one, two = (said_at(frame, query, m) for m in STAGES)
    stat = "median" if query.stat == "median" else "average"
    return (f"Stage 1 took {one} days and stage 2 {two} days on {stat} in "
            f"{scope_name_of(frame, query)}, {measure_period(query, STAGES[0])}"
            f"{england_beside(frame, query, STAGES)}")


PAGE = Page(
    "adopters", "/adopters", "Adopters",
    "Adopters from enquiry to approval and match, who drops out and why, and how long the "
    "stages take.",
    tuple((chart, HALF) for chart in (
        planned_chart("adopters_funnel", FUNNEL[0], funnel_plan, funnel_figure, funnel_title,
                      measure_headlines),
        funnel_by_chart("adopters_funnel_by_ethnic_group", "adopter_ethnic_group"),
        funnel_by_chart("adopters_funnel_by_household", "household"),
        funnel_by_chart("adopters_funnel_by_ffa", "fostering_for_adoption"),
        by_chart("adopters_left_by_reason", "households_left", "reason", "", LEFT_WORDS,
                 title=adopters_left_title),
        planned_chart("adopters_stage_lengths", STAGES[0], partial(both_with_england_plan, STAGES),
                      partial(measure_trend_lines, unit="Days", short=STAGE_NAMES), stages_title, measure_headlines),
        trend_chart("adopters_approved_within_6_months", "adopter_approved_within_6_months"),
    )),
    board=("adopters_funnel", "adopters_stage_lengths", "adopters_approved_within_6_months",
           "adopters_left_by_reason"),
)
