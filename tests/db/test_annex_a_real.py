"""Annex A as LAs really fill it, loaded through `python -m db load` as a user would (its `main`, in
this process).

One test per spelling family seen in real files (the LIIA schema of London's files, the SSD
extract query many LAs run), each of which the importer once rejected (V02, F02) or read wrong;
and one per wrong number it once stored without a word: adopted households left "in the
process" for ever, `Application refused` as OTHER, `Process on hold` as leaving. Each checks
what was stored, by hand. Fake children only.
"""

from __future__ import annotations

import json
import shlex
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.measure_data import load_geography, load_measure_data
from db.models import Adopter, Child, Return
from tests.oracles import compute
from metrics.quarters import Quarter
from metrics.selection import Selection
from tests.annex_a_files import LA, QUARTER, SSD_10, SSD_11, AnnexA, adopter, child
from tests.cli_in_process import cli  # noqa: F401  (a fixture)
from tests.db.test_cli import sessions_for


@pytest.fixture
def load(cli):
    def run(url: str, path: Path, quarter: str = QUARTER) -> str:
        result = cli(url, "load", str(path), "--agency", LA, "--quarter", quarter)
        assert result.returncode == 0, result.stdout
        assert f"LOADED {path.name} as {LA} {quarter}" in result.stdout, result.stdout
        return result.stdout

    return run


def stored(url: str, model: type, column: str, key: str, quarter: str = QUARTER
           ) -> dict[str, object]:
    """{id: value} of one column of the rows of the LA's current return for the quarter."""
    with sessions_for(url)() as session:
        rows = session.execute(
            select(getattr(model, key), getattr(model, column))
            .join(Return, Return.id == model.return_id)
            .where(Return.agency_code == LA, Return.quarter == quarter,
                   Return.is_current.is_(True))
        ).all()  # fmt: skip
    return dict(rows)


def children_with(column: str, *values: object) -> list[dict]:
    return [child(f"C{i}", **{column: v}) for i, v in enumerate(values, start=1)] + [
        child("LAST", matched_date=date(2024, 2, 1), placed_date=date(2024, 3, 1),
              adoption_order_date=date(2025, 3, 31))
    ]


# ---------------------------------------------------------------- spelling families


@pytest.mark.parametrize(
    "column, typed, expected",
    [
        ("sex", ["1 - Male", "2", "M", "Female", "c) Not stated/recorded", "d) Neither"],
         ["M", "F", "M", "F", "U", "U"]),
        ("ethnicity", ["WBRI - White British", "A1 - White British", "White - British",
                       "(A.A1) White - British", "k) APKN", "u) UNKNOWN"],
         ["WBRI", "WBRI", "WBRI", "WBRI", "APKN", "NOBT"]),
        ("disability", ["0 - No", "1 - Yes", "0", "Yes", "b) No", "a) Yes"],
         [False, True, False, True, False, True]),
    ],
    ids=["sex-numbers-and-labels", "ethnicity-codes-census-and-labels", "disability-numbers"],
)  # fmt: skip
def test_list_10_values_in_every_spelling_load(
    load, sqlite_url: str, tmp_path: Path, column: str, typed: list[str], expected: list[object]
) -> None:
    path = AnnexA(children=children_with(column, *typed)).write(tmp_path / "annex.xlsx")

    load(sqlite_url, path)

    got = stored(sqlite_url, Child, column, "child_id")
    assert [got[f"C{i}"] for i in range(1, len(typed) + 1)] == expected


def test_reversal_reasons_written_out_load_as_their_codes_and_are_never_called_blank(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    reversed_ = dict(decision_reversed_date=date(2024, 11, 1))
    path = AnnexA(children=[
        child("C1", decision_reversed_reason="RD3 Prospective adopters could not be found",
              **reversed_),
        child("C2", decision_reversed_reason="The Court did not make a placement order (RD2)",
              **reversed_),
        child("LAST", adoption_order_date=date(2025, 3, 31)),
    ]).write(tmp_path / "annex.xlsx")  # fmt: skip

    out = load(sqlite_url, path)

    assert stored(sqlite_url, Child, "decision_reversed_reason", "child_id") == {
        "C1": "RD3", "C2": "RD2", "LAST": None}
    assert "is blank" not in out


def test_a_reason_that_cannot_be_read_is_quoted_not_called_blank(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    path = AnnexA(children=[
        child("C1", decision_reversed_date=date(2024, 11, 1),
              decision_reversed_reason="Placement Disruption"),
        child("LAST", adoption_order_date=date(2025, 3, 31)),
    ]).write(tmp_path / "annex.xlsx")  # fmt: skip

    result = cli(sqlite_url, "load", str(path), "--agency", LA, "--quarter", QUARTER)

    assert result.returncode == 1, result.stdout
    assert "ERROR V02 List 10 row 2 column Reason Why Child No Longer Placed for Adoption: value " \
           "'Placement Disruption'" in result.stdout, result.stdout
    assert "is blank" not in result.stdout, result.stdout


def test_fostering_for_adoption_flags_as_numbers_load(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    path = AnnexA(adopters=[adopter("F1", fostering_for_adoption="1 - Yes"),
                            adopter("F2", fostering_for_adoption="0")]).write(tmp_path / "a.xlsx")

    load(sqlite_url, path)

    assert stored(sqlite_url, Adopter, "fostering_for_adoption", "adopter_id") == {
        "F1": True, "F2": False}


def test_the_ssd_extract_query_headers_text_dates_and_1900_placeholders_load(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    text = lambda d: d.strftime("%d/%m/%Y")  # noqa: E731 (the query writes dd/MM/yyyy text)
    kids = [child("C1", date_of_birth=text(date(2021, 5, 1)), entered_care_date="10/01/2023",
                  adm_decision_date="01/06/2023", placement_order_date="01/09/2023",
                  matched_date="01/01/1900", sex="b) Female", ethnicity="c) Not stated/recorded"),
            child("LAST", adoption_order_date="31/03/2025")]
    path = AnnexA(children=kids, headers10=SSD_10, headers11=SSD_11,
                  adopters=[adopter("F1", stage1_start_date="01/01/1900")]
                  ).write(tmp_path / "ssd.xlsx")  # fmt: skip

    out = load(sqlite_url, path)

    assert stored(sqlite_url, Child, "placement_order_date", "child_id")["C1"] == date(2023, 9, 1)
    assert stored(sqlite_url, Child, "matched_date", "child_id")["C1"] is None  # not 1900
    assert stored(sqlite_url, Child, "ethnicity", "child_id")["C1"] == "NOBT"
    assert stored(sqlite_url, Adopter, "stage1_start_date", "adopter_id")["F1"] is None
    assert ("WARNING A03 List 10 row 2 column MatchedForAdoptionDate: value '01/01/1900': 1 "
            "placeholder date(s)") in out, out
    assert "read as blank" in out


def test_lists_are_found_by_their_headers_under_any_sheet_name_and_title(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    path = AnnexA(sheet10="List 10 - Adoption", sheet11="List 11 - Adopters",
                  title_rows=["Ofsted Annex A, County Durham", ""]).write(tmp_path / "a.xlsx")

    out = load(sqlite_url, path)

    assert "(2 children" in out and "1 adopters" in out, out
    assert sorted(stored(sqlite_url, Child, "la_code", "child_id")) == ["C1", "LAST"]


# ---------------------------------------------------------------- wrong numbers


def test_a_household_with_an_adoption_order_and_no_leaving_date_leaves_adopted(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    # Placed in August 2024, adopted 15 November 2024 (2024-25 Q3); List 11 has no leaving date.
    done = adopter("F2", matched_date=date(2024, 8, 1), placed_date=date(2024, 8, 20),
                   adoption_order_date=date(2024, 11, 15))
    path = AnnexA(adopters=[adopter("F1"), done]).write(tmp_path / "annex.xlsx")

    load(sqlite_url, path, "2024-25 Q3")
    in_q3 = stored(sqlite_url, Adopter, "left_reason", "adopter_id")
    left_q3 = stored(sqlite_url, Adopter, "left_date", "adopter_id")
    load(sqlite_url, path, "2024-25 Q4")
    in_q4 = stored(sqlite_url, Adopter, "left_reason", "adopter_id", "2024-25 Q4")

    assert in_q3 == {"F1": None, "F2": "ADOPTED"} and left_q3["F2"] == date(2024, 11, 15)
    assert in_q4 == {"F1": None}  # no longer in the process, not waiting for ever


@pytest.mark.parametrize(
    "typed, reason, in_process",
    [("Application refused", "NOT_APPROVED", False), ("Withdrew", "WITHDREW", False),
     ("Process on hold", None, True)],
)  # fmt: skip
def test_leaving_reasons_are_read_by_meaning_and_on_hold_is_not_leaving(
    load, sqlite_url: str, tmp_path: Path, typed: str, reason: str | None, in_process: bool
) -> None:
    gone = adopter("F2", left_date=date(2024, 11, 1), left_reason=typed)
    path = AnnexA(adopters=[adopter("F1"), gone]).write(tmp_path / "annex.xlsx")

    out = load(sqlite_url, path)

    assert stored(sqlite_url, Adopter, "left_reason", "adopter_id")["F2"] == reason
    left = stored(sqlite_url, Adopter, "left_date", "adopter_id")["F2"]
    assert (left is None) == in_process
    assert "A01" not in out  # none of them is a reason we do not know


def test_the_report_says_which_quarters_the_workbook_can_honestly_fill(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    path = AnnexA().write(tmp_path / "annex.xlsx")

    honest = load(sqlite_url, path, "2024-25 Q3")
    early = load(sqlite_url, path, "2023-24 Q3")

    assert ("this workbook's latest date is 31/03/2025, so it can honestly fill 2024-25 Q1 to "
            "2024-25 Q4") in honest
    assert "A02" not in honest
    assert "WARNING A02" in early and "would be too low" in early


def test_what_an_annex_a_return_carries_is_stored_with_it(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    load(sqlite_url, AnnexA().write(tmp_path / "annex.xlsx"))

    with sessions_for(sqlite_url)() as session:
        carries = json.loads(session.scalar(select(Return.carries).where(Return.agency_code == LA)))
    assert set(carries) == {"children", "adopters"}  # no SGOs, no support fund
    assert "sibling_group_id" not in carries["children"]  # Family identifier is the adopters'
    assert "disruption_date" not in carries["children"]
    assert "matched_date" in carries["children"] and "left_reason" in carries["adopters"]


def test_a_list_10_without_its_ffa_column_does_not_carry_it(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    headers = {c: h for c, h in AnnexA().headers10.items() if c != "ffa_cp_placed_date"}
    load(sqlite_url, AnnexA(headers10=headers).write(tmp_path / "annex.xlsx"))

    with sessions_for(sqlite_url)() as session:
        carries = json.loads(session.scalar(select(Return.carries).where(Return.agency_code == LA)))
    assert "ffa_cp_placed_date" not in carries["children"]


def test_households_of_an_la_in_an_raa_are_said_to_count_under_the_raa(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    out = load(sqlite_url, AnnexA().write(tmp_path / "annex.xlsx"))

    assert ("LA 840 is a member of Adopt Coast to Coast (AC2C), which recruits its adopters: "
            "these 1 household(s) are counted under Adopt Coast to Coast (AC2C)") in out, out


# ---------------------------------------------------------------- what the figures say


def figure(sessions: sessionmaker[Session], measure: str, scope: str) -> dict:
    quarter = Quarter.parse(QUARTER)
    data, geography = load_measure_data(sessions, quarter, quarter), load_geography(sessions)
    rows = compute(Selection(measure, scope, quarter), data, geography)
    assert len(rows) == 1
    return rows.iloc[0].to_dict()


def assert_not_available(row: dict, what: str) -> None:
    assert row["status"] == "x", row  # not available: never a computed 0
    assert what in row.get("not_available_reason", ""), row


def test_an_annex_a_quarter_has_no_sgos_or_siblings_and_its_households_count_under_the_raa(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    # F9 enquired on 5 October 2024, in the quarter; F1 was approved in July (2024-25 Q2).
    new = adopter("F9", enquiry_date=date(2024, 10, 5), stage1_start_date=None,
                  stage1_end_date=None, stage2_start_date=None, stage2_end_date=None,
                  approval_date=None)
    load(sqlite_url, AnnexA(adopters=[adopter("F1"), new]).write(tmp_path / "annex.xlsx"))
    sessions = sessions_for(sqlite_url)

    assert_not_available(figure(sessions, "sgos", LA), "special guardianship")
    assert_not_available(figure(sessions, "sibling_groups_waiting", LA), "sibling")
    assert figure(sessions, "children_waiting", LA)["value"] == 1  # C1; LAST was placed
    for scope in ("AC2C", "england"):
        assert figure(sessions, "enquiries", scope)["value"] == 1, scope  # F9, under the RAA
    assert figure(sessions, "enquiries", LA)["status"] == "z"  # households are the RAA's


def test_the_ssd_querys_list_11_which_cannot_place_households_leaves_them_out_not_the_children(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    # The SSD query's List 11: individuals (AdopterID), no family identifier, and 01/01/1900 for
    # every date it cannot source, enquiry dates included.
    headers = {("_individual" if c == "adopter_id" else c): ("AdopterID" if c == "adopter_id" else h)
               for c, h in SSD_11.items()}
    rows = [dict(adopter("F1"), _individual="A1", enquiry_date="01/01/1900")]
    path = AnnexA(headers10=SSD_10, headers11=headers, adopters=rows).write(tmp_path / "ssd.xlsx")

    out = load(sqlite_url, path)

    assert "WARNING A04 List 11: List 11 is not loaded: the Annex A column 'Family identifier' " \
           "is missing" in out, out
    assert "(2 children, 0 adopters" in out, out
    with sessions_for(sqlite_url)() as session:
        carries = json.loads(session.scalar(select(Return.carries).where(Return.agency_code == LA)))
    assert set(carries) == {"children"}  # households: not available, never none


def test_a_list_11_whose_enquiry_dates_are_all_placeholders_is_left_out_with_a_warning(
    load, sqlite_url: str, tmp_path: Path
) -> None:
    rows = [adopter("F1", enquiry_date="01/01/1900"), adopter("F2", enquiry_date="01/01/1900")]
    out = load(sqlite_url, AnnexA(adopters=rows).write(tmp_path / "annex.xlsx"))

    assert "List 11 is not loaded: no household has a date enquiry received" in out, out
    assert "(2 children, 0 adopters" in out, out


def test_an_annex_a_with_a_bad_row_offers_a_partial_load_that_names_the_la_and_quarter(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    path = AnnexA(children=[child("C1"), child("C2", sex="z) Blue"),
                            child("LAST", adoption_order_date=date(2025, 3, 1))]
                  ).write(tmp_path / "annex.xlsx")  # fmt: skip

    rejected = cli(sqlite_url, "load", str(path), "--agency", LA, "--quarter", QUARTER)
    command = rejected.stdout.split("fail: python -m db ")[1].split(" (the return")[0]
    partial = cli(sqlite_url, *shlex.split(command))

    assert rejected.returncode == 1
    assert command.endswith(f"--agency {LA} --quarter '{QUARTER}' --accept-valid-rows"), command
    assert partial.returncode == 0, partial.stdout
    assert "HELD BACK V02 List 10 row 3 column Gender: value 'z) Blue'" in partial.stdout
    assert sorted(stored(sqlite_url, Child, "sex", "child_id")) == ["C1", "LAST"]


def test_without_a_quarter_each_quarter_the_workbook_can_honestly_fill_is_loaded(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    ran = cli(sqlite_url, "load", str(AnnexA().write(tmp_path / "annex.xlsx")), "--agency", LA)

    assert ran.returncode == 0, ran.stdout
    assert "annex.xlsx covers 4 quarter(s), 2024-25 Q1 to 2024-25 Q4" in ran.stdout
    assert ran.stdout.count("LOADED annex.xlsx as 840 2024-25 Q") == 4
    assert "A02" not in ran.stdout  # only quarters it can honestly fill
