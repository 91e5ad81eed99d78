"""How fast an SSDA903 extract of one large LA loads, beside this project's own return.

The public sample extract (tests/data/samples/ssda903: one collection year, 2,675 children in
its Header, 5,050 episodes, about 2,100 children looked after: the size of a large LA) is
checked and loaded into a fresh SQLite database for each quarter it covers, as `python -m db
load PATH --agency 840` does; then the same is timed for a return workbook of the same number
of children (tests/builders.py), so the two rates sit side by side. Prints figures only.

    python bench/ssda903_import.py
    python bench/ssda903_import.py --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import sessionmaker  # noqa: E402

from db.engine import engine_for  # noqa: E402
from db.importer import load_path, quarters_in  # noqa: E402
from db.registry import registry_from_db  # noqa: E402
from db.schema import initialise  # noqa: E402
from tests.builders import valid_return  # noqa: E402

EXTRACT = ROOT / "tests" / "data" / "samples" / "ssda903"
LA = "840"


def fresh(folder: Path) -> sessionmaker:
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    sessions = sessionmaker(engine_for(url), expire_on_commit=False)
    initialise(url, sessions)
    return sessions


def time_903(folder: Path) -> tuple[float, int, int]:
    """Seconds to load every quarter of the sample extract; quarters; rows stored."""
    sessions = fresh(folder)
    with sessions() as session:
        quarters = quarters_in(EXTRACT, registry_from_db(session), LA, 200_000, 50 << 20) or []
    started, rows = time.perf_counter(), 0
    for quarter in quarters:
        report = load_path(sessions, EXTRACT, user="bench", agency=LA, quarter=str(quarter),
                           accept_valid_rows=True)
        rows += sum(report.row_counts.values()) if report.status == "loaded" else 0
    return time.perf_counter() - started, len(quarters), rows


def native_return(folder: Path, children: int) -> Path:
    """A return workbook of `children` children waiting (the builder's first child, copied)."""
    ret = valid_return("942")
    template = dict(ret.rows["children"][1])
    ret.rows["children"] = []
    for i in range(children):
        row = dict(template, child_id=f"N{i:05d}", sibling_group_id=None,
                   date_of_birth=date(2020, 1, 1) + timedelta(days=i % 900))
        ret.rows["children"].append(row)
    return ret.write_xlsx(folder / "native.xlsx")


def time_native(folder: Path, children: int) -> tuple[float, int]:
    sessions = fresh(folder)
    path = native_return(folder, children)
    started = time.perf_counter()
    report = load_path(sessions, path, user="bench")
    assert report.status == "loaded", report.text()
    return time.perf_counter() - started, sum(report.row_counts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--children", type=int, default=2_000,
                        help="children in the native return timed beside the extract")
    args = parser.parse_args()
    e903, native = [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            seconds, quarters, rows = time_903(Path(a))
            e903.append(seconds)
            n_seconds, n_rows = time_native(Path(b), args.children)
            native.append(n_seconds)
    episodes = sum(1 for _ in open(EXTRACT / "episodes.csv", encoding="utf-8")) - 1
    best = min(e903)
    print(f"SSDA903 extract ({episodes:,} episodes, one collection year): {quarters} quarters "
          f"read, derived, checked and stored in {best:.1f} s (median {statistics.median(e903):.1f} "
          f"s of {len(e903)}): {best / quarters:.2f} s a quarter, {episodes * quarters / best:,.0f} "
          f"episode rows read per second; {rows:,} rows stored.")
    nbest = min(native)
    print(f"return workbook ({n_rows:,} rows): read, checked and stored in {nbest:.2f} s "
          f"(median {statistics.median(native):.2f} s): {n_rows / nbest:,.0f} rows per second.")


if __name__ == "__main__":
    main()
