"""The chart registry: one chart = one entry (its measure, frame function, figure function and
title function), and the handlers every chart card shares.

A chart's frame is the disclosed measure frame for its selection: the scope beside its region,
England and any peers, over the last TREND_QUARTERS quarters. The figure, the table view, the
CSV/XLSX downloads and the data API link all come from that one frame, and it is the frame the
data API returns for `api_params(...)`, so a download always equals the API's rows. Imports
dash, plotly, pandas, config, db, metrics, layouts and callbacks only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

import pandas as pd
from dash import MATCH, Dash, Input, Output, State, ctx, no_update

from callbacks.api import record_export, state_query, with_published
from callbacks.auth import caller_of
from callbacks.filters import describe
from callbacks.renderers import Export, as_download, file_name
from callbacks.services import Services
from db.measure_data import MeasureSource
from layouts import ids
from layouts.board import direct_labels
from layouts.chart_card import Headline, TableShape, chart_card
from layouts.figures import FigureSpec, trend_figure
from metrics.access import Caller
from metrics.disclosure import SYMBOLS, TOTAL, DisclosurePolicy, disclosure_note
from metrics.engine import benchmark_scopes, compute, compute_shown
from metrics.published import SOURCE as PUBLISHED_SOURCE
from metrics.published import is_published, published_code
from metrics.export import export_rows
from metrics.quarters import Quarter, quarter_range
from metrics.registry import MEASURES, Measure
from metrics.scope import Geography
from metrics.selection import Selection, quarters_needed

TREND_QUARTERS = 8
ENGLAND = "england"
ENGLAND_PUBLISHED = published_code(ENGLAND)
SOURCE = "Quarterly ASG returns"
WINDOW_PERIODS = {1: "{q}", 4: "the year to {q}", 12: "the three years to {q}"}
WINDOW_POINTS = {4: "each point a rolling year", 12: "each point three years"}


@dataclass(frozen=True)
class ChartQuery:
    """What a chart shows: the selection (scope, last quarter, window) and peer scopes."""

    selection: Selection
    peers: tuple[str, ...] = ()  # scope codes, and `<scope>-published` for published figures
    # The store holds returns for too little of England: its published figure stands in.
    england_published: bool = False

    @property
    def first(self) -> Quarter:
        return self.selection.quarter + (1 - TREND_QUARTERS)

    @property
    def quarters(self) -> list[Quarter]:
        return quarter_range(self.first, self.selection.quarter)


FrameFunction = Callable[[ChartQuery, MeasureSource, Caller, DisclosurePolicy], pd.DataFrame]


@dataclass(frozen=True)
class Chart:
    id: str
    measure: str
    frame: FrameFunction
    figure: Callable[[pd.DataFrame], FigureSpec]
    title: Callable[[pd.DataFrame, ChartQuery], str]
    # Charts beyond the Overview's trends: the data API requests behind the frame, as
    # (measure, query string) pairs (None: the one request of `api_params`); their own caption
    # and headlines; and the shape of the table view.
    requests: Callable[[ChartQuery, Geography], list[tuple[str, dict[str, str]]]] | None = None
    caption: Callable[[pd.DataFrame, ChartQuery], str] | None = None
    headlines: Callable[[pd.DataFrame, ChartQuery], list[Headline]] | None = None
    table: TableShape = TableShape()


# ---------------------------------------------------------------- frames


def chart_scopes(query: ChartQuery, geography: Geography, published: bool = False) -> list[str]:
    """The scope, its region, England, then the peers: the frame's scopes, in its order. With
    `published`, the published comparators asked for follow (England's in England's place
    when it stands in for it); without, they are left out (charts that do not draw them)."""
    peers = tuple(p for p in query.peers if not is_published(p))
    scopes = benchmark_scopes(query.selection, geography, peers)
    if not published:
        return scopes
    asked = [p for p in query.peers if is_published(p)]
    if query.england_published:
        at = scopes.index(ENGLAND) if ENGLAND in scopes else len(scopes)
        scopes = [*scopes[:at], ENGLAND_PUBLISHED, *scopes[at + 1:]]
    return scopes + [p for p in asked if p not in scopes]


def replaces_england(query: ChartQuery, source: MeasureSource) -> bool:
    """Whether England's published figure should stand in for its computed one: the store
    holds returns for less than half of England's LAs over the selection (a regional board's
    own deployment), and the DfE publishes England's figure for this measure."""
    s = query.selection
    if s.scope == ENGLAND:
        return False
    figures = source.published(s.measure)
    if figures.empty or not (figures["scope"] == ENGLAND).any():
        return False
    geography = source.geography()
    england = replace(s, scope=ENGLAND)
    row = compute(england, source.data_for(england.quarters), geography).iloc[-1]
    expected = len(geography.child_las(geography.scope(ENGLAND))) * len(england.quarters)
    return int(row["missing_returns"]) * 2 > expected


def trend_frame(query: ChartQuery, source: MeasureSource, caller: Caller,
                policy: DisclosurePolicy) -> pd.DataFrame:
    """Every scope's rows for every quarter of the trend, disclosed together (scope by scope,
    oldest quarter first, as the data API orders them), with any published comparators."""
    geography = source.geography()
    scopes = chart_scopes(query, geography, published=True)
    computed = [s for s in scopes if not is_published(s)]
    selections = [replace(query.selection, scope=s, quarter=q) for s in computed for q in query.quarters]
    data = source.data_for(quarters_needed(selections))
    shown = compute_shown(selections, data, geography, caller, policy)
    if len(computed) == len(scopes):
        return shown
    return with_published(shown, scopes, query.selection, query.quarters, source, geography)


def api_params(query: ChartQuery, geography: Geography) -> dict[str, str]:
    """The data API's query string for exactly this chart's rows."""
    s = query.selection
    params = {"scope": s.scope, "quarter": str(s.quarter), "from": str(query.first),
              "window": str(s.window)}
    others = chart_scopes(query, geography, published=True)[1:]
    if others:
        params["compare"] = ",".join(others)
    return params


# ---------------------------------------------------------------- words


def period_text(measure: Measure, quarter: Quarter, window: int) -> str:
    return WINDOW_PERIODS[window if measure.windowed else 1].format(q=quarter)


def _rows_at(frame: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """The first row without a breakdown of each (scope, quarter): what titles, captions and
    headlines read (a dictionary once, not a filter of the frame per question)."""
    found: dict[tuple[str, str], dict] = {}
    names = list(frame.columns)
    breakdown = frame["breakdown"].to_numpy(dtype=object)
    # One conversion of the whole frame: a column at a time cost more than the rows.
    for values in frame.to_numpy(dtype=object)[(breakdown == "") | pd.isna(breakdown)]:
        row = dict(zip(names, values))
        found.setdefault((row["scope"], row["quarter"]), row)
    return found


def _incomplete(row: dict) -> bool:
    """Expected returns missing, or a partial one behind it: no rise or fall is claimed."""
    return any(pd.notna(row[c]) and int(row[c]) > 0 for c in ("missing_returns", "partial_returns"))


def active_title(frame: pd.DataFrame, query: ChartQuery) -> str:
    """The message of the chart: `Children waiting rose to 3,040 in 2025-26 Q1`."""
    s = query.selection
    measure = MEASURES[s.measure]
    period = period_text(measure, s.quarter, s.window)
    rows = _rows_at(frame)
    now, before = rows.get((s.scope, str(s.quarter))), rows.get((s.scope, str(s.quarter.previous())))
    if now is None or now["shown"] in SYMBOLS:
        meaning = SYMBOLS.get(now["shown"] if now is not None else "[x]", "not available")
        return f"{measure.title} in {period}: {meaning.split(':')[0]}"
    shown = now["shown"] + (" days" if measure.unit == "days" else "")
    # A rise or fall is only claimed between two complete periods.
    if (before is None or before["shown"] in SYMBOLS or pd.isna(before["value"])
            or _incomplete(now) or _incomplete(before)):
        return f"{measure.title}: {shown} in {period}"
    if before["shown"] == now["shown"]:
        verb = "was unchanged at"
    else:
        verb = "rose to" if float(now["value"]) > float(before["value"]) else "fell to"
    return f"{measure.title} {verb} {shown} in {period}"


def caption(frame: pd.DataFrame, query: ChartQuery) -> str:
    s = query.selection
    measure = MEASURES[s.measure]
    now = _rows_at(frame).get((s.scope, str(s.quarter)))
    scope_name = now["scope_name"] if now is not None else s.scope
    points = f" ({WINDOW_POINTS[s.window]})" if measure.windowed and s.window in WINDOW_POINTS else ""
    parts = [f"{measure.title}, {measure.unit}.", f"Source: {SOURCE}.",
             f"Period: {query.first} to {s.quarter}{points}.", f"Scope: {scope_name}."]
    if now is not None and pd.notna(now["cohort"]):
        noun = measure.cohort_noun
        parts.append(f"Cohort: {float(now['cohort']):,.0f} {noun}.")
    if now is not None and pd.notna(now["missing_returns"]) and int(now["missing_returns"]):
        parts.append(f"Expected returns missing: {int(now['missing_returns'])}.")
    if now is not None:
        parts.append(partial_text(now["partial_returns"]))
    parts.append(published_text(frame, query))
    return " ".join([p for p in parts if p] + reasons(frame, s.quarter))


def published_text(frame: pd.DataFrame, query: ChartQuery) -> str:
    """What a caption says of the published comparators in a frame ("" when none)."""
    published = frame[frame["scope"].map(is_published)] if len(frame) else frame
    if published.empty and not query.england_published:
        return ""
    parts = []
    if query.england_published:
        parts.append("England is the published figure: the store holds returns for too little "
                     "of England to count it.")
    if not published.empty:
        # The figure itself, in words: a count of England's is not drawn beside an area's
        # (it would flatten the area's line), so the caption is where it is read.
        at = published[published["quarter"] == str(query.selection.quarter)]
        if "category" in at:
            at = at[at["category"].fillna("").isin(["", TOTAL])]
        said = "; ".join(f"{n} {p}: {v}" for n, p, v in zip(at["scope_name"], at["period"],
                                                             at["shown"]))
        if said:
            parts.append(f"{said}.")
        names = ", ".join(dict.fromkeys(published["scope_name"]))
        years = ", ".join(sorted(set(published["period"].dropna())))
        parts.append(f"{names}: {PUBLISHED_SOURCE}, years to 31 March ({years}), as published "
                     "(national and regional counts rounded to 10; c, z, x and k as the DfE shows "
                     "them); only where a point is a year ending in Q4.")
    elif query.england_published:
        parts.append("England's published figures are years to 31 March: none for this period.")
    return " ".join(parts)


def partial_text(partial: object) -> str:
    """What a caption says of the partial returns behind a figure ("" when there are none)."""
    if pd.isna(partial) or not int(partial):
        return ""
    n = int(partial)
    return (f"{n} partial return{'' if n == 1 else 's'} (failing rows held back when loaded, "
            "so not counted).")


def reasons(frame: pd.DataFrame, quarter: Quarter) -> list[str]:
    """Why figures of the frame are [x] in the selected quarter, each reason once, as
    sentences: `[x] not available: the returns for this scope and quarter (Annex A) do not
    carry special guardianship orders (Adopt Coast to Coast, 2024-25 Q3).` (Earlier quarters'
    reasons are in the table's rows and the downloads.)"""
    if "not_available_reason" not in frame:
        return []
    found: dict[str, list[str]] = {}
    for name, at, reason in zip(frame["scope_name"], frame["quarter"], frame["not_available_reason"]):
        if isinstance(reason, str) and reason and at == str(quarter):
            where = found.setdefault(reason, [])
            if (text := f"{name}, {at}") not in where:
                where.append(text)
    return [f"[x] {reason} ({'; '.join(where[:3])}{'; and others' if len(where) > 3 else ''})."
            for reason, where in found.items()]


def headlines(frame: pd.DataFrame, query: ChartQuery) -> list[Headline]:
    """The scope's shown value at the quarter, then each benchmark's beside it."""
    out, rows = [], _rows_at(frame)
    for scope in dict.fromkeys(frame["scope"]):
        row = rows.get((scope, str(query.selection.quarter)))
        if row is not None:
            out.append(Headline(str(row["scope_name"]), str(row["shown"]), scope == query.selection.scope))
    return out


# ---------------------------------------------------------------- the registry

OVERVIEW = (
    "children_waiting", "adopters_waiting", "adopters_per_child", "a10_care_to_placed_adjusted",
    "a2_order_to_match", "adoption_orders", "sgos", "asf_share_sg",
)
CHARTS: dict[str, Chart] = {
    m: Chart(m, m, trend_frame, trend_figure, active_title) for m in OVERVIEW
}


def chart_query(chart: Chart, state: object, geography: Geography,
                source: MeasureSource | None = None) -> ChartQuery:
    """The query a page's FILTER_STATE asks of a chart, checked as the data API checks it;
    ValueError when any part is wrong. With the `source`, a trend chart's England is the
    published one when the store holds too little of England (`replaces_england`)."""
    query = state_query(chart.measure, state, geography)
    found = ChartQuery(query.selection, query.scopes[1:])
    if source is not None and chart.requests is None and replaces_england(found, source):
        found = replace(found, england_published=True)
    return found


def chart_frame(services: Services, chart: Chart, query: ChartQuery) -> pd.DataFrame:
    return chart.frame(query, services.measures, caller_of(services), services.policy)


def api_url(query: ChartQuery, geography: Geography) -> str:
    return (f"/api/v1/measures/{query.selection.measure}?"
            + urlencode(api_params(query, geography), quote_via=quote))


def chart_requests(chart: Chart, query: ChartQuery, geography: Geography) -> list[tuple[str, dict[str, str]]]:
    """The data API requests whose rows, in order, are the chart's frame."""
    if chart.requests is None:
        return [(query.selection.measure, api_params(query, geography))]
    return chart.requests(query, geography)


def chart_api_urls(chart: Chart, query: ChartQuery, geography: Geography) -> list[tuple[str, str]]:
    requests = chart_requests(chart, query, geography)
    return [("Data API" if len(requests) == 1 else f"Data API: {MEASURES[m].title}",
             f"/api/v1/measures/{m}?" + urlencode(params, quote_via=quote)) for m, params in requests]


def card_for(services: Services, chart: Chart, state: object):
    """The chart's card for the page's selection (ValueError when the selection is wrong)."""
    geography = services.measures.geography()
    query = chart_query(chart, state, geography, services.measures)
    frame = chart_frame(services, chart, query)
    links = [("About this measure", f"/definitions#{chart.measure}"),
             *chart_api_urls(chart, query, geography)]
    figure = chart.figure(frame)
    if isinstance(state, dict) and state.get("present"):  # board mode: labels, not a legend
        figure = direct_labels(figure)
    return chart_card(chart.id, chart.title(frame, query), (chart.headlines or headlines)(frame, query),
                      figure, frame, (chart.caption or caption)(frame, query), SYMBOLS,
                      links, chart.table)


def frame_period(frame: pd.DataFrame, query: ChartQuery) -> str:
    """The quarters a chart's rows cover, in words: `2024-25 Q2 to 2025-26 Q1 (each point a
    rolling year)`, or one period: `the year to 2025-26 Q1`."""
    quarters = sorted(set(frame["quarter"]), key=Quarter.parse)
    measures = [MEASURES[m] for m in dict.fromkeys(frame.get("measure", [query.selection.measure]))]
    windowed = [m for m in measures if m.windowed]
    if len(quarters) == 1:
        return period_text((windowed or measures)[0], query.selection.quarter, query.selection.window)
    window = query.selection.window
    points = f" ({WINDOW_POINTS[window]})" if windowed and window in WINDOW_POINTS else ""
    return f"{quarters[0]} to {quarters[-1]}{points}"


def header_block(chart: Chart, frame: pd.DataFrame, query: ChartQuery, services: Services,
                 state: dict) -> tuple[tuple[str, str], ...]:
    """What a downloaded file says above its rows: the chart's title, the filters, the period,
    the caption, the disclosure note and the data API's addresses for the same rows."""
    geography = services.measures.geography()
    return (
        ("Title", chart.title(frame, query)),
        ("Filters", describe(geography, state)),
        ("Period", frame_period(frame, query)),
        ("About", (chart.caption or caption)(frame, query)),
        ("Disclosure", disclosure_note(services.policy)),
        ("Data API", " ".join(url for _, url in chart_api_urls(chart, query, geography))),
    )


def chart_download(services: Services, chart_id: str, format: str, state: object) -> dict:
    """dcc.Download data: the chart's header block, then its rows as CSV or XLSX, byte for byte
    the data API's."""
    chart = CHARTS[chart_id]
    query = chart_query(chart, state, services.measures.geography(), services.measures)
    frame = chart_frame(services, chart, query)
    block = header_block(chart, frame, query, services, state)
    rows = export_rows(frame)
    s = query.selection
    name = file_name(s.measure, s.scope, str(query.first), "to", str(s.quarter))
    if chart.requests is not None:  # the API requests' rows in turn, each named by its measure
        requests = chart_requests(chart, query, services.measures.geography())
        measure, params = requests[0]
        period = [params["from"], "to"] if "from" in params else []
        if len(requests) == 1:  # the data API's own file name
            name = file_name(measure, params["scope"], *period, params["quarter"])
        else:
            name = file_name(chart.id, s.scope, *period, params["quarter"])
            rows.insert(0, "measure", frame["measure"].to_numpy())
    download = as_download(format, Export(rows, name, header_block=block))
    record_export(services, "export", s.scope, str(s.quarter), f"{chart.id} {format}: {name}")
    return download


def register(app: Dash, services: Services) -> None:
    def download(csv_clicks, xlsx_clicks, state):
        clicked = ctx.triggered_id
        if not isinstance(clicked, dict) or clicked.get("chart") not in CHARTS or not (csv_clicks or xlsx_clicks):
            return no_update
        format = "csv" if clicked.get("type") == ids.CHART_CSV else "xlsx"
        try:
            return chart_download(services, clicked["chart"], format, state)
        except ValueError:
            return no_update

    app.callback(
        Output({"type": ids.CHART_DOWNLOAD, "chart": MATCH}, "data"),
        Input({"type": ids.CHART_CSV, "chart": MATCH}, "n_clicks"),
        Input({"type": ids.CHART_XLSX, "chart": MATCH}, "n_clicks"),
        State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
    )(download)
