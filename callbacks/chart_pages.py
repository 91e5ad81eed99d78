"""Handlers of the chart pages: the filter state -> each page's chart cards.

`PAGE_CHARTS` says which charts each page of layouts/chart_pages.py shows, in order, and how
wide each card is (Bootstrap column sizes: by default two a row on large screens). The board
pack walks the same table. `page_cards` is a plain function of the services, the page and its
FILTER_STATE, so tests call it directly. Imports dash, its component libraries, config, db,
metrics, layouts and callbacks only.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output

from server.cache import answers
from callbacks.charts import CHARTS, OVERVIEW, card_for
from callbacks.page_charts import SUFFICIENCY, TIMELINESS
from callbacks.waiting_adopters_guardianship_charts import (
    ADOPTERS, CHILDREN_WAITING, SPECIAL_GUARDIANSHIP,
)
from server.services import Services
from layouts import chart_pages, ids

HALF = {"lg": 6}
THIRD = {"lg": 6, "xl": 4}
WHOLE = {"lg": 12}
# page slug -> the page's charts in order, each with its card's column sizes.
PAGE_CHARTS: dict[str, tuple[tuple[str, dict], ...]] = {
    chart_pages.OVERVIEW.slug: tuple((c, {"md": 6, "xl": 4}) for c in OVERVIEW),
    # The journey needs the width; the rest sit in pairs.
    chart_pages.TIMELINESS.slug: tuple((c, WHOLE if c == "timeliness_journey" else HALF)
                                       for c in TIMELINESS),
    # Supply and agencies in a pair, the breakdowns in threes.
    chart_pages.SUFFICIENCY.slug: tuple(
        (c, {"lg": 6} if c in ("sufficiency_supply", "sufficiency_agencies") else THIRD)
        for c in SUFFICIENCY),
    chart_pages.CHILDREN_WAITING.slug: tuple((c, HALF) for c in CHILDREN_WAITING),
    chart_pages.ADOPTERS.slug: tuple((c, HALF) for c in ADOPTERS),
    chart_pages.SPECIAL_GUARDIANSHIP.slug: tuple((c, THIRD) for c in SPECIAL_GUARDIANSHIP),
}


def page_cards(services: Services, slug: str, state: object) -> list:
    if not state:
        return []
    try:
        return [dbc.Col(card_for(services, CHARTS[c], state), **width)
                for c, width in PAGE_CHARTS[slug]]
    except ValueError as exc:
        return [dbc.Alert(str(exc), color="warning")]


def register(app: Dash, services: Services) -> None:
    kept = answers(app.server, services)

    def cards(state: object, slug: str) -> list:
        return kept.remember(("cards", slug, state), lambda: page_cards(services, slug, state))

    for page in chart_pages.PAGES:
        app.callback(
            Output(page.cards, "children"),
            Input(ids.FILTER_STATE, "data"),
        )(lambda state, slug=page.slug: cards(state, slug))
