"""Hostile and broken files: each is refused with a message that names the problem and the fix,
and the store is left exactly as it was, an earlier return still current.

The corpus is tests/data/hostile/, written by its make_corpus.py; HOSTILE below says what each
file must be refused for. Files over the upload limit are made here, in tmp_path, never committed.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.importer import load_path
from db.importer.report import Report
from tests.builders import AGENCY, QUARTER, snapshot, valid_return
from tests.db.test_cli import db

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
MiB = 2**20

# file -> (rule, words its message must contain)
HOSTILE: dict[str, tuple[str, tuple[str, ...]]] = {
    "empty.xlsx": ("F01", ("empty (0 bytes)", "export the return again")),
    "renamed_pdf.xlsx": ("F01", ("not an .xlsx workbook", "a PDF document",
                                 "save the return as .xlsx")),
    "renamed_html.xlsx": ("F01", ("not an .xlsx workbook", "a web page (HTML)")),
    "renamed_csv.xlsx": ("F01", ("not an .xlsx workbook", "plain text, perhaps a CSV file")),
    "renamed_png.zip": ("F01", ("not an .xlsx workbook or a .zip", "a PNG image")),
    "renamed_gzip.zip": ("F01", ("not an .xlsx workbook or a .zip", "a gzip archive")),
    "xml_spreadsheet_2003.xlsx": ("F01", ("XML Spreadsheet 2003", "save the return as .xlsx")),
    "empty_archive.zip": ("F01", ("an empty zip archive",)),
    "truncated.xlsx": ("F01", ("corrupt", "save or export it again")),
    "truncated.zip": ("F01", ("corrupt", "save or export it again")),
    "encrypted.xlsx": ("F01", ("encrypted (password-protected)", "remove the password")),
    "old_format.xls": ("F01", ("old .xls file", "Excel Workbook (.xlsx)")),
    "csv_zip_renamed.xlsx": ("F01", ("a zip of other files, not an .xlsx workbook",
                                     "name a zip of CSV files .zip")),
    "workbook_renamed.zip": ("F01", ("an Excel workbook, but its name ends .zip",
                                     "ends .xlsx")),
    "password_protected.zip": ("F01", ("'return.csv' is password-protected",
                                       "without a password")),
    "zip_bomb.zip": ("F04", ("'children.csv' would unpack to 20,971,520 bytes", "zip bomb",
                             "not opened")),
    "zip_bomb.xlsx": ("F04", ("'xl/worksheets/sheet2.xml' would unpack", "zip bomb")),
    "too_many_entries.zip": ("F04", ("505 entries, more than the 500",)),
    "nested_zip.zip": ("F04", ("'more/inner.zip' is itself an archive",
                               "archives inside archives are not opened")),
    "csv_that_is_a_zip.zip": ("F04", ("'children.csv' is itself an archive",)),
    "embedded_workbook.xlsx": ("F04", ("'xl/embeddings/Microsoft_Excel_Worksheet.xlsx'",
                                       "remove embedded objects")),
    "path_traversal.zip": ("F04", ("'../../children.csv'", "'..' in its path")),
    "absolute_path.zip": ("F04", ("'/tmp/children.csv' has an absolute path",)),
    "backslash_path.zip": ("F04", ("has a backslash in its name",)),
    "drive_letter.zip": ("F04", ("'C:/children.csv' starts with a drive letter",)),
    "symlink.zip": ("F04", ("'children.csv' is a symbolic link", "never followed")),
    "xml_bomb.xlsx": ("F04", ("'xl/styles.xml' declares a DOCTYPE", "XML bomb")),
    "macro.xlsm": ("F05", (".xlsm files can carry macros", "(.xlsx) without macros")),
    "macro_binary.xlsb": ("F05", (".xlsb files can carry macros",)),
    "vba_project.xlsx": ("F05", ("contains macros", "(.xlsx) without macros")),
    "macro_content_type.xlsx": ("F05", ("contains macros",)),
    "excel4_macro_sheet.xlsx": ("F05", ("contains macros",)),
    "external_link.xlsx": ("F05", ("links to other workbooks", "Break Link")),
    "data_connection.xlsx": ("F05", ("links to other workbooks or data sources",)),
    "formula_no_value.xlsx": ("V02", ("support row 2 column asf_applications_sg",
                                      "formula has no value stored")),
    "declares_a_million_rows.xlsx": ("F01", ("sheet 'children' has more than 200,000 rows",
                                             "declares 1,048,576 rows", "IMPORT_MAX_ROWS")),
    "row_beyond_excel.xlsx": ("F01", ("rows beyond Excel's last row 1,048,576",)),
    "utf16_no_bom.zip": ("F01", ("UTF-16 text without a byte-order mark", "'CSV UTF-8'")),
    "utf16_damaged.zip": ("F01", ("starts like UTF-16 text but is damaged",)),
    "latin1.zip": ("F01", ("children.csv is not UTF-8 text", "Latin-1", "'CSV UTF-8'")),
    "nul_bytes.zip": ("F01", ("children.csv contains a NUL character", "on line 2")),
}
DECODED = ["loads_utf8_bom.zip", "loads_utf16_bom.zip"]


@pytest.fixture
def earlier(sessions: sessionmaker[Session], tmp_path: Path) -> dict:
    """A valid return already loaded; what the store holds with it."""
    report = load_path(sessions, valid_return().write_xlsx(tmp_path / "return.xlsx"), user="alice")
    assert report.status == "loaded", report.text()
    return snapshot(sessions)


def assert_refused(report: Report, rule: str, words: tuple[str, ...]) -> None:
    assert report.status == "rejected" and not report.ok, report.text()
    assert [i.rule for i in report.errors] == [rule], report.text()
    for word in words:
        assert word in report.text()
    assert "nothing was stored" in report.text()


def test_the_corpus_is_every_file_the_generator_makes() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.suffix != ".py" and p.is_file()}
    assert on_disk == set(HOSTILE) | set(DECODED)
    assert len(HOSTILE) >= 25
    assert all(p.stat().st_size < 50_000 for p in CORPUS.iterdir() if p.is_file())


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_and_nothing_is_stored(
    name: str, sessions: sessionmaker[Session], earlier: dict
) -> None:
    rule, words = HOSTILE[name]

    report = load_path(sessions, CORPUS / name, user="mallory")

    assert_refused(report, rule, words)
    assert snapshot(sessions) == earlier  # the earlier return is still the current version 1
    [(agency, quarter, version, current, *_)] = earlier["returns"]
    assert (agency, quarter, version, current) == (AGENCY, QUARTER, 1, True)


@pytest.mark.parametrize("name", DECODED)
def test_utf8_and_utf16_with_a_byte_order_mark_are_decoded_and_load(
    name: str, sessions: sessionmaker[Session], earlier: dict
) -> None:
    report = load_path(sessions, CORPUS / name, user="alice")

    assert (report.status, report.version, report.issues) == ("loaded", 2, []), report.text()
    assert report.row_counts["children"] == 3


def sparse_file(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space: a zip signature, then a hole."""
    with path.open("wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(size)
    return path


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(
    sessions: sessionmaker[Session], earlier: dict, tmp_path: Path
) -> None:
    path = sparse_file(tmp_path / "return.xlsx", 60 * MiB)

    report = load_path(sessions, path, user="mallory", max_bytes=50 * MiB)

    assert_refused(report, "F06", ("the file is 60.0 MiB, more than the 50.0 MiB",
                                   "UPLOAD_MAX_BYTES"))
    assert snapshot(sessions) == earlier


def test_a_zip_that_would_unpack_past_ten_times_the_limit_is_refused(
    sessions: sessionmaker[Session], earlier: dict, tmp_path: Path
) -> None:
    # A valid return plus 200,000 spaces: about 2 KB packed, within a 10,000-byte limit, but
    # more than 100,000 bytes unpacked; each entry is too small for the ratio check.
    path = tmp_path / "return.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in valid_return().csv_files().items():
            archive.writestr(name, data)
        archive.writestr("padding.txt", b" " * 200_000)
    assert path.stat().st_size < 10_000

    report = load_path(sessions, path, user="mallory", max_bytes=10_000)

    assert_refused(report, "F04", ("more than 10 times the upload limit", "zip bomb"))
    assert snapshot(sessions) == earlier


def test_a_folder_with_a_symbolic_link_is_refused(
    sessions: sessionmaker[Session], earlier: dict, tmp_path: Path
) -> None:
    folder = valid_return().write_folder(tmp_path / "return")
    (folder / "children.csv").unlink()
    (folder / "children.csv").symlink_to(tmp_path / "elsewhere.csv")

    report = load_path(sessions, folder, user="mallory")

    assert_refused(report, "F04", ("children.csv is a symbolic link", "copy the real file"))
    assert snapshot(sessions) == earlier


def test_the_command_line_refuses_a_60_mib_file(db_url: str, tmp_path: Path) -> None:
    path = sparse_file(tmp_path / "return.xlsx", 60 * MiB)

    result = db(db_url, "load", str(path))

    assert result.returncode == 1, result.stderr
    assert "ERROR F06 (file): value 'return.xlsx': the file is 60.0 MiB" in result.stdout
    assert "REJECTED return.xlsx" in result.stdout and "nothing was stored" in result.stdout


def test_the_command_line_reads_the_limit_from_upload_max_bytes(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = valid_return().write_xlsx(tmp_path / "return.xlsx")
    monkeypatch.setitem(os.environ, "UPLOAD_MAX_BYTES", str(path.stat().st_size - 1))

    result = db(db_url, "check", str(path))

    assert result.returncode == 1, result.stderr
    assert "F06" in result.stdout and "UPLOAD_MAX_BYTES" in result.stdout
