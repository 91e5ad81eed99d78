"""Handlers of the chart pages (`charts.PAGES`): the filter state -> each page's chart cards.

`page_cards` is a plain function of the services, the page and its FILTER_STATE, so tests call
it directly. Each card is `charts.view.view` of its chart drawn by layouts/chart_card.py, through
the answer cache; in board mode (FILTER_STATE marked `present`) the page's board charts only,
drawn by layouts/board_card.py. Imports dash, its component libraries, charts, layouts, server and callbacks.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output

from server.cache import answers
from server.auth import caller_of
from server.services import Services
from charts import PAGE_OF, PAGES
from charts.spec import Chart
from charts.view import ChartView, view
from layouts import ids
from layouts.board_card import board_cards
from layouts.chart_card import chart_card


def chart_view(services: Services, chart: Chart, state: object) -> ChartView:
    """The chart for the page's selection as the caller may see it (ValueError when wrong)."""
    return view(chart, state, services.measures, caller_of(services), services.policy)


def page_cards(services: Services, slug: str, state: object) -> list:
    if not state:
        return []
    try:
        if isinstance(state, dict) and state.get("present"):  # board mode: its charts only
            return [board_cards([(chart_view(services, chart, state), width)
                                 for chart, width in PAGE_OF[slug].board_charts])]
        return [dbc.Col(chart_card(chart_view(services, chart, state)), **width)
                for chart, width in PAGE_OF[slug].charts]
    except ValueError as exc:
        return [dbc.Alert(str(exc), color="warning")]


def register(app: Dash, services: Services) -> None:
    kept = answers(app.server, services)

    def cards(state: object, slug: str) -> list:
        return kept.remember(("cards", slug, state), lambda: page_cards(services, slug, state))

    for page in PAGES:
        app.callback(
            Output(ids.page_cards(page.slug), "children"),
            Input(ids.FILTER_STATE, "data"),
        )(lambda state, slug=page.slug: cards(state, slug))
