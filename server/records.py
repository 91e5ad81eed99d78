"""Child-level records on the data API: `GET /api/v1/records/children_waiting`. Imports dash,
flask, werkzeug, charts (the selection's parser), db, metrics and server only.

Who may see the list is decided in the data layer (db.records via `Store`), which refuses
before reading a child's row; this endpoint turns that refusal into 403. The sign-in gate
(server/auth.py) lets it through for a signed-in session or an `Authorization: Bearer <token>`
and answers 401 otherwise. Every list handed out is audited as an `export` event naming the
user, scope, quarter, format and row count, never a child. In public mode there are no
child-level records: 404. The Children waiting page's card of the same list is
callbacks/records.py.
"""

from __future__ import annotations

from dash import Dash
from flask import Response, request
from werkzeug.datastructures import MultiDict

from charts.query import SCOPE_HELP, choice, quarter_value, required, single_values
from db.records import RecordsRefused
from metrics.access import Caller
from metrics.export import file_name
from metrics.quarters import Quarter
from server.api import database_errors_as_503, problem
from server.auth import caller_of
from server.renderers import ROW_FORMATS, Export, render
from server.services import Services

PATH = "/api/v1/records/children_waiting"
PARAMETERS = ("scope", "quarter", "format")


def parse_records_query(args: MultiDict[str, str], services: Services) -> tuple[str, Quarter, str]:
    """(scope code, quarter, format); ValueError with a message for the caller otherwise."""
    values = single_values(args, PARAMETERS)
    scope = services.measures.geography().scope(required(values, "scope", SCOPE_HELP))
    quarter = quarter_value("quarter", required(values, "quarter", "a quarter like '2024-25 Q3'"))
    return scope.code, quarter, choice("format", values.get("format") or "json", ROW_FORMATS)


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


def register(app: Dash, services: Services) -> None:
    app.server.add_url_rule(
        PATH, endpoint="api_records_children_waiting", methods=["GET"],
        view_func=database_errors_as_503(lambda: children_waiting_export(
            services, caller_of(services), request.args)),
    )
