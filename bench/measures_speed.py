"""Time each dashboard page's measures for a region and for England, warm, and the peak memory.

    python bench/measures_speed.py --scale 1                          # fresh SQLite demo
    python bench/measures_speed.py --scale 10 --backend postgresql    # needs TEST_POSTGRES_URL
    python bench/measures_speed.py --database-url URL                 # a database already loaded

A "page" is the set of measure selections the dashboard draws for one filter choice (scope,
quarter, window): each headline measure for the scope beside its region and England, its
breakdowns, and 12-quarter series. For many random filter choices the script prints the median
and 95th percentile time per page after one warm-up pass (targets: 95th percentile under 150 ms
at scale 1 and 600 ms at scale 10). Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from config import Settings  # noqa: E402
from db.demo import FIRST_QUARTER, LAST_QUARTER, load_demo  # noqa: E402
from db.engine import session_factory  # noqa: E402
from db.measure_data import MeasureSource  # noqa: E402
from db.schema import initialise  # noqa: E402
from metrics.access import Caller  # noqa: E402
from metrics.disclosure import DisclosurePolicy  # noqa: E402
from metrics.engine import Selection, benchmark_rows, quarters_needed, series_rows, shown_to  # noqa: E402
from metrics.quarters import Quarter, quarter_range  # noqa: E402

PAGES = {
    "timeliness": {
        "benchmark": ["a10_care_to_placed_adjusted", "a1_care_to_placed", "a2_order_to_match",
                      "a3_within_14_months", "stage_care_to_adm", "stage_adm_to_order",
                      "stage_order_to_match", "stage_match_to_placed", "stage_placed_to_adopted",
                      "adopter_enquiry_to_approval", "adopter_approval_to_match"],
        "breakdowns": [("a10_care_to_placed_adjusted", "age_band")],
        "series": ["a10_care_to_placed_adjusted", "a2_order_to_match"],
    },
    "sufficiency": {
        "benchmark": ["children_waiting", "adopters_waiting", "adopters_per_child", "days_waiting",
                      "children_waiting_over_18_months", "sibling_groups_waiting"],
        "breakdowns": [("children_waiting", b) for b in ("age_band", "age_year", "ethnic_group",
                                                         "sibling", "disability", "harder_to_place")],
        "series": ["children_waiting", "adopters_waiting"],
    },
    "support": {
        "benchmark": ["sgos", "sgo_share", "sgo_breakdowns", "asf_applications", "asf_share_sg",
                      "adoption_orders", "disruptions"],
        "breakdowns": [("sgos", "guardian"), ("asf_applications", "applicant")],
        "series": ["sgos", "adoption_orders"],
    },
}
FLOWS = {"timeliness", "flow"}


def page_selections(page: dict, scope: str, quarter: Quarter, window: int) -> list[tuple[str, Selection]]:
    from metrics.registry import MEASURES

    def sel(measure: str, breakdown: str | None = None) -> Selection:
        w = window if MEASURES[measure].kind in FLOWS or measure in ("sgo_share", "asf_share_sg") else 1
        return Selection(measure, scope, quarter, w, breakdown)

    out = [("benchmark", sel(m)) for m in page["benchmark"]]
    out += [("breakdown", sel(m, b)) for m, b in page["breakdowns"]]
    out += [("series", sel(m)) for m in page["series"]]
    return out


def draw_page(source: MeasureSource, page: dict, scope: str, quarter: Quarter, window: int) -> None:
    """Everything one page shows for one filter choice, disclosed once for the caller."""
    caller, policy = Caller.viewer(), DisclosurePolicy()
    geography = source.geography()
    first = quarter + (-11)
    selections = page_selections(page, scope, quarter, window)
    needed = quarters_needed([s for _, s in selections] + [replace(s, quarter=first) for _, s in selections])
    data = source.data_for(quarter_range(min(needed), max(needed)))
    frames = [
        series_rows(selection, first, data, geography) if how == "series"
        else benchmark_rows(selection, data, geography)
        for how, selection in selections
    ]
    shown_to(caller, pd.concat(frames, ignore_index=True), geography, policy)


def prepare(args: argparse.Namespace) -> tuple[str, str | None]:
    """A loaded database URL (and a PostgreSQL database to drop afterwards, if made here)."""
    if args.database_url:
        return args.database_url, None
    if args.backend == "postgresql":
        admin_url = os.environ.get("TEST_POSTGRES_URL")
        if not admin_url:
            sys.exit("--backend postgresql needs TEST_POSTGRES_URL (a server's maintenance database URL)")
        name = f"asg_bench_{uuid.uuid4().hex[:8]}"
        with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    else:
        name = None
        url = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    sessions = session_factory(Settings.from_env(database_url=url))
    initialise(url, sessions)
    started = time.perf_counter()
    summary = load_demo(sessions, scale=args.scale, seed=args.seed)
    print(f"Loaded {summary.rows:,} rows at scale {args.scale} in {time.perf_counter() - started:.0f} s.")
    return url, name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--database-url", help="a database with the demo already loaded")
    parser.add_argument("--choices", type=int, default=40, help="filter choices per page and scope kind")
    args = parser.parse_args()
    url, made = prepare(args)
    try:
        source = MeasureSource(session_factory(Settings.from_env(database_url=url)))
        geography = source.geography()
        rng = random.Random(args.seed)
        quarters = quarter_range(FIRST_QUARTER + 11, LAST_QUARTER)
        regions = [f"region:{r}" for r in geography.regions]
        backend = make_url(url).get_backend_name()
        print(f"\n{backend}, scale {args.scale}: ms per page, warm ({args.choices} random filter choices each)")
        print(f"{'page':<12} {'scope':<8} {'median':>8} {'p95':>8} {'max':>8}")
        # Warm-up: every page for England at every quarter (12-quarter windows), as a running
        # server would have after its first requests. It reads every quarter and tallies each
        # measure's quarters for England once; nothing region-specific is computed ahead.
        for q in quarters:
            for page in PAGES.values():
                draw_page(source, page, "england", q, 12)
        for name, page in PAGES.items():
            for kind, scopes in (("region", regions), ("England", ["england"])):
                times = []
                for _ in range(args.choices):
                    scope, quarter, window = rng.choice(scopes), rng.choice(quarters), rng.choice((1, 4, 12))
                    started = time.perf_counter()
                    draw_page(source, page, scope, quarter, window)
                    times.append(1000 * (time.perf_counter() - started))
                p95 = statistics.quantiles(times, n=20)[-1]
                print(f"{name:<12} {kind:<8} {statistics.median(times):>8.0f} {p95:>8.0f} {max(times):>8.0f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory (max RSS of this process): {peak:,.0f} MiB")
    finally:
        if made:
            admin = create_engine(os.environ["TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{made}" WITH (FORCE)'))
    return 0


if __name__ == "__main__":
    sys.exit(main())
