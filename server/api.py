"""The data API (contract v1): `GET /api/v1/measures`, `GET /api/v1/measures/<id>` and every
chart's files, `GET /api/v1/charts/<id>`.

Every parameter is checked against what is allowed (charts.query, the one parser of a
selection: known measures, scopes and quarters, the windows, breakdowns, statistics and formats
there are); anything else gets HTTP 400 with a message saying what is allowed, and no data. The
rows are the disclosed frame the dashboard draws for the caller (a signed-in session or a
bearer token: server/auth.py lets nobody else through), built by charts.frames and rendered by
server/renderers.py. A chart's address takes the page's selection (scope, quarter, window,
compare) and answers with the chart's own file: its header block above the rows of its data API
queries, or its picture. Imports dash, flask, werkzeug, sqlalchemy's errors, charts, metrics and
server only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from dash import Dash
from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict

from charts import CHARTS
from charts.frames import rows
from charts.query import Query, choice, parse_args, single_values
from charts.view import ChartView, view
from metrics.selection import STATS
from metrics.export import export_rows, file_name
from metrics.registry import MEASURES, Measure
from server.auth import caller_of
from server.exports import record_export
from server.images import NoBrowser, chart_picture
from server.renderers import RENDERERS, ROW_FORMATS, Export, json_response, render
from server.services import Services

log = logging.getLogger(__name__)

CHART_PARAMETERS = ("scope", "quarter", "window", "compare", "format")


def query_file_name(query: Query) -> str:
    first, last = query.quarters[0], query.quarters[-1]
    period = [str(last)] if first == last else [str(first), "to", str(last)]
    return file_name(query.measure, query.scope, *period)


# ---------------------------------------------------------------- answering it


def measure_summary(measure: Measure) -> dict[str, Any]:
    return {"id": measure.id, "title": measure.title, "unit": measure.unit, "kind": measure.kind,
            "definition": measure.definition}


def list_measures(args: MultiDict[str, str]) -> Response:
    if args:
        return problem("GET /api/v1/measures takes no parameters", 400)
    return json_response([
        {**measure_summary(m), "breakdowns": list(m.breakdowns),
         "stats": list(STATS) if m.averages else [], "published": m.published or None}
        for m in MEASURES.values()
    ])


def measure_rows(services: Services, measure_id: str, args: MultiDict[str, str]) -> Response:
    try:
        query = parse_args(measure_id, args, services.measures.geography(), ROW_FORMATS)
    except ValueError as exc:
        return problem(str(exc), 400)
    frame = rows(query, services.measures, caller_of(services), services.policy)
    heading = {"measure": measure_summary(MEASURES[query.measure])}
    name = query_file_name(query)
    response = render(query.format, Export(export_rows(frame), name, heading))
    record_export(services, "export", query.scope, str(query.quarter),
                  f"{query.measure} {query.format} from the data API: {name}")
    return response


def chart_export(services: Services, chart: ChartView, format: str) -> Export:
    """A chart's file: its header block above its queries' rows (each named by its measure
    when there are several), or its picture with the title and caption inside."""
    out = chart.file_rows()
    geography = services.measures.geography()
    if format in ("png", "svg"):
        return Export(out, chart.image_stem,
                      picture=lambda f: chart_picture(services, chart, f))
    heading = {"chart": {"id": chart.chart.id, "title": chart.title, "caption": chart.caption}}
    return Export(out, chart.file_stem, heading, chart.header_block(geography, services.policy))


def chart_file(services: Services, chart_id: str, args: MultiDict[str, str]) -> Response:
    """`GET /api/v1/charts/<id>?scope=…&quarter=…&window=…&compare=…&format=csv`: the chart's
    file for that selection (csv, xlsx, png, svg; json: its rows with its title and caption)."""
    chart = CHARTS.get(chart_id)
    if chart is None:
        return problem("there is no such chart; the chart pages' cards link to theirs", 404)
    try:
        values = single_values(args, CHART_PARAMETERS)
        format = choice("format", values.pop("format", "") or "csv", tuple(RENDERERS))
        query = parse_args(chart.measure, values, services.measures.geography())
        shown = view(chart, query.state, services.measures, caller_of(services), services.policy)
    except ValueError as exc:
        return problem(str(exc), 400)
    export = chart_export(services, shown, format)
    try:
        response = render(format, export)
    except NoBrowser as exc:
        return problem(str(exc), 503)
    record_export(services, "export", query.scope, str(query.quarter),
                  f"{chart.id} {format}: {export.name}")
    return response


def problem(message: str, status: int) -> Response:
    return json_response({"error": message}, status)


def unknown_path(path: str = "") -> Response:
    """Any other address under /api/: a JSON 404 for scripts, never the dashboard's page."""
    return problem("there is no such data API address; GET /api/v1/measures lists the measures "
                   "(docs/api.md)", 404)


def database_errors_as_503(view: Callable[..., Response]) -> Callable[..., Response]:
    """A database that cannot be reached is the server's problem, said without its details."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except SQLAlchemyError:
            log.exception("data API: database error")
            return problem("the database cannot be reached; try again later", 503)

    return guarded


def register(app: Dash, services: Services) -> None:
    server = app.server
    server.add_url_rule(
        "/api/v1/measures", endpoint="api_measures", methods=["GET"],
        view_func=lambda: list_measures(request.args),
    )
    server.add_url_rule(
        "/api/v1/measures/<measure_id>", endpoint="api_measure", methods=["GET"],
        view_func=database_errors_as_503(lambda measure_id: measure_rows(services, measure_id, request.args)),
    )
    server.add_url_rule(
        "/api/v1/charts/<chart_id>", endpoint="api_chart", methods=["GET"],
        view_func=database_errors_as_503(lambda chart_id: chart_file(services, chart_id, request.args)),
    )
    # Dash serves its page for every other GET path; under /api/ a script gets a 404 instead.
    for rule in ("/api", "/api/", "/api/<path:path>"):
        server.add_url_rule(rule, endpoint=f"api_unknown{rule}", view_func=unknown_path,
                            methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
