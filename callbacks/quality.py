"""Handlers of the Data quality page: the filter state -> the returns-received grid with the
data missing per table, the stored warnings and the completeness card.

`quality_view` is a plain function of the services and the page's FILTER_STATE, so tests call
it directly. The completeness card is the chart registry's `completeness` chart, drawn like
every chart card (its frame is the data API's rows for `completeness?by=column`, its downloads
the API's chart files). Imports dash, pandas, charts, metrics, layouts, server and callbacks
only.
"""

from __future__ import annotations

from typing import NamedTuple

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output

from callbacks.chart_pages import chart_view
from server.services import Services
from charts.pages.data_quality import COMPLETENESS, MEASURE
from charts.query import from_state
from layouts import ids
from layouts.chart_card import chart_card
from layouts.quality import WARNING_COLUMNS, coverage_table, returns_key, returns_table
from metrics.quality import (
    coverage_by_table, grid_quarters, is_held_back, returns_grid, safe_warnings,
    submitting_agencies,
)
from metrics.quarters import Quarter


class QualityView(NamedTuple):
    grid: list
    warnings: list[dict]
    warnings_count: str
    completeness: list


def _state(services: Services, state: object) -> tuple[str, Quarter]:
    query = from_state(MEASURE, state, services.measures.geography())
    return query.scope, query.quarter


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
                       [chart_card(chart_view(services, COMPLETENESS, state))])


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(ids.QUALITY_GRID, "children"),
        Output(ids.QUALITY_WARNINGS, "rowData"),
        Output(ids.QUALITY_WARNINGS_COUNT, "children"),
        Output(ids.QUALITY_COMPLETENESS, "children"),
        Input(ids.FILTER_STATE, "data"),
    )(lambda state: quality_view(services, state))
