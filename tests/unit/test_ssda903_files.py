"""Reading SSDA903 extracts (db.importer.ssda903_files) from the public samples, by hand-counted
rows, and the DfE rules each with a failing case. No database, no app."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from db.importer import safety
from db.importer.report import Rejected
from db.importer.ssda903_files import TABLE_COLUMNS, describe, read_extract, recognise
from tests.annex_a_files import AnnexA
from tests.builders import valid_return

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
ONE_YEAR = SAMPLES / "ssda903"
MULTI = SAMPLES / "ssda903-multiyear"
XML = SAMPLES / "ssda903-xml" / "generated_903.xml"
ERRORS = SAMPLES / "ssda903-errors" / "placed_for_adoption_errors.csv"
ONE_YEAR_COUNTS = {"header": 2675, "episodes": 5050, "ad1": 29, "placed_adoption": 29,
                   "prev_perm": 2675}


def counts(extract) -> dict[str, int]:
    return {t: len(f) for t, f in extract.tables.items() if len(f)}


def rules(extract, rule: str):
    return [i for i in extract.issues if i.rule == rule]


def test_one_year_folder_is_read_with_its_row_counts_and_year():
    assert recognise(ONE_YEAR, "folder")
    extract = read_extract(ONE_YEAR, "folder")
    assert counts(extract) == ONE_YEAR_COUNTS
    assert extract.years == [2018]  # latest episode start 31/03/2018
    episodes = extract.tables["episodes"]
    assert list(episodes.columns) == list(TABLE_COLUMNS["episodes"]) + ["YEAR", "_source", "_row"]
    first = episodes.iloc[0]
    assert (first["CHILD"], first["DECOM"], first["DEC"], first["_source"], first["_row"]) == (
        "566910", pd.Timestamp(2016, 2, 15), pd.Timestamp(2017, 8, 14), "episodes.csv", 2)
    assert pd.isna(episodes.iloc[1]["DEC"]) and episodes.iloc[1]["PLACE"] == "A3"
    assert str(episodes["DECOM"].dtype).startswith("datetime64")


def test_a_zip_of_the_folder_reads_the_same(tmp_path):
    path = tmp_path / "903.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for csv in ONE_YEAR.glob("*.csv"):
            archive.write(csv, f"extract/{csv.name}")
    assert safety.check_file(path, 50 << 20) == "zip"
    assert recognise(path, "zip")
    assert counts(read_extract(path, "zip")) == ONE_YEAR_COUNTS


@pytest.mark.parametrize("name, table, rows", [
    ("header.csv", "header", 2675), ("episodes.csv", "episodes", 5050), ("ad1.csv", "ad1", 29),
    ("placed_for_adoption.csv", "placed_adoption", 29),
    ("previous_permanence.csv", "prev_perm", 2675),
])
def test_each_csv_on_its_own_is_recognised_by_its_header(tmp_path, name, table, rows):
    renamed = tmp_path / "export_0001.csv"  # the name says nothing
    renamed.write_bytes((ONE_YEAR / name).read_bytes())
    assert safety.check_file(renamed, 50 << 20) == "csv"
    assert recognise(renamed, "csv")
    extract = read_extract(renamed, "csv")
    assert counts(extract) == {table: rows}
    if table in ("header", "prev_perm"):  # no dated record says which year
        assert extract.years == [] and "collection year not known" in extract.notes[0]


def test_several_files_given_together(tmp_path):
    files = [ONE_YEAR / "header.csv", ONE_YEAR / "ad1.csv"]
    assert counts(read_extract(files, "files")) == {"header": 2675, "ad1": 29}


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"), lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),  # with its byte-order mark
], ids=["utf-8", "utf-8-bom", "utf-16-bom"])
def test_encodings(tmp_path, encode):
    text = (ONE_YEAR / "header.csv").read_text(encoding="utf-8")
    path = tmp_path / "h.csv"
    path.write_bytes(encode(text))
    assert recognise(path, "csv")
    header = read_extract(path, "csv").tables["header"]
    assert len(header) == 2675 and list(header.iloc[0][["CHILD", "SEX", "ETHNIC"]]) == [
        "566910", "2", "WROM"]


def test_the_multiyear_folders_together_are_stitched():
    assert recognise(MULTI, "folder")
    extract = read_extract(MULTI, "folder")
    # Folder 2017 holds April 2017 to March 2018: years are the ones the collections end.
    assert extract.years == [2018, 2019, 2020, 2021, 2022]
    assert any("folder 2017: collection year ending March 2018" in n for n in extract.notes)
    episodes = extract.tables["episodes"]
    # Child 309655 (hand-worked from the four folders): eight episodes, each once, an episode
    # open at 31 March taken from the next year's file with its end.
    child = episodes[episodes["CHILD"] == "309655"].sort_values("DECOM")
    expected = [
        ("26/10/2016", "14/07/2017", 2018, 1401), ("14/07/2017", "20/07/2018", 2019, 936),
        ("14/12/2017", "28/12/2017", 2018, 1403), ("28/12/2017", "07/04/2018", 2019, 937),
        ("07/04/2018", "01/09/2018", 2019, 938), ("01/09/2018", "09/10/2019", 2020, 619),
        ("09/10/2019", "28/12/2019", 2020, 620), ("28/12/2019", "14/06/2020", 2021, 383),
    ]
    got = [(r["DECOM"].strftime("%d/%m/%Y"), r["DEC"].strftime("%d/%m/%Y"), r["YEAR"], r["_row"])
           for _, r in child.iterrows()]
    assert got == expected
    header = extract.tables["header"]
    assert header[header["CHILD"] == "309655"][["YEAR", "_row"]].values.tolist() == [[2021, 218]]
    raw = 1460 + 974 + 648 + 402 + 253
    assert len(episodes) == raw - 910  # 910 episodes read in two years, kept once
    assert not episodes.duplicated(["CHILD", "DECOM"]).any()
    assert not rules(extract, "S02") and not rules(extract, "S03")
    lines = describe(extract)
    assert len(lines) == 5 and lines[0].startswith("2017-18 (April 2017 to March 2018): ")


def write_year(folder: Path, header: str, episodes: str) -> None:
    folder.mkdir(parents=True)
    (folder / "h.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + header)
    (folder / "e.csv").write_text(",".join(TABLE_COLUMNS["episodes"]) + "\n" + episodes)


def test_differences_across_years_are_reported(tmp_path):
    write_year(tmp_path / "a", "1,1,01/01/2010,WBRI,,,\n",
               "1,01/02/2018,S,C2,N1,U1,PR1,,,,,,\n")
    write_year(tmp_path / "b", "1,2,01/01/2010,WBRI,,,\n",
               "1,01/02/2018,S,C1,N1,U1,PR1,01/05/2018,E11,,,,\n"
               "2,01/06/2018,S,C1,N1,U1,PR1,,,,,,\n")
    extract = read_extract(tmp_path, "folder")
    assert extract.years == [2018, 2019]
    (changed,) = rules(extract, "S02")
    assert changed.level == "warning" and changed.column == "LS" and "CHILD 1" in changed.message
    (sex,) = rules(extract, "S03")
    assert sex.column == "SEX" and "'1' in 2018 and '2' in 2019" in sex.message
    child = extract.tables["episodes"].query("CHILD == '1'")
    assert child["LS"].tolist() == ["C1"] and child["YEAR"].tolist() == [2019]


def test_the_xml_form():
    assert safety.check_file(XML, 50 << 20) == "xml"
    assert recognise(XML, "xml")
    extract = read_extract(XML, "xml")
    assert counts(extract) == {"header": 261, "episodes": 507}
    assert extract.years == [2018]
    eps = extract.tables["episodes"]
    child = eps[eps["CHILD"] == "235281"]
    assert child[["PLACE", "REC", "LS"]].values.tolist() == [["T0", "X1", "D1"],
                                                             ["T0", "E4A", "D1"]]
    assert child["_row"].tolist() == [3, 3] and pd.isna(child.iloc[1]["DEC"])
    head = extract.tables["header"]
    assert head.iloc[0][["CHILD", "SEX", "ETHNIC"]].tolist() == ["484246", "2", "WROM"]
    assert not extract.issues


def test_xml_with_a_doctype_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903/>')
    with pytest.raises(Rejected) as refused:
        safety.check_file(bomb, 50 << 20)
    assert refused.value.issues[0].rule == "F04"


def test_csv_with_nul_bytes_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"CHILD,SEX\n1\x00,2\n")
    with pytest.raises(Rejected) as refused:
        safety.check_file(path, 50 << 20)
    assert refused.value.issues[0].rule == "F01"


# ---------------------------------------------------------------- the samples' faults


def test_the_samples_deliberate_faults_are_reported_with_their_dfe_rules():
    extract = read_extract(ONE_YEAR, "folder")
    xxx = rules(extract, "903-120")
    assert len(xxx) == 29 and xxx[0].value == "XXX" and xxx[0].row == 2
    assert "CHILD 988635" in xxx[0].message and "DfE rule 120" in xxx[0].message
    assert xxx[0].table == "placed_adoption (placed_for_adoption.csv)"
    assert len(rules(extract, "903-525")) == 29  # reversed, yet adoption details in AD1
    same_day = rules(extract, "S04")  # DATE_INT = DATE_MATCH: no DfE rule; a warning of ours
    assert len(same_day) == 29 and same_day[0].level == "warning"
    assert not rules(extract, "903-333")  # DATE_INT <= DATE_MATCH holds when they are equal


def test_the_errors_variants_duplicated_child(tmp_path):
    for name in ("header.csv", "ad1.csv"):
        (tmp_path / name).write_bytes((ONE_YEAR / name).read_bytes())
    (tmp_path / "pa.csv").write_bytes(ERRORS.read_bytes())
    extract = read_extract(tmp_path, "folder")
    assert len(extract.tables["placed_adoption"]) == 30
    # Every DATE_PLACED but the duplicate's second row is a year after AD1's DATE_INT.
    mismatch = rules(extract, "903-523")
    assert [i.row for i in mismatch] == [2] + list(range(4, 32))
    assert (mismatch[0].column, mismatch[0].value) == ("DATE_PLACED", "22/11/2016")
    assert "CHILD 988635" in mismatch[0].message and "22/11/2015" in mismatch[0].message


def test_two_files_of_one_table_are_reported(tmp_path):
    for name in ("episodes.csv", "placed_for_adoption.csv"):
        (tmp_path / name).write_bytes((ONE_YEAR / name).read_bytes())
    (tmp_path / "placed_for_adoption_errors.csv").write_bytes(ERRORS.read_bytes())
    (two,) = rules(read_extract(tmp_path, "folder"), "S01")
    assert two.level == "warning" and "placed_for_adoption_errors.csv" in two.value


# ---------------------------------------------------------------- the DfE rules, one by one

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = ",".join(TABLE_COLUMNS["episodes"]) + "\n"
AD1 = ",".join(TABLE_COLUMNS["ad1"]) + "\n"
PLACED = ",".join(TABLE_COLUMNS["placed_adoption"]) + "\n"
GOOD_EPISODE = "7,01/01/2018,S,C2,N1,U1,PR1,,,,,,\n"
ADOPTED_EPISODE = "7,01/01/2018,S,E1,N1,A3,PR1,01/03/2018,E11,,,,\n"


def extract_of(tmp_path, **tables: str):
    files = {"header": HEADER + "7,1,01/01/2010,WBRI,,,\n", "episodes": EPISODES + GOOD_EPISODE}
    files.update({k: v for k, v in tables.items()})
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text)
    return read_extract(tmp_path, "folder")


@pytest.mark.parametrize("rule, tables, column", [
    ("903-101", {"header": HEADER + "7,3,01/01/2010,WBRI,,,\n"}, "SEX"),
    ("903-103", {"header": HEADER + "7,1,01/01/2010,White,,,\n"}, "ETHNIC"),
    ("903-143", {"episodes": EPISODES + "7,01/01/2018,X,C2,N1,U1,PR1,,,,,,\n"}, "RNE"),
    ("903-144", {"episodes": EPISODES + "7,01/01/2018,S,ZZ,N1,U1,PR1,,,,,,\n"}, "LS"),
    ("903-145", {"episodes": EPISODES + "7,01/01/2018,S,C2,N9,U1,PR1,,,,,,\n"}, "CIN"),
    ("903-146", {"episodes": EPISODES + "7,01/01/2018,S,C2,N1,A2,PR1,,,,,,\n"}, "PLACE"),
    ("903-149", {"episodes": EPISODES + "7,01/01/2018,S,C2,N1,U1,PR1,02/01/2018,E99,,,,\n"},
     "REC"),
    ("903-120", {"placed_adoption": PLACED + "7,01/01/2010,01/01/2017,01/02/2018,RD9\n"},
     "REASON_PLACED_CEASED"),
    ("903-119", {"placed_adoption": PLACED + "7,01/01/2010,01/01/2017,01/02/2018,\n"},
     "REASON_PLACED_CEASED"),
    ("903-333", {"ad1": AD1 + "7,01/01/2010,02/02/2017,01/02/2017,,,,\n"}, "DATE_INT"),
    ("903-331", {"episodes": EPISODES + "7,01/01/2018,S,C2,N1,A3,PR1,01/03/2018,E11,,,,\n",
                 "ad1": AD1 + "7,01/01/2010,01/12/2017,05/01/2018,,,,\n"}, "DATE_MATCH"),
    ("903-521", {"episodes": EPISODES + "7,01/01/2018,S,C2,N1,A3,PR1,,,,,,\n",
                 "ad1": AD1 + "7,01/01/2010,05/01/2018,06/01/2018,,,,\n"}, "DATE_INT"),
    ("903-523", {"placed_adoption": PLACED + "7,01/01/2010,01/01/2017,,\n",
                 "ad1": AD1 + "7,01/01/2010,02/01/2017,03/01/2017,,,,\n"}, "DATE_PLACED"),
    ("903-525", {"placed_adoption": PLACED + "7,01/01/2010,01/01/2017,01/02/2017,RD1\n",
                 "ad1": AD1 + "7,01/01/2010,,,1,,,\n"}, "DATE_PLACED_CEASED"),
    ("903-552", {"episodes": EPISODES + "7,01/01/2018,S,C2,N1,A4,PR1,,,,,,\n",
                 "placed_adoption": PLACED + "7,01/01/2010,05/01/2018,,\n"}, "DATE_PLACED"),
    ("903-554", {"episodes": EPISODES + "7,01/01/2018,S,E1,N1,U1,PR1,,,,,,\n",
                 "placed_adoption": PLACED + "7,01/01/2010,05/01/2018,,\n"}, "DATE_PLACED"),
    # Adopted on 1 March 2018 (E11), yet the decision was reversed on 5 January 2018.
    ("903-558", {"episodes": EPISODES + ADOPTED_EPISODE,
                 "placed_adoption": PLACED + "7,01/01/2010,01/12/2017,05/01/2018,RD1\n"},
     "DATE_PLACED_CEASED"),
    # Adopted in the year; AD1 gives DATE_INT, DATE_MATCH and FOSTER_CARE but not the adopters.
    ("903-601", {"episodes": EPISODES + ADOPTED_EPISODE,
                 "ad1": AD1 + "7,01/01/2010,01/12/2017,20/12/2017,1,,,\n"}, "NB_ADOPTR"),
    # Full adoption details, but the child's episode did not end in adoption.
    ("903-602", {"ad1": AD1 + "7,01/01/2010,01/12/2017,20/12/2017,1,2,MF,L0\n"}, "CHILD"),
])
def test_dfe_rule(tmp_path, rule, tables, column):
    extract = extract_of(tmp_path, **tables)
    found = rules(extract, rule)
    assert found, [i.line() for i in extract.issues]
    assert found[0].column == column and found[0].row == 2
    assert f"DfE rule {rule[4:]}" in found[0].message and "CHILD 7" in found[0].message
    assert found[0].level == ("warning" if rule == "903-554" else "error")


def test_a_clean_extract_has_no_issue(tmp_path):
    assert extract_of(tmp_path).issues == []


def test_a_bad_date_is_named(tmp_path):
    extract = extract_of(tmp_path, header=HEADER + "7,1,31/02/2010,WBRI,,,\n")
    (bad,) = rules(extract, "V02")
    assert (bad.column, bad.value, bad.row) == ("DOB", "31/02/2010", 2)


# ---------------------------------------------------------------- not 903


def test_a_csv_that_is_not_903_is_told_in_one_line(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("name,age\nAnn,4\n")
    assert not recognise(path, "csv")
    with pytest.raises(Rejected) as refused:
        read_extract(path, "csv")
    (only,) = refused.value.issues
    assert only.rule == "F02" and "this is not an SSDA903 extract" in only.message
    assert "\n" not in only.line()


def test_a_903_like_csv_names_the_table_and_its_missing_columns(tmp_path):
    path = tmp_path / "eps.csv"
    path.write_text("CHILD,DECOM_DATE,RNE,LS,PLACE\n1,01/01/2018,S,C2,U1\n")
    assert not recognise(path, "csv")
    with pytest.raises(Rejected) as refused:
        read_extract(path, "csv")
    assert "looks like the 903 Episodes table but lacks the column(s) DECOM" in str(refused.value)


def test_our_own_return_and_annex_a_are_not_903(tmp_path):
    assert not recognise(valid_return().write_zip(tmp_path / "r.zip"), "zip")
    assert not recognise(valid_return().write_folder(tmp_path / "r"), "folder")
    assert not recognise(valid_return().write_xlsx(tmp_path / "r.xlsx"), "workbook")
    assert not recognise(AnnexA().write(tmp_path / "a.xlsx"), "workbook")


def test_the_xml_reader_itself_refuses_a_doctype(tmp_path):
    # Past the safety check (in a zip, say), defusedxml still refuses any DTD or entity.
    from db.importer.ssda903_files import _read_xml

    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><EXPSSDA903>&a;</EXPSSDA903>'
    with pytest.raises(Rejected) as refused:
        _read_xml(bomb, "bomb.xml", "extract")
    assert "declares a DOCTYPE or entities" in refused.value.issues[0].message
