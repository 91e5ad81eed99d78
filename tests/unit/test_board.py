"""Board mode's figures, cards and pages without a browser: which charts each page puts on the
board, the figure at board size (type, labels, quarters, bars), a card's short title, numbers
and source line, and the grid's shape. tests/browser/test_board_mode.py measures the result on
a screen."""

from __future__ import annotations

import dataclasses

import pandas as pd
import plotly.graph_objects as go
import pytest

import charts
from charts.figures import (
    BOARD_FONT, DIRECT_LABEL, category_bars, direct_labels, measure_bars, measure_trend_lines,
    quarter_ticks, ranked_bars, trend_figure, wrapped,
)
from charts.spec import MAX_BOARD_CHARTS, Page
from layouts.board_card import grid_shape, row_heights, short_title, source_line

QUARTERS = ["2024-25 Q2", "2024-25 Q3", "2024-25 Q4", "2025-26 Q1"]


def trend(values: dict[str, list[float]], value_type: str = "mean") -> pd.DataFrame:
    names = {"ALS": "Adopt London South", "england": "England", "region:London": "London"}
    return pd.DataFrame([
        {"scope": s, "scope_name": names[s], "quarter": q, "value": v, "shown": f"{v:g}",
         "value_type": value_type}
        for s, vs in values.items() for q, v in zip(QUARTERS, vs)])


def every_font_size(figure: dict) -> list[float]:
    """Each text size the figure sets: its type, its axes' ticks, its notes and legend."""
    layout = go.Figure(figure).layout  # checked against plotly's schema on the way
    sizes = [layout.font.size, layout.xaxis.tickfont.size, layout.yaxis.tickfont.size]
    sizes += [a.font.size for a in layout.annotations]
    if layout.showlegend:
        sizes.append(layout.legend.font.size)
    return sizes


def test_every_page_names_at_most_six_board_charts_of_its_own() -> None:
    for page in charts.PAGES:
        board = [chart.id for chart, _width in page.board_charts]
        assert 1 <= len(board) <= MAX_BOARD_CHARTS, page.slug
        assert set(board) <= {chart.id for chart, _width in page.charts}
        assert page.board, f"{page.slug} should choose its board charts"
    assert [c.id for c, _w in charts.PAGE_OF["overview"].board_charts] == [
        "children_waiting", "adopters_waiting", "adopters_per_child",
        "a10_care_to_placed_adjusted", "a2_order_to_match", "sgos"]


def test_a_page_refuses_a_board_chart_it_does_not_have_or_too_many() -> None:
    overview = charts.PAGE_OF["overview"]
    with pytest.raises(ValueError, match="unknown charts"):
        dataclasses.replace(overview, board=("children_waiting", "no_such_chart"))
    with pytest.raises(ValueError, match="at most 6"):
        dataclasses.replace(overview, board=tuple(c.id for c, _w in overview.charts[:7]))


def test_a_page_with_no_board_choice_shows_its_first_charts() -> None:
    overview = charts.PAGE_OF["overview"]
    page = Page("x", "/x", "X", "", overview.charts)
    assert [c.id for c, _w in page.board_charts] == [c.id for c, _w in overview.charts[:6]]


def test_board_figure_labels_each_line_with_its_name_and_value_and_keeps_type_large() -> None:
    figure = direct_labels(trend_figure(trend({"ALS": [10, 12, 13, 14], "england": [13, 13, 13, 13]})))
    labels = [a for a in figure["layout"]["annotations"] if a.get("name") == DIRECT_LABEL]
    assert [a["text"] for a in labels] == ["Adopt London South: 14", "England: 13"]
    assert [(a["x"], a["y"]) for a in labels] == [("2025-26 Q1", 14), ("2025-26 Q1", 13)]
    assert min(every_font_size(figure)) >= BOARD_FONT
    assert figure["layout"]["showlegend"] is False
    # Room on the right for the longest label, "Adopt London South: 14" (22 characters):
    # 0.58 em of 18 px a character is 229.68 px, and 24 px between the line's end and its label.
    assert figure["layout"]["margin"]["r"] == pytest.approx(22 * 0.58 * 18 + 24)
    assert "height" not in figure["layout"]  # the card's height, not a fixed one


def test_board_figure_labels_values_alone_when_the_card_names_the_lines() -> None:
    figure = direct_labels(trend_figure(trend({"ALS": [10, 12, 13, 14], "england": [13, 13, 13, 13]})),
                           names=False)
    labels = [a["text"] for a in figure["layout"]["annotations"] if a.get("name") == DIRECT_LABEL]
    assert labels == ["14", "13"]
    assert figure["layout"]["margin"]["r"] == pytest.approx(2 * 0.58 * 18 + 24)


def test_several_measures_are_labelled_by_their_short_names_on_the_board() -> None:
    """Two measures for an area and England: four lines whose full names ("Matched within 6
    months of approval: England: 50") would take half the card from the plot; on the board each
    line carries its short name, and the normal figure keeps the full names in its legend."""
    frame = pd.concat([
        trend({"ALS": [10, 12, 13, 16], "england": [25, 25, 25, 25]}).assign(
            measure="m3", measure_title="Matched within 3 months of approval"),
        trend({"ALS": [30, 31, 31, 32], "england": [50, 50, 50, 50]}).assign(
            measure="m6", measure_title="Matched within 6 months of approval")])
    normal = measure_trend_lines(frame, short={"m3": "3 months", "m6": "6 months"})
    assert [t["name"] for t in normal["data"]][:2] == [
        "Matched within 3 months of approval: Adopt London South",
        "Matched within 3 months of approval: England"]
    figure = direct_labels(normal)
    labels = [a["text"] for a in figure["layout"]["annotations"] if a.get("name") == DIRECT_LABEL]
    assert labels == ["3 months: 16", "3 months, England: 25", "6 months: 32",
                      "6 months, England: 50"]
    assert figure["layout"]["margin"]["r"] == pytest.approx(len("6 months, England: 50") * 0.58 * 18 + 24)
    # Without short names a line keeps its full name.
    full = direct_labels(measure_trend_lines(frame))
    assert "Matched within 6 months of approval: England: 50" in [
        a["text"] for a in full["layout"]["annotations"]]


def test_the_first_and_latest_quarters_are_always_labelled() -> None:
    eight = [f"q{n}" for n in range(8)]
    assert quarter_ticks(eight) == ["q0", "q3", "q7"]
    assert quarter_ticks(eight[:4]) == ["q0", "q3"]
    assert quarter_ticks(eight[:1]) == ["q0"]
    figure = direct_labels(trend_figure(trend({"ALS": [1, 2, 3, 4]})))
    xaxis = figure["layout"]["xaxis"]
    assert xaxis["tickvals"] == ["2024-25 Q2", "2025-26 Q1"]
    assert xaxis["ticktext"] == ["24-25 Q2", "25-26 Q1"]
    assert xaxis["range"] == [-0.5, 3.5]  # half a quarter's room beyond each end for its label


def test_bars_over_quarters_show_the_latest_quarter_named_without_shared_words() -> None:
    rows = [{"measure": f"over_{m}", "measure_title": f"Children waiting over {m} months",
             "quarter": q, "value": v * m, "shown": f"{v * m:g}", "scope": "ALS",
             "scope_name": "Adopt London South"}
            for m in (6, 12) for q, v in zip(QUARTERS, [1, 2, 3, 4])]
    figure = direct_labels(measure_bars(pd.DataFrame(rows)))
    (bars,) = figure["data"]
    assert bars["x"] == ["over 6 months", "over 12 months"]
    assert bars["y"] == [24, 48] and bars["text"] == ["24", "48"]  # 2025-26 Q1's values
    assert figure["layout"]["showlegend"] is False


def test_named_categories_stay_level_and_wrap() -> None:
    frame = pd.DataFrame({"category": ["a", "b", "Total"], "scope": ["ALS"] * 3,
                          "category_label": ["Former foster carers who are relatives", "Other", "Total"],
                          "scope_name": ["Adopt London South"] * 3, "value": [198.0, 17.0, 215.0],
                          "shown": ["198", "17", "215"]})
    figure = direct_labels(category_bars(frame))
    assert figure["data"][0]["x"] == ["Former foster<br>carers who are<br>relatives", "Other"]
    assert figure["layout"]["xaxis"]["tickangle"] == 0
    # Room above the tallest bar for its value: 198 x 1.25.
    assert figure["layout"]["yaxis"]["range"] == [0, pytest.approx(247.5)]
    assert wrapped("Adopter enquiries", 10) == "Adopter<br>enquiries"


def test_ranked_bars_keep_england_inside_the_axis_and_wrap_long_names() -> None:
    frame = pd.DataFrame({"scope": ["A", "B", "england"],
                          "scope_name": ["Adoption Partnership South East", "Adopt South", "England"],
                          "value": [0.33, 0.26, 0.48], "shown": ["0.33", "0.26", "0.48"]})
    figure = direct_labels(ranked_bars(frame))
    assert figure["data"][0]["y"] == ["Adopt South", "Adoption<br>Partnership South<br>East"]
    low, high = figure["layout"]["xaxis"]["range"]
    assert low == 0 and high > 0.48  # England's dashed line at 0.48 is drawn
    assert figure["layout"]["yaxis"].get("nticks") is None  # every agency named


def test_short_title_leaves_the_area_and_quarter_to_the_screen_line() -> None:
    class View:  # what short_title reads of a ChartView
        def __init__(self, title: str) -> None:
            self.title = title
            self.frame = pd.DataFrame({"scope": ["ALS"], "scope_name": ["Adopt London South"],
                                       "quarter": ["2025-26 Q1"]})
            self.query = type("Q", (), {"quarter": "2025-26 Q1", "scope": "ALS"})()

    assert short_title(View("Children waiting rose to 305 in 2025-26 Q1")) == "Children waiting rose to 305"
    assert short_title(View("Entering care to placed fell to 507 days in the year to 2025-26 Q1, above "
                            "the threshold of 14 months (426 days)")) == (
        "Entering care to placed fell to 507 days, above the threshold of 14 months")
    assert short_title(View("Children waiting in Adopt London South by age, 2025-26 Q1")) == (
        "Children waiting by age, 2025-26 Q1")


def test_source_line_is_short() -> None:
    class View:
        frame = pd.DataFrame({"quarter": ["2025-26 Q1", "2023-24 Q2", None]})
        query = type("Q", (), {"quarter": "2025-26 Q1"})()

    assert source_line(View()) == "Source: ASG returns, 23-24 Q2 to 25-26 Q1"
    # Bars over quarters show the latest on the board: the line says that quarter only.
    assert source_line(View(), latest_only=True) == "Source: ASG returns, 25-26 Q1"


def test_the_grid_fits_the_count_of_cards() -> None:
    assert grid_shape(6, 0) == (3, 2)
    assert grid_shape(4, 0) == (2, 2)
    assert grid_shape(3, 0) == (3, 1)
    assert grid_shape(4, 1) == (3, 2)  # the journey across the top, three below
    assert row_heights([True, False, False, False], 3) == ["minmax(0, 5fr)", "minmax(0, 7fr)"]
    assert row_heights([False] * 4, 2) == ["minmax(0, 1fr)"] * 2


def test_the_board_says_each_incomplete_returns_note_once_with_its_marks() -> None:
    from layouts.board_card import incomplete_line, incomplete_note, without_note
    from charts.figures import NOTE_NAME, RATE_NOTE, direct_labels

    figure = {"data": [], "layout": {"annotations": [
        {"name": NOTE_NAME, "text": "Hollow points: 1 of 4 returns missing: Aspire<br>(South West,"
                                    " 2025-26 Q2); 3 other figures marked"},
        {"name": RATE_NOTE, "text": "\u2193 58 per 100"}]}}
    assert incomplete_note(figure) == "\u25cb 1 of 4 returns missing: Aspire"
    assert [a["name"] for a in without_note(figure)["layout"]["annotations"]] == [RATE_NOTE]
    # the funnel's rates between its bars stay on the normal page
    assert direct_labels(without_note(figure))["layout"]["annotations"] == []
    assert incomplete_line(["\u25cb 1 of 4 returns missing: Aspire", "\u25a8 1 of 4 returns missing: Aspire",
                            "\u25cb 2 of 5 returns missing: Aspire, Adopt North"]) == [
        "\u25cb \u25a8 1 of 4 returns missing: Aspire", "\u25cb 2 of 5 returns missing: Aspire, Adopt North"]
