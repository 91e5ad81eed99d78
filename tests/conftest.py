"""Shared fixtures: a fresh, migrated database per test, on SQLite and on PostgreSQL.

`db_url` is parametrised over both backends. PostgreSQL comes from TEST_POSTGRES_URL (a URL to
a server's maintenance database as a role that may CREATE DATABASE; `.ci/run` and `make test`
start a local server and set it), and a live Redis from TEST_REDIS_URL (`redis_url`, started
the same way). Without them those cases skip locally, and fail under CI=true, where they must
run. Each test gets its own database cloned from a migrated template, so tests never see each
other's rows. The PostgreSQL cases are marked `postgres` and the live-Redis ones `redis`, so
`-m "not postgres"` leaves them out instead of skipping them.

No test touches the default database (config.default_database_url(), data/asg.sqlite3 under the
project root, which `make run` serves): DATABASE_URL points at a throwaway file for the session
before any test module is imported, so `app.py`'s `app = create_app()` and every subprocess
use that instead, and a test that still creates or changes the default file fails.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from config import Settings, default_database_url
from db.demo import load_demo
from db.engine import engine_for
from db.schema import initialise
from metrics.quarters import Quarter
from server.services import Services

# No property test is timed: hypothesis' default 200 ms deadline per example failed tests on
# a busy machine (a timed assertion in all but name). Speed is measured in bench/.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# Under pytest-xdist (make test runs two workers) each worker empties and fills a Redis database
# of its own: TEST_REDIS_URL's number plus the worker's (gw0, gw1, ...).
if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    _redis = urlsplit(REDIS_URL)
    _number = int(_redis.path.strip("/") or 0) + int(os.environ["PYTEST_XDIST_WORKER"][2:])
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_number}"))
SAMPLES = Path(__file__).resolve().parent / "data" / "samples"

DEFAULT_DATABASE = Path(make_url(default_database_url()).database)
WROTE_DEFAULT = ("{who} touched the default database {path} ({files}); tests use their own "
                 "databases (the fixtures here), never Settings()'s or DATABASE_URL's default")
_SESSION_START = pytest.StashKey[dict]()  # the default database's state when the run began
_THROWAWAY = pytest.StashKey[str]()  # the folder of the session's DATABASE_URL


def _default_database_state() -> dict[str, object]:
    """Whether the default database's folder exists, and the size and modification time of
    each of its files (None when absent). Any difference means something opened or wrote it."""
    folder = DEFAULT_DATABASE.parent
    state: dict[str, object] = {f"{folder.name}/": folder.is_dir()}
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = DEFAULT_DATABASE.with_name(DEFAULT_DATABASE.name + suffix)
        try:
            found = path.stat()
        except FileNotFoundError:
            state[path.name] = None
        else:
            state[path.name] = (found.st_size, found.st_mtime_ns)
    return state


def _changed(before: dict[str, object], after: dict[str, object]) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]


def pytest_configure(config: pytest.Config) -> None:
    """Before any test module is imported: the default database's state, and DATABASE_URL
    pointing at a throwaway file (importing `app` builds an app on it)."""
    config.stash[_SESSION_START] = _default_database_state()
    folder = tempfile.mkdtemp(prefix="asg-tests-")
    config.stash[_THROWAWAY] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/default.sqlite3"


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_THROWAWAY, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _session_leaves_the_default_database_alone(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the run when the default database changed since the session began, in a test or
    outside any (on import, in a session fixture)."""
    yield
    changed = _changed(request.config.stash[_SESSION_START], _default_database_state())
    if changed:
        pytest.fail(WROTE_DEFAULT.format(who="This test session", path=DEFAULT_DATABASE,
                                         files=", ".join(changed)), pytrace=False)


@pytest.fixture(autouse=True)
def _test_leaves_the_default_database_alone(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test that created, opened or changed the default database."""
    before = _default_database_state()
    yield
    after = _default_database_state()
    changed = _changed(before, after)
    if changed:
        request.config.stash[_SESSION_START] = after  # this test takes the blame, not the session
        pytest.fail(WROTE_DEFAULT.format(who="This test", path=DEFAULT_DATABASE,
                                         files=", ".join(changed)), pytrace=False)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by them
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every PostgreSQL case (a backend parameter "postgresql", from `db_url` or a module's
    own backend fixture) `postgres`, and every test of a live Redis `redis`."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec and any(isinstance(v, str) and v == "postgresql"
                            for v in callspec.params.values()):
            item.add_marker(pytest.mark.postgres)
        if "redis_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.redis)


# Every test database gets this disclosure secret instead of its own random one, so perturbed
# figures are the same in every run and on both backends.
TEST_DISCLOSURE_SECRET = "0" * 63 + "1"


def _migrate(url: str) -> None:
    initialise(url, sessionmaker(engine_for(url)))
    with engine_for(url).begin() as conn:
        conn.execute(text("UPDATE disclosure_key SET secret = :s"), {"s": TEST_DISCLOSURE_SECRET})
    engine_for(url).dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


def drop_database(name: str) -> None:
    """Drop a test's PostgreSQL database. WITH (FORCE) ends connections a test left open; it
    may not end an autovacuum worker (not our role's), which visits a database some time after
    a large load, but a plain DROP stops autovacuum itself."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except ProgrammingError as error:
        if "pg_signal_backend" not in str(error):
            raise
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_ADMIN_URL:
        message = "PostgreSQL tests need TEST_POSTGRES_URL (make test and .ci/run set it)"
        if IN_CI:
            pytest.fail(message + "; under CI=true they must run")
        pytest.skip(message)
    name = f"asg_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    _migrate(url)
    yield name
    drop_database(name)


@contextmanager
def fresh_database(request: pytest.FixtureRequest, folder: Path, backend: str,
                   label: str = "test") -> Iterator[str]:
    """A new database with the schema and the agency registry on `backend` (a copy of the
    session's template), dropped afterwards; PostgreSQL skips, or fails under CI, without a
    server."""
    if backend == "sqlite":
        path = folder / f"{label}.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        try:
            yield url
        finally:
            engine_for(url).dispose()
        return
    template = request.getfixturevalue("pg_template")
    name = f"asg_{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    admin.dispose()
    try:
        yield url
    finally:
        engine_for(url).dispose()
        drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL with the schema and the agency registry, per backend."""
    with fresh_database(request, tmp_path, request.param) as url:
        yield url


@pytest.fixture
def redis_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A live Redis server's URL (TEST_REDIS_URL: `make test` and .ci/run start one on
    loopback), emptied before and after the test. Skips without one, and fails under CI.
    The test is marked in the JUnit report (property service=redis) for .ci/ran.py."""
    request.node.user_properties.append(("service", "redis"))
    if not REDIS_URL:
        message = "live-Redis tests need TEST_REDIS_URL (make test and .ci/run set it)"
        if IN_CI:
            pytest.fail(message + "; under CI=true they must run")
        pytest.skip(message)
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


@pytest.fixture
def sessions(db_url: str) -> sessionmaker[Session]:
    """A session factory on the fresh database."""
    return sessionmaker(engine_for(db_url), expire_on_commit=False)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite database only (for tests about the embedded default)."""
    path = tmp_path / "only.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    yield url
    engine_for(url).dispose()


@pytest.fixture(scope="session")
def samples() -> Path:
    """Real-world sample formats with fake children (tests/data/samples; each folder's
    SOURCES.md says where its files come from)."""
    return SAMPLES


# The demo slice the dashboard tests read: three quarters, about 50,000 rows.
DEMO_SLICE = (Quarter.parse("2024-25 Q3"), Quarter.parse("2025-26 Q1"))


def demo_sqlite(template: Path, folder: Path, first: Quarter, last: Quarter) -> str:
    """A copy of the migrated template with the demo returns from `first` to `last` loaded."""
    path = folder / "demo.sqlite3"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    load_demo(sessionmaker(engine_for(url), expire_on_commit=False), first=first, last=last)
    return url


@pytest.fixture(scope="session")
def demo_slice_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SQLite database with DEMO_SLICE loaded, shared read-only by the dashboard tests."""
    url = demo_sqlite(sqlite_template, tmp_path_factory.mktemp("demo"), *DEMO_SLICE)
    yield url
    engine_for(url).dispose()


@pytest.fixture(scope="session")
def demo_settings(demo_slice_url: str) -> Settings:
    """Settings of an app on the shared demo slice."""
    return Settings.from_env(environ={}, database_url=demo_slice_url, secret_key="test")


@pytest.fixture(scope="session")
def demo_services(demo_settings: Settings) -> Services:
    """The services an app on the shared demo slice hands its handlers."""
    return Services.from_settings(demo_settings)
