"""The demo data: who returns for whom, the board's stories, determinism, scale, calibration,
and that a slice of it loads through the importer on both backends.

The full 30-quarter load and the import rate are measured by bench/demo_calibration.py.
"""

from __future__ import annotations

import functools
import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from db.demo import (
    BULGE_REGION, MISSING_RETURN, SLOW_RAA, adopters_table, children_table, generate_returns,
    load_demo, quarter_returns, simulate, submitters,
)
from db.models import Child, Return
from db.registry import read_reference
from metrics.quarters import Quarter

pytestmark = pytest.mark.slow  # loads the demo, at scale ten too: make test runs it, make test-fast does not

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = read_reference()
Q = Quarter.parse


@pytest.fixture(scope="module")
def world():
    return simulate(REGISTRY, scale=1, seed=2024)


def waiting(children: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    """Children waiting at the quarter end, by the children_waiting definition."""
    end = pd.Timestamp(quarter.end)
    c = children_table(children, quarter)
    placed = c["placed_date"].notna() & ~(c["disruption_date"] >= c["placed_date"])
    keep = c["placement_order_date"].notna() & ~placed & c["adoption_order_date"].isna()
    keep &= c["decision_reversed_date"].isna()
    out = c[keep].copy()
    out["age"] = (end - out["date_of_birth"]).dt.days // 365.25
    return out


def test_every_la_is_covered_each_quarter_by_itself_or_its_raa_except_the_missing_return(world):
    quarter = MISSING_RETURN[1]
    agencies = {raw.tables["return"].frame["agency_code"].iloc[0] for raw in quarter_returns(world, REGISTRY, quarter)}
    assert MISSING_RETURN[0] not in agencies
    assert agencies == set(submitters(REGISTRY)) - {MISSING_RETURN[0]}
    previous = {raw.tables["return"].frame["agency_code"].iloc[0]
                for raw in quarter_returns(world, REGISTRY, quarter.previous())}
    assert previous == set(submitters(REGISTRY))
    covered = {la.code for la in REGISTRY.of_kind("LA") if (la.raa_code or la.code) in previous}
    assert covered == {la.code for la in REGISTRY.of_kind("LA")}
    for raa in REGISTRY.of_kind("RAA"):  # an RAA returns only its own members' children
        raw = next(r for r in quarter_returns(world, REGISTRY, Q("2024-25 Q1"))
                   if r.tables["return"].frame["agency_code"].iloc[0] == raa.code)
        assert set(raw.tables["children"].frame["la_code"]) <= set(REGISTRY.members(raa.code))


def test_voluntary_agencies_return_households_but_no_children(world):
    for raw in quarter_returns(world, REGISTRY, Q("2023-24 Q2")):
        code = raw.tables["return"].frame["agency_code"].iloc[0]
        if REGISTRY.agencies[code].kind == "VAA":
            assert raw.tables["children"].frame.empty
            assert len(raw.tables["adopters"].frame) > 10


def test_a_bulge_of_six_year_olds_waits_in_one_region(world):
    quarter = Q("2026-27 Q2")
    w = waiting(world.children, quarter)
    w["region"] = w["la_code"].map(lambda c: REGISTRY.agencies[c].region)
    six = (w["age"] == 6).groupby(w["region"]).mean()  # share of each region's children waiting
    assert six[BULGE_REGION] > 2 * six.drop(BULGE_REGION).max()
    six = w[w["age"] == 6].groupby("region").size()
    five_and_seven = w[(w["region"] == BULGE_REGION) & w["age"].isin([5, 7])].groupby("age").size()
    assert six[BULGE_REGION] > 2 * five_and_seven.max()  # a bulge, not a generally older region


def test_one_raa_is_much_slower_from_placement_order_to_match(world):
    frames = [children_table(world.children, q).assign(q=q) for q in
              (Q("2025-26 Q1"), Q("2025-26 Q2"), Q("2025-26 Q3"), Q("2025-26 Q4"))]
    matched = pd.concat([f[f["matched_date"].between(pd.Timestamp(f["q"].iloc[0].start),
                                                     pd.Timestamp(f["q"].iloc[0].end))] for f in frames])
    matched = matched[matched["placement_order_date"].notna()]
    days = (matched["matched_date"] - matched["placement_order_date"]).dt.days.clip(lower=0)
    by_agency = days.groupby(matched["submitter"]).mean()
    assert by_agency[SLOW_RAA] > 1.3 * days.mean()
    assert by_agency.idxmax() == SLOW_RAA


def test_the_same_seed_gives_the_same_returns_and_another_seed_does_not():
    first = [raw.sha256 for _, raw in generate_returns(REGISTRY, seed=5, first=Q("2020-21 Q1"), last=Q("2020-21 Q2"))]
    again = [raw.sha256 for _, raw in generate_returns(REGISTRY, seed=5, first=Q("2020-21 Q1"), last=Q("2020-21 Q2"))]
    other = [raw.sha256 for _, raw in generate_returns(REGISTRY, seed=6, first=Q("2020-21 Q1"), last=Q("2020-21 Q2"))]
    assert first == again
    assert len(set(first) & set(other)) == 0
    assert len(first) == 2 * len(submitters(REGISTRY))


def test_scale_ten_makes_about_ten_times_the_rows(world):
    big = simulate(REGISTRY, scale=10, seed=2024)
    quarter = Q("2024-25 Q1")
    for table, frames in ((children_table, "children"), (adopters_table, "households")):
        ratio = len(table(getattr(big, frames), quarter)) / len(table(getattr(world, frames), quarter))
        assert 9 < ratio < 11


def test_later_events_are_left_out_of_earlier_quarters_returns(world):
    quarter = Q("2021-22 Q3")
    table = children_table(world.children, quarter)
    dates = table.select_dtypes("datetime64[ns]")
    assert (dates.max() <= pd.Timestamp(quarter.end)).all()
    assert table["decision_reversed_reason"].notna().sum() == table["decision_reversed_date"].notna().sum()


@functools.cache
def _calibration_bench():
    """bench/demo_calibration.py as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("demo_calibration", ROOT / "bench" / "demo_calibration.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_calibration_target_says_its_source_period_and_measure():
    bench = _calibration_bench()
    assert len(bench.TARGETS) >= 30
    for target in bench.TARGETS:
        assert target.source.strip() and target.period.strip() and target.measure.strip(), target
        assert target.england > 0 and target.unit in ("count", "%", "days", "years", "ratio"), target
    adoptions = {t.period for t in bench.TARGETS if t.measure == "adoption_orders" and t.unit == "count"}
    assert adoptions == {f"{y}-{str(y + 1)[2:]}" for y in range(2019, 2026)}
    unpublished = [t for t in bench.TARGETS if t.source.startswith("none published")]
    assert {t.period for t in unpublished} == {"2022-23", "2023-24", "2025-26"}


def test_the_calibration_flags_a_figure_outside_15_percent():
    bench = _calibration_bench()
    frames = bench.generated_frames(1, 2024)
    table = bench.compare(frames)
    assert table["within"].all(), table.loc[~table["within"], ["figure", "period", "england", "demo", "diff"]]
    halved = dict(frames, children=frames["children"].sample(frac=0.5, random_state=1))
    worse = bench.compare(halved)
    counts = worse["unit"].eq("count") & worse["measure"].str.startswith(("adoption_orders", "children_waiting"))
    assert not worse.loc[counts, "within"].any()


def test_calibration_bench_prints_every_figure_within_15_percent():
    result = subprocess.run([sys.executable, "bench/demo_calibration.py", "--no-db"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    n = len(_calibration_bench().TARGETS)
    assert f"{n} of {n} figures within 15%" in result.stdout, result.stdout[-3000:]
    assert result.returncode == 0
    assert "Published figures not compared:" in result.stdout


def test_two_quarters_load_through_the_importer_and_a_second_run_changes_nothing(sessions):
    first, last = Q("2024-25 Q4"), Q("2025-26 Q1")
    summary = load_demo(sessions, first=first, last=last)
    n = len(submitters(REGISTRY))
    assert (summary.loaded, summary.unchanged, summary.quarters) == (2 * n, 0, 2)
    assert summary.warnings < 10
    with sessions() as session:
        returns = session.scalar(select(func.count()).select_from(Return).where(Return.is_current.is_(True)))
        children = session.scalar(select(func.count()).select_from(Child))
        users = set(session.scalars(select(Return.loaded_by).distinct()))
    assert returns == 2 * n
    assert children == summary.per_table["children"] > 5000
    assert users == {"demo"}
    again = load_demo(sessions, first=first, last=last)
    assert (again.loaded, again.unchanged) == (0, 2 * n)
    assert "already there" in again.text()


def test_the_demo_load_says_how_it_is_going_in_plain_lines_off_a_terminal():
    import io

    from db.cli import DemoProgress

    out = io.StringIO()
    progress = DemoProgress(out, every=0.0)
    progress("simulating", 0, 4)
    for done in range(1, 5):
        progress("stored", done, 4)
    lines = out.getvalue().splitlines()
    assert lines[0] == "demo: simulating the population for 4 returns..."
    assert lines[-1].startswith("demo: stored 4/4 returns (100%), ")
    assert "\r" not in out.getvalue() and len(lines) == 5
