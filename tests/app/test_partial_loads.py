"""Loading only the rows that pass (`load_path(..., accept_valid_rows=True)`), on SQLite and
PostgreSQL: the failing rows are held back and listed, the return is stored as partial with
their count, and nothing else is left out. Errors that are not about one row (the file, the
`return` or `support` table, a whole LA) still reject the return, and so does a table whose
every row fails. Without asking, a return with errors stores nothing, as before. And every
figure a partial return feeds says so: the data API's `partial_returns`, a chart's caption,
the Data quality page and the Returns loaded page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app import create_app
from callbacks.chart_pages import chart_view
from charts import CHARTS
from callbacks.quality import quality_view
from callbacks.returns import show_returns
from server.services import Services
from config import Settings
from db.engine import engine_for
from db.importer import check_path, load_path
from db.models import AuditEvent, Child, Return, ReturnIssue
from tests.accounts import signed_in_client
from tests.builders import D, QUARTER, ReturnFile, snapshot, two_bad_of_forty, valid_return


def stored_children(sessions: sessionmaker[Session]) -> list[tuple[int, str]]:
    with sessions() as session:
        return [tuple(r) for r in session.execute(
            select(Child.source_row, Child.child_id).order_by(Child.source_row))]


def stored_issues(sessions: sessionmaker[Session]) -> list[tuple[str, str, int | None]]:
    with sessions() as session:
        return [tuple(r) for r in session.execute(
            select(ReturnIssue.rule, ReturnIssue.table_name, ReturnIssue.row)
            .order_by(ReturnIssue.row))]


def test_the_rows_that_pass_load_as_a_partial_return_and_the_failing_rows_are_listed(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = two_bad_of_forty().write_xlsx(tmp_path / "forty.xlsx")

    report = load_path(sessions, path, user="analyst", accept_valid_rows=True)

    assert (report.status, report.version, report.partial, report.ok) == ("loaded", 1, True, True)
    assert [(i.rule, i.table, i.row) for i in report.held_back] == [
        ("C03", "children", 7), ("V02", "children", 30)]
    assert report.rows_held_back == 2 and report.row_counts["children"] == 38
    children = stored_children(sessions)
    assert len(children) == 38 and {7, 30}.isdisjoint(row for row, _ in children)
    with sessions() as session:
        ret = session.scalars(select(Return)).one()
        audit = session.scalars(select(AuditEvent).where(AuditEvent.kind == "load")).one()
    assert ret.rows_held_back == 2
    # What was left out is kept with the return, so the Data quality page can list it.
    assert stored_issues(sessions) == [("C03", "children", 7), ("V02", "children", 30)]
    assert audit.detail == "forty.xlsx: loaded version 1, partial: 42 row(s) stored, 2 held back"
    assert "2024-07-01" not in audit.detail and "'X'" not in audit.detail


def test_without_asking_a_return_with_row_errors_stores_nothing_and_says_what_would_load(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = two_bad_of_forty().write_xlsx(tmp_path / "forty.xlsx")
    before = snapshot(sessions)

    loaded = load_path(sessions, path, user="analyst")
    with sessions() as session:
        checked = check_path(session, path)

    for report in (loaded, checked):
        assert report.status == "rejected" and not report.partial
        assert report.may_accept_valid_rows
        assert (report.rows_held_back, report.passing_counts["children"]) == (2, 38)
    assert snapshot(sessions) == before


def _unknown_agency(ret: ReturnFile) -> ReturnFile:
    return ret.set("return", 2, "agency_code", "999")


def _bad_support(ret: ReturnFile) -> ReturnFile:
    return ret.set("support", 2, "asf_applications_sg", "lots")


def _missing_column(ret: ReturnFile) -> ReturnFile:
    return ret.drop_column("children", "sex")


@pytest.mark.parametrize(
    "spoil, rule",
    [(_unknown_agency, "V04"), (_bad_support, "V02"), (_missing_column, "F02")],
    ids=["return-table", "support-table", "file"],
)
def test_an_error_that_is_not_about_one_row_still_rejects_the_return(
    sessions: sessionmaker[Session], tmp_path: Path, spoil, rule: str
) -> None:
    path = spoil(two_bad_of_forty()).write_xlsx(tmp_path / "spoilt.xlsx")
    before = snapshot(sessions)

    report = load_path(sessions, path, user="analyst", accept_valid_rows=True)

    assert report.status == "rejected" and not report.may_accept_valid_rows
    assert rule in [i.rule for i in report.errors]
    if rule != "F02":  # a file that cannot be read has no rows to weigh
        assert "cannot be loaded on their own" in report.partial_refusal
    assert snapshot(sessions) == before


def test_children_another_agency_returned_for_the_quarter_reject_the_whole_return(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    load_path(sessions, valid_return("AC2C", la="840").write_zip(tmp_path / "raa.zip"), user="a")
    ret = valid_return("840").set("children", 3, "sex", "X")
    before = snapshot(sessions)

    report = load_path(sessions, ret.write_zip(tmp_path / "la.zip"), user="a",
                       accept_valid_rows=True)

    assert report.status == "rejected" and "V06" in [i.rule for i in report.errors]
    assert "V06" in report.partial_refusal
    assert snapshot(sessions) == before


def test_a_table_whose_every_row_fails_is_not_loaded_as_partial(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    ret = valid_return().set("special_guardianship", 2, "sgo_date", D("2018-01-01"))  # before birth
    before = snapshot(sessions)

    report = load_path(sessions, ret.write_zip(tmp_path / "sgo.zip"), user="analyst",
                       accept_valid_rows=True)

    assert report.status == "rejected"
    assert report.partial_refusal.startswith("every row of special guardianship fails")
    assert snapshot(sessions) == before


def test_both_rows_of_a_duplicated_id_are_held_back(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    ret = valid_return().add_row("children", like=4, child_id="C001")  # row 5 repeats row 2's id

    report = load_path(sessions, ret.write_zip(tmp_path / "dup.zip"), user="analyst",
                       accept_valid_rows=True)

    assert report.partial and report.rows_held_back == 2
    assert sorted((i.rule, i.row) for i in report.held_back) == [("V03", 2), ("V03", 5)]
    assert stored_children(sessions) == [(3, "C002"), (4, "C003")]


def test_a_held_back_rows_warnings_are_not_stored_with_the_return(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    # Row 4 is 18 or over at the quarter's end (W03) and its sex is not a code (V02).
    ret = valid_return().set("children", 4, "date_of_birth", D("2000-01-01"))
    ret.set("children", 4, "sex", "X")

    report = load_path(sessions, ret.write_zip(tmp_path / "adult.zip"), user="analyst",
                       accept_valid_rows=True)

    assert report.partial and report.warnings == []
    assert stored_issues(sessions) == [("V02", "children", 4)]
    with sessions() as session:
        assert session.scalars(select(Return.n_warnings)).one() == 0


def test_every_figure_a_partial_return_feeds_says_so(sqlite_url: str, tmp_path: Path) -> None:
    sessions = sessionmaker(engine_for(sqlite_url))
    load_path(sessions, two_bad_of_forty().write_xlsx(tmp_path / "forty.xlsx"), user="analyst",
              accept_valid_rows=True)
    load_path(sessions, valid_return("840").write_zip(tmp_path / "whole.zip"), user="analyst")
    settings = Settings.from_env(environ={}, database_url=sqlite_url, secret_key="test")
    services = Services.from_settings(settings)
    client = signed_in_client(create_app(settings))

    def api(measure: str, scope: str, quarter: str = QUARTER) -> dict:
        answer = client.get(f"/api/v1/measures/{measure}",
                            query_string={"scope": scope, "quarter": quarter})
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_json()["rows"][0]

    assert api("children_waiting", "942")["partial_returns"] == 1
    assert api("children_waiting", "england")["partial_returns"] == 1
    assert api("adopters_waiting", "942")["partial_returns"] == 1  # households: the same return
    assert api("children_waiting", "840")["partial_returns"] == 0  # a whole return
    assert api("children_waiting", "942", "2024-25 Q2")["partial_returns"] == 0
    assert api("children_waiting", "942")["missing_returns"] == 0  # present, but partial

    state = {"scope": "942", "quarter": QUARTER, "window": 1, "compare": []}
    text = chart_view(services, CHARTS["children_waiting"], state).caption
    assert "1 partial return (failing rows held back when loaded, so not counted)." in text

    view = quality_view(services, {"scope": "region:North West", "quarter": QUARTER, "window": 1,
                                   "compare": []})
    grid = str(view.grid)
    assert "1 partial" in grid and "Version 1, partial: 2 rows held back" in grid
    assert "; 1 partial (failing rows held back, not in the figures)." in grid
    held = [(w["rule"], w["row"], w["message"]) for w in view.warnings]
    assert [(rule, row) for rule, row, _ in held] == [("C03", 7), ("V02", 30)]
    assert all(m.startswith("held back: this row failed rule") for _, _, m in held)
    assert "2024-07-01" not in str(view.warnings)  # no cell of the return is shown
    assert view.warnings_count == f"0 warnings and 2 rows held back stored with the {QUARTER} returns."

    listed = {r["agency_code"]: r["rows_held_back"] for r in show_returns(services.store, None).rows}
    assert listed == {"942": 2, "840": 0}


def test_an_la_inside_an_raa_with_a_partial_annex_a_shows_on_the_raas_data_quality_page(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from datetime import date

    from tests.annex_a_files import AnnexA, child

    path = AnnexA(children=[child("C1"), child("C2", sex="z) Blue"),
                            child("LAST", adoption_order_date=date(2025, 3, 1))]
                  ).write(tmp_path / "annex.xlsx")  # fmt: skip
    report = load_path(sessions, path, user="tests", agency="840", quarter=QUARTER,
                       accept_valid_rows=True)
    assert report.partial and report.status == "loaded", report.text()

    view = quality_view(Services.from_settings(Settings(database_url=db_url)),
                        {"scope": "AC2C", "quarter": QUARTER, "window": 1, "compare": []})

    grid = str(view.grid)
    assert "County Durham" in grid and "1 partial" in grid, grid
    assert "1 of 1 returns missing" in grid  # AC2C's own return is the one expected
    # Its other quarters are not "missing": the RAA's return covers the LA.
    assert "No return of its own from County Durham" in grid and \
        "No return from County Durham" not in grid
    assert [(w["agency_code"], w["rule"], w["row"]) for w in view.warnings
            if w["message"].startswith("held back")] == [("840", "V02", 3)]
