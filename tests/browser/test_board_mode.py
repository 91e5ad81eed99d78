"""Board mode (`?present=1`) as a meeting room's projector shows it, at 1280x720 and 1920x1080, on
demo returns: every page of the board's sequence is one screen with nothing to scroll, every text
of every chart lies inside its chart and on no other text, nothing on the screen is smaller than
18px at 1280x720, and the line above the cards names the area, quarter, period and returns
received. Each board page is saved at both sizes as docs/screenshots/<page>-board-<width>.png.

The viewport is set exactly (Chrome's device metrics), so 720 means 720 CSS pixels of page
whatever the browser's window frame takes. The smallest font size found on each page is printed
(`pytest -s` shows it) and written to docs/screenshots/board-font-sizes.txt.
"""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import urlencode

import pytest
from dash.testing.wait import until

import charts
from app import create_app
from config import Settings
from charts.query import TREND_QUARTERS
from layouts import ids
from layouts.shell import NAVIGATION
from tests.accounts import start_signed_in
from tests.browser.chromium import DASH_IDLE_JS
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
FONT_RECORD = SCREENSHOTS / "board-font-sizes.txt"
SIZES = [(1280, 720), (1920, 1080)]
# The board's sequence: the header's links marked data-board, which assets/board.js steps through.
BOARD_PATHS = [path for _text, path, board in NAVIGATION if board]
SLUG = {page.path: page.slug for page in charts.PAGES}
LEAST_FONT_PX = 18  # at 1280x720
QUERY = {"scope": "ALS", "quarter": str(DEMO_SLICE[1]), "window": "4", "present": "1"}

# Drawn: no callback waiting, no spinner, every card's chart drawn and its line labels settled
# by assets/board.js (data-labels-settled).
SETTLED_JS = DASH_IDLE_JS + """
const cards = Array.from(document.querySelectorAll('.board-card'));
if (!cards.length) return false;
return cards.every(card => {
    const plot = card.querySelector('.js-plotly-plot');
    return plot && plot.querySelector('.main-svg') && plot.getAttribute('data-labels-settled') === '1';
});
"""

# Every chart's non-empty SVG texts as boxes, with the chart's own box.
CHART_TEXTS_JS = """
return Array.from(document.querySelectorAll('.js-plotly-plot')).map(plot => {
    const card = plot.closest('.board-card');
    const box = plot.getBoundingClientRect();
    const texts = Array.from(plot.querySelectorAll('text'))
        .filter(t => t.textContent.trim())
        .map(t => { const r = t.getBoundingClientRect();
                    return {text: t.textContent.trim(), left: r.left, right: r.right, top: r.top,
                            bottom: r.bottom}; })
        .filter(r => r.right > r.left && r.bottom > r.top);
    return {chart: card ? card.id : '', box: {left: box.left, right: box.right, top: box.top,
            bottom: box.bottom}, texts: texts};
});
"""

# The smallest computed font size of any visible text on the page, HTML and SVG, and whose.
LEAST_FONT_JS = """
let least = Infinity, what = '';
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('.visually-hidden, .skip-link, script, style')) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const size = parseFloat(style.fontSize);
    if (size < least) { least = size; what = node.textContent.trim().slice(0, 40); }
}
return [least, what];
"""

TOLERANCE = 1  # px


FONT_HEADING = "Smallest font size (CSS px) on each board page, measured by tests/browser/test_board_mode.py"
NAMES = [(path.strip("/") or "overview") for path in BOARD_PATHS]


def record_font(name: str, width: int, line: str) -> None:
    """`line` in the record in place of the page's earlier one at that size, pages in board
    order, so a run of some of the tests keeps the others' lines."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    earlier = FONT_RECORD.read_text().splitlines()[1:] if FONT_RECORD.exists() else []
    lines = {tuple(l.split(":")[0].split(" at ")): l for l in earlier if " at " in l}
    lines[(name, f"{width}x{SIZES[[w for w, _h in SIZES].index(width)][1]}")] = line
    order = sorted(lines, key=lambda k: (NAMES.index(k[0]) if k[0] in NAMES else len(NAMES), k[1]))
    FONT_RECORD.write_text("\n".join([FONT_HEADING, *(lines[k] for k in order)]) + "\n")


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def open_board(dash_duo, path: str, width: int, height: int) -> None:
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    driver.get(f"{dash_duo.server_url}{path}?{urlencode(QUERY)}")
    until(lambda: driver.execute_script(SETTLED_JS), 30)


def overlaps(a: dict, b: dict) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > TOLERANCE
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > TOLERANCE)


def outside(text: dict, box: dict) -> bool:
    return (text["left"] < box["left"] - TOLERANCE or text["right"] > box["right"] + TOLERANCE
            or text["top"] < box["top"] - TOLERANCE or text["bottom"] > box["bottom"] + TOLERANCE)


def chart_text_problems(charts_found: list[dict]) -> list[str]:
    problems = []
    for chart in charts_found:
        texts = chart["texts"]
        problems += [f"{chart['chart']}: {t['text']!r} leaves its chart" for t in texts
                     if outside(t, chart["box"])]
        problems += [f"{chart['chart']}: {a['text']!r} over {b['text']!r}"
                     for n, a in enumerate(texts) for b in texts[n + 1:] if overlaps(a, b)]
    return problems


def save_screenshot(driver, name: str) -> None:
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    (SCREENSHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def test_the_board_sequence_is_the_chart_pages() -> None:
    assert BOARD_PATHS == [page.path for page in charts.PAGES]


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("path", BOARD_PATHS)
def test_board_page_is_one_screen_with_nothing_overlapping(dash_duo, dashboard, free_port, path,
                                                          width, height) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    open_board(dash_duo, path, width, height)
    driver = dash_duo.driver
    name = (path.strip("/") or "overview")
    save_screenshot(driver, f"{name}-board-{width}")

    # One screen: nothing to scroll to, down or across.
    scroll = driver.execute_script(
        "const d = document.documentElement; return [d.scrollHeight, window.innerHeight, "
        "d.scrollWidth, window.innerWidth]")
    assert scroll[1] == height and scroll[3] == width
    assert scroll[0] <= scroll[1], f"{path} is {scroll[0]} px tall on a {scroll[1]} px screen"
    assert scroll[2] <= scroll[3], f"{path} is {scroll[2]} px wide on a {scroll[3]} px screen"

    # The page's board charts, in the page's order, and nothing a board does not use.
    page = charts.PAGE_OF[SLUG[path]]
    cards = [c.get_attribute("id") for c in dash_duo.find_elements(".board-card")]
    assert cards == [ids.chart_part("card", chart.id) for chart, _w in page.board_charts]
    assert dash_duo.find_elements(".board-mode a") == []  # no links in the cards or the line
    for gone in (".lead", ".filters", "details", ".chart-card__downloads", ".chart-card__links",
                 f"#{ids.CHILDREN_WAITING_RECORDS}", ".site-footer"):
        assert not [e for e in dash_duo.find_elements(gone) if e.is_displayed()], gone

    # Every chart's texts inside the chart, none over another.
    problems = chart_text_problems(driver.execute_script(CHART_TEXTS_JS))
    assert not problems, "\n".join(problems)

    least, what = driver.execute_script(LEAST_FONT_JS)
    line = f"{name} at {width}x{height}: {least:g} px ({what!r})"
    print(line)
    record_font(name, width, line)
    assert least >= LEAST_FONT_PX, line
    # A 1920-wide projector shows the board at its scale: no text left at the 1280 size (a
    # funnel's England label once was, at 18 px).
    assert width < 1920 or least >= 24, line

    # The one line: area, quarter, period and returns received (the demo's ALS returns every
    # quarter: one agency expected, one return in).
    caption = dash_duo.find_element(".board-bar .board-caption").text
    assert caption == f"Adopt London South · {DEMO_SLICE[1]} · year to {DEMO_SLICE[1]} · returns: 1 of 1"
    assert dash_duo.get_logs() == []


def test_the_first_and_latest_quarters_are_labelled_on_every_trend(dash_duo, dashboard, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    open_board(dash_duo, "/", *SIZES[0])
    # Short, as the axis writes them: a trend's eight quarters, 23-24 Q2 to 25-26 Q1.
    latest, first = str(DEMO_SLICE[1])[2:], str(DEMO_SLICE[1] + (1 - TREND_QUARTERS))[2:]
    for chart, _width in charts.PAGE_OF["overview"].board_charts:
        ticks = [t.text for t in dash_duo.find_elements(
            f"#{ids.chart_part('card', chart.id)} .xtick text")]
        assert ticks[0] == first and ticks[-1] == latest, (chart.id, ticks)
    assert dash_duo.get_logs() == []
