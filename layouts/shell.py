"""The page frame every page sits in: skip link, header, main landmark, footer.

`layout()` is the app's root layout; the current page is rendered into `dash.page_container`
inside <main>. `INDEX_STRING` is the HTML document around it: it sets the page's language and,
unlike Dash's default, puts no second <footer> landmark around the scripts.
Imports dash and layouts only.
"""

from __future__ import annotations

import dash
from dash import html

from layouts import chart_pages, ids

SERVICE_NAME = "ASG Dashboard"

INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""

# (text, path, in the board's sequence): assets/board.js steps through the links marked
# `data-board` in this order, so a page added here is added to board mode's arrow keys too.
NAVIGATION = (
    *((page.title, page.path, True) for page in chart_pages.PAGES),
    ("Data quality", "/data-quality", True),
    ("Definitions", "/definitions", True),
    ("Returns loaded", "/returns", False),
    ("Load a return", "/load", False),
)

META_TAGS = [{"name": "viewport", "content": "width=device-width, initial-scale=1"}]


def header() -> html.Header:
    return html.Header(
        html.Div(
            [
                html.A(SERVICE_NAME, href="/", className="site-header__name"),
                html.Nav(
                    html.Ul([html.Li(html.A(text, href=href, **({"data-board": "1"} if board else {})))
                             for text, href, board in NAVIGATION],
                            className="site-header__links"),
                    **{"aria-label": "Pages"},
                ),
            ],
            className="container site-header__bar",
        ),
        id=ids.HEADER,
        className="site-header",
    )


def footer() -> html.Footer:
    return html.Footer(
        html.Div(
            html.P(
                "Adoption and special guardianship performance for England's adoption "
                "boards, from the quarterly returns that agencies load."
            ),
            className="container",
        ),
        id=ids.FOOTER,
        className="site-footer",
    )


def layout() -> html.Div:
    """The whole page: a skip link first, so keyboard users can jump past the header."""
    return html.Div(
        [
            html.A(
                "Skip to main content", href=f"#{ids.MAIN}", id=ids.SKIP_LINK, className="skip-link"
            ),
            header(),
            html.Main(
                dash.page_container, id=ids.MAIN, tabIndex="-1", className="container site-main"
            ),
            footer(),
        ]
    )
