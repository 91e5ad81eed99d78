"""The Children waiting page's longest-waiting list in a real browser, as an admin for England
at the newest demo quarter: nothing child-level is on the page until "Show the list" is pressed;
then the data grid shows the first 100 children, longest wait first, each LA by its name, with
paging through the rest; a new quarter takes the list away again. The time from navigation to
the list drawn is printed (bench/page_speed.py measures it too); no assertion is timed."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import WebDriverException

from app import create_app
from config import Settings
from layouts import ids
from layouts.records import PAGE_SIZE
from metrics.access import Caller
from tests.accounts import start_signed_in
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

LAST = DEMO_SLICE[1]
GRID = f"#{ids.CHILDREN_WAITING_RECORDS_GRID}"
ROWS = f"{GRID} .ag-center-cols-container .ag-row"
# The rows of the grid's current page, in the order shown, as the grid holds them (the grid
# draws only the rows in view; the page of 100 scrolls inside it); null until it is ready.
PAGE_JS = """
const api = window.dash_ag_grid && dash_ag_grid.getApi(arguments[0]);
if (!api) return null;
const size = api.paginationGetPageSize(), first = api.paginationGetCurrentPage() * size;
const last = Math.min(first + size, api.getDisplayedRowCount());
const rows = [];
for (let i = first; i < last; i++) rows.push(api.getDisplayedRowAtIndex(i).data);
return rows;
"""
# The cells of one column in the rows drawn in view, in the order shown.
DRAWN_JS = """
const rows = [...document.querySelectorAll(arguments[0])];
rows.sort((a, b) => Number(a.getAttribute("row-index")) - Number(b.getAttribute("row-index")));
return rows.map(r => r.querySelector(`[col-id="${arguments[1]}"]`).textContent);
"""
# The page's cards are drawn and nothing is loading (a click before lands on the spinner).
CARDS_DRAWN_JS = """
const visible = el => el.getClientRects().length > 0;
const cards = [...document.querySelectorAll(".chart-card")];
return cards.length > 0 && ![...document.querySelectorAll(".dash-spinner")].some(visible)
    && cards.every(c => !c.querySelector(".dash-graph") || c.querySelector(".js-plotly-plot .main-svg"));
"""


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def click(dash_duo, element) -> None:
    """Click as a person would after scrolling to it: Bootstrap scrolls smoothly, so Selenium's
    own scroll leaves the element moving under the click; an instant scroll does not."""
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def page_rows(dash_duo) -> list[dict]:
    try:
        return dash_duo.driver.execute_script(PAGE_JS, ids.CHILDREN_WAITING_RECORDS_GRID) or []
    except WebDriverException:  # the grid not ready yet
        return []


def column(dash_duo, field: str) -> list:
    return [row[field] for row in page_rows(dash_duo)]


def drawn(dash_duo, field: str) -> list[str]:
    return dash_duo.driver.execute_script(DRAWN_JS, ROWS, field)


def test_an_admin_asks_for_englands_list_and_gets_100_named_rows_a_page(
        dash_duo, dashboard, demo_services, free_port) -> None:
    geography = demo_services.measures.geography()
    listed = demo_services.store.children_waiting_records(Caller("records-admin", "admin"),
                                                          geography, "england", LAST)
    assert len(listed) > 2 * PAGE_SIZE  # England's list is long enough to need paging
    names = geography.agencies["name"]
    start_signed_in(dash_duo, dashboard, free_port, "records-admin", "admin")
    audited = len(demo_services.store.audit_events(kind="records_view", user="records-admin"))

    dash_duo.driver.get(f"{dash_duo.server_url}/children-waiting?scope=england"
                        f"&quarter={quote(str(LAST))}&window=4")
    button = dash_duo.wait_for_element(f"#{ids.CHILDREN_WAITING_RECORDS_SHOW}")
    until(button.is_displayed, 10)
    assert not dash_duo.find_element(GRID).is_displayed()
    assert dash_duo.find_elements(ROWS) == [] and page_rows(dash_duo) == []  # nothing until asked
    assert len(demo_services.store.audit_events(kind="records_view", user="records-admin")) == audited

    until(lambda: dash_duo.driver.execute_script(CARDS_DRAWN_JS), 20)
    page_ms = dash_duo.driver.execute_script("return performance.now()")
    click(dash_duo, button)
    until(lambda: len(page_rows(dash_duo)) == PAGE_SIZE and dash_duo.find_elements(ROWS), 10)
    list_ms = dash_duo.driver.execute_script("return performance.now()") - page_ms
    print(f"\nChildren waiting, England {LAST}, admin, test server: page drawn {page_ms / 1000:.2f} s "
          f"after navigation (polled); the list's first page {list_ms / 1000:.2f} s after the click")

    first_page = listed.head(PAGE_SIZE)
    assert column(dash_duo, "child_id") == list(first_page["child_id"])
    assert column(dash_duo, "la_name") == [names[code] for code in first_page["la_code"]]
    assert column(dash_duo, "days_waiting") == list(first_page["days_waiting"])
    in_view = drawn(dash_duo, "la_name")  # what the reader sees: LA names, not codes
    assert len(in_view) >= 5 and in_view == [names[c] for c in first_page["la_code"][:len(in_view)]]
    summary = dash_duo.find_element(f"{GRID} .ag-paging-row-summary-panel").text
    assert summary.split() == ["1", "to", str(PAGE_SIZE), "of", f"{len(listed):,}"]
    message = dash_duo.find_element(f"#{ids.CHILDREN_WAITING_RECORDS_MESSAGE}").text
    assert message.startswith(f"{len(listed):,} children waiting in England at the end of {LAST}")
    events = demo_services.store.audit_events(kind="records_view", user="records-admin")
    assert len(events) == audited + 1 and events.iloc[0]["detail"].endswith(f"{len(listed)} rows")

    click(dash_duo, dash_duo.find_element(f"{GRID} .ag-paging-button[aria-label='Next Page']"))
    second = listed["child_id"].iloc[PAGE_SIZE:2 * PAGE_SIZE].tolist()
    until(lambda: column(dash_duo, "child_id") == second, 5)
    summary = dash_duo.find_element(f"{GRID} .ag-paging-row-summary-panel").text
    assert summary.split() == [str(PAGE_SIZE + 1), "to", str(2 * PAGE_SIZE), "of", f"{len(listed):,}"]

    # Sorted by a click on a heading: the shortest waits first, from the first page.
    click(dash_duo, dash_duo.find_element(f"{GRID} .ag-header-cell[col-id='days_waiting'] .ag-header-cell-label"))
    click(dash_duo, dash_duo.find_element(f"{GRID} .ag-paging-button[aria-label='First Page']"))
    shortest = sorted(listed["days_waiting"])
    until(lambda: column(dash_duo, "days_waiting") == shortest[:PAGE_SIZE], 5)
    assert dash_duo.get_logs() == []
