"""Handler of the Headlines page: the filter state -> the quarter's headlines for the area.

`headlines_for` is a plain function of the services and the FILTER_STATE, so tests call it
directly. It reads the Overview's charts as the caller may see them (through the same views,
so every figure told is one a chart shows) and writes them with charts/headlines.py. Imports
dash, its component libraries, charts, layouts, metrics, server and callbacks.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output

from charts import CHARTS, PAGE_OF
from charts.spec import Chart
from charts.view import chart_frame
from charts.headlines import Headline, quarter_headlines
from charts.pages.overview import MEASURES as HEADLINE_MEASURES
from layouts import ids
from layouts.headlines import chart_link, headline_list
from metrics.quarters import Quarter
from server.auth import caller_of
from server.cache import answers
from server.services import Services

OVERVIEW = PAGE_OF["overview"]
FAIR = PAGE_OF["fair_comparison"]
FUNNELS = [chart for chart, _width in FAIR.charts]


def headlines_for(services: Services, state: object) -> list[tuple[Headline, str]]:
    """The headlines for the selection, each with the address of the chart that shows it
    (ValueError when the selection is wrong)."""
    def frame(chart: Chart):
        return chart_frame(chart, state, services.measures, caller_of(services), services.policy)

    # The charts' frames alone (a view's titles and captions are not read here).
    views = [frame(CHARTS[m]) for m in HEADLINE_MEASURES]
    scope = views[0][0].scope
    first = views[0][2]
    rows = first[first["scope"] == scope]
    name = str(rows["scope_name"].iloc[0]) if len(rows) else scope
    found = quarter_headlines([(m, m, f) for m, (_q, _r, f) in zip(HEADLINE_MEASURES, views)],
                              scope, name, Quarter.parse(str(state["quarter"])),
                              [(c.id, c.measure, frame(c)[2]) for c in FUNNELS])
    pages = {chart.id: FAIR.path for chart in FUNNELS}
    return [(h, chart_link(pages.get(h.chart, OVERVIEW.path), ids.chart_part("card", h.chart),
                           dict(state)))
            for h in found]


def headlines_view(services: Services, state: object) -> list:
    if not state:
        return []
    try:
        board = isinstance(state, dict) and bool(state.get("present"))
        return [headline_list(headlines_for(services, state), board=board)]
    except ValueError as exc:
        return [dbc.Alert(str(exc), color="warning")]


def register(app: Dash, services: Services) -> None:
    kept = answers(app.server, services)
    app.callback(
        Output(ids.HEADLINES_LIST, "children"),
        Input(ids.FILTER_STATE, "data"),
    )(lambda state: kept.remember(("headlines", state), lambda: headlines_view(services, state)))
