"""Titles say good or bad (charts.words with metrics.judgement), and a figure from incomplete
returns is marked on the chart itself (charts.marks, charts.figures), on hand-built frames
whose expected words are worked out in each test's comment."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.figures import category_bars, grouped_bars, measure_bars, ranked_bars, threshold_figure, trend_figure
from charts.marks import chart_note, returns_words
from charts.pages.adopters import adopters_left_title
from charts.query import Query
from charts.words import TITLE_LENGTH, active_title, caption, threshold_title
from metrics.quarters import Quarter

NOW, LAST, YEAR_AGO = "2025-26 Q1", "2024-25 Q4", "2024-25 Q1"


def frame_of(rows: list[dict], measure: str = "children_waiting") -> pd.DataFrame:
    """A chart-looking frame: each row a dict of scope, quarter, value, shown and, when given,
    cohort and the returns columns (complete unless said)."""
    names = {"ALS": "Adopt London South", "region:London": "London", "england": "England"}
    full = [{"scope_name": names.get(r["scope"], r["scope"]), "breakdown": "", "category": "",
             "cohort": r["value"], "missing_returns": 0, "partial_returns": 0,
             "returns_expected": 5, "returns_missing": 0, "returns_missing_names": "",
             "measure": measure, "measure_title": measure, "value_type": "count", **r}
            for r in rows]
    return pd.DataFrame(full)


def query(measure: str = "children_waiting", window: int = 1) -> Query:
    return Query(measure, "ALS", Quarter.parse(NOW), window=window).trend()


def test_a_count_compares_with_the_same_quarter_a_year_before_not_with_england() -> None:
    frame = frame_of([
        {"scope": "ALS", "quarter": YEAR_AGO, "value": 3300, "shown": "3,300"},
        {"scope": "ALS", "quarter": LAST, "value": 3000, "shown": "3,000"},
        {"scope": "ALS", "quarter": NOW, "value": 3040, "shown": "3,040"},
        {"scope": "england", "quarter": NOW, "value": 9000, "shown": "9,000"},
    ])
    # a year ago, not last quarter: 260 fewer, beyond 1.96 * sqrt(3300 + 3040) = 156.1
    assert active_title(frame, query()) == (
        "Children waiting: 3,040 in 2025-26 Q1, fewer than a year ago: better")


def test_a_percentage_is_judged_against_england_with_both_cohorts() -> None:
    frame = frame_of([
        {"scope": "ALS", "quarter": YEAR_AGO, "value": 68.0, "shown": "68%", "cohort": 200},
        {"scope": "ALS", "quarter": NOW, "value": 70.0, "shown": "70%", "cohort": 200},
        {"scope": "england", "quarter": NOW, "value": 50.0, "shown": "50%", "cohort": 2000},
    ], "a3_within_14_months")
    # England: pooled p = 1140/2200, 1.96 * sqrt(p(1-p)(1/200 + 1/2000)) = 0.073 < 0.20: better.
    # A year ago: pooled 0.69, 1.96 * sqrt(0.69 * 0.31 * 0.01) = 0.091 > 0.02: about the same.
    title = active_title(frame, query("a3_within_14_months"))
    assert title == ("Adopted within 14 months of entering care: 70% in 2025-26 Q1, better than "
                     "England (50%)")
    assert len(title) <= TITLE_LENGTH  # the year's comparison would make it too long


def test_a_measure_neither_way_better_is_higher_or_lower() -> None:
    frame = frame_of([
        {"scope": "ALS", "quarter": YEAR_AGO, "value": 100, "shown": "100"},
        {"scope": "ALS", "quarter": NOW, "value": 130, "shown": "130"},
    ], "sgos")
    # 30 more: beyond 1.96 * sqrt(230) = 29.7; neither more nor fewer orders is better
    assert active_title(frame, query("sgos")) == "Special guardianship orders: 130 in 2025-26 Q1, more than a year ago"


def test_a_threshold_comes_first_and_is_not_claimed_from_incomplete_returns() -> None:
    rows = [{"scope": "ALS", "quarter": NOW, "value": 130.0, "shown": "130", "cohort": 50},
            {"scope": "england", "quarter": NOW, "value": 121.0, "shown": "121", "cohort": 500}]
    frame = frame_of(rows, "a2_order_to_match")
    q = query("a2_order_to_match")
    # A2's threshold is 121 days. England's comparison (about the same: 1.96 * sqrt((0.6*130)^2/50
    # + (0.6*121)^2/500) = 23.4 days > 9) would take the title past TITLE_LENGTH.
    assert threshold_title(121, "4 months", frame, q) == (
        "Placement order to match: 130 days in 2025-26 Q1, above the 4-month threshold")
    missing = frame.assign(returns_missing=[1, 0], missing_returns=[2, 0],
                           returns_missing_names=["Aspire", ""])
    assert threshold_title(121, "4 months", missing, q) == (
        "Placement order to match: 130 days in 2025-26 Q1 (incomplete: 1 of 5 returns missing)")
    # (the chart's note and the caption name the agency; the projected title stays short)


def test_the_caption_counts_returns_as_the_data_quality_page_does() -> None:
    frame = frame_of([{"scope": "ALS", "quarter": NOW, "value": 40, "shown": "40",
                       "returns_missing": 1, "returns_expected": 5, "missing_returns": 2,
                       "returns_missing_names": "Aspire"}])
    text = caption(frame, query())
    assert "Returns missing: 1 of 5 expected (Aspire)." in text
    assert "LAs not counted: 2 (no return, or one whose format does not carry this figure)." in text


def test_returns_words() -> None:
    row = {"returns_missing": 1, "returns_expected": 5, "returns_missing_names": "Aspire",
           "missing_returns": 2, "partial_returns": 1, "measure": "children_waiting"}
    assert returns_words(row) == "1 of 5 returns missing: Aspire; 1 partial return"
    # no return missing, but 2 LAs' returns do not carry the figure
    assert returns_words({**row, "returns_missing": 0, "partial_returns": 0}) == "2 LAs not counted"
    assert returns_words({**row, "returns_missing": 0, "partial_returns": 0,
                          "measure": "adopters_waiting", "missing_returns": 1}) == "1 agency not counted"
    assert returns_words({"returns_missing": 0, "missing_returns": 0, "partial_returns": 0}) == ""


def incomplete_trend() -> pd.DataFrame:
    return frame_of([
        {"scope": "ALS", "quarter": LAST, "value": 300, "shown": "300"},
        {"scope": "ALS", "quarter": NOW, "value": 310, "shown": "310", "returns_missing": 1,
         "missing_returns": 2, "returns_missing_names": "Aspire"},
        {"scope": "england", "quarter": LAST, "value": 3000, "shown": "3,000"},
        {"scope": "england", "quarter": NOW, "value": 3100, "shown": "3,100"},
    ], "a10_care_to_placed_adjusted").assign(value_type="mean")


def test_an_incomplete_point_is_hollow_and_the_chart_names_the_missing_agency() -> None:
    figure = go.Figure(trend_figure(incomplete_trend()))
    als, england = figure.data
    assert list(als.marker.symbol) == ["circle", "circle-open"]
    assert list(als.marker.size) == [7, 12]
    assert england.marker.symbol == "circle-open"  # complete: as before
    [note] = figure.layout.annotations
    assert note.text == "Hollow points: 1 of 5 returns missing: Aspire (Adopt<br>London South, 2025-26 Q1)"
    assert note.yref == "paper" and note.y == 1 and note.yanchor == "bottom"
    assert figure.layout.margin.t == 10 + 2 * 20  # room above the plot for two lines
    assert list(als.customdata) == ["", " (incomplete: 1 of 5 returns missing: Aspire)"]
    # The threshold's own label stays beside the note.
    texts = [a.text for a in go.Figure(threshold_figure(incomplete_trend(), 426, "14 months")).layout.annotations]
    assert texts == ["14 months (426 days)", note.text]


def test_a_complete_chart_has_no_mark() -> None:
    complete = incomplete_trend().assign(returns_missing=0, missing_returns=0)
    figure = trend_figure(complete)
    assert figure["data"][0]["marker"]["symbol"] == "circle"
    assert not figure["layout"].get("annotations") and chart_note(complete, "Hollow") == ""


def test_incomplete_bars_are_white_hatched_and_outlined() -> None:
    frame = incomplete_trend()
    for draw in (grouped_bars, measure_bars):
        bars = go.Figure(draw(frame)).data
        marked = [b for b in bars if "white" in list(b.marker.color)]
        assert len(marked) == 1, draw.__name__
    [ranked] = go.Figure(ranked_bars(frame[frame["quarter"] == NOW])).data  # England is the line
    assert list(ranked.marker.color) == ["white"] and list(ranked.marker.pattern.shape) == ["/"]
    assert ranked.marker.line.color == "#12436D"
    broken = frame[(frame["scope"] == "ALS") & (frame["quarter"] == NOW)]
    broken = pd.concat([broken.assign(category=c) for c in ("Under 1", "1-4", "Total")])
    figure = go.Figure(category_bars(broken))
    assert list(figure.data[0].marker.color) == ["white", "white"]
    assert len(figure.layout.annotations) == 1  # one note for the area, not one a category


def left_frame(counts: dict[str, int]) -> pd.DataFrame:
    rows = [{"scope": "ALS", "quarter": NOW, "category": c, "value": n, "shown": str(n)}
            for c, n in counts.items()]
    total = sum(counts.values())
    rows.append({"scope": "ALS", "quarter": NOW, "category": "Total", "value": total, "shown": str(total)})
    return frame_of(rows, "households_left").assign(breakdown="reason")


def test_the_households_leaving_title_says_how_most_left() -> None:
    q = Query("households_left", "ALS", Quarter.parse(NOW), window=4, breakdown="reason").trend()
    # 12 of 30 is the most common way but not a majority
    assert adopters_left_title(left_frame({"WITHDREW": 12, "NOT_APPROVED": 8, "ADOPTED": 10}), q) == (
        "Households that left the process most often withdrew: 12 of 30 in the year to 2025-26 Q1")
    # 16 of 30 is most of them; adopting is completing the process, and the title says so
    assert adopters_left_title(left_frame({"WITHDREW": 8, "NOT_APPROVED": 6, "ADOPTED": 16}), q) == (
        "Most households that left the process adopted (completed the process): 16 of 30 in the "
        "year to 2025-26 Q1")
    assert adopters_left_title(left_frame({"WITHDREW": 10, "ADOPTED": 10, "OTHER": 4}), q) == (
        "Households that left the process most often withdrew or adopted (completed the process): "
        "10 each of 24 in the year to 2025-26 Q1")


def test_a_gap_is_not_noted_it_says_its_own_reason() -> None:
    # The missing agency's own bar is [x] (no return): nothing drawn comes from incomplete
    # returns, so the chart has no note (the [x] and its reason say it).
    frame = frame_of([
        {"scope": "ALS", "quarter": NOW, "value": 0.5, "shown": "0.50"},
        {"scope": "ASP", "quarter": NOW, "value": float("nan"), "shown": "[x]", "returns_missing": 1,
         "returns_expected": 1, "returns_missing_names": "Aspire"},
    ], "adopters_per_child")
    assert chart_note(frame, "Hatched bars") == ""
    assert not ranked_bars(frame)["layout"]["annotations"][1:]  # the [x] label only
