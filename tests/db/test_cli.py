"""The command line, `python -m db`, run as a user runs it: a subprocess with DATABASE_URL set.

The Annex A acceptance load (LOADED, rows skipped, then UNCHANGED), a quarter whose rows break a
rule (exit 1, nothing stored), usage errors (exit 2 with how to fix), `check` (exit 0 or 1,
stores nothing) and `returns`. Key cases run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db import users
from db.engine import engine_for
from db.importer import load_path
from db.models import AuditEvent, Child, Return
from tests.builders import D, snapshot, two_bad_of_forty, valid_return

PROJECT = Path(__file__).resolve().parents[2]
ANNEX_A = Path("tests/data/samples/annex-a/Annex_A_2024_Jan.xlsx")  # as typed in the project


def db(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m db ARGS` in the project folder against the database at `url`."""
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "db", *args], cwd=PROJECT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def sessions_for(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url))


def test_annex_a_loads_as_the_named_la_and_quarter_once(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    load = db(db_url, "load", str(ANNEX_A), "--agency", "330", "--quarter", "2009-10 Q2")

    assert load.returncode == 0, load.stdout + load.stderr
    assert "LOADED Annex_A_2024_Jan.xlsx as 330 2009-10 Q2 version 1 (2 children," in load.stdout
    assert "3 row(s) skipped as outside the quarter" in load.stdout
    with sessions() as session:
        [ret] = session.scalars(select(Return)).all()
        assert (ret.agency_code, ret.quarter, ret.is_current) == ("330", "2009-10 Q2", True)
        assert session.scalar(select(func.count()).select_from(Child)) == 2
    before = snapshot(sessions)

    again = db(db_url, "load", str(ANNEX_A), "--agency", "330", "--quarter", "2009-10 Q2")

    assert again.returncode == 0, again.stdout + again.stderr
    assert "UNCHANGED Annex_A_2024_Jan.xlsx" in again.stdout
    assert "already loaded as 330 2009-10 Q2 version 1; nothing was stored" in again.stdout
    assert snapshot(sessions) == before

    listed = db(db_url, "returns")

    assert listed.returncode == 0, listed.stderr
    [row] = [line for line in listed.stdout.splitlines() if line.startswith("330 ")]
    assert row.split()[:3] == ["330", "2009-10", "Q2"] and "Annex_A_2024_Jan.xlsx" in row
    assert "1 return(s)." in listed.stdout


def test_annex_a_for_a_quarter_whose_rows_break_a_rule_is_rejected(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    before = snapshot(sessions)

    result = db(db_url, "load", str(ANNEX_A), "--agency", "330", "--quarter", "2014-15 Q3")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "ERROR C04 List 10 row 4" in result.stdout
    assert "clear the one that did not happen" in result.stdout
    assert "REJECTED Annex_A_2024_Jan.xlsx: 1 error(s)" in result.stdout
    assert "nothing was stored" in result.stdout
    assert snapshot(sessions) == before


@pytest.mark.parametrize(
    "args, fix",
    [
        (["--quarter", "2009-10 Q2"], "is an Annex A workbook, which does not say the agency to "
                                      "load: name it, e.g. --agency 840"),
        (["--agency", "ABM", "--quarter", "2009-10 Q2"], "give the LA's 3-digit DfE code"),
    ],
    ids=["no-agency", "agency-is-not-an-la"],
)  # fmt: skip
def test_annex_a_without_a_usable_la_and_quarter_is_a_usage_error(
    sqlite_url: str, args: list[str], fix: str
) -> None:
    result = db(sqlite_url, "load", str(ANNEX_A), *args)

    assert result.returncode == 2, result.stdout + result.stderr
    assert fix in result.stderr
    assert snapshot(sessions_for(sqlite_url))["returns"] == []


def test_check_exits_0_or_1_and_stores_nothing(sqlite_url: str, tmp_path: Path) -> None:
    good = valid_return().write_zip(tmp_path / "good.zip")
    bad = valid_return().set("children", 3, "sex", "X").write_xlsx(tmp_path / "bad.xlsx")
    before = snapshot(sessions_for(sqlite_url))

    ok = db(sqlite_url, "check", str(good))
    rejected = db(sqlite_url, "check", str(good), str(bad))

    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK good.zip for 942 2024-25 Q3 (3 children" in ok.stdout
    assert "nothing was stored (check only)" in ok.stdout
    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    assert "OK good.zip" in rejected.stdout  # every file is reported
    assert "ERROR V02 children row 3 column sex: value 'X'" in rejected.stdout
    assert "REJECTED bad.xlsx" in rejected.stdout
    assert snapshot(sessions_for(sqlite_url)) == before


def test_returns_for_a_quarter_that_does_not_parse_is_a_usage_error(sqlite_url: str) -> None:
    result = db(sqlite_url, "returns", "--quarter", "nonsense")

    assert result.returncode == 2, result.stdout + result.stderr
    assert "'nonsense' is not a quarter; write it like '2024-25 Q3'" in result.stderr


def test_load_as_a_dashboard_user_is_refused_for_an_agency_they_may_not_load_before_any_stored_row(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with sessions() as session, session.begin():
        users.add_user(session, "vic", "a long enough password", "viewer", actor="test")
        users.add_user(session, "cora", "a long enough password", "analyst", ["AC2C"], actor="test")
    load_path(sessions, valid_return("941").write_zip(tmp_path / "q3.zip"), user="admin")
    # A Q4 file for 941 that would make W04 quote the stored C002 and C001's stored date.
    probe = (valid_return("941", "2024-25 Q4").delete_row("children", 4).delete_row("children", 3)
             .set("children", 2, "adm_decision_date", D("2022-06-02")))
    probe.clear_rows("special_guardianship")
    path = probe.write_zip(tmp_path / "probe.zip")
    before = snapshot(sessions)

    for who in ("vic", "cora"):
        refused = db(db_url, "load", str(path), "--user", who)

        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert refused.stdout.strip() == ("REFUSED probe.zip: you may not load returns for agency "
                                          "941; nothing was stored.")
        assert "C002" not in refused.stdout + refused.stderr
        assert "2022-06-01" not in refused.stdout + refused.stderr
    assert snapshot(sessions) == before
    with sessions() as session:
        kinds = session.execute(select(AuditEvent.kind, AuditEvent.user_name)
                                .order_by(AuditEvent.id)).all()[-2:]
    assert kinds == [("load_rejected", "vic"), ("load_rejected", "cora")]
    # An operator's own name (no dashboard user) loads with the database's rights, as before.
    operator = db(db_url, "load", str(path), "--user", "operator")
    assert operator.returncode == 0, operator.stdout + operator.stderr
    assert "WARNING W04" in operator.stdout


def test_accept_valid_rows_loads_38_of_40_children_lists_the_2_held_back_and_returns_says_partial(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = two_bad_of_forty().write_xlsx(tmp_path / "forty.xlsx")
    before = snapshot(sessions)

    rejected = db(db_url, "load", str(path))

    assert rejected.returncode == 1, rejected.stdout + rejected.stderr
    assert "REJECTED forty.xlsx: 2 error(s)" in rejected.stdout
    assert ("Or load the rows that pass (38 children, 2 adopters, 1 special_guardianship, "
            "1 support) and hold back the 2 row(s) that fail") in rejected.stdout
    assert "--accept-valid-rows" in rejected.stdout
    assert snapshot(sessions) == before

    partial = db(db_url, "load", str(path), "--accept-valid-rows")

    assert partial.returncode == 0, partial.stdout + partial.stderr
    held = [line for line in partial.stdout.splitlines() if line.startswith("HELD BACK")]
    assert [line.split()[2:6] for line in held] == [
        ["C03", "children", "row", "7"], ["V02", "children", "row", "30"]]
    assert ("LOADED forty.xlsx as 942 2024-25 Q3 version 1 (PARTIAL: 38 children, 2 adopters, "
            "1 special_guardianship, 1 support; 2 row(s) held back") in partial.stdout
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 38
        assert session.scalars(select(Return.rows_held_back)).one() == 2

    listed = db(db_url, "returns")

    [row] = [line for line in listed.stdout.splitlines() if line.startswith("942 ")]
    assert row.split()[7:] == ["0", "2", "forty.xlsx", "(PARTIAL)"]  # warnings, held back
    assert "1 return(s), 1 partial" in listed.stdout


def test_accept_valid_rows_still_rejects_an_error_that_is_not_about_one_row(
    sqlite_url: str, tmp_path: Path
) -> None:
    spoilt = two_bad_of_forty().set("return", 2, "agency_code", "999")
    path = spoilt.write_xlsx(tmp_path / "spoilt.xlsx")

    result = db(sqlite_url, "load", str(path), "--accept-valid-rows")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "REJECTED spoilt.xlsx" in result.stdout
    assert "--accept-valid-rows did not apply: 1 error(s) are not about a single row" in result.stdout
    assert "ERROR V04 return row 2 column agency_code" in result.stdout
    assert snapshot(sessions_for(sqlite_url))["returns"] == []
