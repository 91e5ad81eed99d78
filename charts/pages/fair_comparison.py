"""Fair comparison: funnel plots of the timeliness and rate measures the board compares
agencies by (A10, A2, A3; adopters approved within 6 months of stage 1 and matched within 6
months of approval), each agency of the selection's level against England with the limits its
numbers allow, instead of a league table that calls half the agencies below average by
construction (charts/funnels.py, metrics/funnel.py). Imports charts and metrics only."""

from __future__ import annotations

from charts.funnels import funnel_chart
from charts.spec import HALF, Page

PAGE = Page(
    "fair_comparison", "/fair-comparison", "Fair comparison",
    "Which agencies really differ from England, and which only look different because they "
    "are small.",
    tuple((chart, HALF) for chart in (
        funnel_chart("fair_a10_funnel", "a10_care_to_placed_adjusted"),
        funnel_chart("fair_a2_funnel", "a2_order_to_match"),
        funnel_chart("fair_a3_funnel", "a3_within_14_months"),
        funnel_chart("fair_approved_within_6_months_funnel", "adopter_approved_within_6_months"),
        funnel_chart("fair_matched_within_6_months_funnel", "adopter_matched_within_6_months"),
    )),
    # The two scorecard measures side by side: four funnels on one projected screen left each
    # plot too short to read its dots (the board test found their axes' labels colliding).
    board=("fair_a10_funnel", "fair_a2_funnel"),
)
