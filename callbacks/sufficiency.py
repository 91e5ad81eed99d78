"""Handlers of the Sufficiency page: the filter state -> the page's chart cards.

`sufficiency_cards` is a plain function of the services and the page's FILTER_STATE, so tests
call it directly. Imports dash, its component libraries, config, db, metrics, layouts and
callbacks only.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output

from callbacks.charts import CHARTS, card_for
from callbacks.page_charts import SUFFICIENCY
from callbacks.services import Services
from layouts import ids

WIDTHS = {"sufficiency_supply": 6, "sufficiency_agencies": 6}  # breakdowns sit in threes


def sufficiency_cards(services: Services, state: object) -> list:
    if not state:
        return []
    try:
        return [dbc.Col(card_for(services, CHARTS[c], state), lg=WIDTHS.get(c, 6), xl=WIDTHS.get(c, 4))
                for c in SUFFICIENCY]
    except ValueError as exc:
        return [dbc.Alert(str(exc), color="warning")]


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(ids.SUFFICIENCY_CARDS, "children"),
        Input(ids.FILTER_STATE, "data"),
    )(lambda state: sufficiency_cards(services, state))
