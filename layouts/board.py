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

from dash import dcc, html

from layouts import ids
from layouts.figures import FigureSpec
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
