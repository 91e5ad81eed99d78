"""Every page in a real browser, normal and board mode, on demo returns: it draws with no console
error, axe-core finds no serious or critical WCAG 2 A/AA violation once the page's charts are
drawn, and each normal view is saved as a screenshot under docs/screenshots/ for the README
(board mode's screens are saved at both projector sizes by test_board_mode.py). Keyboard
users reach the skip link, every filter and the cards' downloads with Tab, each control they
land on shows the yellow focus ring, and a screen reader reads each filter by its label
(assets/accessibility.js mends Dash's dropdowns).

axe-core's script comes from the pinned axe-core-python package and is injected into the page,
so nothing is fetched from the network at test time.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import urlencode

import dash
import pytest
from axe_core_python.base import AXE_SCRIPT
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

import charts
from app import create_app  # building the default app registers every page, so the list below is whole
from config import Settings
from layouts import ids
from tests.accounts import start_signed_in
from tests.browser.chromium import DASH_IDLE_JS

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUERY = {"scope": "ALS", "quarter": "2025-26 Q1"}
WIDTH = 1280
# A screenshot stops here: the definitions page runs to some twenty thousand pixels, and its top
# shows how it looks as well as the whole would, at a tenth of the file's size.
MAX_HEIGHT = 4000
FOCUS_YELLOW = "rgb(255, 221, 0)"  # #ffdd00
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = {"serious", "critical"}
# The grids a callback fills with a chart page's cards: drawn means at least one card in each.
CARD_GRIDS = [ids.page_cards(page.slug) for page in charts.PAGES]


def registered_pages() -> dict[str, str]:
    """Screenshot name -> path for every registered page; an alias (the same page under a second
    path, e.g. /overview) is checked once, under its first path."""
    pages: dict[str, str] = {}
    seen: set[str] = set()
    for page in sorted(dash.page_registry.values(), key=lambda p: p.get("order") is None):
        if page["name"] in seen:
            continue
        seen.add(page["name"])
        name = page["path"].strip("/") or "overview"
        pages[re.sub(r"[^a-z0-9]+", "-", name.lower())] = page["path"]
    return pages


PAGES = registered_pages()
ADMIN_PAGES = {"load", "audit", "notes"}  # notes: the pinning form shows to those who may pin

# True once Dash has no callback waiting or running, no loading spinner shows and every chart card
# has its Plotly graph drawn; a page whose cards come from a callback has at least one by then.
SETTLED_JS = DASH_IDLE_JS + """
const grids = arguments[0].map(id => document.getElementById(id)).filter(Boolean);
if (grids.some(grid => !grid.querySelector('.chart-card'))) return false;
return Array.from(document.querySelectorAll('.chart-card')).every(
    card => !card.querySelector('.dash-graph') || card.querySelector('.js-plotly-plot .main-svg'));
"""

AXE_RUN_JS = """
const done = arguments[arguments.length - 1];
axe.run(document, arguments[0]).then(results => done(results.violations),
                                     error => done({error: String(error)}));
"""


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def open_settled(dash_duo, path: str, **extra: str) -> None:
    """Open `path` with the demo scope and quarter, and wait until it is drawn."""
    dash_duo.driver.get(f"{dash_duo.server_url}{path}?{urlencode({**QUERY, **extra})}")
    until(lambda: dash_duo.driver.execute_script(SETTLED_JS, CARD_GRIDS), 30)


def serious_violations(driver) -> list[str]:
    driver.execute_script(AXE_SCRIPT)
    violations = driver.execute_async_script(
        AXE_RUN_JS, {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    )
    assert "error" not in violations, violations
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in violations
        if v["impact"] in SERIOUS
    ]


def fetched_from(driver) -> list[str]:
    """The origin of every script, style sheet, font and image the page loaded over the web."""
    return driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name))"
        ".filter(u => u.protocol.startsWith('http')).map(u => u.origin)")


def save_screenshot(driver, name: str) -> None:
    """The page from its top, WIDTH pixels wide and as long as it is, up to MAX_HEIGHT."""
    height = min(driver.execute_script("return document.documentElement.scrollHeight"), MAX_HEIGHT)
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1},
    })  # fmt: skip
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.parametrize("board", [False, True], ids=["normal", "board"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(dash_duo, dashboard, free_port, name, board) -> None:
    # A board member's view, but the admin pages as an admin sees them (a viewer gets a refusal).
    if name in ADMIN_PAGES:
        start_signed_in(dash_duo, dashboard, free_port, "admin", "admin")
    else:
        start_signed_in(dash_duo, dashboard, free_port)
    open_settled(dash_duo, PAGES[name], **({"present": "1"} if board else {}))
    if not board:
        save_screenshot(dash_duo.driver, name)
    found = serious_violations(dash_duo.driver)
    assert not found, "\n".join(found)
    assert set(fetched_from(dash_duo.driver)) == {dash_duo.server_url.rstrip("/")}  # no CDN
    assert dash_duo.get_logs() == []  # no browser console errors on any page


# What the focused element is and how its focus shows: id (or its text), outline, shadow, fill.
FOCUSED_JS = """
const el = document.activeElement;
const style = getComputedStyle(el);
return {id: el.id, text: (el.innerText || el.value || '').trim().slice(0, 40), tag: el.tagName,
        outline: [style.outlineStyle, style.outlineColor, style.outlineWidth],
        shadow: style.boxShadow, fill: style.backgroundColor};
"""


def yellow_ring(focused: dict) -> bool:
    """A solid yellow outline or shadow at least 3px wide; a link is filled yellow instead (the
    GOV.UK link focus style)."""
    style, colour, width = focused["outline"]
    if style != "none" and colour == FOCUS_YELLOW and float(width.removesuffix("px")) >= 3:
        return True
    shadows = re.findall(r"rgb\(255, 221, 0\) (-?[\d.]+)px (-?[\d.]+)px (-?[\d.]+)px (-?[\d.]+)px",
                         focused["shadow"])
    if any(float(spread) >= 3 for *_, spread in shadows):
        return True
    return focused["tag"] == "A" and focused["fill"] == FOCUS_YELLOW


def tab_through(dash_duo, stop_at: str, limit: int = 60) -> list[dict]:
    """Press Tab from the top of the page until `stop_at` is focused; what each press focused."""
    dash_duo.driver.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    seen = []
    for _ in range(limit):
        ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
        seen.append(dash_duo.driver.execute_script(FOCUSED_JS))
        if seen[-1]["text"] == stop_at:
            break
    return seen


def test_tab_reaches_every_filter_and_download_with_a_yellow_ring(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    open_settled(dash_duo, "/")
    seen = tab_through(dash_duo, stop_at="Download CSV")
    expected = [ids.SKIP_LINK, ids.FILTER_REGION, ids.FILTER_AGENCY, ids.FILTER_QUARTER,
                ids.FILTER_WINDOW, ids.FILTER_COMPARE, "Download CSV"]
    order = [f["id"] if f["id"] in expected else f["text"] for f in seen]
    assert order[0] == ids.SKIP_LINK, order
    assert list(dict.fromkeys(name for name in order if name in expected)) == expected, order
    controls = [f for f, name in zip(seen, order) if name in expected]
    assert [f for f in controls if not yellow_ring(f)] == []


def accessible_name(driver, selector: str) -> str:
    """The name Chromium gives the element in its accessibility tree: what a screen reader says."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})
    tree = driver.execute_cdp_cmd("Accessibility.getPartialAXTree",
                                  {"nodeId": node["nodeId"], "fetchRelatives": False})
    return tree["nodes"][0].get("name", {}).get("value", "")


def test_screen_readers_read_each_filter_by_its_label(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    open_settled(dash_duo, "/")
    names = {control: accessible_name(dash_duo.driver, f"#{control}")
             for control in (ids.FILTER_REGION, ids.FILTER_AGENCY, ids.FILTER_QUARTER,
                             ids.FILTER_WINDOW, ids.FILTER_COMPARE)}
    assert names == {
        ids.FILTER_REGION: "Region",
        ids.FILTER_AGENCY: "Agency Adopt London South (RAA ALS)",  # a dropdown says its choice too
        ids.FILTER_QUARTER: "Quarter",
        ids.FILTER_WINDOW: "Period",
        ids.FILTER_COMPARE: "Compare with Up to 3 other agencies or regions",
    }
