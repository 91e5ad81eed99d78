"""Helpers the chart pages' tests share: a chart's frame for a page's filter state, the headline
and title its card should show, the engine's columns of the frame, and the check that a chart's
CSV download is the data API's rows request by request (as a signed-in viewer sees both)."""

from __future__ import annotations

import base64
import csv
import io
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from app import create_app
from callbacks.charts import CHARTS, chart_api_urls, chart_download, chart_frame, chart_query, chart_requests
from server.services import Services
from config import Settings
from layouts import ids
from tests.accounts import signed_in_client
from tests.conftest import DEMO_SLICE
from tests.downloads import split_csv

ALS = {"scope": "ALS", "quarter": str(DEMO_SLICE[1]), "window": 4, "compare": ["330"]}


def frame_for(demo_services: Services, chart: str, state: dict = ALS) -> tuple[pd.DataFrame, object]:
    query = chart_query(CHARTS[chart], state, demo_services.measures.geography())
    return chart_frame(demo_services, CHARTS[chart], query), query


def expected(demo_services: Services, chart: str, **state: object) -> tuple[str | None, str]:
    """(main headline, title) a card should show for a selection, worked out without the browser."""
    state = {"window": 4, "compare": [], **state}
    frame, query = frame_for(demo_services, chart, state)
    main = next((h.shown for h in CHARTS[chart].headlines(frame, query) if h.main), None)
    return main, CHARTS[chart].title(frame, query)


def engine_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """A chart frame less what the chart adds beside the engine's rows (the measure's id and
    title, and each category in words)."""
    return frame.drop(columns=["measure", "measure_title", "category_label"]).reset_index(drop=True)


def assert_download_is_the_api_rows(demo_services: Services, demo_settings: Settings, chart: str,
                                    state: dict = ALS) -> None:
    """Below its header block, the chart's CSV is the API's CSV (one request), or each
    request's rows in turn: the handler, called outside a request, answers a viewer, as the API
    answers the signed-in viewer."""
    client = signed_in_client(create_app(demo_settings))
    geography = demo_services.measures.geography()
    query = chart_query(CHARTS[chart], state, geography)
    _, table = split_csv(base64.b64decode(chart_download(demo_services, chart, "csv", state)["content"]))
    body = table.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    requests = chart_requests(CHARTS[chart], query, geography)
    urls = [url for _, url in chart_api_urls(CHARTS[chart], query, geography)]
    if len(requests) == 1:
        api = client.get(urls[0] + "&format=csv")
        assert api.status_code == 200 and api.get_data().decode("utf-8") == body
        return
    assert len(urls) == len(requests)
    for (measure, params), url in zip(requests, urls):
        assert dict(parse_qsl(urlsplit(url).query)) == params
        api = client.get(url + "&format=csv")
        assert api.status_code == 200
        api_rows = list(csv.DictReader(io.StringIO(api.get_data().decode("utf-8"))))
        mine = [{k: v for k, v in r.items() if k != "measure"} for r in rows if r["measure"] == measure]
        assert mine == api_rows


def assert_cards_carry_caption_table_and_downloads(cards: list, charts: tuple[str, ...]) -> None:
    """One card per chart, in order, each with its caption, table view, title and downloads."""
    assert len(cards) == len(charts)
    for card, chart in zip(cards, charts):
        text = str(card)
        assert "Source: Quarterly ASG returns" in text and "Show as table" in text
        found = {c.id if isinstance(c.id, str) else (c.id["type"], c.id["chart"])
                 for c in card._traverse() if getattr(c, "id", None)}
        assert {ids.chart_title(chart), (ids.CHART_CSV, chart), (ids.CHART_XLSX, chart)} <= found
