"""Handlers of the Data quality page: the filter state -> the returns-received grid with the
data missing per table, the stored warnings and the completeness card. Imports dash, its
component libraries, werkzeug, pandas, metrics, layouts and server only.

`quality_view` and `completeness_download` are plain functions of the services and the page's
FILTER_STATE, so tests call them directly. The completeness card's frame is the data API's
rows for `completeness?by=column` (same request, same disclosure), so its table and downloads
equal the API's.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote, urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Dash, Input, Output, State, ctx, no_update
from werkzeug.datastructures import MultiDict

from server.api import MeasureQuery, parse_query, query_frame, state_query
from server.auth import caller_of
from server.renderers import Export, as_download
from server.services import Services
from layouts import ids
from layouts.quality import WARNING_COLUMNS, completeness_card, coverage_table, returns_key, returns_table
from metrics.disclosure import SYMBOLS
from metrics.export import export_rows
from metrics.quality import (
    coverage_by_table, grid_quarters, is_held_back, returns_grid, safe_warnings,
    submitting_agencies,
)
from metrics.quarters import Quarter
from metrics.registry import MEASURES

MEASURE = "completeness"


class QualityView(NamedTuple):
    grid: list
    warnings: list[dict]
    warnings_count: str
    completeness: list


def _state(services: Services, state: object) -> tuple[str, Quarter]:
    selection = state_query(MEASURE, state, services.measures.geography()).selection
    return selection.scope, selection.quarter


def completeness_query(services: Services, scope: str, quarter: Quarter) -> MeasureQuery:
    params = {"scope": scope, "quarter": str(quarter), "by": "column"}
    return parse_query(MEASURE, MultiDict(params), services.measures.geography())


def completeness_url(query: MeasureQuery) -> str:
    params = {"scope": query.selection.scope, "quarter": str(query.selection.quarter), "by": "column"}
    return f"/api/v1/measures/{MEASURE}?" + urlencode(params, quote_via=quote)


def completeness_frame(services: Services, query: MeasureQuery) -> pd.DataFrame:
    return query_frame(query, services.measures, caller_of(services), services.policy)


def completeness_section(services: Services, scope: str, quarter: Quarter) -> dbc.Card:
    query = completeness_query(services, scope, quarter)
    frame = completeness_frame(services, query)
    measure = MEASURES[MEASURE]
    scope_name = frame["scope_name"].iloc[0] if len(frame) else scope
    total = frame.loc[frame["category"] == "Total", "shown"]
    title = (f"{measure.title}: {total.iloc[0]} of optional cells filled in {quarter}"
             if len(total) and total.iloc[0] not in SYMBOLS else f"{measure.title} in {quarter}")
    caption = (f"{measure.title}, percent of rows with a value, by column. Source: Quarterly ASG "
               f"returns. Period: {quarter}. Scope: {scope_name}.")
    links = [("About this measure", f"/definitions#{MEASURE}"), ("Data API", completeness_url(query))]
    return completeness_card(title, frame, caption, SYMBOLS, links)


def _with_own_la_returns(services: Services, scope: str, quarters: list, agencies: pd.DataFrame,
                         versions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add the LAs inside an RAA that loaded returns of their own (an Annex A workbook) in the
    grid's quarters: their returns, partial ones included, are shown and their held-back rows
    listed, though the RAA's return is the one expected."""
    geography = services.measures.geography()
    inside = sorted(set(geography.child_las(geography.scope(scope))) - set(agencies["code"]))
    if not inside:
        return agencies, versions
    own = services.store.return_versions(quarters[0], quarters[-1], inside)
    if own.empty:
        return agencies, versions
    found = geography.agencies[geography.agencies["code"].isin(set(own["agency_code"]))]
    extra = found[["code", "name", "kind"]].sort_values("name")
    return (pd.concat([agencies, extra], ignore_index=True),
            pd.concat([versions, own], ignore_index=True))


def quality_view(services: Services, state: object) -> QualityView:
    try:
        scope, quarter = _state(services, state)
        agencies = submitting_agencies(services.measures.geography(), scope)
    except ValueError as exc:
        alert = [dbc.Alert(str(exc), color="warning")]
        return QualityView(alert, [], "", [])
    expected = agencies["code"].tolist()
    quarters = grid_quarters(quarter)
    versions = services.store.return_versions(quarters[0], quarters[-1], expected)
    agencies, versions = _with_own_la_returns(services, scope, quarters, agencies, versions)
    codes = agencies["code"].tolist()
    grid = returns_grid(agencies, versions, quarters, set(expected))
    now = grid[grid["quarter"] == str(quarter)]
    missing = int(now[now["agency_code"].isin(expected)]["version"].isna().sum())
    partial = int((now["rows_held_back"].fillna(0) > 0).sum())
    partial_text = (f"; {partial} partial (failing rows held back, not in the figures)"
                    if partial else "")
    caption = (f"Current return's version by agency, {quarters[0]} to {quarter}: "
               f"{missing} of {len(expected)} returns missing for {quarter}{partial_text}.")
    geography = services.measures.geography()
    coverage = coverage_by_table(services.measures.data_for([quarter]), geography, scope, quarter)
    coverage_caption = (f"For {quarter}: the LAs (children, special guardianship) or agencies "
                        "(households, support) whose data each table's figures are missing, and why. "
                        "Their figures count the others; with none left they are [x].")
    warnings = safe_warnings(services.store.return_warnings(quarter, codes))
    rows = warnings[[f for f, _, _ in WARNING_COLUMNS]].astype(object)
    rows = rows.where(rows.notna(), None).to_dict("records")
    held = int(warnings["rule"].map(is_held_back).sum()) if len(warnings) else 0
    n = len(rows) - held
    count = f"{n:,} warning{'' if n == 1 else 's'}"
    if held:
        count += f" and {held:,} row{'' if held == 1 else 's'} held back"
    count += f" stored with the {quarter} returns."
    return QualityView([returns_table(grid, caption), returns_key(), coverage_table(coverage, coverage_caption)],
                       rows, count,
                       [completeness_section(services, scope, quarter)])


def completeness_download(services: Services, format: str, state: object) -> dict:
    """dcc.Download data: byte for byte the data API's completeness?by=column rows."""
    scope, quarter = _state(services, state)
    query = completeness_query(services, scope, quarter)
    rows = export_rows(completeness_frame(services, query))
    return as_download(format, Export(rows, query.file_name))


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(ids.QUALITY_GRID, "children"),
        Output(ids.QUALITY_WARNINGS, "rowData"),
        Output(ids.QUALITY_WARNINGS_COUNT, "children"),
        Output(ids.QUALITY_COMPLETENESS, "children"),
        Input(ids.FILTER_STATE, "data"),
    )(lambda state: quality_view(services, state))

    # The buttons come with the card, after the page loads, so their ids are pattern-matching
    # ones (Dash checks plain ids against the pages' first layouts).
    def download(csv_clicks, xlsx_clicks, state):
        clicked = ctx.triggered_id
        if not isinstance(clicked, dict) or not (any(csv_clicks) or any(xlsx_clicks)):
            return no_update
        try:
            return completeness_download(
                services, "csv" if clicked.get("type") == ids.QUALITY_CSV else "xlsx", state)
        except ValueError:
            return no_update

    app.callback(
        Output(ids.QUALITY_DOWNLOAD, "data"),
        Input({"type": ids.QUALITY_CSV, "chart": ALL}, "n_clicks"),
        Input({"type": ids.QUALITY_XLSX, "chart": ALL}, "n_clicks"),
        State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
    )(download)
