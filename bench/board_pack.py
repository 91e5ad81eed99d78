"""How long a board pack takes: the South East's (or a scope given) at the latest quarter,
drawn several times in one process after the figures are warm, as a served app draws it (the
master works out every chart before it forks its workers). Prints each run's seconds, the
median, the pages and the size.

    python bench/board_pack.py                                   # a new scale-1 SQLite demo
    python bench/board_pack.py --database-url sqlite:///path/demo.sqlite3 --runs 5
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from _serving import given_or_demo  # noqa: E402
from charts import pack_charts  # noqa: E402
from charts.view import view  # noqa: E402
from config import Settings  # noqa: E402
from db.demo import FIRST_QUARTER, LAST_QUARTER  # noqa: E402
from metrics.quarters import Quarter  # noqa: E402
from server.auth import caller_of  # noqa: E402
from server.images import board_pack  # noqa: E402
from server.services import Services  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database with the demo already loaded")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--first", type=Quarter.parse, default=FIRST_QUARTER)
    parser.add_argument("--last", type=Quarter.parse, default=LAST_QUARTER)
    parser.add_argument("--scope", default="region:South East")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    database = given_or_demo(args.database_url, args.scale, args.seed, args.first, args.last)
    services = Services.from_settings(
        Settings.from_env(environ={}, database_url=database.url, secret_key="bench"))
    state = {"scope": args.scope, "quarter": str(args.last), "window": 4, "compare": []}
    caller = caller_of(services)
    for _page, chart in pack_charts():  # warm, as the served app's master is
        view(chart, state, services.measures, caller, services.policy)
    seconds = []
    for _ in range(args.runs):
        started = time.perf_counter()
        pdf = board_pack(services, state)
        seconds.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"Board pack of {args.scope}, {args.last}: {pages} pages, {len(pdf) / 1e6:.1f} MB; "
          f"seconds {', '.join(f'{s:.1f}' for s in seconds)}; median {statistics.median(seconds):.1f} s")


if __name__ == "__main__":
    main()
