"""The data API (contract v1): `GET /api/v1/measures` and `GET /api/v1/measures/<id>`.

Every parameter is checked against what is allowed (known measures, scopes and quarters, the
windows, breakdowns, statistics and formats there are); anything else gets HTTP 400 with a
message saying what is allowed, and no data. The rows are the disclosed measure frame the
dashboard draws for the caller (a signed-in session or a bearer token: callbacks/auth.py lets
nobody else through), rendered by callbacks.renderers. Imports dash, flask, werkzeug,
sqlalchemy's errors, config, db, metrics and callbacks only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any

import pandas as pd
from dash import Dash
from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict

from callbacks.auth import caller_of
from callbacks.renderers import RENDERERS, Export, file_name, json_response, render
from callbacks.services import Services
from db.measure_data import MeasureSource
from metrics.access import Caller
from metrics.disclosure import DisclosurePolicy
from metrics.engine import compute_shown
from metrics.export import export_rows
from metrics.published import base_code, comparator_rows, is_published, published_code
from metrics.quarters import Quarter, quarter_range
from metrics.registry import MEASURES, Measure
from metrics.scope import Geography, Scope
from metrics.selection import STATS, WINDOWS, Selection, quarters_needed

log = logging.getLogger(__name__)

PARAMETERS = ("scope", "quarter", "from", "window", "by", "stat", "compare", "format")
MAX_LENGTH = 100  # characters in one parameter (compare: MAX_COMPARE_LENGTH)
MAX_COMPARE_LENGTH = 400
MAX_COMPARE = 10  # scopes added by compare
MAX_SERIES = 40  # quarters in one series
MAX_ROW_SETS = 200  # scopes x quarters in one request, so that one request cannot hog a worker
# Quarters outside these hold no returns and some have no calendar dates (year 0).
EARLIEST, LATEST = Quarter(2000, 1), Quarter(2098, 4)
SCOPE_HELP = "an LA's 3-digit code, an RAA or VAA code, 'region:<Region name>' or 'england'"


@dataclass(frozen=True)
class MeasureQuery:
    """A checked request: the selection, its quarters (one, or a series) and its scopes (the
    selection's own first, then those it is compared with)."""

    selection: Selection
    quarters: tuple[Quarter, ...]
    scopes: tuple[str, ...]
    format: str

    @property
    def file_name(self) -> str:
        first, last = self.quarters[0], self.quarters[-1]
        period = [str(last)] if first == last else [str(first), "to", str(last)]
        return file_name(self.selection.measure, self.selection.scope, *period)


# ---------------------------------------------------------------- checking the request


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def single_values(args: MultiDict[str, str], allowed: tuple[str, ...] = PARAMETERS) -> dict[str, str]:
    """Each known parameter once, length-limited, stripped; anything else is refused."""
    values: dict[str, str] = {}
    for name in args:
        if name not in allowed:
            raise ValueError(f"unknown parameter {_shown(name)}; allowed: {', '.join(allowed)}")
        given = args.getlist(name)
        if len(given) > 1:
            raise ValueError(f"give {name} once, not {len(given)} times")
        limit = MAX_COMPARE_LENGTH if name == "compare" else MAX_LENGTH
        if len(given[0]) > limit:
            raise ValueError(f"{name} is too long (at most {limit} characters)")
        values[name] = given[0].strip()
    return values


def required(values: Mapping[str, str], name: str, help: str) -> str:
    if not values.get(name):
        raise ValueError(f"{name} is required: {help}")
    return values[name]


def known_measure(measure_id: str) -> Measure:
    if measure_id not in MEASURES:
        raise ValueError(f"unknown measure {_shown(measure_id)}; GET /api/v1/measures lists them")
    return MEASURES[measure_id]


def choice(name: str, text: str, allowed: tuple[str, ...]) -> str:
    if text not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {_shown(text)}")
    return text


def quarter_value(name: str, text: str) -> Quarter:
    try:
        quarter = Quarter.parse(text)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    if not EARLIEST <= quarter <= LATEST:
        raise ValueError(f"{name} must be between {EARLIEST} and {LATEST}")
    return quarter


def series_quarters(first_text: str, last: Quarter) -> tuple[Quarter, ...]:
    if not first_text:
        return (last,)
    first = quarter_value("from", first_text)
    if first > last:
        raise ValueError(f"from ({first}) must not be after quarter ({last})")
    if last.index - first.index + 1 > MAX_SERIES:
        raise ValueError(f"a series covers at most {MAX_SERIES} quarters; from {first} to "
                         f"{last} is {last.index - first.index + 1}")
    return tuple(quarter_range(first, last))


def compared_scope(item: str, scope: Scope, geography: Geography) -> Scope:
    """`region` (the scope's own region), `england`, an agency code or `region:<name>`."""
    if item.lower() != "region":
        try:
            return geography.scope(item)
        except ValueError as exc:
            raise ValueError(f"compare: {exc}") from None
    region = geography.region_of(scope)
    if region is None:
        raise ValueError("compare=region needs a scope inside a region; England has none")
    return region


def compared_code(item: str, scope: Scope, geography: Geography) -> str:
    """A compare entry's code: a scope's, or `<scope>-published` for its published figures
    (`england-published`, `region-published`, `region:<name>-published`, `<LA code>-published`)."""
    if not is_published(item):
        return compared_scope(item, scope, geography).code
    return published_code(compared_scope(base_code(item), scope, geography).code)


def compared_scopes(text: str, scope: Scope, geography: Geography) -> tuple[str, ...]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    if len(items) > MAX_COMPARE:
        raise ValueError(f"compare takes at most {MAX_COMPARE} scopes, not {len(items)}")
    codes = [scope.code]
    for item in items:
        code = compared_code(item, scope, geography)
        if code not in codes:
            codes.append(code)
    return tuple(codes)


def parse_query(measure_id: str, args: MultiDict[str, str], geography: Geography) -> MeasureQuery:
    """The request as a MeasureQuery; ValueError with a message for the caller otherwise."""
    values = single_values(args)
    measure = known_measure(measure_id)
    scope = geography.scope(required(values, "scope", SCOPE_HELP))
    quarter = quarter_value("quarter", required(values, "quarter", "a quarter like '2024-25 Q3'"))
    window = choice("window", values.get("window") or "1", tuple(map(str, WINDOWS)))
    selection = Selection(
        measure.id, scope.code, quarter, window=int(window), breakdown=values.get("by") or None,
        stat=choice("stat", values.get("stat") or "mean", STATS),
    )
    selection.check()  # the breakdown must be one this measure has
    quarters = series_quarters(values.get("from", ""), quarter)
    scopes = compared_scopes(values.get("compare", ""), scope, geography)
    if len(quarters) * len(scopes) > MAX_ROW_SETS:
        raise ValueError(f"{len(scopes)} scopes over {len(quarters)} quarters is too much for one "
                         f"request (at most {MAX_ROW_SETS} scope-quarters); ask in parts")
    return MeasureQuery(selection, quarters, scopes,
                        choice("format", values.get("format") or "json", tuple(RENDERERS)))


def state_query(measure_id: str, state: object, geography: Geography) -> MeasureQuery:
    """A page's FILTER_STATE (`{scope, quarter, window, compare}`, from the filter bar or board
    mode) checked by `parse_query`, the one parser of a selection: a page asks for nothing the
    data API would refuse (an unknown scope, a quarter out of range, a made-up window).
    ValueError with a message for the user otherwise."""
    if not isinstance(state, dict):
        raise ValueError("no selection yet")
    params: MultiDict[str, str] = MultiDict()
    for name in ("scope", "quarter", "window"):
        value = state.get(name)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"the selection's {name} is missing; choose it again above")
        params[name] = str(value)
    compare = state.get("compare") or []
    if not isinstance(compare, list) or not all(isinstance(c, str) for c in compare):
        raise ValueError("the selection's compare-with list is not a list of areas")
    if compare:
        params["compare"] = ",".join(compare)
    return parse_query(measure_id, params, geography)


# ---------------------------------------------------------------- answering it


def record_export(services: Services, kind: str, scope: str, quarter: str, detail: str) -> None:
    """One audit event for figures leaving the dashboard (a download, a board pack, a data API
    answer), by the current caller. Written before the answer goes out, so an export whose event
    cannot be written is not sent."""
    services.store.record_event(kind, caller_of(services).name, scope=scope,
                                quarter=quarter, detail=detail)  # fmt: skip


def query_frame(query: MeasureQuery, source: MeasureSource, caller: Caller,
                policy: DisclosurePolicy) -> pd.DataFrame:
    """Every scope's rows for every quarter, disclosed together as the dashboard shows them;
    published comparators (public figures, as published) in their place among them."""
    computed = [s for s in query.scopes if not is_published(s)]
    selections = [replace(query.selection, scope=s, quarter=q) for s in computed for q in query.quarters]
    data, geography = source.data_for(quarters_needed(selections)), source.geography()
    shown = compute_shown(selections, data, geography, caller, policy)
    if len(computed) == len(query.scopes):
        return shown
    return with_published(shown, query.scopes, query.selection, query.quarters, source, geography)


def with_published(shown: pd.DataFrame, scopes: Sequence[str], selection: Selection,
                   quarters: Sequence[Quarter], source: MeasureSource,
                   geography: Geography) -> pd.DataFrame:
    """`shown`'s rows with each `<scope>-published` code's rows in its place in `scopes` (their
    `period`, the year published, beside them for the charts; the API's fields leave it out)."""
    figures = source.published(selection.measure)
    measure = MEASURES[selection.measure]
    pieces = []
    for code in scopes:
        if not is_published(code):
            pieces.append(shown[shown["scope"] == code])
            continue
        scope = geography.scope(base_code(code))
        pieces.append(comparator_rows(figures, code, scope.name, scope.kind, quarters,
                                      selection.window, selection.breakdown,
                                      measure.value_type))
    return pd.concat([p for p in pieces if len(p)] or [shown.iloc[0:0]], ignore_index=True)


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
        query = parse_query(measure_id, args, services.measures.geography())
    except ValueError as exc:
        return problem(str(exc), 400)
    frame = query_frame(query, services.measures, caller_of(services), services.policy)
    heading = {"measure": measure_summary(MEASURES[query.selection.measure])}
    response = render(query.format, Export(export_rows(frame), query.file_name, heading))
    s = query.selection
    record_export(services, "export", s.scope, str(s.quarter),
                  f"{s.measure} {query.format} from the data API: {query.file_name}")
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
    # Dash serves its page for every other GET path; under /api/ a script gets a 404 instead.
    for rule in ("/api", "/api/", "/api/<path:path>"):
        server.add_url_rule(rule, endpoint=f"api_unknown{rule}", view_func=unknown_path,
                            methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
