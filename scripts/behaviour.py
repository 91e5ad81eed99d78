"""Record what the dashboard answers, and compare two records: the proof that a renovation (code
moved into new packages, nothing meant to change) changed nothing a user or a script sees.

    python scripts/behaviour.py demo demo.sqlite3          # once: the shared database
    python scripts/behaviour.py record --database sqlite:///demo.sqlite3 before.json
    ... move the code ...
    python scripts/behaviour.py record --database sqlite:///demo.sqlite3 after.json
    python scripts/behaviour.py compare before.json after.json         # exit 1 if anything differs

Run it from the project root with the project's interpreter (PYTHONPATH=. so the checkout's own
code is imported). Both records must be made from the SAME database file: every new database
gets a random disclosure secret, which perturbs the figures. `record` never writes to the file
it is given: it works on a temporary copy (signing in and downloading write users and audit
events), so every record starts from the same state; the copy's source and its SHA-256 are in
the record's "meta", and `compare` warns when two records came from different files.

What is recorded, each item under a stable key (`kind/...`), as two callers (an admin, who sees
everything exactly, and an analyst granted one RAA, who sees the rest under disclosure control):

- `api/<measure>/<query string>/<caller>`: the data API's answers (`GET /api/v1/measures` and
  `/api/v1/measures/<id>` for every measure over a sample of selections, as JSON, CSV and XLSX
  cell values), and `api-error/...` for bad requests (the status and the message);
- `records/...`: the child-level records API, as a status, a row count and a SHA-256 only (no
  child-level row is ever stored or printed);
- `cards/<page>/<selection>/<caller>/<card>`: each chart page's cards as the browser gets them
  from `POST /_dash-update-component` (the callback that fills the page's grid from the filter
  state), normalised: component types, every prop but ids, texts, tables, links, and each
  dcc.Graph's figure exactly; the download widgets (className `chart-card__downloads`) are left
  out, since they become links; `page/<output>/...` for the other outputs that read only the
  filter state (the Data quality page; the Children waiting page's child-level list as a hash);
- `download/<chart>/<format>/<selection>/<caller>`: each chart's CSV (its text) and XLSX (each
  sheet's cell values: the zip has timestamps) with the file's name;
- `export/<chart>/<selection>/<caller>`: the figure a PNG, SVG or board pack page is drawn from
  (plotly JSON; images are not compared as bytes), and `pack/<selection>`: the board pack's
  (page, chart) list and its cover's lines without the date.

Everything goes through HTTP (Flask's test client) and the app factory, except the few calls in
the ADAPTER section just below, which name today's Python functions and are what to change
when those move.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import difflib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
FORMAT_VERSION = 1


# ================================================================ ADAPTER
# The only code here that names the dashboard's Python functions (not its HTTP addresses). The
# "before" record of the renovation (issue 17) was taken with this section as it was at commit
# 98d4057: downloads by the chart card's Dash callback, pictures by callbacks.images. Since
# then a chart's files are links to GET /api/v1/charts/<chart_id>?scope=..&quarter=..&window=..
# &compare=a,b&format=csv|xlsx, and pictures and the pack come from charts/ and server/images.
# Each line that imports from the app's packages is marked `# ADAPTER`.

DOWNLOAD_PATH = "/api/v1/charts/{chart}"  # a chart's file: what its card links to
COVER_DATE_LINE = "Made on "  # the cover's line that says the day the pack was made


def chart_download_url(chart_id: str, format: str, state: dict) -> str:
    params = {"scope": state["scope"], "quarter": state["quarter"], "window": str(state["window"])}
    if state.get("compare"):
        params["compare"] = ",".join(state["compare"])
    params["format"] = format
    return DOWNLOAD_PATH.format(chart=quote(chart_id)) + "?" + urlencode(params, quote_via=quote)


def download(session: "Session", chart_id: str, format: str, state: dict) -> tuple[str, bytes]:
    """(file name, bytes) of a chart's CSV or XLSX for the filter state, as `session`'s caller."""
    session.recorder.download_mode = "api"
    answer = session.client.get(chart_download_url(chart_id, format, state))
    if answer.status_code != 200:
        raise RuntimeError(f"{answer.status_code} from the chart download address: "
                           f"{answer.get_data(as_text=True)[:300]}")
    return disposition_name(answer.headers.get("Content-Disposition", "")), answer.get_data()


@contextlib.contextmanager
def as_caller(session: "Session") -> Iterator[Any]:
    """A request context in which the app's handlers see `session`'s signed-in caller (the
    session cookie, then every before_request hook: the data version, the sign-in gate); yields
    the app's Services."""
    server = session.recorder.app.server
    from server.warm import services_of  # ADAPTER: where the app factory leaves its Services
    cookie = session.client.get_cookie(server.config["SESSION_COOKIE_NAME"])
    headers = {"Cookie": f"{cookie.key}={cookie.value}"} if cookie else {}
    with server.test_request_context("/", headers=headers):
        refused = server.preprocess_request()
        if refused is not None:
            raise RuntimeError(f"the request as {session.name} was refused: {refused}")
        yield services_of(server)


def export_figure_json(session: "Session", chart_id: str, state: dict) -> dict:
    """The figure a chart's PNG/SVG is drawn from, as plotly JSON, and the image's file name."""
    import plotly.utils

    from callbacks.chart_pages import chart_view  # ADAPTER
    from charts import CHARTS  # ADAPTER
    from charts.export_figure import IMAGE_SIZE  # ADAPTER
    from server.images import picture  # ADAPTER

    with as_caller(session) as services:
        shown = chart_view(services, CHARTS[chart_id], state)
        figure, name = picture(shown, IMAGE_SIZE), shown.image_stem
    plain = json.loads(json.dumps(figure.to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder))
    return {"name": name, "figure": plain}


def pack_list(session: "Session", state: dict) -> dict:
    """The board pack's chart pages, as (page title, chart id), and the cover's text lines
    without the date it was made."""
    import datetime

    from charts import pack_charts  # ADAPTER
    from charts.pack import once  # ADAPTER
    from server.images import cover_lines, returns_grid_now  # ADAPTER
    from charts.pack import returns_line  # ADAPTER
    from charts.query import from_state  # ADAPTER

    with as_caller(session) as services:
        query = from_state("children_waiting", state, services.measures.geography())
        grid, expected = returns_grid_now(services, query.scope, query.quarter)
        lines = cover_lines(services, state, datetime.date(2000, 1, 1),
                            returns_line(grid, query.quarter, expected))
    lines = [line for line in lines if not line.startswith(COVER_DATE_LINE)]
    return {"pages": [[page.title, chart.id] for page, chart in once(pack_charts())], "cover": lines}


# ================================================================ the sample

LATEST = "2026-27 Q2"  # the demo's last quarter (db/demo.py LAST_QUARTER)
PUBLISHED_YEAR = "2024-25 Q4"  # a Q4 with published figures (tests/data/published)
REGION = "region:North East"
RAA = "TEES"  # Adoption Tees Valley, in the North East
LA_IN_RAA = "841"  # Darlington, in TEES (and with a made-up published figure of its own)
STANDALONE_LA = "942"  # Cumberland: in no RAA
PASSWORD = "behaviour-snapshot-password"  # of the users made in the temporary copy only
CALLERS = (  # name, `python -m db users add` arguments
    ("admin", ["--role", "admin"]),
    ("analyst-TEES", ["--role", "analyst", "--agency", RAA]),
)
FILTER_STATE = "filter-state"  # the store every chart page's callbacks read (layouts/ids.py)
DOWNLOADS_CLASS = "chart-card__downloads"  # left out of cards: these become links
CHILD_LEVEL_OUTPUTS = {"children-waiting-records"}  # recorded as hashes only
OWN_ORIGIN = "http://localhost"  # the test client's: a browser's callbacks carry it


def quarter_index(text: str) -> int:
    year, q = text.split(" ")
    return int(year[:4]) * 4 + int(q[1]) - 1


def quarter_text(index: int) -> str:
    year, q = divmod(index, 4)
    return f"{year}-{(year + 1) % 100:02d} Q{q + 1}"


def shift(quarter: str, quarters: int) -> str:
    return quarter_text(quarter_index(quarter) + quarters)


def page_states(latest: str) -> list[dict]:
    """The filter states the chart pages are recorded for (FILTER_STATE as the filter bar or
    board mode sets it)."""
    earlier = shift(latest, -8)
    return [
        {"scope": "england", "quarter": latest, "window": 4, "compare": []},
        {"scope": REGION, "quarter": latest, "window": 4, "compare": []},
        {"scope": RAA, "quarter": latest, "window": 4, "compare": []},
        {"scope": LA_IN_RAA, "quarter": latest, "window": 4, "compare": ["england"]},
        {"scope": STANDALONE_LA, "quarter": earlier, "window": 4, "compare": [RAA]},
        {"scope": RAA, "quarter": latest, "window": 1, "compare": []},
        {"scope": LA_IN_RAA, "quarter": earlier, "window": 12, "compare": [REGION, "england"]},
        {"scope": "england", "quarter": PUBLISHED_YEAR, "window": 4, "compare": ["england-published"]},
        {"scope": LA_IN_RAA, "quarter": PUBLISHED_YEAR, "window": 4,
         "compare": [f"{REGION}-published", "england-published"]},
        {"scope": RAA, "quarter": latest, "window": 4, "compare": ["england"], "present": True},
    ]


def download_states(latest: str) -> list[dict]:
    """The filter states whose chart downloads, export figures and board pack are recorded."""
    return [
        {"scope": RAA, "quarter": latest, "window": 4, "compare": []},
        {"scope": LA_IN_RAA, "quarter": latest, "window": 12, "compare": ["england"]},
        {"scope": "england", "quarter": PUBLISHED_YEAR, "window": 4, "compare": ["england-published"]},
    ]


def state_name(state: dict) -> str:
    name = f"{state['scope']}|{state['quarter']}|w{state['window']}|cmp={','.join(state['compare'])}"
    return name + ("|present" if state.get("present") else "")


def measure_queries(measure: dict, index: int, latest: str) -> list[dict]:
    """The data API requests for one measure (its entry in GET /api/v1/measures)."""
    earlier = shift(latest, -8)
    queries: list[dict] = []
    for scope in ("england", REGION, RAA, LA_IN_RAA, STANDALONE_LA):
        for quarter in (latest, earlier):
            queries.append({"scope": scope, "quarter": quarter, "window": "4"})
    for scope in ("england", RAA, LA_IN_RAA):
        for window in ("1", "12"):
            queries.append({"scope": scope, "quarter": latest, "window": window})
    series = {"scope": RAA, "quarter": latest, "from": shift(latest, -7), "window": "4"}
    queries += [series, {**series, "format": "csv"}, {**series, "format": "xlsx"}]
    compared = {"scope": LA_IN_RAA, "quarter": latest, "window": "4", "compare": "region,england"}
    queries += [compared, {**compared, "format": "csv"}, {**compared, "format": "xlsx"}]
    queries.append({"scope": "england", "quarter": PUBLISHED_YEAR, "window": "4",
                    "compare": "england-published"})
    queries.append({"scope": LA_IN_RAA, "quarter": PUBLISHED_YEAR, "window": "4",
                    "from": shift(PUBLISHED_YEAR, -4), "compare": "region-published,england-published,england"})
    breakdowns = measure["breakdowns"]
    if breakdowns:  # one breakdown a measure, turn about, so every kind of breakdown is asked
        by = breakdowns[index % len(breakdowns)]
        queries.append({"scope": RAA, "quarter": latest, "window": "4", "by": by})
        queries.append({"scope": "england", "quarter": PUBLISHED_YEAR, "window": "4", "by": by,
                        "compare": "england-published", "format": "csv"})
    if measure["stats"]:
        queries.append({"scope": RAA, "quarter": latest, "window": "4", "stat": "median",
                        "compare": "england"})
    return queries


def bad_requests(latest: str) -> list[str]:
    """Requests the data API must refuse, each with its message (docs/api.md, Errors)."""
    base = f"scope=england&quarter={quote(latest)}"
    m = "/api/v1/measures/children_waiting"
    return [
        "/api/v1/measures?colour=red",
        f"{m}?{base}&colour=red",
        f"{m}?{base}&scope=TEES",
        f"/api/v1/measures/x?{base}",
        f"{m}?quarter={quote(latest)}",
        f"{m}?scope=england",
        f"{m}?scope=zzz&quarter={quote(latest)}",
        f"{m}?scope={quote('region:Atlantis')}&quarter={quote(latest)}",
        f"{m}?scope=england&quarter={quote('2025 Q1')}",
        f"{m}?scope=england&quarter={quote('2099-00 Q1')}",
        f"{m}?{base}&from={quote(shift(latest, 1))}",
        f"{m}?{base}&from={quote(shift(latest, -40))}",
        f"{m}?{base}&window=2",
        f"{m}?{base}&stat=mode",
        f"{m}?{base}&format=pdf",
        f"/api/v1/measures/adopters_waiting?{base}&by=age_band",
        f"{m}?{base}&compare=zzz",
        f"{m}?{base}&compare=region",
        f"{m}?{base}&compare=region-published",
        f"{m}?{base}&compare=" + ",".join(["TEES"] * 11),
        f"{m}?scope={'a' * 101}&quarter={quote(latest)}",
        f"{m}?{base}&from={quote(shift(latest, -39))}&compare=TEES,841,942,ALB,ANE",
        "/api/v2/x",
        "/api/v1/nope",
    ]


# ================================================================ recording


class Session:
    """One caller's signed-in test client."""

    def __init__(self, recorder: "Recorder", name: str, client: Any):
        self.recorder, self.name, self.client = recorder, name, client

    def callback(self, dependency: dict, values: dict, match: dict | None = None,
                 changed: tuple | None = None) -> dict:
        """POST /_dash-update-component for one callback of the app's map, built as Dash's
        renderer builds it; `values` by (component id, or a pattern id's type; property).
        Returns {output id: {property: value}} (an empty dict for 204: no update)."""
        body = callback_body(dependency, values, match or {}, changed)
        answer = self.client.post("/_dash-update-component", json=body,
                                  headers={"Origin": OWN_ORIGIN})
        if answer.status_code == 204:
            return {}
        if answer.status_code != 200:
            raise RuntimeError(f"callback {dependency['output']} as {self.name}: "
                               f"{answer.status_code} {answer.get_data(as_text=True)[:300]}")
        return answer.get_json()["response"]


def _parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def _concrete(component: Any, match: dict) -> Any:
    if isinstance(component, dict):
        return {k: (match[k] if v == ["MATCH"] else v) for k, v in component.items()}
    return component


def _id_key(component: Any) -> str:
    if isinstance(component, dict):
        return json.dumps(component, sort_keys=True, separators=(",", ":"))
    return component


def callback_body(dependency: dict, values: dict, match: dict, changed: tuple | None) -> dict:
    def item(spec: dict, with_value: bool) -> dict:
        component = _parse_id(spec["id"]) if isinstance(spec["id"], str) else spec["id"]
        found = {"id": _concrete(component, match), "property": spec["property"]}
        if with_value:
            name = component.get("type") if isinstance(component, dict) else component
            found["value"] = values.get((name, spec["property"]))
        return found

    key = dependency["output"]
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        outputs.append({"id": _concrete(_parse_id(component), match), "property": prop})
    inputs = [item(spec, True) for spec in dependency["inputs"]]
    if changed is None:
        changed = (inputs[0]["id"], inputs[0]["property"])
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": inputs, "state": [item(spec, True) for spec in dependency["state"]],
            "changedPropIds": [f"{_id_key(changed[0])}.{changed[1]}"]}


def disposition_name(header: str) -> str:
    return header.split("filename=", 1)[1].strip('"') if "filename=" in header else ""


def sheets_of(body: bytes) -> dict:
    """Each sheet's cell values, row by row (an XLSX's bytes differ by its zip's timestamps)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(body), read_only=True)
    return {sheet.title: [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets}


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return {"type": type(value).__name__, "text": str(value)}


def file_value(name: str, body: bytes) -> dict:
    """A downloaded file as compared: its name, and a CSV's text or an XLSX's cell values."""
    if name.endswith(".xlsx"):
        return {"name": name, "sheets": sheets_of(body)}
    try:
        return {"name": name, "text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"name": name, "base64": base64.b64encode(body).decode("ascii")}


def response_value(answer: Any) -> dict:
    """A data API answer as compared: status, type, file name and body (XLSX by cell values)."""
    kind = answer.mimetype
    value: dict[str, Any] = {"status": answer.status_code, "type": kind}
    if answer.headers.get("WWW-Authenticate"):
        value["www_authenticate"] = answer.headers["WWW-Authenticate"]
    name = disposition_name(answer.headers.get("Content-Disposition", ""))
    if name:
        value["file"] = name
    body = answer.get_data()
    if kind == "application/json":
        value["json"] = json.loads(body)
    elif kind.endswith("spreadsheetml.sheet"):
        value["sheets"] = sheets_of(body)
    else:
        value["text"] = body.decode("utf-8", errors="replace")
    return value


def digest_value(value: Any) -> dict:
    """A child-level answer as compared: never its rows, only a hash of them."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return {"sha256": hashlib.sha256(text.encode()).hexdigest()}


def normalise(node: Any) -> Any:
    """A Dash component tree as a user sees it: each component's type and props, without ids
    (no user sees them; the code that sets them may move) and without the download widgets
    (they become links after the renovation). Figures, texts, table cells, hrefs, classes and
    column widths are kept exactly."""
    if isinstance(node, list):
        return [n for n in (normalise(item) for item in node) if n is not _DROPPED]
    if isinstance(node, dict) and "props" in node and "type" in node:
        props = node["props"]
        if DOWNLOADS_CLASS in str(props.get("className", "")).split():
            return _DROPPED
        out = {"type": f"{node.get('namespace', '')}.{node['type']}"}
        for name, value in sorted(props.items()):
            if name == "id":
                continue
            kept = normalise(value) if name == "children" else value
            if kept is not _DROPPED:
                out[name] = kept
        return out
    return node


_DROPPED = object()


def card_id(column: Any) -> str | None:
    """The id of the chart card inside a grid's column (`<chart>-card`), if any."""
    stack = [column]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict) and "props" in node:
            found = node["props"].get("id")
            if isinstance(found, str) and found.endswith("-card"):
                return found[: -len("-card")]
            stack.append(node["props"].get("children"))
    return None


class Recorder:
    def __init__(self, app: Any, latest: str):
        self.app, self.latest = app, latest
        self.items: dict[str, Any] = {}
        self.download_mode: str | None = None
        self.sessions: list[Session] = []
        self.dependencies: list[dict] = []
        self.seconds: dict[str, float] = {}

    def put(self, key: str, value: Any) -> None:
        if key in self.items:
            raise RuntimeError(f"recorded twice: {key}")
        self.items[key] = value

    def sign_in(self, name: str) -> Session:
        client = self.app.server.test_client()
        answer = client.post("/sign-in", data={"name": name, "password": PASSWORD})
        if answer.status_code != 302:
            raise RuntimeError(f"could not sign in as {name}: {answer.status_code}")
        return Session(self, name, client)

    def callback_with_output(self, text: str) -> dict:
        found = [d for d in self.dependencies if text in d["output"] and not d.get("clientside_function")]
        if len(found) != 1:
            raise RuntimeError(f"expected one server callback with an output like {text!r}, "
                               f"found {len(found)}")
        return found[0]

    def filter_state_callbacks(self) -> list[dict]:
        """Every server callback that reads the filter state and nothing else: each chart
        page's grid, the Data quality page, the child-level list."""
        return [d for d in self.dependencies if not d.get("clientside_function") and not d["state"]
                and [(i["id"], i["property"]) for i in d["inputs"]] == [(FILTER_STATE, "data")]]

    def timed(self, what: str, work: Callable[[], None]) -> None:
        started = time.perf_counter()
        work()
        self.seconds[what] = round(time.perf_counter() - started, 1)
        print(f"  {what}: {self.seconds[what]} s", file=sys.stderr)

    # ------------------------------------------------------------ the data API

    def record_api(self) -> None:
        for session in self.sessions:
            listed = session.client.get("/api/v1/measures")
            self.put(f"api/(list)//{session.name}", response_value(listed))
            for index, measure in enumerate(listed.get_json()):
                for query in measure_queries(measure, index, self.latest):
                    text = urlencode(query, quote_via=quote)
                    answer = session.client.get(f"/api/v1/measures/{quote(measure['id'])}?{text}")
                    self.put(f"api/{measure['id']}/{text}/{session.name}", response_value(answer))

    def record_api_errors(self, anonymous: Any) -> None:
        for session in self.sessions:
            for url in bad_requests(self.latest):
                self.put(f"api-error/GET {url}/{session.name}", response_value(session.client.get(url)))
            answer = session.client.post("/api/v1/measures")
            self.put(f"api-error/POST /api/v1/measures/{session.name}", response_value(answer))
        self.put("api-error/GET /api/v1/measures/(nobody)", response_value(anonymous.get("/api/v1/measures")))
        answer = anonymous.get("/api/v1/measures", headers={"Authorization": "Bearer not-a-token"})
        self.put("api-error/GET /api/v1/measures/(unknown token)", response_value(answer))

    def record_records_api(self) -> None:
        """The child-level list: who may have it, and a hash of what they get."""
        for session in self.sessions:
            for scope, format in ((RAA, "json"), (RAA, "csv"), ("england", "json")):
                text = urlencode({"scope": scope, "quarter": self.latest, "format": format}, quote_via=quote)
                answer = session.client.get(f"/api/v1/records/children_waiting?{text}")
                value: dict[str, Any] = {"status": answer.status_code, "type": answer.mimetype}
                if answer.status_code == 200:
                    value["file"] = disposition_name(answer.headers.get("Content-Disposition", ""))
                    body = answer.get_data()
                    value["sha256"] = hashlib.sha256(body).hexdigest()
                    if format == "json":
                        value["rows"] = len(json.loads(body)["rows"])
                else:
                    value["json"] = answer.get_json(silent=True)
                self.put(f"records/{text}/{session.name}", value)

    # ------------------------------------------------------------ the pages

    def record_pages(self) -> list[str]:
        """Every filter-state callback for every page state as every caller; returns the
        chart ids seen on the cards, in order."""
        charts: dict[str, None] = {}
        callbacks = self.filter_state_callbacks()
        if len([d for d in callbacks if d["output"].endswith(".children")]) < 6:
            raise RuntimeError("fewer than six chart page grids in the callback map: "
                               + ", ".join(d["output"] for d in callbacks))
        for session in self.sessions:
            for state in page_states(self.latest):
                for dependency in callbacks:
                    answer = session.callback(dependency, {(FILTER_STATE, "data"): state})
                    for output, props in sorted(answer.items()):
                        for prop, value in sorted(props.items()):
                            self.record_output(output, prop, value, state, session, charts)
        return list(charts)

    def record_output(self, output: str, prop: str, value: Any, state: dict, session: Session,
                      charts: dict[str, None]) -> None:
        where = f"{state_name(state)}/{session.name}"
        if output in CHILD_LEVEL_OUTPUTS:
            self.put(f"page/{output}.{prop}/{where}", digest_value(value))
            return
        is_grid = prop == "children" and output.endswith(("-cards", "-tiles")) and isinstance(value, list)
        if not is_grid:
            self.put(f"page/{output}.{prop}/{where}", normalise(value))
            return
        page = output.rsplit("-", 1)[0]
        order = []
        for position, column in enumerate(value):
            chart = card_id(column) or f"#{position}"
            order.append(chart)
            if not chart.startswith("#"):
                charts.setdefault(chart, None)
            self.put(f"cards/{page}/{where}/{chart}", normalise(column))
        self.put(f"cards/{page}/{where}/(order)", order)

    # ------------------------------------------------------------ downloads and exports

    def record_downloads(self, charts: list[str]) -> None:
        for session in self.sessions:
            for state in download_states(self.latest):
                for chart in charts:
                    for format in ("csv", "xlsx"):
                        name, body = download(session, chart, format, state)
                        self.put(f"download/{chart}/{format}/{state_name(state)}/{session.name}",
                                 file_value(name, body))

    def record_exports(self, charts: list[str]) -> None:
        for session in self.sessions:
            for state in download_states(self.latest):
                for chart in charts:
                    self.put(f"export/{chart}/{state_name(state)}/{session.name}",
                             export_figure_json(session, chart, state))
        for state in download_states(self.latest):
            self.put(f"pack/{state_name(state)}", pack_list(self.sessions[0], state))


def add_users(url: str) -> None:
    """The callers, added to the temporary copy with the store's own command."""
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    for name, arguments in CALLERS:
        done = subprocess.run([sys.executable, "-m", "db", "users", "add", name, *arguments],
                              input=PASSWORD + "\n", text=True, capture_output=True, env=env, cwd=ROOT)
        if done.returncode:
            raise RuntimeError(f"could not add {name}: {done.stderr.strip()}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def sqlite_path(url: str) -> Path:
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise SystemExit("record needs a SQLite database URL (sqlite:////absolute/path), so that "
                         "it can work on a copy")
    return Path(url[len(prefix):])


def record(database: str, out: Path, latest: str) -> int:
    source = sqlite_path(database)
    if not source.is_file():
        raise SystemExit(f"no database at {source}; make one with: {sys.argv[0]} demo {source}")
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="behaviour-"))
    try:
        copy = folder / "copy.sqlite3"
        shutil.copy(source, copy)
        url = f"sqlite:///{copy}"
        # `import app` makes an app from the environment: point it at the copy, never at the
        # checkout's default database (which it would create).
        os.environ["DATABASE_URL"], os.environ["SECRET_KEY"] = url, "behaviour-snapshot"
        add_users(url)
        sys.path.insert(0, str(ROOT))
        from app import create_app
        from config import Settings

        app = create_app(Settings.from_env(environ={}, database_url=url, secret_key="behaviour-snapshot"))
        recorder = Recorder(app, latest)
        recorder.sessions = [recorder.sign_in(name) for name, _ in CALLERS]
        dependencies = recorder.sessions[0].client.get("/_dash-dependencies")
        recorder.dependencies = dependencies.get_json()
        print(f"recording {source} with the code in {ROOT}", file=sys.stderr)
        recorder.timed("data API", recorder.record_api)
        recorder.timed("data API errors", lambda: recorder.record_api_errors(app.server.test_client()))
        recorder.timed("records API", recorder.record_records_api)
        charts: list[str] = []
        recorder.timed("chart pages", lambda: charts.extend(recorder.record_pages()))
        recorder.timed("chart downloads", lambda: recorder.record_downloads(charts))
        recorder.timed("export figures and board pack", lambda: recorder.record_exports(charts))
        kinds = Counter(key.split("/", 1)[0] for key in recorder.items)
        meta = {
            "format": FORMAT_VERSION, "code": git_commit(), "database": str(source),
            "database_sha256": sha256_of(source), "latest": latest, "callers": [n for n, _ in CALLERS],
            "download_mode": recorder.download_mode, "charts": charts, "items": dict(sorted(kinds.items())),
            "seconds": {**recorder.seconds, "total": round(time.perf_counter() - started, 1)},
        }
        write(out, meta, recorder.items)
        print(f"recorded {len(recorder.items)} items in {meta['seconds']['total']} s to {out}")
        for kind, count in sorted(kinds.items()):
            print(f"  {kind}: {count}")
        return 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write(out: Path, meta: dict, items: dict) -> None:
    """One item a line, keys sorted, so a record can be read with grep and diffed with diff."""
    with out.open("w", encoding="utf-8") as file:
        file.write('{"meta": ' + json.dumps(meta, sort_keys=True) + ',\n "items": {\n')
        lines = [f"  {json.dumps(key)}: {json.dumps(items[key], sort_keys=True, separators=(',', ':'))}"
                 for key in sorted(items)]
        file.write(",\n".join(lines))
        file.write("\n}}\n")


# ================================================================ comparing

MAX_SHOWN = 160  # characters of a value in a diff line
MAX_PATHS = 6  # differing places shown per item


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def shown(value: Any) -> str:
    text = value if isinstance(value, str) else canonical(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def differences(before: Any, after: Any, path: str = "") -> Iterator[str]:
    """Where two JSON values differ, as `path: before -> after` lines (texts with several lines
    as a unified diff)."""
    if canonical(before) == canonical(after):
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            here = f"{path}.{key}" if path else str(key)
            if key not in after:
                yield f"{here}: only before: {shown(before[key])}"
            elif key not in before:
                yield f"{here}: only after: {shown(after[key])}"
            else:
                yield from differences(before[key], after[key], here)
        return
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            yield f"{path}: {len(before)} entries before, {len(after)} after"
        for n, (b, a) in enumerate(zip(before, after)):
            yield from differences(b, a, f"{path}[{n}]")
        return
    if isinstance(before, str) and isinstance(after, str) and ("\n" in before or "\n" in after):
        lines = difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", n=0, lineterm="")
        yield f"{path}: text differs:"
        yield from (f"    {shown(line)}" for line in list(lines)[2:12])
        return
    yield f"{path or '(value)'}: {shown(before)} -> {shown(after)}"


def read(path: Path) -> dict:
    with path.open(encoding="utf-8") as file:
        return json.load(file)


def compare(before_path: Path, after_path: Path, limit: int) -> int:
    before, after = read(before_path), read(after_path)
    for what in ("database_sha256", "latest", "callers"):
        if before["meta"].get(what) != after["meta"].get(what):
            print(f"WARNING: the records differ in {what} ({before['meta'].get(what)} / "
                  f"{after['meta'].get(what)}): they are not of the same sample")
    print(f"before: {before_path} (code {before['meta'].get('code')}, downloads by "
          f"{before['meta'].get('download_mode')})")
    print(f"after:  {after_path} (code {after['meta'].get('code')}, downloads by "
          f"{after['meta'].get('download_mode')})")
    old, new = before["items"], after["items"]
    keys = sorted(set(old) | set(new))
    per_kind: dict[str, Counter] = {}
    differing = []
    for key in keys:
        kind = key.split("/", 1)[0]
        counts = per_kind.setdefault(kind, Counter())
        if key not in new:
            counts["only before"] += 1
            differing.append((key, ["only in before"]))
        elif key not in old:
            counts["only after"] += 1
            differing.append((key, ["only in after"]))
        elif canonical(old[key]) == canonical(new[key]):
            counts["identical"] += 1
        else:
            counts["different"] += 1
            found = differences(old[key], new[key])
            lines = [line for _, line in zip(range(MAX_PATHS + 1), found)]
            if len(lines) > MAX_PATHS:
                lines[-1] = "... and more"
            differing.append((key, lines))
    for key, lines in differing[:limit]:
        print(f"DIFFERS {key}")
        for line in lines:
            print(f"    {line}")
    if len(differing) > limit:
        print(f"... and {len(differing) - limit} more differing items (--limit to see more)")
    compared = sum(1 for key in keys if key in old and key in new)
    identical = sum(c["identical"] for c in per_kind.values())
    print(f"\n{'kind':<10} {'compared':>9} {'identical':>9} {'different':>9} {'only before':>11} {'only after':>10}")
    for kind, c in sorted(per_kind.items()):
        print(f"{kind:<10} {c['identical'] + c['different']:>9} {c['identical']:>9} {c['different']:>9} "
              f"{c['only before']:>11} {c['only after']:>10}")
    print(f"\n{compared} items compared, {identical} identical, {compared - identical} different, "
          f"{len(set(old) - set(new))} only in before, {len(set(new) - set(old))} only in after")
    return 1 if differing else 0


# ================================================================ the demo database


def demo(path: Path) -> int:
    """A demo database with the published figures the sample compares against."""
    if path.exists():
        raise SystemExit(f"{path} exists; the records must all come from one database file, so "
                         "it is not made again")
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path.resolve()}", "PYTHONPATH": str(ROOT)}
    published = ROOT / "tests" / "data" / "published"
    for arguments in (["init"], ["demo"],
                      ["published", str(published / "national_adopted_sgo.csv"), "--user", "demo"],
                      ["published", str(published / "synthetic_regional.csv"), "--user", "demo"]):
        print("python -m db " + " ".join(arguments), file=sys.stderr)
        subprocess.run([sys.executable, "-m", "db", *arguments], env=env, cwd=ROOT, check=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("demo", help="make the demo database the records are made from")
    made.add_argument("path", type=Path)
    recording = commands.add_parser("record", help="record the dashboard's answers")
    recording.add_argument("--database", required=True, help="sqlite:////absolute/path.sqlite3")
    recording.add_argument("--latest", default=LATEST, help=f"the newest quarter (default {LATEST})")
    recording.add_argument("out", type=Path)
    comparing = commands.add_parser("compare", help="compare two records; exit 1 if any item differs")
    comparing.add_argument("before", type=Path)
    comparing.add_argument("after", type=Path)
    comparing.add_argument("--limit", type=int, default=50, help="differing items shown (default 50)")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo(args.path)
    if args.command == "record":
        return record(args.database, args.out, args.latest)
    return compare(args.before, args.after, args.limit)


if __name__ == "__main__":
    sys.exit(main())
