"""The import formats are a registry (db.importer.formats): the CLI, the Load page and the
reader ask it, so a format is one module and one line. A made-up format put in the registry is
recognised by its content, asked for what it needs in each surface's own terms, and listed by
the CLI's help and the Load page; take it out and the same file is refused as no format."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy.orm import Session, sessionmaker

from callbacks.load import accepted_formats
from db import cli
from db.importer import UsageError, check_path, formats
from db.importer.formats import Format
from db.importer.readers import RawReturn

TALLY = SimpleNamespace(
    NAME="tally", TITLE="tally sheet", DESCRIPTION="a made-up sheet called Tally",
    NEEDS=("agency", "quarter"), CARRIES={"children": ("child_id",)},
    recognise=lambda path, kind: kind == "workbook" and "Tally" in _sheets(path),
    read=lambda path, kind, request: (_ for _ in ()).throw(AssertionError("not reached")),
)


def _sheets(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return book.sheetnames
    finally:
        book.close()


@pytest.fixture
def tally_file(tmp_path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "Tally"
    book.active.append(["child", "count"])
    path = tmp_path / "tally.xlsx"
    book.save(path)
    return path


def test_a_format_in_the_registry_is_recognised_and_named_on_every_surface(
    monkeypatch: pytest.MonkeyPatch, sessions: sessionmaker[Session], tally_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(formats, "FORMATS", formats.FORMATS + (Format.of(TALLY),))
    monkeypatch.setattr(cli, "FORMATS", formats.FORMATS)
    monkeypatch.setattr("callbacks.load.FORMATS", formats.FORMATS)

    with sessions() as session, pytest.raises(UsageError) as told:
        check_path(session, tally_file)
    assert told.value.on("cli") == ("tally.xlsx is a tally sheet, which does not say the agency "
                                    'and the quarter to load: name them, e.g. --agency 840 '
                                    '--quarter "2024-25 Q3"')
    assert told.value.on("page").endswith("choose the local authority under Agency and type the "
                                          "quarter under Quarter (e.g. 2024-25 Q3), then check "
                                          "the file again")
    assert "Tally sheet: a made-up sheet called Tally (choose Agency and Quarter above)." \
        in accepted_formats()
    with pytest.raises(SystemExit):
        cli.main(["load", "--help"])
    assert "tally sheet (a made-up sheet called Tally, needs --agency and --quarter)" in \
        " ".join(capsys.readouterr().out.split())


def test_a_file_no_format_claims_is_told_what_each_format_holds(
    sessions: sessionmaker[Session], tally_file: Path
) -> None:
    with sessions() as session:
        report = check_path(session, tally_file)

    assert report.status == "rejected" and [i.rule for i in report.errors] == ["F02"]
    message = report.errors[0].message
    assert "not a file any format here can read" in message
    for fmt in formats.FORMATS:
        assert fmt.description in message


def test_every_report_says_which_format_it_read_the_file_as(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from tests.annex_a_files import AnnexA
    from tests.builders import valid_return

    with sessions() as session:
        annex = check_path(session, AnnexA().write(tmp_path / "a.xlsx"), agency="840",
                           quarter="2024-25 Q3")
        ours = check_path(session, valid_return().write_zip(tmp_path / "r.zip"))
    assert "Read as an Annex A workbook." in annex.notes and "Read as an Annex A workbook." in \
        annex.text()
    assert "Read as a return workbook." in ours.notes
