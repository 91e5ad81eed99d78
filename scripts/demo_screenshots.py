"""Screenshots of the insight views on the full synthetic demo (30 quarters), which the browser
tests cannot take: they run on a three-quarter slice, too short to project from or to make a
funnel worth reading.

    python scripts/demo_screenshots.py --database-url sqlite:///demo.sqlite3

Serves the app as `make run` does (gunicorn, one worker, on a loopback port), signs a headless
Chromium in as a viewer named `screenshots` (added to the database, or given a new random
password), and writes docs/screenshots/demo-*.png: the next four quarters on the Children
waiting and Sufficiency pages and on the Children waiting board, Fair comparison on the page
and the board, and the Headlines page and its board, each board at 1280x720 and 1920x1080.
Synthetic children only: nothing here reads or writes real data.
"""

from __future__ import annotations

import argparse
import base64
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _serving import bench_user, serve  # noqa: E402
from selenium import webdriver  # noqa: E402

from tests.accounts import sign_in_in_browser  # noqa: E402
from tests.browser.chromium import chromium_options  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
USER = "screenshots"
QUARTER = "2026-27 Q2"
# (file name, path, scope, board mode, window size, the card to shoot alone or None: the window)
SHOTS = [
    ("demo-projection-children-waiting", "/children-waiting", "ALS", False, (1280, 1400),
     "waiting_projection-card"),
    ("demo-projection-sufficiency", "/sufficiency", "ALS", False, (1280, 1400),
     "sufficiency_adopters_projection-card"),
    ("demo-children-waiting-board-1280", "/children-waiting", "ALS", True, (1280, 720), None),
    ("demo-children-waiting-board-1920", "/children-waiting", "ALS", True, (1920, 1080), None),
    ("demo-fair-comparison", "/fair-comparison", "region:South East", False, (1280, 1400),
     "fair_a2_funnel-card"),
    ("demo-fair-comparison-board-1280", "/fair-comparison", "region:South East", True, (1280, 720), None),
    ("demo-fair-comparison-board-1920", "/fair-comparison", "region:South East", True, (1920, 1080), None),
    ("demo-headlines", "/headlines", "ALS", False, (1280, 900), None),
    ("demo-headlines-board-1280", "/headlines", "region:South East", True, (1280, 720), None),
    ("demo-headlines-board-1920", "/headlines", "region:South East", True, (1920, 1080), None),
    # The most sentences of the demo's areas (six): still one screen at 1280x720.
    ("demo-headlines-board-1280-als", "/headlines", "ALS", True, (1280, 720), None),
]
SETTLED_JS = """
const store = window.store && window.store.getState();
if (!store || store.isLoading || !document.querySelector("main h1")) return false;
const visible = el => el.getClientRects().length > 0;
if ([...document.querySelectorAll(".dash-spinner")].some(visible)) return false;
const cards = [...document.querySelectorAll(".chart-card")];
if (document.querySelector("[id^=page-cards]") && !cards.length) return false;
return cards.every(card => !card.querySelector(".dash-graph")
                    || card.querySelector(".js-plotly-plot .main-svg"))
    && (!location.pathname.startsWith("/headlines") || document.querySelector(".headlines"));
"""


def settle(driver, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not driver.execute_script(SETTLED_JS):
        if time.monotonic() > deadline:
            sys.exit(f"{driver.current_url} was not drawn within {timeout_s:.0f} s")
        time.sleep(0.2)
    time.sleep(1.5)  # plotly's last relayout, and the page painted


def window_shot(driver, name: str) -> None:
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    (OUT / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database with the demo loaded")
    args = parser.parse_args()
    password = bench_user(args.database_url, USER, "viewer")
    server = serve(args.database_url, workers=1)
    driver = webdriver.Chrome(options=chromium_options())
    try:
        driver.set_window_size(1280, 900)
        sign_in_in_browser(driver, server.base, USER, password)
        for name, path, scope, board, (width, height), card in SHOTS:
            # The page's own viewport (as the board test sets it), not the window's outer size.
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": width, "height": height, "deviceScaleFactor": 1,
                                    "mobile": False})
            query = {"scope": scope, "quarter": QUARTER, "window": "4", **({"present": "1"} if board else {})}
            driver.get(f"{server.base}{path}?{urlencode(query, quote_via=quote)}")
            settle(driver)
            if card is None:
                window_shot(driver, name)
            else:
                element = driver.find_element("id", card)
                driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
                time.sleep(0.3)
                (OUT / f"{name}.png").write_bytes(element.screenshot_as_png)
            print(f"docs/screenshots/{name}.png")
    finally:
        driver.quit()
        server.process.terminate()
        server.process.wait(30)


if __name__ == "__main__":
    main()
