"""Backtest the next four quarters' projection (metrics/projection.py) on the demo's own history:
from every quarter that has enough history before it, project children waiting and approved
adopters waiting, compare with what happened, and print the mean absolute percentage error
(MAPE) at 1, 2, 3 and 4 quarters ahead, with how many projections each is over and the share of
actual figures inside the projection's interval.

    python bench/projection_backtest.py                      # fresh SQLite demo, scale 1
    python bench/projection_backtest.py --database-url URL   # a database with the demo loaded
    python bench/projection_backtest.py --agencies ANE,AE    # these agencies beside the regions

England, each region and a few agencies (--agencies; by default the first RAA of each of three
regions) are projected from their exact figures (the engine's rows before disclosure control): the
method's own error, not a viewer's. Prints aggregate errors only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _serving import given_or_demo  # noqa: E402

from config import Settings  # noqa: E402
from db.demo import FIRST_QUARTER, LAST_QUARTER  # noqa: E402
from db.engine import session_factory  # noqa: E402
from db.measure_data import load_geography, load_measure_data  # noqa: E402
from metrics.engine import compute_many  # noqa: E402
from metrics.projection import (  # noqa: E402
    ADOPTER_INPUTS, AHEAD, CHILDREN_INPUTS, YEARLY_INPUTS, backtest, mape,
)
from metrics.quarters import Quarter, quarter_range  # noqa: E402
from metrics.rows import MeasureData  # noqa: E402
from metrics.scope import REGION_PREFIX, Geography  # noqa: E402
from metrics.selection import Selection  # noqa: E402

MEASURES = ("children_waiting", "adopters_waiting")


def history(scope: str, quarters: list[Quarter], data: MeasureData,
            geography: Geography) -> pd.DataFrame:
    """The scope's quarterly figures the projections read, a row per quarter (exact values; NaN
    where the engine has none)."""
    columns = {}
    for measure in (*CHILDREN_INPUTS, *ADOPTER_INPUTS, *YEARLY_INPUTS):
        window = 4 if measure in YEARLY_INPUTS else 1
        selections = [Selection(measure, scope, q, window=window) for q in quarters]
        rows = compute_many(selections, data, geography)
        rows = rows[rows["category"] == ""] if (rows["category"] == "").any() else rows
        values = rows["value"].where(rows["status"] == "").to_numpy(dtype=float)
        columns[measure] = values
    return pd.DataFrame(columns, index=[str(q) for q in quarters])


def errors_table(name: str, figures: pd.DataFrame) -> list[str]:
    lines = []
    for measure in MEASURES:
        tested = backtest(figures, measure)
        errors = mape(tested)
        cells = [f"{row.mape:5.1f}% ({row.projections:2d}, {row.inside:3.0f}% in)"
                 if row.projections else "        -          " for row in errors.itertuples()]
        lines.append(f"{name[:34]:34s}  {measure:17s}  " + "  ".join(cells))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database with the demo loaded (default: a new SQLite demo)")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--agencies", default="", help="agency codes, comma-separated")
    parser.add_argument("--first", type=Quarter.parse, default=FIRST_QUARTER)
    parser.add_argument("--last", type=Quarter.parse, default=LAST_QUARTER)
    args = parser.parse_args()
    database = given_or_demo(args.database_url, args.scale, args.seed, args.first, args.last)
    sessions = session_factory(Settings.from_env(database_url=database.url))
    geography = load_geography(sessions)
    # The stage 2 length reads a rolling year: the three quarters before the first too.
    data = load_measure_data(sessions, args.first + (-3), args.last)
    quarters = quarter_range(args.first, args.last)
    agencies = [a for a in args.agencies.split(",") if a]
    if not agencies:
        raas = geography.agencies[geography.agencies["kind"] == "RAA"]
        agencies = list(raas.groupby("region")["code"].first().head(3))
    scopes = ["england", *(REGION_PREFIX + r for r in geography.regions), *agencies]
    print(f"Projection backtest: {quarters[0]} to {quarters[-1]}, every origin with enough history; "
          f"each cell: MAPE (projections, share of actuals inside the interval)")
    print(f"{'area':34s}  {'measure':17s}  " + "  ".join(f"{f'{h} quarter' + ('s' if h > 1 else '') + ' ahead':19s}"
                                                            for h in range(1, AHEAD + 1)))
    pooled: dict[str, list[pd.DataFrame]] = {m: [] for m in MEASURES}
    for code in scopes:
        scope = geography.scope(code)
        figures = history(code, quarters, data, geography)
        for line in errors_table(scope.name, figures):
            print(line)
        for measure in MEASURES:
            tested = backtest(figures, measure)
            held = figures[measure].reindex(tested["origin"]).to_numpy()
            pooled[measure].append(tested.assign(scope=code, held=held))
    print()
    print("Pooled over the areas above (each projection once), beside projecting no change (the "
          "latest figure held):")
    recent = {str(q) for q in quarter_range(args.last + (-AHEAD - 7), args.last)}
    for measure in MEASURES:
        tested = pd.concat(pooled[measure], ignore_index=True)
        for label, rows in (("all origins", tested),
                            ("origins in the last 2 years", tested[tested["origin"].isin(recent)])):
            errors, held = mape(rows), mape(rows.assign(projected=rows["held"]).assign(
                ape=lambda f: (f["projected"] - f["actual"]).abs() / f["actual"] * 100))
            print(f"  {measure:17s} {label:27s} " + "  ".join(
                f"{h.step} ahead {h.mape:5.1f}% ({h.inside:3.0f}% in; no change {n.mape:5.1f}%)"
                for h, n in zip(errors.itertuples(), held.itertuples())))
    # The latest origin only: the projection from four quarters before the last, against it.
    origin = str(args.last + (-AHEAD))
    print()
    print(f"From {origin} (four quarters before the latest), England:")
    figures = history("england", quarters, data, geography)
    for measure in MEASURES:
        tested = backtest(figures, measure)
        row = tested[tested["origin"] == origin]
        said = ", ".join(f"{origin_step.step} ahead {origin_step.projected:,.0f} "
                         f"({origin_step.low:,.0f} to {origin_step.high:,.0f}) against {origin_step.actual:,.0f}"
                         for origin_step in row.itertuples())
        print(f"  {measure:17s}  {said}")
    if not args.database_url:
        database.drop()


if __name__ == "__main__":
    main()
