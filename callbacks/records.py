"""The Children waiting page's "Longest-waiting children" card (layouts/records.py): the
child-level list for the page's selection, loaded only when asked, or a short line saying who
may see it. Imports dash, pandas, charts, db, layouts, metrics and server only.

Nothing child-level is read, sent or audited until "Show the list" is pressed; a new selection
takes the list away again until it is asked for. Who may see the list is decided in the data
layer (db.records via `Store`), which refuses before reading a child's row; the card turns that
refusal into the line. The button is offered only to a caller the same rule
(`Caller.may_see_records`) lets see the scope's children. Every list sent is audited as a
`records_view` event naming the user, scope, quarter and row count, never a child. In public
mode and in board mode there are no child-level views, and the card says so. The same list on
the data API is server/records.py.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
from dash import Dash, Input, Output, ctx

from charts.query import from_state
from db.records import RecordsRefused
from layouts import ids
from layouts.records import COLUMNS, PAGE_SIZE, SHOW
from metrics.access import Caller
from metrics.scope import Geography
from server.auth import caller_of
from server.services import Services

REFUSED = ("Child-level lists are shown only to analysts granted every LA in the area, and to "
           "admins. Sign in as one to see them.")
PUBLIC = "Child-level lists are not shown on the public dashboard."
ON_THE_BOARD = "Child-level lists are not shown in board mode, whoever is presenting."
NONE_WAITING = "No children are waiting here at the quarter's end."


class RecordsView(NamedTuple):
    rows: list[dict]  # the grid's rows (layouts.records.COLUMNS), [] until asked
    message: str
    offer: bool  # the "Show the list" button is shown
    shown: bool  # the grid is shown


def grid_rows(rows: pd.DataFrame, geography: Geography) -> list[dict]:
    """The list as grid rows: each LA by its name (its code if the registry has no name),
    "Yes"/"No" for disability, empty cells (None) rather than NaN."""
    names = geography.agencies["name"]
    shown = rows.assign(
        la_name=rows["la_code"].map(names).fillna(rows["la_code"]),
        disability=rows["disability"].map({True: "Yes", False: "No"}),
    )[[field for field, _, _ in COLUMNS]].astype(object)
    return shown.where(shown.notna(), None).to_dict("records")


def shown_line(n: int, scope: str, quarter: str) -> str:
    children = "child" if n == 1 else "children"
    pages = f" {PAGE_SIZE} to a page; click a heading to sort." if n > PAGE_SIZE else ""
    return f"{n:,} {children} waiting in {scope} at the end of {quarter}, longest wait first.{pages}"


def records_view(services: Services, caller: Caller, state: object, asked: bool) -> RecordsView:
    """The card for the page's FILTER_STATE: until `asked`, the button (to a caller who may see
    the scope's children) and nothing child-level; when asked, the list the data layer lets
    `caller` see, audited, or the line saying who may."""
    if caller.public:
        return RecordsView([], PUBLIC, False, False)
    if caller.board:
        return RecordsView([], ON_THE_BOARD, False, False)
    if not isinstance(state, dict):
        return RecordsView([], "", False, False)
    geography = services.measures.geography()
    try:
        query = from_state("children_waiting", state, geography)
    except ValueError as exc:
        return RecordsView([], str(exc), False, False)
    scope, quarter = query.scope, str(query.quarter)
    name = geography.scope(scope).name
    if not asked:
        if not caller.may_see_records(scope, geography):
            return RecordsView([], REFUSED, False, False)
        return RecordsView([], f"Press \u201c{SHOW}\u201d to see the children waiting in {name} "
                           f"at the end of {quarter}, longest wait first.", True, False)
    try:
        rows = services.store.children_waiting_records(caller, geography, scope, query.quarter)
    except RecordsRefused:
        return RecordsView([], REFUSED, False, False)
    except ValueError as exc:
        return RecordsView([], str(exc), False, False)
    # Recorded before the list leaves, like an export: if it cannot be written, no list.
    services.store.record_event("records_view", caller.name, scope=scope, quarter=quarter,
                                detail=f"children_waiting records shown on the page: "
                                f"{len(rows)} rows")  # fmt: skip
    if not len(rows):
        return RecordsView([], NONE_WAITING, False, False)
    return RecordsView(grid_rows(rows, geography), shown_line(len(rows), name, quarter), False, True)


def register(app: Dash, services: Services) -> None:
    def update(clicks: int | None, state: object) -> tuple:
        # A new selection (or the page's first call) takes the list away until asked again.
        asked = ctx.triggered_id == ids.CHILDREN_WAITING_RECORDS_SHOW and bool(clicks)
        view = records_view(services, caller_of(services), state, asked)
        return view.rows, view.message, not view.offer, not view.shown

    app.callback(
        Output(ids.CHILDREN_WAITING_RECORDS_GRID, "rowData"),
        Output(ids.CHILDREN_WAITING_RECORDS_MESSAGE, "children"),
        Output(ids.CHILDREN_WAITING_RECORDS_ASK, "hidden"),
        Output(ids.CHILDREN_WAITING_RECORDS_AREA, "hidden"),
        Input(ids.CHILDREN_WAITING_RECORDS_SHOW, "n_clicks"),
        Input(ids.FILTER_STATE, "data"),
    )(update)
