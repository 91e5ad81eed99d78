"""The Children waiting page's "Longest-waiting children" card: the child-level list for the
page's selection, or a short message saying who may see it. Imports dash, its component
libraries, pandas, charts, db, layouts, metrics and server only.

Who may see the list is decided in the data layer (db.records via `Store`), which refuses
before reading a child's row; the card turns that refusal into the message. Every list shown is
audited as a `records_view` event naming the user, scope, quarter and row count, never a child.
In public mode and in board mode there are no child-level views, and the card says so. The
same list on the data API is server/records.py.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, html

from charts.query import from_state
from db.records import RecordsRefused
from layouts import ids
from metrics.access import Caller
from server.auth import caller_of
from server.services import Services

TITLE = "Longest-waiting children"
REFUSED = ("Child-level lists are shown only to analysts granted every LA in the area, and to "
           "admins. Sign in as one to see them.")
PUBLIC = "Child-level lists are not shown on the public dashboard."
ON_THE_BOARD = "Child-level lists are not shown in board mode, whoever is presenting."
# column -> header on the page, in the contract's order.
HEADERS = {
    "child_id": "Child ID", "la_code": "LA", "age": "Age", "sex": "Sex",
    "ethnic_group": "Ethnic group", "sibling_group_id": "Sibling group", "disability": "Disabled",
    "placement_order_date": "Placement order", "matched_date": "Matched",
    "days_waiting": "Days waiting",
}  # fmt: skip


def records_table(rows: pd.DataFrame) -> dbc.Table:
    shown = rows.assign(disability=rows["disability"].map({True: "Yes", False: "No"}))
    return dbc.Table.from_dataframe(shown.rename(columns=HEADERS).fillna(""), striped=True,
                                    bordered=False, hover=True, size="sm", responsive=True)


def records_card(services: Services, caller: Caller, state: object) -> list:
    """The card for the page's FILTER_STATE: the list when the data layer lets `caller` see the
    scope's children, otherwise the message saying who may."""
    if not isinstance(state, dict):
        return []
    try:
        query = from_state("children_waiting", state, services.measures.geography())
        scope, quarter = query.scope, query.quarter
        rows = services.store.children_waiting_records(caller, services.measures.geography(),
                                                       scope, quarter)
    except RecordsRefused:
        why = PUBLIC if caller.public else ON_THE_BOARD if caller.board else REFUSED
        body = html.P(why, className="mb-0")
    except ValueError as exc:
        body = dbc.Alert(str(exc), color="warning", className="mb-0")
    else:
        # Recorded before the list leaves, like an export: if it cannot be written, no list.
        services.store.record_event("records_view", caller.name, scope=scope, quarter=str(quarter),
                                    detail=f"children_waiting records shown on the page: "
                                    f"{len(rows)} rows")  # fmt: skip
        body = (records_table(rows) if len(rows)
                else html.P("No children are waiting here at the quarter's end.", className="mb-0"))
    return [dbc.Card(dbc.CardBody([html.H2(TITLE, className="h5"), body]))]


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(ids.CHILDREN_WAITING_RECORDS, "children"),
        Input(ids.FILTER_STATE, "data"),
    )(lambda state: records_card(services, caller_of(services), state))
