"""Registers the dashboard's pages with Dash pages, in navigation order.

Called by the app factory after the Dash app exists (Dash requires that order). Pages are
registered explicitly rather than found in a folder, so a page is a plain module in layouts/.
The definitions page's measures come in as plain dicts. Imports dash, charts and layouts only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash

from charts import PAGES
from layouts import audit, definitions, headlines, load, not_found_404, notes, quality, returns
from layouts.board import board_aware
from layouts.chart_pages import page_layout
from layouts.shell import SERVICE_NAME


def _title(name: str) -> str:
    return f"{name} – {SERVICE_NAME}"


def register_pages(measures: Sequence[Mapping] = (), protection: str = "") -> None:
    overview = PAGES[0]
    dash.register_page(
        overview.slug, path=overview.path, name=overview.title, title=_title(overview.title),
        layout=page_layout(overview), order=0,
    )  # fmt: skip
    # /overview is the same page; a separate registration keeps the query string intact.
    for alias in overview.aliases:
        dash.register_page(
            f"{overview.slug}_alias", path=alias, name=overview.title,
            title=_title(overview.title), layout=page_layout(overview), order=1,
        )  # fmt: skip
    dash.register_page(
        headlines.__name__, path=headlines.PATH, name=headlines.TITLE,
        title=_title(headlines.TITLE), layout=headlines.layout, order=1,
    )  # fmt: skip
    dash.register_page(
        definitions.__name__, path=definitions.PATH, name=definitions.TITLE,
        title=_title(definitions.TITLE), layout=definitions.layout_for(measures, protection), order=2,
    )  # fmt: skip
    dash.register_page(
        returns.__name__, path=returns.PATH, name=returns.TITLE, title=_title(returns.TITLE),
        layout=returns.layout, order=3,
    )  # fmt: skip
    dash.register_page(
        load.__name__, path=load.PATH, name=load.TITLE, title=_title(load.TITLE),
        layout=load.layout, order=5 + len(PAGES),
    )  # fmt: skip
    for order, page in enumerate(PAGES[1:], start=4):
        dash.register_page(
            page.slug, path=page.path, name=page.title, title=_title(page.title),
            layout=page_layout(page), order=order,
        )  # fmt: skip
    dash.register_page(
        quality.__name__, path=quality.PATH, name=quality.TITLE, title=_title(quality.TITLE),
        layout=quality.layout, order=4 + len(PAGES),
    )  # fmt: skip
    dash.register_page(
        notes.__name__, path=notes.PATH, name=notes.TITLE, title=_title(notes.TITLE),
        layout=notes.layout, order=6 + len(PAGES),
    )  # fmt: skip
    # Reachable by its URL only: it joins the header once sign-in lets an admin read it.
    dash.register_page(
        audit.__name__, path=audit.PATH, name=audit.TITLE, title=_title(audit.TITLE),
        layout=audit.layout, order=6 + len(PAGES),
    )  # fmt: skip
    dash.register_page(
        not_found_404.__name__, path="/404", name=not_found_404.TITLE,
        title=_title(not_found_404.TITLE), layout=not_found_404.layout,
    )  # fmt: skip
    # Every page, whoever registered it, gets its board version (`?present=1`).
    for page in dash.page_registry.values():
        page["layout"] = board_aware(page["layout"])
