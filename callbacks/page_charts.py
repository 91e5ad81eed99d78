"""The Timeliness and Sufficiency pages' charts, as entries of the chart registry.

Each chart is planned as the data API requests its frame is made of (`Request`: a measure, its
scopes, its quarters, the window and any breakdown). A request's rows are computed and disclosed
exactly as the data API does for the same query string, so every download equals the API's rows
request by request; frames of several measures carry `measure` and `measure_title` columns.
Importing this module adds its charts to `callbacks.charts.CHARTS`, so the shared download
handler serves them. Imports dash, plotly, pandas, config, db, metrics, layouts and callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from callbacks.charts import (
    CHARTS, SOURCE, Chart, ChartQuery, active_title, chart_scopes,
    headlines, partial_text, period_text, reasons,
)
from db.measure_data import MeasureSource
from layouts.chart_card import Headline, TableShape
from layouts.page_figures import (
    TOTAL, category_bars, grouped_bars, journey_figure, measure_lines, ranked_bars,
    threshold_figure,
)
from metrics.access import Caller
from metrics.breakdowns import category_words
from metrics.disclosure import SYMBOLS, DisclosurePolicy
from metrics.engine import compute_shown
from metrics.quarters import Quarter
from metrics.registry import BREAKDOWN_TITLES, MEASURES
from metrics.scope import REGION_PREFIX, Geography
from metrics.selection import Selection, quarters_needed

JOURNEY_STAGES = ("stage_care_to_adm", "stage_adm_to_order", "stage_order_to_match",
                  "stage_match_to_placed", "stage_placed_to_adopted")
ADOPTER_STAGES = ("adopter_enquiry_to_approval", "adopter_approval_to_match")
SUPPLY = ("adopters_waiting", "children_waiting")
A10_THRESHOLD, A10_LABEL = 426, "14 months"
A2_THRESHOLD, A2_LABEL = 121, "4 months"
WAITING_BREAKDOWNS = ("age_band", "ethnic_group", "sibling", "disability", "harder_to_place")
ENGLAND = "england"


@dataclass(frozen=True)
class Request:
    """One data API request: `measure` for `scopes` (the first is `scope=`, the rest
    `compare=`) over `quarters` (oldest first), with the window and any breakdown."""

    measure: str
    scopes: tuple[str, ...]
    quarters: tuple[Quarter, ...]
    window: int
    breakdown: str | None = None

    @property
    def params(self) -> dict[str, str]:
        params = {"scope": self.scopes[0], "quarter": str(self.quarters[-1])}
        if len(self.quarters) > 1:
            params["from"] = str(self.quarters[0])
        params["window"] = str(self.window)
        if self.breakdown:
            params["by"] = self.breakdown
        if len(self.scopes) > 1:
            params["compare"] = ",".join(self.scopes[1:])
        return params


Plan = Callable[[ChartQuery, Geography], list[Request]]


def request_rows(request: Request, source: MeasureSource, caller: Caller,
                 policy: DisclosurePolicy) -> pd.DataFrame:
    """The request's rows, scope by scope and quarter by quarter, disclosed together: the data
    API's rows for `request.params`, with the measure named beside them and each category in
    words (`category_label`: `Relative or friend` for `E47`)."""
    selections = [Selection(request.measure, s, q, window=request.window, breakdown=request.breakdown)
                  for s in request.scopes for q in request.quarters]
    data, geography = source.data_for(quarters_needed(selections)), source.geography()
    shown = compute_shown(selections, data, geography, caller, policy)
    return shown.assign(measure=request.measure, measure_title=MEASURES[request.measure].title,
                        category_label=category_words(shown["breakdown"], shown["category"]))


def planned_frame(plan: Plan, query: ChartQuery, source: MeasureSource, caller: Caller,
                  policy: DisclosurePolicy) -> pd.DataFrame:
    requests = plan(query, source.geography())
    return pd.concat([request_rows(r, source, caller, policy) for r in requests], ignore_index=True)


def planned_requests(plan: Plan, query: ChartQuery, geography: Geography) -> list[tuple[str, dict[str, str]]]:
    return [(r.measure, r.params) for r in plan(query, geography)]


# ---------------------------------------------------------------- plans


def window_of(query: ChartQuery) -> int:
    return query.selection.window


def journey_plan(query: ChartQuery, geography: Geography) -> list[Request]:
    scopes = tuple(chart_scopes(query, geography))
    return [Request(m, scopes, (query.selection.quarter,), window_of(query)) for m in JOURNEY_STAGES]


def scope_and_england(query: ChartQuery) -> tuple[str, ...]:
    return tuple(dict.fromkeys((query.selection.scope, ENGLAND)))


def trend_plan(measure: str, query: ChartQuery, geography: Geography) -> list[Request]:
    return [Request(measure, scope_and_england(query), tuple(query.quarters), window_of(query))]


def adopter_stages_plan(query: ChartQuery, geography: Geography) -> list[Request]:
    scopes = tuple(chart_scopes(replace_peers(query), geography))
    return [Request(m, scopes, (query.selection.quarter,), window_of(query)) for m in ADOPTER_STAGES]


def replace_peers(query: ChartQuery) -> ChartQuery:
    """The scope, its region and England only (no peers)."""
    return ChartQuery(query.selection)


def supply_plan(query: ChartQuery, geography: Geography) -> list[Request]:
    return [Request(m, (query.selection.scope,), tuple(query.quarters), window_of(query)) for m in SUPPLY]


def agency_scopes(query: ChartQuery, geography: Geography) -> tuple[str, ...]:
    """The RAAs and stand-alone LAs of the scope's region by name, then England; for England
    (whose 38 agencies are too many for one chart and one API request) the regions instead."""
    scope = geography.scope(query.selection.scope)
    if scope.kind == "england":
        return (*(f"{REGION_PREFIX}{r}" for r in geography.regions), ENGLAND)
    a = geography.agencies
    inside = a[(a["region"] == scope.region)
               & ((a["kind"] == "RAA") | ((a["kind"] == "LA") & a["raa_code"].isna()))]
    return (*inside.sort_values("name")["code"], ENGLAND)


def agencies_plan(query: ChartQuery, geography: Geography) -> list[Request]:
    return [Request("adopters_per_child", agency_scopes(query, geography),
                    (query.selection.quarter,), window_of(query))]


def breakdown_plan(breakdown: str, query: ChartQuery, geography: Geography,
                   measure: str = "children_waiting") -> list[Request]:
    return [Request(measure, (query.selection.scope,), (query.selection.quarter,),
                    window_of(query), breakdown)]


# ---------------------------------------------------------------- words


def scope_row(frame: pd.DataFrame, scope: str, measure: str | None = None,
              quarter: Quarter | None = None, category: str | None = None) -> pd.Series | None:
    """The first row of `scope` (and of the measure, quarter and category when given)."""
    found = _where(frame, scope=scope, measure=measure,
                   quarter=None if quarter is None else str(quarter), category=category)
    return frame.iloc[found[0]] if len(found) else None


def _where(frame: pd.DataFrame, **equal: str | None) -> np.ndarray:
    """Positions of the rows whose columns equal the values given (None: any), compared as
    plain arrays: a pandas filter per question cost a title some milliseconds."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in equal.items():
        if value is not None:
            values = frame[column].to_numpy(dtype=object)
            if column == "category":
                values = np.where(pd.isna(values), "", values)
            mask &= values == value
    return np.flatnonzero(mask)


def _hidden(row: pd.Series | None) -> bool:
    return row is None or row["shown"] in SYMBOLS or pd.isna(row["value"])


def say(row: pd.Series | None) -> str:
    """A value as shown; a hidden one with what its symbol means: `[c] (confidential)`."""
    if row is None:
        return "[x] (not available)"
    shown = str(row["shown"])
    return f"{shown} ({SYMBOLS[shown].split(':')[0]})" if shown in SYMBOLS else shown


def scope_name_of(frame: pd.DataFrame, query: ChartQuery) -> str:
    row = scope_row(frame, query.selection.scope)
    return str(row["scope_name"]) if row is not None else query.selection.scope


def measure_period(query: ChartQuery, measure: str) -> str:
    return period_text(MEASURES[measure], query.selection.quarter, query.selection.window)


def journey_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    """`Placement order to match is the longest stage for Adopt London South: 215 days …`"""
    name, period = scope_name_of(frame, query), measure_period(query, JOURNEY_STAGES[0])
    rows = frame[(frame["scope"] == query.selection.scope) & frame["value"].notna()
                 & ~frame["shown"].isin(list(SYMBOLS))]
    if rows.empty:
        return f"Journey to adoption in {name}, {period}: not available"
    longest = rows.loc[pd.to_numeric(rows["value"]).idxmax()]
    return (f"{longest['measure_title']} is the longest stage for {name}: {longest['shown']} days "
            f"on average for children adopted in {period}")


def threshold_title(threshold: float, label: str, frame: pd.DataFrame, query: ChartQuery) -> str:
    """The trend's message, and which side of the threshold the scope is on."""
    title = active_title(frame, query)
    now = scope_row(frame, query.selection.scope, quarter=query.selection.quarter)
    if _hidden(now):
        return title
    side = "above" if float(now["value"]) > threshold else "within"
    return f"{title}, {side} the threshold of {label} ({threshold:,.0f} days)"


def adopter_stages_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    name, period = scope_name_of(frame, query), measure_period(query, ADOPTER_STAGES[1])
    mine = scope_row(frame, query.selection.scope, "adopter_approval_to_match")
    england = scope_row(frame, ENGLAND, "adopter_approval_to_match")
    if _hidden(mine):
        return f"Adopters' approval to match in {name}, {period}: not available"
    if query.selection.scope == ENGLAND or _hidden(england):
        return f"Adopters in {name} waited {mine['shown']} days from approval to match in {period}"
    return (f"Adopters in {name} waited {mine['shown']} days from approval to match in {period}, "
            f"against {england['shown']} in England")


def supply_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    name, quarter = scope_name_of(frame, query), query.selection.quarter
    adopters = scope_row(frame, query.selection.scope, "adopters_waiting", quarter)
    children = scope_row(frame, query.selection.scope, "children_waiting", quarter)
    if _hidden(adopters) or _hidden(children):
        return f"Approved adopters and children waiting in {name}, {quarter}"
    more = "more" if float(adopters["value"]) > float(children["value"]) else "fewer"
    return (f"{name} had {more} approved adopters waiting than children waiting at {quarter}: "
            f"{adopters['shown']} households for {children['shown']} children")


def agencies_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    quarter = query.selection.quarter
    rows = frame[(frame["scope"] != ENGLAND) & frame["value"].notna()
                 & ~frame["shown"].isin(list(SYMBOLS))]
    where = "England's regions" if query.selection.scope == ENGLAND else "the region"
    if rows.empty:
        return f"Approved adopters per child waiting across {where} at {quarter}: not available"
    top = rows.loc[pd.to_numeric(rows["value"]).idxmax()]
    england = scope_row(frame, ENGLAND)
    text = (f"{top['scope_name']} had the most approved adopters per child waiting in {where} "
            f"at {quarter}: {top['shown']}")
    return text if _hidden(england) else f"{text} (England {england['shown']})"


def breakdown_title(breakdown: str, frame: pd.DataFrame, query: ChartQuery) -> str:
    name, quarter = scope_name_of(frame, query), query.selection.quarter
    what = BREAKDOWN_TITLES[breakdown].lower()
    rows = frame[(frame["category"] != TOTAL) & frame["value"].notna()
                 & ~frame["shown"].isin(list(SYMBOLS))]
    total = scope_row(frame, query.selection.scope, category=TOTAL)
    if rows.empty or _hidden(total):
        return f"Children waiting in {name} by {what}, {quarter}"
    top = rows.loc[pd.to_numeric(rows["value"]).idxmax()]
    return (f"{BREAKDOWN_TITLES[breakdown]}: {top['category']} is the largest group of children "
            f"waiting in {name} at {quarter}, {top['shown']} of {total['shown']}")


def largest_title(measure: str, breakdown: str, says: str, labels: dict[str, str],
                  frame: pd.DataFrame, query: ChartQuery) -> str:
    """The largest category's message, `says` naming it (`{}`), e.g. "{} are the {largest}
    single age among children waiting". Ties are "joint"; when any category is hidden the
    claim is only about those shown (a hidden one might be larger)."""
    name, period = scope_name_of(frame, query), measure_period(query, measure)
    parts = frame[frame["category"] != TOTAL]
    rows = parts[parts["value"].notna() & ~parts["shown"].isin(list(SYMBOLS))]
    # A breakdown that does not apply or is not available is one uncategorised row, [z] or [x].
    total = scope_row(frame, query.selection.scope, category=TOTAL)
    if total is None:
        total = scope_row(frame, query.selection.scope, category="")
    if rows.empty or _hidden(total):
        return (f"{MEASURES[measure].title} in {name} by {BREAKDOWN_TITLES[breakdown].lower()}, "
                f"{period}: {say(total) if _hidden(total) else 'every group hidden'}")
    values = pd.to_numeric(rows["value"])
    tops = rows[values == values.max()]
    named = " and ".join(labels.get(c, c) for c in tops["category"])
    largest = ("joint " if len(tops) > 1 else "") + (
        "largest shown" if parts["shown"].eq("[c]").any() else "largest")
    each = " each" if len(tops) > 1 else ""
    says = says.format(named, largest=largest, is_="are" if len(tops) > 1 else "is")
    return (f"{says} in {name} in {period}: "
            f"{tops['shown'].iloc[0]}{each} of {total['shown']}")


def page_caption(frame: pd.DataFrame, query: ChartQuery) -> str:
    """What, source, period, scope and cohort, for a frame of one or several measures."""
    s = query.selection
    measures = list(dict.fromkeys(frame["measure"]))
    units = {MEASURES[m].unit for m in measures}
    titles = "; ".join(MEASURES[m].title for m in measures)
    quarters = list(dict.fromkeys(frame["quarter"]))
    period = (f"{quarters[0]} to {quarters[-1]}" if len(quarters) > 1
              else measure_period(query, measures[0]))
    if frame["breakdown"].fillna("").ne("").any():
        titles += f", by {BREAKDOWN_TITLES[frame['breakdown'].iloc[0]].lower()}"
    names = list(dict.fromkeys(frame["scope_name"]))
    scope = ", ".join(names) if len(names) <= 4 else f"{len(names) - 1} areas and England"
    parts = [f"{titles} ({', '.join(sorted(units))}).", f"Source: {SOURCE}.",
             f"Period: {period}.", f"Scope: {scope}."]
    here = _where(frame, scope=s.scope, quarter=str(s.quarter))
    main = frame.iloc[[i for i in here if pd.isna(c := frame["category"].iat[i]) or c in ("", TOTAL)]]
    for measure in measures:
        row = main[main["measure"] == measure]
        if len(row) and pd.notna(row["cohort"].iloc[0]):
            noun = MEASURES[measure].cohort_noun
            label = f" ({MEASURES[measure].title.lower()})" if len(measures) > 1 else ""
            parts.append(f"Cohort{label}: {float(row['cohort'].iloc[0]):,.0f} {noun}.")
    missing = pd.to_numeric(main["missing_returns"]).max() if len(main) else 0
    if pd.notna(missing) and missing:
        parts.append(f"Expected returns missing: {int(missing)}.")
    partial = pd.to_numeric(main["partial_returns"]).max() if len(main) else 0
    parts.append(partial_text(partial))
    return " ".join([p for p in parts if p] + reasons(frame, s.quarter))


def measure_headlines(frame: pd.DataFrame, query: ChartQuery) -> list[Headline]:
    """Each measure's shown value for the scope at the quarter; the first is the big one."""
    out = []
    for n, measure in enumerate(dict.fromkeys(frame["measure"])):
        row = scope_row(frame, query.selection.scope, measure, query.selection.quarter)
        if row is not None:
            out.append(Headline(str(row["measure_title"]), str(row["shown"]), n == 0))
    return out


def total_headline(frame: pd.DataFrame, query: ChartQuery) -> list[Headline]:
    """The Total of a broken-down frame, named by its measure."""
    row = scope_row(frame, query.selection.scope, category=TOTAL)
    if row is None:
        return []
    what = str(row["measure_title"]).lower()
    return [Headline(f"{what} in {row['scope_name']}", str(row["shown"]), True)]


def no_headlines(frame: pd.DataFrame, query: ChartQuery) -> list[Headline]:
    return []


# ---------------------------------------------------------------- the registry


def planned_chart(id: str, measure: str, plan: Plan, figure, title, headlines_of=no_headlines,
                  table: TableShape = TableShape()) -> Chart:
    return Chart(id, measure, partial(planned_frame, plan), figure, title,
                 requests=partial(planned_requests, plan), caption=page_caption,
                 headlines=headlines_of, table=table)


STAGE_TABLE = TableShape("Stage", "measure_title", "scope", "scope_name")
MEASURE_TABLE = TableShape("Quarter", "quarter", "measure", "measure_title")
AGENCY_TABLE = TableShape("Agency", "scope_name", "quarter", "quarter")
CATEGORY_TABLE = TableShape("Category", "category_label", "scope", "scope_name")

TIMELINESS_CHARTS = (
    planned_chart("timeliness_journey", "stage_care_to_adm", journey_plan, journey_figure,
                  journey_title, table=STAGE_TABLE),
    planned_chart("timeliness_a10", "a10_care_to_placed_adjusted",
                  partial(trend_plan, "a10_care_to_placed_adjusted"),
                  partial(threshold_figure, threshold=A10_THRESHOLD, label=A10_LABEL),
                  partial(threshold_title, A10_THRESHOLD, A10_LABEL), headlines),
    planned_chart("timeliness_a2", "a2_order_to_match", partial(trend_plan, "a2_order_to_match"),
                  partial(threshold_figure, threshold=A2_THRESHOLD, label=A2_LABEL),
                  partial(threshold_title, A2_THRESHOLD, A2_LABEL), headlines),
    planned_chart("timeliness_adopter_stages", "adopter_enquiry_to_approval", adopter_stages_plan,
                  grouped_bars, adopter_stages_title, table=STAGE_TABLE),
)
SUFFICIENCY_CHARTS = (
    planned_chart("sufficiency_supply", "adopters_waiting", supply_plan, measure_lines,
                  supply_title, measure_headlines, MEASURE_TABLE),
    planned_chart("sufficiency_agencies", "adopters_per_child", agencies_plan, ranked_bars,
                  agencies_title, table=AGENCY_TABLE),
    *(planned_chart(f"sufficiency_by_{b}", "children_waiting", partial(breakdown_plan, b),
                    category_bars, partial(breakdown_title, b), total_headline, CATEGORY_TABLE)
      for b in WAITING_BREAKDOWNS),
    planned_chart("sufficiency_by_approved_places", "approvals",
                  partial(breakdown_plan, "approved_places", measure="approvals"), category_bars,
                  partial(largest_title, "approvals", "approved_places",
                          "Adopters approved for {} are the {largest} group of approvals", {}),
                  total_headline, CATEGORY_TABLE),
)
TIMELINESS = tuple(c.id for c in TIMELINESS_CHARTS)
SUFFICIENCY = tuple(c.id for c in SUFFICIENCY_CHARTS)
CHARTS.update({c.id: c for c in (*TIMELINESS_CHARTS, *SUFFICIENCY_CHARTS)})
