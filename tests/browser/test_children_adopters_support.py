"""The Children waiting, Adopters, Adopters waiting and Special guardianship pages in a real
browser, on three quarters of demo returns: the header lists them after Sufficiency, and in board
mode the clicker's next key walks Sufficiency -> Children waiting -> Adopters -> Adopters waiting
-> Special guardianship
with the agency kept, each page drawing its board cards for that agency without console errors.
(Each page's rendering and following the agency are covered with the other chart pages in
test_timeliness_sufficiency.py.)"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from selenium.webdriver.common.keys import Keys

from app import create_app
from charts import PAGE_OF, PAGES as CHART_PAGES
from config import Settings
from layouts import ids
from tests.accounts import start_signed_in
from tests.browser.test_timeliness_sufficiency import PAGES
from tests.chart_page_helpers import expected
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

LAST = DEMO_SLICE[1]
WALK = ("/sufficiency", "/children-waiting", "/adopters", "/adopters-waiting",
        "/special-guardianship")
SLUGS = {page.path: page.slug for page in CHART_PAGES}


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def test_board_mode_walks_to_the_new_pages_keeping_the_agency(dash_duo, dashboard, demo_services,
                                                              free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    query = f"?scope=ALS&quarter={quote(str(LAST))}&window=4&present=1"
    dash_duo.driver.get(f"{dash_duo.server_url}{WALK[0]}{query}")
    nav = [a.get_attribute("pathname") for a in dash_duo.find_elements("header nav a[data-board]")]
    assert nav[:7] == ["/", "/timeliness", "/sufficiency", "/children-waiting", "/adopters",
                       "/adopters-waiting", "/special-guardianship"]
    for n, path in enumerate(WALK):
        heading, charts, tile_chart = PAGES[path]
        if n:
            dash_duo.find_element("body").send_keys(Keys.ARROW_RIGHT)
        dash_duo.wait_for_text_to_equal("h1", heading)
        als, _ = expected(demo_services, tile_chart, scope="ALS", quarter=str(LAST))
        dash_duo.wait_for_text_to_equal(f"#{ids.tile_value(tile_chart)}", als)
        # The page's board charts only (charts.spec.Page.board); the rest stay on the page.
        board = [chart.id for chart, _width in PAGE_OF[SLUGS[path]].board_charts]
        assert [c.get_attribute("id") for c in dash_duo.find_elements(".chart-card")] == [
            ids.chart_part("card", chart) for chart in board]
        assert set(board) <= set(charts)
        assert "scope=ALS" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []
