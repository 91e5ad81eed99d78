"""Data quality and board mode helpers: which agencies owe a return, the returns grid, safe
warning text, the board version of a page and direct labels."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from charts import PAGE_OF
from charts.figures import BOARD_FONT, direct_labels, figure_spec, journey_figure, threshold_figure
from layouts import ids
from layouts.board import board_aware, is_present, without_controls
from layouts.chart_pages import page_layout
from metrics.quality import MISSING, returns_grid, safe_warnings, submitting_agencies
from metrics.quarters import Quarter
from metrics.scope import Geography

AGENCIES = pd.DataFrame(
    [("R1", "Raa One", "RAA", "North", None), ("101", "Member LA", "LA", "North", "R1"),
     ("102", "Alone LA", "LA", "North", None), ("V1", "A VAA", "VAA", "North", None),
     ("201", "Southern LA", "LA", "South", None)],
    columns=["code", "name", "kind", "region", "raa_code"],
)  # fmt: skip


def test_submitting_agencies_are_raas_then_las_then_vaas() -> None:
    geography = Geography(AGENCIES)
    assert submitting_agencies(geography, "england")["code"].tolist() == ["R1", "102", "201", "V1"]
    assert submitting_agencies(geography, "region:North")["code"].tolist() == ["R1", "102", "V1"]
    assert submitting_agencies(geography, "101")["code"].tolist() == ["R1"]  # its RAA returns it


def test_returns_grid_marks_missing_returns() -> None:
    agencies = submitting_agencies(Geography(AGENCIES), "region:North")
    versions = pd.DataFrame({"agency_code": ["R1", "R1", "102"], "quarter": ["2025-26 Q1", "2025-26 Q2", "2025-26 Q2"],
                             "version": [1, 3, 1], "rows_held_back": [0, 0, 0]})
    grid = returns_grid(agencies, versions, [Quarter.parse("2025-26 Q1"), Quarter.parse("2025-26 Q2")])
    assert grid["shown"].tolist() == ["1", "3", MISSING, "1", MISSING, MISSING]
    assert grid["version"].isna().tolist() == [False, False, True, False, True, True]


def test_safe_warnings_replace_messages_that_may_quote_data() -> None:
    frame = pd.DataFrame({"rule": ["W03", "W04", "Z99"], "message": ["fixed", "child C1 was 2020-01-01", "x"]})
    messages = safe_warnings(frame)["message"].tolist()
    assert messages[0] == "fixed"
    assert "C1" not in messages[1] and "2020" not in messages[1]
    assert messages[2] != "x"


def test_board_version_of_a_page_has_no_controls() -> None:
    page = board_aware(page_layout(PAGE_OF["overview"]))
    normal = str(page(scope="ALS"))
    assert ids.FILTER_REGION in normal and "board-mode" not in normal
    board = page(scope="ALS", quarter="2025-26 Q1", present="1")
    text = str(board)
    assert "board-mode" in board.className.split()
    assert PAGE_OF["overview"].lead not in text  # the page's lead is left to the normal page
    for control in (ids.FILTER_REGION, ids.FILTER_AGENCY, ids.FILTER_QUARTER, ids.FILTER_WINDOW):
        assert f"'{control}'" not in text
    assert ids.FILTER_STATE in text and ids.OVERVIEW_CARDS in text and "ALS" in text
    assert board_aware(page) is page
    assert is_present(["1"]) and not is_present("0") and not is_present(None)


def test_without_controls_leaves_the_original_alone() -> None:
    tree = html.Div([html.Div(dcc.Input(id="x"), className="filters"), html.P("kept")])
    stripped = without_controls(tree)
    assert len(stripped.children) == 1 and len(tree.children) == 2


def test_direct_labels_replace_the_legend() -> None:
    figure = figure_spec([
        {"type": "scatter", "x": ["a", "b", "c"], "y": [1, 2, None], "text": ["1", "2", "[c]"], "name": "ALS"},
        {"type": "scatter", "x": ["a", "b", "c"], "y": [3, 4, 5], "text": ["3", "4", "5"], "name": "England"},
    ], {"annotations": []})
    labelled = go.Figure(direct_labels(figure))
    assert labelled.layout.showlegend is False
    assert [a.text for a in labelled.layout.annotations] == ["ALS: 2", "England: 5"]
    assert figure["layout"]["annotations"] == []  # the original is untouched
    assert "width" not in figure["data"][0].get("line", {})


def test_direct_labels_keep_the_figures_own_notes_larger() -> None:
    frame = pd.DataFrame({"scope": ["ALS", "ALS"], "scope_name": ["Adopt London South"] * 2,
                          "quarter": ["2024-25 Q4", "2025-26 Q1"], "value": [300.0, 450.0],
                          "shown": ["300", "450"], "value_type": ["mean", "mean"]})
    labelled = go.Figure(direct_labels(threshold_figure(frame, threshold=426, label="14 months")))
    texts = [a.text for a in labelled.layout.annotations]
    # The threshold's label goes above the plot as a key (at its left end it lay over the lines).
    assert texts == ["┈┈ 14 months (426 days)", "Adopt London South: 450"]
    note = labelled.layout.annotations[0]
    assert (note.yref, note.y, note.yanchor) == ("paper", 1, "bottom")
    assert {a.font.size for a in labelled.layout.annotations} == {BOARD_FONT}
    assert labelled.layout.shapes[0].y0 == 426  # the threshold line itself


def test_stacked_bars_keep_a_legend_in_board_mode() -> None:
    stages = pd.DataFrame({"measure": ["a", "b"], "measure_title": ["Care to decision", "Decision to order"],
                           "scope": ["ALS", "ALS"], "scope_name": ["Adopt London South"] * 2,
                           "value": [100.0, 200.0], "shown": ["100", "200"]})
    labelled = go.Figure(direct_labels(journey_figure(stages)))
    assert labelled.layout.showlegend is True and labelled.layout.legend.font.size == BOARD_FONT
