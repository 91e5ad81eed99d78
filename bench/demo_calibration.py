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


def children_waiting(frames: Frames, quarter: Quarter, at: date | None = None,
                     start: str = "placement_order_date") -> pd.DataFrame:
    """Children with a placement order (or with `start` another date: an adoption decision), not
    placed, adopted or reversed, as at `at`; with their days since the order, their days in care
    and their age in completed years."""
    c = of_quarter(frames["children"], quarter)
    t = day(at or quarter.end)
    placed = (c["placed_date"] <= t) & ~((c["disruption_date"] >= c["placed_date"]) & (c["disruption_date"] <= t))
    waiting = (c[start] <= t) & ~placed & ~(c["adoption_order_date"] <= t)
    waiting &= ~(c["decision_reversed_date"] <= t)
    out = c[waiting].copy()
    out["days"] = (t - out["placement_order_date"]).dt.days
    out["in_care"] = (t - out["entered_care_date"]).dt.days
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


def four_quarters_to(last: str) -> list[Quarter]:
    end = Quarter.parse(last)
    return quarter_range(end + -3, end)


def adopted(frames: Frames, fy: str) -> pd.DataFrame:
    """Children adopted in the year, with their age at the order (completed years) and the days
    from entering care to the order (DfE's 'time from entering care to adoption')."""
    a = events_in(frames, "children", "adoption_order_date", year(fy))
    order = a["adoption_order_date"]
    return a.assign(age=(order - a["date_of_birth"]).dt.days / 365.25,
                    care_to_adoption=(order - a["entered_care_date"]).dt.days)


def share(mask: pd.Series) -> float:
    return float(mask.mean() * 100) if len(mask) else float("nan")


def sgos(frames: Frames, fy: str, looked_after: bool | None = None) -> pd.DataFrame:
    s = events_in(frames, "special_guardianship", "sgo_date", year(fy))
    return s if looked_after is None else s[s["looked_after"].astype(bool) == looked_after]


def placement_orders(frames: Frames, quarter: str) -> int:
    return len(events_in(frames, "children", "placement_order_date", [Q(quarter)]))


@dataclass(frozen=True)
class Target:
    """One published England figure and the demo's counterpart.

    `unit` says how it is compared: counts scale with --scale; shares (%), days, years and
    ratios do not. `reading` says how the demo's figure is read where that is not plain."""

    figure: str
    measure: str  # the dashboard measure (metrics/registry.py) it corresponds to
    period: str  # as at, or the period, of the published figure
    england: float
    source: str
    compute: Callable[[Frames], float]
    unit: str = "count"
    reading: str = ""

    @property
    def scales(self) -> bool:
        return self.unit == "count"


Q = Quarter.parse
DFE_2025 = "explore-education-statistics.service.gov.uk, data set e40f7cb0 (DfE SSDA903)"
DFE_AGE_2025 = "explore-education-statistics.service.gov.uk, data set ea77014f (DfE SSDA903)"
COMMUNITY_CARE = "Community Care report of Coram-i's Q1 2025-26 ASGLB data"
INTERPOLATED = "none published: interpolated between 2021-22 and 2024-25"


def _adopted_age_share(low: float, high: float, fy: str = "2024-25"):
    return lambda f: share(adopted(f, fy)["age"].between(low, high, inclusive="left"))


def _waiting(quarter: str, at: date | None = None, start: str = "placement_order_date"):
    return lambda f: children_waiting(f, Q(quarter), at, start)


def _stock(quarter: str, at: date | None = None, start: str = "placement_order_date"):
    return lambda f: len(_waiting(quarter, at, start)(f))


def _adoptions(fy: str, england: float, source: str) -> Target:
    return Target("children adopted from care", "adoption_orders", fy, england, source,
                  lambda f: len(adopted(f, fy)),
                  reading="adoption orders in the four quarters to Q4 of the year, England")


TARGETS = [
    _adoptions("2019-20", 3440, "ethnicity-facts-figures.service.gov.uk (DfE SSDA903)"),
    _adoptions("2020-21", 2870, "communitycare.co.uk, 6 Mar 2022 (DfE SSDA903)"),
    _adoptions("2021-22", 2950, "adoptionuk.org news (DfE SSDA903)"),
    _adoptions("2022-23", 2980, INTERPOLATED),
    _adoptions("2023-24", 3010, INTERPOLATED),
    _adoptions("2024-25", 3040, DFE_2025),
    _adoptions("2025-26", 3040, "none published: held at 2024-25's level"),
    Target("mean age at adoption (3 years 2 months)", "adoption_orders by age", "2024-25", 3 + 2 / 12,
           DFE_AGE_2025, lambda f: adopted(f, "2024-25")["age"].mean(), "years",
           "age at the adoption order"),
    Target("% of children adopted aged 1-4", "adoption_orders by age", "2024-25", 79, DFE_AGE_2025,
           _adopted_age_share(1, 5), "%", "age at the adoption order"),
    Target("% of children adopted aged 5-9", "adoption_orders by age", "2024-25", 16, DFE_AGE_2025,
           _adopted_age_share(5, 10), "%", "age at the adoption order"),
    Target("% of children adopted aged 10-15", "adoption_orders by age", "2024-25", 1, DFE_AGE_2025,
           _adopted_age_share(10, 16), "%", "age at the adoption order"),
    Target("mean days from entering care to adoption (about 2 years)", "adoption_orders", "2019-20", 730,
           "ethnicity-facts-figures.service.gov.uk (DfE SSDA903)",
           lambda f: adopted(f, "2019-20")["care_to_adoption"].mean(), "days"),
    Target("mean days from entering care to adoption (2 years 3 months)", "adoption_orders", "2021-22", 822,
           "adoptionuk.org news (DfE SSDA903)",
           lambda f: adopted(f, "2021-22")["care_to_adoption"].mean(), "days"),
    Target("children matched", "matches", "2019-20", 3190, "fostertalk.org (ASGLB 2019-20)",
           lambda f: len(events_in(f, "children", "matched_date", year("2019-20")))),
    Target("placement orders, Q1 2025-26 against Q1 2024-25", "placement_orders", "Q1 2025-26", 0.85,
           COMMUNITY_CARE, lambda f: placement_orders(f, "2025-26 Q1") / placement_orders(f, "2024-25 Q1"),
           "ratio", "published as -15%: compared as the ratio 0.85"),
    Target("children with a PO, not yet placed", "children_waiting", "31 Mar 2019", 2800,
           "coram-i.org.uk/asglb/data; cvaa.org.uk", _stock("2019-20 Q1", date(2019, 3, 31)),
           reading="counted from the 2019-20 Q1 returns as at 31 March 2019"),
    Target("children with a PO waiting", "children_waiting", "30 Jun 2022", 2020, COMMUNITY_CARE,
           _stock("2022-23 Q1")),
    Target("children with a PO waiting", "children_waiting", "30 Jun 2025", 2940, COMMUNITY_CARE,
           _stock("2025-26 Q1")),
    Target("children waiting 18 months or more", "children_waiting_over_18_months", "30 Jun 2025", 410,
           COMMUNITY_CARE, lambda f: int((_waiting("2025-26 Q1")(f)["days"] > 548).sum())),
    Target("mean days waiting of children with a PO", "days_waiting", "30 Jun 2022", 187, COMMUNITY_CARE,
           lambda f: _waiting("2022-23 Q1")(f)["days"].mean(), "days",
           "published as '2022-23' beside the Jun 2025 figure; read as Q1 2022-23, the quarter the "
           "report's other comparisons use"),
    Target("mean days waiting of children with a PO", "days_waiting", "30 Jun 2025", 292, COMMUNITY_CARE,
           lambda f: _waiting("2025-26 Q1")(f)["days"].mean(), "days"),
    Target("mean days waiting of children with a PO, aged 5+", "days_waiting by age", "30 Jun 2025", 508,
           COMMUNITY_CARE, lambda f: (lambda w: w.loc[w["age"] >= 5, "days"].mean())(_waiting("2025-26 Q1")(f)),
           "days"),
    Target("mean days waiting of children with a PO, disabled", "days_waiting by disability", "30 Jun 2025",
           444, COMMUNITY_CARE,
           lambda f: (lambda w: w.loc[w["disability"].astype(bool), "days"].mean())(_waiting("2025-26 Q1")(f)),
           "days"),
    Target("mean days in care of children waiting, not placed", "—", "31 Mar 2019", 566, "cvaa.org.uk",
           lambda f: _waiting("2019-20 Q1", date(2019, 3, 31))(f)["in_care"].mean(), "days",
           "children with a PO not placed, from the 2019-20 Q1 returns as at 31 March 2019"),
    Target("children with an adoption decision, not yet placed", "children_waiting_adm", "31 Dec 2018", 4140,
           "BBC News, education-50042239 (ASGLB figures)",
           _stock("2019-20 Q1", date(2019, 3, 31), "adm_decision_date"),
           reading="the demo starts in 2019-20: as at 31 March 2019, a quarter later"),
    Target("of them, % in sibling groups", "children_waiting_adm by sibling group", "31 Dec 2018", 57,
           "BBC News, education-50042239 (ASGLB figures)",
           lambda f: share(_waiting("2019-20 Q1", date(2019, 3, 31), "adm_decision_date")(f)["sibling_group_id"].notna()),
           "%", "as at 31 March 2019"),
    Target("of them, % aged 5+", "children_waiting_adm by age", "31 Dec 2018", 28,
           "BBC News, education-50042239 (ASGLB figures)",
           lambda f: share(_waiting("2019-20 Q1", date(2019, 3, 31), "adm_decision_date")(f)["age"] >= 5),
           "%", "as at 31 March 2019"),
    Target("of them, % minority ethnic", "children_waiting_adm by ethnicity", "31 Dec 2018", 20,
           "BBC News, education-50042239 (ASGLB figures)",
           lambda f: share(~_waiting("2019-20 Q1", date(2019, 3, 31), "adm_decision_date")(f)["ethnicity"]
                           .str[0].isin(["W", "R", "N"])),
           "%", "as at 31 March 2019; every group but White and not known"),
    Target("of them, % disabled", "children_waiting_adm by disability", "31 Dec 2018", 4,
           "BBC News, education-50042239 (ASGLB figures)",
           lambda f: share(_waiting("2019-20 Q1", date(2019, 3, 31), "adm_decision_date")(f)["disability"].astype(bool)),
           "%", "as at 31 March 2019"),
    Target("approved adopter households waiting", "adopters_waiting", "31 Mar 2020", 1810,
           "fostertalk.org (ASGLB 2019-20)", lambda f: adopters_waiting(f, Q("2019-20 Q4"))),
    Target("approved adopter households waiting", "adopters_waiting", "30 Jun 2022", 2480, COMMUNITY_CARE,
           lambda f: adopters_waiting(f, Q("2022-23 Q1"))),
    Target("approved adopter households waiting", "adopters_waiting", "30 Jun 2025", 1420, COMMUNITY_CARE,
           lambda f: adopters_waiting(f, Q("2025-26 Q1"))),
    Target("SGOs granted", "sgos", "2019-20", 4210, "fostertalk.org (ASGLB 2019-20)",
           lambda f: len(sgos(f, "2019-20")), reading="every SGO in the returns"),
    Target("% of SGOs on leaving care to relatives or friends (E45, E47)", "sgos by guardian", "2018-19", 90,
           "familylawweek.co.uk ed208574 (DfE SSDA903)",
           lambda f: share(sgos(f, "2019-20", True)["guardian"].isin(["E45", "E47"])), "%",
           "the demo starts in 2019-20: compared with 2019-20"),
    Target("SGOs on leaving care (about 4,100)", "sgos by looked_after", "2024-25", 4100, DFE_2025,
           lambda f: len(sgos(f, "2024-25", True)), reading="SGOs with looked_after = Y"),
    Target("% of SGOs on leaving care to other relatives or friends (E47: 910)", "sgos by guardian", "2024-25",
           22, DFE_2025, lambda f: share(sgos(f, "2024-25", True)["guardian"].eq("E47")), "%"),
    Target("% of SGOs on leaving care to other carers (E48: 110)", "sgos by guardian", "2024-25", 3, DFE_2025,
           lambda f: share(sgos(f, "2024-25", True)["guardian"].eq("E48")), "%"),
    Target("special guardians' share of support fund applications", "asf_share_sg", "Dec 2022", 13,
           "kinship.org.uk",
           lambda f: (lambda s: 100 * s["asf_applications_sg"].sum()
                      / (s["asf_applications_sg"].sum() + s["asf_applications_adoption"].sum()))(
               f["support"][f["support"]["quarter_index"].isin([q.index for q in four_quarters_to("2022-23 Q3")])]),
           "%", "the four quarters to Dec 2022"),
]

# Published figures (shared reference) the demo is not compared with, and why.
NOT_COMPARED = [
    ("children with a PO, not yet placed: 2,930", "31 Dec 2018", "coram-i.org.uk/asglb/data",
     "before the demo's first quarter (2019-20 Q1)"),
    ("adopted from care: 3,570; adoption orders (ASGLB): 3,540", "2018-19",
     "familylawweek.co.uk ed208574; cvaa.org.uk", "before the demo's first quarter"),
    ("time from entering care to adoption: 1 year 11 months", "2018-19", "adoptionuk.org news",
     "before the demo's first quarter"),
    ("placement orders / registrations of interest / approvals: 3,700 / 4,000 / 2,850", "2018-19",
     "coram-i.org.uk/asglb/data", "before the demo's first quarter"),
    ("SGOs on leaving care: 3,830", "2018-19", "familylawweek.co.uk ed208574",
     "before the demo's first quarter (its 90% to relatives is compared with 2019-20)"),
    ("A1 / A2 mean days; A1 3-year scorecard; families waiting 1,600", "2014-18",
     "coram-i.org.uk/adoption-under-pressure; fosterline.info", "before the demo's first quarter"),
    ("children in active family finding; families needed; families in family finding", "30 Jun 2025",
     COMMUNITY_CARE, "the return format has no family-finding fields"),
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
    for table, flag in (("children", "disability"), ("children", "foster_carer_adoption"),
                        ("special_guardianship", "disability"), ("special_guardianship", "looked_after")):
        frames[table][flag] = frames[table][flag].eq("Y")
    return frames


def compare(frames: Frames, scale: int = 1) -> pd.DataFrame:
    """Every target beside the demo's figure: one row each, `within` True when the demo is within
    15% of England's figure (counts multiplied by the scale)."""
    rows = []
    for t in TARGETS:
        england = t.england * (scale if t.scales else 1)
        value = float(t.compute(frames))
        diff = (value - england) / england
        rows.append(dict(figure=t.figure, period=t.period, measure=t.measure, unit=t.unit,
                         england=england, demo=value, diff=diff, within=abs(diff) <= TOLERANCE,
                         source=t.source, reading=t.reading))
    return pd.DataFrame(rows)


def _number(value: float, unit: str) -> str:
    if unit in ("years", "ratio"):
        return f"{value:.2f}"
    if unit == "%":
        return f"{value:.1f}%"
    return f"{value:,.0f}"


def print_calibration(frames: Frames, scale: int) -> int:
    table = compare(frames, scale)
    print(f"\nThe demo against published England figures (scale {scale}; within {TOLERANCE:.0%} passes)")
    print(f"\n{'figure':<68} {'period':<12} {'England':>8} {'demo':>8} {'diff':>6}  {'within':<6}  source")
    for r in table.itertuples():
        print(f"{r.figure:<68} {r.period:<12} {_number(r.england, r.unit):>8} {_number(r.demo, r.unit):>8} "
              f"{r.diff:>+6.0%}  {'yes' if r.within else 'NO':<6}  {r.source}")
        if r.reading:
            print(f"{'':<4}read as: {r.reading}; measure {r.measure}")
        else:
            print(f"{'':<4}measure {r.measure}")
    print("\nPublished figures not compared:")
    for figure, period, source, why in NOT_COMPARED:
        print(f"  {figure} ({period}; {source}): {why}")
    misses = int((~table["within"]).sum())
    print(f"\n{len(table) - misses} of {len(table)} figures within {TOLERANCE:.0%} of the published figure"
          + (f"; {misses} outside: " + ", ".join(f"{r.figure} ({r.period})" for r in table[~table["within"]].itertuples())
             if misses else "."))
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
