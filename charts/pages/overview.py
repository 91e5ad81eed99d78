"""The Overview: the board's headline measures for the area, each a trend beside its region and
England over the last eight quarters. Imports charts only."""

from __future__ import annotations

from charts.plans import benchmark_chart
from charts.spec import Page

CARD = {"md": 6, "xl": 4}
MEASURES = (
    "children_waiting", "adopters_waiting", "adopters_per_child", "a10_care_to_placed_adjusted",
    "a2_order_to_match", "adoption_orders", "sgos", "asf_share_sg",
)

PAGE = Page(
    "overview", "/", "Overview",
    "The board's headline measures for the area and quarter chosen, beside the region and "
    "England, with the last eight quarters' trend.",
    tuple((benchmark_chart(m), CARD) for m in MEASURES),
    grid_class="overview-tiles", aliases=("/overview",),
    board=("children_waiting", "adopters_waiting", "adopters_per_child",
           "a10_care_to_placed_adjusted", "a2_order_to_match", "sgos"),
)
