"""Figure kinds: a disclosed frame in, a plotly figure (as plain data) out.

They take frames only (scope, scope_name, quarter, value, shown; a frame of several measures
carries `measure` and `measure_title`, a broken-down one its `category` rows) and never compute,
so a chart draws exactly the numbers its table and downloads carry. Analysis Function colours;
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
from functools import cache

import numpy as np
import pandas as pd
import plotly.io as pio

from charts.marks import chart_note, hover_words, incomplete_flags
from charts.query import ENGLAND, ENGLAND_PUBLISHED
from metrics.disclosure import TOTAL

ENGLAND_COLOUR = "#3D3D3D"
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
                 "line": {"color": "#801650", "dash": "dot", "width": 1.5}}],
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

BOARD_HEIGHT = 340  # px: a chart's least height on a board, for its larger type


def direct_labels(figure: FigureSpec) -> FigureSpec:
    """The figure in board size: each line labelled at its last shown point instead of a legend,
    thicker lines, larger type. The figure's own notes (thresholds, [c] where a bar would be)
    stay, larger. Bars of several series keep a large legend: a stacked segment is too narrow
    to carry its stage's name."""
    # A copy to change, but for the template: shared by every figure and never changed here.
    layout = {k: copy.deepcopy(v) for k, v in figure["layout"].items() if k != "template"}
    data = copy.deepcopy(figure["data"])
    labels = []
    for trace in data:
        if trace.get("type") != "scatter" or trace.get("y") is None:
            continue
        ys = list(trace["y"])
        texts = list(trace["text"]) if trace.get("text") is not None else [""] * len(ys)
        points = [(x, y, t) for x, y, t in zip(list(trace["x"]), ys, texts) if y is not None and y == y]
        if not points:
            continue
        x, y, text = points[-1]
        line = trace.get("line", {})
        labels.append({"x": x, "y": y, "text": f"{trace['name']}: {text}" if text else trace["name"],
                       "xanchor": "left", "yanchor": "middle", "showarrow": False, "xshift": 8,
                       "font": {"size": 16, "color": line.get("color") or "#0b0c0c"}})
        trace["line"] = {**line, "width": 4}
    notes = [{**note, "font": {**note.get("font", {}), "size": 16}} for note in layout.get("annotations", [])]
    bar_series = [t for t in data if t.get("type") == "bar"]
    legend = layout.get("legend", {})
    layout.update(
        annotations=[*notes, *labels], showlegend=len(bar_series) > 1,
        legend={**legend, "font": {**legend.get("font", {}), "size": 16}},
        font={**layout.get("font", {}), "size": 16},
        margin={**layout.get("margin", {}), "r": 160 if labels else 10},
        height=max(layout.get("height") or 0, BOARD_HEIGHT),
    )
    xaxis, yaxis = layout.setdefault("xaxis", {}), layout.setdefault("yaxis", {})
    ticks = xaxis.get("tickvals")
    if ticks is not None and len(ticks) > 2:  # board-sized quarter labels need twice the room
        xaxis["tickvals"] = list(ticks)[::2]
        if xaxis.get("ticktext") is not None:
            xaxis["ticktext"] = list(xaxis["ticktext"])[::2]
    for axis in (xaxis, yaxis):
        axis["tickfont"] = {**axis.get("tickfont", {}), "size": 14}
    if "template" in figure["layout"]:
        layout["template"] = figure["layout"]["template"]
    return {"data": data, "layout": layout}
