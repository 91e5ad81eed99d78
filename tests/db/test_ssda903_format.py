"""The SSDA903 as an import format, end to end: `python -m db check` and `load` on the public
samples (a folder, a zip, the XML), what a loaded 903 quarter carries and the figures it cannot
give ([x] with the reason, never 0), and a child whose 903 rows break a DfE rule held back by a
partial load while the rest loads. Fake children only.

The hand-built extract (CSV files written by the test), LA 942, quarter 2024-25 Q3:
- K1: in care from 1 May 2024 (RNE S, LS C2, foster placement U1), placement order from
  1 August 2024 (LS E1); PlacedAdoption decision 1 July 2024. Waiting at 31 December 2024.
- K2: the same pathway, but its Header's ETHNIC is `ZZZZ` (DfE rule 103): its derived row is
  held back; K1 loads.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from db.importer.ssda903_files import TABLE_COLUMNS
from db.measure_data import load_geography, load_measure_data
from db.models import Child, Return, SpecialGuardianship
from tests.oracles import compute
from metrics.quarters import Quarter
from metrics.registry import MEASURES
from metrics.selection import Selection
from tests.cli_in_process import cli  # noqa: F401  (a fixture)
from tests.db.test_cli import sessions_for

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
Q3 = "2024-25 Q3"


def extract_folder(folder: Path, ethnic_k2: str = "WBRI") -> Path:
    folder.mkdir()
    (folder / "header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
        f"K1,1,01/02/2022,WBRI,A1,,\nK2,2,01/03/2022,{ethnic_k2},A2,,\n", encoding="utf-8")
    episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
    for child in ("K1", "K2"):
        episodes += (f"{child},01/05/2024,S,C2,N1,U1,PR1,01/08/2024,X1,,H1,P1,XXXXXXX\n"
                     f"{child},01/08/2024,L,E1,N1,U1,PR1,,,,H1,P1,XXXXXXX\n")
    (folder / "episodes.csv").write_text(episodes, encoding="utf-8")
    (folder / "placed_for_adoption.csv").write_text(
        "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n"
        "K1,01/02/2022,01/07/2024,,\nK2,01/03/2022,01/07/2024,,\n", encoding="utf-8")
    return folder


def figure(url: str, measure: str, scope: str, breakdown: str | None = None) -> dict:
    quarter = Quarter.parse(Q3)
    sessions = sessions_for(url)
    data, geography = load_measure_data(sessions, quarter, quarter), load_geography(sessions)
    rows = compute(Selection(measure, scope, quarter, breakdown=breakdown), data, geography)
    if breakdown and len(rows) > 1:
        rows = rows[rows["category"] == "Total"]
    return rows.iloc[0].to_dict()


@pytest.mark.parametrize("sample", ["folder", "zip", "xml", "multiyear"])
def test_check_reads_each_sample_as_ssda903_with_a_line_per_collection_year(
    cli, sqlite_url: str, tmp_path: Path, sample: str
) -> None:
    path = {"folder": SAMPLES / "ssda903", "xml": SAMPLES / "ssda903-xml" / "generated_903.xml",
            "zip": Path(shutil.make_archive(str(tmp_path / "extract"), "zip",
                                            SAMPLES / "ssda903")),
            "multiyear": SAMPLES / "ssda903-multiyear"}[sample]

    ran = cli(sqlite_url, "check", str(path), "--agency", "840", "--quarter", "2017-18 Q3")

    assert ran.returncode == 0, ran.stdout
    assert "Read as an SSDA903 extract." in ran.stdout
    years = [line for line in ran.stdout.splitlines() if re.match(r"20\d\d-\d\d \(April", line)]
    # The multi-year folders hold the collection years ending March 2018 to March 2022.
    assert [y[:7] for y in years] == (["2017-18", "2018-19", "2019-20", "2020-21", "2021-22"]
                                      if sample == "multiyear" else ["2017-18"]), ran.stdout
    summary = years[:1]
    # The folder and its zip: the same extract. Checked against a separate count of its
    # episodes.csv with pandas (episodes open in the year; ended E11/E12; PLACE A3-A6; LS E1/D1;
    # ended E43-E48) when this test was written.
    if sample in ("folder", "zip"):
        assert summary[0] == ("2017-18 (April 2017 to March 2018): 2,123 children looked after, "
                              "82 adopted (REC E11/E12), 574 placed for adoption (PLACE A3-A6), "
                              "443 with a placement order (LS E1/D1), 157 special guardianship "
                              "orders (REC E43-E48).")


def test_the_samples_deliberate_faults_are_told_by_dfe_rule_number(cli, sqlite_url: str) -> None:
    ran = cli(sqlite_url, "load", str(SAMPLES / "ssda903"), "--agency", "840", "--quarter",
              "2017-18 Q3")

    assert ran.returncode == 0, ran.stdout  # no child the faults touch is in this quarter
    # REASON_PLACED_CEASED = "XXX" in every PlacedAdoption row: DfE rule 120.
    assert ran.stdout.count("903-120 placed_adoption (placed_for_adoption.csv)") == 29
    assert "LOADED ssda903 as 840 2017-18 Q3 version 1 (0 children, 0 adopters, 29 " \
           "special_guardianship" in ran.stdout, ran.stdout


def test_a_903_quarter_carries_no_disability_siblings_matches_or_households(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    ran = cli(sqlite_url, "load", str(extract_folder(tmp_path / "x")), "--agency", "942",
              "--quarter", Q3)
    assert ran.returncode == 0, ran.stdout

    with sessions_for(sqlite_url)() as session:
        carries = json.loads(session.scalar(select(Return.carries)))
        stored = session.execute(select(Child.child_id, Child.disability,
                                        Child.placement_order_date)).all()
    assert set(carries) == {"children", "special_guardianship"}
    assert {"disability", "sibling_group_id", "matched_date"}.isdisjoint(carries["children"])
    # The placement order: the start of the first episode with LS E1, 1 August 2024.
    assert sorted(stored) == [("K1", None, date(2024, 8, 1)), ("K2", None, date(2024, 8, 1))]

    assert figure(sqlite_url, "children_waiting", "942")["value"] == 2  # K1, K2
    for measure, breakdown in (("sibling_groups_waiting", None), ("children_waiting", "disability"),
                               ("children_waiting_unmatched", None)):
        row = figure(sqlite_url, measure, "942", breakdown)
        assert row["status"] == "x", (measure, row)
        assert "SSDA903" in row["not_available_reason"], row


def test_a_child_whose_903_rows_break_a_dfe_rule_is_held_back_and_the_rest_loads(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    folder = extract_folder(tmp_path / "x", ethnic_k2="ZZZZ")

    rejected = cli(sqlite_url, "load", str(folder), "--agency", "942", "--quarter", Q3)
    partial = cli(sqlite_url, "load", str(folder), "--agency", "942", "--quarter", Q3,
                  "--accept-valid-rows")

    assert rejected.returncode == 1
    assert "903-103" in rejected.stdout and "ERROR S11 children (derived from SSDA903) row 3" \
        in rejected.stdout, rejected.stdout
    assert partial.returncode == 0, partial.stdout
    assert "HELD BACK S11 children (derived from SSDA903) row 3" in partial.stdout
    with sessions_for(sqlite_url)() as session:
        assert session.scalars(select(Child.child_id)).all() == ["K1"]
        assert session.scalars(select(SpecialGuardianship.child_id)).all() == []


def test_without_a_quarter_every_quarter_the_extract_covers_is_loaded(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    ran = cli(sqlite_url, "load", str(extract_folder(tmp_path / "x")), "--agency", "942")

    assert ran.returncode == 0, ran.stdout
    assert "x covers 4 quarter(s), 2024-25 Q1 to 2024-25 Q4" in ran.stdout
    # K1 and K2: decided 1 July 2024 (Q2), so on the pathway from Q2 on; none in Q1.
    for quarter, children in (("Q1", 0), ("Q2", 2), ("Q3", 2), ("Q4", 2)):
        assert f"LOADED x as 942 2024-25 {quarter} version 1 ({children} children" in ran.stdout


def test_an_extract_whose_children_were_mostly_registered_in_another_la_says_so(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    folder = extract_folder(tmp_path / "x")
    # 24 children whose UPNs were issued by LA 942 (characters 2 to 4), loaded as LA 840.
    rows = "".join(f"Z{i},1,01/02/2015,WBRI,A942{i:09d},,\n" for i in range(24))
    (folder / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + rows,
                                       encoding="utf-8")

    wrong = cli(sqlite_url, "check", str(folder), "--agency", "840", "--quarter", Q3)
    right = cli(sqlite_url, "check", str(folder), "--agency", "942", "--quarter", Q3)

    assert "WARNING S12 header column UPN: value '942': this extract looks like Cumberland's " \
           "(942): 24 of 24 children's UPNs were issued there, not in 840" in wrong.stdout, \
        wrong.stdout
    assert "S12" not in right.stdout


def test_the_data_quality_grid_says_a_return_is_from_ssda903(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    from callbacks.quality import quality_view
    from server.services import Services
    from config import Settings

    cli(sqlite_url, "load", str(extract_folder(tmp_path / "x")), "--agency", "942", "--quarter", Q3)
    view = quality_view(Services.from_settings(Settings(database_url=sqlite_url)),
                        {"scope": "942", "quarter": Q3, "window": 1, "compare": []})

    assert "1 from SSDA903" in str(view.grid)


# ---------------------------------------------------------------- the same children, two ways


def _write_extract(folder: Path) -> Path:
    """tests/unit/test_ssda903_derive.py's hand-built extract (children A01 … H08, every derived date
    worked out in its comments) written as the CSV files an LA exports."""
    from tests.unit.test_ssda903_derive import tables

    folder.mkdir()
    names = {"header": "header.csv", "episodes": "episodes.csv",
             "placed_adoption": "placed_for_adoption.csv", "ad1": "ad1.csv"}
    for key, frame in tables().items():
        frame = frame.drop(columns=["YEAR"]).copy()
        for column in frame.columns:
            if str(frame[column].dtype).startswith("datetime64"):
                frame[column] = frame[column].dt.strftime("%d/%m/%Y")
        for column in TABLE_COLUMNS[key]:
            if column not in frame:
                frame[column] = None
        frame[list(TABLE_COLUMNS[key])].to_csv(folder / names[key], index=False)
    return folder


def test_measures_from_a_903_extract_agree_with_the_same_children_as_our_own_return(
    cli, sqlite_url: str, tmp_path: Path
) -> None:
    from tests.builders import valid_return
    from tests.unit.test_ssda903_derive import OWN_RETURN_Q3

    # LA 942 sends the extract; LA 943 (also outside any RAA) the same children as our return,
    # with the two orders G07 (E45, 1 November 2024) and H08 (E43 read as E45, 1 December).
    assert cli(sqlite_url, "load", str(_write_extract(tmp_path / "x")), "--agency", "942",
               "--quarter", Q3).returncode == 0
    own = valid_return("943").clear_rows("adopters").clear_rows("support")
    own.rows["children"] = [dict(row, la_code="943") for row in OWN_RETURN_Q3]
    sgo = own.rows["special_guardianship"][0]
    own.rows["special_guardianship"] = [
        dict(sgo, child_id=c, sex=s, date_of_birth=date.fromisoformat(b), ethnicity=e,
             disability="N", sgo_date=date.fromisoformat(d), looked_after="Y", guardian="E45",
             support_plan=None, allowance=None, ended_date=None, ended_reason=None)
        for c, s, b, e, d in (("G07", "M", "2019-07-07", "WIRI", "2024-11-01"),
                              ("H08", "F", "2020-05-05", "AIND", "2024-12-01"))]
    assert cli(sqlite_url, "load", str(own.write_zip(tmp_path / "own.zip"))).returncode == 0

    compared = []
    for measure in MEASURES.values():
        if measure.table not in ("children", "special_guardianship") or measure.kind == "quality":
            continue
        from_903, from_return = figure(sqlite_url, measure.id, "942"), figure(sqlite_url,
                                                                               measure.id, "943")
        if from_903["status"] == "x":  # what 903 does not carry: not available, never 0
            assert "SSDA903" in from_903["not_available_reason"], measure.id
            continue
        compared.append(measure.id)
        assert (from_903["status"], from_903["cohort"]) == (from_return["status"],
                                                            from_return["cohort"]), measure.id
        assert from_903["value"] == pytest.approx(from_return["value"], nan_ok=True), measure.id
    # Stocks, flows, timeliness and orders were all compared, not only what is [x].
    assert {"children_waiting", "adoption_orders", "placement_orders", "sgos"} <= set(compared)


def test_the_sample_loads_every_quarter_holding_back_the_children_its_faults_touch(
    cli, sqlite_url: str
) -> None:
    ran = cli(sqlite_url, "load", str(SAMPLES / "ssda903"), "--agency", "840",
              "--accept-valid-rows")

    assert ran.returncode == 0, ran.stdout
    assert ran.stdout.count("LOADED ssda903 as 840 2017-18 Q") == 4
    # 2017-18 Q1's only child on the pathway (667633) and two of Q2's orders come from children
    # whose PlacedAdoption rows carry the sample's "XXX" reason (DfE rule 120), among others.
    assert "LOADED ssda903 as 840 2017-18 Q1 version 1 (PARTIAL: 0 children" in ran.stdout
    assert "HELD BACK S11 children (derived from SSDA903) row 2: value '667633'" in ran.stdout
    assert "DfE rule 120" in ran.stdout
