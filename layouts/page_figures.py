"""Figure functions of the chart pages beyond the Overview: a disclosed frame in, a figure out.

Like layouts/figures.py they take frames only and never compute. A frame of several measures
carries `measure` and `measure_title` columns; a broken-down frame its `category` rows. Hidden
values ([c], [x], [z]) are gaps with their symbol written where the bar would be, never a zero.
Reference thresholds are drawn as labelled horizontal lines. Imports plotly, pandas and layouts.
"""

from __future__ import annotations

import pandas as pd

from layouts.figures import (
    COLOURS, ENGLAND, ENGLAND_COLOUR, FigureSpec, figure_spec, line_styles, trend_figure,
)

TOTAL = "Total"
PATTERNS = ("", "/", ".", "x", "-", "+")  # with colour, so colour is never the only cue
FONT = {"family": "Arial, sans-serif", "size": 12, "color": "#0b0c0c"}


def _figure(traces: list[dict], height: int, annotations: list[dict] | None = None,
            shapes: list[dict] | None = None, **extra) -> FigureSpec:
    layout = {
        "height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "font": FONT,
        "legend": {"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 12}},
        "annotations": annotations or [], "shapes": shapes or [], **extra,
    }
    return figure_spec(traces, layout)


def _numbers(rows: pd.DataFrame) -> list[float]:
    return pd.to_numeric(rows["value"]).tolist()


def _gap_labels(rows: pd.DataFrame, position: str, horizontal: bool = False) -> list[dict]:
    """The symbol of each hidden value, written where its bar would stand."""
    labels = []
    for _, row in rows[pd.to_numeric(rows["value"]).isna()].iterrows():
        where = {"x": 0, "y": row[position]} if horizontal else {"x": row[position], "y": 0}
        labels.append({"text": str(row["shown"]), "showarrow": False,
                       "xanchor": "left" if horizontal else "center",
                       "yanchor": "middle" if horizontal else "bottom", **where})
    return labels


def journey_figure(frame: pd.DataFrame, height: int = 260) -> FigureSpec:
    """One horizontal bar per area, stacked by stage (mean days), the scope at the top."""
    stages = list(dict.fromkeys(frame["measure"]))
    names = list(dict.fromkeys(frame["scope_name"]))
    traces = []
    for n, stage in enumerate(stages):
        rows = frame[frame["measure"] == stage]
        traces.append({
            "type": "bar", "y": rows["scope_name"].tolist(), "x": _numbers(rows),
            "text": rows["shown"].tolist(), "name": str(rows["measure_title"].iloc[0]),
            "orientation": "h",
            "marker": {"color": COLOURS[n % len(COLOURS)],
                       "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}},
            "textposition": "inside", "insidetextanchor": "middle", "textfont": {"color": "white"},
            "hovertemplate": "%{y}: %{text} days<extra>%{fullData.name}</extra>",
        })
    return _figure(traces, height, barmode="stack", showlegend=True,
                   legend={"orientation": "h", "y": -0.25, "x": 0, "traceorder": "normal"},
                   xaxis={"title": {"text": "Mean days"}, "gridcolor": "#e5e5e5"},
                   yaxis={"categoryorder": "array", "categoryarray": names[::-1],
                          "automargin": True})


def threshold_figure(frame: pd.DataFrame, threshold: float, label: str, height: int = 220) -> FigureSpec:
    """The trend, with the reference threshold as a labelled dotted line across the chart."""
    figure = trend_figure(frame, height=height)
    figure["layout"].update(
        shapes=[{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y",
                 "y0": threshold, "y1": threshold, "name": label,
                 "line": {"color": "#801650", "dash": "dot", "width": 1.5}}],
        annotations=[{"text": f"{label} ({threshold:,.0f} days)", "showarrow": False,
                      "xref": "x domain", "x": 0, "xanchor": "left",
                      "yref": "y", "y": threshold, "yanchor": "bottom"}],
        showlegend=True, margin={"l": 40, "r": 10, "t": 20, "b": 10})
    return figure


def grouped_bars(frame: pd.DataFrame, height: int = 240) -> FigureSpec:
    """A group of bars per measure, one bar per area; England dark grey and hatched."""
    scopes = list(dict.fromkeys(frame["scope"]))
    traces = []
    for n, (scope, style) in enumerate(line_styles(scopes).items()):
        rows = frame[frame["scope"] == scope]
        traces.append({
            "type": "bar", "x": rows["measure_title"].tolist(), "y": _numbers(rows),
            "text": rows["shown"].tolist(), "name": str(rows["scope_name"].iloc[0]),
            "textposition": "outside", "cliponaxis": False,
            "marker": {"color": style["color"],
                       "pattern": {"shape": "/" if scope == ENGLAND else PATTERNS[n % len(PATTERNS)]}},
            "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>",
        })
    return _figure(traces, height, barmode="group", showlegend=True,
                   yaxis={"title": {"text": "Mean days"}, "rangemode": "tozero",
                          "gridcolor": "#e5e5e5"})


def measure_lines(frame: pd.DataFrame, height: int = 220) -> FigureSpec:
    """One line per measure over the quarters, on one axis (the same unit)."""
    measures = list(dict.fromkeys(frame["measure"]))
    traces = []
    for measure, style in zip(measures, line_styles(measures).values()):
        rows = frame[frame["measure"] == measure]
        traces.append({
            "type": "scatter", "x": rows["quarter"].tolist(), "y": _numbers(rows),
            "text": rows["shown"].tolist(), "name": str(rows["measure_title"].iloc[0]),
            "mode": "lines+markers", "connectgaps": False,
            "line": {"color": style["color"], "dash": style["dash"], "width": 2.5},
            "marker": {"color": style["color"], "symbol": style["symbol"], "size": 7},
            "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>",
        })
    quarters = list(dict.fromkeys(frame["quarter"]))
    return _figure(traces, height, showlegend=True,
                   xaxis={"type": "category", "showgrid": False, "tickvals": quarters[::2],
                          "ticktext": [q[2:] if len(q) == 10 else q for q in quarters[::2]]},
                   yaxis={"title": {"text": "Count"}, "rangemode": "tozero",
                          "gridcolor": "#e5e5e5"})


def ranked_bars(frame: pd.DataFrame, height: int = 300) -> FigureSpec:
    """A horizontal bar per agency, largest at the top; England as a dashed dark-grey line."""
    england = frame[frame["scope"] == ENGLAND]
    rows = frame[frame["scope"] != ENGLAND].assign(_v=lambda f: pd.to_numeric(f["value"]))
    rows = rows.sort_values("_v", ascending=True, na_position="first")
    bars = {"type": "bar", "y": rows["scope_name"].tolist(), "x": rows["_v"].tolist(),
            "text": rows["shown"].tolist(), "orientation": "h", "marker": {"color": COLOURS[0]},
            "textposition": "outside", "name": "Agency", "cliponaxis": False,
            "hovertemplate": "%{y}: %{text}<extra></extra>"}
    notes, shapes = _gap_labels(rows, "scope_name", horizontal=True), []
    if len(england) and pd.notna(pd.to_numeric(england["value"]).iloc[0]):
        x = float(england["value"].iloc[0])
        shapes.append({"type": "line", "yref": "y domain", "y0": 0, "y1": 1, "xref": "x",
                       "x0": x, "x1": x, "line": {"color": ENGLAND_COLOUR, "dash": "dash", "width": 2}})
        notes.append({"text": f"England {england['shown'].iloc[0]}", "showarrow": False,
                      "xref": "x", "x": x, "yref": "y domain", "y": 1, "yanchor": "bottom"})
    return _figure([bars], height, notes, shapes, showlegend=False,
                   margin={"l": 10, "r": 30, "t": 30, "b": 10},
                   xaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"},
                   yaxis={"automargin": True, "type": "category"})


def category_bars(frame: pd.DataFrame, height: int = 220) -> FigureSpec:
    """A bar per category of the scope, named in words where the frame has them
    (`category_label`); the Total is left to the table."""
    rows = frame[frame["category"] != TOTAL]
    names = rows["category_label"] if "category_label" in rows else rows["category"]
    bars = {"type": "bar", "x": names.astype(str).tolist(), "y": _numbers(rows),
            "text": rows["shown"].tolist(), "marker": {"color": COLOURS[0]},
            "textposition": "outside", "cliponaxis": False,
            "name": str(frame["scope_name"].iloc[0]), "hovertemplate": "%{x}: %{text}<extra></extra>"}
    return _figure([bars], height, _gap_labels(rows.assign(_name=names), "_name"), showlegend=False,
                   margin={"l": 40, "r": 10, "t": 20, "b": 10}, xaxis={"type": "category"},
                   yaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"})


def measure_bars(frame: pd.DataFrame, height: int = 240, unit: str = "Count") -> FigureSpec:
    """A group of bars per quarter, one bar per measure in the frame's order (a funnel's stages,
    or counts over 6, 12 and 18 months); a hidden value is a gap, its symbol in the table."""
    traces = []
    for n, measure in enumerate(dict.fromkeys(frame["measure"])):
        rows = frame[frame["measure"] == measure]
        traces.append({
            "type": "bar", "x": rows["quarter"].tolist(), "y": _numbers(rows),
            "text": rows["shown"].tolist(), "name": str(rows["measure_title"].iloc[0]),
            "marker": {"color": COLOURS[n % len(COLOURS)],
                       "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}},
            "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>",
        })
    quarters = list(dict.fromkeys(frame["quarter"]))
    return _figure(traces, height, barmode="group", showlegend=True,
                   xaxis={"type": "category", "tickvals": quarters,
                          "ticktext": [q[2:] if len(q) == 10 else q for q in quarters]},
                   yaxis={"title": {"text": unit}, "rangemode": "tozero", "gridcolor": "#e5e5e5"})
