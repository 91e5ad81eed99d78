"""Handlers of the chart cards' Download PNG / Download SVG buttons and the filter bar's Board
pack (PDF) button: the clicks and the page's FILTER_STATE -> dcc.Download's data, or a message
saying why there is none (no Chromium, a wrong selection). Imports dash, layouts, server and
callbacks only.

The drawing is server/images.py's (`chart_image`, `board_pack`); these handlers only turn a
click into a download and its failures into words.
"""

from __future__ import annotations

from dash import MATCH, Dash, Input, Output, State, ctx, no_update

from callbacks.charts import CHARTS
from layouts import ids
from layouts.filters import BOARD_PACK_LABEL
from server.images import NoBrowser, as_download, board_pack, chart_image, pack_name
from server.services import Services


def download_image(clicked: object, png_clicks, svg_clicks, state, services: Services):
    """A card's PNG or SVG button (`clicked`, its id) -> (download, message)."""
    if not isinstance(clicked, dict) or not (png_clicks or svg_clicks):
        return no_update, no_update
    if clicked.get("chart") not in CHARTS:
        return no_update, f"There is no chart {str(clicked.get('chart'))[:40]!r}; reload the page."
    format = "png" if clicked.get("type") == ids.CHART_PNG else "svg"
    try:
        return chart_image(services, clicked["chart"], format, state), ""
    except NoBrowser as exc:
        return no_update, str(exc)
    except ValueError as exc:
        return no_update, f"No image for this selection: {exc}"


def download_board_pack(clicks, state, services: Services):
    """The board pack button -> (download, message)."""
    if not clicks:
        return no_update, no_update
    try:
        return as_download(board_pack(services, state), pack_name(state), "pdf"), ""
    except NoBrowser as exc:
        return no_update, str(exc)
    except ValueError as exc:
        return no_update, f"No board pack for this selection: {exc}"


def register(app: Dash, services: Services) -> None:
    app.callback(
        Output({"type": ids.CHART_IMAGE_DOWNLOAD, "chart": MATCH}, "data"),
        Output({"type": ids.CHART_IMAGE_MESSAGE, "chart": MATCH}, "children"),
        Input({"type": ids.CHART_PNG, "chart": MATCH}, "n_clicks"),
        Input({"type": ids.CHART_SVG, "chart": MATCH}, "n_clicks"),
        State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
    )(lambda png, svg, state: download_image(ctx.triggered_id, png, svg, state, services))
    app.callback(
        Output(ids.BOARD_PACK_DOWNLOAD, "data"),
        Output(ids.BOARD_PACK_MESSAGE, "children"),
        Input(ids.BOARD_PACK, "n_clicks"),
        State(ids.FILTER_STATE, "data"),
        prevent_initial_call=True,
        # A pack takes some seconds: the button says so and cannot be pressed twice meanwhile.
        running=[(Output(ids.BOARD_PACK, "disabled"), True, False),
                 (Output(ids.BOARD_PACK, "children"), "Making the board pack…", BOARD_PACK_LABEL)],
    )(lambda clicks, state: download_board_pack(clicks, state, services))
