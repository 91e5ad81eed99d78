"""The "Load a return" page in a real browser, on a fresh database with the agency registry,
signed in as an admin: a valid file is checked, confirmed and then listed on /returns; a broken
file shows its error and no confirm button. No console errors either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.support.select import Select

from app import create_app
from config import Settings
from layouts import ids
from tests.accounts import start_signed_in
from tests.builders import AGENCY, QUARTER, D, two_bad_of_forty, valid_return

pytestmark = pytest.mark.browser


@pytest.fixture
def dashboard(sqlite_url):
    return create_app(Settings(database_url=sqlite_url, secret_key="test"))


def open_load_page(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port, name="admin", role="admin")  # loads for any agency
    dash_duo.driver.get(f"{dash_duo.server_url}/load")
    dash_duo.wait_for_text_to_equal("h1", "Load a return")
    # The agency choices arrive from the registry once the page is up.
    dash_duo.wait_for_element(f"#{ids.LOAD_AGENCY} option[value='{AGENCY}']")


def choose_file(dash_duo, path: Path) -> None:
    dash_duo.find_element(f"#{ids.LOAD_UPLOAD} input[type=file]").send_keys(str(path))


def press(dash_duo, selector: str) -> None:
    """Click an element once it can take the click: Chromium refuses a click that would land
    elsewhere, e.g. on a button still being scrolled to (a refused click does nothing, so trying
    again cannot click twice)."""

    def clicked() -> bool:
        element = dash_duo.find_element(selector)
        # Instantly: each try restarting a smooth scroll would keep the button moving.
        dash_duo.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
        try:
            element.click()
        except ElementClickInterceptedException:
            return False
        return True

    until(clicked, 4)


def confirm_shown(dash_duo) -> bool:
    return dash_duo.find_element(f"#{ids.LOAD_CONFIRM}").is_displayed()


def test_a_valid_return_is_checked_confirmed_and_listed(dash_duo, dashboard, free_port,
                                                        tmp_path: Path) -> None:
    path = valid_return().write_xlsx(tmp_path / "return.xlsx")
    open_load_page(dash_duo, dashboard, free_port)
    assert not confirm_shown(dash_duo)

    Select(dash_duo.find_element(f"#{ids.LOAD_AGENCY}")).select_by_value(AGENCY)
    dash_duo.find_element(f"#{ids.LOAD_QUARTER}").send_keys(QUARTER)
    choose_file(dash_duo, path)

    dash_duo.wait_for_contains_text(
        f"#{ids.LOAD_SUMMARY}",
        "Ready to load: 3 children, 2 adopters, 1 special guardianship, 1 support for "
        f"Cumberland ({AGENCY}), {QUARTER}; 0 warnings.")
    until(lambda: confirm_shown(dash_duo), 4)
    press(dash_duo, f"#{ids.LOAD_CONFIRM}")

    dash_duo.wait_for_contains_text(f"#{ids.LOAD_RESULT}",
                                    f"Loaded Cumberland ({AGENCY}), {QUARTER}, version 1:")
    until(lambda: not confirm_shown(dash_duo), 4)  # one click, one load
    press(dash_duo, f"#{ids.LOAD_RESULT} a")
    dash_duo.wait_for_text_to_equal(f"#{ids.RETURNS_COUNT}", f"1 return loaded for {QUARTER}.")
    dash_duo.wait_for_contains_text(f"#{ids.RETURNS_GRID}", "return.xlsx")
    assert dash_duo.get_logs() == []


def test_a_broken_file_shows_its_error_and_no_confirm_button(dash_duo, dashboard, free_port,
                                                             tmp_path: Path) -> None:
    broken = valid_return().set("children", 2, "placed_date", D("2024-07-01"))
    path = broken.write_xlsx(tmp_path / "broken.xlsx")
    open_load_page(dash_duo, dashboard, free_port)

    choose_file(dash_duo, path)

    dash_duo.wait_for_text_to_equal(f"#{ids.LOAD_SUMMARY}",
                                    "Rejected: 1 error; nothing has been stored.")
    cells = [c.text for c in dash_duo.find_elements(f"#{ids.LOAD_ISSUES} tbody td")]
    assert cells[:6] == ["error", "C03", "children", "2", "placed_date", "2024-07-01"]
    assert not confirm_shown(dash_duo)
    assert dash_duo.get_logs() == []


def test_a_file_with_two_bad_rows_loads_the_rest_on_the_partial_confirm(dash_duo, dashboard,
                                                                         free_port,
                                                                         tmp_path: Path) -> None:
    path = two_bad_of_forty().write_xlsx(tmp_path / "forty.xlsx")
    open_load_page(dash_duo, dashboard, free_port)

    choose_file(dash_duo, path)

    dash_duo.wait_for_text_to_equal(f"#{ids.LOAD_SUMMARY}",
                                    "Rejected: 2 errors; nothing has been stored.")
    dash_duo.wait_for_text_to_equal(f"#{ids.LOAD_PARTIAL}",
                                    "Load the 41 rows that pass and hold back 2")
    held = [c.text for c in dash_duo.find_elements(f"#{ids.LOAD_HELD_BACK} tbody td")]
    assert held[:4] == ["held back", "C03", "children", "7"]
    assert not confirm_shown(dash_duo)
    press(dash_duo, f"#{ids.LOAD_PARTIAL}")

    dash_duo.wait_for_contains_text(
        f"#{ids.LOAD_RESULT}",
        f"Loaded Cumberland ({AGENCY}), {QUARTER}, version 1, as a partial return: 38 children")
    until(lambda: not dash_duo.find_element(f"#{ids.LOAD_PARTIAL}").is_displayed(), 4)
    assert "V02" in dash_duo.find_element(f"#{ids.LOAD_RESULT}").text  # the held-back rows listed
    assert dash_duo.get_logs() == []
