"""What disclosure control costs the figures a board reads, and what an attacker gets from them.

For every scope of the demo (LAs, RAAs, VAAs, regions, England), every measure about people,
headline and by each breakdown, window 1 in each of the last four quarters and window 4 at the
last: how far the figures a viewer (and the public) is shown are from the exact ones, by kind of
area; how many more cells are hidden than under suppression alone; and the attacker of the test
suite (tests/attacker.py) on North East and East Midlands, or the regions given.

    python bench/disclosure_cost.py                          # a new scale-1 SQLite demo (~1 min)
    python bench/disclosure_cost.py --database-url sqlite:///path/demo.sqlite3
    python bench/disclosure_cost.py --attack-regions "North West" --no-cost
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _serving import given_or_demo  # noqa: E402
from config import Settings  # noqa: E402
from db.engine import session_factory  # noqa: E402
from db.measure_data import load_geography, load_measure_data  # noqa: E402
from db.demo import LAST_QUARTER  # noqa: E402
from db.models import Return  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from metrics.disclosure import DisclosurePolicy  # noqa: E402
from metrics.quarters import Quarter  # noqa: E402
from tests import attacker  # noqa: E402

KINDS = ("la", "raa", "vaa", "region", "england")
UNITS = {"count": "children, households or orders", "percent": "percentage points", "mean": "days",
         "ratio": "adopters per child"}


def cost_table(collected: attacker.Collected, audience: str) -> pd.DataFrame:
    """Per value type and kind of area: figures shown both ways, mean and largest absolute
    difference from the exact figure, for headlines and for every cell."""
    rows = collected.rows
    shown = collected.shown[audience]
    exact = rows["value"].to_numpy(dtype=float)
    seen = shown["value"].to_numpy(dtype=float)
    both = ~np.isnan(exact) & ~np.isnan(seen) & (rows["status"] == "").to_numpy()
    difference = np.abs(seen - exact)
    lines = []
    for value_type in ("count", "percent", "mean", "ratio"):
        for kind in KINDS:
            for label, where in (("headline", rows["breakdown"] == ""), ("every cell", rows["breakdown"].notna())):
                mask = both & (rows["value_type"] == value_type).to_numpy() & (rows["scope_kind"] == kind).to_numpy() & where.to_numpy()
                if not mask.any():
                    continue
                d = difference[mask]
                lines.append(dict(type=value_type, area=kind, cells=label, figures=int(mask.sum()),
                                  changed=f"{(d > 1e-9).mean():.0%}", mean=d.mean(), largest=d.max(),
                                  mean_exact=np.abs(exact[mask]).mean()))
    return pd.DataFrame(lines)


def hidden_share(collected: attacker.Collected, audience: str) -> float:
    rows, shown = collected.rows, collected.shown[audience]
    answerable = (rows["status"] != "x").to_numpy()
    return float((shown["shown"].to_numpy()[answerable] == "[c]").mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a database already loaded (default: a new scale-1 SQLite demo)")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--attack-regions", nargs="*", default=["North East", "East Midlands"])
    parser.add_argument("--no-cost", action="store_true", help="only the attack")
    args = parser.parse_args()

    database = given_or_demo(args.database_url, args.scale, 2024, LAST_QUARTER + (-3), LAST_QUARTER)
    sessions = session_factory(Settings.from_env(database_url=database.url))
    with sessions() as session:  # the newest four quarters the database holds
        last = Quarter.from_index(int(session.scalar(select(func.max(Return.quarter_index)))))
    first = last + (-3)
    data, geography = load_measure_data(sessions, first, last), load_geography(sessions)
    data.memo, data.row_memo = {}, {}
    quarters = [first + k for k in range(4)]
    policy = DisclosurePolicy()
    with pd.option_context("display.width", 200, "display.max_rows", 200, "display.float_format", "{:,.2f}".format):
        if not args.no_cost:
            started = time.perf_counter()
            regions = sorted(set(geography.agencies.loc[geography.agencies["code"].isin(set(data.returns["agency_code"])), "region"]))
            scopes = attacker.sample_scopes(geography, regions)
            collected = attacker.collect(data, geography, scopes, quarters, policy,
                                         only=("viewer", "public", "suppression only"))
            print(f"Cost of disclosure control: {len(scopes)} scopes, {len(collected.rows):,} answer rows, "
                  f"{quarters[0]} to {quarters[-1]}, worked out in {time.perf_counter() - started:.0f} s")
            for audience in ("viewer", "public"):
                print(f"\n== {audience}: absolute difference from the exact figure "
                      "(counts in children, households or orders; percentages in points; means in days)")
                print(cost_table(collected, audience).to_string(index=False))
            print("\nCells shown as [c], of all answerable cells:")
            for audience in ("suppression only", "viewer", "public"):
                print(f"  {audience:<17} {hidden_share(collected, audience):.1%}")
        started = time.perf_counter()
        scopes = attacker.sample_scopes(geography, args.attack_regions)
        collected = attacker.collect(data, geography, scopes, quarters, policy,
                                     only=("viewer", "public", "suppression only"))
        eqs = attacker.identities(collected, geography, scopes)
        print(f"\nThe attacker on {', '.join(args.attack_regions)} ({len(scopes)} scopes, "
              f"{sum(eqs.kinds.values()):,} identities that hold exactly):")
        for kind, count in eqs.kinds.items():
            print(f"  {count:>9,}  {kind}")
        for audience in ("viewer", "public", "suppression only"):
            outcome = attacker.attack(collected, geography, scopes, audience,
                                      perturbed=audience != "suppression only", eqs=eqs)
            print(f"  {audience:<17} {outcome.hidden:>7,} hidden cells tried, {outcome.recovered:>6,} recovered exactly, "
                  f"{outcome.narrowed:>7,} narrowed; unsound bounds: {len(outcome.unsound)}")
        naive = attacker.attack(collected, geography, scopes, "viewer", perturbed=False, eqs=eqs)
        print(f"  a viewer who takes the shown counts as exact narrows {naive.recovered + naive.wrong:,} hidden "
              f"cells to one value: {naive.recovered:,} right, {naive.wrong:,} wrong, and cannot tell which")
        print(f"  ({time.perf_counter() - started:.0f} s)")
    if not args.database_url:
        database.drop()


if __name__ == "__main__":
    main()
