"""Coverage per table, not per return (issue 15): a figure whose returns do not carry what it
needs is `[x]` with its reason, never 0; partly carried, it counts the returns that carry it and
`missing_returns` counts the rest; households an LA inside an RAA returned count under the RAA.

Returns are tests.builders' valid return (2024-25 Q3), loaded through the importer; what their
format carries is then stored as the importer stores it (`Return.carries`, `source_format`), so
these tests need no Annex A workbook. Expected figures from the builder's rows, by hand:
- children (one return): C001 placed 2024-09-02 (not waiting), C002 waiting since its placement
  order 2023-11-20, unmatched, in sibling group S1; C003 adopted 2024-11-15. Children waiting: 1.
- special guardianship: G001, order made 2024-11-01 (in Q3), looked after. SGOs: 1.
- adopters: H01 approved 2024-07-20 and matched 2024-08-01 (Q2, not Q3); H02 enquiry
  2024-10-05 (Q3). Enquiries in Q3: 1.
- the registry: AC2C (North East) has two member LAs, 840 and 394; 942 and 943 are North West
  LAs outside any RAA; England has 153 LAs and 50 household agencies (32 RAAs, 12 VAAs and 6
  LAs outside an RAA), the North East 12 LAs and 3 household agencies (AC2C, ANE, TEES).
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from callbacks.chart_pages import chart_view
from charts import CHARTS
from layouts.chart_card import chart_card
from tests.chart_page_helpers import chart_file
from callbacks.quality import quality_view
from server.services import Services
from config import Settings
from db.engine import engine_for
from db.importer import load_path
from db.measure_data import load_geography, load_measure_data
from db.models import Return
from db.return_format import TABLES
from tests.oracles import compute
from metrics.quality import LISTED, coverage_by_table
from metrics.quarters import Quarter
from metrics.selection import Selection
from tests.accounts import signed_in_client
from tests.builders import QUARTER, ReturnFile, valid_return

Q3 = Quarter.parse(QUARTER)
ALL_CHILD_COLUMNS = TABLES["children"].column_names
ALL_ADOPTER_COLUMNS = TABLES["adopters"].column_names
# What the importer records for an Annex A return: lists 10 and 11, no SGOs, no support.
ANNEX_A = {
    "children": [c for c in ALL_CHILD_COLUMNS if c not in (
        "sibling_group_id", "foster_carer_adoption", "placed_with_carer_date", "disruption_date")],
    "adopters": [c for c in ALL_ADOPTER_COLUMNS if c != "approved_places"],
}
ENGLAND_LAS, ENGLAND_HOUSEHOLD_AGENCIES = 153, 50


def annex_a_like(agency: str) -> ReturnFile:
    """The builder's return as an Annex A workbook would give it: no SGOs, no support figures,
    no sibling group ids."""
    ret = valid_return(agency).clear_rows("special_guardianship").clear_rows("support")
    for row in ret.rows["children"]:
        row["sibling_group_id"] = None
    return ret


def store(sessions: sessionmaker[Session], folder: Path, ret: ReturnFile,
          carries: dict[str, list[str]] | None, source_format: str = "annex_a") -> None:
    """Load `ret` through the importer, then record what its format carries."""
    agency = ret.rows["return"][0]["agency_code"]
    report = load_path(sessions, ret.write(folder / f"{agency}.zip"), user="tests")
    assert report.ok and report.status == "loaded", report
    with sessions() as session, session.begin():
        session.execute(update(Return).where(Return.agency_code == agency).values(
            carries=None if carries is None else json.dumps(carries),
            source_format=source_format if carries is not None else "zip"))


def figure(sessions: sessionmaker[Session], measure: str, scope: str, breakdown: str | None = None) -> dict:
    """The engine's row (the Total of a breakdown) for 2024-25 Q3."""
    data, geography = load_measure_data(sessions, Q3, Q3), load_geography(sessions)
    rows = compute(Selection(measure, scope, Q3, breakdown=breakdown), data, geography)
    if breakdown and len(rows) > 1:
        rows = rows[rows["category"] == "Total"]
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def assert_not_available(row: dict, *words: str) -> None:
    assert row["status"] == "x" and math.isnan(row["value"]), row
    reason = row["not_available_reason"]
    assert reason.startswith("not available: "), reason
    for word in words:
        assert word in reason, reason


# ---------------------------------------------------------------- special guardianship


def test_an_annex_a_return_makes_sgo_figures_not_available_not_zero(sessions, tmp_path) -> None:
    store(sessions, tmp_path, annex_a_like("942"), ANNEX_A)
    for measure in ("sgos", "sgo_breakdowns", "sgo_share"):
        row = figure(sessions, measure, "942")
        assert_not_available(row, "(Annex A)", "special guardianship orders", "this scope and quarter")
        assert row["missing_returns"] == 1  # the one LA, whose return does not carry SGOs
    # England: no return carries SGOs either; every LA is missing for the figure.
    row = figure(sessions, "sgos", "england")
    assert_not_available(row, "special guardianship orders")
    assert row["missing_returns"] == ENGLAND_LAS
    # What the format does carry is still counted: C002 waits.
    row = figure(sessions, "children_waiting", "942")
    assert (row["value"], row["status"], row["missing_returns"]) == (1, "", 0)


def test_a_full_return_still_counts_its_sgos(sessions, tmp_path) -> None:
    store(sessions, tmp_path, valid_return("942"), None)
    row = figure(sessions, "sgos", "942")
    assert (row["value"], row["status"], row["missing_returns"], row["not_available_reason"]) == (1, "", 0, "")


def test_partial_coverage_counts_the_return_that_carries_sgos(sessions, tmp_path) -> None:
    # AC2C's two LAs return their own: 840 a full return (1 SGO), 394 an Annex A.
    store(sessions, tmp_path, valid_return("840"), None)
    store(sessions, tmp_path, annex_a_like("394"), ANNEX_A)
    row = figure(sessions, "sgos", "AC2C")
    assert (row["value"], row["status"], row["missing_returns"]) == (1, "", 1)
    # sgo_share's adoption orders come from the same LA: G001 looked after (1) and 840's one
    # adoption order (C003, 2024-11-15): 1 / (1 + 1) = 50%; 394's adoption order is left out.
    row = figure(sessions, "sgo_share", "AC2C")
    assert (row["value"], row["cohort"], row["missing_returns"]) == (50.0, 2, 1)
    # Children are carried by both: two waiting (C002 of each), nothing missing.
    row = figure(sessions, "children_waiting", "AC2C")
    # Both H02s enquired in Q3: two households, though their ids are the same.
    assert (row["value"], row["missing_returns"]) == (2, 0)


# ---------------------------------------------------------------- sibling groups


def test_a_return_without_sibling_group_ids_makes_sibling_figures_not_available(sessions, tmp_path) -> None:
    store(sessions, tmp_path, annex_a_like("942"), ANNEX_A)
    assert_not_available(figure(sessions, "sibling_groups_waiting", "942"), "(Annex A)", "sibling groups")
    for breakdown in ("sibling", "harder_to_place"):
        row = figure(sessions, "children_waiting", "942", breakdown)
        assert_not_available(row, "sibling groups")
        assert row["missing_returns"] == 1


def test_sibling_groups_counted_only_from_returns_that_carry_them(sessions, tmp_path) -> None:
    # 840 carries sibling ids (C002 in group S1); 394's Annex A does not.
    store(sessions, tmp_path, valid_return("840"), None)
    store(sessions, tmp_path, annex_a_like("394"), ANNEX_A)
    row = figure(sessions, "sibling_groups_waiting", "AC2C")
    assert (row["value"], row["cohort"], row["missing_returns"]) == (1, 1, 1)
    data, geography = load_measure_data(sessions, Q3, Q3), load_geography(sessions)
    rows = compute(Selection("children_waiting", "AC2C", Q3, breakdown="sibling"), data, geography)
    values = dict(zip(rows["category"], rows["value"]))
    # 394's C002 would be a false "Single": only 840's waiting child counts.
    assert values == {"In a sibling group": 1, "Single": 0, "Total": 1}
    assert set(rows["missing_returns"]) == {1}


# ---------------------------------------------------------------- who the households are


def test_a_return_without_adopters_ethnicity_or_ffa_makes_those_breakdowns_not_available(
        sessions, tmp_path) -> None:
    # An Annex A list 11 with neither column: the household type (from the genders) is carried.
    without = {**ANNEX_A, "adopters": [c for c in ANNEX_A["adopters"]
                                       if c not in ("ethnicity", "fostering_for_adoption")]}
    ret = annex_a_like("942")
    for row in ret.rows["adopters"]:
        row["ethnicity"] = row["fostering_for_adoption"] = None
    store(sessions, tmp_path, ret, without)
    row = figure(sessions, "enquiries", "942", "adopter_ethnic_group")
    assert_not_available(row, "(Annex A)", "ethnicity (adopter households)")
    assert row["missing_returns"] == 1
    assert_not_available(figure(sessions, "approvals", "942", "fostering_for_adoption"),
                         "fostering for adoption (adopter households)")
    # Q3's one enquiry, H02, a single woman: counted by household, and in the plain count.
    data, geography = load_measure_data(sessions, Q3, Q3), load_geography(sessions)
    rows = compute(Selection("enquiries", "942", Q3, breakdown="household"), data, geography)
    assert dict(zip(rows["category"], rows["value"])) == {"MF": 0, "FF": 0, "MM": 0, "F1": 1,
                                                          "M1": 0, "Total": 1}
    assert figure(sessions, "enquiries", "942")["value"] == 1


def test_a_blank_ethnicity_in_a_return_that_carries_it_is_not_known(sessions, tmp_path) -> None:
    store(sessions, tmp_path, valid_return("942"), None)
    data, geography = load_measure_data(sessions, Q3, Q3), load_geography(sessions)
    rows = compute(Selection("enquiries", "942", Q3, breakdown="adopter_ethnic_group"), data, geography)
    assert dict(zip(rows["category"], rows["value"]))["Not known"] == 1  # H02 left it blank
    rows = compute(Selection("enquiries", "942", Q3, breakdown="fostering_for_adoption"), data, geography)
    assert dict(zip(rows["category"], rows["value"])) == {
        "Fostering for adoption": 0, "Not fostering for adoption": 0, "Not recorded": 1, "Total": 1}


# ---------------------------------------------------------------- matches


def test_a_return_without_match_dates_makes_match_figures_not_available(sessions, tmp_path) -> None:
    no_matches = {"children": [c for c in ALL_CHILD_COLUMNS if c != "matched_date"],
                  "special_guardianship": list(TABLES["special_guardianship"].column_names),
                  "adopters": [c for c in ALL_ADOPTER_COLUMNS if c != "matched_date"]}
    ret = valid_return("942")
    for table in ("children", "adopters"):
        for row in ret.rows[table]:
            row["matched_date"] = None
    store(sessions, tmp_path, ret, no_matches, source_format="ssda903")
    for measure in ("matches", "children_waiting_unmatched", "a2_order_to_match", "stage_match_to_placed"):
        assert_not_available(figure(sessions, measure, "942", None), "(SSDA903)", "match dates")
    for measure in ("adopter_matches", "adopters_waiting", "adopter_approval_to_match"):
        assert_not_available(figure(sessions, measure, "942"), "match dates (adopter households)")
    # What it carries is counted: one placement (C001, 2024-09-02 is Q2: none in Q3), one SGO.
    assert figure(sessions, "sgos", "942")["value"] == 1
    assert figure(sessions, "placements", "942")["value"] == 0


def test_no_return_at_all_says_so(sessions, tmp_path) -> None:
    store(sessions, tmp_path, valid_return("942"), None)
    row = figure(sessions, "sgos", "943")
    assert_not_available(row, "no return was loaded for this scope and quarter")
    assert row["missing_returns"] == 1


# ---------------------------------------------------------------- households of an LA in an RAA


def test_households_of_an_la_in_an_raa_count_under_the_raa_region_and_england(sessions, tmp_path) -> None:
    # 840 (inside AC2C) loads an Annex A with its List 11; AC2C and 394 return nothing.
    store(sessions, tmp_path, annex_a_like("840"), ANNEX_A)
    row = figure(sessions, "enquiries", "AC2C")  # H02's enquiry
    # AC2C has no return of its own: its members stand in, and 394 is missing.
    assert (row["value"], row["status"], row["missing_returns"]) == (1, "", 1)
    row = figure(sessions, "enquiries", "region:North East")
    # ANE and TEES missing, and 394 within AC2C: 3 of 4.
    assert (row["value"], row["missing_returns"]) == (1, 3)
    row = figure(sessions, "enquiries", "england")
    # The 49 other household agencies have no return, and 394 stands missing for AC2C.
    assert (row["value"], row["missing_returns"]) == (1, ENGLAND_HOUSEHOLD_AGENCIES - 1 + 1)
    # Households are the RAA's: the LA itself has none.
    assert figure(sessions, "enquiries", "840")["status"] == "z"
    # The households its format does not carry the places of are not a false breakdown.
    assert_not_available(figure(sessions, "approvals", "AC2C", "approved_places"),
                         "how many children adopters are approved for")


def test_an_raa_return_and_a_member_las_households_both_count(sessions, tmp_path) -> None:
    raa = valid_return("AC2C", la="394").clear_rows("special_guardianship")
    store(sessions, tmp_path, raa, None)
    member = annex_a_like("840")
    member.rows["children"] = []  # its List 10 is empty; its List 11 has the RAA's ids H01, H02
    store(sessions, tmp_path, member, ANNEX_A)
    row = figure(sessions, "enquiries", "AC2C")
    # Both H02s enquired in Q3: two households, though their ids are the same.
    assert (row["value"], row["missing_returns"]) == (2, 0)


# ---------------------------------------------------------------- the API and exports


def test_the_api_and_its_csv_say_why_a_figure_is_not_available(sqlite_url, tmp_path) -> None:
    sessions = sessionmaker(engine_for(sqlite_url), expire_on_commit=False)
    store(sessions, tmp_path, annex_a_like("942"), ANNEX_A)
    client = signed_in_client(create_app(Settings.from_env(environ={}, database_url=sqlite_url,
                                                            secret_key="test")))
    answer = client.get("/api/v1/measures/sgos", query_string={"scope": "942", "quarter": QUARTER})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    (row,) = answer.get_json()["rows"]
    assert (row["value"], row["shown"], row["missing_returns"]) == (None, "[x]", 1)
    assert "(Annex A) do not carry special guardianship orders" in row["not_available_reason"]
    answer = client.get("/api/v1/measures/sgos",
                        query_string={"scope": "942", "quarter": QUARTER, "format": "csv"})
    (exported,) = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert exported["shown"] == "[x]" and exported["value"] == ""
    assert exported["not_available_reason"] == row["not_available_reason"]
    # A figure that is there has no reason.
    answer = client.get("/api/v1/measures/children_waiting", query_string={"scope": "942", "quarter": QUARTER})
    assert [r["not_available_reason"] for r in answer.get_json()["rows"]] == [""]


def test_the_chart_card_and_its_download_say_why(sqlite_url, tmp_path) -> None:
    sessions = sessionmaker(engine_for(sqlite_url), expire_on_commit=False)
    store(sessions, tmp_path, annex_a_like("942"), ANNEX_A)
    services = Services.from_settings(Settings.from_env(environ={}, database_url=sqlite_url, secret_key="test"))
    state = {"scope": "942", "quarter": QUARTER, "window": 1, "compare": []}
    card = str(chart_card(chart_view(services, CHARTS["sgos"], state)))
    assert ("[x] not available: the returns for this scope and quarter (Annex A) do not carry "
            "special guardianship orders (Cumberland, 2024-25 Q3; North West, 2024-25 Q3; England, "
            "2024-25 Q3).") in card
    assert "no return was loaded" not in card  # earlier quarters' reasons are in the rows only
    _, body = chart_file(services, "sgos", "csv", state)
    text = body.decode("utf-8")
    assert text.count("do not carry special guardianship orders") >= 2  # the caption and the row


# ---------------------------------------------------------------- the Data quality page


def test_the_data_quality_page_says_whose_data_each_table_misses(sqlite_url, tmp_path) -> None:
    sessions = sessionmaker(engine_for(sqlite_url), expire_on_commit=False)
    store(sessions, tmp_path, valid_return("840"), None)
    store(sessions, tmp_path, annex_a_like("394"), ANNEX_A)
    data, geography = load_measure_data(sessions, Q3, Q3), load_geography(sessions)
    coverage = coverage_by_table(data, geography, "AC2C", Q3).set_index("data")
    rows = coverage[["expected", "missing", "no_return", "not_carried"]].to_dict("index")
    assert rows["Children on the adoption pathway"] == {"expected": 2, "missing": 0, "no_return": "", "not_carried": ""}
    annex_a = {"expected": 2, "missing": 1, "no_return": "", "not_carried": "Sunderland (394): Annex A"}
    assert rows["Special guardianship orders"] == annex_a
    assert rows["Sibling groups"] == annex_a
    # Households: AC2C made no return, so its members' returns stand in; both carry List 11.
    assert rows["Adopter households"] == {"expected": 2, "missing": 0, "no_return": "", "not_carried": ""}
    assert rows["Support fund applications"] == annex_a
    assert rows["How many children adopters are approved for (adopter households)"] == annex_a
    assert "Match dates" not in rows  # every return carries them: no row
    # England: 151 LAs have no return at all.
    england = coverage_by_table(data, geography, "england", Q3).set_index("data")
    assert england.loc["Special guardianship orders", "missing"] == ENGLAND_LAS - 1
    assert england.loc["Special guardianship orders", "no_return"].endswith(f"and {ENGLAND_LAS - 2 - LISTED} more")
    services = Services.from_settings(Settings.from_env(environ={}, database_url=sqlite_url, secret_key="test"))
    page = str(quality_view(services, {"scope": "AC2C", "quarter": QUARTER, "window": 1}).grid)
    assert "Data missing per table" in page and "Sunderland (394): Annex A" in page


def test_completeness_does_not_count_a_column_a_format_does_not_carry_as_unfilled(
    sessions, tmp_path
) -> None:
    # 942's return is Annex A-like: no sibling group ids carried. Its children are not "0%
    # filled in" for sibling_group_id: the column is not there, so it is [x].
    store(sessions, tmp_path, annex_a_like("942"), ANNEX_A)
    data, geography = load_measure_data(sessions, Q3, Q3), load_geography(sessions)

    rows = compute(Selection("completeness", "942", Q3, breakdown="column"), data, geography)
    by_column = {r["category"]: r for r in rows.to_dict("records")}

    assert by_column["children.sibling_group_id"]["status"] == "x"
    assert by_column["children.placement_order_date"]["status"] == ""  # carried: counted
    assert by_column["special_guardianship.support_plan"]["status"] == "z"  # no rows at all
