"""Time every measure in the registry as the dashboard's engine computes it, beside a floor: the
same numbers from one SQL aggregate in DuckDB over the same rows, and the ratio of the two.

    python bench/measure_floors.py                          # fresh SQLite demo, scale 1, newest year
    python bench/measure_floors.py --scale 10               # the bar is set at scale 10
    python bench/measure_floors.py --database-url URL       # a database with the demo loaded

Each measure is asked for England and for one region (the region of the first RAA in the
registry) at the newest quarter, over the dashboard's default window (a rolling year) where the
measure counts events, with no breakdown and the mean where it averages. The rows of the quarters
that reads are loaded once with `load_measure_data`, the engine's own per-quarter frames; DuckDB
gets a copy of those very frames as its own tables (dates as DATE), which is what a DuckDB floor
would hold in memory (`--scan-frames` has it read the pandas frames instead). Loading is not timed.

Per measure and scope: "ours" is `compute_many` as a running server answers a new question: the
per-quarter facts kept (each quarter's national tally of the measure and its event masks, which
the server works out at warm-up and again only for a quarter whose returns change), every answer
forgotten. "cold" is the same with nothing worked out yet (no memo, no event masks, a new
Geography: England's tallies are built even for the region); "repeat" is the same question asked
again (the answer kept); "floor" is one DuckDB statement returning the value
and cohort (FLOORS below, one per measure, written from metrics/measures/). Each is the median of
--repeats runs. "same" says whether the floor's value and cohort agree with ours to 1e-6: a floor
that computes other numbers is not a floor. The bar: every measure within 5 times its floor at
scale 10; the ratio is ours as served over the floor, and cold over the floor is printed too. Prints figures only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import gc
import math
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _serving import given_or_demo  # noqa: E402

from config import Settings  # noqa: E402
from db.demo import LAST_QUARTER  # noqa: E402
from db.engine import session_factory  # noqa: E402
from db.measure_data import load_geography, load_measure_data, relax_garbage_collection  # noqa: E402
from db.queries import Store  # noqa: E402
from charts.query import DEFAULT_WINDOW  # noqa: E402
from metrics.engine import compute_many  # noqa: E402
from metrics.measures.adopters import ADOPTER_EVENTS, ADOPTER_STAGES  # noqa: E402
from metrics.measures.children import CHILD_EVENTS, STAGES  # noqa: E402
from metrics.measures.quality import OPTIONAL_COLUMNS  # noqa: E402
from metrics.quarters import Quarter  # noqa: E402
from metrics.registry import MEASURES  # noqa: E402
from metrics.rows import MeasureData, Part  # noqa: E402
from metrics.scope import REGION_PREFIX, Geography  # noqa: E402
from metrics.selection import Selection  # noqa: E402

WINDOW = DEFAULT_WINDOW
BAR = 5.0  # times the floor
TOLERANCE = 1e-6

# --- The floors: one statement per measure ---------------------------------------------------
# Parameters: $q the selection's quarter index, $first the first quarter of its window ($q for
# stocks), $start the window's first day, $end the quarter's last day, $region the region's name
# (NULL for England). Every statement returns one row: value, cohort; a figure from no rows is
# NULL where ours is NaN. The tables hold current returns' rows, each with the agency_code and
# quarter_index of its return; `agencies` is the registry, `returns` the current returns.

# Which rows a scope counts: children and special guardianship by the child's LA; households
# and support by the agency that returned them (an LA inside an RAA returns none).
CHILDREN_IN_SCOPE = ("la_code IN (SELECT code FROM agencies "
                     "WHERE kind = 'LA' AND region = coalesce($region, region))")
HOUSEHOLDS_IN_SCOPE = ("agency_code IN (SELECT code FROM agencies "
                       "WHERE (kind <> 'LA' OR raa_code IS NULL) AND region = coalesce($region, region))")

# quarter_of(day): the index of the quarter `day` falls in (financial Q1, April to June, is the
# calendar's second quarter). An event counts once, from the return of the quarter it fell in.
MACROS = "CREATE MACRO quarter_of(day) AS year(day) * 4 + quarter(day) - 2"


def waiting_children(start: str = "placement_order_date") -> str:
    """CTE `waiting`: children waiting at the quarter's end, counted from `start`, in the
    quarter's returns: not placed (or the placement ended in a disruption), not adopted, no
    reversed decision by then."""
    return f"""WITH waiting AS (
        SELECT * FROM children
        WHERE quarter_index = $q AND {CHILDREN_IN_SCOPE}
          AND {start} <= $end
          AND NOT (placed_date IS NOT NULL AND (disruption_date IS NULL OR disruption_date < placed_date))
          AND (adoption_order_date IS NULL OR adoption_order_date > $end)
          AND (decision_reversed_date IS NULL OR decision_reversed_date > $end))
    """


WAITING_ADOPTERS = f"""waiting_adopters AS (
        SELECT * FROM adopters
        WHERE quarter_index = $q AND {HOUSEHOLDS_IN_SCOPE}
          AND approval_date <= $end AND matched_date IS NULL
          AND (left_date IS NULL OR left_date > $end))
    """


def events(table: str, column: str) -> str:
    """Rows of the window's returns whose `column` event fell in their own return's quarter
    (the window's dates first: a cheap test that leaves few rows for quarter_of)."""
    scope = HOUSEHOLDS_IN_SCOPE if table in ("adopters", "support") else CHILDREN_IN_SCOPE
    return f"""SELECT * FROM {table}
        WHERE quarter_index BETWEEN $first AND $q AND {scope}
          AND {column} BETWEEN $start AND $end AND quarter_of({column}) = quarter_index"""


def count_of(rows: str) -> str:
    return f"SELECT count(*), count(*) FROM ({rows})"


def mean_days(rows: str, days: str) -> str:
    """Mean days over the rows where `days` is known; the cohort is those rows."""
    return f"SELECT avg(days), count(days) FROM (SELECT {days} AS days FROM ({rows}))"


def percent_within(rows: str, days: str, limit: int) -> str:
    """Percentage of the rows (with `days` known) whose `days` are `limit` or fewer."""
    return f"SELECT 100 * avg((days <= {limit})::INT), count(days) FROM (SELECT {days} AS days FROM ({rows}))"


A10_DAYS = ("CASE WHEN foster_carer_adoption AND placed_with_carer_date IS NOT NULL "
            "THEN placed_with_carer_date ELSE placed_date END - entered_care_date")
A2_DAYS = ("CASE WHEN matched_date - placement_order_date < 0 THEN 0 "
           "ELSE matched_date - placement_order_date END")  # NULL stays NULL, unlike greatest()
ADOPTED = events("children", "adoption_order_date")
SUPPORT = f"SELECT * FROM support WHERE quarter_index BETWEEN $first AND $q AND {HOUSEHOLDS_IN_SCOPE}"


def expected_returns() -> str:
    """CTE `expected`: agencies whose returns the scope depends on (its LAs' submitters, its
    own submitting agencies)."""
    return """WITH expected AS (
        SELECT coalesce(raa_code, code) AS agency FROM agencies
        WHERE kind = 'LA' AND region = coalesce($region, region)
        UNION
        SELECT code FROM agencies
        WHERE (kind <> 'LA' OR raa_code IS NULL) AND region = coalesce($region, region))
    """


def completeness() -> str:
    """Share of the optional cells filled in the quarter's rows, over the three tables."""
    scopes = {"children": CHILDREN_IN_SCOPE, "adopters": HOUSEHOLDS_IN_SCOPE,
              "special_guardianship": CHILDREN_IN_SCOPE}
    parts = [
        f"SELECT count(*) * {len(columns)} AS cells, {' + '.join(f'count({c})' for c in columns)} AS filled "
        f"FROM {table} WHERE quarter_index = $q AND {scopes[table]}"
        for table, columns in OPTIONAL_COLUMNS.items()
    ]
    return ("SELECT 100 * sum(filled) / nullif(sum(cells), 0), sum(cells) FROM (\n        "
            + "\n        UNION ALL ".join(parts) + ")")


FLOORS: dict[str, str] = {
    # ---- children: stocks at the quarter's end
    "children_waiting": waiting_children() + "SELECT count(*), count(*) FROM waiting",
    "children_waiting_adm": waiting_children("adm_decision_date") + "SELECT count(*), count(*) FROM waiting",
    "children_waiting_unmatched": waiting_children() + """SELECT count(*), count(*) FROM waiting
        WHERE NOT (matched_date IS NOT NULL AND (disruption_date IS NULL OR disruption_date < matched_date))""",
    "days_waiting": waiting_children() + "SELECT avg($end - placement_order_date), count(*) FROM waiting",
    **{f"children_waiting_over_{months}_months": waiting_children()
       + f"SELECT count(*), count(*) FROM waiting WHERE $end - placement_order_date > {days}"
       for months, days in ((6, 183), (12, 365), (18, 548))},
    "sibling_groups_waiting": waiting_children() + """SELECT count(*), coalesce(sum(children), 0) FROM (
        SELECT count(*) AS children FROM waiting WHERE sibling_group_id IS NOT NULL
        GROUP BY la_code, sibling_group_id)""",
    # ---- adopters: stocks
    "adopters_waiting": f"WITH {WAITING_ADOPTERS} SELECT count(*), count(*) FROM waiting_adopters",
    "adopter_days_waiting": f"WITH {WAITING_ADOPTERS} SELECT avg($end - approval_date), count(*) FROM waiting_adopters",
    **{f"adopters_waiting_over_{months}_months": f"WITH {WAITING_ADOPTERS} SELECT count(*), count(*) "
       f"FROM waiting_adopters WHERE $end - approval_date > {days}"
       for months, days in ((3, 91), (6, 183))},
    "adopters_per_child": waiting_children() + f""", {WAITING_ADOPTERS}
        SELECT (SELECT count(*) FROM waiting_adopters) / nullif(count(*), 0), count(*) FROM waiting""",
    # ---- flows: events in the window
    **{measure: count_of(events("children", column)) for measure, column in CHILD_EVENTS.items()},
    **{measure: count_of(events("adopters", column)) for measure, column in ADOPTER_EVENTS.items()},
    "sgos": count_of(events("special_guardianship", "sgo_date")),
    "sgo_breakdowns": count_of(events("special_guardianship", "ended_date") + " AND ended_reason = 'BREAKDOWN'"),
    "sgo_share": f"""SELECT 100 * looked_after / nullif(looked_after + adopted, 0), looked_after + adopted FROM
        (SELECT count(*) AS looked_after FROM ({events("special_guardianship", "sgo_date")}) WHERE looked_after),
        (SELECT count(*) AS adopted FROM ({ADOPTED}))""",
    "asf_applications": f"""SELECT coalesce(sum(apps), 0), coalesce(sum(apps), 0) FROM
        (SELECT asf_applications_adoption + asf_applications_sg AS apps FROM ({SUPPORT}))""",
    "asf_share_sg": f"""SELECT 100 * sum(asf_applications_sg) / nullif(sum(apps), 0), coalesce(sum(apps), 0) FROM
        (SELECT *, asf_applications_adoption + asf_applications_sg AS apps FROM ({SUPPORT}))""",
    # ---- children's timeliness: children adopted in the window
    **{measure: mean_days(ADOPTED, f"{stop} - {start}") for measure, (start, stop) in STAGES.items()},
    "a10_care_to_placed_adjusted": mean_days(ADOPTED, A10_DAYS),
    "a2_order_to_match": mean_days(ADOPTED, A2_DAYS),
    "stage_order_to_match": mean_days(ADOPTED, A2_DAYS),
    "a3_within_14_months": percent_within(ADOPTED, A10_DAYS, 426),
    # ---- adopters' timeliness
    **{measure: mean_days(events("adopters", event), f"{stop} - {start}")
       for measure, (start, stop, event) in ADOPTER_STAGES.items()},
    "adopter_approved_within_6_months": percent_within(
        events("adopters", "approval_date") + " AND stage1_start_date IS NOT NULL",  # fast-track left out
        "approval_date - stage1_start_date", 183),
    **{f"adopter_matched_within_{months}_months": percent_within(
        events("adopters", "matched_date") + " AND approval_date IS NOT NULL", "matched_date - approval_date", days)
       for months, days in ((3, 91), (6, 183))},
    # ---- data quality
    "returns_received": expected_returns() + """SELECT count(*) FILTER (WHERE agency IN
        (SELECT agency_code FROM returns WHERE quarter_index = $q)), count(*) FROM expected""",
    "completeness": completeness(),
}


# --- The floor's database --------------------------------------------------------------------

AGENCY_COLUMNS = ("la_code", "agency_code", "code", "raa_code")


def floor_database(data: MeasureData, geography: Geography, scan_frames: bool,
                   threads: int) -> duckdb.DuckDBPyConnection:
    """DuckDB holding the very rows the engine reads (its per-quarter frames, joined up), the
    agency registry and the current returns; and the quarter_of macro. Dates become DATE (the
    return format's dates are calendar days, so a difference is a number of days) and agency
    codes an ENUM of the registry's codes (a scope's rows are then picked by small integers,
    as the engine picks them by each LA's row positions, worked out at load)."""
    con = duckdb.connect(config={"threads": threads})
    frames = {table: pd.concat([p.frame for p in parts.values()], ignore_index=True)
              for table, parts in data.parts.items()}
    frames["returns"] = data.returns
    frames["agencies"] = geography.agencies.reset_index(drop=True)
    con.register("agencies_frame", frames["agencies"])
    con.execute("CREATE TYPE agency AS ENUM (SELECT code FROM agencies_frame)")
    for name, frame in frames.items():
        con.register(f"{name}_frame", frame)
        casts = [f"CAST({c} AS DATE) AS {c}" for c in frame.columns
                 if pd.api.types.is_datetime64_any_dtype(frame[c])]
        casts += [f"CAST({c} AS agency) AS {c}" for c in frame.columns if c in AGENCY_COLUMNS]
        kind = "VIEW" if scan_frames else "TABLE"
        con.execute(f"CREATE {kind} {name} AS SELECT * REPLACE ({', '.join(casts)}) FROM {name}_frame")
    con.execute(MACROS)
    return con


def floor_parameters(sql: str, selection: Selection, geography: Geography) -> dict:
    scope = geography.scope(selection.scope)
    quarters = selection.quarters
    found = {"q": quarters[-1].index, "first": quarters[0].index, "start": quarters[0].start,
             "end": selection.quarter.end,
             "region": scope.region if scope.kind == "region" else None}
    return {name: found[name] for name in set(re.findall(r"\$(\w+)", sql))}


# --- Timing ----------------------------------------------------------------------------------

def median_ms(run: Callable[[], object], repeats: int,
              before: Callable[[], None] = lambda: None) -> tuple[float, object]:
    """Median ms of `run` over `repeats` runs (`before` each, untimed), and the last answer."""
    times, answer = [], None
    for _ in range(repeats):
        before()
        started = time.perf_counter()
        answer = run()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), answer


def fresh(data: MeasureData) -> MeasureData:
    """The same rows with nothing worked out: new parts (no event masks), no memo of tallies or
    results, returns not yet grouped; the LA positions are the load's own, as in the app."""
    parts = {table: {q: Part(p.frame, p.positions, p.quarter) for q, p in by_quarter.items()}
             for table, by_quarter in data.parts.items()}
    return MeasureData(data.returns, parts, data.templates, dict(data.versions), memo={}, row_memo={})


def keep_only_facts(data: MeasureData) -> None:
    """Forget every answer but keep the per-quarter facts, as a running server holds them: each
    quarter's national tally of each measure (worked out at warm-up, and again only when that
    quarter's returns change) and its event masks. What is left to do is a new question's own
    work: the scope's share of the tallies, or its rows for a stock."""
    facts = {key: value for key, value in data.memo.items()
             if isinstance(key, tuple) and key and key[0] == "tally"}
    data.memo.clear()
    data.memo.update(facts)
    data.row_memo.clear()
    gc.collect()


def ours_cells(frame: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {row.category: (row.value, row.cohort) for row in frame.itertuples()}


def floor_cells(rows: list[tuple]) -> dict[str, tuple[float, float]]:
    """The floor's one row as ours is keyed: no breakdown, so one cell without a category."""
    (value, cohort), = rows
    return {"": (math.nan if value is None else float(value), math.nan if cohort is None else float(cohort))}


def agree(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=0, abs_tol=TOLERANCE)


def same(ours: dict, floor: dict) -> bool:
    return ours.keys() == floor.keys() and all(
        agree(ours[c][0], floor[c][0]) and agree(ours[c][1], floor[c][1]) for c in ours)


def time_measure(selection: Selection, data: MeasureData, geography: Geography,
                 con: duckdb.DuckDBPyConnection, repeats: int) -> dict:
    agencies = geography.agencies.reset_index(drop=True)
    state: dict = {}

    def cold_start() -> None:
        gc.collect()
        state["data"], state["geography"] = fresh(data), Geography(agencies)

    cold, frame = median_ms(lambda: compute_many([selection], state["data"], state["geography"]),
                            repeats, cold_start)
    warm, _ = median_ms(lambda: compute_many([selection], state["data"], state["geography"]), repeats)
    served, _ = median_ms(lambda: compute_many([selection], state["data"], state["geography"]),
                          repeats, lambda: keep_only_facts(state["data"]))
    row = {"measure": selection.measure, "cold": cold, "served": served, "warm": warm,
           "ours": ours_cells(frame)}
    sql = FLOORS.get(selection.measure)
    if sql is None:  # a measure added to the registry without a floor here
        return row | {"floor": None, "same": "no floor written"}
    params = floor_parameters(sql, selection, geography)
    floor, rows = median_ms(lambda: con.execute(sql, params).fetchall(), repeats)
    cells = floor_cells(rows)
    return row | {"floor": floor, "floor_cells": cells, "same": "same" if same(row["ours"], cells) else "DIFFERENT"}


# --- Input -----------------------------------------------------------------------------------

def region_of_first_raa(geography: Geography) -> str:
    agencies = geography.agencies
    return f"{REGION_PREFIX}{agencies[agencies['kind'] == 'RAA'].iloc[0]['region']}"


# --- Report ----------------------------------------------------------------------------------

def print_table(rows: list[dict]) -> None:
    print(f"\n{'measure':<34} {'scope':<8} {'ours ms':>8} {'cold ms':>8} {'repeat ms':>9} "
          f"{'floor ms':>9} {'ratio':>6} {'cold/floor':>10}  same?")
    for row in rows:
        floor = "-" if row["floor"] is None else f"{row['floor']:.2f}"
        ratio = "-" if row["floor"] is None else f"{row['served'] / row['floor']:.1f}"
        cold_ratio = "-" if row["floor"] is None else f"{row['cold'] / row['floor']:.1f}"
        print(f"{row['measure']:<34} {row['scope']:<8} {row['served']:>8.2f} {row['cold']:>8.2f} "
              f"{row['warm']:>9.3f} {floor:>9} {ratio:>6} {cold_ratio:>10}  {row['same']}")


def print_summary(rows: list[dict]) -> None:
    timed = [r for r in rows if r["floor"] is not None]
    for column, words in (("served", "as served (per-quarter facts kept, the question new)"),
                          ("cold", "cold (nothing kept)")):
        by_measure: dict[str, float] = {}
        for r in timed:
            by_measure[r["measure"]] = max(by_measure.get(r["measure"], 0.0), r[column] / r["floor"])
        within = sum(ratio <= BAR for ratio in by_measure.values())
        worst = max(timed, key=lambda r: r[column] / r["floor"])
        print(f"\n{words}: {within} of {len(MEASURES)} measures within {BAR:g}x their floor for both "
              f"scopes ({sum(r[column] / r['floor'] <= BAR for r in timed)} of {len(rows)} rows); worst: "
              f"{worst['measure']} ({worst['scope']}) at {worst[column] / worst['floor']:.1f}x "
              f"({worst[column]:.1f} ms against {worst['floor']:.2f} ms)")
    different = [f"{r['measure']} ({r['scope']})" for r in rows if r["same"] != "same"]
    print("Floors that differ from ours or are not written: " + (", ".join(different) if different else "none"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a database with the demo already loaded")
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--first", type=Quarter.parse, default=LAST_QUARTER + (1 - WINDOW),
                        help="first demo quarter to load (default: a year before the demo's last)")
    parser.add_argument("--last", type=Quarter.parse, default=LAST_QUARTER)
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (the median is shown)")
    parser.add_argument("--floor-threads", type=int, default=1,
                        help="DuckDB's threads (default 1: the engine answers a question on one thread)")
    parser.add_argument("--scan-frames", action="store_true",
                        help="DuckDB reads the pandas frames themselves instead of its own copy")
    args = parser.parse_args()
    database = given_or_demo(args.database_url, args.scale, args.seed, args.first, args.last)
    url = database.url
    sessions = session_factory(Settings.from_env(database_url=url))
    quarters = Store(sessions).quarters()
    if not quarters:
        sys.exit("the database has no returns: load the demo first")
    newest = Quarter.parse(quarters[0])
    relax_garbage_collection()  # as the app's MeasureSource does
    started = time.perf_counter()
    data = load_measure_data(sessions, newest + (1 - WINDOW), newest)
    geography = load_geography(sessions)
    con = floor_database(data, geography, args.scan_frames, args.floor_threads)
    sizes = ", ".join(f"{sum(len(p.frame) for p in parts.values()):,} {table}" for table, parts in data.parts.items())
    print(f"Read {sizes} rows of {newest + (1 - WINDOW)} to {newest} in {time.perf_counter() - started:.1f} s "
          f"(not timed); floors read {'the pandas frames' if args.scan_frames else 'DuckDB tables copied from them'} "
          f"on {args.floor_threads} thread(s).")
    scopes = {"England": "england", "region": region_of_first_raa(geography)}
    print(f"Selections: {newest}, window {WINDOW} where a measure counts events, no breakdown, mean; "
          f"region = {scopes['region'][len(REGION_PREFIX):]}; median of {args.repeats} runs each.")
    rows = []
    for measure in MEASURES:
        for name, scope in scopes.items():
            selection = Selection(measure, scope, newest, WINDOW)
            rows.append(time_measure(selection, data, geography, con, args.repeats) | {"scope": name})
    print_table(rows)
    print_summary(rows)
    if not args.database_url:
        database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
