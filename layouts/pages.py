"""Registers the dashboard's pages with Dash pages, in navigation order.

Called by the app factory after the Dash app exists (Dash requires that order). Pages are
registered explicitly rather than found in a folder, so a page is a plain module in layouts/.
Imports dash and layouts only.
"""

from __future__ import annotations

import dash

from layouts import not_found_404, returns
from layouts.shell import SERVICE_NAME


def register_pages() -> None:
    dash.register_page(
        returns.__name__, path=returns.PATH, name=returns.TITLE,
        title=f"{returns.TITLE} – {SERVICE_NAME}", layout=returns.layout, order=0,
    )  # fmt: skip
    dash.register_page(
        not_found_404.__name__, path="/404", name=not_found_404.TITLE,
        title=f"{not_found_404.TITLE} – {SERVICE_NAME}", layout=not_found_404.layout,
    )  # fmt: skip
