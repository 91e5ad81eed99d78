"""The chart pages beyond the Overview (Timeliness, Sufficiency, Children waiting, Adopters,
Adopters waiting, Special guardianship) in a real browser, on three quarters of demo returns: they
render every card without console errors, changing the agency and the quarter changes their numbers, and a
link with filters opens the same view in a fresh browser once its user signs in there. Every
test signs in as a viewer first."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest

from dash.testing.wait import until
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select

from app import create_app
from config import Settings
from layouts import ids
from tests.accounts import sign_in_in_browser, start_signed_in
from tests.browser.chromium import chromium_options
from tests.chart_page_helpers import expected, page_charts
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

FIRST, LAST = DEMO_SLICE
PAGES = {
    "/timeliness": ("Timeliness", page_charts("timeliness"), "timeliness_a10"),
    "/sufficiency": ("Sufficiency", page_charts("sufficiency"), "sufficiency_supply"),
    "/children-waiting": ("Children waiting", page_charts("children_waiting"), "waiting_by_age_year"),
    "/adopters": ("Adopters", page_charts("adopters"), "adopters_funnel"),
    "/adopters-waiting": ("Adopters waiting", page_charts("adopters_waiting"),
                          "adopters_approval_to_match"),
    "/special-guardianship": ("Special guardianship", page_charts("special_guardianship"),
                              "sgos_by_age_band"),  # on the board too
    "/fair-comparison": ("Fair comparison", page_charts("fair_comparison"), "fair_a2_funnel"),
}


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def titles(driver, charts: tuple[str, ...]) -> dict[str, str] | None:
    """The cards' titles (textContent: a card under the loading overlay still has its title);
    None while the cards are being replaced or not there yet."""
    try:
        return {c: driver.find_element(By.ID, ids.chart_title(c)).get_attribute("textContent")
                for c in charts}
    except (StaleElementReferenceException, NoSuchElementException):
        return None


def text_of(driver, element_id: str) -> str | None:
    try:
        return driver.find_element(By.ID, element_id).text
    except (StaleElementReferenceException, NoSuchElementException):
        return None


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_and_follows_the_agency(dash_duo, dashboard, demo_services, free_port, path) -> None:
    heading, charts, tile_chart = PAGES[path]
    tile = f"#{ids.tile_value(tile_chart)}"
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}{path}")
    england, england_title = expected(demo_services, tile_chart, scope="england", quarter=str(LAST))
    dash_duo.wait_for_text_to_equal(tile, england)
    assert dash_duo.find_element("h1").text == heading
    assert len(dash_duo.find_elements(".chart-card")) == len(charts)
    assert dash_duo.find_element(f"#{ids.chart_title(tile_chart)}").text == england_title
    nav = [a.get_attribute("pathname") for a in dash_duo.find_elements("header nav a")]
    assert "/timeliness" in nav and "/sufficiency" in nav
    until(lambda: f"quarter={quote(str(LAST))}" in dash_duo.driver.current_url, 4)
    assert dash_duo.get_logs() == []

    Select(dash_duo.find_element(f"#{ids.FILTER_REGION}")).select_by_value("London")
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_AGENCY}", "Adopt London South (RAA ALS)")
    als, als_title = expected(demo_services, tile_chart, scope="ALS", quarter=str(LAST))
    assert als != england
    dash_duo.wait_for_text_to_equal(tile, als)
    until(lambda: "scope=ALS" in dash_duo.driver.current_url, 4)
    assert dash_duo.find_element(f"#{ids.chart_title(tile_chart)}").text == als_title
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("path", list(PAGES))
def test_a_link_with_filters_reopens_the_view(dash_duo, dashboard, demo_services, free_port, path) -> None:
    _, charts, tile_chart = PAGES[path]
    tile = f"#{ids.tile_value(tile_chart)}"
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}{path}")
    dash_duo.wait_for_text_to_equal(tile, expected(demo_services, tile_chart, scope="england",
                                                   quarter=str(LAST))[0])
    Select(dash_duo.find_element(f"#{ids.FILTER_REGION}")).select_by_value("London")
    dash_duo.select_dcc_dropdown(f"#{ids.FILTER_AGENCY}", "Adopt London South (RAA ALS)")
    # Each change waits for the page to settle, so no change races the previous one's answer.
    dash_duo.wait_for_text_to_equal(tile, expected(demo_services, tile_chart, scope="ALS",
                                                   quarter=str(LAST))[0])
    Select(dash_duo.find_element(f"#{ids.FILTER_QUARTER}")).select_by_value("2024-25 Q4")
    until(lambda: f"quarter={quote('2024-25 Q4')}" in dash_duo.driver.current_url, 4)
    dash_duo.wait_for_text_to_equal(tile, expected(demo_services, tile_chart, scope="ALS",
                                                   quarter="2024-25 Q4")[0])
    Select(dash_duo.find_element(f"#{ids.FILTER_WINDOW}")).select_by_value("1")
    value, _ = expected(demo_services, tile_chart, scope="ALS", quarter="2024-25 Q4", window=1)
    dash_duo.wait_for_text_to_equal(tile, value)
    until(lambda: dash_duo.driver.current_url.endswith(
        f"{path}?scope=ALS&quarter={quote('2024-25 Q4')}&window=1"), 4)
    seen = {c: expected(demo_services, c, scope="ALS", quarter="2024-25 Q4", window=1)[1] for c in charts}
    until(lambda: titles(dash_duo.driver, charts) == seen, 10)
    link = dash_duo.driver.current_url
    assert dash_duo.get_logs() == []

    # The link in a fresh browser (a new Chromium: nothing carried over but the same user
    # signing in) opens the same view.
    options = chromium_options()
    options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    fresh = webdriver.Chrome(options=options)
    try:
        sign_in_in_browser(fresh, dash_duo.server_url, "viewer")  # start_signed_in's user
        # The form's answer must have set the session cookie before the link is opened.
        until(lambda: urlsplit(fresh.current_url).path == "/", 10)
        fresh.get(link)
        until(lambda: text_of(fresh, ids.tile_value(tile_chart)) == value, 15)
        until(lambda: titles(fresh, charts) == seen, 10)
        chosen = {c: fresh.find_element(By.ID, c).get_attribute("value")
                  for c in (ids.FILTER_REGION, ids.FILTER_QUARTER, ids.FILTER_WINDOW)}
        assert chosen == {ids.FILTER_REGION: "London", ids.FILTER_QUARTER: "2024-25 Q4",
                          ids.FILTER_WINDOW: "1"}
        assert [e for e in fresh.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        fresh.quit()
