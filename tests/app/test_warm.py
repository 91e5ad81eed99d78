"""gunicorn.conf.py's warm-up: the master reads every quarter and works out each chart page's
England rows before the workers fork, so a first visit reads no rows from the database, and
warm answers are the same numbers as cold ones."""

from __future__ import annotations

import importlib.util
from types import ModuleType, SimpleNamespace

import pandas as pd
import pytest
from sqlalchemy import event

from app import create_app
from callbacks.chart_pages import chart_view
from charts import PAGE_OF, PAGES
from server.services import Services
from charts.funnels import is_funnel
from charts.projected import is_projection
from server.warm import services_of
from config import PROJECT_ROOT
from db.engine import engine_for

ROW_TABLES = ("child", "adopter", "special_guardianship", "support")


def gunicorn_config() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gunicorn_conf", PROJECT_ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_master(server) -> list[str]:
    """Run the config's on_starting hook as gunicorn's arbiter would; what it logged."""
    logged: list[str] = []
    arbiter = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: server),
                              log=SimpleNamespace(info=lambda text, args: logged.append(text % args)))
    gunicorn_config().on_starting(arbiter)
    return logged


class Statements:
    """The SQL an engine runs while the block is open."""

    def __init__(self, url: str) -> None:
        self.engine, self.seen = engine_for(url), []

    def _record(self, conn, cursor, statement, *args) -> None:
        self.seen.append(statement)

    def __enter__(self) -> "Statements":
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def reading(self, table: str) -> list[str]:
        return [s for s in self.seen if f"FROM {table}" in s or f"JOIN {table}" in s]


def page_frames(services: Services, slug: str, scope: str, quarter: str) -> list[pd.DataFrame]:
    state = {"scope": scope, "quarter": quarter, "window": 4, "compare": []}
    return [chart_view(services, chart, state).frame for chart, _ in PAGE_OF[slug].charts]


def test_gunicorn_loads_the_app_once_in_the_master() -> None:
    assert gunicorn_config().preload_app is True


def test_after_the_warm_up_no_page_reads_rows_from_the_database(demo_settings) -> None:
    server = create_app(demo_settings).server
    logged = start_master(server)
    services = services_of(server)
    quarters = services.store.quarters()
    # Every chart at every quarter, funnels (every agency against England) and projections too.
    charts = [chart for page in PAGES for chart, _width in page.charts]
    assert any(is_funnel(chart) for chart in charts) and any(is_projection(chart) for chart in charts)
    warmed = len(quarters) * len(charts)
    assert logged == [f"Caches warmed: {warmed} charts "
                      f"over {len(quarters)} quarters in " + logged[0].rsplit(" in ", 1)[1]]
    with Statements(demo_settings.database_url) as sql:
        for slug in PAGE_OF:
            for quarter in quarters:
                page_frames(services, slug, "england", quarter)
            page_frames(services, slug, "region:North West", quarters[0])
    assert sql.seen, "each answer still checks the data versions"
    assert {t: sql.reading(t) for t in ROW_TABLES} == {t: [] for t in ROW_TABLES}


def test_without_the_warm_up_the_first_page_reads_rows(demo_settings) -> None:
    """The check above can fail: a cold app does read rows for its first page."""
    services = services_of(create_app(demo_settings).server)
    with Statements(demo_settings.database_url) as sql:
        page_frames(services, "overview", "england", services.store.quarters()[0])
    assert sql.reading("child") and sql.reading("adopter")


@pytest.fixture(scope="module")
def warmed(demo_settings) -> Services:
    """The services of an app warmed as gunicorn's master warms it, once for the pages below."""
    server = create_app(demo_settings).server
    start_master(server)
    return services_of(server)


@pytest.mark.parametrize("slug", list(PAGE_OF))
def test_warm_answers_are_the_cold_answers(warmed, demo_settings, slug) -> None:
    warm, cold = warmed, Services.from_settings(demo_settings)
    quarter = cold.store.quarters()[0]
    for scope in ("england", "region:London", "330"):
        for warm_frame, cold_frame in zip(page_frames(warm, slug, scope, quarter),
                                          page_frames(cold, slug, scope, quarter), strict=True):
            pd.testing.assert_frame_equal(warm_frame, cold_frame)


def test_the_warm_up_leaves_no_connection_open_for_a_worker_to_inherit(demo_settings) -> None:
    server = create_app(demo_settings).server
    services_of(server).store.ping()  # a pooled connection, as the app's import leaves one
    start_master(server)
    assert engine_for(demo_settings.database_url).pool.checkedin() == 0
