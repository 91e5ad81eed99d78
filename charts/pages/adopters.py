"""Adopters: the adopter funnel of the period and who drops out of it (by ethnic group,
household and fostering for adoption), why households leave the process, how long the stages
take, how soon approved adopters are matched, and how long approved adopters wait and for how
many children. Imports pandas, charts and metrics only."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures import (
    ALL_HOUSEHOLDS, conversion_bars, funnel_figure, funnel_rates, measure_bars, measure_trend_lines,
    places_needed, places_needed_bars,
)
from charts.frames import Source
from charts.plans import ask, by_chart, planned_chart, series_chart, trend_chart
from charts.query import ENGLAND, Query
from charts.spec import HALF, Chart, Page, TableShape
from charts.words import (
    hidden, measure_headlines, measure_period, measure_totals, page_caption, said_at, say,
    scope_name_of, scope_row,
)
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
# A frame of several measures by category: a row per category, a column per measure.
MEASURE_ROWS = TableShape("Category", "category_label", "measure", "measure_title")


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


def both_with_england_plan(measures: tuple[str, ...], query: Query, source: Source) -> list[Query]:
    """Each measure for the scope and England over the trend."""
    scopes = tuple(dict.fromkeys((query.scope, ENGLAND)))
    return [ask(query, m, scopes, trend=True) for m in measures]


STAGES = ("adopter_stage1_days", "adopter_stage2_days")
MATCHED_WITHIN = ("adopter_matched_within_3_months", "adopter_matched_within_6_months")


def _with_england(frame: pd.DataFrame, query: Query, measures: tuple[str, ...]) -> str:
    if query.scope == ENGLAND:
        return ""
    england = [say(scope_row(frame, ENGLAND, m, query.quarter)) for m in measures]
    return f" (England {' and '.join(england)})"


def stages_title(frame: pd.DataFrame, query: Query) -> str:
    one, two = (said_at(frame, query, m) for m in STAGES)
    stat = "median" if query.stat == "median" else "average"
    return (f"Stage 1 took {one} days and stage 2 {two} days on {stat} in "
            f"{scope_name_of(frame, query)}, {measure_period(query, STAGES[0])}"
            f"{_with_england(frame, query, STAGES)}")


def matched_within_title(frame: pd.DataFrame, query: Query) -> str:
    three, six = (said_at(frame, query, m) for m in MATCHED_WITHIN)
    return (f"{three} of households matched in {scope_name_of(frame, query)} in "
            f"{measure_period(query, MATCHED_WITHIN[0])} were matched within 3 months of "
            f"approval, {six} within 6{_with_england(frame, query, MATCHED_WITHIN)}")


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
    "adopters", "/adopters", "Adopters",
    "Adopters from enquiry to match quarter by quarter, why households leave the process, and "
    "how long approved adopters wait for a match.",
    tuple((chart, HALF) for chart in (
        planned_chart("adopters_funnel", FUNNEL[0], funnel_plan, funnel_figure, funnel_title,
                      measure_headlines),
        funnel_by_chart("adopters_funnel_by_ethnic_group", "adopter_ethnic_group"),
        funnel_by_chart("adopters_funnel_by_household", "household"),
        funnel_by_chart("adopters_funnel_by_ffa", "fostering_for_adoption"),
        by_chart("adopters_left_by_reason", "households_left", "reason", "", LEFT_WORDS,
                 title=adopters_left_title),
        planned_chart("adopters_stage_lengths", STAGES[0], partial(both_with_england_plan, STAGES),
                      partial(measure_trend_lines, unit="Days"), stages_title, measure_headlines),
        trend_chart("adopters_approved_within_6_months", "adopter_approved_within_6_months"),
        trend_chart("adopters_approval_to_match", "adopter_approval_to_match"),
        planned_chart("adopters_matched_within", MATCHED_WITHIN[0],
                      partial(both_with_england_plan, MATCHED_WITHIN),
                      partial(measure_trend_lines, unit="Percent"), matched_within_title,
                      measure_headlines),
        series_chart("adopters_waiting_over", ADOPTERS_OVER,
                     partial(measure_bars, unit="Households"), adopters_over_title),
        by_chart("adopters_waiting_by_places", "adopters_waiting", "approved_places",
                 "Adopters approved for {} are the {largest} group of approved adopters waiting",
                 {}),
        Chart("adopters_why_waiting", "adopters_waiting", why_waiting_plan, places_needed_bars,
              why_waiting_title, why_waiting_caption, measure_totals, MEASURE_ROWS),
        trend_chart("adopters_days_waiting", "adopter_days_waiting"),
    )),
    board=("adopters_funnel", "adopters_approval_to_match", "adopters_waiting_over",
           "adopters_days_waiting"),
)
