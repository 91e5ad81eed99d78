"""Handlers of the "Returns loaded" page: quarter filter -> store -> grid, count line, URL.
Imports dash, pandas, db, metrics, layouts and server only.

`show_returns` is a plain function of the store and the chosen quarter, so tests call it
directly; `register` wires it to the page's components.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote, urlencode

import pandas as pd
from dash import Dash, Input, Output

from server.services import Services
from db.queries import Store
from layouts import ids
from layouts.returns import ALL, COLUMNS, MAX_PARAM_LENGTH, quarter_options
from metrics.quarters import Quarter


class ReturnsView(NamedTuple):
    options: list[dict]
    rows: list[dict]
    count: str
    message: str
    search: str


def grid_rows(frame: pd.DataFrame) -> list[dict]:
    """The frame as grid rows: the columns the page shows, plus the row id (a string, as the
    grid wants)."""
    shown = frame[["return_id", *(field for field, _, _ in COLUMNS)]]
    return shown.assign(
        return_id=shown["return_id"].astype(str),
        loaded_at=shown["loaded_at"].dt.strftime("%Y-%m-%d %H:%M"),
    ).to_dict("records")


def count_line(n: int, quarter: str) -> str:
    noun = "return" if n == 1 else "returns"
    return f"{n:,} {noun} loaded" + (f" for {quarter}." if quarter else ".")


def show_returns(store: Store, quarter: str | None) -> ReturnsView:
    """What the page shows for a quarter (ALL, "" or None: every quarter)."""
    quarter = str(quarter or "").strip()[:MAX_PARAM_LENGTH]  # a crafted request may send anything
    known = store.quarters()
    if quarter in ("", ALL):
        frame = store.list_returns()
        return ReturnsView(quarter_options(known), grid_rows(frame), count_line(len(frame), ""),
                           "", "")
    search = "?" + urlencode({"quarter": quarter}, quote_via=quote)
    # An unknown value stays selected (the select would otherwise show another quarter's
    # name over an empty table) and the message says what went wrong.
    options = quarter_options(known if quarter in known else [*known, quarter])
    try:
        wanted = Quarter.parse(quarter)
    except ValueError as exc:
        return ReturnsView(options, [], "", str(exc), search)
    frame = store.list_returns(wanted)
    message = "" if len(frame) else f"No returns are loaded for {wanted}."
    return ReturnsView(options, grid_rows(frame), count_line(len(frame), str(wanted)), message,
                       search)


def register(app: Dash, services: Services) -> None:
    store = services.store

    def update(quarter: str | None) -> ReturnsView:
        return show_returns(store, quarter)

    app.callback(
        Output(ids.RETURNS_QUARTER, "options"),
        Output(ids.RETURNS_GRID, "rowData"),
        Output(ids.RETURNS_COUNT, "children"),
        Output(ids.RETURNS_MESSAGE, "children"),
        Output(ids.RETURNS_URL, "search"),
        Input(ids.RETURNS_QUARTER, "value"),
    )(update)
