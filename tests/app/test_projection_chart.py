"""The next four quarters' cards (Children waiting, Sufficiency) on the demo slice, without a
browser: their downloads are the data API's rows for their links (the projection is in the
title and numbers, never in a file), and with only three quarters of returns there is too
little history to project, which the title and the plot say."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from charts.figures import PROJECTION_NOTE
from server.services import Services
from config import Settings
from tests.chart_page_helpers import ALS, assert_download_is_the_api_rows, view_for
from tests.conftest import DEMO_SLICE

PROJECTIONS = ("waiting_projection", "sufficiency_adopters_projection")


@pytest.mark.parametrize("chart", PROJECTIONS)
def test_download_is_the_api_rows(demo_services: Services, demo_settings: Settings, chart: str):
    assert_download_is_the_api_rows(demo_services, demo_settings, chart)


@pytest.mark.parametrize("chart", PROJECTIONS)
def test_too_short_a_history_is_said_not_projected(demo_services: Services, chart: str):
    shown = view_for(demo_services, chart)
    # Quarterly figures, whatever the page's window (ALS asks for a rolling year).
    quarterly = [r for r in shown.requests if r.measure != "adopter_stage2_days"]
    assert {r.window for r in quarterly} == {1}
    assert all(r.scope == "ALS" and r.compare == () for r in shown.requests)
    assert shown.title.endswith(f"at {DEMO_SLICE[1]}: " + shown.headlines[0].shown
                                + "; too few figures are shown to project the next 4 quarters")
    figure = shown.figure
    go.Figure(figure)
    notes = [a["text"] for a in figure["layout"]["annotations"] if a.get("name") == PROJECTION_NOTE]
    assert notes == ["Too few figures shown to project"]
    assert [t["name"] for t in figure["data"]] == [shown.frame["measure_title"].iloc[0]]
    assert ALS["window"] == 4
