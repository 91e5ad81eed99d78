"""A chart card's "Show as table" in a real browser: the page is drawn with no table in it; opening
one card's table draws that table alone, its cells the chart's frame as the signed-in viewer
sees it; closed and opened again it is the same; after the agency changes, the card is drawn
afresh and its table, opened again, is the new agency's."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from dash.testing.wait import until
from selenium.common.exceptions import StaleElementReferenceException

from app import create_app
from callbacks.chart_pages import chart_table
from config import Settings
from layouts import ids
from tests.accounts import start_signed_in
from tests.app.test_chart_tables import cells
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

LAST = DEMO_SLICE[1]
CHART = "sufficiency_supply"


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def pattern_selector(component: dict) -> str:
    """The CSS selector of a pattern-matching id as Dash writes it into the page."""
    text = json.dumps(component, sort_keys=True, separators=(",", ":"))
    return f"[id='{text}']"


def table_rows(dash_duo) -> list[list[str]] | None:
    """The drawn table's rows as text (None while it is being drawn again)."""
    try:
        body = dash_duo.find_element(pattern_selector(ids.table_body(CHART)))
        return [[cell.text for cell in row.find_elements("css selector", "th, td")]
                for row in body.find_elements("css selector", "tr")]
    except StaleElementReferenceException:
        return None


def expected_rows(demo_services, scope: str) -> list[list[str]]:
    state = {"scope": scope, "quarter": str(LAST), "window": 4, "compare": []}
    [table] = chart_table(demo_services, CHART, state)
    return cells(table)


def open_table(dash_duo) -> None:
    """Click "Show as table" as a reader would, scrolled to the middle of the screen (the
    sticky filter bar covers the top)."""
    summary = dash_duo.find_element(pattern_selector(ids.table_open(CHART)))
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", summary)
    summary.click()


def test_show_as_table_draws_that_cards_table_when_opened(dash_duo, dashboard, demo_services,
                                                          free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    for scope in ("ALS", "england"):
        dash_duo.driver.get(f"{dash_duo.server_url}/sufficiency?scope={scope}"
                            f"&quarter={quote(str(LAST))}&window=4")
        dash_duo.wait_for_element(f"#{ids.chart_title(CHART)}", timeout=15)
        assert dash_duo.find_elements("table") == []  # no card draws its table until asked
        open_table(dash_duo)
        wanted = expected_rows(demo_services, scope)
        until(lambda: table_rows(dash_duo) == wanted, timeout=10)
        assert len(dash_duo.find_elements("table")) == 1  # that card's table only
        # Closed and opened again (asked for afresh, from the answer cache), the same table.
        open_table(dash_duo)
        open_table(dash_duo)
        until(lambda: table_rows(dash_duo) == wanted, timeout=10)
        details = dash_duo.find_element(f"#{ids.chart_part('card', CHART)} details")
        assert details.get_attribute("open") == "true"
    assert expected_rows(demo_services, "ALS") != expected_rows(demo_services, "england")
    assert dash_duo.get_logs() == []
