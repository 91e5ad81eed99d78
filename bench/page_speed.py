"""Time each dashboard page in headless Chromium, from navigation to every chart drawn, and the
server's answer to a filter change.

    python bench/page_speed.py                                    # fresh SQLite demo, scale 1
    python bench/page_speed.py --first "2024-25 Q3" --last "2025-26 Q1"   # a quick slice
    python bench/page_speed.py --database-url URL                 # a database already loaded

The app runs under gunicorn (two workers, as `make run` serves it) on a free loopback port.
Every page of the header's navigation, and the Overview in board mode, is opened for England,
a region, an RAA and an LA at the newest quarter, once cold and then warm; "drawn" is the time
from navigation start until the page has its heading, every chart card it should have with its
plotly chart rendered, no loading spinner and no callback waiting. A filter change is replayed
as dash-renderer sends it: the filter bar's callback with a random agency or quarter, then the
callbacks of the page that listen to the settled selection, timed from the first request to the
last answer. Targets: every page drawn within 2 s; a filter change answered within 300 ms.
Prints figures only; nothing here passes or fails.

Every page asks for sign-in, so the bench adds a viewer named `bench` to the database (or gives
it a new random password if it is there already), signs Chromium in through the form before
timing anything, and sends that session's cookie with its replayed filter changes.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _serving import (  # noqa: E402
    BENCH_USER, SIGN_IN, UPDATE, bench_user, change_filters, given_or_demo, filter_callbacks,
    outputs_of, random_changes, serve, session_cookie,
)
from selenium import webdriver  # noqa: E402

from charts import PAGE_OF, PAGES  # noqa: E402
from server.services import Services  # noqa: E402
from config import Settings  # noqa: E402
from db.demo import FIRST_QUARTER, LAST_QUARTER  # noqa: E402
from layouts import ids  # noqa: E402
from layouts.shell import NAVIGATION  # noqa: E402
from metrics.quarters import Quarter  # noqa: E402
from metrics.scope import REGION_PREFIX  # noqa: E402
from tests.accounts import sign_in_in_browser  # noqa: E402
from tests.browser.chromium import chromium_binary, chromium_options  # noqa: E402

DRAWN_TARGET_S = 2.0
CHANGE_TARGET_MS = 300
BOARD = "?present=1"
# What shows that a page without chart cards has drawn its content (beyond its heading).
CONTENT = {
    "/data-quality": f"#{ids.QUALITY_GRID} table",
    "/definitions": f"#{ids.DEFINITIONS_LIST} > *",
    "/returns": f"#{ids.RETURNS_GRID} .ag-row",
}

# Resolves with performance.now() (ms since navigation start) once the page is drawn, or -1.
DRAWN_JS = """
const [cards, content, timeout] = arguments, done = arguments[arguments.length - 1];
const visible = el => el.getClientRects().length > 0;
function drawn() {
    const store = window.store && window.store.getState();
    if (!store || store.isLoading || !document.querySelector("main h1")) return false;
    if ([...document.querySelectorAll(".dash-spinner")].some(visible)) return false;
    const found = document.querySelectorAll(".chart-card");
    if (cards !== null && found.length !== cards) return false;
    for (const card of found) {
        if (card.querySelector(".dash-graph") && !card.querySelector(".js-plotly-plot .main-svg")) return false;
    }
    return !content || document.querySelector(content) !== null;
}
const started = performance.now();
(function check() {
    if (drawn()) return done(performance.now());
    if (performance.now() - started > timeout) return done(-1);
    setTimeout(check, 10);
})();
"""
# Where the time went: the document, the callbacks' round trips, and the browser's own work
# (main-thread tasks over 50 ms, such as parsing plotly.js and drawing the charts) after the
# last callback answered.
TIMING_JS = """
const done = arguments[arguments.length - 1];
const nav = performance.getEntriesByType("navigation")[0];
const calls = performance.getEntriesByType("resource").filter(e => e.name.includes("%s"));
const last = Math.max(0, ...calls.map(e => e.responseEnd));
const tasks = [];
new PerformanceObserver(list => tasks.push(...list.getEntries())).observe({type: "longtask", buffered: true});
setTimeout(() => done({document: nav.responseEnd, callbacks: calls.length,
    callbacks_ms: calls.reduce((s, e) => s + e.duration, 0), last_answer: last,
    browser_ms: tasks.filter(t => t.startTime >= last).reduce((s, t) => s + t.duration, 0)}), 20);
""" % UPDATE


# --- Chromium ---------------------------------------------------------------------------------

def sign_in_chromium(driver, base: str, password: str, timeout_s: float) -> None:
    """Sign the browser in through the form and wait until it has left the form; then empty its
    cache, which the home page it lands on filled, so the first round is still cold."""
    sign_in_in_browser(driver, base, BENCH_USER, password)
    deadline = time.monotonic() + timeout_s
    while urlsplit(driver.current_url).path == SIGN_IN:
        if time.monotonic() > deadline:
            sys.exit("Chromium could not sign in as the bench user")
        time.sleep(0.1)
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})


def pages() -> list[tuple[str, str, int | None]]:
    """(name, path, chart cards expected or None) for every page in the header, and board mode."""
    cards = {page.path: len(page.charts) for page in PAGES}
    out = [(text, path, cards.get(path)) for text, path, _ in NAVIGATION]
    overview = PAGE_OF["overview"]
    return out + [(f"{overview.title} (board)", overview.path + BOARD, len(overview.board_charts))]


def scopes(services: Services) -> dict[str, str]:
    """England, the region of the first RAA, that RAA and one of its LAs."""
    agencies = services.measures.geography().agencies
    raa = agencies[agencies["kind"] == "RAA"].iloc[0]
    la = agencies[(agencies["kind"] == "LA") & (agencies["raa_code"] == raa["code"])].iloc[0]
    return {"England": "england", "region": f"{REGION_PREFIX}{raa['region']}",
            "RAA": raa["code"], "LA": la["code"]}


def page_url(base: str, path: str, scope: str, quarter: str) -> str:
    query = urlencode({"scope": scope, "quarter": quarter, "window": 4}, quote_via=quote)
    joiner = "&" if "?" in path else "?"
    return f"{base}{path}{joiner}{query}"


def visit(driver, url: str, cards: int | None, content: str | None, timeout_s: float) -> dict:
    """Open the page; how long until it was drawn (None if it never was) and where time went."""
    driver.get(url)
    drawn = driver.execute_async_script(DRAWN_JS, cards, content, timeout_s * 1000)
    timing = driver.execute_async_script(TIMING_JS)
    return {"drawn": drawn / 1000 if drawn >= 0 else None, **timing}


# --- Filter changes, replayed as dash-renderer sends them --------------------------------------


def page_listeners(driver, listeners: list[dict]) -> list[dict]:
    """The listeners whose outputs are all on the page open in the browser."""
    present = set(driver.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)"))
    return [c for c in listeners if all(o["id"] in present for o in outputs_of(c))]


# --- Report ----------------------------------------------------------------------------------

def seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


def report(rows: list[dict]) -> None:
    print(f"\n{'page':<22} {'drawn median':>12} {'max':>6}  {'change median':>13} {'p95':>6}  "
          f"targets: drawn {DRAWN_TARGET_S:.0f} s, change {CHANGE_TARGET_MS} ms")
    misses = []
    for row in rows:
        drawn = row["drawn"]
        never = None in drawn
        median = None if never else statistics.median(drawn)
        worst = None if never else max(drawn)
        changes = row["changes"]
        if changes:
            p95 = statistics.quantiles(changes, n=20)[-1] if len(changes) > 1 else changes[0]
            p50 = statistics.median(changes)
            change = f"{p50:>13.0f} {p95:>6.0f}"
        else:
            p50 = p95 = None
            change = f"{'-':>13} {'-':>6}"
        missed = []
        if never or worst > DRAWN_TARGET_S:
            missed.append(f"drawn {seconds(worst)} s")
        if p95 is not None and p95 > CHANGE_TARGET_MS:
            missed.append(f"change p95 {p95:.0f} ms")
        if missed:
            misses.append(f"{row['page']}: {', '.join(missed)}")
        print(f"{row['page']:<22} {seconds(median):>12} {seconds(worst):>6}  {change}  "
              f"{'MISSES' if missed else 'ok'}")
    print("\nMisses a target: " + ("; ".join(misses) if misses else "none"))


def breakdown(rows: list[dict]) -> None:
    """Medians over the warm visits: ms from navigation start, and the work in between."""
    columns = ("document", "callbacks", "callbacks_ms", "last_answer", "browser_ms")
    print("\nwhere the time goes, warm visits (medians; ms from navigation start unless a sum)")
    print(f"{'page':<22} {'document':>9} {'callbacks':>10} {'sum of their ms':>16} "
          f"{'last answer':>12} {'browser tasks after':>20} {'drawn':>6}")
    for row in rows:
        warm = row["warm"] or row["timings"]
        m = {k: statistics.median(t[k] for t in warm) for k in columns}
        drawn = [t["drawn"] for t in warm if t["drawn"] is not None]
        print(f"{row['page']:<22} {m['document']:>9.0f} {m['callbacks']:>10.0f} "
              f"{m['callbacks_ms']:>16.0f} {m['last_answer']:>12.0f} {m['browser_ms']:>20.0f} "
              f"{1000 * statistics.median(drawn) if drawn else float('nan'):>6.0f}")


def slowest(rows: list[dict]) -> None:
    """Each page's slowest visit, and where its time went."""
    print("\nslowest visit of each page (ms from navigation start unless a sum)")
    print(f"{'page':<22} {'visit':>5} {'scope':<22} {'last answer':>12} {'sum of their ms':>16} "
          f"{'browser tasks after':>20} {'drawn':>6}")
    for row in rows:
        found = [t for t in row["timings"] if t["drawn"] is not None]
        if found:
            t = max(found, key=lambda t: t["drawn"])
            print(f"{row['page']:<22} {t['visit']:>5} {t['scope']:<22} {t['last_answer']:>12.0f} "
                  f"{t['callbacks_ms']:>16.0f} {t['browser_ms']:>20.0f} {1000 * t['drawn']:>6.0f}")


def time_pages(driver, base: str, rows: list[dict], scopes: list[str], quarter: str, visits: int,
               timeout_s: float) -> None:
    """Open every page for every scope `visits` times. Round one is cold (the browser's cache
    and the server's caches empty); later rounds are warm, though a gunicorn worker that did
    not serve the first visit still has its own cache to fill."""
    for round_ in range(visits):
        for row in rows:
            for scope in scopes:
                url = page_url(base, row["path"], scope, quarter)
                timing = visit(driver, url, row["cards"], CONTENT.get(row["path"]), timeout_s)
                timing.update(scope=scope, visit=round_ + 1)
                row["timings"].append(timing)
                if round_:
                    row["warm"].append(timing)
    for row in rows:
        row["drawn"] = [t["drawn"] for t in row["timings"]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database with the demo already loaded")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--first", type=Quarter.parse, default=FIRST_QUARTER,
                        help="first demo quarter to load (default: the demo's first)")
    parser.add_argument("--last", type=Quarter.parse, default=LAST_QUARTER)
    parser.add_argument("--visits", type=int, default=3, help="visits per page and scope (first cold)")
    parser.add_argument("--changes", type=int, default=40, help="filter changes per page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for a page")
    args = parser.parse_args()
    if not (chromium_binary() and shutil.which("chromedriver")):
        print("Skipped: needs Chromium and ChromeDriver (make test installs them as root).")
        return 0
    database = given_or_demo(args.database_url, args.scale, args.seed, args.first, args.last)
    url = database.url
    services = Services.from_settings(Settings.from_env(database_url=url))
    quarters = services.store.quarters()
    if not quarters:
        sys.exit("the database has no returns: load the demo first")
    where = scopes(services)
    agencies = [(row.region, row.code) for row in services.measures.geography().agencies.itertuples()
                if row.kind in ("LA", "RAA")]
    password = bench_user(url)
    server = serve(url, args.workers)
    base = server.base
    driver = webdriver.Chrome(options=chromium_options())
    driver.set_script_timeout(args.timeout + 10)
    try:
        sign_in_chromium(driver, base, password, args.timeout)  # before the clock starts
        rows = [{"page": name, "path": path, "cards": cards, "timings": [], "warm": []}
                for name, path, cards in pages()]
        time_pages(driver, base, rows, list(where.values()), quarters[0], args.visits, args.timeout)
        cookie = session_cookie(base, password)
        bar, listeners = filter_callbacks(base, cookie)
        rng = random.Random(args.seed)
        for row in rows:
            # The page open in the browser says which callbacks a filter change sets off.
            driver.get(page_url(base, row["path"], "england", quarters[0]))
            driver.execute_async_script(DRAWN_JS, row["cards"], CONTENT.get(row["path"]), args.timeout * 1000)
            own = page_listeners(driver, listeners)
            has_bar = bool(driver.find_elements("id", ids.FILTER_AGENCY))
            changes = random_changes(agencies, quarters, args.changes, rng)
            row["changes"] = ([change_filters(base, cookie, bar, own, choice, changed)
                               for choice, changed in changes] if has_bar and own else [])
        print(f"\n{len(quarters)} quarters of returns, newest {quarters[0]}; scopes: "
              + ", ".join(f"{kind} {code}" for kind, code in where.items())
              + f"; {args.visits} visits per page and scope (first cold), {args.changes} filter changes per page")
        report(rows)
        breakdown(rows)
        slowest(rows)
    finally:
        driver.quit()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
