"""National scale: the demo at scale 1 and 10, on SQLite and PostgreSQL, served as in
production; how fast it loads, draws and answers, and how much memory a worker takes.

    python bench/scale.py                                   # everything (35 minutes on 2 cores)
    python bench/scale.py --scales 1 --backends sqlite      # one database
    python bench/scale.py --database-url URL --scales 10    # a database already loaded

For each backend and scale:
- import rate: the synthetic demo (30 quarters of returns from every agency) loaded through the
  importer into a new database, in rows per second;
- warm-up: gunicorn started with 2 workers, as the container starts it, until /health answers
  (the master reads every quarter and works out England's figures before it forks);
- first page drawn: a new headless Chromium signs in (landing elsewhere, so nothing of the
  Overview is cached), then opens the Overview for England: navigation to every chart drawn;
- filter changes: for every page with a filter bar and for each kind of scope (an LA, an RAA,
  a region, England), `--changes` filter changes replayed as dash-renderer sends them (the
  bar's callback, then the page's callbacks in turn), each to a random scope of that kind and
  a random quarter: a question nobody asked before, so the answer cache never has it. Server
  time, median and 95th percentile;
- peak memory of each worker (VmHWM: pages shared with the master after the fork count in
  full);
- the machine's own speed before serving and after the filter changes (a fixed Python
  workload, a walk over 64 MB and the load average), and the Python workload again after each
  page and kind of scope: the targets are for a quiet machine, and on a busy one the same code
  has timed a half slower. The slowest cell is set beside how fast the machine was then.
Targets: scale 1, filter change p95 under 150 ms, first page under 2 s, worker peak under
400 MB; scale 10, filter change p95 under 600 ms. Prints figures only; nothing passes or fails.
PostgreSQL needs TEST_POSTGRES_URL (`make bench` starts a server as root, as `make test` does).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _serving import (  # noqa: E402
    BENCH_USER, POSTGRES_ADMIN, SIGN_IN, Choice, Database, bench_user, change_filters, demo_database,
    filter_callbacks, machine_gauge, peak_memory_mib, python_pace, serve, session_cookie,
)
from page_speed import DRAWN_JS, page_listeners, page_url  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.support.expected_conditions import staleness_of  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from charts import PAGE_OF, PAGES  # noqa: E402
from server.services import Services  # noqa: E402
from config import Settings  # noqa: E402
from db.demo import FIRST_QUARTER, LAST_QUARTER  # noqa: E402
from layouts import ids  # noqa: E402
from charts.query import ENGLAND  # noqa: E402
from layouts.shell import NAVIGATION  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from tests.browser.chromium import chromium_binary, chromium_options  # noqa: E402

KINDS = ("LA", "RAA", "region", "England")
TARGETS = {1: {"change_p95_ms": 150, "first_page_s": 2.0, "worker_mib": 400},
           10: {"change_p95_ms": 600}}
CARDS = {page.path: len(page.charts) for page in PAGES}


@dataclass
class Run:
    backend: str
    scale: int
    rows: int = 0
    load_seconds: float = 0.0
    warm_seconds: float = 0.0
    first_page_s: float | None = None
    changes: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # (page, kind) -> ms
    workers_mib: list[float] = field(default_factory=list)
    machine: list[str] = field(default_factory=list)  # machine_gauge() before and after timing
    pace: dict[tuple[str, str], float] = field(default_factory=dict)  # python_pace() after each cell


def choices_of(services: Services, kind: str, quarters: list[str], count: int,
               rng: random.Random) -> list[tuple[Choice, str]]:
    """`count` new filter choices of one kind of scope, each with the control that changed."""
    geography = services.measures.geography()
    agencies = geography.agencies
    out = []
    for _ in range(count):
        quarter = rng.choice(quarters)
        if kind in ("LA", "RAA"):
            row = agencies[agencies["kind"] == kind].sample(1, random_state=rng.randrange(2**31)).iloc[0]
            out.append((Choice(row["region"], row["code"], quarter), ids.FILTER_AGENCY))
        elif kind == "region":
            out.append((Choice(rng.choice(geography.regions), None, quarter), ids.FILTER_REGION))
        else:
            out.append((Choice(ENGLAND, None, quarter), ids.FILTER_QUARTER))
    return out


def first_page(driver, base: str, password: str, quarter: str, timeout_s: float) -> float | None:
    """Sign in through the form, landing on the Definitions page (so no Overview answer is
    cached), empty the browser's cache, then time the Overview for England to drawn."""
    driver.get(f"{base}{SIGN_IN}?next={quote('/definitions')}")
    driver.find_element("id", "sign-in-name").send_keys(BENCH_USER)
    driver.find_element("id", "sign-in-password").send_keys(password)
    submit = driver.find_element("id", "sign-in-submit")
    submit.click()
    WebDriverWait(driver, timeout_s).until(staleness_of(submit))
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})
    driver.get(page_url(base, PAGE_OF["overview"].path, ENGLAND, quarter))
    drawn = driver.execute_async_script(DRAWN_JS, CARDS[PAGE_OF["overview"].path], None, timeout_s * 1000)
    return drawn / 1000 if drawn >= 0 else None


def measure(database: Database, run: Run, args: argparse.Namespace) -> None:
    services = Services.from_settings(Settings.from_env(database_url=database.url))
    quarters = services.store.quarters()
    if not quarters:
        sys.exit("the database has no returns: load the demo first")
    password = bench_user(database.url)
    run.machine.append(machine_gauge())
    server = serve(database.url, workers=2)
    run.warm_seconds = server.warm_seconds
    driver = webdriver.Chrome(options=chromium_options())
    driver.set_script_timeout(args.timeout + 10)
    try:
        run.first_page_s = first_page(driver, server.base, password, quarters[0], args.timeout)
        cookie = session_cookie(server.base, password)
        bar, listeners = filter_callbacks(server.base, cookie)
        rng = random.Random(args.seed)
        for name, path, _ in NAVIGATION:
            # The page open in the browser says which callbacks a filter change sets off.
            driver.get(page_url(server.base, path, ENGLAND, quarters[0]))
            driver.execute_async_script(DRAWN_JS, CARDS.get(path), None, args.timeout * 1000)
            own = page_listeners(driver, listeners)
            if not (own and driver.find_elements("id", ids.FILTER_AGENCY)):
                continue
            for kind in KINDS:
                changes = choices_of(services, kind, quarters, args.changes + 2, rng)
                times = [change_filters(server.base, cookie, bar, own, choice, changed)
                         for choice, changed in changes]
                run.changes[(name, kind)] = times[2:]  # the first two wake the page's code paths
                run.pace[(name, kind)] = python_pace()
        run.workers_mib = [peak_memory_mib(pid) for pid in server.workers()]
        run.machine.append(machine_gauge())
    finally:
        driver.quit()
        server.stop()
        services.store.close_connections()


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]


def report(run: Run, changes: int) -> None:
    rate = run.rows / run.load_seconds if run.load_seconds else float("nan")
    loaded = (f"{run.rows:,} rows loaded in {run.load_seconds:.0f} s ({rate:,.0f} rows/s)"
              if run.rows else "a database already loaded")
    first = "never" if run.first_page_s is None else f"{run.first_page_s:.2f} s"
    print(f"\n== {run.backend}, scale {run.scale}: {loaded}; warm-up {run.warm_seconds:.0f} s; "
          f"first page drawn {first}; worker peak memory "
          + ", ".join(f"{m:,.0f} MiB" for m in run.workers_mib))
    if run.machine:
        print("machine before and after: " + "; ".join(run.machine))
    print(f"filter change, server ms, median / 95th percentile ({changes} new choices each)")
    print(f"{'page':<22}" + "".join(f"{kind:>16}" for kind in KINDS))
    for page in dict.fromkeys(page for page, _ in run.changes):
        cells = [run.changes.get((page, kind)) for kind in KINDS]
        print(f"{page:<22}" + "".join(
            f"{statistics.median(t):>9.0f} / {p95(t):>4.0f}" if t else f"{'-':>16}" for t in cells))
    if run.pace:
        print("the machine's Python workload just after each cell, ms (the gauge's; lower is faster)")
        for page in dict.fromkeys(page for page, _ in run.pace):
            print(f"{page:<22}" + "".join(f"{run.pace[page, kind]:>16.0f}" if (page, kind) in run.pace
                                          else f"{'-':>16}" for kind in KINDS))


def verdicts(run: Run) -> list[str]:
    """Each target of the run's scale, met or missed, in words."""
    targets, out = TARGETS.get(run.scale, {}), []
    if "change_p95_ms" in targets:
        worst = max(((p95(t), page, kind) for (page, kind), t in run.changes.items()), default=None)
        if worst:
            ok = worst[0] < targets["change_p95_ms"]
            pace = run.pace.get((worst[1], worst[2]))
            machine = (f" (machine's Python workload then {pace:.0f} ms; fastest in the run "
                       f"{min(run.pace.values()):.0f} ms)" if pace else "")
            out.append(f"filter change p95 worst {worst[0]:.0f} ms ({worst[1]}, {worst[2]}), "
                       f"target {targets['change_p95_ms']} ms: {'met' if ok else 'MISSED'}{machine}")
    if "first_page_s" in targets and run.first_page_s is not None:
        ok = run.first_page_s < targets["first_page_s"]
        out.append(f"first page {run.first_page_s:.2f} s, target {targets['first_page_s']:.0f} s: "
                   f"{'met' if ok else 'MISSED'}")
    if "worker_mib" in targets and run.workers_mib:
        ok = max(run.workers_mib) < targets["worker_mib"]
        out.append(f"worker peak {max(run.workers_mib):,.0f} MiB, target {targets['worker_mib']} MB: "
                   f"{'met' if ok else 'MISSED'}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"),
                        default=["sqlite", "postgresql"])
    parser.add_argument("--database-url", help="a database with the demo already loaded "
                        "(its backend is read from the URL; give the one scale it was loaded at)")
    parser.add_argument("--changes", type=int, default=40,
                        help="filter changes per page and kind (at 20, the 95th percentile is "
                             "nearly the slowest one, and moved by a third between runs)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for a page")
    parser.add_argument("--keep", action="store_true",
                        help="keep the databases made here (their URLs are printed), e.g. for "
                             "bench/measure_floors.py --database-url")
    args = parser.parse_args()
    if not (chromium_binary() and shutil.which("chromedriver")):
        print("Skipped: needs Chromium and ChromeDriver (make test installs them as root).")
        return 0
    plans: list[tuple[str, int]] = []
    if args.database_url:
        plans = [(make_url(args.database_url).get_backend_name(), args.scales[0])]
    else:
        for backend in args.backends:
            if backend == "postgresql" and not os.environ.get(POSTGRES_ADMIN):
                print(f"PostgreSQL skipped: set {POSTGRES_ADMIN} (make bench starts a server as root).")
                continue
            plans += [(backend, scale) for scale in args.scales]
    runs = []
    for backend, scale in plans:
        run = Run(backend, scale)
        if args.database_url:
            database = Database(args.database_url)
        else:
            print(f"Loading the demo at scale {scale} into {backend}...", flush=True)
            database = demo_database(backend, scale, args.seed, FIRST_QUARTER, LAST_QUARTER)
            run.rows, run.load_seconds = database.rows, database.load_seconds
        try:
            measure(database, run, args)
        finally:
            if args.keep:
                print(f"Kept: {database.url}")
            elif not args.database_url:
                database.drop()
        report(run, args.changes)
        runs.append(run)
    print("\nTargets")
    for run in runs:
        for line in verdicts(run):
            print(f"{run.backend}, scale {run.scale}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
