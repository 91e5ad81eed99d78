"""Board mode (`?present=1` on any page): the page for a meeting room's screen.

`board_aware(layout)` wraps a page's layout function. With `present=1` it takes the filter bar
and any other controls out of the page (from the layout, not just hidden), puts in their place
what the page's charts need (the URL, FILTER_STATE) and one line naming the area, quarter,
period and returns received, and marks the page `board-mode` for assets/style-board.css. A chart
page (its layout carries its `Page`) becomes one screen: its title and that line, then the grid
that callbacks/chart_pages.py fills with the page's board cards (layouts/board_card.py); its lead
and any child-level section are left out. callbacks/board.py settles the filters into
FILTER_STATE; assets/board.js moves between pages with the arrow keys, keeps `present=1` on links
and nudges the charts' line labels apart. Imports dash, charts and layouts only.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable

from dash import dcc, html

from charts.spec import Page
from layouts import ids
from layouts.filters import filter_values

PRESENT = frozenset({"1", "true", "yes", "on"})
BOARD_CLASS = "board-mode"
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


def board_caption() -> html.P:
    """The one line naming the area, quarter, period and returns received (callbacks/board.py)."""
    return html.P(id=board_id(ids.BOARD_CAPTION), className="board-caption", **{"aria-live": "polite"})


def board_filters(scope: object = None, quarter: object = None, window: object = None,
                  compare: object = None, caption: bool = True) -> html.Div:
    """What the filter bar gave the page, without its controls: the URL, the settled selection
    and the query string's filters for callbacks/board.py to settle."""
    values = filter_values(scope, quarter, window, compare)
    return html.Div(
        [
            dcc.Location(id=ids.FILTER_URL, refresh=False),
            dcc.Store(id=ids.FILTER_STATE),
            dcc.Store(id=board_id(ids.BOARD_FILTERS),
                      data={**values._asdict(), "compare": list(values.compare)}),
            *([board_caption()] if caption else []),
        ]
    )


def board_page(page: Page, filters: dict) -> html.Div:
    """A chart page on the board: its title and the selection's line, then the grid of its
    board cards, filling one screen."""
    return html.Div(
        [
            board_filters(**filters, caption=False),
            html.Div([html.H1(page.title), board_caption()], className="board-bar"),
            dcc.Loading(html.Div(id=ids.page_cards(page.slug), className="board-cards"),
                        type="default", delay_show=300, parent_className="board-cards-loading"),
        ],
        className=f"{BOARD_CLASS} board-page",
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
        chart_page = getattr(layout, "page", None)
        if isinstance(chart_page, Page):
            return board_page(chart_page, filters)
        return html.Div([board_filters(**filters), without_controls(drawn)], className=BOARD_CLASS)

    page.board_aware = True
    return page
