"""Load the demo into a fresh database, print the import rate and how the data compares with the
published England figures it is calibrated to (docs/demo-data.md), and per-quarter totals.

    python bench/demo_calibration.py                # fresh SQLite file in a temporary folder
    python bench/demo_calibration.py --no-db        # the generator's returns, without storing
    DATABASE_URL=postgresql+psycopg2://... python bench/demo_calibration.py --use-database-url

Figures are computed from what was stored (current returns), following shared/spec/metrics.md
in simplified form; the dashboard's own measures come from metrics/.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import Settings  # noqa: E402
from db.demo import (  # noqa: E402
    FIRST_QUARTER, LAST_QUARTER, adopters_table, children_table, sgo_table, simulate, support_row,
    submitters,
)
from db.engine import session_factory  # noqa: E402
from db.frames import current_frames  # noqa: E402
from db.registry import read_reference  # noqa: E402
from db.schema import initialise  # noqa: E402
from metrics.quarters import Quarter, quarter_range  # noqa: E402

Frames = dict[str, pd.DataFrame]
TOLERANCE = 0.15


def day(d: date) -> pd.Timestamp:
    return pd.Timestamp(d)


def of_quarter(frame: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    return frame[frame["quarter_index"] == quarter.index]


def children_waiting(frames: Frames, quarter: Quarter, at: date | None = None) -> pd.DataFrame:
    """Children with a placement order, not placed, adopted or reversed, as at `at`."""
    c = of_quarter(frames["children"], quarter)
    t = day(at or quarter.end)
    placed = (c["placed_date"] <= t) & ~((c["disruption_date"] >= c["placed_date"]) & (c["disruption_date"] <= t))
    waiting = (c["placement_order_date"] <= t) & ~placed & ~(c["adoption_order_date"] <= t)
    waiting &= ~(c["decision_reversed_date"] <= t)
    out = c[waiting].copy()
    out["days"] = (t - out["placement_order_date"]).dt.days
    out["age"] = (t - out["date_of_birth"]).dt.days // 365.25
    return out


def adopters_waiting(frames: Frames, quarter: Quarter) -> int:
    a = of_quarter(frames["adopters"], quarter)
    t = day(quarter.end)
    return int(((a["approval_date"] <= t) & ~(a["matched_date"] <= t) & ~(a["left_date"] <= t)).sum())


def events_in(frames: Frames, table: str, column: str, quarters: list[Quarter]) -> pd.DataFrame:
    """Rows whose event falls in the quarter of the return they came in (each event once)."""
    parts = []
    for q in quarters:
        rows = of_quarter(frames[table], q)
        parts.append(rows[rows[column].between(day(q.start), day(q.end))])
    return pd.concat(parts)


def year(text: str) -> list[Quarter]:
    first = Quarter.parse(f"{text} Q1")
    return quarter_range(first, first + 3)


def adopted(frames: Frames, fy: str) -> pd.DataFrame:
    a = events_in(frames, "children", "adoption_order_date", year(fy))
    stop = a["placed_with_carer_date"].where(a["foster_carer_adoption"] & a["placed_with_carer_date"].notna(), a["placed_date"])
    return a.assign(a10=(stop - a["entered_care_date"]).dt.days)


def share(mask: pd.Series) -> float:
    return float(mask.mean() * 100) if len(mask) else float("nan")


@dataclass
class Target:
    measure: str
    period: str
    published: float
    compute: Callable[[Frames], float]


Q = Quarter.parse
TARGETS = [
    Target("children with a placement order waiting", "31 Mar 2019", 2800,
           lambda f: len(children_waiting(f, Q("2019-20 Q1"), date(2019, 3, 31)))),
    Target("children with a placement order waiting", "Jun 2022", 2020,
           lambda f: len(children_waiting(f, Q("2022-23 Q1")))),
    Target("children with a placement order waiting", "Jun 2025", 2940,
           lambda f: len(children_waiting(f, Q("2025-26 Q1")))),
    Target("approved adopter households waiting", "Mar 2020", 1800,
           lambda f: adopters_waiting(f, Q("2019-20 Q4"))),
    Target("approved adopter households waiting", "Jun 2022", 2480,
           lambda f: adopters_waiting(f, Q("2022-23 Q1"))),
    Target("approved adopter households waiting", "Jun 2025", 1420,
           lambda f: adopters_waiting(f, Q("2025-26 Q1"))),
    Target("adoptions", "2019-20", 3400, lambda f: len(adopted(f, "2019-20"))),
    Target("adoptions", "2023-24", 2950, lambda f: len(adopted(f, "2023-24"))),
    Target("adoptions", "2024-25", 2950, lambda f: len(adopted(f, "2024-25"))),
    Target("A10 mean days, entering care to placed", "2019-20", 475, lambda f: adopted(f, "2019-20")["a10"].mean()),
    Target("A10 mean days, entering care to placed", "2024-25", 475, lambda f: adopted(f, "2024-25")["a10"].mean()),
    Target("mean days waiting since placement order", "Mar 2023", 187,
           lambda f: children_waiting(f, Q("2022-23 Q4"))["days"].mean()),
    Target("mean days waiting since placement order", "Jun 2025", 292,
           lambda f: children_waiting(f, Q("2025-26 Q1"))["days"].mean()),
    Target("mean days waiting, children aged 5+", "Jun 2025", 508,
           lambda f: (lambda w: w.loc[w["age"] >= 5, "days"].mean())(children_waiting(f, Q("2025-26 Q1")))),
    Target("% of children waiting in sibling groups", "Jun 2025", 55,
           lambda f: share(children_waiting(f, Q("2025-26 Q1"))["sibling_group_id"].notna())),
    Target("% of children waiting aged 5+", "Jun 2025", 28,
           lambda f: share(children_waiting(f, Q("2025-26 Q1"))["age"] >= 5)),
    Target("% of children waiting from minority ethnic groups", "Jun 2025", 20,
           lambda f: share(~children_waiting(f, Q("2025-26 Q1"))["ethnicity"].str[0].isin(["W", "R", "N"]))),
    Target("% of children waiting disabled", "Jun 2025", 4,
           lambda f: share(children_waiting(f, Q("2025-26 Q1"))["disability"].astype(bool))),
    Target("special guardianship orders", "2024-25", 4000,
           lambda f: len(events_in(f, "special_guardianship", "sgo_date", year("2024-25")))),
    Target("% of SGOs to relatives or friends", "2024-25", 90,
           lambda f: share(events_in(f, "special_guardianship", "sgo_date", year("2024-25"))["guardian"].isin(["E45", "E47"]))),
    Target("% of support fund applications for special guardians", "2024-25", 13,
           lambda f: (lambda s: 100 * s["asf_applications_sg"].sum()
                      / (s["asf_applications_sg"].sum() + s["asf_applications_adoption"].sum()))(
               f["support"][f["support"]["quarter_index"].isin([q.index for q in year("2024-25")])])),
]


def generated_frames(scale: int, seed: int) -> Frames:
    """What the demo would store, straight from the generator (no database)."""
    registry = read_reference()
    world = simulate(registry, scale, seed)
    out: dict[str, list[pd.DataFrame]] = {"children": [], "adopters": [], "special_guardianship": [], "support": []}
    for q in quarter_range(FIRST_QUARTER, LAST_QUARTER):
        for name, table in (("children", children_table(world.children, q)),
                            ("adopters", adopters_table(world.households, q)),
                            ("special_guardianship", sgo_table(world.sgos, q))):
            out[name].append(table.rename(columns={"submitter": "agency_code"}).assign(quarter_index=q.index))
        for agency in submitters(registry):
            out["support"].append(support_row(world, agency, q).assign(agency_code=agency, quarter_index=q.index))
    frames = {name: pd.concat(parts, ignore_index=True) for name, parts in out.items()}
    for flag in ("disability", "foster_carer_adoption"):
        frames["children"][flag] = frames["children"][flag].eq("Y")
    return frames


def print_calibration(frames: Frames, scale: int) -> int:
    print(f"\n{'measure':<55} {'period':<12} {'England':>8} {'demo':>8} {'diff':>7}")
    misses = 0
    for t in TARGETS:
        value = float(t.compute(frames))
        expected = t.published * (scale if not t.measure.startswith(("%", "A10", "mean")) else 1)
        diff = (value - expected) / expected
        flag = "" if abs(diff) <= TOLERANCE else "  <-- outside 15%"
        misses += bool(flag)
        print(f"{t.measure:<55} {t.period:<12} {expected:>8,.0f} {value:>8,.0f} {diff:>+7.0%}{flag}")
    print(f"{len(TARGETS) - misses} of {len(TARGETS)} figures within {TOLERANCE:.0%} of the published figure.")
    return misses


def print_quarters(frames: Frames) -> None:
    print(f"\n{'quarter':<11} {'returns':>7} {'children waiting':>17} {'adopters waiting':>17} "
          f"{'adoption orders':>16} {'SGOs':>6}")
    for q in quarter_range(FIRST_QUARTER, LAST_QUARTER):
        returns = of_quarter(frames["support"], q)["agency_code"].nunique()
        ao = len(events_in(frames, "children", "adoption_order_date", [q]))
        sgo = len(events_in(frames, "special_guardianship", "sgo_date", [q]))
        agencies = pd.concat([of_quarter(frames[n], q)["agency_code"] for n in ("children", "adopters")]).nunique()
        print(f"{str(q):<11} {max(returns, agencies):>7} {len(children_waiting(frames, q)):>17,} "
              f"{adopters_waiting(frames, q):>17,} {ao:>16,} {sgo:>6,}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--no-db", action="store_true", help="measure the generator only")
    parser.add_argument("--use-database-url", action="store_true",
                        help="load into DATABASE_URL (must be empty) instead of a temporary SQLite file")
    args = parser.parse_args()
    if args.no_db:
        started = time.perf_counter()
        frames = generated_frames(args.scale, args.seed)
        print(f"Generated in {time.perf_counter() - started:.1f} s (not stored).")
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = os.environ["DATABASE_URL"] if args.use_database_url else f"sqlite:///{folder}/bench.sqlite3"
            settings = Settings.from_env(database_url=url)
            sessions = session_factory(settings)
            initialise(url, sessions)
            from db.demo import load_demo

            started = time.perf_counter()
            summary = load_demo(sessions, scale=args.scale, seed=args.seed)
            seconds = time.perf_counter() - started
            print(summary.text())
            print(f"Import: {summary.rows:,} rows in {summary.loaded:,} returns in {seconds:.1f} s: "
                  f"{summary.rows / seconds:,.0f} rows per second, {summary.loaded / seconds:,.1f} returns per second.")
            frames = current_frames(sessions)
            sessions.kw["bind"].dispose()
    print_quarters(frames)
    misses = print_calibration(frames, args.scale)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
