"""What the app keeps between requests never outlives the data it came from: after a return is
loaded, the next request shows its numbers, in the worker that had the old figures and in any
other, on SQLite and PostgreSQL; and a request reads the data version once, however many
questions its page asks. With a live Redis (TEST_REDIS_URL), workers share answers through it,
and two databases on one Redis never read each other's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import redis
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from app import create_app
from callbacks import chart_pages as chart_pages_callbacks
from config import Settings
from db.engine import engine_for
from db.published import read_published, store_published
from db.importer import load_path
from layouts import ids
from metrics.published import SOURCE as PUBLISHED_SOURCE
from tests.accounts import signed_in_client
from tests.builders import valid_return
from tests.conftest import fresh_database
from tests.app.test_security import OWN, callback_request
from tests.db.test_published import NATIONAL

AGENCY, QUARTER = "942", "2024-25 Q3"
STATE = {"scope": AGENCY, "quarter": QUARTER, "window": 4, "compare": []}


def load(url: str, folder: Path, extra_waiting: int) -> None:
    """942's return for the quarter, with one child waiting (C002) and `extra_waiting` more."""
    file = valid_return(AGENCY, QUARTER)
    for n in range(extra_waiting):
        file.add_row("children", like=3, child_id=f"W{n:03}")
    path = file.write(folder / f"return-{extra_waiting}.zip")
    report = load_path(sessionmaker(engine_for(url)), path, user="tests")
    assert report.status == "loaded", [issue.line() for issue in report.issues]


def worker(url: str, redis_url: str = "") -> tuple[Dash, FlaskClient]:
    """An app as one gunicorn worker holds it, with 942's analyst signed in (who sees small
    numbers unsuppressed); its answer cache is Redis when `redis_url` is given."""
    app = create_app(Settings.from_env(environ={}, database_url=url, secret_key="test",
                                       redis_url=redis_url))
    return app, signed_in_client(app, "ana", "analyst", [AGENCY])


def count_work(monkeypatch) -> list[str]:
    """The pages whose cards are worked out from here on, rather than read from the cache."""
    worked_out: list[str] = []
    real = chart_pages_callbacks.page_cards

    def counted(services, slug, state):
        worked_out.append(slug)
        return real(services, slug, state)

    monkeypatch.setattr(chart_pages_callbacks, "page_cards", counted)
    return worked_out


def api_waiting(client: FlaskClient) -> float:
    response = client.get("/api/v1/measures/children_waiting",
                          query_string={"scope": AGENCY, "quarter": QUARTER})
    assert response.status_code == 200, response.get_data(as_text=True)
    [row] = response.get_json()["rows"]
    return row["value"]


def card_title(app: Dash, client: FlaskClient) -> str:
    """The Overview's "Children waiting" card title, as the page's callback answers it."""
    body = callback_request(app, f"{ids.OVERVIEW_CARDS}.children",
                            {f"{ids.FILTER_STATE}.data": STATE})
    response = client.post("/_dash-update-component", json=body, headers={"Origin": OWN})
    assert response.status_code == 200
    title_id = ids.chart_title("children_waiting")

    def find(node):
        if isinstance(node, dict):
            if node.get("props", {}).get("id") == title_id:
                return node["props"]["children"]
            return next((t for v in node.values() if (t := find(v)) is not None), None)
        if isinstance(node, list):
            return next((t for v in node if (t := find(v)) is not None), None)
        return None

    return find(json.loads(response.get_data(as_text=True)))


def test_a_loaded_return_shows_in_the_next_request_of_every_worker(db_url: str, tmp_path: Path) -> None:
    load(db_url, tmp_path, extra_waiting=0)
    (app_a, a), (app_b, b) = worker(db_url), worker(db_url)
    assert api_waiting(a) == api_waiting(b) == 1
    assert card_title(app_a, a) == card_title(app_b, b) == f"Children waiting: 1 in {QUARTER}"

    load(db_url, tmp_path, extra_waiting=3)  # a new version of the same return

    assert api_waiting(a) == api_waiting(b) == 4
    assert card_title(app_a, a) == card_title(app_b, b) == f"Children waiting: 4 in {QUARTER}"


def test_a_page_reads_the_data_version_once(db_url: str, tmp_path: Path) -> None:
    load(db_url, tmp_path, extra_waiting=0)
    app, client = worker(db_url)
    card_title(app, client)  # the quarters' rows are read and kept
    statements: list[str] = []
    engine = engine_for(db_url)
    listen = lambda conn, cursor, sql, *rest: statements.append(sql)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        card_title(app, client)  # eight charts, each asking for rows
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    versions = [s for s in statements if "max(return.id)" in s.lower()]
    assert len(versions) == 1, statements


def test_a_kept_answer_is_reused_for_the_same_view_only(sqlite_url: str, tmp_path: Path,
                                                         monkeypatch) -> None:
    """The analyst's cards are kept and given again, without working them out; a viewer asking
    the same question gets their own, suppressed answer, never the analyst's."""
    load(sqlite_url, tmp_path, extra_waiting=0)
    app, analyst = worker(sqlite_url)
    viewer = signed_in_client(app, "vera", "viewer")
    assert card_title(app, analyst) == f"Children waiting: 1 in {QUARTER}"

    worked_out = count_work(monkeypatch)
    assert card_title(app, analyst) == f"Children waiting: 1 in {QUARTER}"
    assert worked_out == []  # the kept answer
    assert card_title(app, viewer) == f"Children waiting in {QUARTER}: confidential"
    assert worked_out == ["overview"]  # another view of the data: its own answer


def test_workers_share_answers_through_redis_and_a_load_moves_them_on(
        db_url: str, redis_url: str, tmp_path: Path, monkeypatch) -> None:
    """Two workers on one live Redis: what one worked out, the other reads; a viewer gets their
    own suppressed answer; after a load both show the new number, worked out once."""
    load(db_url, tmp_path, extra_waiting=0)
    (app_a, a), (app_b, b) = worker(db_url, redis_url), worker(db_url, redis_url)
    worked_out = count_work(monkeypatch)

    assert card_title(app_a, a) == f"Children waiting: 1 in {QUARTER}"
    assert worked_out == ["overview"]
    assert card_title(app_b, b) == f"Children waiting: 1 in {QUARTER}"
    assert worked_out == ["overview"]  # B read A's answer from Redis
    assert redis.Redis.from_url(redis_url).keys("asg:*")

    viewer = signed_in_client(app_b, "vera", "viewer")
    assert card_title(app_b, viewer) == f"Children waiting in {QUARTER}: confidential"
    assert len(worked_out) == 2

    load(db_url, tmp_path, extra_waiting=3)
    assert card_title(app_b, b) == f"Children waiting: 4 in {QUARTER}"
    assert card_title(app_a, a) == f"Children waiting: 4 in {QUARTER}"
    assert len(worked_out) == 3  # B worked out the new answer; A read it


def test_two_databases_on_one_redis_keep_their_own_answers(
        request: pytest.FixtureRequest, redis_url: str, tmp_path: Path) -> None:
    """Staging beside production, or a database made again from nothing: the same return ids
    with other rows. Each app reads only its own answers from the shared Redis."""
    titles = []
    for extra in (0, 3):
        folder = tmp_path / f"db{extra}"
        folder.mkdir()
        with fresh_database(request, folder, "sqlite") as url:
            load(url, folder, extra_waiting=extra)
            titles.append(card_title(*worker(url, redis_url)))
    assert titles == [f"Children waiting: 1 in {QUARTER}", f"Children waiting: 4 in {QUARTER}"]


def test_a_cache_that_cannot_be_reached_is_worked_around(sqlite_url: str, tmp_path: Path,
                                                          caplog) -> None:
    load(sqlite_url, tmp_path, extra_waiting=0)
    app = create_app(Settings.from_env(environ={}, database_url=sqlite_url, secret_key="test",
                                       redis_url="redis://127.0.0.1:1/0"))  # nothing listens there
    client = signed_in_client(app, "ana", "analyst", [AGENCY])
    assert card_title(app, client) == f"Children waiting: 1 in {QUARTER}"
    assert card_title(app, client) == f"Children waiting: 1 in {QUARTER}"
    warnings = [r.getMessage() for r in caplog.records if "answer cache" in r.getMessage()]
    assert len(warnings) == 1 and "working without it" in warnings[0]


def test_the_app_is_set_up_before_its_first_request(sqlite_url: str) -> None:
    """Dash sets itself up on its first request, marking that done before it has registered the
    scripts it may serve: with gunicorn's threads, a worker's first page asked for scripts in
    that gap and got 500s (seen in bench/scale.py). create_app does the set-up itself."""
    app = create_app(Settings.from_env(environ={}, database_url=sqlite_url, secret_key="test"))
    assert {"dash", "dash_bootstrap_components", "dash_ag_grid"} <= set(app.registered_paths)
    page = signed_in_client(app, "ana", "analyst", [AGENCY]).get("/").get_data(as_text=True)
    for script in re.findall(r'src="/_dash-component-suites/([^/"]+)/', page):
        assert script in app.registered_paths


def test_published_figures_loaded_show_in_the_next_request(sqlite_url: str, tmp_path: Path) -> None:
    """Loading published figures moves the data version as a return does: the page asked again
    draws England's published figure, not the answer kept from before the load."""
    load(sqlite_url, tmp_path, extra_waiting=0)
    app, client = worker(sqlite_url)

    def overview() -> str:
        state = {**STATE, "quarter": "2024-25 Q4", "compare": ["england-published"]}
        body = callback_request(app, f"{ids.OVERVIEW_CARDS}.children", {f"{ids.FILTER_STATE}.data": state})
        response = client.post("/_dash-update-component", json=body, headers={"Origin": OWN})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    before = overview()
    assert PUBLISHED_SOURCE not in before
    store_published(sessionmaker(engine_for(sqlite_url)), read_published(NATIONAL), "tests")
    assert PUBLISHED_SOURCE in overview()
