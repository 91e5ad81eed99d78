"""The Overview and Definitions pages in a real browser, on three quarters of demo returns:
they render without console errors, the filters change the tiles and the URL, a link with
filters reopens the same view, and a chart's CSV download, clicked in the browser, is its
header block above the data API's rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import quote

import pytest

from dash.testing.wait import until
from selenium.webdriver.support.select import Select

from app import create_app
from server.services import Services
from config import Settings
from layouts import ids
from metrics.registry import MEASURES
from tests.accounts import signed_in_client, start_signed_in
from tests.chart_page_helpers import page_charts, view_for
from tests.conftest import DEMO_SLICE
from tests.downloads import BLOCK_LABELS, split_csv, split_xlsx

pytestmark = pytest.mark.browser

OVERVIEW = page_charts("overview")

FIRST, LAST = DEMO_SLICE
TILE = f"#{ids.tile_value('children_waiting')}"
WINDOW_TILE = f"#{ids.tile_value('adoption_orders')}"


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def shown(demo_services: Services, chart: str, **state: object) -> str:
    """What a tile should show for a selection, worked out without the browser."""
    state = {"window": 4, "compare": [], **state}
    return next(h.shown for h in view_for(demo_services, chart, state).headlines if h.main)


def choose(dash_duo, control: str, value: str) -> None:
    Select(dash_duo.find_element(f"#{control}")).select_by_value(value)


def test_overview_and_definitions_render(dash_duo, dashboard, demo_services, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.wait_for_text_to_equal(TILE, shown(demo_services, "children_waiting", scope="england",
                                                quarter=str(LAST)))
    assert dash_duo.find_element("h1").text == "Overview"
    cards = dash_duo.find_elements(".chart-card")
    assert len(cards) == len(OVERVIEW) == 8
    title = dash_duo.find_element(f"#{ids.chart_title('children_waiting')}").text
    assert title.startswith("Children waiting") and str(LAST) in title
    # The defaults are written into the URL, so the first view's link is shareable too.
    until(lambda: f"quarter={quote(str(LAST))}" in dash_duo.driver.current_url, 4)
    assert "scope=england" in dash_duo.driver.current_url
    # The charts are drawn by the small bundle in assets/, and the full plotly.js is never fetched.
    dash_duo.wait_for_element(".chart-card .js-plotly-plot .main-svg")
    fetched = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    plotly_scripts = {url.split("?")[0].rsplit("/", 1)[-1] for url in fetched
                      if "plotly" in url.split("?")[0].rsplit("/", 1)[-1]}
    assert plotly_scripts == {"plotly-basic.min.js"}
    assert dash_duo.get_logs() == []

    dash_duo.driver.get(f"{dash_duo.server_url}/definitions")
    dash_duo.wait_for_text_to_equal("h1", "Definitions")
    sections = dash_duo.find_elements(f"#{ids.DEFINITIONS_LIST} > section")
    assert [s.get_attribute("id") for s in sections] == list(MEASURES)
    assert MEASURES["a2_order_to_match"].definition in dash_duo.find_element("#a2_order_to_match").text
    assert dash_duo.get_logs() == []


def test_filters_change_the_tiles_and_the_url(dash_duo, dashboard, demo_services, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.wait_for_text_to_equal(TILE, shown(demo_services, "children_waiting", scope="england",
                                                quarter=str(LAST)))

    choose(dash_duo, ids.FILTER_REGION, "London")
    dash_duo.wait_for_text_to_equal(TILE, shown(demo_services, "children_waiting",
                                                scope="region:London", quarter=str(LAST)))
    until(lambda: "scope=region%3ALondon" in dash_duo.driver.current_url, 4)

    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_AGENCY}", "Adopt London South (RAA ALS)")
    als_now = shown(demo_services, "children_waiting", scope="ALS", quarter=str(LAST))
    dash_duo.wait_for_text_to_equal(TILE, als_now)
    until(lambda: "scope=ALS" in dash_duo.driver.current_url, 4)

    choose(dash_duo, ids.FILTER_QUARTER, "2024-25 Q4")
    als_before = shown(demo_services, "children_waiting", scope="ALS", quarter="2024-25 Q4")
    assert als_before != als_now  # the demo's numbers move, so the check below means something
    dash_duo.wait_for_text_to_equal(TILE, als_before)
    choose(dash_duo, ids.FILTER_WINDOW, "1")
    one_quarter = shown(demo_services, "adoption_orders", scope="ALS", quarter="2024-25 Q4", window=1)
    dash_duo.wait_for_text_to_equal(WINDOW_TILE, one_quarter)
    until(lambda: dash_duo.driver.current_url.endswith(
        f"/?scope=ALS&quarter={quote('2024-25 Q4')}&window=1"), 4)
    seen = {c: dash_duo.find_element(f"#{ids.tile_value(c)}").text for c in OVERVIEW}
    assert dash_duo.get_logs() == []

    # A fresh load of the link opens the same view.
    dash_duo.driver.get(f"{dash_duo.server_url}/?scope=ALS&quarter=2024-25 Q4&window=1")
    dash_duo.wait_for_text_to_equal(WINDOW_TILE, one_quarter)
    dash_duo.wait_for_text_to_equal(TILE, als_before)
    assert {c: dash_duo.find_element(f"#{ids.tile_value(c)}").text for c in OVERVIEW} == seen
    assert dash_duo.find_element(f"#{ids.FILTER_QUARTER}").get_attribute("value") == "2024-25 Q4"
    assert dash_duo.find_element(f"#{ids.FILTER_REGION}").get_attribute("value") == "London"
    assert dash_duo.get_logs() == []


def test_overview_alias_keeps_the_query(dash_duo, dashboard, demo_services, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}/overview?scope=region:London&quarter=2024-25 Q4&window=12")
    dash_duo.wait_for_text_to_equal(TILE, shown(demo_services, "children_waiting",
                                                scope="region:London", quarter="2024-25 Q4"))
    assert dash_duo.find_element(f"#{ids.FILTER_WINDOW}").get_attribute("value") == "12"
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("chart", ["children_waiting", "a10_care_to_placed_adjusted"])
def test_csv_download_is_the_api_rows(dashboard, demo_services, chart: str) -> None:
    state = {"scope": "ALS", "quarter": "2024-25 Q4", "window": 4, "compare": ["330"]}
    client = signed_in_client(dashboard)
    shown = view_for(demo_services, chart, state)
    download = client.get(shown.file_url("csv"))  # the card's link
    block, body = split_csv(download.get_data())
    # With an area compared, the tile ranks the latest values: its rows are the trend's request
    # (ALS, London, England over 8 quarters) and then the compared area's at the quarter.
    trend_url, peers_url = urls = [url for _, url in shown.api_links]
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{chart}_ALS_2023-24-Q1_to_2024-25-Q4.csv"')
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    api_rows = [*client.get(trend_url).get_json()["rows"], *client.get(peers_url).get_json()["rows"]]
    assert len(rows) == len(api_rows) == 3 * 8 + 1
    assert [r["scope"] for r in api_rows[-1:]] == ["330"]
    assert [r["shown"] for r in rows] == [r["shown"] for r in api_rows]
    assert [r["scope"] for r in rows] == [r["scope"] for r in api_rows]
    assert [r["value"] for r in rows] == ["" if r["value"] is None else str(r["value"]) for r in api_rows]
    # The header block says what the rows are.
    assert list(block) == BLOCK_LABELS
    assert block["Title"] == shown.title
    assert block["Filters"] == ("Area: Adopt London South · Quarter: 2024-25 Q4 · Period: Rolling year"
                                " · Compared with: Birmingham")
    assert block["Period"].startswith("2023-24 Q1 to 2024-25 Q4")
    assert "[c]" in block["Disclosure"] and block["Data API"] == " ".join(urls)
    xlsx = client.get(shown.file_url("xlsx"))
    assert xlsx.headers["Content-Disposition"].endswith('.xlsx"')
    xlsx_block, table = split_xlsx(xlsx.get_data())
    assert xlsx_block == block
    assert [str(c) for c in table[0]] == list(rows[0]) and len(table) == 1 + len(rows)


def test_a_downloaded_csv_is_the_api_s_rows(dash_duo, dashboard, demo_services, free_port) -> None:
    """Clicking a card's Download CSV in the browser saves the header block and the API's rows."""
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}/?scope=ALS&quarter={quote(str(LAST))}&window=4")
    dash_duo.wait_for_text_to_equal(TILE, shown(demo_services, "children_waiting", scope="ALS",
                                                quarter=str(LAST)))
    button = dash_duo.find_element(f"#{ids.chart_part('card', 'children_waiting')} .chart-card__download")
    # The charts draw after the numbers and move the cards; a script click lands wherever it is.
    dash_duo.driver.execute_script("arguments[0].click();", button)
    folder = Path(dash_duo.download_path)
    until(lambda: [p for p in folder.glob("*.csv")], 10)
    saved = next(folder.glob("*.csv"))
    state = {"scope": "ALS", "quarter": str(LAST), "window": 4, "compare": []}
    [(_, url)] = view_for(demo_services, "children_waiting", state).api_links
    api = signed_in_client(dashboard).get(url + "&format=csv")
    block, body = split_csv(saved.read_bytes())
    assert body == api.get_data() and saved.name == api.headers["Content-Disposition"].split('"')[1]
    assert block["Title"].startswith("Children waiting")
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("query, problem", [
    ("scope=ZZZ&quarter=2025-26%20Q1", "There is no agency with the code 'ZZZ'."),
    ("scope=england&quarter=2031-32%20Q1", "No returns are loaded for 2031-32 Q1."),
])
def test_a_link_naming_what_does_not_exist_says_so_and_shows_no_figures(
        dash_duo, dashboard, demo_services, free_port, query, problem) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}/?{query}")
    dash_duo.wait_for_contains_text(f"#{ids.FILTER_MESSAGE}", problem)
    assert dash_duo.find_element(f"#{ids.FILTER_MESSAGE}").text.endswith(
        "Choose an area and a quarter above to see the figures.")
    assert dash_duo.driver.find_elements("css selector", ".chart-card") == []
    # Choosing a quarter brings the figures back.
    Select(dash_duo.find_element(f"#{ids.FILTER_QUARTER}")).select_by_value(str(FIRST))
    dash_duo.wait_for_text_to_equal(TILE, shown(demo_services, "children_waiting", scope="england",
                                                quarter=str(FIRST)))
    assert dash_duo.find_element(f"#{ids.FILTER_MESSAGE}").text == ""
