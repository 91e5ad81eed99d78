"""The dashboard in a real browser: the returns page (/returns) lists a loaded return; links keep
filters."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from dash.testing.wait import until
from selenium.webdriver.support.select import Select
from sqlalchemy.orm import sessionmaker

from app import create_app
from config import Settings
from db.engine import engine_for
from db.importer import load_path
from layouts import ids
from layouts.returns import ALL
from tests.accounts import start_signed_in

pytestmark = pytest.mark.browser

QUARTER = "2009-10 Q2"


@pytest.fixture
def dashboard(sqlite_url, samples):
    """The app on a fresh migrated SQLite database holding one Annex A return (LA 330)."""
    sessions = sessionmaker(engine_for(sqlite_url), expire_on_commit=False)
    report = load_path(sessions, samples / "annex-a" / "Annex_A_2024_Jan.xlsx", user="test",
                       agency="330", quarter=QUARTER)
    assert report.ok, report.text()
    return create_app(Settings(database_url=sqlite_url, secret_key="test"))


def grid_column(dash_duo, field: str) -> list[str]:
    cells = dash_duo.find_elements(f"#{ids.RETURNS_GRID} .ag-center-cols-container "
                                   f"[col-id='{field}']")
    return [cell.text for cell in cells]


def open_returns(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}/returns")


def test_returns_page_lists_the_loaded_return(dash_duo, dashboard, free_port) -> None:
    open_returns(dash_duo, dashboard, free_port)
    dash_duo.wait_for_text_to_equal(f"#{ids.RETURNS_COUNT}", "1 return loaded.")
    dash_duo.wait_for_contains_text(f"#{ids.RETURNS_GRID}", QUARTER)
    assert grid_column(dash_duo, "agency_code") == ["330"]
    assert grid_column(dash_duo, "quarter") == [QUARTER]
    assert dash_duo.find_element("h1").text == "Returns loaded"
    assert dash_duo.find_element("header a").text == "ASG Dashboard"
    assert dash_duo.find_element("main").get_attribute("id") == ids.MAIN
    assert dash_duo.get_logs() == []


def test_quarter_in_the_url_keeps_the_filter(dash_duo, dashboard, free_port) -> None:
    open_returns(dash_duo, dashboard, free_port)
    dash_duo.wait_for_text_to_equal(f"#{ids.RETURNS_COUNT}", "1 return loaded.")
    dash_duo.driver.get(f"{dash_duo.server_url}/returns?quarter={quote(QUARTER)}")
    dash_duo.wait_for_text_to_equal(f"#{ids.RETURNS_COUNT}", f"1 return loaded for {QUARTER}.")
    select = dash_duo.find_element(f"#{ids.RETURNS_QUARTER}")
    assert select.get_attribute("value") == QUARTER
    assert grid_column(dash_duo, "agency_code") == ["330"]
    assert dash_duo.driver.current_url.endswith(f"/returns?quarter={quote(QUARTER)}")
    assert dash_duo.get_logs() == []


def test_choosing_a_quarter_puts_it_in_the_url(dash_duo, dashboard, free_port) -> None:
    open_returns(dash_duo, dashboard, free_port)
    dash_duo.wait_for_text_to_equal(f"#{ids.RETURNS_COUNT}", "1 return loaded.")
    Select(dash_duo.find_element(f"#{ids.RETURNS_QUARTER}")).select_by_value(QUARTER)
    dash_duo.wait_for_text_to_equal(f"#{ids.RETURNS_COUNT}", f"1 return loaded for {QUARTER}.")
    until(lambda: dash_duo.driver.current_url.endswith(f"/returns?quarter={quote(QUARTER)}"), 4)
    Select(dash_duo.find_element(f"#{ids.RETURNS_QUARTER}")).select_by_value(ALL)
    dash_duo.wait_for_text_to_equal(f"#{ids.RETURNS_COUNT}", "1 return loaded.")
    until(lambda: dash_duo.driver.current_url == f"{dash_duo.server_url}/returns", 4)
    assert dash_duo.get_logs() == []
