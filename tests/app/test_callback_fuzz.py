"""Every registered callback, posted malformed inputs through `/_dash-update-component` as each
kind of caller, never answers HTTP 500.

The callbacks are read from the app's own callback map, so a new callback is driven without
being listed here; `HINTS` only adds values worth trying for inputs it knows (quarters out of
range, made-up chart ids, over-long or NUL file names, uploads that are not data URLs) to the
junk every input gets. Each callback must also be seen to run its handler (an answer of 200 or
204) at least once, so a callback Dash refuses before its handler is not counted as covered.
Requests are built as Dash's renderer builds them, with pattern-matching ids made concrete.
Chart images are not drawn (the browser is stubbed out): what is under test is the checking of
the inputs, not Chromium.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from dash import Dash
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import sessionmaker

from app import create_app
from server import images, inputs
from charts import CHARTS
from config import Settings
from db.engine import engine_for
from layouts import ids
from tests.accounts import signed_in_client
from tests.builders import valid_return
from tests.conftest import fresh_database
from tests.measures_dataset import load_dataset

OWN = "http://localhost"
UPLOAD_LIMIT = 200_000  # bytes: room for a real return, small enough to keep requests quick
EXAMPLES = 40  # per callback: some 20 callbacks, most requests a few milliseconds
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---------------------------------------------------------------- values

scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30))
junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6)

QUARTERS = ["2024-25 Q3", "2024-25 Q1", "1900-01 Q1", "2999-00 Q9", "0000-01 Q1", "9999-00 Q4",
            "2098-99 Q4", "2099-00 Q1", "2024-25 Q5", "2024-26 Q1", "", " ", "all", "Q3"]
SCOPES = ["england", "AC2C", "942", "840", "AMAT", "region:North West", "region:Nowhere",
          "region:", "ZZZ", "", "../etc", "ENGLAND", "a" * 500]
WINDOWS = [1, 4, 12, "4", 0, 3, -1, 2.5, None, "", 10**30]
quarters = st.sampled_from(QUARTERS) | st.text(max_size=12)
scopes = st.sampled_from(SCOPES) | st.text(max_size=12)
chart_ids = st.sampled_from(sorted(CHARTS)) | st.sampled_from(["made-up", "", "__proto__"]) | st.text(max_size=10)
clicks = st.sampled_from([None, 0, 1, 2, -1, 10**20, "1", "", True]) | junk


@st.composite
def filter_states(draw) -> object:
    state = draw(st.fixed_dictionaries(
        {"scope": scopes | junk, "quarter": quarters | junk, "window": st.sampled_from(WINDOWS) | junk,
         "compare": st.lists(scopes | junk, max_size=12) | junk},
        optional={"present": junk, "extra": junk}))
    return draw(st.sampled_from([state, state, state, None, [], "england", 7, {}]))


def data_url(body: bytes, media: str = "application/octet-stream") -> str:
    return f"data:{media};base64," + base64.b64encode(body).decode("ascii")


def upload_contents(valid_file: bytes) -> st.SearchStrategy:
    return (st.sampled_from([data_url(valid_file), data_url(b"PK\x03\x04rest"), data_url(b""),
                             "data:;base64,!!!not base64!!!", "data:;base64", "no comma here",
                             "data:text/plain,plain text", data_url(b"x" * (UPLOAD_LIMIT + 10)),
                             "", None])
            | st.binary(max_size=40).map(data_url) | junk)


FILE_NAMES = ["return.xlsx", "a" * 300 + ".xlsx", "é" * 200 + ".xlsx", "a\x00.xlsx", "\x00",
              "../../etc/passwd", "..\\..\\windows\\return.xlsx", "C:\\fakepath\\return.xlsx",
              "/tmp/return.xlsx", "..", ".", "", " ", "CON", "re\nturn.zip", "return.xlsm", None]
file_names = st.sampled_from(FILE_NAMES) | st.text(max_size=300)

# (component id or pattern type, property) -> values worth trying besides junk.
HINTS: dict[tuple[str, str], st.SearchStrategy] = {
    (ids.FILTER_STATE, "data"): filter_states(),
    (ids.FILTER_REGION, "value"): st.sampled_from(["england", "North West", "Nowhere", ""]),
    (ids.FILTER_AGENCY, "value"): scopes,
    (ids.FILTER_QUARTER, "value"): quarters,
    (ids.FILTER_WINDOW, "value"): st.sampled_from(WINDOWS),
    (ids.FILTER_COMPARE, "value"): st.lists(scopes, max_size=12),
    (ids.RETURNS_QUARTER, "value"): quarters,
    (ids.LOAD_UPLOAD, "filename"): file_names,
    (ids.LOAD_AGENCY, "value"): scopes,
    (ids.LOAD_QUARTER, "value"): quarters,
    (ids.LOAD_URL, "pathname"): st.sampled_from(["/load", "/", ""]),
    (ids.AUDIT_KIND, "value"): st.sampled_from(["all", "load", "export", "nope", ""]),
    (ids.AUDIT_USER, "value"): st.text(max_size=300),
    (ids.AUDIT_SINCE, "value"): st.sampled_from(["2024-01-31", "2024-02-30", "0000-00-00",
                                                 "9999-12-31", "yesterday", ""]),
    ("_pages_location", "pathname"): st.sampled_from(["/", "/load", "/nowhere", "//x", ""]),
    ("_pages_location", "search"): st.sampled_from(["", "?scope=england&quarter=1900-01 Q1",
                                                    "?present=1&window=99", "?%ff"]),
    (ids.BOARD_FILTERS, "data"): st.fixed_dictionaries(
        {"region": scopes | junk, "agency": scopes | junk, "quarter": quarters | junk,
         "window": st.sampled_from(WINDOWS) | junk, "compare": st.lists(scopes) | junk}),
}
PATTERN_KEYS: dict[str, st.SearchStrategy] = {"chart": chart_ids}


def value_for(component: str, prop: str, valid_file: bytes, typed: bool) -> st.SearchStrategy:
    """Values for an input: of the kind a page sends (`typed`, so the request gets past the type
    checks to the handler's own) or anything at all."""
    if (component, prop) == (ids.LOAD_UPLOAD, "contents"):
        hint = upload_contents(valid_file)
    elif prop == "n_clicks":
        hint = st.integers(min_value=0, max_value=5) if typed else clicks
    else:
        hint = HINTS.get((component, prop), junk)
    return hint if typed else hint | junk


# ---------------------------------------------------------------- requests


def is_pattern(component: str) -> bool:
    return component.startswith("{")


def concrete_id(pattern: dict, draw, typed: bool) -> dict:
    """A pattern id with each wildcard given a value (a chart id, a made-up one, junk)."""
    def wildcard(key: str) -> object:
        values = PATTERN_KEYS.get(key, st.text(max_size=10))
        return draw(values if typed else values | junk)
    return {key: wildcard(key) if isinstance(value, list) else value for key, value in pattern.items()}


def output_specs(key: str) -> list[tuple[str, str]]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [tuple(part.split("@")[0].rsplit(".", 1)) for part in parts]  # type: ignore[misc]


def callback_body(key: str, spec: dict, draw, valid_file: bytes) -> dict:
    """The JSON Dash's renderer would post for this callback, with drawn values."""
    match: dict = {}  # MATCH's wildcard values, shared by the request's inputs and outputs
    typed = draw(st.booleans())

    def item(component: str, prop: str, wanted_id=None) -> dict:
        return {"id": component if wanted_id is None else wanted_id, "property": prop}

    def one(component: str, prop: str, with_value: bool):
        if not is_pattern(component):
            found = item(component, prop)
            if with_value:
                found["value"] = draw(value_for(component, prop, valid_file, typed))
            return found
        pattern = json.loads(component)
        kind = pattern.get("type", "")
        wildcards = [k for k, v in pattern.items() if isinstance(v, list)]
        if any(pattern[k] == ["MATCH"] for k in wildcards):
            if not match:
                match.update(concrete_id(pattern, draw, typed))
            concrete = {**pattern, **{k: match.get(k) for k in wildcards}}
            found = item(component, prop, concrete)
            if with_value:
                found["value"] = draw(value_for(kind, prop, valid_file, typed))
            return found
        many = []  # ALL: any number of components, each with its own id
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            found = item(component, prop, concrete_id(pattern, draw, typed))
            if with_value:
                found["value"] = draw(value_for(kind, prop, valid_file, typed))
            many.append(found)
        return many

    inputs = [one(i["id"], i["property"], True) for i in spec["inputs"]]
    state = [one(s["id"], s["property"], True) for s in spec["state"]]
    outputs = [one(c, p, False) for c, p in output_specs(key)]
    flat = [x for group in inputs for x in (group if isinstance(group, list) else [group])]
    changed = draw(st.sampled_from([*flat, None])) if flat else None
    changed_ids = [] if changed is None else [
        (json.dumps(changed["id"], sort_keys=True, separators=(",", ":"))
         if isinstance(changed["id"], dict) else changed["id"]) + "." + changed["property"]]
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": inputs, "state": state, "changedPropIds": changed_ids}


def server_callbacks(app: Dash) -> list[str]:
    """Every callback the server runs (clientside ones have no Python to drive)."""
    return sorted(key for key, spec in app.callback_map.items() if spec.get("callback"))


# ---------------------------------------------------------------- the apps


@dataclass
class Fuzzed:
    app: Dash
    clients: dict[str, FlaskClient]
    valid_file: bytes
    ran: dict[str, int] = field(default_factory=lambda: defaultdict(int))


@pytest.fixture(scope="module")
def fuzzed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """The hand-checked dataset on SQLite, an app on it signed in as each role, and the same
    database served in public mode."""
    folder = tmp_path_factory.mktemp("fuzz")
    with fresh_database(request, folder, "sqlite", "fuzz") as url, pytest.MonkeyPatch.context() as patch:
        load_dataset(sessionmaker(engine_for(url), expire_on_commit=False), folder / "files")
        patch.setattr(images, "render", lambda figures, format, size, browser_path="": [b"image"] * len(figures))
        app = create_app(Settings(database_url=url, secret_key="test", upload_max_bytes=UPLOAD_LIMIT))
        public = create_app(Settings(database_url=url, secret_key="test", public_mode=True,
                                     upload_max_bytes=UPLOAD_LIMIT))
        clients = {
            "viewer": signed_in_client(app, "vic", "viewer"),
            "analyst": signed_in_client(app, "ann", "analyst", ["AC2C"]),
            "admin": signed_in_client(app, "ada", "admin"),
            "public": public.server.test_client(),
        }
        path = valid_return(quarter="2024-25 Q2").write_xlsx(folder / "return.xlsx")
        yield Fuzzed(app, clients, Path(path).read_bytes())


def fuzz(fuzzed: Fuzzed, key: str) -> None:
    """Post the callback `EXAMPLES` drawn requests, each as a drawn caller."""
    spec = fuzzed.app.callback_map[key]

    @FUZZ
    @given(data=st.data(), role=st.sampled_from(sorted(fuzzed.clients)))
    def post(data, role: str) -> None:
        body = callback_body(key, spec, data.draw, fuzzed.valid_file)
        response = fuzzed.clients[role].post("/_dash-update-component", json=body,
                                             headers={"Origin": OWN})
        assert response.status_code != 500, f"500 as {role} for {json.dumps(body, default=str)[:1500]}"
        if response.status_code in (200, 204):
            fuzzed.ran[key] += 1

    post()


def test_every_callback_answers_malformed_inputs_without_a_500(fuzzed: Fuzzed) -> None:
    keys = server_callbacks(fuzzed.app)
    assert len(keys) >= 15, keys  # the map is read after the app registered its callbacks
    failures = []
    for key in keys:  # every callback, so one report names all that fail
        try:
            fuzz(fuzzed, key)
        except AssertionError as exc:
            failures.append(f"{key}: {exc}")
    assert not failures, "\n\n".join(failures)
    not_run = [key for key in keys if not fuzzed.ran[key]]
    assert not not_run, f"callbacks whose handler never ran under the fuzz: {not_run}"


def test_the_hints_name_components_that_exist(fuzzed: Fuzzed) -> None:
    """A renamed component would quietly lose its hints: every hinted one is some callback's
    input or state."""
    used = set()
    for spec in fuzzed.app.callback_map.values():
        for item in (*spec["inputs"], *spec["state"]):
            component = item["id"]
            if is_pattern(component):
                component = json.loads(component).get("type", component)
            used.add((component, item["property"]))
    assert set(HINTS) <= used, set(HINTS) - used


def test_every_callback_input_has_a_declared_kind(fuzzed: Fuzzed) -> None:
    """A new callback's inputs must be given a kind in server/inputs.py, or the door would
    let any value through to its handler."""
    missing = [(key, item["id"], item["property"])
               for key in server_callbacks(fuzzed.app)
               for item in (*fuzzed.app.callback_map[key]["inputs"], *fuzzed.app.callback_map[key]["state"])
               if inputs.kind_of(item["id"], item["property"]) is None]
    assert not missing, missing


# ---------------------------------------------------------------- the requests reported


def request_for(app: Dash, output: str, values: dict[str, object], chart: str = "") -> dict:
    """The renderer's request for the callback whose key contains `output`, with `values` by
    "id.property" (a pattern id by its type) and None for the rest; `chart` fills MATCH."""
    key = next(k for k in server_callbacks(app) if output in k)
    spec = app.callback_map[key]

    def item(component: str, prop: str, with_value: bool) -> dict:
        pattern = json.loads(component) if is_pattern(component) else None
        name = pattern["type"] if pattern else component
        found = {"id": {**pattern, "chart": chart} if pattern else component, "property": prop}
        if with_value:
            found["value"] = values.get(f"{name}.{prop}")
        return found

    ins = [item(i["id"], i["property"], True) for i in spec["inputs"]]
    outs = [item(c, p, False) for c, p in output_specs(key)]
    changed = [f"{json.dumps(ins[0]['id'], sort_keys=True, separators=(',', ':')) if chart else ins[0]['id']}"
               f".{ins[0]['property']}"]
    return {"output": key, "outputs": outs if key.startswith("..") else outs[0], "inputs": ins,
            "state": [item(s["id"], s["property"], True) for s in spec["state"]],
            "changedPropIds": changed}


STATE_1900 = {"scope": "england", "quarter": "1900-01 Q1", "window": 4, "compare": []}
STATE_Q9 = {"scope": "england", "quarter": "2999-00 Q9", "window": 4, "compare": []}
UPLOAD = f"{ids.LOAD_UPLOAD}.contents"
NAME = f"{ids.LOAD_UPLOAD}.filename"
REPORTED = [  # (output, values, MATCH's chart id, what the answer says)
    (ids.LOAD_SUMMARY, {UPLOAD: 12, NAME: "return.xlsx"}, "", "must be a file as a data URL"),
    (ids.LOAD_SUMMARY, {UPLOAD: data_url(b"PK"), NAME: ["return.xlsx"]}, "", "must be text"),
    (ids.LOAD_SUMMARY, {UPLOAD: data_url(b"PK"), NAME: "a\x00.xlsx"}, "", "control character"),
    (ids.LOAD_SUMMARY, {UPLOAD: "not a data URL", NAME: "r.xlsx"}, "", "could not be read"),
    (ids.LOAD_SUMMARY, {UPLOAD: data_url(b"PK\x03\x04"), NAME: "a" * 300 + ".xlsx"}, "",
     "a" * 240),  # the shortened name, in the report
    (ids.LOAD_RESULT, {f"{ids.LOAD_CONFIRM}.n_clicks": 1, UPLOAD: data_url(b"PK"),
                       NAME: "é" * 200 + ".xlsx"}, "", "é" * 100),
    (ids.QUALITY_GRID, {f"{ids.FILTER_STATE}.data": STATE_1900}, "",
     "must be between 2000-01 Q1 and 2098-99 Q4"),
    (ids.OVERVIEW_CARDS, {f"{ids.FILTER_STATE}.data": STATE_1900}, "",
     "must be between 2000-01 Q1 and 2098-99 Q4"),
    (ids.CHILDREN_WAITING_RECORDS, {f"{ids.FILTER_STATE}.data": STATE_Q9}, "", "is not a quarter"),
    (ids.TIMELINESS_CARDS, {f"{ids.FILTER_STATE}.data": {**STATE_1900, "scope": "nowhere"}}, "",
     "nowhere"),
]  # fmt: skip


@pytest.mark.parametrize(("output", "values", "chart", "says"), REPORTED)
def test_the_reported_requests_get_a_message_and_no_data(fuzzed: Fuzzed, output: str,
                                                         values: dict, chart: str, says: str) -> None:
    response = fuzzed.clients["admin"].post("/_dash-update-component", headers={"Origin": OWN},
                                            json=request_for(fuzzed.app, output, values, chart))
    assert response.status_code in (200, 204, 400), response.status_code
    text = response.get_data(as_text=True)
    assert says in json.loads(text).__repr__() if text else says == ""
    assert "Traceback" not in text and "rows" not in text
