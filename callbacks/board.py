"""Handlers of board mode (`?present=1`): the query string's filters -> FILTER_STATE and the
one line that names them.

In board mode the page has no filter bar, so callbacks/filters.py never fires; this settles the
same selection with `resolve_filters` (same defaults, same checks) and marks it `present`, so
chart pages draw their board cards. The line says the area, quarter, period and how many of the
returns expected for them have come in (`South East · 2025-26 Q1 · year to 2025-26 Q1 ·
returns: 18 of 19`): the `returns_received` measure through the one frame builder, as the room
sees it (viewer-level disclosure, `Caller.on_the_board`). `board_view` is a plain function, so
tests call it directly. Imports dash, charts, layouts, metrics, server and callbacks only.
"""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, ctx, no_update

from callbacks.filters import resolve_filters
from server.auth import caller_of
from server.services import Services
from charts.frames import rows
from charts.query import ENGLAND, from_state
from charts.words import WINDOW_PERIODS
from layouts import ids
from metrics.published import base_code, is_published, published_name
from metrics.scope import Geography


def returns_line(services: Services, state: dict) -> str:
    """`returns: 18 of 19`: returns received of those expected for the scope at the quarter."""
    geography = services.measures.geography()
    query = from_state("returns_received", state, geography).of(
        "returns_received", window=1, compare=(), first=None)
    found = rows(query, services.measures, caller_of(services).on_the_board(), services.policy)
    if not len(found):
        return "returns: not known"
    row = found.iloc[0]
    expected = row["cohort"]
    return (f"returns: {row['shown']} of {expected:,.0f}" if expected == expected
            else f"returns: {row['shown']}")


def selection_line(geography: Geography, state: dict, returns: str) -> str:
    """The area, quarter, period and returns received in one line; who it is compared with."""
    quarter, window = state["quarter"], int(state["window"])
    period = "quarter only" if window == 1 else WINDOW_PERIODS[window].format(q=quarter).removeprefix("the ")
    parts = [geography.scope(state["scope"]).name, quarter, period, returns]
    if state.get("compare"):
        parts.append("compared with " + ", ".join(
            published_name(geography.scope(base_code(c)).name) if is_published(c)
            else geography.scope(c).name for c in state["compare"]))
    return " · ".join(parts)

def board_view(services: Services, filters: object) -> tuple[dict | None, str]:
    values = filters if isinstance(filters, dict) else {}
    geography = services.measures.geography()
    view = resolve_filters(geography, services.store.quarters(), values.get("region") or ENGLAND,
                           values.get("agency"), values.get("quarter"), values.get("window"),
                           values.get("compare") or [])
    if view.state is None:
        return None, view.message
    text = selection_line(geography, view.state, returns_line(services, view.state))
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
