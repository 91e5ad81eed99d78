"""The Timeliness page (`/timeliness`): how long children and adopters wait, stage by stage.

The layout is a function of the query string (`?scope=…&quarter=…&window=…&compare=…`): it
draws the shared filter bar holding those values and an empty grid that callbacks/timeliness.py
fills with the page's chart cards. Imports dash, its component libraries and layouts only.
"""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.filters import filter_bar, filter_values

PATH = "/timeliness"
TITLE = "Timeliness"


def layout(scope: object = None, quarter: object = None, window: object = None,
           compare: object = None, **_other_params: object) -> html.Div:
    """The page for the query string; parameters it does not know are ignored."""
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "The journey from entering care to adoption, stage by stage, the A10 and A2 "
                "scorecard measures against their thresholds, and how long adopters wait.",
                className="lead",
            ),
            filter_bar(filter_values(scope, quarter, window, compare)),
            dcc.Loading(html.Div(id=ids.TIMELINESS_CARDS, className="row g-3 page-cards"),
                        type="default", delay_show=300),
        ]
    )
