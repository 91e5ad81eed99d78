"""Handlers of the Overview page: the filter state -> one chart card per headline measure.

`overview_tiles` is a plain function of the services and the page's FILTER_STATE, so tests
call it directly. Imports dash, its component libraries, config, db, metrics, layouts and
callbacks only.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output

from callbacks.charts import CHARTS, OVERVIEW, card_for
from callbacks.services import Services
from layouts import ids


def overview_tiles(services: Services, state: object) -> list:
    if not state:
        return []
    try:
        return [dbc.Col(card_for(services, CHARTS[c], state), md=6, xl=4) for c in OVERVIEW]
    except ValueError as exc:
        return [dbc.Alert(str(exc), color="warning")]


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output(ids.OVERVIEW_TILES, "children"),
        Input(ids.FILTER_STATE, "data"),
    )(lambda state: overview_tiles(services, state))
