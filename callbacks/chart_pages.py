"""Handlers of the chart pages (`charts.PAGES`): the filter state -> each page's chart cards.

`page_cards` is a plain function of the services, the page and its FILTER_STATE, so tests call
it directly. Each card is `charts.view.view` of its chart drawn by layouts/chart_card.py, through
the answer cache; in board mode (FILTER_STATE marked `present`) the page's board charts only,
drawn by layouts/board_card.py. A card's table is drawn only when its reader first opens "Show
as table" (`chart_table`, for the filter state then, which the cards were drawn for), so a page's
closed tables cost the browser nothing. Imports dash, its component libraries, charts, layouts,
server and callbacks.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import MATCH, Dash, Input, Output, State, ctx, no_update

from server.cache import answers
from server.auth import caller_of
from server.services import Services
from charts import CHARTS, PAGE_OF, PAGES
from charts.spec import Chart
from charts.view import ChartView, view
from layouts import ids
from layouts.board_card import board_cards
from layouts.chart_card import chart_card, table_view


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


def chart_table(services: Services, chart_id: object, state: object) -> list:
    """A card's table for the selection as the caller may see it: the frame its chart draws,
    a row per quarter (or category) and a column per area. Drawn when first asked for."""
    chart = CHARTS.get(chart_id) if isinstance(chart_id, str) else None
    if chart is None or not state:
        return [dbc.Alert("This table cannot be shown: choose the page's filters again.",
                          color="warning")]
    try:
        shown = chart_view(services, chart, state)
    except ValueError as exc:
        return [dbc.Alert(str(exc), color="warning")]
    return [table_view(shown.frame, shown.title, chart.table)]


def register(app: Dash, services: Services) -> None:
    kept = answers(app.server, services)

    def cards(state: object, slug: str) -> list:
        return kept.remember(("cards", slug, state), lambda: page_cards(services, slug, state))

    for page in PAGES:
        app.callback(
            Output(ids.page_cards(page.slug), "children"),
            Input(ids.FILTER_STATE, "data"),
        )(lambda state, slug=page.slug: cards(state, slug))

    @app.callback(
        Output(ids.table_body(MATCH), "children"),
        Input(ids.table_open(MATCH), "n_clicks"),
        State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
    )
    def table(clicks: int | None, state: object) -> object:
        # The summary's clicks open and close the table by turns: an odd count opened it.
        if not isinstance(clicks, int) or clicks % 2 == 0:
            return no_update
        # The chart is the one whose table this answer fills (MATCH made concrete by the page).
        output = ctx.outputs_list if isinstance(ctx.outputs_list, dict) else {}
        chart = output.get("id", {}).get("chart") if isinstance(output.get("id"), dict) else None
        return chart_table(services, chart, state)
