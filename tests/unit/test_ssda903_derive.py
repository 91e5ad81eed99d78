"""SSDA903 derivation: hand-built 903 extracts (frames as the 903 reader gives them) with every
expected date worked out by hand in the comments, and the same children written as this
project's own return, which the derived rows must equal column by column."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from db.importer.ssda903_derive import derive, quarters_covered
from db.importer.validate import child_rules, parse_table, sgo_rules
from db.return_format import TABLES
from metrics.measures.children import children_waiting_rows
from metrics.quarters import Quarter

D = date.fromisoformat
LA = "942"
Q2 = Quarter.parse("2024-25 Q2")  # 1 July to 30 September 2024
Q3 = Quarter.parse("2024-25 Q3")  # 1 October to 31 December 2024
Q4 = Quarter.parse("2024-25 Q4")  # 1 January to 31 March 2025

EPISODE = ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
           "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN", "YEAR")


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_datetime(frame[column])
    return frame


def ep(child, decom, rne, ls, place, dec=None, rec=None, post="P1", urn="XXXXXXX", year=2025):
    """One episode row; the placement postcode stands for the carer."""
    return dict(CHILD=child, DECOM=decom, RNE=rne, LS=ls, CIN="N1", PLACE=place,
                PLACE_PROVIDER="PR1", DEC=dec, REC=rec or ("X1" if dec else None),
                REASON_PLACE_CHANGE=None, HOME_POST="H1", PL_POST=post, URN=urn, YEAR=year)


def extract(episodes, header, placed=None, ad1=None) -> dict[str, pd.DataFrame]:
    tables = {
        "episodes": _dates(pd.DataFrame(episodes, columns=list(EPISODE)), "DECOM", "DEC"),
        "header": _dates(pd.DataFrame(header, columns=["CHILD", "SEX", "DOB", "ETHNIC", "UPN",
                                                       "YEAR"]), "DOB"),
    }
    if placed is not None:
        tables["placed_adoption"] = _dates(
            pd.DataFrame(placed, columns=["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                                          "REASON_PLACED_CEASED", "YEAR"]),
            "DOB", "DATE_PLACED", "DATE_PLACED_CEASED")
    if ad1 is not None:
        tables["ad1"] = _dates(
            pd.DataFrame(ad1, columns=["CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE",
                                       "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR", "YEAR"]),
            "DOB", "DATE_INT", "DATE_MATCH")
    return tables


def head(child, sex, dob, ethnic, year=2025):
    return dict(CHILD=child, SEX=sex, DOB=dob, ETHNIC=ethnic, UPN=None, YEAR=year)


# The extract: two collection years (YEAR 2024 = April 2023 to March 2024, YEAR 2025 = April
# 2024 to March 2025), episodes already stitched across them.
EPISODES = [
    # A01: adopted by her own foster carers (postcode P2). Entered care 10/01/2023 (RNE S);
    # moved to P2, who are dual approved (U5: fostering for adoption), on 01/06/2023; placement
    # order 20/11/2023 (LS E1); the placement became an adoptive one with the same carers on
    # 01/02/2024 (A5); adopted 15/11/2024 (REC E11). Her episodes span three YEARs.
    ep("A01", "2023-01-10", "S", "C2", "U6", "2023-06-01", post="P1", year=2023),
    ep("A01", "2023-06-01", "P", "C2", "U5", "2023-11-20", post="P2", year=2024),
    ep("A01", "2023-11-20", "L", "E1", "U5", "2024-02-01", post="P2", year=2024),
    ep("A01", "2024-02-01", "P", "E1", "A5", "2024-11-15", "E11", post="P2", year=2025),
    # B02: placement order 01/03/2023; placed with adopters (P4) 01/08/2023; that placement
    # ended 15/01/2024 without adoption (back to foster care: a disruption); placed again with
    # other adopters (P5) 10/05/2024, still there.
    ep("B02", "2022-09-01", "S", "C2", "U6", "2023-03-01", post="P3", year=2024),
    ep("B02", "2023-03-01", "L", "E1", "U6", "2023-08-01", post="P3", year=2024),
    ep("B02", "2023-08-01", "P", "E1", "A6", "2024-01-15", post="P4", year=2024),
    ep("B02", "2024-01-15", "P", "E1", "U6", "2024-05-10", post="P3", year=2025),
    ep("B02", "2024-05-10", "P", "E1", "A6", post="P5", year=2025),
    # C03: in care since 01/04/2023; decision 01/10/2023, reversed 20/10/2024 (RD2).
    ep("C03", "2023-04-01", "S", "C2", "U6", post="P6"),
    # D04: decision 01/05/2024, placement order 01/08/2024, waiting in foster care.
    ep("D04", "2023-07-01", "S", "C2", "U6", "2024-08-01", post="P7"),
    ep("D04", "2024-08-01", "L", "E1", "U6", post="P7"),
    # E05: decision 10/01/2025, after Q3's last day.
    ep("E05", "2024-06-01", "S", "C2", "U6", post="P8"),
    # G07: special guardianship order to a former foster carer who is a relative, 01/11/2024.
    ep("G07", "2023-02-01", "S", "C2", "U1", "2024-11-01", "E45", post="P9"),
    # H08: the same with the pre-2015-16 code E43 (read as E45, see the docs), 01/12/2024.
    ep("H08", "2024-01-05", "S", "C2", "U1", "2024-12-01", "E43", post="P10"),
]
HEADER = [
    head("A01", "2", "2022-03-01", "WBRI"), head("B02", "1", "2021-07-07", "MWBC"),
    head("C03", "2", "2023-02-02", "BAFR"), head("D04", "1", "2023-06-01", "WIRI"),
    head("E05", "1", "2024-01-01", "WOTH"), head("G07", "1", "2019-07-07", "WIRI"),
    head("H08", "2", "2020-05-05", "AIND"),
]  # fmt: skip
PLACED = [
    dict(CHILD="A01", DATE_PLACED="2023-05-15", YEAR=2024),
    dict(CHILD="B02", DATE_PLACED="2022-12-01", YEAR=2024),
    dict(CHILD="C03", DATE_PLACED="2023-10-01", DATE_PLACED_CEASED="2024-10-20",
         REASON_PLACED_CEASED="RD2", YEAR=2025),
    dict(CHILD="D04", DATE_PLACED="2024-05-01", YEAR=2025),
    dict(CHILD="E05", DATE_PLACED="2025-01-10", YEAR=2025),
]
# AD1 is returned in the year of adoption only: A01's match was 20/01/2024, by her foster carers.
AD1 = [dict(CHILD="A01", DATE_INT="2023-05-15", DATE_MATCH="2024-01-20", FOSTER_CARE="1",
            NB_ADOPTR="2", SEX_ADOPTR="MF", LS_ADOPTR="L0", YEAR=2025)]


def tables() -> dict[str, pd.DataFrame]:
    return extract(EPISODES, HEADER, PLACED, AD1)


def rows(derived_frame: pd.DataFrame) -> dict[str, dict]:
    return {r["child_id"]: r for r in derived_frame.to_dict("records")}


# ---------------------------------------------------------------- each derived date


def test_a_foster_carer_adoption_across_three_collection_years():
    a = rows(derive(tables(), LA, Q3).children)["A01"]
    assert a["entered_care_date"] == D("2023-01-10")  # the RNE S episode
    assert a["adm_decision_date"] == D("2023-05-15")  # PlacedAdoption DATE_PLACED
    assert a["ffa_cp_placed_date"] == D("2023-06-01")  # first U5 episode
    assert a["placement_order_date"] == D("2023-11-20")  # first LS E1 episode
    assert a["matched_date"] == D("2024-01-20")  # AD1 DATE_MATCH
    assert a["placed_date"] == D("2024-02-01")  # first A5 episode
    assert a["foster_carer_adoption"] == "Y"  # AD1 FOSTER_CARE 1, and A5
    # The same carers (P2) since the U5 episode of 01/06/2023, not P1 before it.
    assert a["placed_with_carer_date"] == D("2023-06-01")
    assert a["adoption_order_date"] == D("2024-11-15")  # DEC of the E11 episode
    assert a["disruption_date"] is None
    assert (a["sex"], a["date_of_birth"], a["ethnicity"]) == ("F", D("2022-03-01"), "WBRI")


def test_a5_without_ad1_is_still_a_foster_carer_adoption():
    # Before the adoption there is no AD1 row: A5 (placed with current foster carer) says it.
    a = rows(derive(extract(EPISODES, HEADER, PLACED), LA, Q2).children)["A01"]
    assert (a["foster_carer_adoption"], a["placed_with_carer_date"]) == ("Y", D("2023-06-01"))
    assert a["matched_date"] is None  # no AD1: 903 does not know the match


def test_a_disruption_then_a_new_placement():
    b = rows(derive(tables(), LA, Q3).children)["B02"]
    # The A6 placement of 01/08/2023 ended 15/01/2024 with REC X1 into a U6 episode: disrupted.
    assert b["disruption_date"] == D("2024-01-15")
    assert b["placed_date"] == D("2024-05-10")  # the new placement, later than the disruption
    assert b["placement_order_date"] == D("2023-03-01")
    assert b["foster_carer_adoption"] == "N"  # A6: not with the current foster carer
    assert b["adoption_order_date"] is None and b["placed_with_carer_date"] is None


def test_a_disruption_still_unplaced_as_at_an_earlier_quarter():
    # As at 31/03/2024 (2023-24 Q4) the new placement of 10/05/2024 had not happened: the
    # only placement is the disrupted one, so disruption (15/01/2024) >= placed (01/08/2023).
    b = rows(derive(tables(), LA, Quarter.parse("2023-24 Q4")).children)["B02"]
    assert (b["placed_date"], b["disruption_date"]) == (D("2023-08-01"), D("2024-01-15"))


def test_a_reversal_rd2():
    c = rows(derive(tables(), LA, Q3).children)["C03"]
    assert (c["decision_reversed_date"], c["decision_reversed_reason"]) == (D("2024-10-20"), "RD2")
    assert c["adm_decision_date"] == D("2023-10-01")


def test_special_guardianship_orders_from_care_e45_and_older_e43():
    sg = derive(tables(), LA, Q3).special_guardianship
    assert list(sg.columns) == list(TABLES["special_guardianship"].column_names)
    got = {r["child_id"]: (r["sgo_date"], r["looked_after"], r["guardian"])
           for r in sg.to_dict("records")}
    assert got == {"G07": (D("2024-11-01"), "Y", "E45"), "H08": (D("2024-12-01"), "Y", "E45")}
    assert sg[["support_plan", "allowance", "ended_date", "ended_reason"]].isna().all().all()
    assert derive(tables(), LA, Q2).special_guardianship.empty  # both orders came later


# ---------------------------------------------------------------- the quarter inclusion rule


def test_quarter_inclusion_rule():
    # Q3: A01 adopted in it, B02 and D04 live, C03 reversed in it; E05's decision is after it;
    # G07 and H08 never had a decision.
    assert sorted(derive(tables(), LA, Q3).children["child_id"]) == ["A01", "B02", "C03", "D04"]
    # Q4: A01 (adopted 15/11/2024) and C03 (reversed 20/10/2024) ended before it; E05 is in.
    assert sorted(derive(tables(), LA, Q4).children["child_id"]) == ["B02", "D04", "E05"]


def test_events_after_the_quarter_are_left_out():
    q2 = rows(derive(tables(), LA, Q2).children)
    assert q2["A01"]["adoption_order_date"] is None  # 15/11/2024 is after 30/09/2024
    assert q2["A01"]["placed_date"] == D("2024-02-01")
    assert q2["C03"]["decision_reversed_date"] is None  # 20/10/2024 is after 30/09/2024
    assert q2["C03"]["decision_reversed_reason"] is None


# ---------------------------------------------------------------- agreement with our own return

# The same children as a hand-written return for 2024-25 Q3 (as tests/builders.py writes one).
OWN_RETURN_Q3 = [
    dict(child_id="A01", la_code=LA, sex="F", date_of_birth=D("2022-03-01"), ethnicity="WBRI",
         disability="N", entered_care_date=D("2023-01-10"), adm_decision_date=D("2023-05-15"),
         ffa_cp_placed_date=D("2023-06-01"), placement_order_date=D("2023-11-20"),
         matched_date=D("2024-01-20"), placed_date=D("2024-02-01"), foster_carer_adoption="Y",
         placed_with_carer_date=D("2023-06-01"), adoption_order_date=D("2024-11-15")),
    dict(child_id="B02", la_code=LA, sex="M", date_of_birth=D("2021-07-07"), ethnicity="MWBC",
         disability="N", entered_care_date=D("2022-09-01"), adm_decision_date=D("2022-12-01"),
         placement_order_date=D("2023-03-01"), placed_date=D("2024-05-10"),
         foster_carer_adoption="N", disruption_date=D("2024-01-15")),
    dict(child_id="C03", la_code=LA, sex="F", date_of_birth=D("2023-02-02"), ethnicity="BAFR",
         disability="N", entered_care_date=D("2023-04-01"), adm_decision_date=D("2023-10-01"),
         foster_carer_adoption="N", decision_reversed_date=D("2024-10-20"),
         decision_reversed_reason="RD2"),
    dict(child_id="D04", la_code=LA, sex="M", date_of_birth=D("2023-06-01"), ethnicity="WIRI",
         disability="N", entered_care_date=D("2023-07-01"), adm_decision_date=D("2024-05-01"),
         placement_order_date=D("2024-08-01"), foster_carer_adoption="N"),
]  # fmt: skip


def _own_return() -> pd.DataFrame:
    columns = TABLES["children"].column_names
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in OWN_RETURN_Q3],
                        columns=list(columns), dtype=object)


def test_derived_children_equal_the_same_children_as_our_own_return():
    derived = derive(tables(), LA, Q3)
    got = derived.children.sort_values("child_id").reset_index(drop=True)
    want = _own_return()
    assert list(got.columns) == list(TABLES["children"].column_names)
    assert got["disability"].isna().all()  # 903 has no disability: not carried, never "N"
    for column in TABLES["children"].column_names:
        if column == "disability":
            continue
        assert got[column].tolist() == want[column].tolist(), column
    assert derived.issues == []


def test_measures_from_derived_rows_agree_with_our_own_return():
    derived, _ = parse_table(TABLES["children"], derive(tables(), LA, Q3).children)
    own, _ = parse_table(TABLES["children"], _own_return())
    end = pd.Timestamp(Q3.end)
    for start in ("placement_order_date", "adm_decision_date"):
        assert sorted(children_waiting_rows(derived, end, start)["child_id"]) == \
            sorted(children_waiting_rows(own, end, start)["child_id"]) == ["D04"]
    adopted = derived["adoption_order_date"].between(pd.Timestamp(Q3.start), end)
    assert derived.loc[adopted, "child_id"].tolist() == ["A01"]


def test_derived_rows_pass_the_validator_but_for_disability():
    result = derive(tables(), LA, Q3)
    frame, issues = parse_table(TABLES["children"], result.children)
    assert {(i.rule, i.column) for i in issues} == {("V01", "disability")}
    assert child_rules(frame) == []
    sg, sg_issues = parse_table(TABLES["special_guardianship"], result.special_guardianship)
    assert {(i.rule, i.column) for i in sg_issues} == {("V01", "disability")}
    assert sgo_rules(sg) == []


# ---------------------------------------------------------------- what cannot be derived


def test_a_pathway_without_a_decision_date_is_reported_not_invented():
    placed = [p for p in PLACED if p["CHILD"] != "D04"]
    result = derive(extract(EPISODES, HEADER, placed, AD1), LA, Q3)
    assert "D04" not in set(result.children["child_id"])
    assert [(i.child, i.column) for i in result.issues] == [("D04", "adm_decision_date")]


def test_a_reversal_reason_that_is_not_ours_is_kept_as_given_and_reported():
    placed = [dict(p, REASON_PLACED_CEASED="XXX") if p["CHILD"] == "C03" else p for p in PLACED]
    result = derive(extract(EPISODES, HEADER, placed, AD1), LA, Q3)
    assert rows(result.children)["C03"]["decision_reversed_reason"] == "XXX"
    assert [(i.child, i.value) for i in result.issues] == [("C03", "XXX")]


def test_what_903_carries():
    carries = derive(tables(), LA, Q3).carries
    children = set(carries["children"])
    assert {"disability", "sibling_group_id", "matched_date"}.isdisjoint(children)
    assert {"adm_decision_date", "placed_with_carer_date", "disruption_date"} <= children
    assert set(carries["special_guardianship"]) == {
        "child_id", "la_code", "sex", "date_of_birth", "ethnicity", "sgo_date", "looked_after",
        "guardian"}
    # Without PlacedAdoption (the multi-year samples) decisions of children not adopted and
    # reversals cannot be seen.
    without = derive(extract(EPISODES, HEADER, ad1=AD1), LA, Q3).carries["children"]
    assert "adm_decision_date" not in without and "decision_reversed_date" not in without


@pytest.mark.parametrize(("years", "first", "last", "n"), [
    ((2024, 2025), "2023-24 Q1", "2024-25 Q4", 8),
    ((2023, 2025), "2022-23 Q1", "2024-25 Q4", 8),  # 2023-24 is missing: not covered
])  # fmt: skip
def test_quarters_covered(years, first, last, n):
    episodes = [ep("Z", "2020-01-01", "S", "C2", "U6", year=y) for y in years]
    covered = quarters_covered(extract(episodes, []))
    assert (str(covered[0]), str(covered[-1]), len(covered)) == (first, last, n)
    assert (Quarter.parse("2023-24 Q2") in covered) == (2024 in years)


def test_an_ending_after_the_quarter_is_not_yet_known():
    # As at 31/12/2023 B02's first adoptive placement (01/08/2023) had not yet ended
    # (it ended 15/01/2024): placed, no disruption.
    b = rows(derive(tables(), LA, Quarter.parse("2023-24 Q3")).children)["B02"]
    assert (b["placed_date"], b["disruption_date"]) == (D("2023-08-01"), None)


def test_leaving_care_without_adoption_or_reversal_is_reported_and_ends_the_pathway():
    # D04 went home (REC E4A) on 15/11/2024 with no DATE_PLACED_CEASED: reported; still in Q3
    # (the decision was live in it), but not in Q4.
    episodes = [e for e in EPISODES if e["CHILD"] != "D04"] + [
        ep("D04", "2023-07-01", "S", "C2", "U6", "2024-08-01", post="P7"),
        ep("D04", "2024-08-01", "L", "E1", "U6", "2024-11-15", "E4A", post="P7"),
    ]
    q3, q4 = (derive(extract(episodes, HEADER, PLACED, AD1), LA, q) for q in (Q3, Q4))
    assert "D04" in set(q3.children["child_id"]) and "D04" not in set(q4.children["child_id"])
    assert [(i.child, i.value) for i in q4.issues] == [("D04", "2024-11-15")]
