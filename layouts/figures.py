"""Figure functions: a disclosed measure frame in, a plotly figure out.

They take frames only (scope, scope_name, quarter, value, shown), never compute, so the chart
draws exactly the numbers its table and downloads carry. Analysis Function colours; England is
always a dashed dark-grey reference line, and each line has its own dash and marker too, so
colour is never the only cue. Imports plotly, numpy and pandas only.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import plotly.io as pio

ENGLAND = "england"
PUBLISHED = "-published"  # the suffix of a published comparator's scope code
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
        scopes = [s for s in scopes if s not in (ENGLAND, ENGLAND + PUBLISHED)]
    # Plain arrays, not a frame filtered per line: a frame's filter costs more than the line.
    quarter = frame["quarter"].to_numpy(dtype=object)
    name = frame["scope_name"].to_numpy(dtype=object)
    value = pd.to_numeric(frame["value"]).to_numpy(dtype=float, na_value=np.nan)
    shown = frame["shown"].to_numpy(dtype=object)
    period = frame["period"].to_numpy(dtype=object) if "period" in frame else np.full(len(frame), None)
    published = pd.notna(period) & (period != "")
    traces = []
    for scope, style in line_styles([s for s in scopes if not published[scope_of == s].any()]).items():
        rows = scope_of == scope
        traces.append({
            "type": "scatter",
            "x": quarter[rows].tolist(),
            "y": value[rows].tolist(),
            "text": shown[rows].tolist(),
            "name": str(name[rows][0]),
            "mode": "lines+markers",
            "line": {"color": style["color"], "dash": style["dash"], "width": 2.5},
            "marker": {"color": style["color"], "symbol": style["symbol"], "size": 7},
            "hovertemplate": "%{x}: %{text}<extra>%{fullData.name}</extra>",
            "connectgaps": False,
        })
    for n, scope in enumerate(s for s in scopes if published[scope_of == s].any()):
        rows = scope_of == scope
        years = ", ".join(sorted(set(period[rows])))
        colour = ENGLAND_COLOUR if scope == ENGLAND + PUBLISHED else COLOURS[(n + 3) % len(COLOURS)]
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
    return figure_spec(traces, {
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
    })
