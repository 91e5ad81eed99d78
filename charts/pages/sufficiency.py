"""Sufficiency: approved adopters waiting beside the children waiting, adopters per child for
each agency in the region, and who the children waiting are. Imports pandas, charts and
metrics only."""

from __future__ import annotations

from functools import partial

import pandas as pd

from charts.figures import category_bars, measure_lines, ranked_bars
from charts.frames import Source
from charts.plans import (
    CATEGORY_TABLE, MEASURE_TABLE, OWN_BREAKDOWN, ask, breakdown_plan, by_chart, peers_of,
    planned_chart,
)
from charts.query import ENGLAND, Query
from charts.spec import HALF, THIRD, Page, TableShape
from charts.words import (
    hidden, measure_headlines, scope_name_of, scope_row, total_headline,
)
from metrics.disclosure import SYMBOLS, TOTAL
from metrics.registry import BREAKDOWN_TITLES
from metrics.scope import REGION_PREFIX, Geography

SUPPLY = ("adopters_waiting", "children_waiting")
WAITING_BREAKDOWNS = ("age_band", "ethnic_group", "sibling", "disability", "harder_to_place")
AGENCY_TABLE = TableShape("Agency", "scope_name", "quarter", "quarter")


def supply_plan(query: Query, source: Source) -> list[Query]:
    return [ask(query, m, (query.scope,), trend=True) for m in SUPPLY]


def agency_scopes(query: Query, geography: Geography) -> tuple[str, ...]:
    """The RAAs and stand-alone LAs of the scope's region by name, then England; for England
    (whose 38 agencies are too many for one chart and one API request) the regions instead."""
    scope = geography.scope(query.scope)
    if scope.kind == "england":
        return (*(f"{REGION_PREFIX}{r}" for r in geography.regions), ENGLAND)
    a = geography.agencies
    inside = a[(a["region"] == scope.region)
               & ((a["kind"] == "RAA") | ((a["kind"] == "LA") & a["raa_code"].isna()))]
    return (*inside.sort_values("name")["code"], ENGLAND)


def agencies_plan(query: Query, source: Source) -> list[Query]:
    """The region's agencies ranked, with the areas compared among them (England last)."""
    scopes = agency_scopes(query, source.geography())
    peers = tuple(p for p in peers_of(query) if p not in scopes)
    return [ask(query, "adopters_per_child", (*scopes[:-1], *peers, scopes[-1]))]


def supply_title(frame: pd.DataFrame, query: Query) -> str:
    name, quarter = scope_name_of(frame, query), query.quarter
    adopters = scope_row(frame, query.scope, "adopters_waiting", quarter)
    children = scope_row(frame, query.scope, "children_waiting", quarter)
    if hidden(adopters) or hidden(children):
        return f"Approved adopters and children waiting in {name}, {quarter}"
    more = "more" if float(adopters["value"]) > float(children["value"]) else "fewer"
    return (f"{name} had {more} approved adopters waiting than children waiting at {quarter}: "
            f"{adopters['shown']} households for {children['shown']} children")


def agencies_title(frame: pd.DataFrame, query: Query) -> str:
    quarter = query.quarter
    # The areas compared with are drawn among the agencies but are not the region's.
    rows = frame[(frame["scope"] != ENGLAND) & frame["value"].notna()
                 & ~frame["shown"].isin(list(SYMBOLS)) & ~frame["scope"].isin(query.compare)]
    where = "England's regions" if query.scope == ENGLAND else "the region"
    if rows.empty:
        return f"Approved adopters per child waiting across {where} at {quarter}: not available"
    top = rows.loc[pd.to_numeric(rows["value"]).idxmax()]
    england = scope_row(frame, ENGLAND)
    text = (f"{top['scope_name']} had the most approved adopters per child waiting in {where} "
            f"at {quarter}: {top['shown']}")
    return text if hidden(england) else f"{text} (England {england['shown']})"


def breakdown_title(breakdown: str, frame: pd.DataFrame, query: Query) -> str:
    name, quarter = scope_name_of(frame, query), query.quarter
    what = BREAKDOWN_TITLES[breakdown].lower()
    rows = frame[(frame["category"] != TOTAL) & frame["value"].notna()
                 & ~frame["shown"].isin(list(SYMBOLS))]
    total = scope_row(frame, query.scope, category=TOTAL)
    if rows.empty or hidden(total):
        return f"Children waiting in {name} by {what}, {quarter}"
    top = rows.loc[pd.to_numeric(rows["value"]).idxmax()]
    return (f"{BREAKDOWN_TITLES[breakdown]}: {top['category']} is the largest group of children "
            f"waiting in {name} at {quarter}, {top['shown']} of {total['shown']}")


PAGE = Page(
    "sufficiency", "/sufficiency", "Sufficiency",
    "Approved adopters waiting beside the children waiting, adopters per child for each agency "
    "in the region, and who the children waiting are.",
    (
        # Supply and agencies in a pair, the breakdowns in threes.
        (planned_chart("sufficiency_supply", "adopters_waiting", supply_plan, measure_lines,
                       supply_title, measure_headlines, MEASURE_TABLE), HALF),
        (planned_chart("sufficiency_agencies", "adopters_per_child", agencies_plan, ranked_bars,
                       agencies_title, table=AGENCY_TABLE, compares=True), HALF),
        *((planned_chart(f"sufficiency_by_{b}", "children_waiting", partial(breakdown_plan, b),
                         category_bars, partial(breakdown_title, b), total_headline,
                         CATEGORY_TABLE, uncompared=OWN_BREAKDOWN), THIRD)
          for b in WAITING_BREAKDOWNS),
        (by_chart("sufficiency_by_approved_places", "approvals", "approved_places",
                  "Adopters approved for {} are the {largest} group of approvals", {}), THIRD),
    ),
)
