"""Synthetic demo returns for every agency in the registry, 2019-20 Q1 to 2026-27 Q2.

The generator simulates each child's, household's and special guardianship order's whole
timeline from a burn-in start (so the first demo quarter already has a realistic stock of
children waiting), then writes each agency's return for each quarter as a snapshot of what was
known at that quarter's end. Every return goes through the importer's own validation and store,
so the demo data obeys the same rules as a user's file. National magnitudes are calibrated to
published England figures (see docs/demo-data.md and bench/demo_calibration.py). Deterministic
for a seed. Imports db and metrics modules only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.importer.readers import RawReturn, RawTable
from db.importer.store import HISTORY_COLUMNS, DbHistory, store_return
from db.importer.validate import validate
from db.models import Return
from db.registry import Registry, registry_from_db
from db.return_format import TABLES
from metrics.quarters import Quarter, quarter_range

FIRST_QUARTER = Quarter(2019, 1)
LAST_QUARTER = Quarter(2026, 2)
CHILDREN_FROM = date(2014, 4, 1)  # burn-in: children and households decided from here
SGOS_FROM = date(2005, 4, 1)  # orders made since SGOs began can still end in the demo window
EPOCH = date(1970, 1, 1)
NEVER = 10**7  # a day number beyond any date: "has not happened"

# The stories a board would discuss (docs/demo-data.md).
BULGE_REGION = "West Midlands"  # a bulge of 6-year-olds waiting in 2026
SLOW_RAA = "ALS"  # much slower from placement order to match
MISSING_RETURN = ("ASP", Quarter(2025, 2))  # one agency's quarter never arrived
LOADED_BY = "demo"  # who the returns list names as the loader of every demo return


def _day(d: date) -> int:
    return (d - EPOCH).days


def _year(days: np.ndarray) -> np.ndarray:
    return 1970 + np.asarray(days) / 365.25


def _curve(knots: dict[float, float]):
    xs, ys = np.array(list(knots)), np.array(list(knots.values()))
    return lambda days: np.interp(_year(days), xs, ys)


# National rates at scale 1 (per year) and mean waits (days), piecewise linear by decimal year.
# Tuned with bench/demo_calibration.py against the published figures in docs/demo-data.md.
CHILD_CASES_PER_YEAR = _curve({2014: 3700, 2016: 3200, 2017.85: 3200, 2018.85: 3000, 2019.5: 2300, 2019.85: 2150,
                                2020.85: 2600, 2021.85: 2750, 2022.85: 2900, 2023.85: 3100, 2024.5: 2700, 2027: 2700})
ORDER_TO_MATCH_DAYS = _curve({2014: 120, 2019: 110, 2020.2: 115, 2020.5: 170, 2021: 150, 2021.5: 140, 2022.5: 130,
                              2023.2: 120, 2024: 135, 2025: 155, 2027: 155})
# Courts' delays in 2020-21 (hearings put off in the pandemic) hold adoption orders back.
COURT_DELAY_DAYS = _curve({2014: 0, 2020.2: 0, 2020.5: 35, 2021.2: 35, 2021.8: 10, 2022.5: 0, 2027: 0})
SWEEP_FROM = date(2021, 7, 1)
SWEPT, REPLANNED = 0.75, 0.5  # of the children waiting long then: reviewed; of those, plan changed
# When adopters are plentiful (2021-23) even harder-to-place children are matched sooner.
HARDER_TO_PLACE_EFFECT = _curve({2014: 1.0, 2019.5: 1.0, 2021.5: 0.3, 2022.3: 0.3, 2023.3: 1.3, 2027: 1.3})
ENQUIRIES_PER_YEAR = _curve({2014: 6000, 2019: 5700, 2020.5: 6500, 2021.5: 5800, 2023: 4400, 2027: 4300})
APPROVAL_TO_MATCH_DAYS = _curve({2014: 190, 2019: 200, 2021: 290, 2022: 320, 2023.5: 230, 2025: 200, 2027: 200})
SGOS_PER_YEAR = _curve({2005: 800, 2010: 2600, 2015: 3700, 2019.5: 4200, 2024.5: 4500, 2027: 4500})
# Most SGOs are made as children leave care; most to former foster carers who are family or
# friends (E45). E47 and E48 are the 2024-25 shares of SGOs on leaving care; relatives or
# friends (E45 and E47) 90%.
SGO_LOOKED_AFTER = 0.91
SGO_GUARDIANS = {"E45": 0.68, "E46": 0.07, "E47": 0.22, "E48": 0.03}
ASF_ADOPTION_PER_YEAR = _curve({2019: 13000, 2022: 12000, 2027: 11000})

REGION_MINORITY = {"London": 0.40, "West Midlands": 0.22}  # share of children not White
ETHNIC_GROUPS = {
    "W": (("WBRI", "WIRI", "WOTH", "WIRT", "WROM"), (0.85, 0.02, 0.10, 0.01, 0.02)),
    "M": (("MWBC", "MWBA", "MWAS", "MOTH"), (0.35, 0.15, 0.20, 0.30)),
    "A": (("AIND", "APKN", "ABAN", "AOTH"), (0.20, 0.35, 0.15, 0.30)),
    "B": (("BCRB", "BAFR", "BOTH"), (0.35, 0.40, 0.25)),
    "O": (("CHNE", "OOTH"), (0.2, 0.8)),
    "N": (("REFU", "NOBT"), (0.3, 0.7)),
}
MINORITY_MIX = {"M": 0.55, "A": 0.13, "B": 0.22, "O": 0.06, "N": 0.04}


@dataclass
class Demography:
    """Who returns for whom, and how big and how quick each place is."""

    las: list[str]
    la_region: dict[str, str]
    submitter: dict[str, str]  # LA -> the agency that returns its children
    la_weight: dict[str, float]  # share of national children
    pace: dict[str, float]  # submitter -> multiplier on waits (1 = national)
    household_weight: dict[str, float]  # submitter (LA, RAA or VAA) -> share of households
    support_submitters: list[str]


def demography(registry: Registry, rng: np.random.Generator) -> Demography:
    las = sorted(a.code for a in registry.of_kind("LA"))
    la_region = {c: registry.agencies[c].region for c in las}
    submitter = {c: registry.agencies[c].raa_code or c for c in las}
    raw = rng.lognormal(0.0, 0.55, len(las))
    la_weight = dict(zip(las, raw / raw.sum()))
    regions = sorted(set(la_region.values()))
    region_pace = dict(zip(regions, rng.lognormal(0.0, 0.12, len(regions))))
    submitters = sorted(set(submitter.values()))
    pace = {
        s: float(region_pace[registry.agencies[s].region] * rng.lognormal(0.0, 0.15))
        for s in submitters
    }
    pace[SLOW_RAA] = 2.4
    vaas = sorted(a.code for a in registry.of_kind("VAA"))
    pace |= {v: float(rng.lognormal(0.0, 0.1)) for v in vaas}
    share: dict[str, float] = {}
    for la, w in la_weight.items():
        share[submitter[la]] = share.get(submitter[la], 0.0) + 0.8 * w
    vaa_raw = rng.lognormal(0.0, 0.4, len(vaas))
    share |= dict(zip(vaas, 0.2 * vaa_raw / vaa_raw.sum()))
    return Demography(las, la_region, submitter, la_weight, pace, share, submitters)


def _gamma(rng: np.random.Generator, shape: float, mean, size: int) -> np.ndarray:
    return np.rint(rng.gamma(shape, np.asarray(mean, dtype=float) / shape, size)).astype(np.int64)


def _monthly_events(rng, per_year, start: date, end: date, scale: int) -> np.ndarray:
    """Day numbers of events arriving at a time-varying yearly rate."""
    months = pd.date_range(start, end, freq="MS")
    firsts = np.array([_day(m.date()) for m in months])
    counts = rng.poisson(per_year(firsts) / 12 * scale)
    days = np.repeat(firsts, counts) + rng.integers(0, 28, counts.sum())
    return np.sort(days)


def _ethnicity(rng, minority_share: np.ndarray) -> np.ndarray:
    n = len(minority_share)
    groups = np.where(
        rng.random(n) < minority_share,
        rng.choice(list(MINORITY_MIX), n, p=list(MINORITY_MIX.values())),
        "W",
    )
    out = np.empty(n, dtype=object)
    for group, (codes, weights) in ETHNIC_GROUPS.items():
        mask = groups == group
        out[mask] = rng.choice(codes, mask.sum(), p=weights)
    return out


def simulate_children(demo: Demography, rng: np.random.Generator, scale: int) -> pd.DataFrame:
    """Every child's timeline as day numbers (NEVER = not happened). One row per child."""
    end = _day(LAST_QUARTER.end)
    adm = _monthly_events(rng, CHILD_CASES_PER_YEAR, CHILDREN_FROM, LAST_QUARTER.end, scale)
    n = len(adm)
    la = rng.choice(demo.las, n, p=list(demo.la_weight.values()))
    size = rng.choice([1, 2, 3], n, p=[0.70, 0.24, 0.06])
    youngest = np.where(
        rng.random(n) < 0.60, rng.integers(30, 365, n),
        np.where(rng.random(n) < 0.89, rng.integers(365, 4 * 365, n), rng.integers(4 * 365, 8 * 365 + 180, n)),
    )
    # The bulge: a cohort of children born 2019-20, decided on in 2023-24, who wait and wait.
    bulge_las = [c for c in demo.las if demo.la_region[c] == BULGE_REGION]
    nb = int(round(75 * scale))
    b_adm = _day(date(2023, 5, 1)) + rng.integers(0, 330, nb)
    b_dob = _day(date(2019, 10, 1)) + rng.integers(0, 360, nb)
    adm = np.concatenate([adm, b_adm])
    la = np.concatenate([la, rng.choice(bulge_las, nb)])
    size = np.concatenate([size, np.ones(nb, dtype=int)])
    youngest = np.concatenate([youngest, b_adm - b_dob])
    bulge = np.r_[np.zeros(n, bool), np.ones(nb, bool)]
    n += nb

    region = np.array([demo.la_region[c] for c in la])
    minority = np.array([REGION_MINORITY.get(r, 0.11) for r in region])
    ethnicity = _ethnicity(rng, minority)
    disabled = rng.random(n) < 0.024
    spacing = rng.integers(365, 800, n)
    youngest = np.clip(youngest, 30, 10 * 365 - (size - 1) * spacing)  # oldest at most 10
    oldest = youngest + (size - 1) * spacing
    pace = np.array([demo.pace[demo.submitter[c]] for c in la])

    care_to_adm = _gamma(rng, 2.0, 140, n)
    adm_to_order = _gamma(rng, 2.5, 130, n)
    order = adm + adm_to_order
    never = np.full(n, NEVER, dtype=np.int64)
    reversed_, reason = never.copy(), np.full(n, None, dtype=object)

    early = (rng.random(n) < 0.11) & ~bulge  # decision reversed before any order
    reversed_[early] = adm[early] + (adm_to_order[early] * rng.uniform(0.4, 1.0, early.sum())).astype(int)
    reason[early] = np.where(rng.random(early.sum()) < 0.6, "RD2", "RD1")
    order[early] = NEVER

    ffa = (youngest < 365) & (rng.random(n) < 0.12) & ~early & ~bulge
    carer = ~ffa & (rng.random(n) < 0.09) & ~early & ~bulge
    age_at_order = (oldest + adm_to_order) / 365.25
    harder = np.select([age_at_order >= 5, age_at_order >= 2], [6.5, 1.3], 1.0)
    harder *= np.select([size == 3, size == 2], [1.6, 1.25], 1.0)
    harder *= np.where(disabled, 3.2, 1.0) * np.where(np.isin(ethnicity, ETHNIC_GROUPS["W"][0]), 1.0, 1.2)
    mult = pace * (1 + (harder - 1) * HARDER_TO_PLACE_EFFECT(order))
    mult[bulge] *= 12.0
    wait = _gamma(rng, 1.8, ORDER_TO_MATCH_DAYS(order) * mult, n)
    # 2021-22: with adopters plentiful, agencies reviewed every long wait: most of those children
    # were matched, and for the rest the plan changed (RD3).
    sweep = _day(SWEEP_FROM)
    swept = (order < sweep) & (order + wait > sweep + 120) & (rng.random(n) < SWEPT) & ~bulge
    review = sweep - order + _gamma(rng, 2.0, 100, n)
    wait[swept] = review[swept]
    replanned = swept & (rng.random(n) < REPLANNED)
    wait[carer] = _gamma(rng, 2.0, 90, carer.sum())
    matched = order + wait
    ffa_placed = never.copy()
    ffa_placed[ffa] = adm[ffa] + rng.integers(5, 40, ffa.sum())
    matched[ffa] = adm[ffa] + _gamma(rng, 3.0, 100, ffa.sum())

    # Children who wait too long: the plan changes (RD3) for most of them.
    limit = 380 + _gamma(rng, 2.0, 220, n) + np.where(age_at_order >= 5, 380, 0) + np.where(disabled, 300, 0)
    slow = np.array([demo.submitter[c] == SLOW_RAA for c in la])
    limit = np.where(slow, limit * 1.5, limit)  # its children wait longer before plans change
    give_up = ~early & ~ffa & ~carer & ~bulge & (wait > limit) & (rng.random(n) < 0.9)
    limit[replanned] = review[replanned]
    give_up |= replanned
    wait = np.minimum(wait, 2 * limit)  # nobody waits for ever: a match or a new plan
    reversed_[give_up] = order[give_up] + limit[give_up]
    reason[give_up] = "RD3"
    matched[early | give_up] = NEVER

    placed = matched + np.where(ffa, rng.integers(0, 10, n), _gamma(rng, 3.0, 30, n))
    placed_with_carer = never.copy()
    entered = adm - care_to_adm
    placed_with_carer[carer] = entered[carer] + rng.integers(10, 60, carer.sum())
    adopted = placed + _gamma(rng, 3.0, 255, n)
    adopted += np.rint(COURT_DELAY_DAYS(np.minimum(adopted, NEVER // 2))).astype(np.int64)

    # Disruptions: about 3% of placements end before an order; some children are placed again.
    live = matched < NEVER
    disrupt = live & ~ffa & ~carer & (rng.random(n) < 0.03)
    disruption = never.copy()
    disruption[disrupt] = placed[disrupt] + (
        (adopted[disrupt] - placed[disrupt]) * rng.uniform(0.1, 0.9, disrupt.sum())
    ).astype(int)
    matched2, placed2 = never.copy(), never.copy()
    again = disrupt & (rng.random(n) < 0.55)
    matched2[again] = disruption[again] + _gamma(rng, 2.0, 200, again.sum())
    placed2[again] = matched2[again] + _gamma(rng, 3.0, 30, again.sum())
    adopted[disrupt] = NEVER
    adopted[again] = placed2[again] + _gamma(rng, 3.0, 270, again.sum())
    stop = disrupt & ~again
    reversed_[stop] = disruption[stop] + rng.integers(60, 240, stop.sum())
    reason[stop] = "RD1"
    adopted[early | give_up] = NEVER

    # One row per child: siblings share the case's dates; each has their own birth date.
    case = np.repeat(np.arange(n), size)
    ordinal = np.concatenate([np.arange(s) for s in size])
    dob = adm[case] - youngest[case] - ordinal * spacing[case]
    child_entered = np.minimum(adm[case], np.maximum(entered[case], dob + rng.integers(0, 4, len(case))))
    frame = pd.DataFrame({
        "la_code": la[case],
        "sex": rng.choice(["M", "F"], len(case)),
        "dob": dob,
        "ethnicity": ethnicity[case],
        "disability": np.where(disabled[case], "Y", "N"),
        "case": case,
        "size": size[case],
        "entered": child_entered,
        "adm": adm[case],
        "ffa": ffa_placed[case],
        "order": order[case],
        "matched": matched[case],
        "placed": placed[case],
        "matched2": matched2[case],
        "placed2": placed2[case],
        "carer": carer[case],
        "placed_with_carer": placed_with_carer[case],
        "adopted": adopted[case],
        "disruption": disruption[case],
        "reversed": reversed_[case],
        "reason": reason[case],
    })  # fmt: skip
    for column in ("matched", "placed", "adopted", "disruption", "matched2", "placed2"):
        frame.loc[frame[column] >= NEVER // 2, column] = NEVER
    frame = frame[frame["adm"] <= end].copy()
    frame["submitter"] = frame["la_code"].map(demo.submitter)
    frame = frame.sort_values(["la_code", "adm", "case"], kind="stable")
    frame["child_id"] = frame["la_code"] + "-C" + (frame.groupby("la_code").cumcount() + 1).map("{:05d}".format)
    sibling = frame["size"] > 1
    frame["sibling_group_id"] = np.where(sibling, frame["la_code"] + "-S" + frame["case"].astype(str), None)
    return frame.reset_index(drop=True)


def simulate_households(demo: Demography, rng: np.random.Generator, scale: int) -> pd.DataFrame:
    """Every prospective adopter household's journey as day numbers (NEVER = not happened)."""
    enquiry = _monthly_events(rng, ENQUIRIES_PER_YEAR, CHILDREN_FROM, LAST_QUARTER.end, scale)
    n = len(enquiry)
    agencies = list(demo.household_weight)
    agency = rng.choice(agencies, n, p=list(demo.household_weight.values()))
    never = np.full(n, NEVER, dtype=np.int64)
    left, reason = never.copy(), np.full(n, None, dtype=object)

    def leave(mask: np.ndarray, when: np.ndarray, why: str) -> None:
        left[mask], reason[mask] = when[mask], why

    early = rng.random(n) < 0.35
    leave(early, enquiry + rng.integers(20, 150, n), "WITHDREW")
    fast = ~early & (rng.random(n) < 0.08)
    s1_start = np.where(early | fast, NEVER, enquiry + _gamma(rng, 2.0, 50, n))
    quit1 = ~early & ~fast & (rng.random(n) < 0.10)
    leave(quit1, s1_start + rng.integers(10, 60, n), "WITHDREW")
    s1_end = np.where(early | fast | quit1, NEVER, s1_start + _gamma(rng, 4.0, 64, n))
    s2_start = np.where(fast, enquiry + _gamma(rng, 2.0, 40, n), s1_end + _gamma(rng, 2.0, 20, n))
    s2_start[early | quit1] = NEVER
    active = s2_start < NEVER
    quit2 = active & (rng.random(n) < 0.05)
    leave(quit2, s2_start + rng.integers(10, 100, n), "WITHDREW")
    s2_end = np.where(active & ~quit2, s2_start + _gamma(rng, 4.0, 128, n), NEVER)
    refused = (s2_end < NEVER) & (rng.random(n) < 0.03)
    leave(refused, s2_end + rng.integers(5, 30, n), "NOT_APPROVED")
    approval = np.where((s2_end < NEVER) & ~refused, s2_end + _gamma(rng, 3.0, 30, n), NEVER)
    approved = approval < NEVER
    pace = np.array([demo.pace[a] for a in agency]) ** 0.5
    wait = _gamma(rng, 1.6, APPROVAL_TO_MATCH_DAYS(approval) * pace, n)
    give_up = _gamma(rng, 1.5, 330, n)
    withdraw = approved & (rng.random(n) < 0.16) & (give_up < wait)
    leave(withdraw, approval + give_up, "WITHDREW")
    matched = np.where(approved & ~withdraw, approval + wait, NEVER)
    placed = np.where(matched < NEVER, matched + _gamma(rng, 3.0, 30, n), NEVER)
    done = placed < NEVER
    leave(done, placed + _gamma(rng, 3.0, 270, n), "ADOPTED")

    minority = np.array([REGION_MINORITY.get(demo.la_region.get(a, ""), 0.12) for a in agency]) * 0.8
    frame = pd.DataFrame({
        "agency": agency,
        "household": rng.choice(["MF", "FF", "MM", "F1", "M1"], n, p=[0.6, 0.12, 0.08, 0.17, 0.03]),
        "ethnicity": _ethnicity(rng, minority),
        "ffa": np.where(approved & (rng.random(n) < 0.12), "Y", "N"),
        "enquiry": enquiry,
        "s1_start": s1_start, "s1_end": s1_end, "s2_start": s2_start, "s2_end": s2_end,
        "approval": approval,
        "places": np.where(approved, rng.choice([1, 2, 3], n, p=[0.65, 0.30, 0.05]), 0),
        "matched": matched, "placed": placed, "left": left, "reason": reason,
    })  # fmt: skip
    frame = frame.sort_values(["agency", "enquiry"], kind="stable")
    frame["adopter_id"] = frame["agency"] + "-H" + (frame.groupby("agency").cumcount() + 1).map("{:05d}".format)
    return frame.reset_index(drop=True)


def simulate_sgos(demo: Demography, rng: np.random.Generator, scale: int) -> pd.DataFrame:
    """Special guardianship orders made since 2005 and how they ended (day numbers)."""
    made = _monthly_events(rng, SGOS_PER_YEAR, SGOS_FROM, LAST_QUARTER.end, scale)
    n = len(made)
    la = rng.choice(demo.las, n, p=list(demo.la_weight.values()))
    age = np.where(rng.random(n) < 0.5, rng.integers(60, 5 * 365, n),
                   np.where(rng.random(n) < 0.6, rng.integers(5 * 365, 11 * 365, n),
                            rng.integers(11 * 365, 17 * 365, n)))
    dob = made - age
    eighteen = dob + np.rint(18 * 365.25).astype(np.int64)
    breakdown = np.where(rng.random(n) < 0.05, made + rng.integers(90, 2000, n), NEVER)
    other = np.where(rng.random(n) < 0.01, made + rng.integers(90, 2000, n), NEVER)
    ended = np.minimum.reduce([breakdown, other, eighteen])
    why = np.select([ended == breakdown, ended == other], ["BREAKDOWN", "OTHER"], "AGE_18")
    region = np.array([demo.la_region[c] for c in la])
    frame = pd.DataFrame({
        "la_code": la,
        "sex": rng.choice(["M", "F"], n),
        "dob": dob,
        "ethnicity": _ethnicity(rng, np.array([REGION_MINORITY.get(r, 0.13) for r in region])),
        "disability": np.where(rng.random(n) < 0.04, "Y", "N"),
        "made": made,
        "looked_after": np.where(rng.random(n) < SGO_LOOKED_AFTER, "Y", "N"),
        "guardian": rng.choice(list(SGO_GUARDIANS), n, p=list(SGO_GUARDIANS.values())),
        "support_plan": np.where(rng.random(n) < 0.85, "Y", "N"),
        "allowance": np.where(rng.random(n) < 0.7, "Y", "N"),
        "ended": ended,
        "reason": why.astype(object),
    })  # fmt: skip
    frame["submitter"] = frame["la_code"].map(demo.submitter)
    frame = frame.sort_values(["la_code", "made"], kind="stable")
    frame["child_id"] = frame["la_code"] + "-G" + (frame.groupby("la_code").cumcount() + 1).map("{:05d}".format)
    return frame.reset_index(drop=True)


@dataclass
class DemoWorld:
    """The simulated population, from which each quarter's returns are cut."""

    demography: Demography
    children: pd.DataFrame
    households: pd.DataFrame
    sgos: pd.DataFrame
    seed: int
    scale: int


def simulate(registry: Registry, scale: int = 1, seed: int = 2024) -> DemoWorld:
    rng = np.random.default_rng(seed)
    demo = demography(registry, rng)
    return DemoWorld(
        demo,
        simulate_children(demo, rng, scale),
        simulate_households(demo, rng, scale),
        simulate_sgos(demo, rng, scale),
        seed,
        scale,
    )


def _dates(days: pd.Series, end: int) -> pd.Series:
    """Day numbers as dates, blank where the event had not happened by `end`."""
    values = days.to_numpy()
    known = values <= end
    out = np.where(known, values, 0).astype("datetime64[D]").astype("datetime64[ns]")
    out[~known] = np.datetime64("NaT")
    return pd.Series(out, index=days.index)


def children_table(children: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    """The children table every agency would return for `quarter` (all agencies at once)."""
    start, end = _day(quarter.start), _day(quarter.end)
    c = children
    keep = (c["adm"] <= end) & ~(c["adopted"] < start) & ~(c["reversed"] < start)
    c = c[keep]
    second_match = c["matched2"] <= end
    second_place = c["placed2"] <= end
    reversed_ = c["reversed"] <= end
    return pd.DataFrame({
        "submitter": c["submitter"],
        "child_id": c["child_id"],
        "la_code": c["la_code"],
        "sex": c["sex"],
        "date_of_birth": _dates(c["dob"], end),
        "ethnicity": c["ethnicity"],
        "disability": c["disability"],
        "sibling_group_id": c["sibling_group_id"],
        "entered_care_date": _dates(c["entered"], end),
        "adm_decision_date": _dates(c["adm"], end),
        "ffa_cp_placed_date": _dates(c["ffa"], end),
        "placement_order_date": _dates(c["order"], end),
        "matched_date": _dates(c["matched2"].where(second_match, c["matched"]), end),
        "placed_date": _dates(c["placed2"].where(second_place, c["placed"]), end),
        "foster_carer_adoption": np.where(c["carer"], "Y", "N"),
        "placed_with_carer_date": _dates(c["placed_with_carer"], end),
        "adoption_order_date": _dates(c["adopted"], end),
        "disruption_date": _dates(c["disruption"], end),
        "decision_reversed_date": _dates(c["reversed"], end),
        "decision_reversed_reason": c["reason"].where(reversed_, None),
    })  # fmt: skip


def adopters_table(households: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    start, end = _day(quarter.start), _day(quarter.end)
    h = households[(households["enquiry"] <= end) & ~(households["left"] < start)]
    return pd.DataFrame({
        "submitter": h["agency"],
        "adopter_id": h["adopter_id"],
        "household": h["household"],
        "ethnicity": h["ethnicity"],
        "fostering_for_adoption": h["ffa"].where(h["approval"] <= end, None),
        "enquiry_date": _dates(h["enquiry"], end),
        "stage1_start_date": _dates(h["s1_start"], end),
        "stage1_end_date": _dates(h["s1_end"], end),
        "stage2_start_date": _dates(h["s2_start"], end),
        "stage2_end_date": _dates(h["s2_end"], end),
        "approval_date": _dates(h["approval"], end),
        "approved_places": h["places"].where(h["approval"] <= end, None),
        "matched_date": _dates(h["matched"], end),
        "placed_date": _dates(h["placed"], end),
        "left_date": _dates(h["left"], end),
        "left_reason": h["reason"].where(h["left"] <= end, None),
    })  # fmt: skip


def sgo_table(sgos: pd.DataFrame, quarter: Quarter) -> pd.DataFrame:
    start, end = _day(quarter.start), _day(quarter.end)
    made_in = sgos["made"].between(start, end)
    ended_in = sgos["ended"].between(start, end)
    s = sgos[made_in | ended_in]
    return pd.DataFrame({
        "submitter": s["submitter"],
        "child_id": s["child_id"],
        "la_code": s["la_code"],
        "sex": s["sex"],
        "date_of_birth": _dates(s["dob"], end),
        "ethnicity": s["ethnicity"],
        "disability": s["disability"],
        "sgo_date": _dates(s["made"], end),
        "looked_after": s["looked_after"],
        "guardian": s["guardian"],
        "support_plan": s["support_plan"],
        "allowance": s["allowance"],
        "ended_date": _dates(s["ended"], end),
        "ended_reason": s["reason"].where(s["ended"] <= end, None),
    })  # fmt: skip


def support_row(world: DemoWorld, agency: str, quarter: Quarter) -> pd.DataFrame:
    """Support fund applications for an agency that returns children (VAAs do not apply)."""
    if agency not in world.demography.support_submitters:
        return pd.DataFrame(columns=list(TABLES["support"].column_names))
    # A stream of its own per agency and quarter keeps each figure stable whatever else changes.
    rng = np.random.default_rng([world.seed, quarter.index, int(hashlib.sha1(agency.encode()).hexdigest()[:8], 16)])
    demo = world.demography
    share = sum(w for la, w in demo.la_weight.items() if demo.submitter[la] == agency)
    rate = ASF_ADOPTION_PER_YEAR(np.array([_day(quarter.start)]))[0] / 4 * share * world.scale
    adoption = int(rng.poisson(rate))
    sg = int(rng.binomial(adoption + int(rng.poisson(rate * 0.17)), 0.13)) if adoption else 0
    return pd.DataFrame({
        "asf_applications_adoption": [adoption],
        "asf_applications_sg": [sg],
        "asf_amount_adoption": [round(adoption * rng.gamma(4.0, 600.0), 2)],
        "asf_amount_sg": [round(sg * rng.gamma(4.0, 520.0), 2)],
    })


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows numbered as a user sees them in a file (header is row 1)."""
    frame = frame.reset_index(drop=True)
    frame.index = frame.index + 2
    return frame


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row (its values, not its index), for a whole quarter's table at once:
    hashing each return's slice of these costs a fraction of hashing each return's frame."""
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def _sha256(agency: str, quarter: Quarter, hashes: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256(f"{agency} {quarter}".encode())
    for name, rows in hashes.items():
        digest.update(name.encode())
        digest.update(len(rows).to_bytes(8, "little"))
        digest.update(np.ascontiguousarray(rows).tobytes())
    return digest.hexdigest()


def submitters(registry: Registry) -> list[str]:
    """Agencies that make a return: RAAs, LAs outside an RAA, and VAAs."""
    return sorted(
        {a.raa_code or a.code for a in registry.of_kind("LA")} | {a.code for a in registry.of_kind("VAA")}
    )


def quarter_returns(world: DemoWorld, registry: Registry, quarter: Quarter) -> Iterator[RawReturn]:
    """Each submitting agency's return for one quarter, as the importer would read it."""
    parts = {
        "children": children_table(world.children, quarter),
        "adopters": adopters_table(world.households, quarter),
        "special_guardianship": sgo_table(world.sgos, quarter),
    }
    grouped: dict[str, dict[str, pd.DataFrame]] = {}
    hashes: dict[str, dict[str, np.ndarray]] = {}
    for name, frame in parts.items():
        frame = frame.reset_index(drop=True)
        columns = list(TABLES[name].column_names)
        rows = _row_hashes(frame[columns])
        positions = frame.groupby("submitter", sort=False).indices
        grouped[name] = {agency: frame.loc[at, columns] for agency, at in positions.items()}
        hashes[name] = {agency: rows[at] for agency, at in positions.items()}
    empty = np.zeros(0, dtype=np.uint64)
    for agency in submitters(registry):
        if (agency, quarter) == MISSING_RETURN:
            continue
        tables = {"return": pd.DataFrame({"agency_code": [agency], "quarter": [str(quarter)]})}
        for name, by_agency in grouped.items():
            frame = by_agency.get(agency)
            tables[name] = frame if frame is not None else pd.DataFrame(columns=list(TABLES[name].column_names))
        tables["support"] = support_row(world, agency, quarter)
        tables = {name: _numbered(frame) for name, frame in tables.items()}
        row_hashes = {name: hashes[name].get(agency, empty) for name in grouped}
        row_hashes["support"] = _row_hashes(tables["support"])
        yield RawReturn(
            file_name=f"demo-{agency}-{str(quarter).replace(' ', '-')}.generated",
            source_format="demo",
            sha256=_sha256(agency, quarter, row_hashes),
            tables={name: RawTable(name, frame) for name, frame in tables.items()},
        )


def generate_returns(
    registry: Registry, scale: int = 1, seed: int = 2024,
    first: Quarter = FIRST_QUARTER, last: Quarter = LAST_QUARTER,
) -> Iterator[tuple[Quarter, RawReturn]]:
    """Every demo return, quarter by quarter (pure: touches no database)."""
    world = simulate(registry, scale, seed)
    for quarter in quarter_range(first, last):
        for raw in quarter_returns(world, registry, quarter):
            yield quarter, raw


@dataclass
class DemoSummary:
    loaded: int = 0
    unchanged: int = 0
    warnings: int = 0
    rows: int = 0
    per_table: dict[str, int] = field(default_factory=dict)
    quarters: int = 0
    first: Quarter = FIRST_QUARTER
    last: Quarter = LAST_QUARTER

    def text(self) -> str:
        tables = ", ".join(f"{n:,} {name}" for name, n in self.per_table.items())
        return (
            f"Demo returns for {self.first} to {self.last} ({self.quarters} quarters): "
            f"{self.loaded:,} loaded, {self.unchanged:,} already there; {self.rows:,} rows "
            f"({tables}); {self.warnings:,} warning(s)."
            + (f" {MISSING_RETURN[0]}'s {MISSING_RETURN[1]} return is missing on purpose."
               if self.first <= MISSING_RETURN[1] <= self.last else "")
        )


def _loaded_at(raw: RawReturn, quarter: Quarter) -> datetime:
    """A believable load time: two to seven weeks after the quarter ends, never in the future."""
    lag = 14 + int(raw.sha256[:4], 16) % 35
    when = datetime.combine(quarter.end + timedelta(days=lag), time(9 + lag % 8, lag), timezone.utc)
    return min(when, datetime.now(timezone.utc))


class LoadedHere:
    """The validator's view of earlier returns when the demo loads into a database that had no
    returns: exactly the returns this load has stored, kept in memory. `DbHistory` would read
    the same rows back from the database; asking it took a fifth of the load's time."""

    def __init__(self) -> None:
        self.children: dict[tuple[str, int], pd.DataFrame | None] = {}
        self.la_agency: dict[int, dict[str, str]] = {}

    def previous_children(self, agency_code: str, quarter: Quarter) -> pd.DataFrame | None:
        return self.children.get((agency_code, quarter.index))

    def las_returned_elsewhere(self, agency_code: str, quarter: Quarter, la_codes: set[str]) -> dict[str, str]:
        held = self.la_agency.get(quarter.index, {})
        return {la: held[la] for la in la_codes if la in held and held[la] != agency_code}

    def stored(self, agency_code: str, quarter: Quarter, children: pd.DataFrame) -> None:
        # Only the quarter before the next one is ever asked about.
        self.children = {k: v for k, v in self.children.items() if k[1] >= quarter.index - 1}
        self.la_agency = {k: v for k, v in self.la_agency.items() if k >= quarter.index - 1}
        self.children[(agency_code, quarter.index)] = (
            children[list(HISTORY_COLUMNS)].reset_index(drop=True) if len(children) else None
        )
        las = self.la_agency.setdefault(quarter.index, {})
        las |= dict.fromkeys(children["la_code"].dropna().unique().tolist(), agency_code)


Progress = Callable[[str, int, int], None]  # (what, done, total)


def load_demo(
    sessions: sessionmaker[Session], scale: int = 1, seed: int = 2024,
    first: Quarter = FIRST_QUARTER, last: Quarter = LAST_QUARTER,
    progress: Progress | None = None,
) -> DemoSummary:
    """Validate and store every demo return (`first` to `last`); one transaction per quarter.

    `progress`, if given, hears ("simulating", 0, total) first and then ("stored", n, total)
    after each return."""
    with sessions() as session:
        registry = registry_from_db(session)
        empty = not session.scalar(select(func.count()).select_from(Return))
    if not registry.agencies:
        raise RuntimeError("the agency registry is empty; run `python -m db init` first.")
    quarters = quarter_range(first, last)
    total = len(quarters) * len(submitters(registry)) - sum(MISSING_RETURN[1] == q for q in quarters)
    report = progress or (lambda what, done, total: None)
    report("simulating", 0, total)
    summary = DemoSummary(per_table={name: 0 for name in TABLES if name != "return"}, first=first, last=last)
    loaded_here = LoadedHere() if empty else None
    current: Quarter | None = None
    session: Session | None = None
    done = 0
    try:
        for quarter, raw in generate_returns(registry, scale, seed, first, last):
            if quarter != current:
                if session is not None:
                    session.commit()
                    session.close()
                session, current = sessions(), quarter
                summary.quarters += 1
            history = loaded_here or DbHistory(session)
            validated = validate(raw, registry, history, None, None)
            if not validated.ok:
                errors = [i.line() for i in validated.issues if i.level == "error"][:5]
                raise RuntimeError(f"demo return {raw.file_name} failed validation: {errors}")
            outcome = store_return(session, validated, file_name=raw.file_name, sha256=raw.sha256,
                                   source_format="demo", loaded_by=LOADED_BY,
                                   loaded_at=_loaded_at(raw, quarter))
            if loaded_here is not None:
                loaded_here.stored(validated.agency_code, quarter, validated.frames["children"])
            done += 1
            report("stored", done, total)
            if outcome.status == "unchanged":
                summary.unchanged += 1
                continue
            summary.loaded += 1
            summary.warnings += sum(1 for i in validated.issues if i.level == "warning")
            for name in summary.per_table:
                count = len(validated.frames[name])
                summary.per_table[name] += count
                summary.rows += count
        if session is not None:
            session.commit()
    finally:
        if session is not None:
            session.close()
    return summary
