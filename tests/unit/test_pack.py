"""The board pack's pages as data (charts/pack.py): each view once, the contents' page
numbers, the summary's figures and changes, and the returns received, with values worked out
by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts import CHARTS, PAGE_OF, pack_charts
from charts.pack import (
    Entry, Sheet, change_text, contents, front_pages, incomplete_at, once, returns_line, returns_now,
    returns_rows, summary_row, view_of,
)
from charts.query import ENGLAND, Query
from metrics.quality import returns_grid
from metrics.quarters import Quarter

Q = Quarter.parse("2026-27 Q2")


def test_each_view_once_keeping_the_threshold_chart_over_the_overview_tile() -> None:
    every = pack_charts()
    kept = once(every)
    ids = [chart.id for _page, chart in kept]
    # The Overview's A10 and A2 tiles give way to Timeliness' threshold charts; the support
    # fund share's Overview tile (region beside England) stays and its page's trend goes.
    dropped = sorted({chart.id for _page, chart in every} - set(ids))
    assert dropped == ["a10_care_to_placed_adjusted", "a2_order_to_match", "asf_share_sg_trend"]
    assert "timeliness_a10" in ids and "timeliness_a2" in ids and "asf_share_sg" in ids
    views = [view_of(chart) for _page, chart in kept]
    assert len(views) == len(set(views))  # no view twice
    assert ids == [chart.id for _page, chart in every if chart.id in set(ids)]  # pages' order


def test_the_threshold_chart_is_kept_even_when_it_comes_first() -> None:
    timeliness, overview = PAGE_OF["timeliness"], PAGE_OF["overview"]
    charts = [(timeliness, CHARTS["timeliness_a2"]), (overview, CHARTS["a2_order_to_match"])]
    assert [c.id for _p, c in once(charts)] == ["timeliness_a2"]


def test_contents_number_each_section_at_its_first_sheet_after_cover_and_contents() -> None:
    sheets = [Sheet("Summary", "Headline measures"), Sheet("Overview", "A"),
              Sheet("Overview", "B"), Sheet("Data quality", "C")]
    assert contents(sheets) == [[
        Entry("Summary", 3, True), Entry("Headline measures", 3, False),
        Entry("Overview", 4, True), Entry("A", 4, False), Entry("B", 5, False),
        Entry("Data quality", 6, True), Entry("C", 6, False),
    ]]
    assert front_pages(contents(sheets)) == 2


def test_a_long_contents_takes_a_second_page_and_numbers_after_it() -> None:
    # 45 sheets of one section: 46 lines, 44 a page, so two contents pages and the first
    # sheet on page 4.
    sheets = [Sheet("Overview", f"Chart {n}") for n in range(45)]
    pages = contents(sheets)
    assert [len(p) for p in pages] == [44, 2]
    assert pages[0][:2] == [Entry("Overview", 4, True), Entry("Chart 0", 4, False)]
    assert pages[1][-1] == Entry("Chart 44", 48, False)
    assert front_pages(pages) == 3


def row(scope: str, quarter: str, value, shown: str, cohort=None, kind: str = "raa",
        missing: int = 0) -> dict:
    return {"scope": scope, "scope_kind": kind, "quarter": quarter, "breakdown": "",
            "value": value, "shown": shown, "cohort": cohort, "missing_returns": missing,
            "partial_returns": 0}


def test_a_change_is_said_with_its_unit_and_its_judgement() -> None:
    # Counts are Poisson: |355 - 364| = 9 <= 1.96 * sqrt(719) = 52.6.
    assert change_text("children_waiting", row("R", "q", 355.0, "355", 355.0),
                       row("R", "p", 364.0, "364", 364.0)) == "\u22129, about the same"
    # Means of days with CV 0.6: se = sqrt((0.6*439)^2/1000 + (0.6*400)^2/1000) = 11.27,
    # 39 > 1.96 * 11.27 = 22.1; longer is worse.
    assert change_text("a10_care_to_placed_adjusted", row("R", "q", 439.0, "439", 1000.0),
                       row("R", "p", 400.0, "400", 1000.0)) == "+39 days, worse"
    assert change_text("a10_care_to_placed_adjusted", row("R", "q", 401.0, "401", 1000.0),
                       row("R", "p", 400.0, "400", 1000.0)) == "+1 day, about the same"
    # Shown percentages: 13% from 14% is a point down, whatever the unrounded values.
    assert change_text("asf_share_sg", row("R", "q", 13.4, "13%", 900.0),
                       row("R", "p", 13.6, "14%", 900.0)) == "\u22121 pt, about the same"


def test_no_change_is_said_from_a_hidden_figure_or_across_missing_returns() -> None:
    assert change_text("children_waiting", row("R", "q", np.nan, "[c]"),
                       row("R", "p", 364.0, "364", 364.0)) == "—"
    assert change_text("children_waiting", row("R", "q", 355.0, "355", 355.0, missing=1),
                       row("R", "p", 364.0, "364", 364.0)) == "not compared: returns missing"


def test_summary_row_of_an_agency_beside_its_region_and_england() -> None:
    measure = "a10_care_to_placed_adjusted"
    frame = pd.DataFrame([
        row("ALS", "2025-26 Q2", 500.0, "500", 300.0),
        row("ALS", "2026-27 Q1", 430.0, "430", 300.0),
        row("ALS", "2026-27 Q2", 439.0, "439", 300.0),
        row("region:London", "2026-27 Q2", 472.0, "472", 900.0, kind="region"),
        row(ENGLAND, "2026-27 Q2", 461.0, "461", 2796.0, kind="england"),
    ])
    got = summary_row(frame, Query(measure=measure, scope="ALS", quarter=Q))
    assert (got.title, got.area, got.region, got.england) == (
        "Entering care to placed (adjusted for foster carers) (days)", "439", "472", "461")
    # se = sqrt((0.6*439)^2/300 + (0.6*430)^2/300) = 21.3: 9 days is about the same.
    assert got.on_quarter == "+9 days, about the same"
    # se = sqrt((0.6*439)^2/300 + (0.6*500)^2/300) = 23.0, 61 > 45.1: shorter is better.
    assert got.on_year == "\u221261 days, better"
    # Against England: se = sqrt((0.6*439)^2/300 + (0.6*461)^2/2796) = 15.9, 22 <= 31.2.
    assert got.against_england == "about the same"
    assert got.threshold == "above the 14-month threshold"  # 439 > 426
    assert got.incomplete is False


def test_summary_row_of_a_count_is_not_set_against_england() -> None:
    frame = pd.DataFrame([row("region:South East", "2026-27 Q2", 355.0, "355", 355.0, kind="region"),
                          row(ENGLAND, "2026-27 Q2", 3118.0, "3,118", 3118.0, kind="england")])
    got = summary_row(frame, Query(measure="children_waiting", scope="region:South East", quarter=Q))
    assert (got.area, got.region, got.england, got.against_england, got.threshold) == (
        "355", "—", "3,118", "—", "")
    assert got.on_quarter == "—" and got.on_year == "—"  # no earlier quarter in the frame


def test_returns_received_as_the_data_quality_page_counts_them() -> None:
    agencies = pd.DataFrame({"code": ["A1", "A2", "A3"], "name": ["Adopt One", "Aspire", "Third"],
                             "kind": ["raa", "raa", "vaa"]})
    versions = pd.DataFrame({"agency_code": ["A1", "A3", "A2"],
                             "quarter": [str(Q), str(Q), str(Q.previous())],
                             "version": [2, 1, 1], "rows_held_back": [0, 4, 0]})
    grid = returns_grid(agencies, versions, [Q.previous(), Q], {"A1", "A2", "A3"})
    assert returns_line(grid, Q, ["A1", "A2", "A3"]) == (
        "Returns received for 2026-27 Q2: 2 of 3 expected; missing: Aspire; partial (failing "
        "rows held back, not counted): Third")
    assert returns_rows(returns_now(grid, Q, ["A1", "A2", "A3"])) == [
        ("Adopt One", "RAA", "2", "0"), ("Aspire", "RAA", "missing", ""),
        ("Third", "VAA", "1 partial", "4")]


def test_a_figure_from_incomplete_returns_is_found_at_the_area_and_quarter_only() -> None:
    query = Query(measure="children_waiting", scope="region:South West", quarter=Q)
    frame = pd.DataFrame([row("region:South West", "2026-27 Q1", 250.0, "250", 250.0, missing=1),
                          row("region:South West", "2026-27 Q2", 264.0, "264", 264.0),
                          row(ENGLAND, "2026-27 Q2", 2953.0, "2,953", 2953.0, missing=2)])
    assert incomplete_at(frame, query) is False  # an earlier quarter's or England's gap
    frame.loc[1, "missing_returns"] = 1
    assert incomplete_at(frame, query) is True


def test_summary_reads_englands_published_figure_where_it_stands_in() -> None:
    frame = pd.DataFrame([row("ALS", "2026-27 Q2", 13.0, "13%", 500.0),
                          row("england-published", "2026-27 Q2", 14.0, "14%", kind="england")])
    got = summary_row(frame, Query(measure="asf_share_sg", scope="ALS", quarter=Q))
    # No cohort for the published figure: only under 5% apart is about the same; 13 is 7%
    # under 14, and the share has no better direction.
    assert (got.england, got.against_england) == ("14%", "lower")
