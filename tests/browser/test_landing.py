"""Landing where each person works, in a real browser on three quarters of demo returns: a
board member (a viewer) whose own agency is Adopt London South opens the dashboard's home page
with no area in its address and sees that agency's Overview, its address saying so; a link that
names an area still opens that area."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from dash.testing.wait import until

from app import create_app
from config import Settings
from layouts import ids
from tests.accounts import start_signed_in
from tests.chart_page_helpers import expected
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

LAST = DEMO_SLICE[1]
TILE = f"#{ids.tile_value('children_waiting')}"


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def test_a_viewer_lands_on_their_own_agency_and_a_link_still_wins(dash_duo, dashboard, demo_services,
                                                                 free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port, "als-board-member", "viewer", ["ALS"])
    als, als_title = expected(demo_services, "children_waiting", scope="ALS", quarter=str(LAST))
    england, _ = expected(demo_services, "children_waiting", scope="england", quarter=str(LAST))
    assert als != england  # so the tile tells the two apart

    dash_duo.driver.get(f"{dash_duo.server_url}/")
    dash_duo.wait_for_text_to_equal(TILE, als)
    dash_duo.wait_for_text_to_equal(f"#{ids.chart_title('children_waiting')}", als_title)
    until(lambda: "scope=ALS" in dash_duo.driver.current_url, 5)
    assert "Adopt London South" in dash_duo.find_element(f"#{ids.FILTER_AGENCY}").text
    assert "Load a return" not in dash_duo.find_element(f"#{ids.HEADER}").text

    dash_duo.driver.get(f"{dash_duo.server_url}/?scope=england&quarter={quote(str(LAST))}")
    dash_duo.wait_for_text_to_equal(TILE, england)
    assert "scope=england" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []
