"""Sufficiency: approved adopters waiting beside the children waiting, adopters per child for
each agency in the region, the matching gap (children in sibling groups, aged 5 or over and
disabled against the adopters who could take them), and who the children waiting are. Imports pandas, charts and
metrics only."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from charts.figures import matching_gap, matching_gap_bars, measure_lines, ranked_bars
from charts.frames import Source
from charts.plans import (
    MEASURE_ROWS, MEASURE_TABLE, ask, by_chart, category_trend_chart, peers_of, planned_chart,
    share_chart, share_total_headline,
)
from charts.projected import projection_chart
from charts.query import ENGLAND, Query
from charts.spec import HALF, THIRD, Chart, Page, TableShape
from charts.words import (
    AGE_BAND_WORDS, hidden, measure_headlines, measure_totals, page_caption, scope_name_of, scope_row,
)
from metrics.disclosure import SYMBOLS, TOTAL
from metrics.registry import BREAKDOWN_TITLES
from metrics.scope import REGION_PREFIX, Geography

SUPPLY = ("adopters_waiting", "children_waiting")
WAITING_BREAKDOWNS = ("age_band", "ethnic_group", "sibling", "disability", "harder_to_place")
SHARE = "children_waiting_share"
# The breakdown whose mix the board follows over time: the age bands (5 and over are the
# hardest to match, and under-5s have their own card on Children waiting).
TREND_BREAKDOWN = "age_band"
GROUP_WORDS = {
    "age_band": AGE_BAND_WORDS,
    "ethnic_group": {"White": "White children", "Mixed": "Children of mixed ethnicity",
                     "Asian": "Asian children", "Black": "Black children",
                     "Other": "Children of other ethnic groups",
                     "Not known": "Children whose ethnicity is not known"},
    "sibling": {"In a sibling group": "Children in sibling groups", "Single": "Single children"},
    "disability": {"Disabled": "Disabled children", "Not disabled": "Children not disabled"},
    "harder_to_place": {"Yes": "Children harder to place", "No": "Children not harder to place"},
}
AGENCY_TABLE = TableShape("Agency", "scope_name", "quarter", "quarter")


def supply_plan(query: Query, source: Source) -> list[Query]:
    return [ask(query, m, (query.scope,), trend=True) for m in SUPPLY]


def agency_scopes(query: Query, geography: Geography) -> tuple[str, ...]:
    """The RAAs and stand-alone LAs of the scope's region by name, then England; for England
    (whose 38 agencies are too many for one chart and one API request) the regions instead.
    Worked out once a region: the registry does not change while the geography lives."""
    scope = geography.scope(query.scope)
    if scope.kind == "england":
        return (*(f"{REGION_PREFIX}{r}" for r in geography.regions), ENGLAND)
    return geography.derived(("agency_scopes", scope.region), lambda: _region_agencies(geography, scope.region))


def _region_agencies(geography: Geography, region: str | None) -> tuple[str, ...]:
    a = geography.agencies
    inside = a[(a["region"] == region)
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


def share_title(breakdown: str, frame: pd.DataFrame, query: Query) -> str:
    """`Children aged 1-4 are 63% of children waiting in Adopt London South at 2025-26 Q1,
    against 61% in the South East and 60% in England`: the largest group shown, set beside the
    same group's share in the region and England."""
    name, quarter = scope_name_of(frame, query), query.quarter
    what = BREAKDOWN_TITLES[breakdown].lower()
    # Plain arrays: a pandas filter per question cost the title milliseconds.
    shown = frame["shown"].to_numpy(dtype=object)
    value = pd.to_numeric(frame["value"]).to_numpy(dtype=float, na_value=np.nan)
    mine = (frame["scope"].to_numpy(dtype=object) == query.scope) & (
        frame["category"].to_numpy(dtype=object) != TOTAL)
    usable = np.flatnonzero(mine & ~np.isnan(value) & ~np.isin(shown, list(SYMBOLS)))
    if not len(usable):
        return f"Children waiting in {name} by {what}, {quarter}: every group hidden or none"
    top = frame.iloc[usable[np.argmax(value[usable])]]  # the first of the largest, as idxmax
    words = GROUP_WORDS.get(breakdown, {}).get(top["category"], str(top["category"]))
    largest = "the largest group shown" if (mine & (shown == "[c]")).any() else "the largest group"
    beside = [f"{r['shown']} in {r['scope_name']}" for scope in dict.fromkeys(frame["scope"])
              if scope != query.scope
              and (r := scope_row(frame, scope, category=top["category"])) is not None
              and not hidden(r)]
    against = f", against {' and '.join(beside)}" if beside else ""
    return (f"{words} are {largest} of children waiting in {name} at {quarter}: "
            f"{top['shown']}{against}")


def share_trend_title(frame: pd.DataFrame, query: Query) -> str:
    """How the largest age band's share moved from the first quarter shown to the latest."""
    name, quarter = scope_name_of(frame, query), query.quarter
    now = frame[(frame["quarter"] == str(quarter)) & (frame["category"] != TOTAL)
                & frame["value"].notna() & ~frame["shown"].isin(list(SYMBOLS))]
    if now.empty:
        return f"Children waiting in {name} by age band over time: not available at {quarter}"
    top = now.loc[pd.to_numeric(now["value"]).idxmax()]
    words = AGE_BAND_WORDS.get(top["category"], str(top["category"]))
    first = scope_row(frame, query.scope, quarter=query.first, category=top["category"])
    since = "" if hidden(first) else f", from {first['shown']} at {query.first}"
    return f"{words} made up {top['shown']} of children waiting in {name} at {quarter}{since}"


def matching_gap_plan(query: Query, source: Source) -> list[Query]:
    """The children waiting by the needs adopters are hardest to find for, the sibling groups
    they make, and the approved adopters waiting by how many children they are approved for."""
    return [*(ask(query, "children_waiting", (query.scope,), breakdown=b)
              for b in ("sibling", "age_band", "disability")),
            ask(query, "sibling_groups_waiting", (query.scope,)),
            ask(query, "adopters_waiting", (query.scope,), breakdown="approved_places")]


def matching_gap_title(frame: pd.DataFrame, query: Query) -> str:
    """The gap in words: households approved for two or more children against the sibling
    groups waiting (a household takes one group)."""
    name, quarter = scope_name_of(frame, query), query.quarter
    gap = matching_gap(frame).iloc[0]  # the sibling groups
    groups = scope_row(frame, query.scope, "sibling_groups_waiting", quarter)
    if hidden(groups) or pd.isna(gap["households"]):
        return f"Sibling groups waiting and adopters approved for two or more children in {name}, {quarter}"
    households, waiting = float(gap["households"]), float(groups["value"])
    if households < waiting:
        return (f"{name} had fewer adopter households approved for two or more children "
                f"({gap['households_shown']}) than sibling groups waiting ({groups['shown']}) "
                f"at {quarter}")
    return (f"{name} had {gap['households_shown']} adopter households approved for two or more "
            f"children for {groups['shown']} sibling groups waiting at {quarter}")


GAP_SAID = ("A sibling group needs one household approved for two or more children: groups "
            "are drawn against those households. The returns do not record whether adopters "
            "would take an older or a disabled child, so those children are drawn against no "
            "households (not recorded), not against none.")


def matching_gap_caption(frame: pd.DataFrame, query: Query) -> str:
    return f"{page_caption(frame.assign(breakdown=''), query)} {GAP_SAID}"




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
        (Chart("sufficiency_matching_gap", "children_waiting", matching_gap_plan,
               matching_gap_bars, matching_gap_title, matching_gap_caption, measure_totals,
               MEASURE_ROWS), HALF),
        # Each group's share beside the region's and England's (from the counts as shown), then
        # the age bands' shares over the quarters.
        *((share_chart(f"sufficiency_by_{b}", SHARE, b, partial(share_title, b)), THIRD)
          for b in WAITING_BREAKDOWNS),
        (category_trend_chart("sufficiency_breakdown_trend", SHARE, TREND_BREAKDOWN,
                              share_trend_title, unit="%", headlines_of=share_total_headline),
         THIRD),
        (by_chart("sufficiency_by_approved_places", "approvals", "approved_places",
                  "Adopters approved for {} are the {largest} group of approvals", {}), THIRD),
        # The next four quarters of approved adopters waiting, from the households in stage 2.
        (projection_chart("sufficiency_adopters_projection", "adopters_waiting"), HALF),
    ),
    # Three cards: a fourth row-mate squeezed the agencies' bars until their wrapped names met
    # (the board test); the adopters' projection is on the page, the children's on the
    # Children waiting board.
    board=("sufficiency_supply", "sufficiency_agencies", "sufficiency_by_age_band"),
)
