"""The page frame every page sits in: skip link, header, main landmark, footer.

`layout()` is the app's root layout; the current page is rendered into `dash.page_container`
inside <main>. `INDEX_STRING` is the HTML document around it: it sets the page's language and,
unlike Dash's default, puts no second <footer> landmark around the scripts.
Imports dash, charts and layouts only.
"""

from __future__ import annotations

import dash
from dash import html

from charts import PAGES
from layouts import ids

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
# The board's sequence is the chart pages, each one projected screen; the returns grid (a row
# per agency, 38 for England) and the glossary do not fit one, and every board screen's line
# says how many returns are in.
NAVIGATION = (
    (PAGES[0].title, PAGES[0].path, True),
    ("Headlines", "/headlines", False),  # sentences, not a projected screen of charts (yet)
    *((page.title, page.path, True) for page in PAGES[1:]),
    ("Data quality", "/data-quality", False),
    ("Definitions", "/definitions", False),
    ("Returns loaded", "/returns", False),
    ("Load a return", "/load", False),
    ("Board notes", "/notes", False),
)

META_TAGS = [{"name": "viewport", "content": "width=device-width, initial-scale=1"}]


def account(signed_in: str | None) -> list:
    """Who is signed in, and the button that signs them out (a form POST, never a link a page
    could make a browser follow)."""
    if not signed_in:
        return []
    return [html.Form(
        [html.Span(f"Signed in as {signed_in}", className="site-header__user"),
         html.Button("Sign out", type="submit", id=ids.SIGN_OUT, className="site-header__sign-out")],
        method="POST", action="/sign-out", className="site-header__account",
    )]


ADMIN_NAVIGATION = (("Audit log", "/audit", False),)  # linked for admins only
# Linked only for those who may load a return, who are those who may pin a board note on an
# area they hold (admins, analysts with a grant); anyone signed in may read notes at /notes.
LOADERS_ONLY = frozenset({"/load", "/notes"})


def header(signed_in: str | None = None, admin: bool = False, loads: bool = False) -> html.Header:
    """The header: the service's name, the pages this person may use, who is signed in."""
    links = tuple(link for link in NAVIGATION if loads or link[1] not in LOADERS_ONLY)
    links += ADMIN_NAVIGATION if admin else ()
    return html.Header(
        html.Div(
            [
                html.A(SERVICE_NAME, href="/", className="site-header__name"),
                html.Nav(
                    html.Ul([html.Li(html.A(text, href=href, **({"data-board": "1"} if board else {})))
                             for text, href, board in links],
                            className="site-header__links"),
                    **{"aria-label": "Pages"},
                ),
                *account(signed_in),
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


def layout(signed_in: str | None = None, admin: bool = False, loads: bool = False) -> html.Div:
    """The whole page: a skip link first, so keyboard users can jump past the header; the
    header names who is signed in, links an admin to the audit log and only those who may
    load a return (`loads`) to "Load a return"."""
    return html.Div(
        [
            html.A(
                "Skip to main content", href=f"#{ids.MAIN}", id=ids.SKIP_LINK, className="skip-link"
            ),
            header(signed_in, admin, loads),
            html.Main(
                dash.page_container, id=ids.MAIN, tabIndex="-1", className="container site-main"
            ),
            footer(),
        ]
    )
