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

Two more figures, from the browser. A filter change fully redrawn: on each page with the filter
bar, open at England, another agency is chosen in the real Agency dropdown (typing its code in
the search, then clicking it; when it sits in another region, that region is chosen first,
untimed) or another quarter in the Quarter list, and the time runs from just before the click
until the address holds the new choice, no callback is pending or running, no spinner shows,
and every plotly chart on the page has been drawn again (a new chart, or `plotly_react` /
`plotly_afterplot` fired on the old one); median and 95th percentile per page. And the
Children waiting page for England as an admin (target 3 s): the page drawn, then "Show the
list" pressed and the longest-waiting list's first 100 rows drawn, from navigation start.
Prints figures only; nothing here passes or fails.

Every page asks for sign-in, so the bench adds a viewer named `bench` to the database (or gives
it a new random password if it is there already), signs Chromium in through the form before
timing anything, and sends that session's cookie with its replayed filter changes. The list
is timed in a second Chromium signed in as `bench-admin`, an admin added the same way.
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
    BENCH_ADMIN, BENCH_USER, SIGN_IN, UPDATE, bench_user, change_filters, given_or_demo,
    filter_callbacks, machine_gauge, outputs_of, random_changes, serve, session_cookie,
)
from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.wait import WebDriverWait  # noqa: E402

from charts import PAGE_OF, PAGES  # noqa: E402
from server.services import Services  # noqa: E402
from config import Settings  # noqa: E402
from db.demo import FIRST_QUARTER, LAST_QUARTER  # noqa: E402
from layouts import ids  # noqa: E402
from layouts.records import PAGE_SIZE  # noqa: E402
from layouts.shell import NAVIGATION  # noqa: E402
from metrics.quarters import Quarter  # noqa: E402
from metrics.scope import REGION_PREFIX  # noqa: E402
from tests.accounts import sign_in_in_browser  # noqa: E402
from tests.browser.chromium import chromium_binary, chromium_options  # noqa: E402

DRAWN_TARGET_S = 2.0
CHANGE_TARGET_MS = 300
RECORDS_TARGET_S = 3.0
RECORDS_PATH = "/children-waiting"
RECORDS_OFFERED = f"#{ids.CHILDREN_WAITING_RECORDS_ASK}:not([hidden]) button"
RECORDS_ROWS = f"#{ids.CHILDREN_WAITING_RECORDS_GRID} .ag-center-cols-container .ag-row"
RECORDS_PAGING = f"#{ids.CHILDREN_WAITING_RECORDS_GRID} .ag-paging-row-summary-panel"
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


# Resolves with performance.now() once the longest-waiting list shows its first page (rows in
# view drawn, the paging line saying "1 to 100 of ..."), or -1.
LIST_JS = """
const [rows, paging, wanted, timeout] = arguments, done = arguments[arguments.length - 1];
const started = performance.now();
const first = () => ((document.querySelector(paging) || {}).textContent || "").replace(/\\s+/g, " ").trim();
(function check() {
    if (document.querySelector(rows) && first().startsWith(`1 to ${wanted} of`)) return done(performance.now());
    if (performance.now() - started > timeout) return done(-1);
    setTimeout(check, 10);
})();
"""
# Marks every plotly chart on the page as drawn before the change (a chart drawn again fires
# plotly_react or plotly_afterplot; a new chart has no mark) and starts the clock.
MARK_JS = """
for (const gd of document.querySelectorAll("main .js-plotly-plot")) {
    gd.__bench = "old";
    if (!gd.__benchHooked && gd.on) {
        gd.__benchHooked = true;
        const drawn = () => { gd.__bench = "new"; };
        gd.on("plotly_react", drawn);
        gd.on("plotly_afterplot", drawn);
    }
}
window.__benchStarted = performance.now();
"""
# Resolves with ms since MARK_JS once the change is fully redrawn, or -1.
REDRAWN_JS = """
const [param, value, cards, timeout] = arguments, done = arguments[arguments.length - 1];
const visible = el => el.getClientRects().length > 0;
const WAITING = ["requested", "prioritized", "blocked", "executing", "watched", "stored", "executed"];
function redrawn() {
    const state = window.store && window.store.getState();
    if (!state || state.isLoading) return false;
    if (WAITING.some(k => ((state.callbacks || {})[k] || []).length)) return false;
    if (new URLSearchParams(location.search).get(param) !== value) return false;
    if ([...document.querySelectorAll(".dash-spinner")].some(visible)) return false;
    if (cards !== null && document.querySelectorAll(".chart-card").length !== cards) return false;
    const graphs = [...document.querySelectorAll("main .js-plotly-plot")];
    return (cards === null || graphs.length > 0)
        && graphs.every(gd => gd.__bench !== "old" && gd.querySelector(".main-svg"));
}
(function check() {
    if (redrawn()) return done(performance.now() - window.__benchStarted);
    if (performance.now() - window.__benchStarted > timeout) return done(-1);
    setTimeout(check, 10);
})();
"""


# --- Chromium ---------------------------------------------------------------------------------

def sign_in_chromium(driver, base: str, password: str, timeout_s: float,
                     name: str = BENCH_USER) -> None:
    """Sign the browser in through the form and wait until it has left the form; then empty its
    cache, which the home page it lands on filled, so the first round is still cold."""
    sign_in_in_browser(driver, base, name, password)
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


# --- A filter change fully redrawn in the browser --------------------------------------------


def timed_change(driver, act, param: str, value: str, cards: int | None, timeout_s: float) -> float | None:
    """ms from just before `act()` (a click in the filter bar) until the page is redrawn for
    `param`=`value` in its address; None if it never was."""
    driver.execute_script(MARK_JS)
    act()
    ms = driver.execute_async_script(REDRAWN_JS, param, value, cards, timeout_s * 1000)
    return ms if ms >= 0 else None


def choose_region(driver, region: str) -> None:
    Select(driver.find_element("id", ids.FILTER_REGION)).select_by_value(region)


def agency_option(driver, code: str, timeout_s: float):
    """The Agency dropdown opened, searched for `code`, and its option for it (not yet clicked)."""
    driver.find_element("id", ids.FILTER_AGENCY).click()
    search = WebDriverWait(driver, timeout_s).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".dash-dropdown-search"))
    search.send_keys(code)
    choice = WebDriverWait(driver, timeout_s).until(lambda d: d.find_element(
        By.CSS_SELECTOR, f".dash-dropdown-option input[value='{code}']"))
    return choice.find_element(By.XPATH, "./ancestor::label")


def redraws(driver, base: str, row: dict, agencies: list[tuple[str, str]], quarters: list[str],
            count: int, rng: random.Random, timeout_s: float) -> list[float | None]:
    """Up to `count` changes of agency or quarter made in the page's own filter bar, each timed
    until fully redrawn (an agency in another region has its region chosen first, untimed; a
    choice of what is already chosen is skipped, as it changes nothing)."""
    driver.get(page_url(base, row["path"], "england", quarters[0]))
    driver.execute_async_script(DRAWN_JS, row["cards"], CONTENT.get(row["path"]), timeout_s * 1000)
    if not driver.find_elements("id", ids.FILTER_AGENCY):
        return []
    region, scope, quarter, out = "england", "england", quarters[0], []
    for choice, changed in random_changes(agencies, quarters, count, rng):
        try:
            if changed == ids.FILTER_QUARTER:
                if choice.quarter == quarter:  # the same choice again changes nothing
                    continue
                out.append(timed_change(driver, lambda: Select(driver.find_element(
                    "id", ids.FILTER_QUARTER)).select_by_value(choice.quarter), "quarter",
                    choice.quarter, row["cards"], timeout_s))
                quarter = choice.quarter
                continue
            if choice.agency == scope:
                continue
            if choice.region != region:
                timed_change(driver, lambda: choose_region(driver, choice.region), "scope",
                             f"{REGION_PREFIX}{choice.region}", row["cards"], timeout_s)
                region = choice.region
            option = agency_option(driver, choice.agency, timeout_s)
            out.append(timed_change(driver, option.click, "scope", choice.agency, row["cards"],
                                    timeout_s))
            scope = choice.agency
        except WebDriverException as exc:  # a control that could not be used: said, not timed
            print(f"{row['page']}: change to {choice} not made ({type(exc).__name__})")
    return out


# --- The longest-waiting list -----------------------------------------------------------------


def time_records(driver, base: str, quarter: str, cards: int, visits: int,
                 timeout_s: float) -> list[dict]:
    """Children waiting for England as an admin, `visits` times (the first cold): seconds from
    navigation start until the page is drawn, and until "Show the list", pressed at once, has
    drawn the list's first page."""
    out = []
    for _ in range(visits):
        driver.get(page_url(base, RECORDS_PATH, "england", quarter))
        page = driver.execute_async_script(DRAWN_JS, cards, RECORDS_OFFERED, timeout_s * 1000)
        button = driver.find_element(By.CSS_SELECTOR, RECORDS_OFFERED)
        driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
        button.click()
        listed = driver.execute_async_script(LIST_JS, RECORDS_ROWS, RECORDS_PAGING, PAGE_SIZE,
                                             timeout_s * 1000)
        out.append({"page": page / 1000 if page >= 0 else None,
                    "list": listed / 1000 if listed >= 0 else None})
    return out


# --- Report ----------------------------------------------------------------------------------

def seconds(value: float | None) -> str:
    return "never" if value is None else f"{value:.2f}"


def percentiles(values: list[float]) -> tuple[float, float]:
    """Median and 95th percentile."""
    p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
    return statistics.median(values), p95


def redraw_report(rows: list[dict]) -> None:
    print("\nfilter change fully redrawn in the browser (ms from the click; median / 95th "
          "percentile)")
    print(f"{'page':<22} {'changes':>7} {'median':>7} {'p95':>6} {'never':>6}")
    for row in rows:
        times = row.get("redraws") or []
        if not times:
            continue
        done = [t for t in times if t is not None]
        p50, p95 = percentiles(done) if done else (float("nan"), float("nan"))
        print(f"{row['page']:<22} {len(times):>7} {p50:>7.0f} {p95:>6.0f} {len(times) - len(done):>6}")


def records_report(timings: list[dict], quarter: str) -> None:
    print(f"\nChildren waiting, England {quarter}, as an admin: seconds from navigation start "
          f"(target: drawn within {RECORDS_TARGET_S:.0f} s)")
    for n, t in enumerate(timings, start=1):
        print(f"visit {n} ({'cold' if n == 1 else 'warm'}): page drawn {seconds(t['page'])}, "
              f"list's first {PAGE_SIZE} rows drawn {seconds(t['list'])}")


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
    parser.add_argument("--redraws", type=int, default=20,
                        help="filter changes made in the browser per page, timed until redrawn")
    parser.add_argument("--records-visits", type=int, default=3,
                        help="visits to Children waiting for England as an admin (first cold)")
    parser.add_argument("--paths", help="only these pages, e.g. '/,/timeliness' (a quick look)")
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
    admin_password = bench_user(url, BENCH_ADMIN, "admin")
    machine = [machine_gauge()]  # the targets are for a quiet machine: say how quiet it was
    server = serve(url, args.workers)
    base = server.base
    driver = webdriver.Chrome(options=chromium_options())
    driver.set_script_timeout(args.timeout + 10)
    try:
        sign_in_chromium(driver, base, password, args.timeout)  # before the clock starts
        wanted = set(args.paths.split(",")) if args.paths else None
        rows = [{"page": name, "path": path, "cards": cards, "timings": [], "warm": []}
                for name, path, cards in pages()
                if wanted is None or path.split("?")[0] in wanted]
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
        for row in rows:
            if BOARD not in row["path"]:
                row["redraws"] = redraws(driver, base, row, agencies, quarters, args.redraws, rng,
                                         args.timeout)
        admin = webdriver.Chrome(options=chromium_options())
        admin.set_script_timeout(args.timeout + 10)
        try:
            sign_in_chromium(admin, base, admin_password, args.timeout, BENCH_ADMIN)
            listed = time_records(admin, base, quarters[0], len(PAGE_OF["children_waiting"].charts),
                                  args.records_visits, args.timeout)
        finally:
            admin.quit()
        machine.append(machine_gauge())
        print("\nmachine before and after: " + "; ".join(machine))
        print(f"\n{len(quarters)} quarters of returns, newest {quarters[0]}; scopes: "
              + ", ".join(f"{kind} {code}" for kind, code in where.items())
              + f"; {args.visits} visits per page and scope (first cold), {args.changes} filter changes per page")
        report(rows)
        breakdown(rows)
        slowest(rows)
        redraw_report(rows)
        records_report(listed, quarters[0])
    finally:
        driver.quit()
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
