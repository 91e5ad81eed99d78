"""What the benchmarks share: a demo database on SQLite or PostgreSQL, the app served by
gunicorn as in production, a signed-in bench user, and filter changes replayed as dash-renderer
sends them. Not a benchmark itself (`make bench` runs only the files without a leading `_`).
"""

from __future__ import annotations

import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from config import PROJECT_ROOT, Settings  # noqa: E402
from db import users  # noqa: E402
from db.demo import load_demo  # noqa: E402
from db.engine import engine_for, session_factory  # noqa: E402
from db.schema import initialise  # noqa: E402
from layouts import ids  # noqa: E402
from metrics.quarters import Quarter  # noqa: E402

UPDATE = "/_dash-update-component"
SIGN_IN = "/sign-in"
BENCH_USER = "bench"  # a viewer: the pages are timed as most of their readers see them
BENCH_ADMIN = "bench-admin"  # for what only admins see (the longest-waiting list)
POSTGRES_ADMIN = "TEST_POSTGRES_URL"  # a server's maintenance database, as the tests use


# --- The demo database -------------------------------------------------------------------------

@dataclass
class Database:
    url: str
    rows: int = 0
    load_seconds: float = 0.0

    def drop(self) -> None:
        """Remove the database made by `demo_database`: its PostgreSQL database or SQLite file."""
        engine_for(self.url).dispose()
        url = make_url(self.url)
        if url.get_backend_name() == "postgresql":
            admin = create_engine(os.environ[POSTGRES_ADMIN], isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            admin.dispose()
        elif url.database:
            shutil.rmtree(Path(url.database).parent, ignore_errors=True)


def demo_database(backend: str, scale: int, seed: int, first: Quarter, last: Quarter) -> Database:
    """A new database on `backend` (sqlite: a temporary file; postgresql: a new database on the
    TEST_POSTGRES_URL server) with the demo's returns `first` to `last` loaded and timed."""
    if backend == "postgresql":
        admin_url = os.environ.get(POSTGRES_ADMIN)
        if not admin_url:
            sys.exit(f"PostgreSQL needs {POSTGRES_ADMIN} (a server's maintenance database URL; "
                     "make test starts one as root)")
        name = f"asg_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        database = Database(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
    else:
        database = Database(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")
    sessions = session_factory(Settings.from_env(database_url=database.url))
    initialise(database.url, sessions)
    started = time.perf_counter()
    summary = load_demo(sessions, scale=scale, seed=seed, first=first, last=last)
    database.rows, database.load_seconds = summary.rows, time.perf_counter() - started
    return database


def given_or_demo(database_url: str | None, scale: int, seed: int, first: Quarter,
                  last: Quarter) -> Database:
    """The database at `database_url` (nothing loaded here), or a new SQLite demo, loaded and
    said so."""
    if database_url:
        return Database(database_url)
    database = demo_database("sqlite", scale, seed, first, last)
    print(f"Loaded {database.rows:,} rows ({first} to {last}, scale {scale}) "
          f"in {database.load_seconds:.0f} s.")
    return database


# --- How fast the machine is right now ----------------------------------------------------------

def machine_gauge() -> str:
    """The machine's speed at this moment, in words: how long a fixed pure-Python workload and
    a walk in random order over 64 MB take (the median of five each), and the load average. On
    a shared virtual machine the same code times a half slower or more when something else
    runs, on the processor or on the memory they share; a reader compares runs by this."""
    import numpy as np

    order = np.random.default_rng(0).permutation(8_000_000)
    memory = []
    for _ in range(5):
        started = time.perf_counter()
        order[order].sum()
        memory.append(1000 * (time.perf_counter() - started))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"Python workload {python_pace(5):.0f} ms, memory walk {sorted(memory)[2]:.0f} ms, "
            f"load average {load:.2f}")


def python_pace(repeats: int = 3) -> float:
    """ms for the gauge's fixed pure-Python workload (the median of `repeats`): quick enough
    (a fifth of a second) to take after every page and kind of scope, so that a slow cell of
    a bench can be set beside how fast the machine was while it was timed."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        times.append(1000 * (time.perf_counter() - started))
    return sorted(times)[len(times) // 2]


# --- Serving -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    base: str
    warm_seconds: float  # from start until /health answered: import, warm-up, fork

    def workers(self) -> list[int]:
        """The gunicorn workers' process ids (the master's children)."""
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
        return found

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def peak_memory_mib(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MiB: pages it shares with the master
    after the fork count in full."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve(database_url: str, workers: int, timeout_s: float = 900) -> Server:
    """gunicorn serving the app on the database (the production command, on a loopback port),
    once /health answers."""
    port = free_port()
    # COOKIE_SECURE=0 as `make run` sets it: this is plain http on loopback, where clients
    # other than a browser never send a Secure cookie back.
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": os.urandom(16).hex(),
           "COOKIE_SECURE": "0"}
    started = time.monotonic()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py", "app:server",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=PROJECT_ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    while time.monotonic() - started < timeout_s:
        if process.poll() is not None:
            sys.exit("gunicorn stopped before the app answered /health")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=5) as answer:
                if answer.status == 200:
                    return Server(process, base, time.monotonic() - started)
        except OSError:
            time.sleep(0.5)
    process.terminate()
    sys.exit(f"the app did not answer /health within {timeout_s:.0f} s")


# --- Signing in --------------------------------------------------------------------------------

def bench_user(database_url: str, name: str = BENCH_USER, role: str = "viewer") -> str:
    """The password of a bench user (the viewer unless told): a fresh random one, set on the
    user or on a new user."""
    password = secrets.token_urlsafe(24)
    with session_factory(Settings.from_env(database_url=database_url))() as session, session.begin():
        if name in {user.name for user in users.list_users(session)}:
            users.set_password(session, name, password, actor=name)
        else:
            users.add_user(session, name, password, role, actor=name)
    return password


class _Stay(urllib.request.HTTPRedirectHandler):
    """Leave a redirect unfollowed: the answer to the sign-in form carries the cookie."""

    def redirect_request(self, *args, **kwargs) -> None:
        return None


def session_cookie(base: str, password: str) -> str:
    """The `Cookie` header of a session signed in as the bench user, from the form's answer."""
    form = urlencode({"name": BENCH_USER, "password": password}).encode()
    try:
        urllib.request.build_opener(_Stay).open(f"{base}{SIGN_IN}", data=form, timeout=30)
    except HTTPError as answer:
        if answer.code == 302 and answer.headers.get_all("Set-Cookie"):
            return "; ".join(c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie"))
        sys.exit(f"signing in the bench user was answered {answer.code}")
    sys.exit("signing in the bench user did not redirect: the name or password was refused")


# --- Filter changes, replayed as dash-renderer sends them --------------------------------------

def post(base: str, body: dict, cookie: str) -> dict:
    request = urllib.request.Request(f"{base}{UPDATE}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Cookie": cookie})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.loads(answer.read())


def prop(text: str) -> dict:
    component, _, name = text.rpartition(".")
    return {"id": component, "property": name}


def outputs_of(callback: dict) -> list[dict]:
    """The outputs of a callback in /_dash-dependencies: `a.b` or `..a.b...c.d..`."""
    text = callback["output"]
    parts = text[2:-2].split("...") if text.startswith("..") else [text]
    return [prop(part.split("@")[0]) for part in parts]


def request_body(callback: dict, values: dict, changed: list[str]) -> dict:
    """The body dash-renderer posts for a callback: `values` maps `id.property` to its value."""
    outputs = outputs_of(callback)

    def with_values(props: list[dict]) -> list[dict]:
        return [{**p, "value": values.get(f"{p['id']}.{p['property']}")} for p in props]

    body = {"output": callback["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": with_values(callback["inputs"]), "changedPropIds": changed,
            "parsedChangedPropsIds": changed}
    if callback["state"]:
        body["state"] = with_values(callback["state"])
    return body


def dependencies(base: str, cookie: str) -> list[dict]:
    """Every callback of the app, as dash-renderer reads them."""
    request = urllib.request.Request(f"{base}/_dash-dependencies", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def filter_callbacks(base: str, cookie: str) -> tuple[dict, list[dict]]:
    """The filter bar's callback and every callback that listens to the settled selection."""
    callbacks = dependencies(base, cookie)
    state = {"id": ids.FILTER_STATE, "property": "data"}
    bar = next(c for c in callbacks if any(o == state for o in outputs_of(c))
               and {"id": ids.FILTER_AGENCY, "property": "value"} in c["inputs"])
    listeners = [c for c in callbacks if state in c["inputs"]]
    return bar, listeners


def filter_values(answer: dict) -> dict:
    """`id.property` -> value from a callback's answer."""
    return {f"{component}.{name}": value
            for component, props in answer["response"].items() for name, value in props.items()}


@dataclass
class Choice:
    """One filter choice: the region and agency controls' values and the quarter."""

    region: str
    agency: str | None
    quarter: str


def change_filters(base: str, cookie: str, bar: dict, listeners: list[dict], choice: Choice,
                   changed: str) -> float:
    """ms from the bar's callback to the last listener's answer, for one filter change."""
    values = {f"{ids.FILTER_REGION}.value": choice.region, f"{ids.FILTER_AGENCY}.value": choice.agency,
              f"{ids.FILTER_QUARTER}.value": choice.quarter, f"{ids.FILTER_WINDOW}.value": "4",
              f"{ids.FILTER_COMPARE}.value": []}
    started = time.perf_counter()
    settled = filter_values(post(base, request_body(bar, values, [f"{changed}.value"]), cookie))
    for listener in listeners:
        post(base, request_body(listener, settled, [f"{ids.FILTER_STATE}.data"]), cookie)
    return 1000 * (time.perf_counter() - started)


def random_changes(agencies: list[tuple[str, str]], quarters: list[str], count: int,
                   rng: random.Random) -> list[tuple[Choice, str]]:
    """`count` filter changes from the first agency and quarter: each a random agency (with its
    region) or a random quarter, and the control that changed."""
    region, agency = agencies[0]
    current = Choice(region, agency, quarters[0])
    out = []
    for _ in range(count):
        if rng.random() < 0.5:
            region, agency = rng.choice(agencies)
            current = Choice(region, agency, current.quarter)
            out.append((current, ids.FILTER_AGENCY))
        else:
            current = Choice(current.region, current.agency, rng.choice(quarters))
            out.append((current, ids.FILTER_QUARTER))
    return out
