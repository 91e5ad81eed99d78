"""Helpers the chart pages' tests share: a chart's view (frame, words) for a page's filter state,
the headline and title its card should show, the engine's columns of the frame, a chart's file
as the data API serves it, and the check that a chart's CSV is the data API's rows request by
request (as a signed-in viewer sees both)."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd

from app import create_app
from server.api import chart_export
from callbacks.chart_pages import chart_view
from server.renderers import render
from server.services import Services
from charts import CHARTS, PAGE_OF
from charts.frames import RETURNS_COLUMNS
from charts.query import state_args
from charts.view import ChartView
from config import Settings
from layouts import ids
from tests.accounts import signed_in_client
from tests.conftest import DEMO_SLICE
from tests.downloads import split_csv

ALS = {"scope": "ALS", "quarter": str(DEMO_SLICE[1]), "window": 4, "compare": ["330"]}


def page_charts(slug: str) -> tuple[str, ...]:
    """The ids of a chart page's charts, in order."""
    return tuple(chart.id for chart, _width in PAGE_OF[slug].charts)


def chart_url(chart: str, state: dict, format: str) -> str:
    """The address a chart card links its `format` file to, for the page's selection."""
    return f"/api/v1/charts/{chart}?" + urlencode({**state_args(state), "format": format})


def view_for(demo_services: Services, chart: str, state: dict = ALS) -> ChartView:
    """The chart for the selection, as a viewer sees it (the handlers, called outside a
    request, answer a viewer)."""
    return chart_view(demo_services, CHARTS[chart], state)


def frame_for(demo_services: Services, chart: str, state: dict = ALS) -> tuple[pd.DataFrame, object]:
    shown = view_for(demo_services, chart, state)
    return shown.frame, shown.query


def chart_file(services: Services, chart: str, format: str, state: dict = ALS) -> tuple[str, bytes]:
    """(file name, bytes) of the chart's file as GET /api/v1/charts/<chart> serves it."""
    response = render(format, chart_export(services, chart_view(services, CHARTS[chart], state), format))
    name = response.headers["Content-Disposition"].split('filename="')[1].rstrip('"')
    return name, response.get_data()


def expected(demo_services: Services, chart: str, **state: object) -> tuple[str | None, str]:
    """(main headline, title) a card should show for a selection, worked out without the browser."""
    state = {"window": 4, "compare": [], **state}
    frame, query = frame_for(demo_services, chart, state)
    main = next((h.shown for h in CHARTS[chart].headlines(frame, query) if h.main), None)
    return main, CHARTS[chart].title(frame, query)


def engine_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A chart frame less what the chart adds beside the engine's rows (the measure's id and
    title, each category in words, and the returns behind each row)."""
    return frame.drop(columns=["measure", "measure_title", "category_label", *RETURNS_COLUMNS],
                      errors="ignore").reset_index(drop=True)


def assert_download_is_the_api_rows(demo_services: Services, demo_settings: Settings, chart: str,
                                    state: dict = ALS) -> None:
    """Below its header block, the chart's CSV is the API's CSV (one request), or each
    request's rows in turn: the handler, called outside a request, answers a viewer, as the API
    answers the signed-in viewer."""
    client = signed_in_client(create_app(demo_settings))
    shown = view_for(demo_services, chart, state)
    download = client.get(shown.file_url("csv"))  # the card's link
    assert download.status_code == 200, download.get_data(as_text=True)
    _, table = split_csv(download.get_data())
    body = table.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    requests = shown.requests
    urls = [url for _, url in shown.api_links]
    if len(requests) == 1:
        api = client.get(urls[0] + "&format=csv")
        assert api.status_code == 200 and api.get_data().decode("utf-8") == body
        return
    assert len(urls) == len(requests)
    # The file is each request's rows in the requests' order (a chart may ask for one measure
    # several times: broken down differently, or the trend and then the areas compared).
    at = 0
    for request, url in zip(requests, urls):
        assert dict(parse_qsl(urlsplit(url).query)) == request.params
        api = client.get(url + "&format=csv")
        assert api.status_code == 200
        api_rows = list(csv.DictReader(io.StringIO(api.get_data().decode("utf-8"))))
        mine = [{k: v for k, v in r.items() if k != "measure"} for r in rows[at:at + len(api_rows)]]
        assert all(r["measure"] == request.measure for r in rows[at:at + len(api_rows)])
        assert mine == api_rows
        at += len(api_rows)
    assert at == len(rows)


def assert_cards_carry_caption_table_and_downloads(cards: list, charts: tuple[str, ...]) -> None:
    """One card per chart, in order, each with its caption, table view, title and downloads (a
    link per format to the chart's file)."""
    assert len(cards) == len(charts)
    for card, chart in zip(cards, charts):
        text = str(card)
        assert "Source: Quarterly ASG returns" in text and "Show as table" in text
        found = {c.id for c in card._traverse() if isinstance(getattr(c, "id", None), str)}
        assert ids.chart_title(chart) in found
        # The table view is offered, drawn by its own callback when opened.
        assert ids.table_open(chart) in [c.id for c in card._traverse() if isinstance(getattr(c, "id", None), dict)]
        links = [c.href for c in card._traverse() if getattr(c, "href", None)]
        for format in ("csv", "xlsx", "png", "svg"):
            assert any(h.startswith(f"/api/v1/charts/{chart}?") and h.endswith(f"format={format}")
                       for h in links), (chart, format, links)
