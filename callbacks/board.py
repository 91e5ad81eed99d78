"""Handlers of board mode (`?present=1`): the query string's filters -> FILTER_STATE and the
caption that names them.

In board mode the page has no filter bar, so callbacks/filters.py never fires; this settles the
same selection with `resolve_filters` (same defaults, same checks) and marks it `present`, so
charts can draw direct labels. `board_view` is a plain function, so tests call it directly.
Imports dash, charts, layouts, server and callbacks only.
"""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, ctx, no_update

from callbacks.filters import resolve_filters
from server.services import Services
from charts.query import ENGLAND, describe
from layouts import ids

def board_view(services: Services, filters: object) -> tuple[dict | None, str]:
    values = filters if isinstance(filters, dict) else {}
    geography = services.measures.geography()
    view = resolve_filters(geography, services.store.quarters(), values.get("region") or ENGLAND,
                           values.get("agency"), values.get("quarter"), values.get("window"),
                           values.get("compare") or [])
    if view.state is None:
        return None, view.message
    text = describe(geography, view.state)
    return {**view.state, "present": True}, f"{text}. {view.message}" if view.message else text


def register(app: Dash, services: Services) -> None:
    def update(filters: list) -> tuple:
        if not filters:  # not in board mode: the filter bar's callback owns FILTER_STATE
            return no_update, [no_update] * len(ctx.outputs_list[1])
        state, text = board_view(services, filters[0])
        return state, [text] * len(ctx.outputs_list[1])  # one per caption the request names

    app.callback(
        Output(ids.FILTER_STATE, "data", allow_duplicate=True),
        Output({"type": ids.BOARD_CAPTION, "part": ALL}, "children"),
        Input({"type": ids.BOARD_FILTERS, "part": ALL}, "data"),
        prevent_initial_call="initial_duplicate",
    )(update)
