"""The page for an address that matches no page (Dash pages finds it by its module name).

Imports dash and layouts only.
"""

from __future__ import annotations

from dash import html

TITLE = "Page not found"


def layout(**_params: object) -> html.Div:
    return html.Div(
        [
            html.H1(TITLE),
            html.P("Check the address, or go to the overview."),
            html.A("Overview", href="/"),
        ]
    )
