"""Figure functions of the chart pages beyond the Overview: a disclosed frame in, a figure out.

Like layouts/figures.py they take frames only and never compute. A frame of several measures
carries `measure` and `measure_title` columns; a broken-down frame its `category` rows. Hidden
values ([c], [x], [z]) are gaps with their symbol written where the bar would be, never a zero.
Reference thresholds are drawn as labelled horizontal lines. Imports plotly, pandas and layouts.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from layouts.figures import COLOURS, ENGLAND, ENGLAND_COLOUR, line_styles, trend_figure

TOTAL = "Total"
PATTERNS = ("", "/", ".", "x", "-", "+")  # with colour, so colour is never the only cue
FONT = {"family": "Arial, sans-serif", "size": 12, "color": "#0b0c0c"}


def _layout(figure: go.Figure, height: int, **extra) -> go.Figure:
    figure.update_layout(**{
        "height": height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "font": FONT,
        "legend": {"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 12}}, **extra,
    })
    return figure


def _numbers(rows: pd.DataFrame) -> list[float]:
    return pd.to_numeric(rows["value"]).tolist()


def _gap_labels(figure: go.Figure, rows: pd.DataFrame, position: str, horizontal: bool = False) -> None:
    """Write the symbol of each hidden value where its bar would stand."""
    for _, row in rows[pd.to_numeric(rows["value"]).isna()].iterrows():
        where = {"x": 0, "y": row[position]} if horizontal else {"x": row[position], "y": 0}
        figure.add_annotation(text=str(row["shown"]), showarrow=False,
                              xanchor="left" if horizontal else "center",
                              yanchor="middle" if horizontal else "bottom", **where)


def journey_figure(frame: pd.DataFrame, height: int = 260) -> go.Figure:
    """One horizontal bar per area, stacked by stage (mean days), the scope at the top."""
    figure = go.Figure()
    stages = list(dict.fromkeys(frame["measure"]))
    names = list(dict.fromkeys(frame["scope_name"]))
    for n, stage in enumerate(stages):
        rows = frame[frame["measure"] == stage]
        figure.add_trace(go.Bar(
            y=rows["scope_name"].tolist(), x=_numbers(rows), text=rows["shown"].tolist(),
            name=str(rows["measure_title"].iloc[0]), orientation="h",
            marker={"color": COLOURS[n % len(COLOURS)],
                    "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}},
            textposition="inside", insidetextanchor="middle", textfont={"color": "white"},
            hovertemplate="%{y}: %{text} days<extra>%{fullData.name}</extra>",
        ))
    return _layout(figure, height, barmode="stack", showlegend=True,
                   legend={"orientation": "h", "y": -0.25, "x": 0, "traceorder": "normal"},
                   xaxis={"title": {"text": "Mean days"}, "gridcolor": "#e5e5e5"},
                   yaxis={"categoryorder": "array", "categoryarray": names[::-1],
                          "automargin": True})


def threshold_figure(frame: pd.DataFrame, threshold: float, label: str, height: int = 220) -> go.Figure:
    """The trend, with the reference threshold as a labelled dotted line."""
    figure = trend_figure(frame, height=height)
    figure.add_hline(y=threshold, line={"color": "#801650", "dash": "dot", "width": 1.5},
                     annotation_text=f"{label} ({threshold:,.0f} days)",
                     annotation_position="top left", name=label)
    figure.update_layout(showlegend=True, margin={"l": 40, "r": 10, "t": 20, "b": 10})
    return figure


def grouped_bars(frame: pd.DataFrame, height: int = 240) -> go.Figure:
    """A group of bars per measure, one bar per area; England dark grey and hatched."""
    figure = go.Figure()
    scopes = list(dict.fromkeys(frame["scope"]))
    for n, (scope, style) in enumerate(line_styles(scopes).items()):
        rows = frame[frame["scope"] == scope]
        figure.add_trace(go.Bar(
            x=rows["measure_title"].tolist(), y=_numbers(rows), text=rows["shown"].tolist(),
            name=str(rows["scope_name"].iloc[0]), textposition="outside", cliponaxis=False,
            marker={"color": style["color"],
                    "pattern": {"shape": "/" if scope == ENGLAND else PATTERNS[n % len(PATTERNS)]}},
            hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
        ))
    return _layout(figure, height, barmode="group", showlegend=True,
                   yaxis={"title": {"text": "Mean days"}, "rangemode": "tozero",
                          "gridcolor": "#e5e5e5"})


def measure_lines(frame: pd.DataFrame, height: int = 220) -> go.Figure:
    """One line per measure over the quarters, on one axis (the same unit)."""
    figure = go.Figure()
    measures = list(dict.fromkeys(frame["measure"]))
    for measure, style in zip(measures, line_styles(measures).values()):
        rows = frame[frame["measure"] == measure]
        figure.add_trace(go.Scatter(
            x=rows["quarter"].tolist(), y=_numbers(rows), text=rows["shown"].tolist(),
            name=str(rows["measure_title"].iloc[0]), mode="lines+markers", connectgaps=False,
            line={"color": style["color"], "dash": style["dash"], "width": 2.5},
            marker={"color": style["color"], "symbol": style["symbol"], "size": 7},
            hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
        ))
    quarters = list(dict.fromkeys(frame["quarter"]))
    return _layout(figure, height, showlegend=True,
                   xaxis={"type": "category", "showgrid": False, "tickvals": quarters[::2],
                          "ticktext": [q[2:] if len(q) == 10 else q for q in quarters[::2]]},
                   yaxis={"title": {"text": "Count"}, "rangemode": "tozero",
                          "gridcolor": "#e5e5e5"})


def ranked_bars(frame: pd.DataFrame, height: int = 300) -> go.Figure:
    """A horizontal bar per agency, largest at the top; England as a dashed dark-grey line."""
    england = frame[frame["scope"] == ENGLAND]
    rows = frame[frame["scope"] != ENGLAND].assign(_v=lambda f: pd.to_numeric(f["value"]))
    rows = rows.sort_values("_v", ascending=True, na_position="first")
    figure = go.Figure(go.Bar(
        y=rows["scope_name"].tolist(), x=rows["_v"].tolist(), text=rows["shown"].tolist(),
        orientation="h", marker={"color": COLOURS[0]}, textposition="outside", name="Agency", cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    _gap_labels(figure, rows, "scope_name", horizontal=True)
    if len(england) and pd.notna(pd.to_numeric(england["value"]).iloc[0]):
        figure.add_vline(x=float(england["value"].iloc[0]),
                         line={"color": ENGLAND_COLOUR, "dash": "dash", "width": 2},
                         annotation_text=f"England {england['shown'].iloc[0]}",
                         annotation_position="top")
    return _layout(figure, height, showlegend=False,
                   margin={"l": 10, "r": 30, "t": 30, "b": 10},
                   xaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"},
                   yaxis={"automargin": True, "type": "category"})


def category_bars(frame: pd.DataFrame, height: int = 220) -> go.Figure:
    """A bar per category of the scope, named in words where the frame has them
    (`category_label`); the Total is left to the table."""
    rows = frame[frame["category"] != TOTAL]
    names = rows["category_label"] if "category_label" in rows else rows["category"]
    figure = go.Figure(go.Bar(
        x=names.astype(str).tolist(), y=_numbers(rows), text=rows["shown"].tolist(),
        marker={"color": COLOURS[0]}, textposition="outside", cliponaxis=False,
        name=str(frame["scope_name"].iloc[0]),
        hovertemplate="%{x}: %{text}<extra></extra>",
    ))
    _gap_labels(figure, rows.assign(_name=names), "_name")
    return _layout(figure, height, showlegend=False, margin={"l": 40, "r": 10, "t": 20, "b": 10},
                   xaxis={"type": "category"},
                   yaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"})


def measure_bars(frame: pd.DataFrame, height: int = 240, unit: str = "Count") -> go.Figure:
    """A group of bars per quarter, one bar per measure in the frame's order (a funnel's stages,
    or counts over 6, 12 and 18 months); a hidden value is a gap, its symbol in the table."""
    figure = go.Figure()
    for n, measure in enumerate(dict.fromkeys(frame["measure"])):
        rows = frame[frame["measure"] == measure]
        figure.add_trace(go.Bar(
            x=rows["quarter"].tolist(), y=_numbers(rows), text=rows["shown"].tolist(),
            name=str(rows["measure_title"].iloc[0]),
            marker={"color": COLOURS[n % len(COLOURS)],
                    "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}},
            hovertemplate="%{x}: %{text}<extra>%{fullData.name}</extra>",
        ))
    quarters = list(dict.fromkeys(frame["quarter"]))
    return _layout(figure, height, barmode="group", showlegend=True,
                   xaxis={"type": "category", "tickvals": quarters,
                          "ticktext": [q[2:] if len(q) == 10 else q for q in quarters]},
                   yaxis={"title": {"text": unit}, "rangemode": "tozero", "gridcolor": "#e5e5e5"})
