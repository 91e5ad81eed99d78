"""Board mode (`?present=1` on any page): the page for a meeting room's screen.

`board_aware(layout)` wraps a page's layout function. With `present=1` it takes the filter bar
and any other controls out of the page (from the layout, not just hidden), puts in their place
what the page's charts need (the URL, FILTER_STATE) and a caption naming the filters, and marks
the page `board-mode` for the large type in assets/style-board.css. callbacks/board.py settles the
filters into FILTER_STATE; assets/board.js moves between pages with the arrow keys and keeps
`present=1` on links. `direct_labels` turns a trend figure's legend into end-of-line labels.
Imports dash, plotly and layouts only.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable

import plotly.graph_objects as go
from dash import dcc, html

from layouts import ids
from layouts.filters import filter_values

PRESENT = frozenset({"1", "true", "yes", "on"})
BOARD_CLASS = "board-mode"
BOARD_HEIGHT = 340  # px: a chart's least height on a board, for its larger type
# Class names of the parts of a page a board does not use.
CONTROL_CLASSES = frozenset({"filters", "filter-bar", "chart-card__downloads", "load-controls"})


def is_present(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else ""
    return str(value or "").strip().lower() in PRESENT


def board_id(kind: str) -> dict:
    """Board parts have pattern-matching ids: they exist only in board mode, and Dash checks a
    plain id against the pages' default layouts, where they never appear."""
    return {"type": kind, "part": "board"}


def board_filters(scope: object = None, quarter: object = None, window: object = None,
                  compare: object = None) -> html.Div:
    """What the filter bar gave the page, without its controls: the URL, the settled selection
    and the query string's filters for callbacks/board.py to settle."""
    values = filter_values(scope, quarter, window, compare)
    return html.Div(
        [
            dcc.Location(id=ids.FILTER_URL, refresh=False),
            dcc.Store(id=ids.FILTER_STATE),
            dcc.Store(id=board_id(ids.BOARD_FILTERS),
                      data={**values._asdict(), "compare": list(values.compare)}),
            html.P(id=board_id(ids.BOARD_CAPTION), className="board-caption",
                   **{"aria-live": "polite"}),
        ]
    )


def _is_control(component: object) -> bool:
    classes = set(str(getattr(component, "className", None) or "").split())
    return bool(classes & CONTROL_CLASSES)


def without_controls(component: object) -> object:
    """A copy of the component tree with every control part left out (the original, which
    may be a page's shared static layout, is not changed)."""
    children = getattr(component, "children", None)
    if children is None or isinstance(children, (str, int, float)):
        return component
    if isinstance(children, (list, tuple)):
        kept = [without_controls(c) for c in children if not _is_control(c)]
    else:
        kept = None if _is_control(children) else without_controls(children)
    clone = copy.copy(component)
    clone.children = kept
    return clone


def board_aware(layout: object) -> Callable[..., object]:
    """The page's layout, or with `present=1` its board version (wrapping twice is once)."""
    if getattr(layout, "board_aware", False):
        return layout

    @functools.wraps(layout) if callable(layout) else (lambda f: f)
    def page(present: object = None, **params: object):
        drawn = layout(**params) if callable(layout) else layout
        if not is_present(present):
            return drawn
        filters = {k: params.get(k) for k in ("scope", "quarter", "window", "compare")}
        return html.Div([board_filters(**filters), without_controls(drawn)], className=BOARD_CLASS)

    page.board_aware = True
    return page


def direct_labels(figure: go.Figure) -> go.Figure:
    """The figure in board size: each line labelled at its last shown point instead of a legend,
    thicker lines, larger type. The figure's own notes (thresholds, [c] where a bar would be)
    stay, larger. Bars of several series keep a large legend: a stacked segment is too narrow
    to carry its stage's name."""
    figure = go.Figure(figure)
    labels = []
    for trace in figure.data:
        if trace.type != "scatter" or trace.y is None:
            continue
        points = [(x, y, t) for x, y, t in zip(trace.x, trace.y, trace.text or [""] * len(trace.y))
                  if y is not None and y == y]
        if not points:
            continue
        x, y, text = points[-1]
        labels.append({"x": x, "y": y, "text": f"{trace.name}: {text}" if text else trace.name,
                       "xanchor": "left", "yanchor": "middle", "showarrow": False, "xshift": 8,
                       "font": {"size": 16, "color": trace.line.color or "#0b0c0c"}})
        trace.line.width = 4
    notes = [{**note.to_plotly_json(), "font": {**(note.font.to_plotly_json() if note.font else {}),
                                                "size": 16}}
             for note in figure.layout.annotations]
    bar_series = [t for t in figure.data if t.type == "bar"]
    figure.layout.annotations = [*notes, *labels]
    figure.update_layout(showlegend=len(bar_series) > 1, legend={"font": {"size": 16}},
                         font={"size": 16}, margin={"r": 160 if labels else 10},
                         height=max(figure.layout.height or 0, BOARD_HEIGHT))
    ticks = figure.layout.xaxis.tickvals
    if ticks and len(ticks) > 2:  # board-sized quarter labels need twice the room
        texts = figure.layout.xaxis.ticktext
        figure.update_xaxes(tickvals=ticks[::2], ticktext=texts[::2] if texts else None)
    figure.update_xaxes(tickfont={"size": 14})
    figure.update_yaxes(tickfont={"size": 14})
    return figure
