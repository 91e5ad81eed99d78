"""Child-level records: `GET /api/v1/records/children_waiting` and the Children waiting page's
"Longest-waiting children" card.

Who may see the list is decided in the data layer (db.records via `Store`), which refuses
before reading a child's row; the endpoint turns that refusal into 403 and the card into a
short message. The sign-in gate (callbacks/auth.py) lets the API through for a signed-in session
or an `Authorization: Bearer <token>` and answers 401 otherwise. Every list handed out is
audited, naming the user, scope, quarter and row count, never a child: the endpoint writes an
`export` event (with the format), the card a `records_view` event. In public mode there are no
child-level views: the endpoint answers 404 and the card says so. Imports dash, its component
libraries, flask, config, db, metrics, layouts and callbacks only.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import Dash, Input, Output, html
from flask import Response, request
from werkzeug.datastructures import MultiDict

from server.api import (
    SCOPE_HELP, choice, database_errors_as_503, problem, quarter_value, required,
    single_values, state_query,
)
from server.auth import caller_of
from server.renderers import RENDERERS, Export, file_name, render
from server.services import Services
from db.records import RecordsRefused
from layouts import ids
from metrics.access import Caller
from metrics.quarters import Quarter

PATH = "/api/v1/records/children_waiting"
PARAMETERS = ("scope", "quarter", "format")
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


# ---------------------------------------------------------------- the API


def parse_records_query(args: MultiDict[str, str], services: Services) -> tuple[str, Quarter, str]:
    """(scope code, quarter, format); ValueError with a message for the caller otherwise."""
    values = single_values(args, PARAMETERS)
    scope = services.measures.geography().scope(required(values, "scope", SCOPE_HELP))
    quarter = quarter_value("quarter", required(values, "quarter", "a quarter like '2024-25 Q3'"))
    return scope.code, quarter, choice("format", values.get("format") or "json", tuple(RENDERERS))


def children_waiting_export(services: Services, caller: Caller,
                            args: MultiDict[str, str]) -> Response:
    """The list for a caller the sign-in gate let through (a session or a bearer token)."""
    if services.settings.public_mode:
        return problem("there are no child-level records on a public dashboard", 404)
    try:
        scope, quarter, format = parse_records_query(args, services)
    except ValueError as exc:
        return problem(str(exc), 400)
    try:
        rows = services.store.children_waiting_records(caller, services.measures.geography(),
                                                       scope, quarter)
    except RecordsRefused as exc:
        return problem(str(exc), 403)
    services.store.record_event("export", caller.name, scope=scope, quarter=str(quarter),
                                detail=f"children_waiting records as {format}, {len(rows)} rows")
    name = file_name("children_waiting_records", scope, str(quarter))
    return render(format, Export(rows, name, {"scope": scope, "quarter": str(quarter)}))


# ---------------------------------------------------------------- the page's card


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
        selection = state_query("children_waiting", state, services.measures.geography()).selection
        scope, quarter = selection.scope, selection.quarter
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
    app.server.add_url_rule(
        PATH, endpoint="api_records_children_waiting", methods=["GET"],
        view_func=database_errors_as_503(lambda: children_waiting_export(
            services, caller_of(services), request.args)),
    )
    app.callback(
        Output(ids.CHILDREN_WAITING_RECORDS, "children"),
        Input(ids.FILTER_STATE, "data"),
    )(lambda state: records_card(services, caller_of(services), state))
