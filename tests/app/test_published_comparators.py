"""Published figures beside the board's own: the data API's `compare=england-published` (and
the region's), a chart's frame, figure and caption, the filter bar's choices and the board
pack. The store holds no returns at all here, as a regional board's store holds none for the
rest of England: England's published figure then stands in for its own.
"""

from __future__ import annotations

import html
import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from pypdf import PdfWriter
from sqlalchemy.orm import sessionmaker

import server.images as images
from callbacks.chart_pages import chart_view
from callbacks.filters import compare_options, resolve_filters
from server.services import Services
from charts import CHARTS
from charts.figures import trend_figure
from charts.frames import replaces_england
from charts.words import caption, england_stands_in, headlines
from config import Settings
from db.engine import engine_for
from db.published import read_published, store_published
from tests.app.test_api import client_for
from tests.db.test_published import NATIONAL, REGIONAL

ENGLAND_YEAR = {"scope": "england", "quarter": "2024-25 Q4", "window": 4}


@pytest.fixture(scope="module")
def url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("published") / "store.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    sessions = sessionmaker(engine_for(url), expire_on_commit=False)
    for file in (NATIONAL, REGIONAL):
        store_published(sessions, read_published(file), "ann")
    yield url
    engine_for(url).dispose()


@pytest.fixture(scope="module")
def client(url: str) -> FlaskClient:
    return client_for(url)


@pytest.fixture(scope="module")
def services(url: str) -> Services:
    return Services.from_settings(Settings.from_env(environ={}, database_url=url, secret_key="test"))


def rows(client: FlaskClient, measure: str, **params: str) -> list[dict]:
    response = client.get(f"/api/v1/measures/{measure}", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["rows"]


# ---------------------------------------------------------------- the data API


def test_england_published_is_a_row_beside_englands_own(client: FlaskClient) -> None:
    found = rows(client, "adoption_orders", **ENGLAND_YEAR, compare="england-published")
    assert [r["scope"] for r in found] == ["england", "england-published"]
    assert found[0]["shown"] == "[x]"  # nothing loaded: England's own is not available
    assert found[1] == {
        "scope": "england-published", "scope_name": "England (published)",
        "quarter": "2024-25 Q4", "breakdown": "", "category": "", "value": 3040, "shown": "3,040",
        "cohort": None, "missing_returns": 0, "not_available_reason": "", "partial_returns": 0,
    }


def test_published_rows_only_where_a_published_year_ends(client: FlaskClient) -> None:
    quarterly = rows(client, "adoption_orders", **{**ENGLAND_YEAR, "window": "1"}, compare="england-published")
    assert [r["scope"] for r in quarterly] == ["england"]
    series = rows(client, "adoption_orders", **ENGLAND_YEAR, compare="england-published", **{"from": "2021-22 Q3"})
    published = [(r["quarter"], r["shown"]) for r in series if r["scope"] == "england-published"]
    assert published == [("2021-22 Q4", "2,950"), ("2024-25 Q4", "3,040")]


def test_a_breakdown_and_the_regions_published_figures_with_symbols(client: FlaskClient) -> None:
    by_guardian = rows(client, "sgos", **ENGLAND_YEAR, by="guardian", compare="england-published")
    assert [(r["category"], r["value"], r["shown"]) for r in by_guardian if r["scope"] == "england-published"] == [
        ("E48", 110, "110"), ("E47", 910, "910")]
    # Darlington (841) is in the North East: `region-published` is its region's published figure.
    darlington = rows(client, "sgos", scope="841", quarter="2024-25 Q4", window="4", by="guardian",
                      compare="region-published")
    [symbol] = [r for r in darlington if r["scope"] == "region:North East-published"]
    assert (symbol["scope_name"], symbol["value"], symbol["shown"]) == ("North East (published)", None, "c")
    ages = rows(client, "adoption_orders", scope="region:North East", quarter="2024-25 Q4", window="4",
                by="age_band", compare="region:north east-published")
    assert [(r["category"], r["shown"]) for r in ages if r["scope"].endswith("-published")] == [
        ("Under 1", "z"), ("1-4", "x"), ("Total", "170")]


def test_a_bad_published_compare_is_a_400(client: FlaskClient) -> None:
    response = client.get("/api/v1/measures/adoption_orders", query_string={
        **ENGLAND_YEAR, "compare": "region-published"})
    assert response.status_code == 400 and "England has none" in response.get_json()["error"]


def test_the_csv_carries_the_published_row(client: FlaskClient) -> None:
    response = client.get("/api/v1/measures/adoption_orders", query_string={
        **ENGLAND_YEAR, "compare": "england-published", "format": "csv"})
    assert "england-published,England (published),2024-25 Q4,,,3040,\"3,040\",,0,,0" in response.get_data(as_text=True)


# ---------------------------------------------------------------- charts


def test_a_chart_draws_england_published_as_its_own_marker_with_its_year(services: Services) -> None:
    state = {**ENGLAND_YEAR, "compare": ["england-published"]}
    shown = chart_view(services, CHARTS["adoption_orders"], state)
    query, frame = shown.query, shown.frame
    figure = trend_figure(frame)
    [published] = [t for t in figure["data"] if t["mode"] == "markers"]
    assert published["name"] == "England (published) 2024-25"
    assert published["x"] == ["2024-25 Q4"] and published["y"] == [3040.0]
    assert published["text"] == ["3,040 (2024-25)"]
    assert "England (published): DfE, Children looked after in England including adoptions" in caption(frame, query)
    assert shown.requests[0].params["compare"] == "england-published"
    assert not england_stands_in(frame, query)  # asked for beside England's own, not instead


def test_with_no_returns_for_the_rest_of_england_the_published_figure_stands_in(services: Services) -> None:
    chart = CHARTS["adoption_orders"]
    state = {"scope": "region:North East", "quarter": "2024-25 Q4", "window": 4, "compare": []}
    shown = chart_view(services, chart, state)
    query, frame = shown.query, shown.frame
    assert replaces_england(query, services.measures) and england_stands_in(frame, query)
    assert list(dict.fromkeys(frame["scope"])) == ["region:North East", "england-published"]
    assert ("England (published)", "3,040") in [(h.label, h.shown) for h in headlines(frame, query)]
    assert "England is the published figure: the store holds returns for too little of England" in caption(frame, query)
    assert shown.requests[0].params["compare"] == "england-published"
    # Charts of the scope and England only (not the Overview's benchmarks) draw England's own.
    trend = chart_view(services, CHARTS["sgo_share_trend"], state)
    assert "england" in set(trend.frame["scope"]) and "england-published" not in set(trend.frame["scope"])
    # In a quarter no published year fits, the caption still says whose England it is.
    other = chart_view(services, chart, {**state, "window": 1})
    assert "england" not in set(other.frame["scope"])
    assert "England's published figures are years to 31 March: none for this period." in other.caption


def test_the_filter_bar_offers_and_keeps_the_published_comparators(services: Services) -> None:
    geography = services.measures.geography()
    values = [o["value"] for o in compare_options(geography)]
    assert values[:2] == ["england", "england-published"]
    assert "region:North East-published" in values
    view = resolve_filters(geography, ["2024-25 Q4"], "england", None, "2024-25 Q4", "4",
                           ["england-published", "nowhere-published"])
    assert view.state["compare"] == ["england-published"]
    assert "compare=england-published" in view.search


# ---------------------------------------------------------------- the board pack


def test_the_board_pack_shows_the_published_comparator(services: Services, monkeypatch) -> None:
    printed = []

    def print_pdf(document, browser_path=""):  # Chromium's part is tests/app/test_images_board_pack.py's
        printed.append(document)
        writer, out = PdfWriter(), io.BytesIO()
        writer.add_blank_page(10, 10)
        writer.write(out)
        return out.getvalue()

    monkeypatch.setattr(images, "print_pdf", print_pdf)
    state = {"scope": "region:North East", "quarter": "2024-25 Q4", "window": 4, "compare": []}
    assert images.board_pack(services, state).startswith(b"%PDF")
    texts = [" ".join(html.unescape(caption).split())
             for caption in re.findall(r"<p class='caption'>(.*?)</p>", printed[0])]
    adoption = [t for t in texts if "Adoption orders, children." in t]
    assert adoption and "England is the published figure" in adoption[0]
    assert "England (published) 2024-25: 3,040." in adoption[0], adoption[0]  # the figure, read
    assert "England (published): DfE" in adoption[0]
