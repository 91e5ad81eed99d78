""""Compare with" on the demo slice, chart by chart as the pages draw them: every Timeliness
chart either has the areas compared with in its frame or its card says it leaves them out; the
Overview's tiles rank the latest values of the scope, its region, England and the areas
compared instead of crowding the trend; without areas compared nothing changes."""

from __future__ import annotations

import pytest

from callbacks.chart_pages import page_cards
from charts import CHARTS
from layouts import ids
from server.services import Services
from tests.chart_page_helpers import ALS, page_charts, view_for

PEERS = ["330", "AC2C"]  # Birmingham and Adopt Coast to Coast, beside Adopt London South
COMPARED = {**ALS, "compare": PEERS}
NOTE = "Compare with is not shown on this chart"


def card_text(services: Services, page: str, state: dict) -> dict[str, str]:
    """Each card of the page as the page's handler draws it, by chart id, as text."""
    cards = page_cards(services, page, state)
    return {chart: str(card) for chart, card in zip(page_charts(page), cards)}


@pytest.mark.parametrize("chart", page_charts("timeliness"))
def test_each_timeliness_chart_draws_the_areas_compared_or_says_it_does_not(
        demo_services: Services, chart: str) -> None:
    view = view_for(demo_services, chart, COMPARED)
    card = card_text(demo_services, "timeliness", COMPARED)[chart]
    if chart == "timeliness_reversed_by_reason":  # the area's own reasons: it says so
        assert not CHARTS[chart].compares and set(PEERS).isdisjoint(view.frame["scope"])
        assert f"{NOTE}: it shows the area's own breakdown." in card
        return
    if chart.endswith("_funnel"):  # every agency of the selection's level already: it says so
        assert not CHARTS[chart].compares
        assert f"{NOTE}: it compares every agency of its level with England." in card
        return
    # Every other Timeliness chart can show the areas compared, so each does, and says nothing.
    assert CHARTS[chart].compares and set(PEERS) <= set(view.frame["scope"])
    assert NOTE not in card
    named = {t.get("name") for t in view.figure["data"]} | {
        y for t in view.figure["data"] for y in (t.get("y") or []) if isinstance(y, str)}
    assert {"Birmingham", "Adopt Coast to Coast"} <= named  # drawn, not only in the frame


def test_a_breakdown_card_says_it_leaves_the_areas_out(demo_services: Services) -> None:
    cards = card_text(demo_services, "sufficiency", COMPARED)
    assert f"{NOTE}: it shows the area's own breakdown." in cards["sufficiency_by_age_band"]
    assert NOTE not in card_text(demo_services, "sufficiency", {**ALS, "compare": []})["sufficiency_by_age_band"]


def test_the_overview_tile_ranks_the_latest_values_with_peers(demo_services: Services) -> None:
    view = view_for(demo_services, "a10_care_to_placed_adjusted", COMPARED)
    [bars] = view.figure["data"]
    latest = view.frame[view.frame["quarter"] == ALS["quarter"]].drop_duplicates("scope")
    by_name = dict(zip(latest["scope_name"], latest["value"]))
    assert set(bars["y"]) == {"Adopt London South", "London", "England", "Birmingham",
                              "Adopt Coast to Coast"}
    assert bars["x"] == sorted(bars["x"])  # the largest at the top
    assert bars["x"] == [by_name[name] for name in bars["y"]]
    assert bars["marker"]["pattern"]["shape"][bars["y"].index("England")] == "/"
    assert not view.figure["layout"]["showlegend"]
    assert NOTE not in str(page_cards(demo_services, "overview", COMPARED)[0])


def test_without_peers_the_tile_is_still_the_trend(demo_services: Services) -> None:
    view = view_for(demo_services, "a10_care_to_placed_adjusted", {**ALS, "compare": []})
    assert [t["type"] for t in view.figure["data"]] == ["scatter"] * 3
    assert [t["name"] for t in view.figure["data"]] == ["Adopt London South", "London", "England"]
