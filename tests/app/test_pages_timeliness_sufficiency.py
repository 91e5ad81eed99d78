"""The Timeliness and Sufficiency charts without a browser, on three quarters of demo returns:
each frame is the engine's disclosed rows request by request (so downloads are the data API's
rows), titles state the message, the A10 and A2 thresholds are drawn, hidden bars are gaps and
every card carries its caption, table and downloads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from callbacks.chart_pages import chart_table, page_cards
from server.services import Services
from charts import CHARTS
from charts.figures import category_bars
from metrics.shares import shares_of_shown
from charts.pages.sufficiency import WAITING_BREAKDOWNS, agency_scopes
from charts.pages.timeliness import A2_THRESHOLD, A10_THRESHOLD, ADOPTER_STAGES, JOURNEY_STAGES
from config import Settings
from metrics.access import Caller
from metrics.disclosure import DisclosurePolicy
from metrics.selection import Selection
from tests.chart_page_helpers import (
    ALS, assert_cards_carry_caption_table_and_downloads, assert_download_is_the_api_rows,
    engine_rows, frame_for, page_charts, view_for,
)
from tests.conftest import DEMO_SLICE
from tests.oracles import benchmark, series_rows, shown_to

FIRST, LAST = DEMO_SLICE
TIMELINESS = page_charts("timeliness")
SUFFICIENCY = page_charts("sufficiency")
AF_COLOURS = {"#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"}


def test_the_pages_charts_are_registered() -> None:
    assert TIMELINESS == ("timeliness_journey", "timeliness_a10", "timeliness_a2",
                          "timeliness_adopter_stages", "timeliness_a3", "timeliness_disruptions",
                          "timeliness_reversed", "timeliness_reversed_by_reason")
    assert SUFFICIENCY == ("sufficiency_supply", "sufficiency_agencies", "sufficiency_matching_gap",
                           *(f"sufficiency_by_{b}" for b in WAITING_BREAKDOWNS),
                           "sufficiency_breakdown_trend", "sufficiency_by_approved_places",
                           "sufficiency_adopters_projection")
    assert all(c in CHARTS for c in TIMELINESS + SUFFICIENCY)


# ---------------------------------------------------------------- frames equal the engine


def test_journey_frame_is_the_benchmark_of_each_stage(demo_services: Services) -> None:
    frame, query = frame_for(demo_services, "timeliness_journey")
    geography, data = demo_services.measures.geography(), demo_services.measures.data_for([LAST + i for i in range(-3, 1)])
    expected = pd.concat([benchmark(Selection(m, "ALS", LAST, window=4), data, geography,
                                    Caller.viewer(), DisclosurePolicy(), ("330",))
                          for m in JOURNEY_STAGES], ignore_index=True)
    pd.testing.assert_frame_equal(engine_rows(frame), expected)
    assert list(dict.fromkeys(frame["scope"])) == ["ALS", "region:London", "england", "330"]
    assert list(dict.fromkeys(frame["measure"])) == list(JOURNEY_STAGES)


@pytest.mark.parametrize("chart, measure", [("timeliness_a10", "a10_care_to_placed_adjusted"),
                                            ("timeliness_a2", "a2_order_to_match")])
def test_threshold_trends_are_the_scope_england_and_the_compared_series(
        demo_services: Services, chart: str, measure: str) -> None:
    frame, query = frame_for(demo_services, chart)
    geography = demo_services.measures.geography()
    data = demo_services.measures.data_for([query.first + i for i in range(-3, 8)])
    rows = pd.concat([series_rows(Selection(measure, s, LAST, window=4), query.first, data, geography)
                      for s in ("ALS", "england", "330")], ignore_index=True)
    # One API request: the scopes' rows disclosed together, the area compared with (330) last.
    expected = shown_to(Caller.viewer(), rows, geography, DisclosurePolicy())
    pd.testing.assert_frame_equal(engine_rows(frame), expected)
    assert list(dict.fromkeys(frame["scope"])) == ["ALS", "england", "330"]
    assert list(frame["quarter"][:8]) == [str(query.first + i) for i in range(8)]


def test_sufficiency_frames(demo_services: Services) -> None:
    geography, data = demo_services.measures.geography(), demo_services.measures.data_for([LAST])
    frame, _ = frame_for(demo_services, "sufficiency_by_age_band")
    # The shares of the counts as disclosed, the scope beside its region and England (the
    # areas compared with left out), disclosed together as one API request.
    counts = benchmark(Selection("children_waiting", "ALS", LAST, window=4, breakdown="age_band"),
                       data, geography, Caller.viewer(), DisclosurePolicy())
    pd.testing.assert_frame_equal(engine_rows(frame), shares_of_shown(counts).reset_index(drop=True))
    assert list(dict.fromkeys(frame["scope"])) == ["ALS", "region:London", "england"]
    assert frame["category"].iloc[-1] == "Total"

    frame, query = frame_for(demo_services, "sufficiency_agencies")
    scopes = agency_scopes(query, geography)
    assert scopes[-1] == "england" and "ALS" in scopes and len(scopes) == 7  # London's 6 and England
    assert list(frame["scope"]) == [*scopes[:-1], "330", "england"]  # the area compared among them
    england, _ = frame_for(demo_services, "sufficiency_agencies", {**ALS, "scope": "england"})
    assert list(england["scope"]) == [f"region:{r}" for r in geography.regions] + ["330", "england"]

    frame, _ = frame_for(demo_services, "sufficiency_supply")
    assert list(dict.fromkeys(frame["measure"])) == ["adopters_waiting", "children_waiting"]
    assert set(frame["scope"]) == {"ALS"} and len(frame) == 16


@pytest.mark.parametrize("chart", [*TIMELINESS, "sufficiency_supply", "sufficiency_agencies",
                                   "sufficiency_by_ethnic_group"])
def test_downloads_are_the_api_rows_request_by_request(demo_services: Services, demo_settings: Settings,
                                                       chart: str) -> None:
    assert_download_is_the_api_rows(demo_services, demo_settings, chart)


def test_breakdown_downloads_ask_the_api_by_the_breakdown(demo_services: Services) -> None:
    [request] = view_for(demo_services, "sufficiency_by_sibling").requests
    measure, params = request.measure, request.params
    assert measure == "children_waiting_share" and params["by"] == "sibling"
    assert params["scope"] == "ALS" and params["compare"] == "region:London,england"


# ---------------------------------------------------------------- titles and figures


def test_titles_state_the_message(demo_services: Services) -> None:
    titles = {}
    for chart in TIMELINESS + SUFFICIENCY:
        frame, query = frame_for(demo_services, chart)
        titles[chart] = CHARTS[chart].title(frame, query)
    assert "is the longest stage for Adopt London South" in titles["timeliness_journey"]
    # The demo slice starts at 2024-25 Q3, so the year to its last quarter misses a quarter of
    # ALS's returns: nothing is judged from it, and the title says so.
    assert titles["timeliness_a10"].endswith(" in the year to 2025-26 Q1 (incomplete: 1 of 4 returns missing)")
    for chart, label in (("timeliness_a10", "14-month"), ("timeliness_a2", "4-month")):
        frame, query = frame_for(demo_services, chart, {**ALS, "window": 1})
        title = CHARTS[chart].title(frame, query)
        assert f" above the {label} threshold" in title or f" within the {label} threshold" in title
    assert "from approval to match" in titles["timeliness_adopter_stages"]
    assert "England" in titles["timeliness_adopter_stages"]
    assert "approved adopters waiting than children waiting" in titles["sufficiency_supply"]
    assert "had the most approved adopters per child waiting" in titles["sufficiency_agencies"]
    assert "are the largest group of children waiting in Adopt London South" in titles["sufficiency_by_age_band"]
    assert "in London and " in titles["sufficiency_by_age_band"]
    assert "in England" in titles["sufficiency_by_age_band"]
    assert all(str(LAST) in t for t in titles.values())


def test_thresholds_and_colours_in_the_figures(demo_services: Services) -> None:
    for chart, threshold, label in (("timeliness_a10", A10_THRESHOLD, "14 months"),
                                    ("timeliness_a2", A2_THRESHOLD, "4 months")):
        frame, _ = frame_for(demo_services, chart)
        figure = go.Figure(CHARTS[chart].figure(frame))
        lines = [s for s in figure.layout.shapes if s.y0 == s.y1 == threshold]
        assert len(lines) == 1
        assert any(label in a.text for a in figure.layout.annotations)
        england = [t for t in figure.data if t.name == "England"]
        assert england and england[0].line.dash == "dash"
    frame, _ = frame_for(demo_services, "timeliness_journey")
    figure = go.Figure(CHARTS["timeliness_journey"].figure(frame))
    assert [t.name for t in figure.data] == list(frame.drop_duplicates("measure")["measure_title"])
    # Each stage's colour: its bars' fill, or, drawn white and hatched from incomplete returns
    # (the demo slice's year misses a quarter), their outline.
    assert {t.marker.line.color if isinstance(t.marker.color, tuple) else t.marker.color
            for t in figure.data} <= AF_COLOURS
    assert figure.layout.barmode == "stack" and all(t.orientation == "h" for t in figure.data)
    frame, _ = frame_for(demo_services, "timeliness_adopter_stages")
    figure = go.Figure(CHARTS["timeliness_adopter_stages"].figure(frame))
    assert set(frame["measure"]) == set(ADOPTER_STAGES)
    # England dark grey (its outline when hatched: the demo slice's year misses a quarter); the
    # areas compared with after it
    assert [t.name for t in figure.data] == ["Adopt London South", "London", "England", "Birmingham"]
    assert figure.data[2].marker.line.color == "#3D3D3D"
    frame, _ = frame_for(demo_services, "sufficiency_agencies")
    figure = go.Figure(CHARTS["sufficiency_agencies"].figure(frame))
    assert any(s.line.dash == "dash" and s.line.color == "#3D3D3D" for s in figure.layout.shapes)
    values = [v for v in figure.data[0].x if v == v]
    assert values == sorted(values)  # ranked, the largest at the top


def test_suppressed_categories_are_gaps_not_zeros() -> None:
    frame = pd.DataFrame({"scope": "ALS", "scope_name": "Adopt London South",
                          "category": ["Under 1", "1-4", "Total"], "value": [np.nan, 12.0, 15.0],
                          "shown": ["[c]", "12", "15"]})
    figure = go.Figure(category_bars(frame))
    assert list(figure.data[0].x) == ["Under 1", "1-4"]
    assert np.isnan(figure.data[0].y[0]) and list(figure.data[0].text) == ["[c]", "12"]
    assert [a.text for a in figure.layout.annotations] == ["[c]"]


def test_cards_carry_caption_table_and_downloads(demo_services: Services) -> None:
    for page, charts in (("timeliness", TIMELINESS), ("sufficiency", SUFFICIENCY)):
        assert_cards_carry_caption_table_and_downloads(page_cards(demo_services, page, ALS), charts)
    # The journey's table, drawn when opened: a row per stage.
    journey = str(chart_table(demo_services, "timeliness_journey", ALS))
    assert "Placement order to match" in journey and "'Stage'" in journey
    assert page_cards(demo_services, "timeliness", None) == []
    assert "window" in str(page_cards(demo_services, "sufficiency", {**ALS, "window": 5}))
