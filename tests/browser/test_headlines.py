"""The Headlines page in a real browser: the sentences drawn are the ones written for the
viewer's selection, in order, each a link to its chart's card on the Overview; following one
opens the Overview for the same selection with that card; in board mode the page is the
sentences alone in large type, on one screen at 1280x720. Screenshots of both are saved."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

import pytest
from dash.testing.wait import until

from app import create_app
from callbacks.headlines import headlines_for
from config import Settings
from layouts import ids
from tests.accounts import start_signed_in
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
STATE = {"scope": "841", "quarter": str(DEMO_SLICE[1]), "window": 4, "compare": []}
QUERY = f"?scope={quote(STATE['scope'])}&quarter={quote(STATE['quarter'])}&window=4"


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def drawn(dash_duo) -> list[tuple[str, str]]:
    return [(a.text, a.get_attribute("href")) for a in dash_duo.find_elements(".headlines__text")]


def save(driver, name: str) -> None:
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def projector(driver, width: int, height: int) -> None:
    """The page on a screen of exactly width x height (a window's size leaves its frame out)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    until(lambda: driver.execute_script("return [window.innerWidth, window.innerHeight]")
          == [width, height], timeout=5)


def assert_one_screen_in_large_type(driver) -> None:
    """Board mode: nothing to scroll to, and the sentences 24 px or more."""
    size = driver.execute_script(
        "return [document.documentElement.scrollHeight, window.innerHeight,"
        " parseFloat(getComputedStyle(document.querySelector('.headlines')).fontSize)]")
    assert size[0] <= size[1] and size[2] >= 24, size


def test_the_headlines_are_drawn_and_lead_to_their_charts(dash_duo, dashboard, demo_services,
                                                          free_port) -> None:
    expected = headlines_for(demo_services, STATE)
    assert expected  # Darlington at the slice's last quarter has something to tell
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.set_window_size(1280, 720)
    dash_duo.driver.get(f"{dash_duo.server_url}/headlines{QUERY}")
    until(lambda: len(drawn(dash_duo)) == len(expected), timeout=15)
    assert [(text, href.replace(dash_duo.server_url, "")) for text, href in drawn(dash_duo)] == [
        (h.text, link) for h, link in expected]
    verdicts = [v.text for v in dash_duo.find_elements(".headlines__verdict")]
    assert verdicts == [h.verdict.capitalize() for h, _l in expected if h.verdict]
    # Board mode: the sentences alone, large, on one screen.
    dash_duo.driver.get(f"{dash_duo.server_url}/headlines{QUERY}&present=1")
    until(lambda: len(drawn(dash_duo)) == len(expected), timeout=15)
    assert dash_duo.find_elements(".filters") == []
    for width, height in ((1280, 720), (1920, 1080)):
        projector(dash_duo.driver, width, height)
        assert_one_screen_in_large_type(dash_duo.driver)
        save(dash_duo.driver, f"headlines-board-{width}")
    dash_duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    dash_duo.driver.set_window_size(1280, 720)
    # Following a headline opens its chart for the same selection.
    dash_duo.driver.get(f"{dash_duo.server_url}/headlines{QUERY}")
    until(lambda: len(drawn(dash_duo)) == len(expected), timeout=15)
    first, link = expected[0]
    dash_duo.find_element(".headlines__text").click()
    until(lambda: dash_duo.driver.current_url.endswith(link), timeout=10)
    dash_duo.wait_for_element(f"#{ids.chart_part('card', first.chart)}", timeout=15)
    assert dash_duo.get_logs() == []
