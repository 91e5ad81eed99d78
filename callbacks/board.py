"""Handlers of board mode (`?present=1`): the query string's filters -> FILTER_STATE and the
caption that names them.

In board mode the page has no filter bar, so callbacks/filters.py never fires; this settles the
same selection with `resolve_filters` (same defaults, same checks) and marks it `present`, so
charts can draw direct labels. `board_view` is a plain function, so tests call it directly.
Imports dash, config, db, metrics, layouts and callbacks only.
"""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, no_update

from callbacks.filters import resolve_filters
from callbacks.services import Services
from layouts import ids
from layouts.filters import ENGLAND, WINDOWS
from metrics.scope import Geography

WINDOW_WORDS = {"1": "the quarter", "4": "the rolling year to", "12": "the three years to"}


def caption(geography: Geography, state: dict) -> str:
    """`Showing: Adopt London South · 2025-26 Q1 · rolling year · compared with Camden`."""
    names = [geography.scope(state["scope"]).name]
    parts = [f"Area: {names[0]}", f"Quarter: {state['quarter']}",
             f"Period: {dict(WINDOWS)[str(state['window'])]}"]
    if state.get("compare"):
        parts.append("Compared with: " + ", ".join(geography.scope(c).name for c in state["compare"]))
    return " · ".join(parts)


def board_view(services: Services, filters: object) -> tuple[dict | None, str]:
    values = filters if isinstance(filters, dict) else {}
    geography = services.measures.geography()
    view = resolve_filters(geography, services.store.quarters(), values.get("region") or ENGLAND,
                           values.get("agency"), values.get("quarter"), values.get("window"),
                           values.get("compare") or [])
    if view.state is None:
        return None, view.message
    text = caption(geography, view.state)
    return {**view.state, "present": True}, f"{text}. {view.message}" if view.message else text


def register(app: Dash, services: Services) -> None:
    def update(filters: list) -> tuple:
        if not filters:  # not in board mode: the filter bar's callback owns FILTER_STATE
            return no_update, []
        state, text = board_view(services, filters[0])
        return state, [text]

    app.callback(
        Output(ids.FILTER_STATE, "data", allow_duplicate=True),
        Output({"type": ids.BOARD_CAPTION, "part": ALL}, "children"),
        Input({"type": ids.BOARD_FILTERS, "part": ALL}, "data"),
        prevent_initial_call="initial_duplicate",
    )(update)
