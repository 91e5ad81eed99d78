"""`browser_figure`: a figure as a page sends it, a gap's NaN as None, so that plotly's JSON
encoder writes the answer once (finding `NaN` in what it wrote, it reads it back and writes it
again). What the browser receives is the same either way."""

from __future__ import annotations

import json
import math

from _plotly_utils.utils import PlotlyJSONEncoder
from dash import dcc
from dash._utils import to_json

from charts.figures import browser_figure, figure_spec


def spec_with_a_gap() -> dict:
    return figure_spec([{"type": "bar", "x": ["Q1", "Q2", "Q3"], "y": [7.0, float("nan"), 3.0],
                         "text": ["7", "[c]", "3"]},
                        {"type": "scatter", "x": ["Q1"], "y": [2.0]}], {"height": 200})


def test_a_gap_is_none_and_nothing_else_changes():
    spec = spec_with_a_gap()
    sent = browser_figure(spec)
    assert sent["data"][0]["y"] == [7.0, None, 3.0]
    assert sent["data"][0]["x"] == ["Q1", "Q2", "Q3"] and sent["data"][0]["text"] == ["7", "[c]", "3"]
    assert sent["data"][1] is spec["data"][1]  # a trace without gaps is not copied
    assert sent["layout"] is spec["layout"]
    assert math.isnan(spec["data"][0]["y"][1])  # the chart's own figure keeps its NaN


def test_a_figure_without_gaps_is_sent_as_it_is():
    spec = figure_spec([{"type": "bar", "x": ["a"], "y": [1.0]}], {})
    assert browser_figure(spec) is spec


def test_the_browser_receives_the_same_answer_written_once():
    spec = spec_with_a_gap()
    before, after = dcc.Graph(figure=spec), dcc.Graph(figure=browser_figure(spec))
    assert to_json(after) == to_json(before)
    assert '"y":[7.0,null,3.0]' in to_json(after)
    # plotly writes it again only when its first pass wrote NaN
    first_pass = json.JSONEncoder.encode(PlotlyJSONEncoder(), after)
    assert "NaN" not in first_pass and "NaN" in json.JSONEncoder.encode(PlotlyJSONEncoder(), before)
