"""Funnel charts on the demo slice through the app (issue 19, fair comparison): the chart's
file from the data API holds exactly the rows of the data API links on its card, which are the
measures engine's rows for the same selection, and no agency hidden from a viewer is named in
the chart's title, caption or figure."""

from __future__ import annotations

import json

import pandas as pd
from flask.testing import FlaskClient

from app import create_app
from charts import CHARTS
from charts.frames import rows
from charts.view import view
from config import Settings
from metrics.access import Caller
from metrics.export import export_rows
from server.services import Services
from tests.accounts import signed_in_client
from tests.conftest import DEMO_SLICE

QUARTER = str(DEMO_SLICE[1])
KENT = "886"  # an LA of the South East: its funnel is the region's LAs


def client(settings: Settings) -> FlaskClient:
    return signed_in_client(create_app(settings))


def test_the_funnels_file_is_its_links_rows_and_the_engines(demo_settings: Settings,
                                                            demo_services: Services) -> None:
    state = {"scope": KENT, "quarter": QUARTER, "window": 4, "compare": []}
    services = demo_services
    shown = view(CHARTS["fair_a2_funnel"], state, services.measures, Caller.viewer(), services.policy)
    web = client(demo_settings)
    answer = web.get("/api/v1/charts/fair_a2_funnel",
                     query_string={"scope": KENT, "quarter": QUARTER, "window": "4", "format": "json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    from_chart = pd.DataFrame(answer.get_json()["rows"])
    linked = []
    for text, url in shown.api_links:
        got = web.get(url + "&format=json" if "format=" not in url else url)
        assert got.status_code == 200, (url, got.get_data(as_text=True))
        linked.append(pd.DataFrame(got.get_json()["rows"]))
    from_links = pd.concat(linked, ignore_index=True)
    engine = pd.concat([export_rows(rows(q, services.measures, Caller.viewer(), services.policy))
                        for q in shown.requests], ignore_index=True)
    columns = ["scope", "scope_name", "quarter", "value", "shown", "cohort"]
    pd.testing.assert_frame_equal(from_chart[columns], from_links[columns], check_dtype=False)
    assert from_chart["scope"].tolist() == engine["scope"].tolist()
    assert from_chart["shown"].tolist() == engine["shown"].astype(str).tolist()
    # Kent first, then England and the South East, then every LA of the region once.
    assert from_chart["scope"].tolist()[:3] == [KENT, "england", "region:South East"]
    assert len(from_chart) == len(set(from_chart["scope"])) == 3 + 18
    assert answer.get_json()["chart"]["title"] == shown.title


def test_no_hidden_agency_is_named_and_the_hidden_are_counted(demo_services: Services) -> None:
    services, seen = demo_services, 0
    for chart in ("fair_a10_funnel", "fair_a2_funnel", "fair_a3_funnel", "fair_approved_within_6_months_funnel"):
        shown = view(CHARTS[chart], {"scope": KENT, "quarter": QUARTER, "window": 4, "compare": []},
                     services.measures, Caller.viewer(), services.policy)
        frame = shown.frame
        hidden = frame[(frame["scope_kind"] == "la") & (frame["shown"] == "[c]")]
        said = json.dumps(shown.figure) + shown.title + shown.caption
        for name in hidden["scope_name"]:
            assert f'"{name}"' not in json.dumps(shown.figure) and name not in shown.title, (chart, name)
        seen += len(hidden)
        if len(hidden):
            n = len(hidden)
            assert f"{n} {'agency' if n == 1 else 'agencies'} not shown" in said, chart
    assert seen > 0  # the demo's small LAs are hidden from a viewer: the test has teeth


def test_the_funnels_file_carries_each_agencys_limits_and_verdict(demo_settings: Settings,
                                                                  demo_services: Services) -> None:
    """The data API's funnel: beside each plotted agency's row, its 95% and 99.8% limits for
    its cohort around England's figure and where it lies; nothing for England, the region or a
    hidden agency (whose limits would give its cohort away)."""
    answer = client(demo_settings).get(
        "/api/v1/charts/fair_a2_funnel",
        query_string={"scope": KENT, "quarter": QUARTER, "window": "4", "format": "json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    got = pd.DataFrame(answer.get_json()["rows"])
    england = float(got.loc[got["scope"] == "england", "value"].iloc[0])
    plotted = got[got["lower_95"].notna()]
    assert len(plotted) >= 5
    for _, row in plotted.iterrows():
        n = float(row["cohort"])
        # By hand: England's mean +/- z * 0.6 * mean / sqrt(n), z = 1.96 and 3.09.
        half95, half998 = 1.959964 * 0.6 * england / n ** 0.5, 3.090232 * 0.6 * england / n ** 0.5
        assert row["lower_95"] == round(max(england - half95, 0), 1)
        assert row["upper_95"] == round(england + half95, 1)
        assert row["upper_99_8"] == round(england + half998, 1)
        value = float(row["value"])
        outside = value > england + half95 or value < england - half95
        assert (row["funnel_placed"] != "within the range expected from their numbers") == outside
        assert row["funnel_verdict"] == ("" if not outside else "worse" if value > england else "better")
    rest = got[got["lower_95"].isna()]
    assert {"england", "region:South East"} <= set(rest["scope"])
    assert rest["funnel_placed"].isna().all() and rest["upper_99_8"].isna().all()
    hidden = got[got["shown"] == "[c]"]
    assert len(hidden) and hidden["lower_95"].isna().all()
    csv = client(demo_settings).get(
        "/api/v1/charts/fair_a2_funnel",
        query_string={"scope": KENT, "quarter": QUARTER, "window": "4", "format": "csv"})
    assert "lower_95,upper_95,upper_99_8,funnel_placed,funnel_verdict" in csv.get_data(as_text=True)
