"""The dashboard's chart pages: each is a title, a line saying what it answers, the shared filter
bar and a grid of chart cards.

A page's layout is a function of the query string (`?scope=…&quarter=…&window=…&compare=…`): it
draws the filter bar holding those values and an empty grid (`page.cards`) that
callbacks/chart_pages.py fills with the page's chart cards. Which charts a page shows is the
callbacks' business; this module only knows the page's words and where it lives. Imports dash and
layouts only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dash import dcc, html

from layouts import ids
from layouts.filters import filter_bar, filter_values


class ChartPage(NamedTuple):
    slug: str  # the key callbacks/chart_pages.py files the page's charts under
    path: str
    title: str
    lead: str
    cards: str  # the id of the grid the cards go in
    grid_class: str = "page-cards"
    records: str = ""  # the id of a child-level section below the cards; empty for none


OVERVIEW = ChartPage(
    "overview", "/", "Overview",
    "The board's headline measures for the area and quarter chosen, beside the region and "
    "England, with the last eight quarters' trend.",
    ids.OVERVIEW_TILES, "overview-tiles")
OVERVIEW_ALIAS = "/overview"
TIMELINESS = ChartPage(
    "timeliness", "/timeliness", "Timeliness",
    "The journey from entering care to adoption, stage by stage, the A10 and A2 scorecard "
    "measures against their thresholds, and how long adopters wait.",
    ids.TIMELINESS_CARDS)
SUFFICIENCY = ChartPage(
    "sufficiency", "/sufficiency", "Sufficiency",
    "Approved adopters waiting beside the children waiting, adopters per child for each agency "
    "in the region, and who the children waiting are.",
    ids.SUFFICIENCY_CARDS)
CHILDREN_WAITING = ChartPage(
    "children_waiting", "/children-waiting", "Children waiting",
    "How old the children waiting are, how long they have waited since the placement order, "
    "and how many sibling groups wait together.",
    ids.CHILDREN_WAITING_CARDS, records=ids.CHILDREN_WAITING_RECORDS)
ADOPTERS = ChartPage(
    "adopters", "/adopters", "Adopters",
    "Adopters from enquiry to match quarter by quarter, why households leave the process, and "
    "how long approved adopters wait for a match.",
    ids.ADOPTERS_CARDS)
SPECIAL_GUARDIANSHIP = ChartPage(
    "special_guardianship", "/special-guardianship", "Special guardianship",
    "Special guardianship orders by carer, age and care status, their share of permanence from "
    "care, those that broke down, and support fund applications from each kind of family.",
    ids.SPECIAL_GUARDIANSHIP_CARDS)
# The chart pages in navigation order.
PAGES: tuple[ChartPage, ...] = (OVERVIEW, TIMELINESS, SUFFICIENCY, CHILDREN_WAITING, ADOPTERS,
                                SPECIAL_GUARDIANSHIP)


def page_layout(page: ChartPage) -> Callable[..., html.Div]:
    def layout(scope: object = None, quarter: object = None, window: object = None,
               compare: object = None, **_other_params: object) -> html.Div:
        """The page for the query string; parameters it does not know are ignored."""
        return html.Div(
            [
                html.H1(page.title),
                html.P(page.lead, className="lead"),
                filter_bar(filter_values(scope, quarter, window, compare)),
                dcc.Loading(html.Div(id=page.cards, className=f"row g-3 {page.grid_class}"),
                            type="default", delay_show=300),
                *([html.Section(id=page.records, className="mt-3")] if page.records else []),
            ]
        )

    layout.__name__ = f"{page.slug}_layout"
    return layout
