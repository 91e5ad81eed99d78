"""A small, hand-checkable dataset for the measures: timelines cut into quarterly returns.

Three consecutive quarters, 2024-25 Q1 (1 Apr - 30 Jun 2024), Q2 (1 Jul - 30 Sep) and Q3
(1 Oct - 31 Dec), returned by three agencies from the real registry:

- AC2C  Adopt Coast to Coast, an RAA in the North East, returning the children and SGOs of its
        two member LAs 840 County Durham and 394 Sunderland, its own households and support
        figures, in all three quarters;
- 942   Cumberland, an LA in the North West outside any RAA, returning its own children,
        households, SGOs and support figures in Q1 and Q3: **its Q2 return is missing**;
- AMAT  Adoption Matters, a VAA in the North West, returning households and support figures only
        (its children and special guardianship tables have a header and no rows).

Nothing is returned for 2023-24 Q4 (the quarter before Q1) by anyone, so a 4-quarter window
ending in Q3 has one uncovered quarter for every agency.

Each child, household and order is written once as a timeline (every date it will ever have).
`child_row`, `household_row` and `sgo_row` cut the row an agency returns for a quarter, as the
return format says: a child is in the quarter's return when its agency decision is on or before
the quarter's last day and neither an adoption order nor a reversal came before its first day
(households: enquiry on or before the last day and not left before the first day; special
guardianship: order made, or ended, in the quarter), and every date after the quarter's last day
is blank because it had not happened yet. The files are written with tests.builders.ReturnFile
and loaded through the real importer, so every row passed validation.

The expected figures in tests/db/test_measures_by_hand.py are worked out by hand from these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from db.importer import load_path
from db.return_format import TABLES
from metrics.quarters import Quarter
from tests.builders import ReturnFile

Q1, Q2, Q3 = Quarter.parse("2024-25 Q1"), Quarter.parse("2024-25 Q2"), Quarter.parse("2024-25 Q3")
QUARTERS = (Q1, Q2, Q3)
BEFORE = Quarter.parse("2023-24 Q4")  # no return at all: the first quarter of a 4-quarter window

RAA, RAA_LA_A, RAA_LA_B = "AC2C", "840", "394"  # Adopt Coast to Coast: County Durham, Sunderland
LONE_LA = "942"  # Cumberland (North West, no RAA)
VAA = "AMAT"  # Adoption Matters (North West)

# Which LAs' children (and SGOs) each agency returns.
RETURNS_CHILDREN_OF = {RAA: (RAA_LA_A, RAA_LA_B), LONE_LA: (LONE_LA,), VAA: ()}

# (agency, quarter) pairs that have a return. 942 has none for Q2.
RETURNS: tuple[tuple[str, Quarter], ...] = (
    (RAA, Q1), (LONE_LA, Q1), (VAA, Q1),
    (RAA, Q2), (VAA, Q2),
    (RAA, Q3), (LONE_LA, Q3), (VAA, Q3),
)  # fmt: skip


def D(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# ------------------------------------------------------------------------------------ children


@dataclass(frozen=True)
class Child:
    """A child's whole timeline. A disrupted placement that was followed by a new match and a new
    placement has matched/placed (the first) plus rematched/replaced (the second)."""

    id: str
    la: str
    sex: str
    dob: str
    eth: str
    dis: str
    sib: str | None
    entered: str
    adm: str
    ffa: str | None = None
    po: str | None = None
    matched: str | None = None
    placed: str | None = None
    fca: str | None = None  # foster_carer_adoption
    pwc: str | None = None  # placed_with_carer_date
    ao: str | None = None
    disrupted: str | None = None
    rematched: str | None = None
    replaced: str | None = None
    reversed: str | None = None
    reason: str | None = None


# Ages shown are completed years at the ends of Q1 / Q2 / Q3 (30 Jun, 30 Sep, 31 Dec 2024).
CHILDREN: tuple[Child, ...] = (
    # ---------------------------------------------------------------- 840 County Durham (AC2C)
    # C01: waits throughout, placement order Dec 2022 (over 18 months by Q1).     ages 7/7/7
    Child("C01", "840", "F", "2017-03-10", "WBRI", "N", None, "2021-06-01", "2022-05-20",
          po="2022-12-15"),
    # C02, C03: sibling group S1 of 840, Mixed; matched in Q2, placed in Q3.     ages 4/5/5, 2/2/3
    Child("C02", "840", "M", "2019-08-01", "MWBC", "N", "S1", "2022-11-01", "2023-05-02",
          po="2023-10-05", matched="2024-08-20", placed="2024-10-14"),
    Child("C03", "840", "F", "2021-11-11", "MWBC", "N", "S1", "2022-11-01", "2023-05-02",
          po="2023-10-05", matched="2024-08-20", placed="2024-10-14"),
    # C04: disabled; placed Mar 2024, disruption in Q1, new match in Q2, placed again in Q3.
    #      ages 4/4/4
    Child("C04", "840", "M", "2020-02-14", "WBRI", "Y", None, "2022-03-01", "2022-09-01",
          po="2022-12-01", matched="2024-01-15", placed="2024-03-04", disrupted="2024-05-20",
          rematched="2024-08-05", replaced="2024-11-18"),
    # C05: Black; decision reversed in Q2 (RD3 adopters could not be found).     ages 8/8
    Child("C05", "840", "F", "2016-05-05", "BCRB", "N", None, "2022-10-10", "2023-06-01",
          po="2023-09-01", reversed="2024-09-10", reason="RD3"),
    # C06: adopted by her foster carers in Q1; with them since Mar 2022.        age 2 at Q1
    Child("C06", "840", "F", "2022-01-20", "WBRI", "N", None, "2022-02-01", "2022-10-03",
          po="2023-01-10", matched="2023-11-01", placed="2023-12-01", fca="Y",
          pwc="2022-03-01", ao="2024-05-15"),
    # C07: matched before the placement order; adopted in Q3.                   ages 3/4/4
    Child("C07", "840", "M", "2020-09-09", "WBRI", "N", None, "2022-06-15", "2023-02-01",
          matched="2023-05-01", po="2023-06-15", placed="2023-08-15", ao="2024-10-20"),
    # C08: adopted in Q1 with no placement order (placed with consent).         age 1 at Q1
    Child("C08", "840", "M", "2022-12-05", "WIRI", "N", None, "2023-05-10", "2023-08-01",
          matched="2023-11-15", placed="2024-01-08", ao="2024-06-12"),
    # C09: baby; decision and FfA placement in Q1, placement order Q2, matched Q3.  ages 0/0/0
    Child("C09", "840", "F", "2024-03-10", "WBRI", "N", None, "2024-03-12", "2024-04-15",
          ffa="2024-05-02", po="2024-07-20", matched="2024-11-05"),
    # C10: Asian; decision in Q2, placement order in Q3.                        ages -/0/1
    Child("C10", "840", "M", "2023-12-01", "AIND", "N", None, "2024-01-05", "2024-08-10",
          po="2024-12-02"),
    # C30: waits from a placement order of 31 Mar 2024 (exactly 183 days at the end of Q2).
    #      ages 8/8/8
    Child("C30", "840", "F", "2016-01-31", "WBRI", "N", None, "2023-05-05", "2023-11-01",
          po="2024-03-31"),
    # ---------------------------------------------------------------- 394 Sunderland (AC2C)
    # C11: aged 10+, waits throughout.                                          ages 10/11/11
    Child("C11", "394", "M", "2013-09-09", "WBRI", "N", None, "2022-01-01", "2023-03-03",
          po="2023-07-07"),
    # C12-C14: sibling group S1 of 394 (the same id as 840's S1: a different group), Black;
    #          placement order 1 Jan 2024 (exactly 365 days at the end of Q3).  ages 9/9/9,
    #          6/6/6, 3/3/4; C14 disabled
    Child("C12", "394", "F", "2015-06-30", "BAFR", "N", "S1", "2023-01-10", "2023-08-14",
          po="2024-01-01"),
    Child("C13", "394", "M", "2018-01-15", "BAFR", "N", "S1", "2023-01-10", "2023-08-14",
          po="2024-01-01"),
    Child("C14", "394", "F", "2020-12-25", "BAFR", "Y", "S1", "2023-01-10", "2023-08-14",
          po="2024-01-01"),
    # C15: adopted in Q2.                                                       ages 3/3
    Child("C15", "394", "M", "2021-04-04", "WOTH", "N", None, "2022-05-05", "2022-11-11",
          po="2023-02-02", matched="2023-09-09", placed="2023-10-10", ao="2024-08-08"),
    # C16: Mixed, adopted in Q3.                                                ages 5/5/5
    Child("C16", "394", "F", "2019-03-03", "MOTH", "N", None, "2022-08-01", "2023-01-16",
          po="2023-04-17", matched="2024-02-05", placed="2024-03-11", ao="2024-12-09"),
    # C17: ethnicity not known (NOBT), disabled; matched and placed in Q1.     ages 2/2/2
    Child("C17", "394", "M", "2022-06-06", "NOBT", "Y", None, "2022-07-07", "2023-05-05",
          po="2023-10-10", matched="2024-04-22", placed="2024-06-03"),
    # C18: Other (CHNE); decision reversed in Q1, RD1, before any placement order. age 5
    Child("C18", "394", "F", "2018-10-10", "CHNE", "N", None, "2023-02-02", "2023-09-09",
          reversed="2024-05-05", reason="RD1"),
    # C19: decision in Q1, reversed in Q3 (RD2 no placement order).             ages 2/3/3
    Child("C19", "394", "M", "2021-07-07", "WBRI", "N", None, "2024-02-02", "2024-05-30",
          reversed="2024-11-20", reason="RD2"),
    # C20: ethnicity refused (REFU); placement order in Q1, matched in Q3.      ages 1/1/1
    Child("C20", "394", "F", "2023-02-28", "REFU", "N", None, "2023-03-15", "2023-12-12",
          po="2024-06-14", matched="2024-12-16"),
    # C27, C28: sibling group S2 of 394, adopted together in Q2.               ages 4/5, 2/2
    Child("C27", "394", "M", "2019-09-19", "WBRI", "N", "S2", "2021-12-01", "2022-06-20",
          po="2022-10-24", matched="2023-12-18", placed="2024-02-12", ao="2024-07-30"),
    Child("C28", "394", "F", "2022-03-03", "WBRI", "N", "S2", "2022-03-10", "2022-06-20",
          po="2022-10-24", matched="2023-12-18", placed="2024-02-12", ao="2024-07-30"),
    # ---------------------------------------------------------------- 942 Cumberland (no RAA)
    # C21: aged 10, waits throughout.                                           ages 10/-/10
    Child("C21", "942", "M", "2014-01-01", "WIRT", "N", None, "2021-09-09", "2022-06-06",
          po="2022-10-10"),
    # C22: adopted in Q2, the quarter 942 did not return: never counted.       age 3 at Q1
    Child("C22", "942", "F", "2020-10-10", "WBRI", "N", None, "2022-01-20", "2022-07-07",
          po="2022-09-09", matched="2023-12-01", placed="2024-02-01", ao="2024-08-15"),
    # C23: Asian, disabled; placement order Q1, matched in Q2 (not returned), placed Q3.
    #      ages 3/-/3
    Child("C23", "942", "M", "2021-02-02", "APKN", "Y", None, "2023-06-06", "2024-01-10",
          po="2024-05-15", matched="2024-09-02", placed="2024-10-21"),
    # C24: Black; matched and placed in Q1, adopted in Q3.                     ages 6/-/7
    Child("C24", "942", "F", "2017-12-12", "BOTH", "N", None, "2021-11-11", "2022-04-04",
          po="2022-08-08", matched="2024-04-10", placed="2024-05-20", ao="2024-11-29"),
    # C25: baby; decision and FfA placement in Q3.                             age 0 at Q3
    Child("C25", "942", "M", "2024-01-15", "WBRI", "N", None, "2024-01-16", "2024-10-10",
          ffa="2024-10-20"),
    # C26: placed Mar 2024; the placement disrupted in Q3 (no new match yet).  ages 5/-/5
    Child("C26", "942", "F", "2019-05-05", "WBRI", "N", None, "2022-02-02", "2022-08-08",
          po="2022-11-11", matched="2024-02-02", placed="2024-03-03", disrupted="2024-11-11"),
    # C29: Mixed; decision in Q1, placement order in Q3.                       ages 0/-/1
    Child("C29", "942", "M", "2023-11-30", "MWBA", "N", None, "2023-12-01", "2024-06-25",
          po="2024-10-03"),
)


def _known(value: str | None, quarter: Quarter) -> date | None:
    """A date as the return for `quarter` shows it: blank when it had not happened by its end."""
    day = D(value)
    return day if day is not None and day <= quarter.end else None


def child_row(child: Child, quarter: Quarter) -> dict[str, Any] | None:
    """The child's row in the return for `quarter`, or None when the child is not in it."""
    adm, ao, rev = D(child.adm), D(child.ao), D(child.reversed)
    if adm > quarter.end or (ao and ao < quarter.start) or (rev and rev < quarter.start):
        return None
    k = lambda v: _known(v, quarter)  # noqa: E731
    matched, placed, disrupted = k(child.matched), k(child.placed), k(child.disrupted)
    if k(child.rematched):  # after a disruption: the new match (and the new placement, if any)
        matched = k(child.rematched)
        placed = k(child.replaced) or placed
    return dict(
        child_id=child.id, la_code=child.la, sex=child.sex, date_of_birth=D(child.dob),
        ethnicity=child.eth, disability=child.dis, sibling_group_id=child.sib,
        entered_care_date=D(child.entered), adm_decision_date=adm,
        ffa_cp_placed_date=k(child.ffa), placement_order_date=k(child.po),
        matched_date=matched, placed_date=placed, foster_carer_adoption=child.fca,
        placed_with_carer_date=k(child.pwc), adoption_order_date=k(child.ao),
        disruption_date=disrupted, decision_reversed_date=k(child.reversed),
        decision_reversed_reason=child.reason if k(child.reversed) else None,
    )  # fmt: skip


# ------------------------------------------------------------------------------------ households


@dataclass(frozen=True)
class Household:
    id: str
    agency: str
    household: str
    eth: str | None
    ffa: str | None
    enquiry: str
    s1_start: str | None = None
    s1_end: str | None = None
    s2_start: str | None = None
    s2_end: str | None = None
    approved: str | None = None
    places: int | None = None
    matched: str | None = None
    placed: str | None = None
    left: str | None = None
    reason: str | None = None


HOUSEHOLDS: tuple[Household, ...] = (
    # ---------------------------------------------------------------- AC2C
    # H01: approved Feb 2024; matched Q2 (with C02, C03), placed Q3.
    Household("H01", "AC2C", "MF", "WBRI", "N", "2023-05-01", "2023-06-01", "2023-08-01",
              "2023-08-15", "2024-01-20", "2024-02-15", 2, matched="2024-08-20",
              placed="2024-10-14"),
    # H02: stage 2 ended Q1, approved Q1, waits to the end (186 days stage 1 start -> approval).
    Household("H02", "AC2C", "FF", "WBRI", "N", "2023-10-02", "2023-11-06", "2024-01-08",
              "2024-01-15", "2024-04-30", "2024-05-10", 1),
    # H03: fast track (foster carers: no stage 1); enquiry Q1, approved Q2, matched Q3.
    Household("H03", "AC2C", "MF", "MWBC", "Y", "2024-04-03", None, None, "2024-04-15",
              "2024-07-31", "2024-08-22", 1, matched="2024-11-05"),
    # H04: enquiry and stage 1 start in Q1, withdrew in Q2.
    Household("H04", "AC2C", "F1", None, None, "2024-04-20", "2024-05-01", left="2024-07-15",
              reason="WITHDREW"),
    # H05: stage 1 ended Q1, stage 2 started Q1, not approved (left Q3).
    Household("H05", "AC2C", "MM", "WOTH", "N", "2024-01-10", "2024-02-01", "2024-04-05",
              "2024-04-20", left="2024-10-30", reason="NOT_APPROVED"),
    # H06: enquiry Q1, stage 1 Q1-Q2, stage 2 Q2-Q3, approved Q3 exactly 183 days after stage 1
    #      started.
    Household("H06", "AC2C", "MF", "AIND", "N", "2024-04-25", "2024-05-13", "2024-07-12",
              "2024-07-22", "2024-10-25", "2024-11-12", 2),
    # H07: stage 2 ended Q2, approved 1 Oct 2024 (exactly 91 days before the end of Q3).
    Household("H07", "AC2C", "M1", "WBRI", "N", "2023-09-01", "2023-10-02", "2024-01-31",
              "2024-03-01", "2024-09-13", "2024-10-01", 1),
    # H08: approved Jun 2023; matched Q1 (C17), placed Q1, left ADOPTED in Q3.
    Household("H08", "AC2C", "MF", "WBRI", "N", "2022-09-01", "2022-10-01", "2022-12-01",
              "2023-01-05", "2023-05-05", "2023-06-06", 1, matched="2024-04-22",
              placed="2024-06-03", left="2024-12-20", reason="ADOPTED"),
    # H09: stage 2 ended Q1, approved Q2, matched Q3 (C20).
    Household("H09", "AC2C", "FF", "BAFR", "N", "2024-01-22", "2024-02-05", "2024-03-28",
              "2024-04-02", "2024-06-21", "2024-07-03", 1, matched="2024-12-16"),
    # H10: enquiry Q3, left Q3 (OTHER).
    Household("H10", "AC2C", "F1", None, None, "2024-10-02", left="2024-12-05", reason="OTHER"),
    # H11: enquiry Q2, stage 1 started Q3.
    Household("H11", "AC2C", "MF", "WBRI", None, "2024-08-30", "2024-10-07"),
    # H12: approved Aug 2023; matched Q2 (C04's new match), placed Q3.
    Household("H12", "AC2C", "MF", "WBRI", "N", "2022-11-01", "2022-12-01", "2023-02-01",
              "2023-02-20", "2023-07-01", "2023-08-10", 1, matched="2024-08-05",
              placed="2024-11-18"),
    # H13: approved Dec 2023, waits throughout.
    Household("H13", "AC2C", "MM", "WBRI", "N", "2023-03-01", "2023-04-03", "2023-06-05",
              "2023-06-19", "2023-11-10", "2023-12-01", 3),
    # ---------------------------------------------------------------- 942 (no Q2 return)
    # K01: stage 2 ended Q1, approved Q1 (199 days after stage 1 started), waits.
    Household("K01", "942", "MF", "WBRI", "N", "2023-11-20", "2023-12-04", "2024-02-09",
              "2024-02-19", "2024-05-31", "2024-06-20", 2),
    # K02: approved Mar 2024; matched in Q2 (not returned), placed Q3.
    Household("K02", "942", "FF", "WBRI", "N", "2023-07-03", "2023-08-01", "2023-10-02",
              "2023-10-09", "2024-02-29", "2024-03-15", 1, matched="2024-09-02",
              placed="2024-10-21"),
    # K03: enquiry Q1, withdrew in Q2 (not returned).
    Household("K03", "942", "F1", None, None, "2024-05-05", left="2024-08-08",
              reason="WITHDREW"),
    # K04: approved Nov 2023; matched Q1 (C24), placed Q1, left ADOPTED in Q3.
    Household("K04", "942", "MF", "WIRI", "N", "2023-02-14", "2023-03-01", "2023-05-02",
              "2023-05-15", "2023-10-31", "2023-11-30", 1, matched="2024-04-10",
              placed="2024-05-20", left="2024-12-02", reason="ADOPTED"),
    # K05: approved Jan 2023, waits throughout.
    Household("K05", "942", "MF", "WBRI", "N", "2022-04-04", "2022-05-03", "2022-07-01",
              "2022-07-11", "2022-12-16", "2023-01-20", 2),
    # K06: fast track; enquiry and stage 2 start in Q2 (not returned), approved Q3.
    Household("K06", "942", "MF", "WBRI", "Y", "2024-09-09", None, None, "2024-09-16",
              "2024-12-02", "2024-12-18", 1),
    # ---------------------------------------------------------------- AMAT (VAA)
    # V01: approved Q1 (151 days after stage 1 started), waits.
    Household("V01", "AMAT", "MF", "WBRI", "N", "2023-12-01", "2024-01-08", "2024-03-08",
              "2024-03-18", "2024-05-24", "2024-06-07", 1),
    # V02: stage 1 ended Q1, approved Q2, matched Q3 exactly 91 days after approval.
    Household("V02", "AMAT", "FF", "ABAN", "N", "2024-02-12", "2024-02-26", "2024-04-26",
              "2024-05-06", "2024-08-16", "2024-09-04", 2, matched="2024-12-04"),
    # V03: enquiry Q3.
    Household("V03", "AMAT", "M1", None, None, "2024-11-11"),
    # V04: stage 1 started before Q1, left in Q1 (OTHER).
    Household("V04", "AMAT", "MF", "WBRI", "N", "2024-01-15", "2024-02-12", left="2024-04-30",
              reason="OTHER"),
)


def household_row(h: Household, quarter: Quarter) -> dict[str, Any] | None:
    enquiry, left = D(h.enquiry), D(h.left)
    if enquiry > quarter.end or (left and left < quarter.start):
        return None
    k = lambda v: _known(v, quarter)  # noqa: E731
    return dict(
        adopter_id=h.id, household=h.household, ethnicity=h.eth, fostering_for_adoption=h.ffa,
        enquiry_date=enquiry, stage1_start_date=k(h.s1_start), stage1_end_date=k(h.s1_end),
        stage2_start_date=k(h.s2_start), stage2_end_date=k(h.s2_end),
        approval_date=k(h.approved), approved_places=h.places if k(h.approved) else None,
        matched_date=k(h.matched), placed_date=k(h.placed), left_date=k(h.left),
        left_reason=h.reason if k(h.left) else None,
    )  # fmt: skip


# ------------------------------------------------------------------------ special guardianship


@dataclass(frozen=True)
class Sgo:
    id: str
    la: str
    sex: str
    dob: str
    eth: str
    dis: str
    made: str
    looked_after: str
    guardian: str
    plan: str | None = None
    allowance: str | None = None
    ended: str | None = None
    reason: str | None = None


SGOS: tuple[Sgo, ...] = (
    # AC2C's LAs                                                  age at the end of the order's quarter
    Sgo("G01", "840", "F", "2019-01-01", "WBRI", "N", "2024-05-10", "Y", "E45", "Y", "Y"),  # Q1, 5
    Sgo("G02", "394", "M", "2023-08-08", "WBRI", "N", "2024-06-20", "N", "E47"),  # Q1, 0
    Sgo("G03", "840", "M", "2012-12-12", "MWBC", "Y", "2024-08-15", "Y", "E46", "Y"),  # Q2, 11
    # G04: made in Q1 (age 7), broke down in Q3: in the Q1 and the Q3 return.
    Sgo("G04", "394", "F", "2017-04-04", "WBRI", "N", "2024-05-30", "Y", "E47", "Y", "Y",
        ended="2024-11-12", reason="BREAKDOWN"),
    Sgo("G05", "394", "F", "2021-10-10", "BCRB", "N", "2024-10-08", "Y", "E48", "N", "N"),  # Q3, 3
    # 942
    Sgo("G06", "942", "M", "2020-06-06", "WBRI", "N", "2024-04-18", "Y", "E45", "Y", "N"),  # Q1, 4
    Sgo("G07", "942", "F", "2018-08-08", "WBRI", "N", "2024-08-01", "Y", "E47"),  # Q2: not returned
    Sgo("G08", "942", "F", "2015-03-03", "WIRI", "Y", "2024-11-30", "N", "E46", "Y"),  # Q3, 9
    # G09: an order of 2010 that ended in Q3 because the young person turned 18.
    Sgo("G09", "942", "M", "2006-10-20", "WBRI", "N", "2010-05-05", "Y", "E47", "Y", "Y",
        ended="2024-10-20", reason="AGE_18"),
)


def sgo_row(s: Sgo, quarter: Quarter) -> dict[str, Any] | None:
    made, ended = D(s.made), _known(s.ended, quarter)
    in_quarter = lambda day: day is not None and quarter.start <= day <= quarter.end  # noqa: E731
    if not (in_quarter(made) or in_quarter(ended)):
        return None
    return dict(
        child_id=s.id, la_code=s.la, sex=s.sex, date_of_birth=D(s.dob), ethnicity=s.eth,
        disability=s.dis, sgo_date=made, looked_after=s.looked_after, guardian=s.guardian,
        support_plan=s.plan, allowance=s.allowance, ended_date=ended,
        ended_reason=s.reason if ended else None,
    )  # fmt: skip


# ------------------------------------------------------------------------------------ support

# (agency, quarter) -> (applications for adoptive families, for special guardianship families)
SUPPORT: dict[tuple[str, Quarter], tuple[int, int]] = {
    (RAA, Q1): (5, 3), (RAA, Q2): (4, 2), (RAA, Q3): (6, 4),
    (LONE_LA, Q1): (2, 1), (LONE_LA, Q3): (3, 0),
    (VAA, Q1): (1, 0), (VAA, Q2): (2, 0), (VAA, Q3): (1, 1),
}  # fmt: skip
# (agency, quarter) -> pounds approved (adoption, special guardianship); a return not named
# leaves both optional amount columns blank (AC2C's Q2, AMAT's Q3).
SUPPORT_AMOUNTS: dict[tuple[str, Quarter], tuple[float, float]] = {
    (RAA, Q1): (5000.0, 2400.5), (RAA, Q3): (6000.0, 4000.0),
    (LONE_LA, Q1): (1000.0, 500.0), (LONE_LA, Q3): (1500.0, 0.0),
    (VAA, Q1): (700.0, 0.0), (VAA, Q2): (1200.0, 0.0),
}  # fmt: skip


# ------------------------------------------------------------------------------------ returns


def return_file(agency: str, quarter: Quarter) -> ReturnFile:
    """The agency's return for the quarter, cut from the timelines."""
    las = RETURNS_CHILDREN_OF[agency]
    children = [r for c in CHILDREN if c.la in las and (r := child_row(c, quarter))]
    adopters = [r for h in HOUSEHOLDS if h.agency == agency and (r := household_row(h, quarter))]
    sgos = [r for s in SGOS if s.la in las and (r := sgo_row(s, quarter))]
    adoption, sg = SUPPORT[(agency, quarter)]
    pounds_adoption, pounds_sg = SUPPORT_AMOUNTS.get((agency, quarter), (None, None))
    rows = {
        "return": [dict(agency_code=agency, quarter=str(quarter))],
        "children": children,
        "adopters": adopters,
        "special_guardianship": sgos,
        "support": [dict(asf_applications_adoption=adoption, asf_applications_sg=sg,
                         asf_amount_adoption=pounds_adoption, asf_amount_sg=pounds_sg)],
    }
    headers = {name: list(table.column_names) for name, table in TABLES.items()}
    rows = {t: [{c: row.get(c) for c in headers[t]} for row in rs] for t, rs in rows.items()}
    return ReturnFile(headers, rows)


def load_dataset(sessions: sessionmaker[Session], folder: Path) -> None:
    """Write every return (the VAA's as xlsx, the others as zipped CSV) and load it through the
    importer in quarter order; fail loudly if any file is not loaded cleanly."""
    folder.mkdir(parents=True, exist_ok=True)
    for agency, quarter in sorted(RETURNS, key=lambda aq: (aq[1], aq[0])):
        suffix = ".xlsx" if agency == VAA else ".zip"
        path = return_file(agency, quarter).write(folder / f"{agency}-{quarter.index}{suffix}")
        report = load_path(sessions, path, user="oracle")
        problems = [issue.line() for issue in report.issues]
        assert report.status == "loaded" and not problems, (agency, str(quarter), problems)
