"""The Overview page (`/`, also `/overview`): headline tiles for the board's key measures.

The layout is a function of the query string (`?scope=…&quarter=…&window=…&compare=…`): it
draws the filter bar holding those values and an empty grid that callbacks/overview.py fills
with one chart card per tile. Imports dash, its component libraries and layouts only.
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.filters import filter_bar, filter_values

PATH = "/"
ALIAS = "/overview"
TITLE = "Overview"


def layout(scope: object = None, quarter: object = None, window: object = None,
           compare: object = None, **_other_params: object) -> html.Div:
    """The page for the query string; parameters it does not know are ignored."""
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "The board's headline measures for the area and quarter chosen, beside the "
                "region and England, with the last eight quarters' trend.",
                className="lead",
            ),
            filter_bar(filter_values(scope, quarter, window, compare)),
            dcc.Loading(html.Div(id=ids.OVERVIEW_TILES, className="row g-3 overview-tiles"),
                        type="default", delay_show=300),
        ]
    )
