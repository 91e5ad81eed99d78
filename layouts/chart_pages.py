"""The dashboard's chart pages (`charts.PAGES`): each is a title, a line saying what it answers,
the shared filter bar and a grid of chart cards.

A page's layout is a function of the query string (`?scope=…&quarter=…&window=…&compare=…`): it
draws the filter bar holding those values and an empty grid (`ids.page_cards(slug)`) that
callbacks/chart_pages.py fills with the page's chart cards; a page with child-level records
ends with their card (layouts/records.py). Imports dash, charts and layouts
only.
"""

from __future__ import annotations

from collections.abc import Callable

from dash import dcc, html

from charts.spec import Page
from layouts import ids
from layouts.filters import filter_bar, filter_values
from layouts.records import records_section


def page_layout(page: Page) -> Callable[..., html.Div]:
    def layout(scope: object = None, quarter: object = None, window: object = None,
               compare: object = None, **_other_params: object) -> html.Div:
        """The page for the query string; parameters it does not know are ignored."""
        return html.Div(
            [
                html.H1(page.title),
                html.P(page.lead, className="lead"),
                filter_bar(filter_values(scope, quarter, window, compare), scope),
                dcc.Loading(html.Div(id=ids.page_cards(page.slug), className=f"row g-3 {page.grid_class}"),
                            type="default", delay_show=300),
                *([records_section()] if page.records else []),
            ]
        )

    layout.__name__ = f"{page.slug}_layout"
    layout.page = page  # board mode (layouts/board.py) draws the page's board cards instead
    return layout
