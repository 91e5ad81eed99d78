"""The picture's layout (charts/export_figure.py) without a browser: the legend starts at the
plot's left edge (reaching over the y axis' title it made plotly push that title into the
plot), room is kept left of the tick labels for that title, and the legend sits above the
figure's own notes on the plot's top edge (the incomplete-returns note) rather than on them."""

from __future__ import annotations

import plotly.graph_objects as go

from charts.export_figure import AXIS_TITLE, IMAGE_SIZE, SIDE, export_figure

LINES = [{"type": "scatter", "x": ["2025-26 Q1", "2025-26 Q2"], "y": [3, 4], "name": name}
         for name in ("Approved adopters waiting", "Children waiting")]


def test_legend_from_the_plots_edge_and_room_for_the_y_axis_title() -> None:
    titled = export_figure(go.Figure({"data": LINES, "layout": {"yaxis": {"title": {"text": "Count"}}}}),
                           "Title", "Caption")
    plain = export_figure(go.Figure({"data": LINES}), "Title", "Caption")
    assert (titled.layout.legend.xref, titled.layout.legend.x) == ("paper", 0)
    assert titled.layout.margin.l == plain.layout.margin.l + AXIS_TITLE == SIDE + 40 + AXIS_TITLE


def test_legend_sits_above_a_note_on_the_plots_top_edge() -> None:
    note = {"text": "Hollow points: 1 of 5 returns missing<br>Aspire Adoption", "xref": "paper",
            "yref": "paper", "x": 0, "y": 1, "yanchor": "bottom", "showarrow": False,
            "font": {"size": 12}}
    with_note = export_figure(go.Figure({"data": LINES, "layout": {"annotations": [note]}}), "T", "C")
    without = export_figure(go.Figure({"data": LINES}), "T", "C")
    # Two 12 px lines at 1.35 a line, and 4 px between: 36 px more above the plot.
    assert with_note.layout.margin.t - without.layout.margin.t == 36
    plot = IMAGE_SIZE.height - with_note.layout.margin.t - with_note.layout.margin.b
    assert without.layout.legend.y == 1
    assert abs((with_note.layout.legend.y - 1) * plot - 36) < 1e-6  # its foot 36 px above the plot
