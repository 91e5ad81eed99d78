"""Signing in and out in Chromium: a page asked for before signing in comes back after it; five
wrong passwords lock the name for a while; sign-out ends the session; a session that has
expired sends an open page back to the sign-in page, and signing in again returns to it."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from dash.testing.wait import until
from selenium.webdriver.support.select import Select

from app import create_app
from server import auth
from config import Settings
from db.users import MAX_FAILED_SIGN_INS
from layouts import ids
from layouts import sign_in as page
from server.warm import services_of
from tests.accounts import PASSWORD, ensure_user, sign_in_in_browser
from tests.browser.test_accessibility import serious_violations, save_screenshot
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

NAME = "board-member"
TIMELINESS = f"/timeliness?scope=region%3ALondon&quarter={quote(str(DEMO_SLICE[1]))}&window=4"


@pytest.fixture
def dashboard(demo_settings: Settings):
    ensure_user(demo_settings, NAME, "viewer")
    return create_app(demo_settings)


def start(dash_duo, dashboard, free_port) -> str:
    dash_duo.start_server(dashboard, navigate=False, port=free_port)
    return dash_duo.server.url


def on_sign_in_page(dash_duo) -> bool:
    return "/sign-in" in dash_duo.driver.current_url and bool(
        dash_duo.driver.find_elements("id", "sign-in-submit"))


def problem(dash_duo) -> str:
    return dash_duo.driver.find_element("id", "sign-in-problem").text


def test_sign_in_returns_to_the_page_asked_for_and_sign_out_ends_it(dash_duo, dashboard, free_port) -> None:
    base = start(dash_duo, dashboard, free_port)
    dash_duo.driver.get(base + TIMELINESS)
    until(lambda: on_sign_in_page(dash_duo), 10)
    assert dash_duo.driver.find_element("tag name", "h1").text == "Sign in"
    assert serious_violations(dash_duo.driver) == []
    save_screenshot(dash_duo.driver, "sign-in")

    dash_duo.driver.find_element("id", "sign-in-name").send_keys(NAME)
    dash_duo.driver.find_element("id", "sign-in-password").send_keys(PASSWORD)
    dash_duo.driver.find_element("id", "sign-in-submit").click()
    dash_duo.wait_for_text_to_equal("h1", "Timeliness", timeout=15)
    # Drawn again: the callbacks have answered before the test's server stops.
    dash_duo.wait_for_element(".chart-card .js-plotly-plot .main-svg", timeout=20)
    assert dash_duo.driver.current_url == base + TIMELINESS
    assert dash_duo.find_element(".site-header__user").text == f"Signed in as {NAME}"

    dash_duo.find_element(f"#{ids.SIGN_OUT}").click()
    until(lambda: on_sign_in_page(dash_duo), 10)
    assert dash_duo.driver.find_element("id", "sign-in-notice").text == page.SIGNED_OUT
    dash_duo.driver.get(base + TIMELINESS)  # the session is gone: asked to sign in again
    until(lambda: on_sign_in_page(dash_duo), 10)


def test_five_wrong_passwords_lock_the_name_even_against_the_right_one(dash_duo, sqlite_url, free_port) -> None:
    # A database of its own: the failures it records must not count against the shared one's.
    settings = Settings(database_url=sqlite_url, secret_key="test", cookie_secure=False)
    ensure_user(settings, "locked-out", "viewer")
    base = start(dash_duo, create_app(settings), free_port)
    for attempt in range(MAX_FAILED_SIGN_INS):
        sign_in_in_browser(dash_duo.driver, base, "locked-out", f"wrong-password-{attempt}")
        until(lambda: dash_duo.driver.find_elements("id", "sign-in-problem"), 10)
        assert problem(dash_duo) == page.WRONG
        # The name is kept, so only the password needs typing again.
        assert dash_duo.driver.find_element("id", "sign-in-name").get_attribute("value") == "locked-out"
    sign_in_in_browser(dash_duo.driver, base, "locked-out")  # the right password, too late
    until(lambda: dash_duo.driver.find_elements("id", "sign-in-problem"), 10)
    # The wait runs from the first failure, so it may have ticked under 14.5 minutes by now.
    assert re.match(r"Too many failed sign-ins\. Wait 1[45] minutes and try again", problem(dash_duo))
    assert on_sign_in_page(dash_duo)


def test_an_expired_session_sends_the_open_page_to_sign_in_and_back(dash_duo, dashboard, free_port,
                                                                     monkeypatch) -> None:
    base = start(dash_duo, dashboard, free_port)
    sign_in_in_browser(dash_duo.driver, base, NAME)
    dash_duo.driver.get(base + TIMELINESS)
    dash_duo.wait_for_text_to_equal("h1", "Timeliness", timeout=15)
    dash_duo.wait_for_element(".chart-card .js-plotly-plot .main-svg", timeout=20)

    # SESSION_HOURS pass while the page stays open; then the user changes a filter.
    later = auth.now() + timedelta(hours=services_of(dashboard.server).settings.session_hours)
    monkeypatch.setattr(auth, "now", lambda: later)
    Select(dash_duo.find_element(f"#{ids.FILTER_WINDOW}")).select_by_value("1")
    until(lambda: on_sign_in_page(dash_duo), 15)
    assert "next=%2Ftimeliness" in dash_duo.driver.current_url

    monkeypatch.setattr(auth, "now", lambda: later + timedelta(minutes=1))  # a new session
    dash_duo.driver.find_element("id", "sign-in-name").send_keys(NAME)
    dash_duo.driver.find_element("id", "sign-in-password").send_keys(PASSWORD)
    dash_duo.driver.find_element("id", "sign-in-submit").click()
    dash_duo.wait_for_text_to_equal("h1", "Timeliness", timeout=15)
    # Drawn again: the callbacks have answered before the test's server stops.
    dash_duo.wait_for_element(".chart-card .js-plotly-plot .main-svg", timeout=20)
