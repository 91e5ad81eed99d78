"""The Content-Security-Policy does not break Dash: with it in force, the Overview, a chart page
and the returns list (AG Grid) draw everything with no console errors, and the browser really
enforces it (an injected inline script does not run)."""

from __future__ import annotations

import pytest
from dash.testing.wait import until

from app import create_app
from config import Settings
from layouts import ids
from tests.accounts import start_signed_in

pytestmark = pytest.mark.browser

INJECT_INLINE_SCRIPT = """
var script = document.createElement("script");
script.textContent = "window.injected = true;";
document.body.appendChild(script);
return window.injected === true;
"""

DRAWN = """
var graphs = document.querySelectorAll(".chart-card .chart-card__graph");
return graphs.length > 0 && Array.prototype.every.call(graphs, function (graph) {
  return graph.querySelector(".main-svg") !== null;
});
"""


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def every_chart_drawn(dash_duo) -> bool:
    """Each card's plotly chart has drawn its SVG (plotly.js ran under the policy); asked in
    one script, as Dash replaces the cards while they load."""
    return dash_duo.driver.execute_script(DRAWN)


def test_chart_pages_draw_under_the_policy(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.wait_for_text_to_equal("h1", "Overview")
    until(lambda: every_chart_drawn(dash_duo), 10)
    assert len(dash_duo.find_elements(".chart-card .main-svg")) >= 8  # the Overview's 8 charts
    assert dash_duo.get_logs() == []

    # Following a link changes the page in the browser; the new title is set by Dash's inline
    # clientside callback, which runs only because its hash is in script-src.
    dash_duo.find_element(".site-header__links a[href='/timeliness']").click()
    dash_duo.wait_for_text_to_equal("h1", "Timeliness")
    until(lambda: dash_duo.driver.title == "Timeliness – ASG Dashboard", 4)
    until(lambda: every_chart_drawn(dash_duo), 10)
    assert dash_duo.get_logs() == []

    # The policy is in force, and a breach of it is a console error the checks above would see.
    assert dash_duo.driver.execute_script(INJECT_INLINE_SCRIPT) is False
    logged: list[dict] = []
    until(lambda: logged.extend(dash_duo.get_logs()) or logged, 4)
    assert "Content Security Policy" in logged[0]["message"], logged


def test_returns_grid_draws_under_the_policy(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}/returns")
    dash_duo.wait_for_element(f"#{ids.RETURNS_GRID} .ag-row")
    assert dash_duo.get_logs() == []
