"""Every measure against figures worked out by hand from tests/measures_dataset.py.

The dataset's timelines are cut into eight returns (AC2C, an RAA with LAs 840 and 394, in Q1-Q3;
942, an LA outside any RAA, in Q1 and Q3 only; AMAT, a VAA, in Q1-Q3), loaded through the real
importer once per backend, and every selection below is computed by `tests.oracles.compute`
(the engine's `compute_many` for one selection). The expected numbers were derived from the
definitions (shared/spec/metrics.md and the project's readings of it), not from the code: each carries the arithmetic behind it.

Shorthand in the comments: E1/E2/E3 = 30 Jun / 30 Sep / 31 Dec 2024 (the ends of 2024-25 Q1, Q2,
Q3); "w4" = a window of 4 quarters ending in Q3 (2023-24 Q4, which nobody returned, to 2024-25
Q3); a child's figure is written `C01 747` (days) or `C01 7y` (age).

Expected submitters used for missing_returns (from db/reference):
- North East: 12 LAs; household agencies AC2C, ANE, TEES (no VAA).
- North West: 24 LAs; household agencies ACO, ALB, ANOW, AIM, TFA, AMAT, CARI, FIF, 942, 943 (10).
- England: 153 LAs; household agencies = 32 RAAs + 12 VAAs + 6 LAs outside an RAA = 50.
- LAs covered: 840 and 394 (by AC2C) in Q1-Q3; 942 in Q1 and Q3. So for children, a window of
  4 ending in Q3 has 8 covered (LA, quarter) pairs in England: 153 x 4 - 8 = 604 missing.

Readings where the definitions leave room (the cases pin them):
- A scope with no covered return at all for the figure (942's children in Q2) is status "x",
  not a count of 0; a scope with some covered quarters counts those and reports the rest.
- adopters_per_child reports the household agencies' missing returns (its registry table is
  adopters), and is "z" for a VAA (no children) and for an LA inside an RAA (no households).
- completeness by column: the 26 column rows are checked in table order; whether a "Total" row
  follows is left open, since no definition says what a total of fill shares across three
  tables would be.
- value_type is checked against the registry except for returns_received (the engine's contract
  says "agencies", the registry's unit "returns") and for stat="median".
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest

from sqlalchemy.orm import sessionmaker  # noqa: E402

from db.engine import engine_for  # noqa: E402
from db.measure_data import load_geography, load_measure_data  # noqa: E402
from tests.oracles import compute  # noqa: E402
from metrics.quarters import Quarter  # noqa: E402
from metrics.registry import MEASURES  # noqa: E402
from metrics.selection import Selection  # noqa: E402
from tests.conftest import fresh_database  # noqa: E402
from tests.measures_dataset import BEFORE, Q3, load_dataset  # noqa: E402

NE, NW = "region:North East", "region:North West"
AGE_BANDS = ("Under 1", "1-4", "5-9", "10+")
AGE_YEARS = tuple(str(a) for a in range(18))
APPROVED_PLACES = ("1 child", "2 children", "3 children", "4 children")
ETHNIC_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "Not known")
GUARDIAN_AGE_BANDS = tuple(f"{g} · {a}" for g in ("E45", "E46", "E47", "E48") for a in AGE_BANDS)
HOUSEHOLDS = ("MF", "FF", "MM", "F1", "M1")
FFA = ("Fostering for adoption", "Not fostering for adoption", "Not recorded")
NAN = float("nan")


# ---------------------------------------------------------------------------------- case table


class Expect(NamedTuple):
    value: float  # NaN with a status
    cohort: float | None  # None: not checked
    missing: int | None  # missing_returns; None: not checked
    status: str = ""


class Case(NamedTuple):
    measure: str
    scope: str
    quarter: str
    window: int
    breakdown: str | None
    stat: str
    # Without a breakdown: one Expect. With one: {category: Expect} in the fixed order, "Total"
    # last (a category left out of the dict is not checked, but the category list is).
    expect: Any
    categories: tuple[str, ...] | None = None


def c(measure: str, scope: str, q: str, value: float, cohort: float | None = "same",
      missing: int | None = 0, *, w: int = 1, stat: str = "mean") -> Any:
    """One unbroken-down figure. cohort "same" = the value (a count)."""
    cohort = value if cohort == "same" else cohort
    return pytest.param(
        Case(measure, scope, f"2024-25 {q}", w, None, stat, Expect(value, cohort, missing)),
        id=f"{measure}-{scope}-{q}-w{w}-{stat}",
    )  # fmt: skip


def status(measure: str, scope: str, q: str, flag: str, missing: int | None = None, *,
           w: int = 1) -> Any:
    return pytest.param(
        Case(measure, scope, f"2024-25 {q}", w, None, "mean", Expect(NAN, None, missing, flag)),
        id=f"{measure}-{scope}-{q}-w{w}-{flag}",
    )  # fmt: skip


def by(measure: str, scope: str, q: str, breakdown: str, categories: tuple[str, ...],
       values: dict[str, Any], missing: int | None = 0, *, w: int = 1,
       stat: str = "mean") -> Any:
    """A breakdown: values maps category -> count, or -> (value, cohort) for an average or a
    percentage. For counts, every category not named is expected to be 0."""
    counts = all(isinstance(v, (int, float)) for v in values.values())
    expect = {}
    for category in (*categories, "Total"):
        if category not in values and not counts:
            continue  # averages and percentages: a category not named is not checked
        v = values.get(category, 0)
        value, cohort = v if isinstance(v, tuple) else (v, v)
        expect[category] = Expect(value, cohort, missing)
    return pytest.param(
        Case(measure, scope, f"2024-25 {q}", w, breakdown, stat, expect, (*categories, "Total")),
        id=f"{measure}-{scope}-{q}-w{w}-by-{breakdown}-{stat}",
    )  # fmt: skip


# Completeness categories: every optional column except foster_carer_adoption, in table order.
COMPLETENESS_COLUMNS = (
    *(f"children.{col}" for col in (
        "sibling_group_id", "ffa_cp_placed_date", "placement_order_date", "matched_date",
        "placed_date", "placed_with_carer_date", "adoption_order_date", "disruption_date",
        "decision_reversed_date", "decision_reversed_reason")),
    *(f"adopters.{col}" for col in (
        "ethnicity", "fostering_for_adoption", "stage1_start_date", "stage1_end_date",
        "stage2_start_date", "stage2_end_date", "approval_date", "approved_places",
        "matched_date", "placed_date", "left_date", "left_reason")),
    *(f"special_guardianship.{col}" for col in (
        "support_plan", "allowance", "ended_date", "ended_reason")),
)  # fmt: skip


CASES = [
    # ============================================================ stocks: children waiting
    # AC2C at E3: C01 C09 C10 C11 C12 C13 C14 C20 C30 (C02 C03 placed 14 Oct, C04 placed again
    # 18 Nov after its disruption, C07 C16 adopted, C19 reversed, C17 placed).
    c("children_waiting", "AC2C", "Q3", 9),
    # 840 at E3: C01 C09 C10 C30.
    c("children_waiting", "840", "Q3", 4),
    # 394 at E2: C11 C12 C13 C14 C20 (C15 C27 C28 adopted, C16 C17 placed, C19 no order).
    c("children_waiting", "394", "Q2", 5),
    # 942 at E1: C21, C23 (order 15 May; its match of 2 Sep is blank in Q1).
    c("children_waiting", "942", "Q1", 2),
    # 942 at E3: C21; C26 (disrupted 11 Nov >= placed 3 Mar); C29 (order 3 Oct).
    c("children_waiting", "942", "Q3", 3),
    # 942 made no Q2 return: nothing to count (our reading: "x", not a 0), 1 LA uncovered.
    status("children_waiting", "942", "Q2", "x", missing=1),
    # A VAA has no children.
    status("children_waiting", "AMAT", "Q3", "z"),
    # Regions count their LAs' children; all other LAs of the region are uncovered.
    c("children_waiting", NE, "Q3", 9, missing=10),  # AC2C's 9; 12 LAs - 840 - 394
    c("children_waiting", NW, "Q3", 3, missing=23),  # 942's 3; 24 LAs - 942
    # England: Q1 AC2C 11 (C01 C02 C03 C04 C05 C11 C12 C13 C14 C20 C30) + 942 2 = 13;
    # Q2 AC2C 11 (C05 reversed 10 Sep; C09 order 20 Jul joins), 942 not covered; Q3 9 + 3 = 12.
    c("children_waiting", "england", "Q1", 13, missing=150),  # 153 - 3 covered
    c("children_waiting", "england", "Q2", 11, missing=151),  # 153 - 2 covered
    c("children_waiting", "england", "Q3", 12, missing=150),
    # -- breakdowns of AC2C's 9 at E3 (ages at E3: C01 7y, C09 0y, C10 1y, C11 11y, C12 9y,
    #    C13 6y, C14 4y, C20 1y, C30 8y)
    by("children_waiting", "AC2C", "Q3", "age_band", AGE_BANDS,
       {"Under 1": 1, "1-4": 3, "5-9": 4, "10+": 1, "Total": 9}),  # C09 | C10 C14 C20 | C01 C12 C13 C30 | C11
    by("children_waiting", "AC2C", "Q3", "age_year", AGE_YEARS,
       {"0": 1, "1": 2, "4": 1, "6": 1, "7": 1, "8": 1, "9": 1, "11": 1, "Total": 9}),
    # W: C01 C09 C11 C30 (WBRI); Asian: C10 AIND; Black: C12-C14 BAFR; Not known: C20 REFU
    by("children_waiting", "AC2C", "Q3", "ethnic_group", ETHNIC_GROUPS,
       {"White": 4, "Asian": 1, "Black": 3, "Not known": 1, "Total": 9}),
    by("children_waiting", "AC2C", "Q3", "sibling", ("In a sibling group", "Single"),
       {"In a sibling group": 3, "Single": 6, "Total": 9}),  # C12 C13 C14
    by("children_waiting", "AC2C", "Q3", "disability", ("Disabled", "Not disabled"),
       {"Disabled": 1, "Not disabled": 8, "Total": 9}),  # C14
    # Yes: C01 7y, C10 Asian, C11 11y, C12-C14 siblings, C30 8y; No: C09 (0y White), C20 (1y,
    # ethnicity not known does not count as not White)
    by("children_waiting", "AC2C", "Q3", "harder_to_place", ("Yes", "No"),
       {"Yes": 7, "No": 2, "Total": 9}),
    # England at E3 adds 942's C21 (WIRT White, 10y), C26 (WBRI, 5y), C29 (MWBA Mixed, 1y).
    by("children_waiting", "england", "Q3", "ethnic_group", ETHNIC_GROUPS,
       {"White": 6, "Mixed": 1, "Asian": 1, "Black": 3, "Not known": 1, "Total": 12},
       missing=150),
    by("children_waiting", "england", "Q3", "harder_to_place", ("Yes", "No"),
       {"Yes": 10, "No": 2, "Total": 12}, missing=150),  # AC2C 7 + C21 C26 C29
    by("children_waiting", NW, "Q3", "age_band", AGE_BANDS,
       {"1-4": 1, "5-9": 1, "10+": 1, "Total": 3}, missing=23),  # C29 1y, C26 5y, C21 10y
    # ============================================================ children_waiting_adm
    # AC2C E1: the 11 waiting + C09 (decision 15 Apr, FfA placement is not "placed", no order
    # yet) + C19 (decision 30 May) = 13; C08 adopted, C18 reversed 5 May.
    c("children_waiting_adm", "AC2C", "Q1", 13),
    # AC2C E2: the 11 waiting + C10 (decision 10 Aug) + C19 = 13.
    c("children_waiting_adm", "AC2C", "Q2", 13),
    # AC2C E3: the 9 waiting; C19 reversed 20 Nov.
    c("children_waiting_adm", "AC2C", "Q3", 9),
    c("children_waiting_adm", "942", "Q1", 3),  # C21 C23 + C29 (decision 25 Jun)
    c("children_waiting_adm", "942", "Q3", 4),  # C21 C26 C29 + C25 (decision 10 Oct)
    # ============================================================ children_waiting_unmatched
    # E1: all 11 of AC2C's waiting are unmatched (C04's match of 15 Jan came before its
    # disruption of 20 May; C02/C03's match of 20 Aug is blank in Q1).
    c("children_waiting_unmatched", "AC2C", "Q1", 11),
    # E2: 11 waiting - C02, C03 (matched 20 Aug) - C04 (new match 5 Aug after the disruption) = 8
    c("children_waiting_unmatched", "AC2C", "Q2", 8),
    # E3: 9 waiting - C09 (matched 5 Nov) - C20 (matched 16 Dec) = 7
    c("children_waiting_unmatched", "AC2C", "Q3", 7),
    c("children_waiting_unmatched", "942", "Q3", 3),  # C21, C26 (match before disruption), C29
    by("children_waiting_unmatched", "AC2C", "Q2", "disability", ("Disabled", "Not disabled"),
       {"Disabled": 1, "Not disabled": 7, "Total": 8}),  # C14 | C01 C09 C11 C12 C13 C20 C30
    # ============================================================ days waiting (order -> end)
    # E3: C01 747, C09 164, C10 29, C11 543, C12 365, C13 365, C14 365, C20 200, C30 275
    #     sum 3,053 / 9 = 339.22; sorted 29 164 200 275 [365] 365 365 543 747 -> median 365
    c("days_waiting", "AC2C", "Q3", 3053 / 9, 9),
    c("days_waiting", "AC2C", "Q3", 365, 9, stat="median"),
    # E2: C01 655, C02 361, C03 361, C04 669, C09 72, C11 451, C12-C14 273 x3, C20 108, C30 183
    #     sum 3,679 / 11 = 334.45; sorted 72 108 183 273 273 [273] 361 361 451 655 669
    c("days_waiting", "AC2C", "Q2", 3679 / 11, 11),
    c("days_waiting", "AC2C", "Q2", 273, 11, stat="median"),
    # 840 at E3: C01 747, C09 164, C10 29, C30 275: mean 1,215 / 4; median (164 + 275) / 2
    c("days_waiting", "840", "Q3", 1215 / 4, 4),
    c("days_waiting", "840", "Q3", 219.5, 4, stat="median"),
    # England E3: AC2C 3,053 + 942 (C21 813, C26 781, C29 89) 1,683 = 4,736 / 12 = 394.67;
    # sorted 29 89 164 200 275 [365 365] 365 543 747 781 813 -> 365
    c("days_waiting", "england", "Q3", 4736 / 12, 12, missing=150),
    c("days_waiting", "england", "Q3", 365, 12, missing=150, stat="median"),
    # By sibling at E3: group C12-C14 365 each; single C01 747 + C09 164 + C10 29 + C11 543
    # + C20 200 + C30 275 = 1,958 / 6
    by("days_waiting", "AC2C", "Q3", "sibling", ("In a sibling group", "Single"),
       {"In a sibling group": (365, 3), "Single": (1958 / 6, 6), "Total": (3053 / 9, 9)}),
    # ============================================================ children waiting over 6/12/18 months
    # E3 (days above): > 183: C01 C11 C12 C13 C14 C20 C30 = 7 (C12-C14 at 365, C20 200, C30 275)
    c("children_waiting_over_6_months", "AC2C", "Q3", 7),
    # > 365: C01 747, C11 543 = 2 (C12-C14 at exactly 365 are not over)
    c("children_waiting_over_12_months", "AC2C", "Q3", 2),
    # > 548: C01 747 = 1 (C11 543 is not)
    c("children_waiting_over_18_months", "AC2C", "Q3", 1),
    # E2: > 183: C01 C02 C03 C04 C11 C12 C13 C14 = 8 (C30 exactly 183 is not); > 365: C01 655,
    # C04 669, C11 451 = 3 (C02/C03 361 not); > 548: C01, C04 = 2
    c("children_waiting_over_6_months", "AC2C", "Q2", 8),
    c("children_waiting_over_12_months", "AC2C", "Q2", 3),
    c("children_waiting_over_18_months", "AC2C", "Q2", 2),
    # 942 E3: C21 813, C26 781, C29 89 -> 2 / 2 / 2
    c("children_waiting_over_6_months", "942", "Q3", 2),
    c("children_waiting_over_18_months", "942", "Q3", 2),
    by("children_waiting_over_6_months", "AC2C", "Q3", "sibling",
       ("In a sibling group", "Single"), {"In a sibling group": 3, "Single": 4, "Total": 7}),
    # ============================================================ sibling groups waiting
    # E2: 840/S1 (C02 C03) and 394/S1 (C12 C13 C14): the same id in two LAs is two groups.
    c("sibling_groups_waiting", "AC2C", "Q2", 2, 5),
    c("sibling_groups_waiting", "AC2C", "Q1", 2, 5),  # the same two groups at E1
    c("sibling_groups_waiting", "AC2C", "Q3", 1, 3),  # C02 C03 placed: only 394/S1
    c("sibling_groups_waiting", "840", "Q2", 1, 2),  # 840/S1
    c("sibling_groups_waiting", "england", "Q3", 1, 3, missing=150),
    # ============================================================ children_waiting_share
    # before disclosure, AC2C's 9 at E3 by age band: 1, 3, 4, 1 of 9 (shown: metrics/shares.py)
    by("children_waiting_share", "AC2C", "Q3", "age_band", AGE_BANDS,
       {"Under 1": (100 / 9, 9), "1-4": (300 / 9, 9), "5-9": (400 / 9, 9), "10+": (100 / 9, 9),
        "Total": (100.0, 9)}),
    status("children_waiting_share", "AC2C", "Q3", "z"),  # a share needs a breakdown
    # ============================================================ children_waiting_under_5
    # AC2C at E3 (ages above): C09 0y, C10 1y, C14 4y, C20 1y
    c("children_waiting_under_5", "AC2C", "Q3", 4),
    c("children_waiting_under_5", "840", "Q3", 2),  # C09, C10
    # England at E3: AC2C's 4 + 942's C29 1y (C21 10y, C26 5y are not)
    c("children_waiting_under_5", "england", "Q3", 5, missing=150),
    status("children_waiting_under_5", "942", "Q2", "x", missing=1),
    by("children_waiting_under_5", "AC2C", "Q3", "sibling", ("In a sibling group", "Single"),
       {"In a sibling group": 1, "Single": 3, "Total": 4}),  # C14
    by("children_waiting_under_5", "AC2C", "Q3", "disability", ("Disabled", "Not disabled"),
       {"Disabled": 1, "Not disabled": 3, "Total": 4}),  # C14
    # ============================================================ adopters waiting
    # AC2C E1: H01 (approved Feb, match 20 Aug blank), H02 (10 May), H12, H13 = 4 (H08 matched)
    c("adopters_waiting", "AC2C", "Q1", 4),
    # AC2C E2: H02, H03 (22 Aug), H09 (3 Jul), H13 = 4 (H01, H12 matched in Q2)
    c("adopters_waiting", "AC2C", "Q2", 4),
    # AC2C E3: H02, H06 (12 Nov), H07 (1 Oct), H13 = 4 (H03, H09 matched in Q3)
    c("adopters_waiting", "AC2C", "Q3", 4),
    c("adopters_waiting", "942", "Q3", 3),  # K01, K05, K06 (18 Dec); K02 matched
    c("adopters_waiting", "AMAT", "Q2", 2),  # V01, V02 (4 Sep)
    c("adopters_waiting", NE, "Q3", 4, missing=2),  # AC2C's 4; ANE, TEES returned nothing
    c("adopters_waiting", NW, "Q2", 2, missing=9),  # AMAT's 2; 942 and 8 others missing
    c("adopters_waiting", "england", "Q3", 8, missing=47),  # 4 + 3 + AMAT V01; 50 - 3
    status("adopters_waiting", "840", "Q3", "z"),  # an LA inside an RAA has no households
    # By places approved for at E3: H02 1, H06 2, H07 1, H13 3; England adds 942's K01 2, K05 2,
    # K06 1 and AMAT's V01 1
    by("adopters_waiting", "AC2C", "Q3", "approved_places", APPROVED_PLACES,
       {"1 child": 2, "2 children": 1, "3 children": 1, "Total": 4}),
    by("adopters_waiting", "england", "Q3", "approved_places", APPROVED_PLACES,
       {"1 child": 4, "2 children": 3, "3 children": 1, "Total": 8}, missing=47),
    # ============================================================ adopters per child
    c("adopters_per_child", "AC2C", "Q3", 4 / 9, 9),
    c("adopters_per_child", "AC2C", "Q2", 4 / 11, 11),
    c("adopters_per_child", "942", "Q3", 3 / 3, 3),
    # NW at E3: households 942 3 + AMAT 1 = 4; children 942's 3. missing: household agencies
    # (the registry reads this measure from the adopters table): 10 - 942 - AMAT = 8
    c("adopters_per_child", NW, "Q3", 4 / 3, 3, missing=8),
    c("adopters_per_child", "england", "Q3", 8 / 12, 12, missing=47),
    status("adopters_per_child", "840", "Q3", "z"),
    status("adopters_per_child", "AMAT", "Q3", "z"),  # a VAA has no children waiting
    # ============================================================ adopter days waiting (approval -> end)
    # AC2C E3: H02 235, H06 49, H07 91, H13 396: 771 / 4 = 192.75; median (91 + 235) / 2 = 163
    c("adopter_days_waiting", "AC2C", "Q3", 771 / 4, 4),
    c("adopter_days_waiting", "AC2C", "Q3", 163, 4, stat="median"),
    # AC2C E2: H02 143, H03 39, H09 89, H13 304: 575 / 4
    c("adopter_days_waiting", "AC2C", "Q2", 575 / 4, 4),
    # 942 E3: K01 194, K05 711, K06 13: 918 / 3 = 306; median 194
    c("adopter_days_waiting", "942", "Q3", 306, 3),
    c("adopter_days_waiting", "942", "Q3", 194, 3, stat="median"),
    # England E3: 771 + 918 + AMAT V01 207 = 1,896 / 8 = 237;
    # sorted 13 49 91 [194 207] 235 396 711 -> 200.5
    c("adopter_days_waiting", "england", "Q3", 237, 8, missing=47),
    c("adopter_days_waiting", "england", "Q3", 200.5, 8, missing=47, stat="median"),
    status("adopter_days_waiting", "840", "Q3", "z"),
    # over 3 months (> 91): E3 H02 235, H13 396 = 2 (H07 exactly 91 is not); E2 H02 143, H13 304
    c("adopters_waiting_over_3_months", "AC2C", "Q3", 2),
    c("adopters_waiting_over_3_months", "AC2C", "Q2", 2),
    c("adopters_waiting_over_3_months", "AMAT", "Q2", 1),  # V01 115 (V02 26)
    c("adopters_waiting_over_3_months", "942", "Q3", 2),  # K01 194, K05 711
    # over 6 months (> 183): E2 H13 304 only = 1; E3 H02 235, H13 396 = 2
    c("adopters_waiting_over_6_months", "AC2C", "Q2", 1),
    c("adopters_waiting_over_6_months", "AC2C", "Q3", 2),
    c("adopters_waiting_over_6_months", "AMAT", "Q2", 0),
    c("adopters_waiting_over_6_months", "england", "Q3", 5, missing=47),  # H02 H13 K01 K05 V01
    # ============================================================ child flows
    # adm decisions: Q1 C09 (15 Apr), C19 (30 May); Q2 C10 (10 Aug); Q3 none in AC2C.
    c("adm_decisions", "AC2C", "Q1", 2),
    c("adm_decisions", "AC2C", "Q3", 3, missing=2, w=4),  # 2023-24 Q4 uncovered for 840, 394
    c("adm_decisions", "942", "Q3", 1),  # C25 10 Oct
    c("adm_decisions", "942", "Q3", 2, missing=2, w=4),  # C29 (Q1) + C25; 2023-24 Q4 and Q2 missing
    c("adm_decisions", "england", "Q3", 5, missing=604, w=4),  # 3 + 2; 153 x 4 - 8
    # placement orders: Q1 C20 (14 Jun), Q2 C09 (20 Jul), Q3 C10 (2 Dec). The orders of 1 Jan
    # 2024 (C12-C14) and 31 Mar 2024 (C30) fell in 2023-24 Q4, which nobody returned.
    c("placement_orders", "AC2C", "Q3", 1),
    c("placement_orders", "AC2C", "Q3", 3, missing=2, w=4),
    c("placement_orders", "942", "Q3", 2, missing=2, w=4),  # C23 (15 May), C29 (3 Oct)
    c("placement_orders", "england", "Q3", 5, missing=604, w=4),
    # matches: Q1 C17 (22 Apr); Q2 C02, C03 (20 Aug), C04 (new match 5 Aug); Q3 C09, C20.
    c("matches", "AC2C", "Q2", 3),
    c("matches", "AC2C", "Q3", 6, missing=2, w=4),
    # 942: C24 (10 Apr); C23's match of 2 Sep fell in the missing Q2 and is not recovered.
    c("matches", "942", "Q3", 1, missing=2, w=4),
    # ages at the end of the quarter of the return: C17 2y (E1), C02 5y, C03 2y, C04 4y (E2),
    # C09 0y, C20 1y (E3)
    by("matches", "AC2C", "Q3", "age_band", AGE_BANDS,
       {"Under 1": 1, "1-4": 4, "5-9": 1, "Total": 6}, missing=2, w=4),
    # placements: Q1 C17 (3 Jun); Q3 C02, C03 (14 Oct), C04 (placed again 18 Nov). C04's first
    # placement (4 Mar 2024) is in no window quarter.
    c("placements", "AC2C", "Q3", 4, missing=2, w=4),
    c("placements", "942", "Q3", 1),  # C23 21 Oct
    c("placements", "england", "Q3", 6, missing=604, w=4),  # 4 + 942's C24 (20 May), C23
    # ages at placed_date: C17 1y (born 6 Jun 2022, placed 3 Jun 2024), C02 5y, C03 2y, C04 4y
    by("placements", "AC2C", "Q3", "age_year", AGE_YEARS,
       {"1": 1, "2": 1, "4": 1, "5": 1, "Total": 4}, missing=2, w=4),
    by("placements", "AC2C", "Q3", "age_band", AGE_BANDS,
       {"1-4": 3, "5-9": 1, "Total": 4}, missing=2, w=4),
    # adoption orders: Q1 C06 (15 May), C08 (12 Jun); Q2 C15 (8 Aug), C27, C28 (30 Jul);
    # Q3 C07 (20 Oct), C16 (9 Dec). 942: C24 (29 Nov); C22 (15 Aug, Q2) lost.
    c("adoption_orders", "AC2C", "Q2", 3),
    c("adoption_orders", "AC2C", "Q3", 7, missing=2, w=4),
    c("adoption_orders", "840", "Q3", 3, missing=1, w=4),  # C06 C08 C07
    c("adoption_orders", "394", "Q3", 4, missing=1, w=4),  # C15 C27 C28 C16
    c("adoption_orders", "942", "Q3", 1, missing=2, w=4),
    c("adoption_orders", "england", "Q3", 8, missing=604, w=4),
    c("adoption_orders", NE, "Q3", 7, missing=42, w=4),  # 12 x 4 - 6 covered pairs
    # Yes: C27 (5y at E2, siblings), C28 (siblings), C16 (MOTH Mixed); No: C06 2y, C08 1y
    # (WIRI), C15 3y (WOTH), C07 4y (all White, single, not disabled)
    by("adoption_orders", "AC2C", "Q3", "harder_to_place", ("Yes", "No"),
       {"Yes": 3, "No": 4, "Total": 7}, missing=2, w=4),
    by("adoption_orders", "AC2C", "Q3", "ethnic_group", ETHNIC_GROUPS,
       {"White": 6, "Mixed": 1, "Total": 7}, missing=2, w=4),
    by("adoption_orders", "AC2C", "Q3", "sibling", ("In a sibling group", "Single"),
       {"In a sibling group": 2, "Single": 5, "Total": 7}, missing=2, w=4),
    # FfA / concurrent planning: C09 (2 May), C25 (20 Oct)
    c("ffa_cp_placements", "AC2C", "Q3", 1, missing=2, w=4),
    c("ffa_cp_placements", "942", "Q3", 1),
    c("ffa_cp_placements", "england", "Q3", 2, missing=604, w=4),
    # disruptions: C04 (20 May, Q1), C26 (11 Nov, Q3). C04's Q2 row still shows 20 May: not a
    # Q2 event.
    c("disruptions", "AC2C", "Q2", 0),
    c("disruptions", "AC2C", "Q3", 1, missing=2, w=4),
    c("disruptions", "942", "Q3", 1),
    c("disruptions", "england", "Q3", 2, missing=604, w=4),
    # reversals: C18 (5 May, RD1), C05 (10 Sep, RD3), C19 (20 Nov, RD2)
    c("decisions_reversed", "394", "Q1", 1),
    c("decisions_reversed", "AC2C", "Q3", 3, missing=2, w=4),
    by("decisions_reversed", "AC2C", "Q3", "reason", ("RD1", "RD2", "RD3", "RD4"),
       {"RD1": 1, "RD2": 1, "RD3": 1, "Total": 3}, missing=2, w=4),
    # C18 5y at E1 (CHNE Other), C05 8y at E2 (BCRB Black), C19 3y at E3 (WBRI)
    by("decisions_reversed", "AC2C", "Q3", "ethnic_group", ETHNIC_GROUPS,
       {"White": 1, "Black": 1, "Other": 1, "Total": 3}, missing=2, w=4),
    status("adoption_orders", "AMAT", "Q3", "z", w=4),
    # ============================================================ adopter flows
    # AC2C enquiries: Q1 H03 (3 Apr), H04 (20 Apr), H06 (25 Apr); Q2 H11 (30 Aug); Q3 H10
    # (2 Oct) = 5; 2023-24 Q4 missing for AC2C
    c("enquiries", "AC2C", "Q3", 5, missing=1, w=4),
    c("enquiries", "942", "Q3", 1, missing=2, w=4),  # K03 (5 May); K06's 9 Sep in the missing Q2
    c("enquiries", "AMAT", "Q3", 1, missing=1, w=4),  # V03 (11 Nov)
    c("enquiries", "england", "Q2", 1, missing=48),  # H11; 50 - AC2C - AMAT
    status("enquiries", "840", "Q3", "z"),
    # stage 1 starts: Q1 H04 (1 May), H06 (13 May); Q3 H11 (7 Oct)
    c("stage1_starts", "AC2C", "Q3", 1),
    c("stage1_starts", "AC2C", "Q3", 3, missing=1, w=4),
    # stage 2 starts: Q1 H03 (15 Apr), H05 (20 Apr), H09 (2 Apr); Q2 H06 (22 Jul); AMAT Q1 V02
    # (6 May); 942's K06 (16 Sep) in the missing Q2
    c("stage2_starts", "AC2C", "Q3", 4, missing=1, w=4),
    c("stage2_starts", "AMAT", "Q3", 1, missing=1, w=4),
    c("stage2_starts", "england", "Q3", 5, missing=192, w=4),  # 50 x 4 - 8 returns
    # approvals: AC2C Q1 H02; Q2 H03, H09; Q3 H06, H07 = 5; 942 K01 (Q1), K06 (Q3); AMAT V01
    # (Q1), V02 (Q2)
    c("approvals", "AC2C", "Q3", 2),
    c("approvals", "AC2C", "Q3", 5, missing=1, w=4),
    c("approvals", "942", "Q3", 1),
    c("approvals", "england", "Q3", 9, missing=192, w=4),
    # by places approved for: H06 2, H07 1 in Q3; over the year H02 H03 H09 1 each too; England
    # adds K01 2, K06 1, V01 1, V02 2
    by("approvals", "AC2C", "Q3", "approved_places", APPROVED_PLACES,
       {"1 child": 1, "2 children": 1, "Total": 2}),
    by("approvals", "AC2C", "Q3", "approved_places", APPROVED_PLACES,
       {"1 child": 4, "2 children": 1, "Total": 5}, missing=1, w=4),
    by("approvals", "england", "Q3", "approved_places", APPROVED_PLACES,
       {"1 child": 6, "2 children": 3, "Total": 9}, missing=192, w=4),
    # adopter matches: AC2C Q1 H08; Q2 H01, H12; Q3 H03, H09 = 5; 942 K04 (Q1; K02 in Q2 lost);
    # AMAT V02 (Q3)
    c("adopter_matches", "AC2C", "Q3", 5, missing=1, w=4),
    c("adopter_matches", "942", "Q3", 1, missing=2, w=4),
    c("adopter_matches", "AMAT", "Q3", 1),
    c("adopter_matches", "england", "Q3", 7, missing=192, w=4),
    # households left: AC2C Q2 H04 WITHDREW; Q3 H05 NOT_APPROVED, H10 OTHER, H08 ADOPTED;
    # 942 Q3 K04 ADOPTED (K03's WITHDREW in Q2 lost); AMAT Q1 V04 OTHER
    c("households_left", "AC2C", "Q3", 3),
    by("households_left", "AC2C", "Q3", "reason", ("WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER"),
       {"WITHDREW": 1, "NOT_APPROVED": 1, "ADOPTED": 1, "OTHER": 1, "Total": 4},
       missing=1, w=4),
    by("households_left", NW, "Q3", "reason", ("WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER"),
       {"ADOPTED": 1, "OTHER": 1, "Total": 2}, missing=35, w=4),  # 10 x 4 - 5 returns
    by("households_left", "england", "Q3", "reason", ("WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER"),
       {"WITHDREW": 1, "NOT_APPROVED": 1, "ADOPTED": 2, "OTHER": 2, "Total": 6},
       missing=192, w=4),
    # -- who the households are, through the funnel (the first applicant's ethnic group, the
    #    household, fostering for adoption; a blank ethnicity is "Not known", a blank FfA flag
    #    "Not recorded")
    # AC2C enquiries w4: H03 MWBC Mixed, H04 blank, H06 AIND Asian, H11 WBRI, H10 blank
    by("enquiries", "AC2C", "Q3", "adopter_ethnic_group", ETHNIC_GROUPS,
       {"White": 1, "Mixed": 1, "Asian": 1, "Not known": 2, "Total": 5}, missing=1, w=4),
    # the same five: H03 Y, H06 N, H04 H11 H10 blank
    by("enquiries", "AC2C", "Q3", "fostering_for_adoption", FFA,
       {"Fostering for adoption": 1, "Not fostering for adoption": 1, "Not recorded": 3,
        "Total": 5}, missing=1, w=4),
    # AC2C approvals w4: H02 FF N, H03 MF Y, H09 FF N, H06 MF N, H07 M1 N
    by("approvals", "AC2C", "Q3", "household", HOUSEHOLDS,
       {"MF": 2, "FF": 2, "M1": 1, "Total": 5}, missing=1, w=4),
    by("approvals", "AC2C", "Q3", "fostering_for_adoption", FFA,
       {"Fostering for adoption": 1, "Not fostering for adoption": 4, "Total": 5},
       missing=1, w=4),
    # England approvals w4 add K01 MF, K06 MF, V01 MF, V02 FF
    by("approvals", "england", "Q3", "household", HOUSEHOLDS,
       {"MF": 5, "FF": 3, "M1": 1, "Total": 9}, missing=192, w=4),
    # England adopter matches w4: H08 H01 H12 WBRI, H03 MWBC, H09 BAFR, K04 WIRI, V02 ABAN
    by("adopter_matches", "england", "Q3", "adopter_ethnic_group", ETHNIC_GROUPS,
       {"White": 4, "Mixed": 1, "Asian": 1, "Black": 1, "Total": 7}, missing=192, w=4),
    # AC2C waiting at E3: H02 FF, H06 MF, H07 M1, H13 MM, all N
    by("adopters_waiting", "AC2C", "Q3", "household", HOUSEHOLDS,
       {"MF": 1, "FF": 1, "MM": 1, "M1": 1, "Total": 4}),
    by("adopters_waiting", "AC2C", "Q3", "fostering_for_adoption", FFA,
       {"Not fostering for adoption": 4, "Total": 4}),
    # waiting over 3 months at E3 (H02 235, H13 396): both N
    by("adopters_waiting_over_3_months", "AC2C", "Q3", "fostering_for_adoption", FFA,
       {"Not fostering for adoption": 2, "Total": 2}),
    # over 6 months in England at E3: H02 1, H13 3, K01 2, K05 2, V01 1
    by("adopters_waiting_over_6_months", "england", "Q3", "approved_places", APPROVED_PLACES,
       {"1 child": 2, "2 children": 2, "3 children": 1, "Total": 5}, missing=47),
    # ============================================================ special guardianship
    # AC2C Q1: G01 (840, LA Y, E45, 5y), G02 (394, N, E47, 0y), G04 (394, Y, E47, 7y)
    c("sgos", "AC2C", "Q1", 3),
    by("sgos", "AC2C", "Q1", "guardian", ("E45", "E46", "E47", "E48"),
       {"E45": 1, "E47": 2, "Total": 3}),
    by("sgos", "AC2C", "Q1", "looked_after", ("Looked after", "Not looked after"),
       {"Looked after": 2, "Not looked after": 1, "Total": 3}),
    # w4 adds G03 (Q2, 11y at E2, E46) and G05 (Q3, 3y at E3, E48); G04's Q3 row is its end,
    # not a second order.
    by("sgos", "AC2C", "Q3", "age_band", AGE_BANDS,
       {"Under 1": 1, "1-4": 1, "5-9": 2, "10+": 1, "Total": 5}, missing=2, w=4),
    by("sgos", "AC2C", "Q3", "guardian", ("E45", "E46", "E47", "E48"),
       {"E45": 1, "E46": 1, "E47": 2, "E48": 1, "Total": 5}, missing=2, w=4),
    # crossed: G01 E45 5y, G02 E47 0y, G03 E46 11y, G04 E47 7y, G05 E48 3y
    by("sgos", "AC2C", "Q3", "guardian_age_band", GUARDIAN_AGE_BANDS,
       {"E45 · 5-9": 1, "E46 · 10+": 1, "E47 · Under 1": 1, "E47 · 5-9": 1, "E48 · 1-4": 1,
        "Total": 5}, missing=2, w=4),
    c("sgos", "942", "Q3", 2, missing=2, w=4),  # G06 (Q1), G08 (Q3); G07 in the missing Q2
    c("sgos", NW, "Q3", 1, missing=23),  # G08; G09 only ended in Q3
    status("sgos", "AMAT", "Q3", "z"),
    # breakdowns: G04 ended 12 Nov (BREAKDOWN); G09 ended at 18 (AGE_18) is not one
    c("sgo_breakdowns", "AC2C", "Q3", 1),
    c("sgo_breakdowns", "942", "Q3", 0),
    c("sgo_breakdowns", "england", "Q3", 1, missing=604, w=4),
    # share: SGOs with looked_after Y / (those + adoption orders)
    # AC2C Q1: G01, G04 = 2; orders C06, C08 = 2 -> 2 / 4
    c("sgo_share", "AC2C", "Q1", 50.0, 4),
    # AC2C w4: G01 G03 G04 G05 = 4; orders 7 -> 100 x 4 / 11
    c("sgo_share", "AC2C", "Q3", 400 / 11, 11, missing=2, w=4),
    # 394 w4: G04, G05 (G02 not looked after) = 2; orders C15 C27 C28 C16 = 4 -> 100 x 2 / 6
    c("sgo_share", "394", "Q3", 200 / 6, 6, missing=1, w=4),
    # 942 w4: G06 (G08 not looked after) = 1; order C24 = 1 -> 1 / 2
    c("sgo_share", "942", "Q3", 50.0, 2, missing=2, w=4),
    # England w4: (4 + 1) / (5 + 8) = 5 / 13
    c("sgo_share", "england", "Q3", 500 / 13, 13, missing=604, w=4),
    # ============================================================ support fund
    # AC2C: Q1 5 + 3, Q2 4 + 2, Q3 6 + 4; 942: Q1 2 + 1, Q3 3 + 0; AMAT: Q1 1 + 0, Q2 2 + 0,
    # Q3 1 + 1 (adoption + special guardianship)
    c("asf_applications", "AC2C", "Q3", 10),
    by("asf_applications", "AC2C", "Q3", "applicant", ("Adoption", "Special guardianship"),
       {"Adoption": 6, "Special guardianship": 4, "Total": 10}),
    c("asf_applications", "AC2C", "Q3", 24, missing=1, w=4),  # 8 + 6 + 10
    by("asf_applications", "942", "Q3", "applicant", ("Adoption", "Special guardianship"),
       {"Adoption": 5, "Special guardianship": 1, "Total": 6}, missing=2, w=4),
    # NW w4: 942 (2 + 3 adoption, 1 sg) + AMAT (1 + 2 + 1 adoption, 1 sg)
    by("asf_applications", NW, "Q3", "applicant", ("Adoption", "Special guardianship"),
       {"Adoption": 9, "Special guardianship": 2, "Total": 11}, missing=35, w=4),
    c("asf_applications", "AMAT", "Q2", 2),
    status("asf_applications", "840", "Q3", "z"),
    # share SG: AC2C w4 (3 + 2 + 4) / 24 = 9 / 24; England Q3 (4 + 0 + 1) / (10 + 3 + 2) = 5 / 15
    c("asf_share_sg", "AC2C", "Q3", 37.5, 24, missing=1, w=4),
    c("asf_share_sg", "england", "Q3", 100 / 3, 15, missing=47),
    # ---- money approved (SUPPORT_AMOUNTS; AC2C's Q2 and AMAT's Q3 returns leave both amounts
    # blank: those rows count in neither the pounds nor their applications)
    # AC2C Q3: £6,000 (6 applications) + £4,000 (4)
    c("asf_amount", "AC2C", "Q3", 10000.0, 10),
    by("asf_amount", "AC2C", "Q3", "applicant", ("Adoption", "Special guardianship"),
       {"Adoption": (6000.0, 6), "Special guardianship": (4000.0, 4), "Total": (10000.0, 10)}),
    # AC2C w4: Q1 £5,000 + £2,400.50 (5 + 3) + Q3 £10,000 (10); Q2 blank
    c("asf_amount", "AC2C", "Q3", 17400.5, 18, missing=1, w=4),
    status("asf_amount", "AC2C", "Q2", "x"),  # blank amounts: not available, never £0
    status("asf_amount", "AMAT", "Q3", "x"),
    # 942 w4: Q1 £1,000 (2) and £500 (1); Q3 £1,500 (3) and £0 (0)
    by("asf_amount", "942", "Q3", "applicant", ("Adoption", "Special guardianship"),
       {"Adoption": (2500.0, 5), "Special guardianship": (500.0, 1), "Total": (3000.0, 6)},
       missing=2, w=4),
    # NW w4: 942 £3,000 (6) + AMAT Q1 £700 (1 + 0) and Q2 £1,200 (2 + 0); AMAT's Q3 blank
    c("asf_amount", NW, "Q3", 4900.0, 9, missing=35, w=4),
    status("asf_amount", "840", "Q3", "z"),
    # special guardians' share of the pounds: AC2C Q3 £4,000 / £10,000
    c("asf_amount_share_sg", "AC2C", "Q3", 40.0, 10),
    # AC2C w4: (£2,400.50 + £4,000) / £17,400.50
    c("asf_amount_share_sg", "AC2C", "Q3", 100 * 6400.5 / 17400.5, 18, missing=1, w=4),
    c("asf_amount_share_sg", "942", "Q3", 0.0, 3),  # £0 of £1,500
    status("asf_amount_share_sg", "AC2C", "Q2", "x"),
    # England w4: AC2C £17,400.50 (sg £6,400.50) + 942 £3,000 (£500) + AMAT £1,900 (£0)
    c("asf_amount_share_sg", "england", "Q3", 100 * 6900.5 / 22300.5, 27, missing=192, w=4),
    # ============================================================ timeliness of children adopted
    # AC2C w4 (adopted: C06 C08 C15 C27 C28 C07 C16), days:
    #        care->placed  A10   order->match  care->adm  adm->order  match->placed  placed->AO
    #  C06        668       28*      295          244         99           30           166
    #  C08        243      243      (no order)     83          -            54           156
    #  C15        523      523       219          190         83           31           303
    #  C27        803      803       420          201        126           56           169
    #  C28        704      704       420          102        126           56           169
    #  C07        426      426         0**        231        134          106           432
    #  C16        588      588       294          168         91           35           273
    #  * foster carers: 1 Feb 2022 -> with the carers 1 Mar 2022. ** matched 45 days before the
    #  order.
    # A1: 3,955 / 7 = 565; sorted 243 426 523 [588] 668 704 803
    c("a1_care_to_placed", "AC2C", "Q3", 565.0, 7, missing=2, w=4),
    c("a1_care_to_placed", "AC2C", "Q3", 588, 7, missing=2, w=4, stat="median"),
    c("a1_care_to_placed", "AC2C", "Q3", 507.0, 2),  # Q3 only: (426 + 588) / 2
    c("a1_care_to_placed", "AC2C", "Q1", 455.5, 2),  # (668 + 243) / 2
    c("a1_care_to_placed", "942", "Q3", 921, 1, missing=2, w=4),  # C24 only (C22 lost)
    # England w4: 3,955 + C24 921 = 4,876 / 8; sorted ... 588 668 ... -> (588 + 668) / 2
    c("a1_care_to_placed", "england", "Q3", 609.5, 8, missing=604, w=4),
    c("a1_care_to_placed", "england", "Q3", 628.0, 8, missing=604, w=4, stat="median"),
    # siblings C27 803 + C28 704 = 1,507 / 2; single 668 + 243 + 523 + 426 + 588 = 2,448 / 5
    by("a1_care_to_placed", "AC2C", "Q3", "sibling", ("In a sibling group", "Single"),
       {"In a sibling group": (753.5, 2), "Single": (489.6, 5), "Total": (565.0, 7)},
       missing=2, w=4),
    status("a1_care_to_placed", "AMAT", "Q3", "z", w=4),
    # A10: 3,955 - 668 + 28 = 3,315 / 7; sorted 28 243 426 [523] 588 704 803
    c("a10_care_to_placed_adjusted", "AC2C", "Q3", 3315 / 7, 7, missing=2, w=4),
    c("a10_care_to_placed_adjusted", "AC2C", "Q3", 523, 7, missing=2, w=4, stat="median"),
    c("a10_care_to_placed_adjusted", "AC2C", "Q1", 135.5, 2),  # (28 + 243) / 2
    # A2: rows with an order: 295 + 219 + 420 + 420 + 0 + 294 = 1,648 / 6; sorted 0 219 [294 295]
    # 420 420
    c("a2_order_to_match", "AC2C", "Q3", 1648 / 6, 6, missing=2, w=4),
    c("a2_order_to_match", "AC2C", "Q3", 294.5, 6, missing=2, w=4, stat="median"),
    c("a2_order_to_match", "AC2C", "Q3", 147.0, 2),  # Q3: C07 0, C16 294
    c("a2_order_to_match", "AC2C", "Q1", 295, 1),  # Q1: C06 only (C08 has no order)
    c("stage_order_to_match", "AC2C", "Q3", 1648 / 6, 6, missing=2, w=4),
    # A3 = % of the A10 cohort with A10 <= 426: C06 28, C08 243, C07 426 -> 3 / 7
    c("a3_within_14_months", "AC2C", "Q3", 300 / 7, 7, missing=2, w=4),
    c("a3_within_14_months", "AC2C", "Q3", 50.0, 2),  # C07 426 yes, C16 588 no
    c("a3_within_14_months", "942", "Q3", 0.0, 1),  # C24 921
    c("a3_within_14_months", "england", "Q3", 37.5, 8, missing=604, w=4),  # 3 / 8
    by("a3_within_14_months", "AC2C", "Q3", "sibling", ("In a sibling group", "Single"),
       {"In a sibling group": (0.0, 2), "Single": (60.0, 5), "Total": (300 / 7, 7)},
       missing=2, w=4),  # single: C06 C08 C07 of C06 C08 C15 C07 C16
    # stages
    c("stage_care_to_adm", "AC2C", "Q3", 1219 / 7, 7, missing=2, w=4),  # 244+83+190+201+102+231+168
    c("stage_adm_to_order", "AC2C", "Q3", 659 / 6, 6, missing=2, w=4),  # 99+83+126+126+134+91
    c("stage_match_to_placed", "AC2C", "Q3", 368 / 7, 7, missing=2, w=4),  # 30+54+31+56+56+106+35
    c("stage_placed_to_adopted", "AC2C", "Q3", 1668 / 7, 7, missing=2, w=4),  # 166+156+303+169+169+432+273
    c("stage_placed_to_adopted", "AC2C", "Q3", 169, 7, missing=2, w=4, stat="median"),  # 156 166 169 [169] 273 303 432
    # ============================================================ adopters' timeliness
    # stage 1 ended in w4 (AC2C): H05 64 (1 Feb -> 5 Apr, Q1), H06 60 (13 May -> 12 Jul, Q2)
    c("adopter_stage1_days", "AC2C", "Q3", 62.0, 2, missing=1, w=4),
    c("adopter_stage1_days", "AMAT", "Q1", 60, 1),  # V02 26 Feb -> 26 Apr
    # NW w4: only V02 (942's K01 stage 1 ended 9 Feb 2024, in the unreturned 2023-24 Q4)
    c("adopter_stage1_days", NW, "Q3", 60, 1, missing=35, w=4),
    # stage 2 ended (AC2C w4): H02 106, H09 80 (Q1); H03 107, H07 196 (Q2); H06 95 (Q3)
    # = 584 / 5; sorted 80 95 [106] 107 196
    c("adopter_stage2_days", "AC2C", "Q3", 584 / 5, 5, missing=1, w=4),
    c("adopter_stage2_days", "AC2C", "Q3", 106, 5, missing=1, w=4, stat="median"),
    # NW w4: K01 102 (Q1), K06 77 (Q3), V01 67 (Q1), V02 102 (Q2) = 348 / 4; median (77+102)/2
    c("adopter_stage2_days", NW, "Q3", 87.0, 4, missing=35, w=4),
    c("adopter_stage2_days", NW, "Q3", 89.5, 4, missing=35, w=4, stat="median"),
    status("adopter_stage2_days", "840", "Q3", "z", w=4),
    # enquiry -> approval (AC2C w4): H02 221, H03 141, H09 163, H06 201, H07 396 = 1,122 / 5;
    # sorted 141 163 [201] 221 396
    c("adopter_enquiry_to_approval", "AC2C", "Q3", 1122 / 5, 5, missing=1, w=4),
    c("adopter_enquiry_to_approval", "AC2C", "Q3", 201, 5, missing=1, w=4, stat="median"),
    # England w4: 1,122 + K01 213 + K06 100 + V01 189 + V02 205 = 1,829 / 9
    c("adopter_enquiry_to_approval", "england", "Q3", 1829 / 9, 9, missing=192, w=4),
    # approved within 183 days of stage 1 start (fast track left out):
    # AC2C w4: H02 186 no, H09 149 yes, H06 183 yes, H07 365 no (H03 fast track) -> 2 / 4
    c("adopter_approved_within_6_months", "AC2C", "Q3", 50.0, 4, missing=1, w=4),
    c("adopter_approved_within_6_months", "AC2C", "Q2", 100.0, 1),  # H09 (H03 fast track)
    # England w4: + K01 199 no (K06 fast track), V01 151 yes, V02 191 no -> 3 / 7
    c("adopter_approved_within_6_months", "england", "Q3", 300 / 7, 7, missing=192, w=4),
    # approval -> match (AC2C w4): H08 321 (Q1), H01 187, H12 361 (Q2), H03 75, H09 166 (Q3)
    # = 1,110 / 5; sorted 75 166 [187] 321 361
    c("adopter_approval_to_match", "AC2C", "Q3", 222.0, 5, missing=1, w=4),
    c("adopter_approval_to_match", "AC2C", "Q3", 187, 5, missing=1, w=4, stat="median"),
    # England w4: 1,110 + K04 132 + V02 91 = 1,333 / 7
    c("adopter_approval_to_match", "england", "Q3", 1333 / 7, 7, missing=192, w=4),
    # within 91: H03 75 -> 1 / 5; within 183: H03, H09 166 -> 2 / 5 (H01 187 is not)
    c("adopter_matched_within_3_months", "AC2C", "Q3", 20.0, 5, missing=1, w=4),
    c("adopter_matched_within_6_months", "AC2C", "Q3", 40.0, 5, missing=1, w=4),
    c("adopter_matched_within_3_months", "AMAT", "Q3", 100.0, 1),  # V02 exactly 91
    # England w4: within 91: H03 75, V02 91 -> 2 / 7; within 183: + H09 166, K04 132 -> 4 / 7
    c("adopter_matched_within_3_months", "england", "Q3", 200 / 7, 7, missing=192, w=4),
    c("adopter_matched_within_6_months", "england", "Q3", 400 / 7, 7, missing=192, w=4),
    # ============================================================ returns received
    # value = expected submitters with a return, cohort = expected, missing = the rest
    c("returns_received", "AC2C", "Q3", 1, 1, 0),
    c("returns_received", "840", "Q2", 1, 1, 0),  # covered by AC2C
    c("returns_received", "942", "Q2", 0, 1, 1),
    c("returns_received", "AMAT", "Q2", 1, 1, 0),
    c("returns_received", NE, "Q3", 1, 3, 2),  # AC2C of AC2C, ANE, TEES
    # NW: children's submitters ACO ALB ANOW AIM TFA 942 943 + households (those + AMAT CARI
    # FIF) = 10; Q2: only AMAT
    c("returns_received", NW, "Q2", 1, 10, 9),
    c("returns_received", NW, "Q3", 2, 10, 8),
    c("returns_received", "england", "Q3", 3, 50, 47),  # 32 RAAs + 12 VAAs + 6 lone LAs
    c("returns_received", "england", "Q2", 2, 50, 48),
    # ============================================================ completeness (AC2C, Q3 return)
    # children rows (16): C01 C02 C03 C04 C07 C09 C10 C11 C12 C13 C14 C16 C17 C19 C20 C30
    #   sibling_group_id C02 C03 C12 C13 C14 = 5; ffa C09 = 1; order all but C19 = 15;
    #   matched C02 C03 C04 C07 C09 C16 C17 C20 = 8; placed C02 C03 C04 C07 C16 C17 = 6;
    #   placed_with_carer 0; adoption order C07 C16 = 2; disruption C04 = 1; reversal C19 = 1
    # adopters rows (12): H01 H02 H03 H05 H06 H07 H08 H09 H10 H11 H12 H13
    #   ethnicity all but H10 = 11; FfA flag all but H10 H11 = 10; stage 1 start all but H03
    #   H10 = 10; stage 1 end H01 H02 H05 H06 H07 H08 H09 H12 H13 = 9; stage 2 start those + H03
    #   - ... = H01 H02 H03 H05 H06 H07 H08 H09 H12 H13 = 10; stage 2 end / approval / places
    #   H01 H02 H03 H06 H07 H08 H09 H12 H13 = 9; matched H01 H03 H08 H09 H12 = 5; placed H01
    #   H08 H12 = 3; left (and reason) H05 H08 H10 = 3
    # special guardianship rows (2): G04 (plan Y, allowance Y, ended BREAKDOWN), G05 (N, N)
    by("completeness", "AC2C", "Q3", "column", COMPLETENESS_COLUMNS, {
        "children.sibling_group_id": (100 * 5 / 16, 16),
        "children.ffa_cp_placed_date": (100 * 1 / 16, 16),
        "children.placement_order_date": (100 * 15 / 16, 16),
        "children.matched_date": (100 * 8 / 16, 16),
        "children.placed_date": (100 * 6 / 16, 16),
        "children.placed_with_carer_date": (0.0, 16),
        "children.adoption_order_date": (100 * 2 / 16, 16),
        "children.disruption_date": (100 * 1 / 16, 16),
        "children.decision_reversed_date": (100 * 1 / 16, 16),
        "children.decision_reversed_reason": (100 * 1 / 16, 16),
        "adopters.ethnicity": (100 * 11 / 12, 12),
        "adopters.fostering_for_adoption": (100 * 10 / 12, 12),
        "adopters.stage1_start_date": (100 * 10 / 12, 12),
        "adopters.stage1_end_date": (100 * 9 / 12, 12),
        "adopters.stage2_start_date": (100 * 10 / 12, 12),
        "adopters.stage2_end_date": (100 * 9 / 12, 12),
        "adopters.approval_date": (100 * 9 / 12, 12),
        "adopters.approved_places": (100 * 9 / 12, 12),
        "adopters.matched_date": (100 * 5 / 12, 12),
        "adopters.placed_date": (100 * 3 / 12, 12),
        "adopters.left_date": (100 * 3 / 12, 12),
        "adopters.left_reason": (100 * 3 / 12, 12),
        "special_guardianship.support_plan": (100.0, 2),
        "special_guardianship.allowance": (100.0, 2),
        "special_guardianship.ended_date": (50.0, 2),
        "special_guardianship.ended_reason": (50.0, 2),
    }),
]  # fmt: skip


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def measured(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The dataset loaded once per backend: (MeasureData, Geography)."""
    folder = tmp_path_factory.mktemp(f"measures-{request.param}")
    with fresh_database(request, folder, request.param, "measures") as url:
        sessions = sessionmaker(engine_for(url), expire_on_commit=False)
        load_dataset(sessions, folder / "files")
        data = load_measure_data(sessions, BEFORE, Q3)
        geography = load_geography(sessions)
        yield data, geography


def _compute(measured: Any, case: Case):
    data, geography = measured
    selection = Selection(
        measure=case.measure, scope=case.scope, quarter=Quarter.parse(case.quarter),
        window=case.window, breakdown=case.breakdown, stat=case.stat,
    )  # fmt: skip
    return compute(selection, data, geography)


def _check(row: Any, expect: Expect, what: str) -> list[str]:
    problems = []
    got = float(row["value"])
    if expect.status:
        if row["status"] != expect.status or not math.isnan(got):
            problems.append(f"{what}: expected status {expect.status!r} and no value, "
                            f"got status {row['status']!r} value {got}")
    else:
        if row["status"] != "":
            problems.append(f"{what}: expected no status, got {row['status']!r}")
        if math.isnan(got) or got != pytest.approx(expect.value, rel=1e-9, abs=1e-9):
            problems.append(f"{what}: value expected {expect.value!r}, got {got!r}")
        if expect.cohort is not None and float(row["cohort"]) != pytest.approx(expect.cohort):
            problems.append(f"{what}: cohort expected {expect.cohort!r}, got {row['cohort']!r}")
    if expect.missing is not None and int(row["missing_returns"]) != expect.missing:
        problems.append(f"{what}: missing_returns expected {expect.missing}, "
                        f"got {row['missing_returns']!r}")
    return problems


# ---------------------------------------------------------------------------------- tests


def test_every_measure_is_covered() -> None:
    covered = {p.values[0].measure for p in CASES}
    assert covered == set(MEASURES), f"not covered: {sorted(set(MEASURES) - covered)}"


@pytest.mark.parametrize("case", CASES)
def test_measure_by_hand(measured: Any, case: Case) -> None:
    frame = _compute(measured, case)
    what = f"{case.measure} {case.scope} {case.quarter} w{case.window} {case.stat}"
    if case.breakdown is None:
        assert len(frame) == 1, f"{what}: expected one row, got {len(frame)}\n{frame}"
        row = frame.iloc[0]
        assert (row["breakdown"], row["category"]) == ("", ""), what
        assert row["quarter"] == case.quarter or str(row["quarter"]) == case.quarter, what
        problems = _check(row, case.expect, what)
        if not case.expect.status and case.stat == "mean" and case.measure != "returns_received":
            if row["value_type"] != MEASURES[case.measure].value_type:
                problems.append(f"{what}: value_type {row['value_type']!r}, registry says "
                                f"{MEASURES[case.measure].value_type!r}")
    else:
        what += f" by {case.breakdown}"
        got = list(frame["category"])
        if case.breakdown == "column" and got[-1:] != ["Total"]:
            # No definition says what a "Total" of completeness would be (a share across the
            # columns of three tables), so its row is not required here; see the module notes.
            got.append("Total")
        assert got == list(case.categories), f"{what}: categories in order, then Total\n{frame}"
        assert set(frame["breakdown"]) == {case.breakdown}, what
        problems = []
        for _, row in frame.iterrows():
            expect = case.expect.get(row["category"])
            if expect is not None:
                problems += _check(row, expect, f"{what} [{row['category']}]")
    assert not problems, "\n".join(problems) + f"\n{frame.to_string()}"
