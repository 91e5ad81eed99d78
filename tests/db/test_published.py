"""Published statistics (Explore Education Statistics tidy CSV) as comparators: reading and
mapping a file, `python -m db published`, and the store (SQLite and PostgreSQL).

The national files hold figures as the DfE published them (tests/data/published/SOURCES.md);
the regional one is made up to carry every EES symbol.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.cli import main
from db.models import AuditEvent, PublishedFigure
from db.published import published_figures, read_published, store_published
from metrics.published import (
    NotTidyData, financial_year, map_rows, shown_as_published,
)
from tests.db.test_cli import db

DATA = Path(__file__).resolve().parents[1] / "data" / "published"
NATIONAL = DATA / "national_adopted_sgo.csv"
AGES = DATA / "national_age_at_adoption.csv"
REGIONAL = DATA / "synthetic_regional.csv"


def mapped(path: Path):
    return map_rows(pd.read_csv(path, dtype=str, keep_default_na=False))


# ---------------------------------------------------------------- reading and mapping


def test_time_period_is_the_financial_year_ending_31_march() -> None:
    assert financial_year("2025", "Reporting year") == "2024-25"
    assert financial_year("202425", "Financial year") == "2024-25"
    with pytest.raises(ValueError, match="not two years in a row"):
        financial_year("202426", "Financial year")
    with pytest.raises(ValueError, match="not a year ending 31 March"):
        financial_year("2024", "Calendar year")


def test_numbers_keep_their_published_rounding_and_symbols_stay_symbols() -> None:
    assert shown_as_published("3040") == (3040.0, "3,040")
    assert shown_as_published("3.2") == (3.2, "3.2")
    for symbol in ("c", "z", "x", "k"):
        assert shown_as_published(symbol) == (None, symbol)
    with pytest.raises(ValueError, match="neither a number nor an EES symbol"):
        shown_as_published("1,7x0")


def test_the_national_file_maps_adoptions_and_sgos_by_guardian() -> None:
    result = mapped(NATIONAL)
    figures = {(f.measure, f.period, f.breakdown, f.category): (f.value, f.shown)
               for f in result.figures.itertuples()}
    assert figures == {
        ("adoption_orders", "2024-25", "", ""): (3040.0, "3,040"),
        ("adoption_orders", "2021-22", "", ""): (2950.0, "2,950"),
        ("sgos", "2024-25", "guardian", "E47"): (910.0, "910"),
        ("sgos", "2024-25", "guardian", "E48"): (110.0, "110"),
    }
    assert set(result.figures["scope"]) == {"england"}
    assert set(result.figures["quarter"]) == {"2024-25 Q4", "2021-22 Q4"}
    # The consent split is published but is no measure of ours: reported, not placed.
    assert [(u.row, u.reason) for u in result.unmapped] == [
        (2, "no measure of ours splits adoptions by consent"),
        (3, "no measure of ours splits adoptions by consent"),
    ]


def test_rows_that_are_not_ours_are_reported_with_why_never_guessed() -> None:
    result = mapped(REGIONAL)
    reasons = {u.row: u.reason for u in result.unmapped}
    assert reasons == {
        7: "no measure of ours counts children looked after",
        8: "no mapping for characteristic='Placements', breakdown='Total'",
        9: "time_identifier 'Calendar year' is not a year ending 31 March",
        10: "children_count: '1,7x0' is neither a number nor an EES symbol (c, z, x, k)",
    }
    shown = {(f.scope, f.breakdown, f.category): f.shown for f in result.figures.itertuples()}
    assert shown == {("region:North East", "", ""): "170", ("region:North East", "guardian", "E48"): "c",
                     ("region:North East", "age_band", "Under 1"): "z",
                     ("region:North East", "age_band", "1-4"): "x", ("841", "", ""): "12"}
    assert result.figures["value"].isna().sum() == 3


def test_percentages_alone_are_not_taken_for_counts() -> None:
    result = mapped(AGES)
    assert result.figures.empty
    assert [u.row for u in result.unmapped] == [2, 3, 4]
    assert "only counts are mapped" in result.unmapped[0].reason
    assert "16 and over" in result.unmapped[2].reason


def test_a_file_that_is_not_ees_tidy_csv_is_refused(tmp_path: Path) -> None:
    wrong = tmp_path / "return.csv"
    wrong.write_text("child_id,la_code\n1,330\n")
    with pytest.raises(NotTidyData, match="no time_period, time_identifier, geographic_level"):
        read_published(wrong)
    workbook = tmp_path / "book.xlsx"
    workbook.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(NotTidyData, match="not a CSV"):
        read_published(workbook)


# ---------------------------------------------------------------- the store and the command


def test_the_command_loads_the_file_and_says_what_it_mapped(db_url: str, sessions: sessionmaker[Session]) -> None:
    run = db(db_url, "published", str(NATIONAL), "--user", "ann")

    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 figure(s) mapped, 2 row(s) not mapped" in run.stdout
    assert "mapped: adoption_orders 2024-25: 1" in run.stdout
    assert "mapped: sgos 2024-25: 2" in run.stdout
    assert "not mapped: 2 row(s) (2, 3): no measure of ours splits adoptions by consent" in run.stdout
    assert "LOADED national_adopted_sgo.csv: 4 published figure(s)" in run.stdout
    with sessions() as session:
        figures = published_figures(session, "adoption_orders")
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.kind == "published_load")).all()
    assert list(zip(figures["quarter"], figures["value"], figures["shown"])) == [
        ("2021-22 Q4", 2950.0, "2,950"), ("2024-25 Q4", 3040.0, "3,040")]
    assert event.user_name == "ann" and "national_adopted_sgo.csv" in event.detail


def test_a_later_load_replaces_the_same_figures_and_keeps_symbols(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    store_published(sessions, read_published(REGIONAL), "ann")
    revised = tmp_path / "revised.csv"
    revised.write_text(REGIONAL.read_text().replace("North East,,,,Adopted,Total,170", "North East,,,,Adopted,Total,180"))
    store_published(sessions, read_published(revised), "bob")

    with sessions() as session:
        rows = session.scalars(select(PublishedFigure).where(PublishedFigure.scope == "region:North East")).all()
        figures = published_figures(session, "sgos")
    totals = [(r.shown, r.file_name, r.loaded_by) for r in rows if r.measure == "adoption_orders" and not r.breakdown]
    assert totals == [("180", "revised.csv", "bob")]
    assert len(rows) == 4  # replaced, not added
    assert figures["shown"].tolist() == ["c"] and figures["value"].isna().all()


def test_the_command_refuses_what_is_not_ees_and_a_missing_path(sqlite_url: str, tmp_path: Path,
                                                                 monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    wrong = tmp_path / "return.csv"
    wrong.write_text("child_id,la_code\n1,330\n")
    assert main(["published", str(wrong)]) == 1
    assert "REJECTED return.csv: not an Explore Education Statistics tidy CSV" in capsys.readouterr().out
    assert main(["published", str(AGES)]) == 1  # read, but nothing in it is ours
    assert "no row is a figure of our measures" in capsys.readouterr().out
    assert main(["published", str(tmp_path / "nowhere.csv")]) == 2


def test_a_request_reads_the_figures_once_and_the_next_request_sees_a_new_load(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    from db.measure_data import MeasureSource
    from db.published import figures_by_measure

    source = MeasureSource(sessions)
    store_published(sessions, read_published(NATIONAL), "ann")
    with sessions() as session:
        by_measure = figures_by_measure(session)
        for measure, figures in by_measure.items():  # one read gives what a read a measure gives
            pd.testing.assert_frame_equal(figures, published_figures(session, measure))
    source.begin_reading()
    try:
        national_sgos = source.published("sgos")
        store_published(sessions, read_published(REGIONAL), "bob")  # loaded in another worker
        assert source.published("sgos") is national_sgos  # the request reads one state
        assert source.published("no_such_measure").empty
    finally:
        source.end_reading()
    source.begin_reading()
    try:
        assert "region:North East" in set(source.published("sgos")["scope"])  # seen at once
    finally:
        source.end_reading()
    assert "region:North East" not in set(national_sgos["scope"])
