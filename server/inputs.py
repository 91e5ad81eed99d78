"""The door every callback request passes before its handler runs (a before_request hook): the
shape of the request and the type and length of every value in it. Imports dash, flask,
layouts and server only.

`POST /_dash-update-component` carries, for one callback of the app's callback map, each
input's and state's component id, property and value. A browser only ever sends the values its
components hold (text, a number of clicks, the filter state's dictionary, a list of codes); a
crafted request may send anything. `check_request` checks the request against the callback's
declared inputs and each value against its kind in `KINDS` (by component id and property, or by
property alone), and `register` answers anything else with HTTP 400 and `{"error": "..."}`
before Dash or a handler sees it. What the values mean (a known quarter, scope, chart or
agency) is checked by each handler with the shared parsers (charts.query's `parse_args` for a
selection, `db.importer`'s for an upload's name), which put their message on the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from dash import Dash
from flask import Response, jsonify, request

from server.services import Services
from layouts import ids

CALLBACK_PATH = "/_dash-update-component"
MAX_TEXT = 1000  # characters in a value typed or chosen on a page
MAX_URL = 2000  # characters in a pathname or query string
MAX_FILE_NAME = 1024  # characters in an upload's name (db.importer shortens it to 255 bytes)
MAX_ITEMS = 50  # entries in a list value (compare codes) or a pattern-matching input
MAX_CLICKS = 2**31 - 1
MAX_STATE = 20  # keys in a dictionary value (the filter state, board mode's filters)


class Malformed(ValueError):
    """A callback request that is not what the dashboard's pages send; the message says what."""


@dataclass(frozen=True)
class Kind:
    """What a value may be: `check(value)` returns None when it is allowed, else why not."""

    name: str
    check: Callable[[Any], str | None]


def _text(limit: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            return "must be text"
        return f"is longer than {limit:,} characters" if len(value) > limit else None
    return check


def _pathname(value: Any) -> str | None:
    # Dash's pages router cannot place a path that is not under its prefix, "/".
    if value is not None and isinstance(value, str) and not value.startswith("/"):
        return "must be a path on this site (starting with /)"
    return _text(MAX_URL)(value)


def _clicks(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CLICKS:
        return "must be a number of clicks"
    return None


def _texts(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        return f"must be a list of at most {MAX_ITEMS} codes"
    if not all(isinstance(item, str) and len(item) <= MAX_TEXT for item in value):
        return "must be a list of codes (text)"
    return None


def _object(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > MAX_STATE:
        return "must be the page's selection (a dictionary)"
    return None


def _upload(value: Any) -> str | None:
    # Its size is bounded by the request's (MAX_CONTENT_LENGTH); the handler decodes it.
    return None if value is None or isinstance(value, str) else "must be a file as a data URL"


TEXT = Kind("text", _text(MAX_TEXT))
URL = Kind("URL", _text(MAX_URL))
PATHNAME = Kind("pathname", _pathname)
FILE_NAME = Kind("file name", _text(MAX_FILE_NAME))
CLICKS = Kind("clicks", _clicks)
CODES = Kind("list of codes", _texts)
SELECTION = Kind("selection", _object)
UPLOAD = Kind("upload", _upload)

# (component id, or a pattern-matching id's type; property) -> kind. Every input and state of
# every callback must be here or in BY_PROPERTY (tests/app/test_callback_fuzz.py checks it).
KINDS: dict[tuple[str, str], Kind] = {
    (ids.FILTER_STATE, "data"): SELECTION,
    (ids.FILTER_REGION, "value"): TEXT,
    (ids.FILTER_AGENCY, "value"): TEXT,
    (ids.FILTER_QUARTER, "value"): TEXT,
    (ids.FILTER_WINDOW, "value"): TEXT,
    (ids.FILTER_COMPARE, "value"): CODES,
    (ids.FILTER_ASKED_SCOPE, "data"): TEXT,
    (ids.BOARD_FILTERS, "data"): SELECTION,
    (ids.RETURNS_QUARTER, "value"): TEXT,
    (ids.LOAD_UPLOAD, "contents"): UPLOAD,
    (ids.LOAD_UPLOAD, "filename"): FILE_NAME,
    (ids.LOAD_AGENCY, "value"): TEXT,
    (ids.LOAD_QUARTER, "value"): TEXT,
    (ids.AUDIT_KIND, "value"): TEXT,
    (ids.AUDIT_USER, "value"): TEXT,
    (ids.AUDIT_SINCE, "value"): TEXT,
    (ids.NOTES_AREA, "value"): TEXT,
    (ids.NOTES_QUARTER, "value"): TEXT,
    (ids.NOTES_TEXT, "value"): TEXT,
}
BY_PROPERTY: dict[str, Kind] = {"n_clicks": CLICKS, "pathname": PATHNAME, "search": URL}


def kind_of(component: str, prop: str) -> Kind | None:
    """The kind of a callback input, by its declared id (a pattern id by its type)."""
    if component.startswith("{"):
        component = json.loads(component).get("type", component)
    return KINDS.get((component, prop)) or BY_PROPERTY.get(prop)


def _pattern(component: str) -> dict | None:
    return json.loads(component) if component.startswith("{") else None


def _check_id(given: Any, component: str, pattern: dict | None) -> None:
    if pattern is None:
        if given != component:
            raise Malformed(f"expected the component {component!r}")
        return
    if not isinstance(given, dict) or set(given) != set(pattern):
        raise Malformed(f"expected a component id like {component}")
    for key, wanted in pattern.items():
        value = given[key]
        if isinstance(wanted, list):  # a wildcard: the page's ids are short text
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise Malformed(f"the {key!r} of a {pattern.get('type')!r} id must be text")
        elif value != wanted:
            raise Malformed(f"expected a component id like {component}")


def _check_item(item: Any, component: str, prop: str, pattern: dict | None, with_value: bool) -> None:
    # An output allowed as a duplicate is named `property@hash`; Dash reads the property.
    if not isinstance(item, dict) or str(item.get("property")).split("@")[0] != prop:
        raise Malformed(f"expected {component}'s {prop}")
    _check_id(item.get("id"), component, pattern)
    if with_value:
        kind = kind_of(component, prop)
        why = kind.check(item.get("value")) if kind is not None else None
        if why:
            raise Malformed(f"{pattern.get('type') if pattern else component}.{prop} {why}")


def _is_many(pattern: dict | None) -> bool:
    """ALL and ALLSMALLER give a list of components; MATCH gives one."""
    return pattern is not None and any(v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values())


def _check_group(given: Any, component: str, prop: str, with_value: bool) -> None:
    pattern = _pattern(component)
    if _is_many(pattern):
        if not isinstance(given, list) or len(given) > MAX_ITEMS:
            raise Malformed(f"expected a list of {component}'s {prop}")
        for item in given:
            _check_item(item, component, prop, pattern, with_value)
    else:
        _check_item(given, component, prop, pattern, with_value)


def _declared_outputs(key: str) -> list[tuple[str, str]]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [tuple(part.split("@")[0].rsplit(".", 1)) for part in parts]  # type: ignore[misc]


def check_request(body: Any, callback_map: Mapping[str, dict]) -> None:
    """Malformed, with what is wrong, unless `body` is a request for one of the app's server
    callbacks whose every input, state and output is as declared and whose every value is of
    its kind."""
    if not isinstance(body, dict):
        raise Malformed("the request is not a callback request")
    key = body.get("output")
    spec = callback_map.get(key) if isinstance(key, str) else None
    if spec is None or not spec.get("callback"):
        raise Malformed("there is no such callback")
    for part, with_value in (("inputs", True), ("state", True)):
        given, declared = body.get(part, []), spec[part]
        if not isinstance(given, list) or len(given) != len(declared):
            raise Malformed(f"the callback takes {len(declared)} {part}")
        for item, wanted in zip(given, declared):
            _check_group(item, wanted["id"], wanted["property"], with_value)
    outputs, declared_outputs = body.get("outputs"), _declared_outputs(key)
    listed = outputs if key.startswith("..") else [outputs]
    if not key.startswith("..") and isinstance(outputs, list) and len(outputs) == 1 \
            and isinstance(outputs[0], dict):
        listed = outputs  # one output, listed (Dash takes that as well as the bare output)
    if not isinstance(listed, list) or len(listed) != len(declared_outputs):
        raise Malformed(f"the callback has {len(declared_outputs)} outputs")
    for item, (component, prop) in zip(listed, declared_outputs):
        _check_group(item, component, prop, False)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(_is_prop_id(c) for c in changed):
        raise Malformed("changedPropIds must be a list of component properties")


def _is_prop_id(text: Any) -> bool:
    """`id.property`, the id a pattern one's JSON (Dash parses it for `ctx.triggered_id`)."""
    if not isinstance(text, str) or len(text) > MAX_URL or "." not in text:
        return False
    component = text.rsplit(".", 1)[0]
    if not component.startswith("{"):
        return True
    try:
        return isinstance(json.loads(component), dict)
    except ValueError:
        return False


def refuse_malformed(callback_map: Mapping[str, dict]) -> tuple[Response, int] | None:
    if request.path != CALLBACK_PATH or request.method != "POST":
        return None
    try:
        check_request(request.get_json(silent=True), callback_map)
    except Malformed as exc:
        return jsonify(error=f"refused: {exc}"), 400
    return None


def register(app: Dash, services: Services) -> None:
    # After the sign-in gate (nobody gets 401 before being told their request is malformed).
    app.server.before_request(lambda: refuse_malformed(app.callback_map))
