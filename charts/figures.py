"""Figure kinds: a disclosed frame in, a plotly figure (as plain data) out.

They take frames only (scope, scope_name, quarter, value, shown; a frame of several measures
carries `measure` and `measure_title`, a broken-down one its `category` rows) and never compute,
so a chart draws exactly the numbers its table and downloads carry; the one exception is the
projection's figure, which draws metrics.projection's projection of its frame's figures (and says
it is a projection). Analysis Function colours;
England is always a dashed dark-grey reference line, and each line has its own dash and marker
too, so colour is never the only cue. Hidden values ([c], [x], [z]) are gaps with their symbol
written where the bar would be, never a zero; thresholds are labelled horizontal lines.
`direct_labels` makes a figure board-sized, its lines labelled at their ends instead of a
legend. A figure from incomplete returns is drawn hollow (a point) or white and hatched (a bar),
with a note above the plot naming the missing returns (charts.marks). Imports plotly, numpy,
pandas, charts and metrics only.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from html import escape

import numpy as np
import pandas as pd
import plotly.io as pio

from charts.marks import chart_note, hover_words, incomplete_flags
from charts.query import ENGLAND, ENGLAND_PUBLISHED
from metrics.disclosure import TOTAL
from metrics.frame_memo import per_frame
from metrics.funnel import curve, england_value, funnel_points, outliers
from metrics.projection import project_rows
from metrics.registry import MEASURES

ENGLAND_COLOUR = "#3D3D3D"
THRESHOLD_COLOUR = "#801650"
COLOURS = ("#12436D", "#28A197", "#801650", "#F46A25", "#A285D1")  # the scope first
DASHES = ("solid", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x")
# What the dashboard draws: the trace types of the plotly.js bundle it serves (assets/).
TRACE_TYPES = ("scatter", "bar", "pie")
# A figure as plain data, as dcc.Graph and plotly.js take it: {"data": [traces], "layout": {}}.
# go.Figure(spec) gives the checked plotly object (the image exports, the tests).
FigureSpec = dict


# Template layout parts for kinds of plot the dashboard never draws (3-D, polar, ternary, maps,
# colour scales): two thirds of the template, sent with every chart.
UNDRAWN = ("polar", "ternary", "scene", "geo", "mapbox", "map", "coloraxis", "colorscale")


@cache
def template() -> dict:
    """plotly's default template, as go.Figure would add it, cut to the trace types and the
    kinds of plot drawn: what the charts look like is unchanged."""
    whole = pio.templates[pio.templates.default].to_plotly_json()
    return {"layout": {k: v for k, v in whole["layout"].items() if k not in UNDRAWN},
            "data": {kind: whole["data"][kind] for kind in TRACE_TYPES if kind in whole["data"]}}


def figure_spec(traces: list[dict], layout: dict) -> FigureSpec:
    """A figure from plain dicts. A go.Figure checks every property as it is built and copies
    them all again when sent (some 9 ms a chart, half a filter change's server time), which
    the page's charts do not need: their traces are made here, of known properties."""
    return {"data": traces, "layout": {"template": template(), **layout}}


def browser_figure(spec: FigureSpec) -> FigureSpec:
    """The figure as a page sends it: a gap's NaN as None in its traces' values. Both reach
    the browser as `null`, but plotly's JSON encoder, finding `NaN` in what it wrote, reads
    the whole answer back and writes it again, which was two fifths of sending a page."""
    traces = [_without_nan(trace) for trace in spec["data"]]
    if all(new is old for new, old in zip(traces, spec["data"])):
        return spec
    return {**spec, "data": traces}


def _without_nan(trace: dict) -> dict:
    gaps = {key: [None if isinstance(v, float) and v != v else v for v in values]
            for key, values in trace.items()
            if isinstance(values, list) and any(isinstance(v, float) and v != v for v in values)}
    return {**trace, **gaps} if gaps else trace


def line_styles(scopes: list[str]) -> dict[str, dict]:
    """Each scope's line: England dashed dark grey, the others in palette order."""
    styles, n = {}, 0
    for scope in scopes:
        if scope == ENGLAND:
            styles[scope] = {"color": ENGLAND_COLOUR, "dash": "dash", "symbol": "circle-open"}
        else:
            styles[scope] = {"color": COLOURS[n % len(COLOURS)], "dash": DASHES[n % len(DASHES)],
                             "symbol": SYMBOLS[n % len(SYMBOLS)]}
            n += 1
    return styles


# ---------------------------------------------------------------- marks of incomplete returns

NOTE_COLOUR = "#0b0c0c"
NOTE_WIDTH = 52  # characters of the note on a line: a third-width card's plot
NOTE_LINE = 20  # px of top margin a line of the note takes (board mode draws it at 16 px)
NOTE_NAME = "incomplete-returns"  # the note's annotation name, for board mode and the tests
HIDDEN_NAME = "hidden-agencies"  # a funnel's note of agencies not drawn, ditto
RATE_NOTE = "funnel-rate"  # a funnel's "per 100" between two stages: the normal page's only


def hollow(marker: dict, flags: np.ndarray) -> dict:
    """A line's markers with each point from incomplete returns hollow and larger (an open
    marker's hollow one is dotted: England's points are open already)."""
    if not flags.any():
        return marker
    symbol, size = marker["symbol"], marker.get("size", 7)
    empty = f"{symbol}-dot" if symbol.endswith("-open") else f"{symbol}-open"
    return {**marker, "symbol": [empty if f else symbol for f in flags],
            "size": [size + 5 if f else size for f in flags],
            "line": {"color": marker["color"], "width": [2 if f else 0 for f in flags]}}


def hatched(marker: dict, flags: np.ndarray) -> dict:
    """A bar series' markers with each bar from incomplete returns white, hatched and outlined
    in the series' colour (the others as they were)."""
    if not flags.any():
        return marker
    colour = marker["color"]
    pattern = marker.get("pattern", {})
    shape, fg = pattern.get("shape", ""), pattern.get("fgcolor", "white")
    return {**marker, "color": ["white" if f else colour for f in flags],
            "line": {"color": colour, "width": [2 if f else 0 for f in flags]},
            "pattern": {**pattern, "shape": ["/" if f else shape for f in flags],
                        "fgcolor": [colour if f else fg for f in flags], "fillmode": "overlay"}}


def _wrapped(text: str, width: int = NOTE_WIDTH) -> list[str]:
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def marks_of(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's flag of incomplete returns and its hover words, worked out once a figure."""
    flags = incomplete_flags(frame)
    return flags, np.asarray(hover_words(frame, flags), dtype=object)


def with_note(figure: FigureSpec, frame: pd.DataFrame, how: str, flags: np.ndarray | None = None,
              per_area: bool = False) -> FigureSpec:
    """The figure with its note of incomplete returns above the plot (`how` names the mark),
    the top margin grown to hold it, above any note already on the plot's top edge. With
    `per_area` the note counts areas, not the bars that are their parts (categories, stages)."""
    flags = incomplete_flags(frame) if flags is None else flags
    if not flags.any():
        return figure
    if per_area and "scope" in frame and "quarter" in frame:
        keys = list(zip(*(frame[c].to_numpy(dtype=object) for c in ("scope", "quarter") if c in frame)))
        seen: set = set()
        first = np.fromiter((not (k in seen or seen.add(k)) for k in keys), dtype=bool, count=len(keys))
        frame, flags = frame[first], flags[first]
    text = chart_note(frame, how, flags)
    if not text:  # nothing drawn is incomplete: gaps say their own reason
        return figure
    layout = figure["layout"]
    lines = _wrapped(text)
    on_top = any(a.get("y") == 1 and a.get("yanchor") == "bottom" for a in layout.get("annotations", []))
    lift = 20 if on_top else 0
    margin = dict(layout.get("margin", {}))
    margin["t"] = margin.get("t", 10) + NOTE_LINE * len(lines) + lift
    note = {"name": NOTE_NAME, "text": "<br>".join(lines), "showarrow": False, "align": "left",
            "xref": "paper", "x": 0, "xanchor": "left", "yref": "paper", "y": 1,
            "yanchor": "bottom", "yshift": lift + 2, "font": {"size": 12, "color": NOTE_COLOUR}}
    layout.update(annotations=[*layout.get("annotations", []), note], margin=margin)
    return figure


def short_quarter(quarter: str) -> str:
    """`2025-26 Q1` as `25-26 Q1`: eight of them fit under a tile's chart without turning."""
    return quarter[2:] if len(quarter) == 10 else quarter


def trend_figure(frame: pd.DataFrame, height: int = 200) -> FigureSpec:
    """One line per scope over the frame's quarters; gaps where a value is not shown.

    Counts of a region or agency are a fraction of England's, so on one axis England would
    flatten them to a line along the bottom: for counts England is left to the text beside the
    chart, and the chart shows the scope's own trend. Averages, rates and ratios share a scale,
    so England is drawn as the reference. Published figures (rows with a `period`, the year
    they were published for) are markers without a line, named with their years."""
    scope_of = frame["scope"].to_numpy(dtype=object)
    scopes = list(dict.fromkeys(scope_of))
    counts = "value_type" in frame and bool((frame["value_type"] == "count").all())
    if counts and len(scopes) > 1 and scopes[0] != ENGLAND:
        scopes = [s for s in scopes if s not in (ENGLAND, ENGLAND_PUBLISHED)]
    # Plain arrays, not a frame filtered per line: a frame's filter costs more than the line.
    quarter = frame["quarter"].to_numpy(dtype=object)
    name = frame["scope_name"].to_numpy(dtype=object)
    value = pd.to_numeric(frame["value"]).to_numpy(dtype=float, na_value=np.nan)
    shown = frame["shown"].to_numpy(dtype=object)
    period = frame["period"].to_numpy(dtype=object) if "period" in frame else np.full(len(frame), None)
    published = pd.notna(period) & (period != "")
    flags, hover = marks_of(frame)
    traces = []
    for scope, style in line_styles([s for s in scopes if not published[scope_of == s].any()]).items():
        rows = scope_of == scope
        traces.append({
            "type": "scatter",
            "x": quarter[rows].tolist(),
            "y": value[rows].tolist(),
            "text": shown[rows].tolist(),
            "customdata": hover[rows].tolist(),
            "name": str(name[rows][0]),
            "mode": "lines+markers",
            "line": {"color": style["color"], "dash": style["dash"], "width": 2.5},
            "marker": hollow({"color": style["color"], "symbol": style["symbol"], "size": 7}, flags[rows]),
            "hovertemplate": "%{x}: %{text}%{customdata}<extra>%{fullData.name}</extra>",
            "connectgaps": False,
        })
    for n, scope in enumerate(s for s in scopes if published[scope_of == s].any()):
        rows = scope_of == scope
        years = ", ".join(sorted(set(period[rows])))
        colour = ENGLAND_COLOUR if scope == ENGLAND_PUBLISHED else COLOURS[(n + 3) % len(COLOURS)]
        traces.append({
            "type": "scatter",
            "x": quarter[rows].tolist(),
            "y": value[rows].tolist(),
            "text": [f"{s} ({p})" for s, p in zip(shown[rows], period[rows])],
            "name": f"{name[rows][0]} {years}",
            "mode": "markers",
            "marker": {"color": colour, "symbol": "diamond", "size": 11,
                       "line": {"color": "white", "width": 1}},
            "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>",
        })
    quarters = list(dict.fromkeys(quarter[np.isin(scope_of, scopes)]))
    drawn = np.isin(scope_of, scopes) & ~published
    return with_note(figure_spec(traces, {
        "height": height,
        "margin": {"l": 40, "r": 10, "t": 10, "b": 10},
        "showlegend": len(scopes) > 1,
        "legend": {"orientation": "h", "y": -0.25, "x": 0, "font": {"size": 12}},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": {"family": "Arial, sans-serif", "size": 12, "color": "#0b0c0c"},
        "xaxis": {"type": "category", "showgrid": False, "tickfont": {"size": 11}, "tickangle": 0,
                  "tickvals": quarters[::2], "ticktext": [short_quarter(q) for q in quarters[::2]]},
        "yaxis": {"rangemode": "tozero", "gridcolor": "#e5e5e5", "zeroline": False},
    }), frame, "Hollow points", flags & drawn)


# ---------------------------------------------------------------- the chart pages' kinds

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
    gaps = np.flatnonzero(pd.to_numeric(rows["value"]).isna().to_numpy())
    if not len(gaps):
        return labels
    places, shown = rows[position].to_numpy(dtype=object), rows["shown"].to_numpy(dtype=object)
    for at in gaps:  # read as arrays: iterrows made a Series a row
        where = {"x": 0, "y": places[at]} if horizontal else {"x": places[at], "y": 0}
        labels.append({"text": str(shown[at]), "showarrow": False,
                       "xanchor": "left" if horizontal else "center",
                       "yanchor": "middle" if horizontal else "bottom", **where})
    return labels


def journey_figure(frame: pd.DataFrame, height: int = 260) -> FigureSpec:
    """One horizontal bar per area, stacked by stage (mean days), the scope at the top."""
    stages = list(dict.fromkeys(frame["measure"]))
    names = list(dict.fromkeys(frame["scope_name"]))
    traces = []
    marked, hover = marks_of(frame)
    for n, stage in enumerate(stages):
        inside = (frame["measure"] == stage).to_numpy()
        rows, flags = frame[inside], marked[inside]
        traces.append({
            "type": "bar", "y": rows["scope_name"].tolist(), "x": _numbers(rows),
            "text": rows["shown"].tolist(), "name": str(rows["measure_title"].iloc[0]),
            "customdata": hover[inside].tolist(),
            "orientation": "h",
            "marker": hatched({"color": COLOURS[n % len(COLOURS)],
                               "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}},
                              flags),
            "textposition": "inside", "insidetextanchor": "middle",
            # white on the colour; the colour on a white (incomplete) bar
            "textfont": {"color": [COLOURS[n % len(COLOURS)] if f else "white" for f in flags]
                         if flags.any() else "white"},
            "hovertemplate": "%{y}: %{text} days%{customdata}<extra>%{fullData.name}</extra>",
        })
    # One note per area's returns, not one per stage.
    return with_note(_figure(traces, height, barmode="stack", showlegend=True,
                             legend={"orientation": "h", "y": -0.25, "x": 0, "traceorder": "normal"},
                             xaxis={"title": {"text": "Mean days"}, "gridcolor": "#e5e5e5"},
                             yaxis={"categoryorder": "array", "categoryarray": names[::-1],
                                    "automargin": True}),
                     frame, "Hatched bars", marked, per_area=True)


def threshold_figure(frame: pd.DataFrame, threshold: float, label: str, height: int = 220) -> FigureSpec:
    """The trend, with the reference threshold as a labelled dotted line across the chart."""
    figure = trend_figure(frame, height=height)
    notes = figure["layout"].get("annotations", [])  # the note of incomplete returns, if any
    top = figure["layout"]["margin"]["t"] - 10  # the room that note took
    figure["layout"].update(
        shapes=[{"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y",
                 "y0": threshold, "y1": threshold, "name": label,
                 "line": {"color": THRESHOLD_COLOUR, "dash": "dot", "width": 1.5}}],
        annotations=[{"text": f"{label} ({threshold:,.0f} days)", "showarrow": False,
                      "xref": "x domain", "x": 0, "xanchor": "left",
                      "yref": "y", "y": threshold, "yanchor": "bottom"}, *notes],
        showlegend=True, margin={"l": 40, "r": 10, "t": 20 + top, "b": 10})
    return figure


def grouped_bars(frame: pd.DataFrame, height: int = 240) -> FigureSpec:
    """A group of bars per measure, one bar per area; England dark grey and hatched."""
    scopes = list(dict.fromkeys(frame["scope"]))
    marked, hover = marks_of(frame)
    traces = []
    for n, (scope, style) in enumerate(line_styles(scopes).items()):
        inside = (frame["scope"] == scope).to_numpy()
        rows = frame[inside]
        traces.append({
            "type": "bar", "x": rows["measure_title"].tolist(), "y": _numbers(rows),
            "text": rows["shown"].tolist(), "name": str(rows["scope_name"].iloc[0]),
            "customdata": hover[inside].tolist(),
            "textposition": "outside", "cliponaxis": False,
            "marker": hatched({"color": style["color"],
                               "pattern": {"shape": "/" if scope == ENGLAND else PATTERNS[n % len(PATTERNS)]}},
                              marked[inside]),
            "hovertemplate": "%{x}: %{text}%{customdata}<extra>%{fullData.name}</extra>",
        })
    return with_note(_figure(traces, height, barmode="group", showlegend=True,
                             yaxis={"title": {"text": "Mean days"}, "rangemode": "tozero",
                                    "gridcolor": "#e5e5e5"}), frame, "Hatched bars", marked)


def measure_lines(frame: pd.DataFrame, height: int = 220) -> FigureSpec:
    """One line per measure over the quarters, on one axis (the same unit)."""
    measures = list(dict.fromkeys(frame["measure"]))
    marked, hover = marks_of(frame)
    traces = []
    for measure, style in zip(measures, line_styles(measures).values()):
        inside = (frame["measure"] == measure).to_numpy()
        rows = frame[inside]
        traces.append({
            "type": "scatter", "x": rows["quarter"].tolist(), "y": _numbers(rows),
            "text": rows["shown"].tolist(), "name": str(rows["measure_title"].iloc[0]),
            "customdata": hover[inside].tolist(),
            "mode": "lines+markers", "connectgaps": False,
            "line": {"color": style["color"], "dash": style["dash"], "width": 2.5},
            "marker": hollow({"color": style["color"], "symbol": style["symbol"], "size": 7},
                             marked[inside]),
            "hovertemplate": "%{x}: %{text}%{customdata}<extra>%{fullData.name}</extra>",
        })
    quarters = list(dict.fromkeys(frame["quarter"]))
    return with_note(_figure(traces, height, showlegend=True,
                             xaxis={"type": "category", "showgrid": False, "tickvals": quarters[::2],
                                    "ticktext": [q[2:] if len(q) == 10 else q for q in quarters[::2]]},
                             yaxis={"title": {"text": "Count"}, "rangemode": "tozero",
                                    "gridcolor": "#e5e5e5"}), frame, "Hollow points", marked)


def ranked_bars(frame: pd.DataFrame, height: int = 300) -> FigureSpec:
    """A horizontal bar per agency, largest at the top; England as a dashed dark-grey line."""
    england = frame[frame["scope"] == ENGLAND]
    rows = frame[frame["scope"] != ENGLAND].assign(_v=lambda f: pd.to_numeric(f["value"]))
    rows = rows.sort_values("_v", ascending=True, na_position="first")
    marked, hover = marks_of(rows)
    bars = {"type": "bar", "y": rows["scope_name"].tolist(), "x": rows["_v"].tolist(),
            "text": rows["shown"].tolist(), "orientation": "h",
            "marker": hatched({"color": COLOURS[0]}, marked),
            "customdata": hover.tolist(),
            "textposition": "outside", "name": "Agency", "cliponaxis": False,
            "hovertemplate": "%{y}: %{text}%{customdata}<extra></extra>"}
    notes, shapes = _gap_labels(rows, "scope_name", horizontal=True), []
    if len(england) and pd.notna(pd.to_numeric(england["value"]).iloc[0]):
        x = float(england["value"].iloc[0])
        shapes.append({"type": "line", "yref": "y domain", "y0": 0, "y1": 1, "xref": "x",
                       "x0": x, "x1": x, "line": {"color": ENGLAND_COLOUR, "dash": "dash", "width": 2}})
        notes.append({"text": f"England {england['shown'].iloc[0]}", "showarrow": False,
                      "xref": "x", "x": x, "yref": "y domain", "y": 1, "yanchor": "bottom"})
    return with_note(_figure([bars], height, notes, shapes, showlegend=False,
                             margin={"l": 10, "r": 30, "t": 30, "b": 10},
                             xaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"},
                             yaxis={"automargin": True, "type": "category"}), rows, "Hatched bars", marked)


def category_bars(frame: pd.DataFrame, height: int = 220) -> FigureSpec:
    """A bar per category of the scope, named in words where the frame has them
    (`category_label`); the Total is left to the table."""
    rows = frame[frame["category"] != TOTAL]
    names = rows["category_label"] if "category_label" in rows else rows["category"]
    marked, hover = marks_of(rows)
    bars = {"type": "bar", "x": names.astype(str).tolist(), "y": _numbers(rows),
            "text": rows["shown"].tolist(),
            "marker": hatched({"color": COLOURS[0]}, marked),
            "customdata": hover.tolist(),
            "textposition": "outside", "cliponaxis": False,
            "name": str(frame["scope_name"].iloc[0]),
            "hovertemplate": "%{x}: %{text}%{customdata}<extra></extra>"}
    figure = _figure([bars], height, _gap_labels(rows.assign(_name=names), "_name"), showlegend=False,
                     margin={"l": 40, "r": 10, "t": 20, "b": 10}, xaxis={"type": "category"},
                     yaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"})
    # One note for the scope's returns, not one per category.
    return with_note(figure, rows, "Hatched bars", marked, per_area=True)


# ---------------------------------------------------------------- breakdowns beside benchmarks


def _labels(rows: pd.DataFrame) -> pd.Series:
    return (rows["category_label"] if "category_label" in rows else rows["category"]).astype(str)


def _categorised(frame: pd.DataFrame) -> pd.DataFrame:
    """A breakdown's category rows: not its Totals, nor the one uncategorised row of an area or
    quarter whose figure is [x] or [z] as a whole (the table says so). Judged on a plain array:
    pandas' comparisons of a few rows cost more than the figure drawn from them."""
    category = frame["category"].to_numpy(dtype=object)
    keep = np.fromiter((isinstance(c, str) and c not in ("", TOTAL) for c in category),
                       dtype=bool, count=len(category))
    return frame[keep]


def share_bars(frame: pd.DataFrame, height: int = 240) -> FigureSpec:
    """A group of bars per category: the scope's share (%), its region's and England's (England
    dark grey and hatched, each area with its own pattern too); the Totals (100%) are left out
    and a hidden share is a gap with its symbol over it."""
    rows = _categorised(frame)
    # Read as arrays once: a pandas filter per area cost more than the rest of the figure.
    where = rows["scope"].to_numpy(dtype=object)
    labels = _labels(rows).to_numpy(dtype=object)
    numbers = pd.to_numeric(rows["value"]).to_numpy(dtype=float, na_value=np.nan)
    shown, names = rows["shown"].to_numpy(dtype=object), rows["scope_name"].to_numpy(dtype=object)
    scopes = list(dict.fromkeys(where))
    categories = list(dict.fromkeys(labels))
    traces, notes = [], []
    for n, (scope, style) in enumerate(line_styles(scopes).items()):
        at = np.flatnonzero(where == scope)
        traces.append({
            "type": "bar", "x": labels[at].tolist(), "y": numbers[at].tolist(),
            "text": shown[at].tolist(), "name": str(names[at[0]]),
            "textposition": "outside", "cliponaxis": False,
            "marker": {"color": style["color"], "line": {"color": style["color"], "width": 1},
                       "pattern": {"shape": "/" if scope == ENGLAND else PATTERNS[n % len(PATTERNS)],
                                   "fgcolor": "white" if scope != ENGLAND else "#bfbfbf"}},
            "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>",
        })
        if len(scopes) == 1:
            mine = rows.iloc[at]
            notes = _gap_labels(mine.assign(_name=_labels(mine)), "_name")
    return _figure(traces, height, notes, barmode="group", showlegend=len(scopes) > 1,
                   legend={"orientation": "h", "y": -0.25, "x": 0, "font": {"size": 12}},
                   margin={"l": 40, "r": 10, "t": 20, "b": 10},
                   xaxis={"type": "category", "categoryorder": "array", "categoryarray": categories},
                   yaxis={"rangemode": "tozero", "ticksuffix": "%", "gridcolor": "#e5e5e5"})


def category_trend(frame: pd.DataFrame, height: int = 240, stacked: bool = False,
                   unit: str = "") -> FigureSpec:
    """One series per category of the scope over the quarters (the Total left to the table):
    lines with their own dash and marker, or bars stacked per quarter (each with its pattern).
    A hidden value is a gap."""
    scope = frame["scope"].to_numpy(dtype=object)
    rows = _categorised(frame[scope == scope[0]])
    # Read as arrays once: a pandas filter per category cost more than the rest of the figure.
    labels = _labels(rows).to_numpy(dtype=object)
    at_quarter, shown = rows["quarter"].to_numpy(dtype=object), rows["shown"].to_numpy(dtype=object)
    numbers = pd.to_numeric(rows["value"]).to_numpy(dtype=float, na_value=np.nan)
    names = list(dict.fromkeys(labels))
    traces = []
    for n, (name, style) in enumerate(zip(names, line_styles(names).values())):
        at = np.flatnonzero(labels == name)
        trace = {"x": at_quarter[at].tolist(), "y": numbers[at].tolist(), "text": shown[at].tolist(),
                 "name": name, "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>"}
        if stacked:  # the numbers are in the table and on hover: a stacked segment is too narrow
            trace.update(type="bar", textposition="none", marker={"color": style["color"], "pattern": {
                "shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}})
        else:
            trace.update(type="scatter", mode="lines+markers", connectgaps=False,
                         line={"color": style["color"], "dash": style["dash"], "width": 2.5},
                         marker={"color": style["color"], "symbol": style["symbol"], "size": 7})
        traces.append(trace)
    quarters = list(dict.fromkeys(frame["quarter"]))
    # Every other quarter, the first and the latest always labelled (the latest in place of
    # the one before it, so that two labels never meet).
    ticks = quarters[::2]
    if ticks[-1] != quarters[-1]:
        ticks = [*ticks[:-1], quarters[-1]] if len(ticks) > 1 else [*ticks, quarters[-1]]
    yaxis = {"rangemode": "tozero", "gridcolor": "#e5e5e5"}
    if unit == "%":
        yaxis["ticksuffix"] = "%"
    elif unit == "£":
        yaxis["tickprefix"] = "£"
    return _figure(traces, height, **({"barmode": "stack"} if stacked else {}), showlegend=True,
                   legend={"orientation": "h", "y": -0.25, "x": 0, "font": {"size": 12},
                           "traceorder": "normal"},
                   margin={"l": 50, "r": 10, "t": 20, "b": 10},
                   xaxis={"type": "category", "showgrid": False, "tickangle": 0,
                          "tickfont": {"size": 11}, "tickvals": ticks,
                          "ticktext": [short_quarter(q) for q in ticks]},
                   yaxis=yaxis)


def crossed_bars(frame: pd.DataFrame, height: int = 260) -> FigureSpec:
    """A crossed breakdown (`E47 · 1-4`: the first part a series, the second a bar): one bar
    per second part, stacked by the first, each first part with its colour and pattern and
    named in words (`category_label`'s first part). Hidden cells are gaps; the table holds
    their symbols."""
    rows = _categorised(frame)
    if rows.empty:
        return _figure([], height)
    parts = rows["category"].astype(str).str.split(" · ", n=1, expand=True)
    words = _labels(rows).str.split(" · ", n=1, expand=True)
    rows = rows.assign(_series=parts[0], _bar=parts[1], _name=words[0])
    bars = list(dict.fromkeys(rows["_bar"]))
    traces = []
    for n, series in enumerate(dict.fromkeys(rows["_series"])):
        mine = rows[rows["_series"] == series]
        traces.append({
            "type": "bar", "x": mine["_bar"].tolist(), "y": _numbers(mine),
            "text": mine["shown"].tolist(), "name": str(mine["_name"].iloc[0]),
            "marker": {"color": COLOURS[n % len(COLOURS)],
                       "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}},
            "textposition": "inside", "insidetextanchor": "middle",
            "hovertemplate": "%{x}, %{fullData.name}: %{text}<extra></extra>",
        })
    # A segment too thin for its number leaves it to the table and the hover.
    return _figure(traces, height, barmode="stack", showlegend=True,
                   uniformtext={"minsize": 11, "mode": "hide"},
                   legend={"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 12},
                           "traceorder": "normal"},
                   margin={"l": 40, "r": 10, "t": 10, "b": 10},
                   xaxis={"type": "category", "categoryorder": "array", "categoryarray": bars},
                   yaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"})


def measure_bars(frame: pd.DataFrame, height: int = 240, unit: str = "Count") -> FigureSpec:
    """A group of bars per quarter, one bar per measure in the frame's order (a funnel's stages,
    or counts over 6, 12 and 18 months); a hidden value is a gap, its symbol in the table."""
    traces = []
    marked, hover = marks_of(frame)
    for n, measure in enumerate(dict.fromkeys(frame["measure"])):
        inside = (frame["measure"] == measure).to_numpy()
        rows = frame[inside]
        traces.append({
            "type": "bar", "x": rows["quarter"].tolist(), "y": _numbers(rows),
            "text": rows["shown"].tolist(), "name": str(rows["measure_title"].iloc[0]),
            "customdata": hover[inside].tolist(),
            "marker": hatched({"color": COLOURS[n % len(COLOURS)],
                               "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}},
                              marked[inside]),
            "hovertemplate": "%{x}: %{text}%{customdata}<extra>%{fullData.name}</extra>",
        })
    quarters = list(dict.fromkeys(frame["quarter"]))
    return with_note(_figure(traces, height, barmode="group", showlegend=True,
                             xaxis={"type": "category", "tickvals": quarters,
                                    "ticktext": [q[2:] if len(q) == 10 else q for q in quarters]},
                             yaxis={"title": {"text": unit}, "rangemode": "tozero",
                                    "gridcolor": "#e5e5e5"}), frame, "Hatched bars", marked)


# ---------------------------------------------------------------- the adopter funnel


def per_100(part: object, whole: object) -> float:
    """`part` per 100 of `whole` from two shown values (NaN when either is hidden or the whole
    is 0): the rates beside a funnel are read from the same disclosed numbers as its bars."""
    try:
        part, whole = float(part), float(whole)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan
    return 100 * part / whole if part == part and whole == whole and whole > 0 else np.nan


def funnel_figure(frame: pd.DataFrame, height: int = 260) -> FigureSpec:
    """The funnel of one period: a horizontal bar per stage (the frame's measures in order,
    the first at the top), its count beside it, and between two stages how many of the later
    there were per 100 of the earlier. A hidden count is a gap with its symbol."""
    rows = frame[frame["breakdown"].fillna("") == ""].drop_duplicates("measure")
    stages = rows["measure_title"].astype(str).tolist()
    values = pd.to_numeric(rows["value"]).tolist()
    bars = {"type": "bar", "orientation": "h", "y": stages, "x": values,
            "text": rows["shown"].tolist(), "textposition": "outside", "cliponaxis": False,
            "marker": {"color": COLOURS[0]}, "name": str(rows["scope_name"].iloc[0]) if len(rows) else "",
            "hovertemplate": "%{y}: %{text}<extra></extra>"}
    notes = _gap_labels(rows.assign(_stage=stages), "_stage", horizontal=True)
    n = len(stages)
    for i in range(1, n):
        rate = per_100(values[i], values[i - 1])
        said = f"{rate:,.0f} per 100" if rate == rate else "rate not shown"
        # Between the two bars (category n-1 is the top one), at the right edge.
        # Between the two bars (category n-1 is the top one), right of the longest bar and
        # its count: the axis runs on past the largest stage to make room.
        notes.append({"name": RATE_NOTE, "text": f"\u2193 {said}", "showarrow": False, "xref": "paper", "x": 1,
                      "xanchor": "right", "yref": "y", "y": n - i - 0.5, "yanchor": "middle",
                      "font": {"size": 12, "color": ENGLAND_COLOUR}})
    largest = max([v for v in values if v == v] or [0])
    return _figure([bars], height, notes, showlegend=False,
                   margin={"l": 10, "r": 10, "t": 10, "b": 10},
                   xaxis={"range": [0, largest * 1.5 or 1], "gridcolor": "#e5e5e5",
                          "title": {"text": "Households"}},
                   yaxis={"type": "category", "categoryorder": "array",
                          "categoryarray": stages[::-1], "automargin": True})


# Rates a breakdown of the funnel is read as: (later stage, earlier stage, words).
FUNNEL_RATES = (("approvals", "enquiries", "Approvals per 100 enquiries"),
                ("adopter_matches", "approvals", "Matches per 100 approvals"))
ALL_HOUSEHOLDS = "All households"


def funnel_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """The rates of a funnel broken down by who the households are, group by group (the Total
    as "All households", first): one row per (group, rate) with its `rate` (NaN: not shown)
    and the counts it is made of, from the frame's disclosed values."""
    # Plain arrays and a dict, not a frame filtered per group: a title and a figure read it.
    category = frame["category"].fillna("").to_numpy(dtype=object)
    label = (frame["category_label"] if "category_label" in frame else frame["category"]).fillna("")
    cells = {(c, m): (v, t) for c, m, v, t in zip(
        category, frame["measure"].to_numpy(dtype=object),
        pd.to_numeric(frame["value"]).to_numpy(dtype=float, na_value=np.nan),
        frame["shown"].to_numpy(dtype=object))}
    names = dict(zip(category, label.to_numpy(dtype=object)))
    groups = list(dict.fromkeys(category))
    groups = [g for g in groups if g in ("Total", "")] + [g for g in groups if g not in ("Total", "")]
    out = []
    for group in groups:
        name = ALL_HOUSEHOLDS if group in ("Total", "") else str(names[group])
        for later, earlier, words in FUNNEL_RATES:
            if (group, later) in cells and (group, earlier) in cells:
                (a, a_shown), (b, b_shown) = cells[group, later], cells[group, earlier]
                out.append({"group": name, "rate_name": words, "rate": per_100(a, b),
                            "later": a_shown, "earlier": b_shown})
    return pd.DataFrame(out, columns=["group", "rate_name", "rate", "later", "earlier"])


def conversion_bars(frame: pd.DataFrame, height: int | None = None) -> FigureSpec:
    """A pair of horizontal bars per kind of household, all households at the top: approvals
    per 100 enquiries and matches per 100 approvals, so drop-out by group is read side by
    side (long group names fit beside the bars; the legend names the rates, so the axis has no
    title to collide with it). A rate that cannot be shown (a hidden count, no households at
    the earlier stage) is a bar of no length written "n/a"."""
    rates = funnel_rates(frame)
    groups = list(dict.fromkeys(rates["group"]))
    traces = []
    # plotly lists a horizontal group's bars bottom up: the second rate first keeps the first
    # above it, as in the legend.
    names = list(dict.fromkeys(rates["rate_name"]))
    for n, name in reversed(list(enumerate(names))):
        rows = rates[rates["rate_name"] == name]
        text = [f"{r:,.0f}" if r == r else "n/a" for r in rows["rate"]]
        traces.append({
            "type": "bar", "orientation": "h", "y": rows["group"].tolist(),
            "x": rows["rate"].fillna(0).tolist(), "text": text, "textposition": "outside",
            "cliponaxis": False, "name": name,
            "customdata": list(zip(rows["later"], rows["earlier"])),
            "marker": {"color": COLOURS[n % len(COLOURS)],
                       "pattern": {"shape": PATTERNS[n % len(PATTERNS)], "fgcolor": "white"}},
            "hovertemplate": "%{y}: %{text} (%{customdata[0]} of %{customdata[1]})"
                             "<extra>%{fullData.name}</extra>",
        })
    return _figure(traces, height or max(240, 44 * len(groups) + 90), barmode="group",
                   showlegend=True,
                   legend={"orientation": "h", "y": -0.15, "x": 0, "font": {"size": 12},
                           "traceorder": "reversed"},
                   margin={"l": 10, "r": 30, "t": 10, "b": 10},
                   xaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"},
                   yaxis={"type": "category", "categoryorder": "array",
                          "categoryarray": groups[::-1], "automargin": True})


def measure_trend_lines(frame: pd.DataFrame, height: int = 240, unit: str = "",
                        short: dict[str, str] | None = None) -> FigureSpec:
    """Several measures of one unit over the quarters, each for the scope and England: a
    colour per measure, England's line dashed with open markers. `short` names each measure in
    a few words for a board card's labels at the lines' ends ("3 months", "3 months, England"),
    where the legend's full names would leave the plot no room (the card's title names the
    area)."""
    traces = []
    quarters = list(dict.fromkeys(frame["quarter"]))
    for n, measure in enumerate(dict.fromkeys(frame["measure"])):
        for scope in dict.fromkeys(frame.loc[frame["measure"] == measure, "scope"]):
            rows = frame[(frame["measure"] == measure) & (frame["scope"] == scope)]
            england = scope == ENGLAND
            colour = COLOURS[n % len(COLOURS)]
            traces.append({
                "type": "scatter", "x": rows["quarter"].tolist(), "y": _numbers(rows),
                "text": rows["shown"].tolist(), "mode": "lines+markers", "connectgaps": False,
                "name": f"{rows['measure_title'].iloc[0]}: {rows['scope_name'].iloc[0]}",
                **({"meta": {BOARD_NAME: f"{short[measure]}, England" if england
                             else short[measure]}} if short and measure in short else {}),
                "line": {"color": colour, "dash": "dash" if england else DASHES[n % len(DASHES)],
                         "width": 1.5 if england else 2.5},
                "marker": {"color": colour, "size": 7,
                           "symbol": "circle-open" if england else SYMBOLS[n % len(SYMBOLS)]},
                "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>",
            })
    return _figure(traces, height, showlegend=True,
                   legend={"orientation": "h", "y": -0.25, "x": 0, "font": {"size": 12}},
                   xaxis={"type": "category", "showgrid": False, "tickvals": quarters[::2],
                          "ticktext": [short_quarter(q) for q in quarters[::2]]},
                   yaxis={"title": {"text": unit}, "rangemode": "tozero", "gridcolor": "#e5e5e5"})


# ---------------------------------------------------------------- families needed and found


Cells = list[tuple[str, float, str]]  # (category, value, shown) of one measure's rows, in order


def shown_sum(rows: Cells) -> tuple[float, str]:
    """The sum of some shown counts and how it is written; hidden when any of them is (a
    hidden part might be anything), with that part's symbol."""
    if not rows:
        return np.nan, "[x]"
    for _category, value, shown in rows:
        if value != value:
            return np.nan, str(shown)
    total = float(sum(value for _c, value, _s in rows))
    return total, f"{total:,.0f}"


def _by_measure(frame: pd.DataFrame) -> dict[str, Cells]:
    """measure -> its rows' (category, value, shown), in order: a few dozen rows read once
    as arrays, not filtered with pandas for every cell."""
    out: dict[str, Cells] = {}
    values = pd.to_numeric(frame["value"]).to_numpy(dtype=float, na_value=np.nan)
    for measure, category, value, shown in zip(frame["measure"].to_numpy(dtype=object),
                                               frame["category"].to_numpy(dtype=object), values,
                                               frame["shown"].to_numpy(dtype=object)):
        category = "" if category is None or category != category else str(category)
        out.setdefault(str(measure), []).append((category, float(value), shown))
    return out


def _cells(found: dict[str, Cells], measure: str, categories: tuple[str, ...] | None = None) -> Cells:
    rows = found.get(measure, [])
    whole = [r for r in rows if r[0] in ("", TOTAL)][:1]
    if categories is None:
        return whole
    # A breakdown that does not apply ([z]) or is not available ([x]) is one uncategorised
    # row: its symbol stands for every category.
    inside = [r for r in rows if r[0] in categories]
    return inside if inside or not whole or whole[0][0] == TOTAL else whole


TWO_OR_MORE = ("2 children", "3 children", "4 children")
NOT_RECORDED = "not recorded"


def matching_gap(frame: pd.DataFrame) -> pd.DataFrame:
    return _matching_gap(frame).copy()


@per_frame()
def _matching_gap(frame: pd.DataFrame) -> pd.DataFrame:
    """The needs of the children waiting against the households waiting that could meet them:
    one row per need with the children (for siblings, the groups they make, each a family to
    find) and the households, each a value and how it is shown. A household approved for two
    or more children can take a sibling group; the returns record no adopter's openness to
    older or disabled children, so those needs have no households (`NOT_RECORDED`). Each age
    band is its own cell, as disclosed: a sum of a shown and a hidden cell would be hidden."""
    found = _by_measure(frame)
    groups_value, groups_shown = shown_sum(_cells(found, "sibling_groups_waiting"))
    _, children_shown = shown_sum(_cells(found, "children_waiting", ("In a sibling group",)))
    households, said = shown_sum(_cells(found, "adopters_waiting", TWO_OR_MORE))
    out = [{"need": f"Sibling groups ({children_shown} children)", "children": groups_value,
            "children_shown": groups_shown,
            "households": households, "households_shown": said}]
    for need, category in (("Aged 5-9", "5-9"), ("Aged 10 or over", "10+"), ("Disabled", "Disabled")):
        value, shown = shown_sum(_cells(found, "children_waiting", (category,)))
        out.append({"need": need, "children": value, "children_shown": shown,
                    "households": np.nan, "households_shown": NOT_RECORDED})
    return pd.DataFrame(out)


def matching_gap_bars(frame: pd.DataFrame, height: int = 260) -> FigureSpec:
    """A pair of bars per need: the sibling groups or children waiting with it, and the
    approved adopter households waiting that could meet it (approved for 2 or more children,
    for sibling groups); where the returns do not record it, "not recorded" instead of a bar."""
    gap = matching_gap(frame)
    unrecorded = gap["households_shown"] == NOT_RECORDED
    # A need the returns record no households for says so under its name, not as a bar.
    needs = [f"{n}<br>(adopters: {NOT_RECORDED})" if u else n for n, u in zip(gap["need"], unrecorded)]
    traces = []
    for n, (column, name) in enumerate((("children", "Children or sibling groups waiting"),
                                        ("households", "Adopter households who could take them"))):
        # A hidden value is a bar of no length with its symbol; an unrecorded one no bar at all.
        none = unrecorded if column == "households" else unrecorded & False
        y = [None if u else (0.0 if v != v else v) for v, u in zip(gap[column], none)]
        text = ["" if u else t for t, u in zip(gap[f"{column}_shown"], none)]
        traces.append(_series_bars(n, needs, y, text, name))
    return _figure(traces, height, barmode="group", showlegend=True,
                   margin={"l": 40, "r": 10, "t": 20, "b": 10}, xaxis={"type": "category"},
                   yaxis={"title": {"text": "Families or households"}, "rangemode": "tozero",
                          "gridcolor": "#e5e5e5"})


def _series_bars(n: int, x: list, y: list, text: list, name: str) -> dict:
    """The n-th series of grouped bars: its colour and pattern, each bar labelled above."""
    return {"type": "bar", "x": x, "y": y, "text": text, "textposition": "outside",
            "cliponaxis": False, "name": name,
            "marker": {"color": COLOURS[n], "pattern": {"shape": PATTERNS[n], "fgcolor": "white"}},
            "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>"}


def places_needed(frame: pd.DataFrame) -> pd.DataFrame:
    """Approved adopters waiting, and those waiting over 6 months, by the places they are
    approved for (one child, or two or more), beside the families the children waiting need:
    a child waiting alone needs one place, a sibling group two or more."""
    out, found = [], _by_measure(frame)
    for places, categories, families in (
            ("Approved for 1 child", ("1 child",), _cells(found, "children_waiting", ("Single",))),
            ("Approved for 2 or more", TWO_OR_MORE, _cells(found, "sibling_groups_waiting"))):
        row = {"places": places}
        for measure in ("adopters_waiting", "adopters_waiting_over_6_months"):
            row[measure], row[f"{measure}_shown"] = shown_sum(_cells(found, measure, categories))
        row["families"], row["families_shown"] = shown_sum(families)
        out.append(row)
    return pd.DataFrame(out)


def places_needed_bars(frame: pd.DataFrame, height: int = 260) -> FigureSpec:
    """Three bars for one place and for two or more: adopter households waiting, of them
    waiting over 6 months, and the children waiting alone or sibling groups waiting."""
    rows = places_needed(frame)
    traces = []
    for n, (column, name) in enumerate((
            ("adopters_waiting", "Adopter households waiting"),
            ("adopters_waiting_over_6_months", "Of them, waiting over 6 months"),
            ("families", "Children waiting alone / sibling groups waiting"))):
        traces.append(_series_bars(n, rows["places"].tolist(), rows[column].fillna(0).tolist(),
                                   rows[f"{column}_shown"].tolist(), name))
    return _figure(traces, height, barmode="group", showlegend=True,
                   margin={"l": 40, "r": 10, "t": 20, "b": 10}, xaxis={"type": "category"},
                   yaxis={"title": {"text": "Households or families"}, "rangemode": "tozero",
                          "gridcolor": "#e5e5e5"})


def completeness_figure(frame: pd.DataFrame) -> FigureSpec:
    """Horizontal bars, one per column, the total last; each bar labelled with its shown value."""
    rows = frame[frame["category"] != ""].iloc[::-1]  # plotly draws the first category lowest
    bars = {
        # A hidden value ([x], [z]) is a bar of no length, so that its symbol is drawn by it:
        # plotly draws no text for a missing x, which left the row blank.
        "type": "bar", "x": pd.to_numeric(rows["value"]).fillna(0).tolist(), "y": rows["category"].tolist(),
        "orientation": "h", "text": rows["shown"].tolist(), "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": [COLOURS[1] if c == TOTAL else COLOURS[0] for c in rows["category"]]},
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    return figure_spec([bars], {
        "height": max(200, 28 * len(rows) + 60), "margin": {"l": 10, "r": 40, "t": 10, "b": 30},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "showlegend": False,
        "font": {"family": "Arial, sans-serif", "size": 13, "color": "#0b0c0c"},
        "xaxis": {"range": [0, 110], "gridcolor": "#e5e5e5", "ticksuffix": "%",
                  "tickvals": [0, 25, 50, 75, 100]},
        "yaxis": {"automargin": True},
    })


# ---------------------------------------------------------------- board mode

BOARD_FONT = 18  # px: the least type size on a projected screen at 1280x720
DIRECT_LABEL = "direct-label"  # the name of a line-end label (assets/board.js nudges them apart)
BOARD_NAME = "board_name"  # a trace's `meta` key: its shorter name for a board card's label
ROW_NAME = 18  # characters: a longer name beside a horizontal bar is broken onto lines
WRAP_ROOM = 36  # characters: the names under a card's bars share about this much of a line
MANY_BARS = 8  # categories: more than this stay upright bars, as a histogram reads
QUARTER = re.compile(r"^\d{4}-\d{2} Q[1-4]$")
JOINING_WORDS = frozenset({"over", "under", "from", "for", "of", "in", "at", "by", "to", "with"})


def text_width(text: str, size: int = BOARD_FONT) -> float:
    """A line of Arial's width in px, roughly (its average glyph is about 0.55 em; a label's
    room is reserved from this, so it errs on the wide side)."""
    return 0.58 * size * max((len(line) for line in str(text).split("<br>")), default=0)


def wrap_width(count: int) -> int:
    """How many characters each of `count` names under bars may take on a line."""
    return max(8, WRAP_ROOM // max(count, 1))


def wrapped(text: str, width: int = 16) -> str:
    """A category's name broken at spaces into lines about `width` characters long."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "<br>".join(lines)


def quarter_ticks(quarters: list) -> list:
    """Board mode's quarters to label: the first and the latest always, and the one midway when
    there are five or more."""
    if len(quarters) <= 2:
        return list(quarters)
    picked = [quarters[0], quarters[(len(quarters) - 1) // 2], quarters[-1]] if len(quarters) >= 5 \
        else [quarters[0], quarters[-1]]
    return list(dict.fromkeys(picked))


def quarters_of(data: list[dict], axis: str) -> list:
    values = [v for t in data for v in (t.get(axis) or [])]
    return list(dict.fromkeys(v for v in values if isinstance(v, str) and QUARTER.match(v)))


def common_start(names: list[str]) -> str:
    """The words every name starts with (`Children waiting` of `Children waiting over 6
    months` and `... over 12 months`), when there are two or more of them."""
    words = [str(n).split() for n in names]
    shared = []
    for group in zip(*words):
        if len(set(group)) > 1:
            break
        shared.append(group[0])
    while shared and shared[-1].lower() in JOINING_WORDS:  # `over 6 months`, not `6 months`
        shared.pop()
    return " ".join(shared) if len(names) > 1 and len(shared) >= 2 else ""


def _last(style: object) -> object:
    """A marker property at a series' latest point: the last of a list given point by point
    (bars from incomplete returns are drawn hatched, point by point), or the series' one value."""
    return style[-1] if isinstance(style, (list, tuple)) and style else style


def _latest_bars(data: list[dict], layout: dict) -> list[dict]:
    """Bars over quarters (one series per measure) as one bar per measure at the latest quarter,
    named under it: a board reads where things stand, and eight quarters of grouped bars need
    type too small for the room. The trend stays on the normal page and in the table. Words
    every name shares are left out of the bars' names (the card's title and numbers say them),
    and the quarter is the screen's."""
    bars = []
    for trace in data:
        points = list(zip(trace.get("x") or [], trace.get("y") or [], trace.get("text") or trace.get("y") or []))
        if points:
            bars.append((trace, *points[-1]))
    names = [str(t.get("name", "")) for t, *_ in bars]
    shared = common_start(names)
    short = [(n[len(shared):].strip() or "All") if shared else n for n in names]
    layout["xaxis"] = {"type": "category", "tickangle": 0, "automargin": True}
    layout["yaxis"] = {**{k: v for k, v in layout.get("yaxis", {}).items() if k != "title"},
                       "rangemode": "tozero", "automargin": True}
    layout["barmode"] = "group"
    return [{"type": "bar", "x": [wrapped(n, wrap_width(len(short))) for n in short],
             "y": [y for _t, _x, y, _s in bars], "text": [str(s) for *_r, s in bars],
             "textposition": "outside", "cliponaxis": False, "showlegend": False,
             "name": shared or "Latest quarter",
             "marker": {"color": [_last(t.get("marker", {}).get("color", COLOURS[0])) for t, *_ in bars],
                        "pattern": {"shape": [_last(t.get("marker", {}).get("pattern", {}).get("shape", ""))
                                              for t, *_ in bars], "fgcolor": "white"}},
             "hovertemplate": "%{x}: %{text}<extra></extra>"}]


def _wrapped_categories(data: list[dict], layout: dict) -> list[dict]:
    """Upright bars of a few named categories with each name written level under its bar,
    broken onto lines, never turned or cut. Notes written where a hidden bar would stand
    follow their category's new name."""
    names = list(dict.fromkeys(v for t in data for v in t.get("x") or []))
    label = {n: wrapped(n, wrap_width(len(names))) for n in names}
    turned = [{**t, "x": [label[v] for v in t.get("x") or []]} for t in data]
    layout["annotations"] = [{**n, "x": label[n["x"]]} if n.get("x") in label and not n.get("xref")
                             else n for n in layout.get("annotations", [])]
    layout["xaxis"] = {**{k: v for k, v in layout.get("xaxis", {}).items()
                          if k not in ("tickvals", "ticktext")},
                       "type": "category", "tickangle": 0, "automargin": True}
    return turned


def _wrapped_rows(data: list[dict], layout: dict) -> None:
    """Long names beside horizontal bars broken onto lines, so the bars keep their width."""
    names = {v for t in data if t.get("type") == "bar" and t.get("orientation") == "h"
             for v in t.get("y") or [] if isinstance(v, str)}
    label = {n: wrapped(n, ROW_NAME) for n in names if len(n) > ROW_NAME}
    if not label:
        return
    for t in data:
        if t.get("orientation") == "h" and t.get("y") is not None:
            t["y"] = [label.get(v, v) for v in t["y"]]
    layout["annotations"] = [{**n, "y": label[n["y"]]} if n.get("y") in label else n
                             for n in layout.get("annotations", [])]
    yaxis = layout.setdefault("yaxis", {})
    if yaxis.get("categoryarray") is not None:
        yaxis["categoryarray"] = [label.get(v, v) for v in yaxis["categoryarray"]]


def _headroom(data: list[dict], layout: dict) -> None:
    """Room on the value axis for the values written outside the bars' ends, and for a
    reference line drawn across them (England's)."""
    for axis, values in (("xaxis", "x"), ("yaxis", "y")):
        outside = [t for t in data if t.get("type") == "bar" and t.get("textposition") == "outside"
                   and (t.get("orientation") == "h") == (axis == "xaxis")]
        numbers = [v for t in outside for v in t.get(values) or [] if isinstance(v, (int, float)) and v == v]
        numbers += [s[f"{values}0"] for s in layout.get("shapes", []) if outside
                    and s.get(f"{values}ref") == values and isinstance(s.get(f"{values}0"), (int, float))]
        if numbers and max(numbers) > 0:
            longest = max((len(str(x)) for t in outside for x in t.get("text") or []), default=3)
            room = 1.25 + (0.04 * longest if axis == "xaxis" else 0)
            layout.setdefault(axis, {}).update(range=[0, max(numbers) * room], autorange=False)


def _board_note(note: dict) -> dict:
    """A figure's note at board size. A line's label drawn across the plot (a threshold's, at
    its left end) would be written over the lines: it goes above the plot instead, in the
    line's colour after a dotted stroke, as a key."""
    note = {**note, "font": {**note.get("font", {}), "size": BOARD_FONT}}
    if note.get("xref") == "x domain" and note.get("yref") == "y":
        note.update(text=f"┈┈ {note['text']}", xref="paper", x=0, xanchor="left", yref="paper",
                    y=1, yanchor="bottom", yshift=4,
                    font={**note["font"], "color": THRESHOLD_COLOUR})
    return note


def legend_place(data: list[dict], layout: dict) -> dict:
    """Where a board's legend goes: beside stacked horizontal bars (a few areas' bars, which
    need the height to carry their values), above anything else (below it, a legend meets the
    axis's labels and title)."""
    if layout.get("barmode") == "stack" and any(t.get("orientation") == "h" for t in data):
        return {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top",
                "tracegroupgap": 0}
    return {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}


def direct_labels(figure: FigureSpec, names: bool = True) -> FigureSpec:
    """The figure for a projected board card: its height follows the card, every text at least
    BOARD_FONT px, and nothing written over another text or out of the figure.

    Each line is labelled at its last shown point instead of a legend (`name: value`, or the
    value alone when `names` is False because the card's numbers above it name the lines), in
    the line's colour, with a right margin as wide as the longest label; assets/board.js nudges
    labels that would touch apart by at least a line of type. The quarters axis labels the first
    and the latest quarter always. A few named categories keep upright bars with their names
    level under them, wrapped; bars over quarters show the latest quarter. Bars of several series keep a
    legend (a stacked segment is too narrow to carry its stage's name); a value that does not fit
    inside its bar at board size is left to the table. The figure's own notes (thresholds, [c]
    where a bar would be) stay, at board size."""
    # A copy to change, but for the template: shared by every figure and never changed here.
    layout = {k: copy.deepcopy(v) for k, v in figure["layout"].items() if k != "template"}
    data = copy.deepcopy(figure["data"])
    font = {"size": BOARD_FONT}
    bars = [t for t in data if t.get("type") == "bar"]
    upright = [t for t in bars if t.get("orientation") != "h"]
    if upright and len(upright) == len(bars):
        if quarters_of(upright, "x"):
            data = [*_latest_bars(upright, layout), *(t for t in data if t.get("type") != "bar")]
        elif len({v for t in upright for v in t.get("x") or []}) <= MANY_BARS:
            data = [*_wrapped_categories(upright, layout), *(t for t in data if t.get("type") != "bar")]
        else:  # too many to write each one's value at board size: the axis and the table say it
            for t in upright:
                t["text"], t["textposition"] = None, "none"
    labels = []
    for trace in data:
        if trace.get("type") != "scatter" or trace.get("y") is None:
            continue
        if isinstance(trace.get("meta"), dict) and trace["meta"].get(OWN_LABELS):
            trace["textfont"] = {**trace.get("textfont", {}), **font}
            trace["marker"] = {**trace.get("marker", {}), "size": 12}
            if trace["meta"].get(OWN_LABELS) == PAGE_ONLY:  # the title names them on a board
                trace["text"], trace["mode"] = None, str(trace.get("mode", "")).replace("+text", "")
            continue
        ys = list(trace["y"])
        texts = list(trace["text"]) if trace.get("text") is not None else [""] * len(ys)
        points = [(x, y, t) for x, y, t in zip(list(trace["x"]), ys, texts) if y is not None and y == y]
        if not points:
            continue
        x, y, text = points[-1]
        line = trace.get("line", {})
        colour = line.get("color") or trace.get("marker", {}).get("color") or FONT["color"]
        meta = trace.get("meta")
        name = meta.get(BOARD_NAME, trace["name"]) if isinstance(meta, dict) else trace["name"]
        said = (f"{name}: {text}" if text else name) if names or not text else text
        labels.append({"x": x, "y": y, "text": said, "name": DIRECT_LABEL,
                       "xanchor": "left", "yanchor": "middle", "showarrow": False, "xshift": 10,
                       "font": {"size": BOARD_FONT, "color": colour}})
        if "lines" in str(trace.get("mode", "lines")):
            trace["line"] = {**line, "width": 4}
        trace["marker"] = {**trace.get("marker", {}), "size": 10}
    # A funnel's rates between its bars need more height than a third of a projected screen
    # gives five bars at board size: they stay on the normal page and in its table.
    notes = [_board_note(note) for note in layout.get("annotations", []) if note.get("name") != RATE_NOTE]
    several = [t for t in data if t.get("type") == "bar" and t.get("showlegend", True)]
    legend = layout.get("legend", {})
    right = max((text_width(a["text"]) for a in labels), default=0) + 24 if labels else 20
    layout.update(
        annotations=[*notes, *labels], showlegend=len(several) > 1 and not labels,
        legend={**legend, "font": {**legend.get("font", {}), **font}, **legend_place(data, layout)},
        font={**layout.get("font", FONT), **font},
        margin={"l": 10, "t": 34 if any(n.get("yanchor") == "bottom" for n in notes) else 12,
                "b": 10, "r": max(right, 20), "pad": 4},
        uniformtext={"minsize": BOARD_FONT, "mode": "hide"},
        autosize=True,
    )
    layout.pop("height", None)
    xaxis, yaxis = layout.setdefault("xaxis", {}), layout.setdefault("yaxis", {})
    quarters = quarters_of([t for t in data if t.get("type") == "scatter"], "x")
    if quarters:
        ticks = quarter_ticks(quarters)
        # Half a quarter's room at each end, and the labels set below the axis, so that the
        # first quarter's label meets neither the edge nor the value axis's 0.
        xaxis.update(tickvals=ticks, ticktext=[short_quarter(q) for q in ticks], tickangle=0,
                     range=[-0.5, len(quarters) - 0.5], autorange=False, ticklabelstandoff=10)
    if layout.get("barmode") == "stack" and any(t.get("orientation") == "h" for t in data):
        # Each segment carries its value: the axis's scale would take the height the bars need
        # to carry them (and the legend beside them) at board size.
        xaxis.update(showticklabels=False, showgrid=False, title={"text": ""})
    _wrapped_rows(data, layout)
    _headroom(data, layout)
    across = [sh for sh in layout.get("shapes", []) if sh.get("xref") == "x" and sh.get("x0") == sh.get("x1")]
    for t in data:  # a reference line drawn down across the bars would strike values beyond them
        if across and t.get("type") == "bar" and t.get("orientation") == "h" and t.get("textposition") == "outside":
            t.update(textposition="auto", insidetextanchor="end", insidetextfont={"color": "white"})
    if any(t.get("orientation") == "h" for t in data):
        xaxis.setdefault("nticks", 4)  # level values, not turned ones crowded into the width
        xaxis["tickangle"] = 0
    for axis in (xaxis, yaxis):
        axis["tickfont"] = {**axis.get("tickfont", {}), **font}
        axis["automargin"] = True
        if isinstance(axis.get("title"), dict) and axis["title"].get("text"):
            axis["title"] = {**axis["title"], "font": font, "standoff": 8}
    if yaxis.get("type") != "category":  # (on a category axis nticks would skip names)
        yaxis.setdefault("nticks", 3)  # a short chart has room for three values' type
    for trace in data:
        if trace.get("type") == "bar" and trace.get("text") is not None:
            trace["textfont"] = {**trace.get("textfont", {}), **font}
    if "template" in figure["layout"]:
        layout["template"] = figure["layout"]["template"]
    return {"data": data, "layout": layout}


# ---------------------------------------------------------------- "Compare with" on a tile

OTHER_AREA_COLOUR = "#28A197"  # the region and the areas compared with, beside the scope's


def compared_tile(frame: pd.DataFrame, height: int = 200) -> FigureSpec:
    """The Overview's tile. Without areas compared, the trend (`trend_figure`). With them (the
    frame's scopes at one quarter only, after the trend's), a horizontal bar per area of its
    value at the latest quarter, largest at the top: the scope in the first colour, England
    dark grey and hatched, the rest alike, each bar labelled with its shown value, hidden
    values a gap with their symbol. Counts leave England out, as the trend does (it would
    flatten the rest); the text beside the chart carries England's figure."""
    published = (frame["period"].notna() & (frame["period"] != "")) if "period" in frame else None
    computed = frame if published is None else frame[~published]
    quarters_of = computed.groupby("scope", sort=False)["quarter"].nunique()
    if len(quarters_of) < 2 or quarters_of.min() > 1 or quarters_of.max() < 2:
        return trend_figure(frame, height=height)
    latest = max(computed["quarter"])
    rows = computed[computed["quarter"] == latest].drop_duplicates("scope")
    scope = str(computed["scope"].iloc[0])
    counts = "value_type" in rows and bool((rows["value_type"] == "count").all())
    if counts and scope != ENGLAND:
        rows = rows[rows["scope"] != ENGLAND]
    rows = rows.assign(_v=pd.to_numeric(rows["value"]))
    rows = rows.sort_values("_v", ascending=True, na_position="first", kind="stable")
    areas = rows["scope"].tolist()
    colours = [COLOURS[0] if a == scope else ENGLAND_COLOUR if a == ENGLAND else OTHER_AREA_COLOUR
               for a in areas]  # fmt: skip
    bars = {"type": "bar", "orientation": "h", "y": rows["scope_name"].astype(str).tolist(),
            "x": rows["_v"].tolist(), "text": rows["shown"].tolist(),
            "textposition": "outside", "cliponaxis": False, "name": str(latest),
            "marker": {"color": colours,
                       "pattern": {"shape": ["/" if a == ENGLAND else "" for a in areas],
                                   "fgcolor": "white"}},
            "hovertemplate": "%{y}: %{text}<extra>" + str(latest) + "</extra>"}
    return _figure([bars], height, _gap_labels(rows, "scope_name", horizontal=True),
                   showlegend=False, margin={"l": 10, "r": 40, "t": 10, "b": 10},
                   xaxis={"rangemode": "tozero", "gridcolor": "#e5e5e5"},
                   yaxis={"automargin": True, "type": "category"})


# ---------------------------------------------------------------- fair comparison: funnel plots

# A trace whose `meta` carries OWN_LABELS writes its own text beside its points (the funnel's
# outliers, by name) and gets no line-end label on a board card; an empty text, none at all.
OWN_LABELS = "own_labels"
PAGE_ONLY = "page"  # OWN_LABELS' value for labels a board card leaves out (too many to keep apart)
WORSE_COLOUR, BETTER_COLOUR = "#801650", "#28A197"
LIMIT_DASHES = {"95%": "dot", "99.8%": "solid"}


def _limit_trace(curve: pd.DataFrame, band: str) -> dict:
    """One pair of limits as one line: the lower curve, a gap, then the upper curve, labelled
    once at one end."""
    key = band.replace(".", "").replace("%", "")
    lower, upper = curve[f"lower{key}"].tolist(), curve[f"upper{key}"].tolist()
    cohorts = curve["cohort"].tolist()
    return {
        "type": "scatter", "mode": "lines+text", "name": f"{band} limits",
        "x": [*cohorts, None, *cohorts], "y": [*lower, None, *upper],
        # Labelled at the upper curve's end (99.8%) or the lower's (95%): apart, where the
        # curves meet England's line from either side.
        "text": ([""] * (2 * len(cohorts)) + [band] if band == "99.8%"
                 else [""] * (len(cohorts) - 1) + [band] + [""] * (len(cohorts) + 1)),
        "textposition": "middle right",
        "textfont": {"size": 11, "color": ENGLAND_COLOUR},
        "line": {"color": ENGLAND_COLOUR, "dash": LIMIT_DASHES[band], "width": 1.2},
        "hoverinfo": "skip", "connectgaps": False, "meta": {OWN_LABELS: PAGE_ONLY},
        "cliponaxis": False,
    }


def _points_trace(points: pd.DataFrame, name: str, marker: dict, named: bool | set,
                  on_board: bool = False, middle: float = 0.0) -> dict:
    """Agencies as dots, x their cohort and y their value; `named` writes each one's name (or
    those of the scopes in it)."""
    names, scopes = points["scope_name"].to_numpy(dtype=object), points["scope"].to_numpy(dtype=object)
    cohorts = points["cohort"].to_numpy(dtype=float)
    hover = [f"{n}: {s} (cohort {c:,.0f}), {p}" for n, s, c, p in
             zip(names, points["shown"].to_numpy(dtype=object), cohorts, points["placed"].to_numpy(dtype=object))]
    return {
        "type": "scatter", "mode": "markers+text" if named else "markers", "name": name,
        "x": cohorts.tolist(), "y": points["value"].to_numpy(dtype=float).tolist(),
        "text": ([str(n) if named is True or s in named else "" for s, n in zip(scopes, names)]
                 if named else None),
        # Written towards the middle of the plot, so that no name leaves the chart.
        "textposition": [("top right" if x < middle else "top left") for x in cohorts]
        if middle else "top center",
        "textfont": {"size": 11},
        "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
        "marker": marker, "meta": {OWN_LABELS: True if on_board else PAGE_ONLY},
        "cliponaxis": False,
    }


FUNNEL_NAMED = 3  # outliers named beside their dots, furthest out first (as the title names them)


def funnel_plot(frame: pd.DataFrame, height: int = 380) -> FigureSpec:
    """A funnel plot: each agency's figure (y) against its cohort (x), England's figure as a
    dashed line and its 95% and 99.8% control limits (metrics.funnel) narrowing as the cohort
    grows. Agencies outside the limits are named beside their dots, worse and better in their
    own colours and shapes; the selected agency (the frame's first row, when it is an agency)
    is drawn largest, a star, and named. On a board card the names are left to the title and
    the card's numbers (at board size they would run over each other). Agencies whose figure or cohort is hidden are not drawn; a note
    says how many. The frame is a funnel chart's: England's row and the agencies' rows for one
    measure at one quarter."""
    measure = str(frame["measure"].iloc[0])
    value_type = str(frame["value_type"].iloc[0])
    points, hidden = funnel_points(frame, measure)
    target = england_value(frame)
    traces: list[dict] = []
    annotations: list[dict] = []
    largest = 0.0
    if target is not None and len(points):
        smallest, largest = float(points["cohort"].min()), float(points["cohort"].max())
        middle = largest * 1.1 * 1.3 / 2  # the middle of the cohort axis (its range, below)
        limits = curve(value_type, target, max(smallest * 0.8, 1.0), largest * 1.1)
        traces += [_limit_trace(limits, "99.8%"), _limit_trace(limits, "95%")]
        england = frame[frame["scope"] == ENGLAND].iloc[-1]
        traces.append({
            "type": "scatter", "mode": "lines+text", "name": "England",
            "x": [float(limits["cohort"].iloc[0]), float(limits["cohort"].iloc[-1])],
            # Labelled at its left end, where the limits are far apart and no label meets it.
            "y": [target, target], "text": [f"England {england['shown']}", ""],
            "textposition": "top right", "textfont": {"size": 11, "color": ENGLAND_COLOUR},
            "line": {"color": ENGLAND_COLOUR, "dash": "dash", "width": 2}, "hoverinfo": "skip",
            "meta": {OWN_LABELS: True}, "cliponaxis": False,
        })
        selected = str(frame["scope"].iloc[0])
        # Masks on plain arrays: pandas comparisons here cost each funnel milliseconds.
        outside = points["outside"].to_numpy(dtype=float)
        mine = points["scope"].to_numpy(dtype=object) == selected
        within = (outside == 0) & ~mine
        worse = (outside > 0) & np.isin(points["judged"].to_numpy(dtype=object), ["worse", "higher"]) & ~mine
        better = (outside > 0) & ~worse & ~within & ~mine
        # The title's first few outliers are named beside their dots; a dozen names on a card
        # ran over each other. The rest are in the hover, the title's count and the table.
        named = set(outliers(points[~mine])["scope"].head(FUNNEL_NAMED))
        traces.append(_points_trace(points[within], "Within the expected range",
                                    {"color": ENGLAND_COLOUR, "symbol": "circle-open", "size": 8}, False))
        if worse.any():
            traces.append(_points_trace(points[worse], "Outside the limits: worse",
                                        {"color": WORSE_COLOUR, "symbol": "triangle-up", "size": 11}, named,
                                        middle=middle))
        if better.any():
            traces.append(_points_trace(points[better], "Outside the limits: better",
                                        {"color": BETTER_COLOUR, "symbol": "square", "size": 10}, named,
                                        middle=middle))
        if mine.any():
            traces.append(_points_trace(points[mine], str(points["scope_name"].to_numpy(dtype=object)[mine][0]),
                                        {"color": COLOURS[0], "symbol": "star", "size": 16,
                                         "line": {"color": "white", "width": 1}}, True, middle=middle))
    else:
        annotations.append({"text": "No funnel: England's figure or every agency's is not "
                                    "available", "showarrow": False, "xref": "paper",
                            "yref": "paper", "x": 0.5, "y": 0.5})
    if hidden:
        annotations.append({
            "text": f"{hidden} {'agency' if hidden == 1 else 'agencies'} not shown: "
                    "figures hidden to protect small numbers",
            # Named: a board card says it in a few words on its source line instead, where a
            # short plot cannot cut it off and the screen's note line keeps to missing returns.
            "name": HIDDEN_NAME, "showarrow": False, "xref": "paper", "yref": "paper",
            "x": 0, "y": 1, "xanchor": "left", "yanchor": "bottom", "align": "left",
            "font": {"size": 12, "color": NOTE_COLOUR}})
    return _figure(traces, height, annotations, showlegend=True,
                   margin={"l": 10, "r": 10, "t": 30 if hidden else 10, "b": 10},
                   legend={"orientation": "h", "y": -0.3, "x": 0, "font": {"size": 12}},
                   # Room right of the curves' ends for their labels (95%, 99.8%, England).
                   xaxis={"title": {"text": f"Cohort ({MEASURES[measure].cohort_noun})"},
                          "gridcolor": "#e5e5e5", "automargin": True,
                          **({"range": [0, largest * 1.1 * 1.3]} if traces else {})},
                   # No axis title: the unit is in the caption and the hover, and a board
                   # card's short plot cannot hold it at board size.
                   yaxis={"gridcolor": "#e5e5e5", "automargin": True,
                          **({"ticksuffix": "%"} if value_type == "percent" else {}),
                          **({"range": _funnel_values_range(points, target, value_type)}
                             if traces else {})})


def _funnel_values_range(points: pd.DataFrame, target: float, value_type: str) -> list[float]:
    """The value axis around the agencies and England, a fifth beyond them: the limits of the
    smallest cohorts reach far past any agency and would squeeze the dots into a line."""
    low = min(float(points["value"].min()), target)
    high = max(float(points["value"].max()), target)
    pad = max(high - low, abs(target) * 0.1, 1.0) * 0.2
    bottom, top = max(low - pad, 0.0), high + pad
    return [bottom, min(top, 100.0) if value_type == "percent" else top]


# ---------------------------------------------------------------- the next four quarters

PROJECTION_COLOUR = "#12436D"
PROJECTION_BAND = "rgba(18, 67, 109, 0.15)"
PROJECTION_NOTE = "projection-label"  # the "Projection" label's annotation name
PROJECTED_MEASURES = ("children_waiting", "adopters_waiting")
TREND_SHOWN = 8  # quarters of the actual trend drawn before the projection


def projection_figure(frame: pd.DataFrame, height: int = 240) -> FigureSpec:
    """The stock's trend (its last TREND_SHOWN quarters, solid) continued by its projection for
    the next four quarters: a dashed line from the latest figure, a shaded interval around it,
    and "Projection" written over the projected quarters, so a projection is never read as a
    figure. The projection is the one metrics.projection makes from the frame's shown figures
    (its pipeline's flows are the frame's other measures); with too few of them shown the
    trend is drawn alone and says so."""
    measure = next(m for m in dict.fromkeys(frame["measure"]) if m in PROJECTED_MEASURES)
    rows = frame[(frame["measure"] == measure)].tail(TREND_SHOWN)
    made = project_rows(frame, measure)
    quarter = rows["quarter"].to_numpy(dtype=object)
    value = pd.to_numeric(rows["value"]).where(~rows["shown"].isin(["[c]", "[x]", "[z]"]))
    flags, hover = marks_of(rows)
    traces = [{
        "type": "scatter", "x": quarter.tolist(), "y": value.tolist(),
        "text": rows["shown"].tolist(), "customdata": hover.tolist(),
        "name": str(rows["measure_title"].iloc[0]) if len(rows) else measure,
        "mode": "lines+markers",
        "line": {"color": PROJECTION_COLOUR, "dash": "solid", "width": 2.5},
        "marker": hollow({"color": PROJECTION_COLOUR, "symbol": "circle", "size": 7}, flags),
        "hovertemplate": "%{x}: %{text}%{customdata}<extra>%{fullData.name}</extra>",
        "connectgaps": False,
    }]
    annotations = []
    quarters = quarter.tolist()
    if made is not None and len(rows):
        # On a board card only the projection's end is labelled: the trend's label would sit
        # where the projection starts, and the card's numbers above say today's figure.
        traces[0]["meta"] = {OWN_LABELS: True}
        ahead = list(made.quarters)
        quarters += ahead
        start_x, start_y = str(quarter[-1]), float(value.iloc[-1])
        band_x = [start_x, *ahead, *reversed(ahead), start_x]
        band_y = [start_y, *made.high, *reversed(made.low), start_y]
        traces.append({
            "type": "scatter", "x": band_x, "y": band_y, "fill": "toself",
            "fillcolor": PROJECTION_BAND, "line": {"width": 0}, "mode": "lines",
            "name": "Projection range (about 95%)", "hoverinfo": "skip", "showlegend": True,
            # No label and no line on a board card: the projection's label gives its range.
            "meta": {OWN_LABELS: True},
        })
        said = [f"{c:,.0f} ({lo:,.0f} to {hi:,.0f})" for c, lo, hi in zip(made.centre, made.low, made.high)]
        traces.append({
            "type": "scatter", "x": [start_x, *ahead], "y": [start_y, *made.centre],
            "text": [str(rows["shown"].iloc[-1]), *said], "name": "Projection",
            "mode": "lines+markers",
            "line": {"color": PROJECTION_COLOUR, "dash": "dash", "width": 2.5},
            "marker": {"color": "white", "symbol": "circle-open", "size": 8,
                       "line": {"color": PROJECTION_COLOUR, "width": 2}},
            "hovertemplate": "%{x}: %{text}<extra>Projection</extra>",
        })
        annotations.append({"x": ahead[len(ahead) // 2], "y": 1, "yref": "paper", "xanchor": "center",
                            "yanchor": "bottom", "text": "<b>Projection</b>", "showarrow": False,
                            "name": PROJECTION_NOTE, "font": {"size": 12, "color": ENGLAND_COLOUR}})
    else:
        annotations.append({"x": 1, "y": 1, "xref": "paper", "yref": "paper", "xanchor": "right",
                            "yanchor": "bottom", "showarrow": False, "name": PROJECTION_NOTE,
                            "text": "Too few figures shown to project", "font": {"size": 12,
                                                                                 "color": ENGLAND_COLOUR}})
    figure = figure_spec(traces, {
        "height": height,
        "margin": {"l": 40, "r": 10, "t": 26, "b": 10},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.2, "x": 0, "font": {"size": 12}},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "font": FONT,
        "annotations": annotations,
        "shapes": [{"type": "rect", "xref": "x", "yref": "paper", "x0": quarters[len(rows) - 1],
                    "x1": quarters[-1], "y0": 0, "y1": 1, "fillcolor": "#f3f2f1", "line": {"width": 0},
                    "layer": "below"}] if made is not None and len(rows) else [],
        # Half a quarter of room each side, so the last projected point is drawn whole.
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": quarters,
                  "range": [-0.5, len(quarters) - 0.5], "showgrid": False, "tickfont": {"size": 11}, "tickangle": 0,
                  "tickvals": quarters[::3], "ticktext": [short_quarter(q) for q in quarters[::3]]},
        "yaxis": {"rangemode": "tozero", "gridcolor": "#e5e5e5", "zeroline": False},
    })
    return with_note(figure, rows, "Hollow points", flags)


# ---------------------------------------------------------------- board notes (metrics.notes)

BOARD_NOTE_NAME = "board-note"  # the markers' annotation and shape name, for the tests
BOARD_NOTE_COLOUR = "#3D3D3D"


def placed_notes(figure: FigureSpec, notes: list[tuple[str, str]]) -> list[tuple[int, str, str]]:
    """(number, quarter, words) of the board notes (quarter, words) a figure marks: those at a
    quarter it draws, numbered in the notes' order. None on a figure not drawn over quarters."""
    drawn = {x for t in figure["data"] for x in (t.get("x") or []) if isinstance(x, str)}
    return [(n, quarter, words) for n, (quarter, words) in enumerate(notes, 1) if quarter in drawn]


def with_board_notes(figure: FigureSpec, notes: list[tuple[str, str]], size: int = 11) -> FigureSpec:
    """The figure with each board note (quarter, words) marked at its quarter: a dotted upright
    line and a numbered label at the plot's top (`Note 1`), the words in its hover; the card,
    the pack and board mode write the words under the chart by the same number. Only a figure
    drawn over quarters is marked (`placed_notes`); any other is returned as it was."""
    placed = placed_notes(figure, notes)
    if not placed:
        return figure
    layout = dict(figure["layout"])
    shapes = [{"type": "line", "name": BOARD_NOTE_NAME, "xref": "x", "x0": q, "x1": q,
               "yref": "paper", "y0": 0, "y1": 1,
               "line": {"color": BOARD_NOTE_COLOUR, "width": 1, "dash": "dot"}}
              for q in dict.fromkeys(q for _n, q, _w in placed)]
    labels = [{"name": BOARD_NOTE_NAME, "text": f"Note {n}", "hovertext": escape(f"{q}: {w}"),
               "xref": "x", "x": q, "yref": "paper", "y": 1, "yanchor": "top", "showarrow": False,
               # a second note at the same quarter goes under the first
               "yshift": -(size + 6) * sum(1 for _m, p, _v in placed[:i] if p == q),
               "bgcolor": "white", "bordercolor": BOARD_NOTE_COLOUR, "borderwidth": 1,
               "font": {"size": size, "color": BOARD_NOTE_COLOUR}}
              for i, (n, q, w) in enumerate(placed)]
    layout.update(shapes=[*layout.get("shapes", []), *shapes],
                  annotations=[*layout.get("annotations", []), *labels])
    return {**figure, "layout": layout}
