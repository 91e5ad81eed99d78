"""A board meeting's load: 50 people at once on the dashboard served by gunicorn with 2 workers,
replayed by locust (headless) for 60 s; prints requests per second, median and 95th
percentile, and errors.

    make loadtest                                     # installs locust in .venv-loadtest first
    python bench/loadtest.py --database-url URL       # a database already loaded
    python bench/loadtest.py --redis-url redis://127.0.0.1:6390/1   # answers shared in Redis

What each user does is in bench/_board_meeting.py: sign in, open the Overview, change agency
(among the region's) and quarter (among the newest four), download a chart's CSV, a few seconds
apart: the callback requests dash-renderer sends, with bodies taken from the app's own
/_dash-dependencies. Target: 95th percentile under 1 s and no errors. Prints figures only.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
import urllib.request
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _serving import (  # noqa: E402
    BENCH_USER, Choice, bench_user, change_filters, filter_callbacks,
    given_or_demo, outputs_of, request_body, serve, session_cookie,
)

from server.services import Services  # noqa: E402
from config import PROJECT_ROOT, Settings  # noqa: E402
from db.demo import FIRST_QUARTER, LAST_QUARTER  # noqa: E402
from layouts import ids  # noqa: E402

LOCUSTFILE = Path(__file__).resolve().parent / "_board_meeting.py"
DEFAULT_LOCUST = PROJECT_ROOT / ".venv-loadtest" / "bin" / "locust"
P95_TARGET_MS = 1000
DOWNLOADED_CHART = "children_waiting"


def download_path(state: dict) -> str:
    """The address a chart card's "Download CSV" link opens for the selection."""
    params = {"scope": state["scope"], "quarter": state["quarter"], "window": state["window"],
              "format": "csv"}
    return f"/api/v1/charts/{DOWNLOADED_CHART}?{urlencode(params)}"


def plan(services: Services, base: str, cookie: str, password: str, region: str) -> dict:
    """What the locust users need, checked by sending each request once."""
    bar, listeners = filter_callbacks(base, cookie)
    cards = next(c for c in listeners if any(o["id"] == ids.OVERVIEW_CARDS for o in outputs_of(c)))
    quarters = services.store.quarters()[:4]
    agencies = services.measures.geography().agencies
    inside = agencies[(agencies["region"] == region) & agencies["kind"].isin(["LA", "RAA"])]
    if inside.empty:
        sys.exit(f"no region called {region!r}")
    # Once through, as a user would: each kind of request must answer before the load starts.
    change_filters(base, cookie, bar, [cards], Choice(region, None, quarters[0]), ids.FILTER_REGION)
    state = {"scope": f"region:{region}", "quarter": quarters[0], "window": 4, "compare": []}
    request = urllib.request.Request(f"{base}{download_path(state)}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=120) as answer:
        if "attachment" not in answer.headers.get("Content-Disposition", ""):
            sys.exit("the chart download did not answer with a file")
    return {
        "user": BENCH_USER, "password": password, "region": region, "quarters": quarters,
        "agencies": inside["code"].tolist(),
        "ids": {"region": ids.FILTER_REGION, "agency": ids.FILTER_AGENCY, "quarter": ids.FILTER_QUARTER,
                "window": ids.FILTER_WINDOW, "compare": ids.FILTER_COMPARE, "state": ids.FILTER_STATE},
        "bar": request_body(bar, {}, []), "cards": request_body(cards, {}, []),
        "download": f"/api/v1/charts/{DOWNLOADED_CHART}",
    }


def report(prefix: Path, users: int, seconds: int) -> None:
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    print(f"\n{users} users for {seconds} s (locust, headless); server ms")
    print(f"{'request':<38} {'requests':>9} {'errors':>7} {'per s':>7} {'median':>7} {'p95':>6}")
    for row in rows:
        print(f"{row['Name'][:38]:<38} {int(row['Request Count']):>9,} {int(row['Failure Count']):>7} "
              f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>6}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    with open(f"{prefix}_failures.csv", newline="", encoding="utf-8") as f:
        failures = list(csv.DictReader(f))
    for failure in failures:
        print(f"error: {failure['Name']}: {failure['Error']} ({failure['Occurrences']} times)")
    met = float(total["95%"]) < P95_TARGET_MS and int(total["Failure Count"]) == 0
    print(f"\nTarget: 95th percentile under {P95_TARGET_MS} ms and no errors: {total['95%']} ms, "
          f"{total['Failure Count']} errors: {'met' if met else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database with the demo already loaded")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5,
                        help="users started per second (5: the room arrives over 10 s)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--region", default="London", help="the board's region")
    parser.add_argument("--locust", type=Path, default=DEFAULT_LOCUST)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""),
                        help="keep answers in this Redis, shared by the workers as in production "
                             "(default REDIS_URL; without it each worker keeps its own)")
    args = parser.parse_args()
    if not args.locust.exists():
        print(f"Skipped: no locust at {args.locust} (make loadtest installs it).")
        return 0
    database = given_or_demo(args.database_url, 1, 2024, FIRST_QUARTER, LAST_QUARTER)
    url = database.url
    services = Services.from_settings(Settings.from_env(database_url=url))
    password = bench_user(url)
    os.environ["REDIS_URL"] = args.redis_url  # the server's environment is this one
    where = urlsplit(args.redis_url).netloc.rpartition("@")[2]  # no password printed
    print(f"Answer cache: Redis at {where}, shared by the workers" if args.redis_url
          else "Answer cache: each worker's own")
    server = serve(url, args.workers)
    try:
        cookie = session_cookie(server.base, password)
        folder = Path(tempfile.mkdtemp())
        (folder / "plan.json").write_text(json.dumps(plan(services, server.base, cookie, password,
                                                          args.region)), encoding="utf-8")
        prefix = folder / "board"
        subprocess.run(
            [str(args.locust), "-f", str(LOCUSTFILE), "--headless", "--users", str(args.users),
             "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.seconds}s",
             "--host", server.base, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            env={"LOADTEST_PLAN": str(folder / "plan.json"), "PATH": "/usr/bin:/bin"},
            check=False, stdout=subprocess.DEVNULL)
        report(prefix, args.users, args.seconds)
    finally:
        server.stop()
        services.store.close_connections()
        if not args.database_url:
            database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
