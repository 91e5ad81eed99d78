"""Handler of the filter bar's Board pack (PDF) button: the click and the page's FILTER_STATE
-> dcc.Download's data, or a message saying why there is none (no Chromium, a wrong
selection, a pack Chromium did not finish). The drawing is server/images.py's (`board_pack`);
this only turns a click into a download and its failures into words. (A chart's own PNG and
SVG are links to the data API.) Imports dash, layouts and server only.
"""

from __future__ import annotations

from dash import Dash, Input, Output, State, no_update

from layouts import ids
from layouts.filters import BOARD_PACK_LABEL
from server.images import NoBrowser, NotDrawn, as_download, board_pack, pack_name
from server.services import Services


def download_board_pack(clicks, state, services: Services):
    """The board pack button -> (download, message)."""
    if not clicks:
        return no_update, no_update
    try:
        return as_download(board_pack(services, state), pack_name(state), "pdf"), ""
    except NoBrowser as exc:
        return no_update, str(exc)
    except NotDrawn as exc:
        return no_update, f"The board pack could not be drawn: {exc}. Please try again."
    except ValueError as exc:
        return no_update, f"No board pack for this selection: {exc}"


def register(app: Dash, services: Services) -> None:
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
