"""The Sufficiency page (`/sufficiency`): approved adopters against the children who wait.

The layout is a function of the query string (`?scope=…&quarter=…&window=…&compare=…`): it
draws the shared filter bar holding those values and an empty grid that callbacks/sufficiency.py
fills with the page's chart cards. Imports dash, its component libraries and layouts only.
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.filters import filter_bar, filter_values

PATH = "/sufficiency"
TITLE = "Sufficiency"


def layout(scope: object = None, quarter: object = None, window: object = None,
           compare: object = None, **_other_params: object) -> html.Div:
    """The page for the query string; parameters it does not know are ignored."""
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "Approved adopters waiting beside the children waiting, adopters per child for "
                "each agency in the region, and who the children waiting are.",
                className="lead",
            ),
            filter_bar(filter_values(scope, quarter, window, compare)),
            dcc.Loading(html.Div(id=ids.SUFFICIENCY_CARDS, className="row g-3 page-cards"),
                        type="default", delay_show=300),
        ]
    )
