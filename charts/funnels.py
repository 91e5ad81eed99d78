"""Funnel charts: fair comparison of agencies against England, a kind of chart the pages list.

A funnel chart draws one measure at the selected quarter for every agency of the selection's
level beside England: for an LA or a region, the region's LAs; for an RAA, a VAA or England,
England's submitting agencies (RAAs, and the LAs and VAAs that return for themselves), since a
region holds too few RAAs (two to five) for limits to say anything. Its plan asks the data API
for England and those agencies in parts the API accepts (a scope and at most MAX_COMPARE areas
compared with each), the selection first, so the chart's file equals the API's answers to its
links. Its limits and words come from metrics.funnel; an agency whose figure or cohort is hidden
is left out and counted, never named. Imports pandas, charts and metrics only.
"""

from __future__ import annotations

import pandas as pd

from charts.figures import funnel_plot
from charts.frames import Source
from charts.plans import ask, planned_chart
from charts.query import ENGLAND, MAX_COMPARE, Query
from charts.spec import Chart, Headline, TableShape
from charts.words import measure_period, page_caption, scope_row
from metrics.funnel import WITHIN, funnel_points, outliers
from metrics.registry import MEASURES
from metrics.scope import Geography

# The table view: a row per area (England first), its figure and its cohort.
FUNNEL_TABLE = TableShape("Area", "scope_name", "measure", "measure_title", cohort="Cohort")
UNARTICLED = ("London", "Yorkshire and the Humber")  # the regions said without "the"
NAMED = 3  # outliers named in a title before "and N more"
LEVEL_NOUNS = {"la": ("LA", "LAs"), "agency": ("agency", "agencies")}


def funnel_level(query: Query, geography: Geography) -> tuple[str, str]:
    """(level, area): "la" and the region's code for an LA or a region selection, "agency" and
    England otherwise."""
    scope = geography.scope(query.scope)
    if scope.kind in ("la", "region"):
        region = scope if scope.kind == "region" else geography.region_of(scope)
        if region is not None:
            return "la", region.code
    return "agency", ENGLAND


def funnel_agencies(query: Query, geography: Geography) -> list[str]:
    """The agencies a funnel of the query's measure compares, by name: the LAs of the region
    whose figures the measure has (its children's LAs, or for adopters' measures the LAs that
    return their own households), or England's agencies that return the measure's rows."""
    level, area = funnel_level(query, geography)
    table = MEASURES[query.measure].table
    scope = geography.scope(area)
    if level == "la":
        codes = (geography.child_las(scope) if table in ("children", "special_guardianship")
                 else {c for c in geography.household_agencies(scope)
                       if geography.scope(c).kind == "la"})
    else:
        codes = geography.expected_submitters(scope, table)
    names = geography.agencies["name"]
    return sorted(codes, key=lambda code: (str(names.get(code, code)), code))


def funnel_plan(query: Query, source: Source) -> list[Query]:
    """The selection, England, the region (for LAs) and the funnel's agencies at the quarter, in parts of one scope
    and at most MAX_COMPARE compared with (what one data API link may ask for)."""
    geography = source.geography()
    agencies = funnel_agencies(query, geography)
    _level, area = funnel_level(query, geography)
    # An LA funnel's region beside England: its name for the title, its figure for the table.
    scopes = list(dict.fromkeys([query.scope, ENGLAND, area, *agencies]))
    size = MAX_COMPARE + 1
    return [ask(query, query.measure, scopes[i:i + size]) for i in range(0, len(scopes), size)]


def _named(rows: pd.DataFrame) -> str:
    said = [f"{name} ({judged})" for name, judged in zip(rows["scope_name"], rows["judged"])]
    if len(said) > NAMED:
        return ", ".join(said[:NAMED]) + f" and {len(said) - NAMED} more"
    return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]


def funnel_title(frame: pd.DataFrame, query: Query) -> str:
    """`Placement order to match: 2 of 19 LAs in the South East are outside the range expected
    from their numbers: Kent (worse) and Surrey (better)`, or every one within it."""
    measure = MEASURES[query.measure]
    points, _hidden = funnel_points(frame, query.measure)
    agencies = frame[frame["scope_kind"].isin(["la", "raa", "vaa"])]
    la = bool(len(agencies)) and set(agencies["scope_kind"]) == {"la"}
    one, many = LEVEL_NOUNS["la" if la else "agency"]
    area = _area_name(frame, la)
    period = measure_period(query, query.measure)
    if points.empty:
        return f"{measure.title}, {period}: no agency in {area} can be compared"
    out = outliers(points)
    noun = one if len(points) == 1 else many
    if out.empty:
        return (f"{measure.title}, {period}: all {len(points)} {noun} in {area} are {WITHIN}"
                if len(points) > 1 else f"{measure.title}, {period}: the {noun} in {area} is {WITHIN}")
    verb, whose = ("is", "its") if len(out) == 1 else ("are", "their")
    return (f"{measure.title}, {period}: {len(out)} of {len(points)} {noun} in {area} {verb} "
            f"outside the range expected from {whose} numbers: {_named(out)}")


def _area_name(frame: pd.DataFrame, la: bool) -> str:
    """Where the funnel's agencies are: the region (its row is in an LA funnel's frame) or
    England."""
    region = frame.loc[frame["scope_kind"] == "region", "scope_name"]
    if not la or not len(region):
        return "England"
    name = str(region.iloc[0])
    return name if name in UNARTICLED else f"the {name}"


def funnel_caption(frame: pd.DataFrame, query: Query) -> str:
    """The page's caption, then how the limits are drawn and how many agencies are hidden."""
    _points, hidden = funnel_points(frame, query.measure)
    kind = MEASURES[query.measure].value_type
    method = ("Wilson score limits around England's percentage"
              if kind == "percent" else
              "normal limits around England's mean, assuming a spread of 0.6 times the mean")
    parts = [page_caption(frame, query),
             f"Limits: 95% and 99.8%, {method} (docs/measures.md, Fair comparison)."]
    if hidden:
        parts.append(f"{hidden} {'agency is' if hidden == 1 else 'agencies are'} not shown: "
                     "figures hidden to protect small numbers.")
    return " ".join(parts)


def funnel_headlines(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """The selection's figure and where it lies, then England's."""
    out = []
    points, _hidden = funnel_points(frame, query.measure)
    mine = scope_row(frame, query.scope)
    if mine is not None and query.scope != ENGLAND:
        placed = points.loc[points["scope"] == query.scope, "placed"]
        label = str(mine["scope_name"]) + (f": {placed.iloc[0]}" if len(placed) else "")
        out.append(Headline(label, str(mine["shown"]), True))
    england = scope_row(frame, ENGLAND)
    if england is not None:
        out.append(Headline("England", str(england["shown"]), query.scope == ENGLAND))
    return out


# A funnel file's columns beside the data API's rows: each plotted agency's limits for its
# cohort, where its figure lies and the verdict; blank for England, the region, and agencies
# hidden or with no figure.
LIMIT_COLUMNS = {"lower998": "lower_99_8", "lower95": "lower_95", "upper95": "upper_95",
                 "upper998": "upper_99_8", "placed": "funnel_placed", "judged": "funnel_verdict"}


def funnel_file_columns(frame: pd.DataFrame, query: Query) -> pd.DataFrame:
    """A row per frame row: the agency's 95% and 99.8% limits (in the measure's unit, to one
    decimal place), `funnel_placed` ("above the upper 99.8% limit", or "within the range
    expected from their numbers") and `funnel_verdict` ("worse", "better", "higher", "lower" or
    "" within); None where the row is no plotted agency, so a hidden agency's cohort cannot be
    worked back from its limits."""
    points, _hidden = funnel_points(frame, query.measure)
    by_scope = points.set_index("scope")
    out = pd.DataFrame(index=range(len(frame)))
    scopes = frame["scope"].to_numpy(dtype=object)
    for column, name in LIMIT_COLUMNS.items():
        values = by_scope[column] if len(by_scope) else pd.Series(dtype=object)
        if column.startswith(("lower", "upper")):
            values = values.astype(float).round(1)
        out[name] = [values.get(s) if s in values.index else None for s in scopes]
    return out


def is_funnel(chart: Chart) -> bool:
    """Whether the chart is a funnel plot (its plan asks for every agency of a level)."""
    return chart.plan is funnel_plan


def funnel_chart(id: str, measure: str) -> Chart:
    """A funnel plot of `measure` for the selection's agencies against England."""
    chart = planned_chart(id, measure, funnel_plan, funnel_plot, funnel_title, funnel_headlines,
                          FUNNEL_TABLE, uncompared="compares every agency of its level with "
                                                   "England")
    return Chart(chart.id, chart.measure, chart.plan, chart.figure, chart.title, funnel_caption,
                 chart.headlines, chart.table, compares=False, uncompared=chart.uncompared,
                 file_columns=funnel_file_columns)
