"""The Data quality page and board mode in a real browser, on two quarters of demo returns
(ASP makes no return for 2025-26 Q2 in the demo): the page renders without console errors and
marks the missing return; `?present=1` has no filter bar, names its filters in one line, and
a clicker's keys move between the board's pages (the chart pages) keeping the query string.
(tests/browser/test_board_mode.py checks that each board page fits one screen.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from app import create_app
from config import Settings
from db.engine import engine_for
from layouts import ids
from tests.accounts import start_signed_in
from metrics.quarters import Quarter
from tests.conftest import demo_sqlite

pytestmark = pytest.mark.browser

FIRST, LAST = Quarter.parse("2025-26 Q1"), Quarter.parse("2025-26 Q2")
QUERY = f"?scope=ALS&quarter={quote(str(FIRST))}&window=4&present=1"


@pytest.fixture(scope="module")
def demo_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url = demo_sqlite(sqlite_template, tmp_path_factory.mktemp("quality"), FIRST, LAST)
    yield url
    engine_for(url).dispose()


@pytest.fixture
def dashboard(demo_url: str):
    return create_app(Settings.from_env(environ={}, database_url=demo_url, secret_key="test"))


def press(dash_duo, key: str) -> None:
    ActionChains(dash_duo.driver).send_keys(key).perform()


def here(dash_duo) -> tuple[str, str]:
    url = urlsplit(dash_duo.driver.current_url)
    return url.path, url.query


def test_data_quality_page_marks_a_missing_return(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}/data-quality?scope=england&quarter={quote(str(LAST))}")
    dash_duo.wait_for_element("#quality-row-ASP", timeout=10)
    assert dash_duo.find_element("h1").text == "Data quality"
    cells = dash_duo.find_elements("#quality-row-ASP td")
    assert len(cells) == 8  # the last eight quarters
    last, before = cells[-1], cells[-2]
    assert "missing" in last.get_attribute("textContent") and "—" in last.text
    assert "quality-grid__missing" in last.get_attribute("class")
    assert before.text == "1"  # its 2025-26 Q1 return, version 1
    assert "missing" in cells[0].get_attribute("textContent")  # before the demo's first quarter
    assert dash_duo.find_element("#quality-row-ALS td:last-child").text == "1"
    dash_duo.wait_for_contains_text(f"#{ids.QUALITY_WARNINGS_COUNT}", "stored with the 2025-26 Q2 returns")
    dash_duo.wait_for_element(f"#{ids.chart_title('completeness')}", timeout=10)
    assert [b.text for b in dash_duo.find_elements(".chart-card__download")] == [
        "Download CSV", "Download XLSX", "Download PNG", "Download SVG"]
    # The header links to the page.
    assert dash_duo.find_element(".site-header__links a[href='/data-quality']").text == "Data quality"
    assert dash_duo.get_logs() == []


def test_board_mode_has_no_filter_bar_and_names_its_filters(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}/{QUERY}")
    dash_duo.wait_for_element(f"#{ids.tile_value('children_waiting')}", timeout=10)
    assert dash_duo.find_elements(".board-mode")
    assert dash_duo.find_elements(".filters") == []
    for control in (ids.FILTER_REGION, ids.FILTER_AGENCY, ids.FILTER_QUARTER, ids.FILTER_WINDOW):
        assert dash_duo.find_elements(f"#{control}") == []
    dash_duo.wait_for_contains_text(".board-caption", "Adopt London South")
    caption = dash_duo.find_element(".board-caption").text
    # ALS's one return for the quarter is in.
    assert caption == f"Adopt London South · {FIRST} · year to {FIRST} · returns: 1 of 1"
    # Direct labels instead of a legend on the trend charts.
    card = f"#{ids.chart_part('card', 'children_waiting')}"
    until(lambda: dash_duo.find_elements(f"{card} .annotation-text"), 4)
    assert dash_duo.find_elements(f"{card} .legend") == []
    size = dash_duo.driver.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('.board-mode')).fontSize)")
    assert size >= 18  # board type: nothing under 18 px (test_board_mode.py measures every text)
    assert dash_duo.get_logs() == []


def test_clicker_keys_move_between_pages_keeping_the_filters(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    query = QUERY.lstrip("?")
    # The Data quality page in board mode: no controls; not in the board's sequence (its grid,
    # a row per agency, does not fit one screen), so the next key starts the sequence.
    dash_duo.driver.get(f"{dash_duo.server_url}/data-quality{QUERY}")
    dash_duo.wait_for_element("#quality-row-ALS", timeout=10)
    assert dash_duo.find_elements(".filters") == [] and dash_duo.find_elements(".board-mode")
    assert [a.get_attribute("pathname") for a in dash_duo.find_elements("header nav a[data-board]")] \
        == ["/", "/timeliness", "/sufficiency", "/children-waiting", "/adopters",
            "/adopters-waiting", "/special-guardianship", "/fair-comparison"]

    press(dash_duo, Keys.ARROW_RIGHT)
    until(lambda: here(dash_duo) == ("/", query), 5)
    dash_duo.wait_for_element(f"#{ids.tile_value('children_waiting')}", timeout=10)

    # From the Overview, the next page is Timeliness, and back; there is none before the first.
    press(dash_duo, Keys.PAGE_DOWN)
    until(lambda: here(dash_duo) == ("/timeliness", query), 5)
    dash_duo.wait_for_text_to_equal("h1", "Timeliness")
    press(dash_duo, Keys.PAGE_UP)
    until(lambda: here(dash_duo) == ("/", query), 5)
    dash_duo.wait_for_element(f"#{ids.tile_value('children_waiting')}", timeout=10)
    press(dash_duo, Keys.ARROW_LEFT)
    assert here(dash_duo) == ("/", query)

    # The header's links keep the query too.
    dash_duo.find_element(".site-header__links a[href='/sufficiency']").click()
    until(lambda: here(dash_duo) == ("/sufficiency", query), 5)
    dash_duo.wait_for_text_to_equal("h1", "Sufficiency")
    assert dash_duo.get_logs() == []
