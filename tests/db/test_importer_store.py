"""Storing returns, on SQLite and PostgreSQL: what a load writes, versions and atomicity.

A valid return loads every table; the same file again is a no-op that says so; a changed file
supersedes the earlier version and keeps it; xlsx, zip and a CSV folder of the same data store the
same rows; `check_path` stores nothing; Annex A leaves out what happened after the quarter; and a
load killed in the middle of its transaction leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.engine import engine_for
from db.importer import check_path, load_path
from db.models import ROW_MODELS, Adopter, Child, Return, Support
from metrics.quarters import Quarter
from tests.builders import AGENCY, QUARTER, snapshot, valid_return

PROJECT = Path(__file__).resolve().parents[2]
EXPECTED_COUNTS = {"children": 3, "adopters": 2, "special_guardianship": 1, "support": 1}


def returns(sessions: sessionmaker[Session]) -> list[Return]:
    with sessions() as session:
        return list(session.scalars(select(Return).order_by(Return.version)))


def stored_rows(sessions: sessionmaker[Session], return_id: int) -> dict[str, list[tuple]]:
    """Every row table's rows of one return, without the ids the store gives them."""
    out = {}
    with sessions() as session:
        for table, model in ROW_MODELS.items():
            columns = [c for c in model.__table__.columns if c.name not in ("id", "return_id")]
            query = select(*columns).where(model.return_id == return_id).order_by(model.source_row)
            out[table] = [tuple(r) for r in session.execute(query)]
    return out


def test_a_valid_return_loads_every_table(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    path = valid_return().write_xlsx(tmp_path / "return.xlsx")

    report = load_path(sessions, path, user="alice")

    assert (report.status, report.version, report.issues) == ("loaded", 1, []), report.text()
    assert report.row_counts == EXPECTED_COUNTS
    assert "LOADED return.xlsx as 942 2024-25 Q3 version 1 (3 children, 2 adopters" in report.text()
    [ret] = returns(sessions)
    assert (ret.agency_code, ret.quarter) == (AGENCY, QUARTER)
    assert ret.quarter_index == Quarter.parse(QUARTER).index
    assert (ret.version, ret.is_current, ret.n_warnings) == (1, True, 0)
    assert (ret.loaded_by, ret.file_name, ret.source_format) == ("alice", "return.xlsx", "xlsx")
    assert ret.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ret.loaded_at is not None
    assert {t: len(rows) for t, rows in stored_rows(sessions, ret.id).items()} == EXPECTED_COUNTS
    with sessions() as session:
        child = session.scalars(select(Child).where(Child.child_id == "C003")).one()
        assert (child.source_row, child.adoption_order_date) == (4, date(2024, 11, 15))
        waiting = session.scalars(select(Child).where(Child.child_id == "C002")).one()
        assert (waiting.disability, waiting.foster_carer_adoption) == (True, False)  # blank is N
        assert waiting.matched_date is None and waiting.sibling_group_id == "S1"
        household = session.scalars(select(Adopter).where(Adopter.adopter_id == "H01")).one()
        assert (household.household, household.approved_places) == ("MF", 2)
        support = session.scalars(select(Support)).one()
        assert support.asf_amount_adoption == Decimal("12000.50")


def test_loading_the_same_file_twice_is_a_no_op_that_says_so(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = valid_return().write_zip(tmp_path / "return.zip")
    load_path(sessions, path, user="alice")
    before = snapshot(sessions)

    again = load_path(sessions, path, user="bob")

    assert (again.status, again.version) == ("unchanged", 1)
    said = again.text()
    assert "UNCHANGED return.zip: this exact file is already loaded as 942 2024-25 Q3" in said
    assert "nothing was stored" in said
    assert snapshot(sessions) == before
    assert [r.loaded_by for r in returns(sessions)] == ["alice"]


def test_a_changed_file_supersedes_the_earlier_version_and_keeps_it(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    first = valid_return().write_folder(tmp_path / "first")
    second = valid_return().set("children", 3, "matched_date", date(2024, 12, 1)).write_folder(
        tmp_path / "second"
    )
    load_path(sessions, first, user="alice")

    report = load_path(sessions, second, user="bob")

    assert (report.status, report.version) == ("loaded", 2)
    v1, v2 = returns(sessions)
    assert (v1.version, v1.is_current, v1.loaded_by, v1.file_name) == (1, False, "alice", "first")
    assert (v2.version, v2.is_current, v2.loaded_by, v2.file_name) == (2, True, "bob", "second")
    assert v1.sha256 != v2.sha256
    old, new = stored_rows(sessions, v1.id), stored_rows(sessions, v2.id)
    assert {t: len(r) for t, r in old.items()} == EXPECTED_COUNTS  # the history keeps its rows
    assert old != new and old["adopters"] == new["adopters"]

    # Loading the first file again makes it current once more, as a new version.
    report = load_path(sessions, first, user="carol")

    assert (report.status, report.version) == ("loaded", 3)
    history = [(r.version, r.is_current) for r in returns(sessions)]
    assert history == [(1, False), (2, False), (3, True)]
    assert stored_rows(sessions, returns(sessions)[2].id) == old


def test_xlsx_zip_and_folder_of_the_same_data_store_identical_rows(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    ret = valid_return()
    paths = [ret.write_xlsx(tmp_path / "r.xlsx"), ret.write_zip(tmp_path / "r.zip"),
             ret.write_folder(tmp_path / "r")]  # fmt: skip

    reports = [load_path(sessions, path, user="alice") for path in paths]

    assert [r.status for r in reports] == ["loaded"] * 3
    loaded = returns(sessions)
    assert [r.source_format for r in loaded] == ["xlsx", "zip", "folder"]
    xlsx_rows, zip_rows, folder_rows = (stored_rows(sessions, r.id) for r in loaded)
    assert xlsx_rows == zip_rows == folder_rows
    assert {t: len(rows) for t, rows in xlsx_rows.items()} == EXPECTED_COUNTS


def test_check_path_stores_nothing(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    load_path(sessions, valid_return().write_zip(tmp_path / "v1.zip"), user="alice")
    before = snapshot(sessions)
    good = valid_return().set("children", 3, "sex", "F").write_zip(tmp_path / "good.zip")
    bad = valid_return().set("children", 3, "sex", "X").write_zip(tmp_path / "bad.zip")
    warns = valid_return().set("children", 3, "date_of_birth", date(2005, 1, 1)).write_zip(
        tmp_path / "warns.zip"
    )

    with sessions() as session:
        reports = [check_path(session, p) for p in (good, bad, warns)]

    assert [(r.status, r.ok) for r in reports] == [("checked", True), ("rejected", False),
                                                  ("checked", True)]  # fmt: skip
    assert "nothing was stored (check only)" in reports[0].text()
    assert [i.rule for i in reports[1].errors] == ["V02"]
    assert [i.rule for i in reports[2].warnings] == ["W03"]
    assert snapshot(sessions) == before


def test_annex_a_loads_the_quarter_and_leaves_out_later_events(
    sessions: sessionmaker[Session], samples: Path
) -> None:
    path = samples / "annex-a" / "Annex_A_2024_Jan.xlsx"

    report = load_path(sessions, path, user="alice", agency="330", quarter="2009-10 Q2")

    assert report.status == "loaded" and report.row_counts["children"] == 2, report.text()
    assert any("3 row(s) skipped as outside the quarter" in note for note in report.notes)
    assert any("event date(s) after 2009-09-30 left out" in note for note in report.notes)
    [ret] = returns(sessions)
    assert (ret.agency_code, ret.quarter, ret.source_format) == ("330", "2009-10 Q2", "annex_a")
    end = Quarter.parse("2009-10 Q2").end
    with sessions() as session:
        children = session.scalars(select(Child)).all()
        households = session.scalars(select(Adopter)).all()
    assert {c.la_code for c in children} == {"330"}
    assert sorted(c.child_id for c in children) == ["10414520", "7961370"]
    dates = [v for row in [*children, *households] for v in vars(row).values()
             if isinstance(v, date)]  # fmt: skip
    assert dates and max(dates) <= end


# ---------------------------------------------------------------- a load killed mid-transaction


def _writing_sqlite(database: str, wal_size_at_start: int) -> bool:
    """True while another process holds SQLite's write lock and has written rows to the WAL."""
    wal = Path(database + "-wal")
    if not wal.exists() or wal.stat().st_size < wal_size_at_start + (1 << 20):
        return False
    probe = sqlite3.connect(database, timeout=0)
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    else:
        probe.rollback()
        return False
    finally:
        probe.close()


def _inserting_postgres(sessions: sessionmaker[Session]) -> bool:
    """True while another connection to this database is inserting the return's children."""
    with sessions() as session:
        return bool(session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
            "AND query ILIKE 'INSERT INTO child %'"
        )))  # fmt: skip


def _other_backends(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ))  # fmt: skip


def _wait_for(
    condition, what: str, process: subprocess.Popen | None = None, limit: float = 60.0
) -> None:
    """Poll until `condition()`; fail if the process ends first (or after `limit` seconds)."""
    deadline = time.monotonic() + limit
    while not condition():
        if process is not None and process.poll() is not None:
            out = process.stdout.read() if process.stdout else ""
            pytest.fail(f"the load ended (status {process.returncode}) before {what}:\n{out}")
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.005)


def test_a_load_killed_inside_its_transaction_leaves_no_partial_return(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    load_path(sessions, valid_return().write_zip(tmp_path / "v1.zip"), user="alice")
    before = snapshot(sessions)
    # A large valid return for the same agency and quarter: it would supersede version 1.
    big = valid_return().with_children(30_000).write_folder(tmp_path / "big")
    sqlite = db_url.startswith("sqlite")
    database = make_url(db_url).database or ""
    engine_for(db_url).dispose()  # SQLite: our connections close, so the WAL starts empty
    wal = Path(database + "-wal")
    wal_at_start = wal.stat().st_size if sqlite and wal.exists() else 0
    env = {**os.environ, "DATABASE_URL": db_url}

    process = subprocess.Popen(
        [sys.executable, "-m", "db", "load", str(big), "--user", "killed"],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        if sqlite:
            _wait_for(lambda: _writing_sqlite(database, wal_at_start), "it wrote rows", process)
        else:
            _wait_for(lambda: _inserting_postgres(sessions), "it inserted children", process)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()  # no-op once it has ended
        process.wait()

    assert process.returncode == -signal.SIGKILL, "the load finished before it was killed"
    if not sqlite:  # the server rolls back when it notices its client is gone
        _wait_for(lambda: _other_backends(sessions) == 0, "the killed load's connection to close")
    assert snapshot(sessions) == before
    [v1] = returns(sessions)
    assert v1.is_current and v1.loaded_by == "alice"
    if sqlite:
        with sessions() as session:
            assert session.scalar(text("PRAGMA integrity_check")) == "ok"
    # The store still takes the next load.
    after = load_path(sessions, valid_return().set("children", 3, "sex", "F").write_zip(
        tmp_path / "v2.zip"), user="alice")  # fmt: skip
    assert (after.status, after.version) == ("loaded", 2), after.text()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 6
