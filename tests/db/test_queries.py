"""Store: the read side of the database, on SQLite and PostgreSQL, and the CLI that uses it."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from config import Settings
from db.cli import main
from db.engine import session_factory
from db.importer import load_path
from db.demo import load_demo
from db.models import Return, ReturnIssue
from db.queries import RETURN_COLUMNS, VERSION_COLUMNS, WARNING_COLUMNS, Store
from metrics.quarters import Quarter

ANNEX_A = ("annex-a", "Annex_A_2024_Jan.xlsx")


def load_annex_a(sessions, samples: Path, path: Path | None = None, agency: str = "330") -> None:
    report = load_path(sessions, path or samples.joinpath(*ANNEX_A), user="test", agency=agency,
                       quarter="2009-10 Q2")
    assert report.ok, report.text()


def same_workbook_new_bytes(samples: Path, tmp_path: Path) -> Path:
    """The sample with a zip comment added: same content, another SHA-256, so a new version."""
    copy = tmp_path / "Annex_A_2024_Jan.xlsx"
    shutil.copy(samples.joinpath(*ANNEX_A), copy)
    with zipfile.ZipFile(copy, "a") as z:
        z.comment = b"second load"
    return copy


def test_empty_store(sessions) -> None:
    store = Store(sessions)
    store.ping()
    frame = store.list_returns()
    assert list(frame.columns) == list(RETURN_COLUMNS)
    assert frame.empty
    assert store.quarters() == []
    assert store.count_returns() == 0


def test_list_returns_current_and_superseded(sessions, samples, tmp_path) -> None:
    load_annex_a(sessions, samples)
    load_annex_a(sessions, samples, agency="331")
    load_annex_a(sessions, samples, same_workbook_new_bytes(samples, tmp_path))
    store = Store(sessions)

    current = store.list_returns()
    assert current[["agency_code", "quarter", "version"]].values.tolist() == [
        ["330", "2009-10 Q2", 2], ["331", "2009-10 Q2", 1],
    ]  # fmt: skip
    assert current["agency_name"].str.len().gt(0).all()
    assert current["is_current"].all()
    assert str(current["loaded_at"].dt.tz) == "UTC"
    assert current["loaded_by"].eq("test").all()

    every = store.list_returns(include_superseded=True)
    assert every[["agency_code", "version", "is_current"]].values.tolist() == [
        ["330", 1, False], ["330", 2, True], ["331", 1, True],
    ]  # fmt: skip
    assert store.count_returns() == 2
    assert store.quarters() == ["2009-10 Q2"]


def test_list_returns_by_quarter(sessions, samples) -> None:
    load_annex_a(sessions, samples)
    store = Store(sessions)
    assert len(store.list_returns("2009-10 Q2")) == 1
    assert len(store.list_returns("2009-10 q2 ")) == 1
    assert store.list_returns("2009-10 Q3").empty
    with pytest.raises(ValueError, match="write it like"):
        store.list_returns("last quarter")


def test_ping_fails_when_the_database_is_unreachable() -> None:
    # Port 1 on loopback: nothing listens, so the connection is refused at once.
    settings = Settings(database_url="postgresql+psycopg2://asg:asg@127.0.0.1:1/none")
    with pytest.raises(SQLAlchemyError):
        Store.from_settings(settings).ping()


def test_cli_returns_reads_through_the_store(db_url, samples, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    load_annex_a(session_factory(Settings(database_url=db_url)), samples)
    assert main(["returns", "--count"]) == 0
    assert capsys.readouterr().out == "1\n"
    assert main(["returns"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["agency", "quarter", "version", "loaded", "at", "(UTC)", "by",
                                "warnings", "held", "back", "file"]
    assert lines[1].split()[:4] == ["330", "2009-10", "Q2", "1"]
    assert lines[1].endswith("Annex_A_2024_Jan.xlsx")
    assert lines[-1] == "1 return(s)."
    assert main(["returns", "--quarter", "nonsense"]) == 2
    assert "write it like" in capsys.readouterr().err


def test_frame_types_are_stable_when_empty(sessions) -> None:
    frame = Store(sessions).list_returns()
    assert pd.api.types.is_datetime64_any_dtype(frame["loaded_at"])
    assert frame["version"].dtype == "int64"


# ---------------------------------------------------------------- data quality page


def test_return_versions_are_the_current_versions(sessions, samples, tmp_path) -> None:
    load_annex_a(sessions, samples)
    load_annex_a(sessions, samples, agency="331")
    load_annex_a(sessions, samples, same_workbook_new_bytes(samples, tmp_path))
    store = Store(sessions)

    frame = store.return_versions("2009-10 Q1", "2009-10 Q3")
    assert list(frame.columns) == list(VERSION_COLUMNS)
    assert frame.values.tolist() == [["330", "2009-10 Q2", 2, 0, "annex_a"],
                                     ["331", "2009-10 Q2", 1, 0, "annex_a"]]
    assert frame["version"].dtype == "int64"
    assert store.return_versions("2009-10 Q2", "2009-10 Q2", ["331"]).values.tolist() == [
        ["331", "2009-10 Q2", 1, 0, "annex_a"]]
    empty = store.return_versions("2010-11 Q1", "2010-11 Q4")
    assert empty.empty and list(empty.columns) == list(VERSION_COLUMNS)
    with pytest.raises(ValueError):
        store.return_versions("soon", "2010-11 Q4")


def test_return_versions_leave_out_a_missing_return(sessions) -> None:
    load_demo(sessions, first=Quarter.parse("2025-26 Q1"), last=Quarter.parse("2025-26 Q2"))
    frame = Store(sessions).return_versions("2025-26 Q1", "2025-26 Q2", ["ASP", "ALS"])
    assert frame.values.tolist() == [
        ["ALS", "2025-26 Q1", 1, 0, "demo"], ["ASP", "2025-26 Q1", 1, 0, "demo"],
        ["ALS", "2025-26 Q2", 1, 0, "demo"],
    ]  # fmt: skip


def test_return_warnings_name_rows_and_columns_not_values(sessions, samples, tmp_path) -> None:
    load_annex_a(sessions, samples)
    load_annex_a(sessions, samples, agency="331")
    load_annex_a(sessions, samples, same_workbook_new_bytes(samples, tmp_path))
    with sessions() as session, session.begin():
        returns = {(r.agency_code, r.version): r.id for r in session.scalars(select(Return))}
        for return_id, rule, row in ((returns[("330", 1)], "W01", 3),  # superseded: not shown
                                     (returns[("330", 2)], "W03", 7),
                                     (returns[("331", 1)], "W04", None)):
            session.query(ReturnIssue).filter_by(return_id=return_id).delete()
            session.add(ReturnIssue(return_id=return_id, rule=rule, table_name="children", row=row,
                                    column="date_of_birth", value="2001-02-03", message=f"{rule} says"))
    store = Store(sessions)

    frame = store.return_warnings("2009-10 Q2")
    assert list(frame.columns) == list(WARNING_COLUMNS)
    assert "value" not in frame.columns
    assert frame[["agency_code", "rule", "row", "message"]].astype(object).where(
        frame[["agency_code", "rule", "row", "message"]].notna(), None).values.tolist() == [
        ["330", "W03", 7, "W03 says"], ["331", "W04", None, "W04 says"],
    ]  # fmt: skip
    assert frame["agency_name"].str.len().gt(0).all()
    assert store.return_warnings("2009-10 Q2", ["331"])["rule"].tolist() == ["W04"]
    assert store.return_warnings(Quarter.parse("2010-11 Q1")).empty
