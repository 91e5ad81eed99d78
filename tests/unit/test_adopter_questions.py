"""The adopter funnel, its breakdowns, the matching gap and why adopters wait, drawn from small
hand-built frames (the disclosed rows a chart's plan returns): the rates, sums and bars a board
reads are worked out here by hand, and a hidden count is never turned into a number."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.figures import (
    conversion_bars, funnel_figure, funnel_rates, matching_gap, matching_gap_bars, places_needed,
    places_needed_bars,
)
from metrics.registry import MEASURES

NAN = float("nan")


def rows(measure: str, cells: dict[str, tuple[float, str]], breakdown: str = "") -> list[dict]:
    return [{"scope": "AC2C", "scope_name": "Adopt Coast to Coast", "quarter": "2024-25 Q3",
             "measure": measure, "measure_title": MEASURES[measure].title, "breakdown": breakdown,
             "category": category, "category_label": category, "value": value, "shown": shown}
            for category, (value, shown) in cells.items()]


def frame(*parts: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([r for part in parts for r in part])


def test_the_funnel_is_one_bar_per_stage_largest_at_the_top_with_rates_between() -> None:
    stages = {"enquiries": 200, "stage1_starts": 120, "stage2_starts": 90, "approvals": 60,
              "adopter_matches": 66}
    figure = go.Figure(funnel_figure(frame(*(rows(m, {"": (v, str(v))}) for m, v in stages.items()))))
    bar = figure.data[0]
    assert list(bar.x) == [200, 120, 90, 60, 66]
    assert list(bar.y) == ["Adopter enquiries", "Stage 1 starts", "Stage 2 starts",
                           "Adopters approved", "Adopters matched"]
    # plotly draws the first category lowest: the first stage is last in the axis' order.
    assert list(figure.layout.yaxis.categoryarray)[-1] == "Adopter enquiries"
    # 120/200 = 60, 90/120 = 75, 60/90 = 66.7, 66/60 = 110 per 100
    notes = [a.text for a in figure.layout.annotations]
    assert notes == ["\u2193 60 per 100", "\u2193 75 per 100", "\u2193 67 per 100",
                     "\u2193 110 per 100"]


def test_a_hidden_stage_is_a_gap_with_its_symbol_and_no_rate() -> None:
    cells = {"enquiries": (200, "200"), "stage1_starts": (NAN, "[c]"), "stage2_starts": (90, "90"),
             "approvals": (60, "60"), "adopter_matches": (66, "66")}
    figure = go.Figure(funnel_figure(frame(*(rows(m, {"": c}) for m, c in cells.items()))))
    notes = [a.text for a in figure.layout.annotations]
    assert "[c]" in notes
    assert notes.count("\u2193 rate not shown") == 2  # enquiries -> stage 1, stage 1 -> stage 2
    assert math.isnan(figure.data[0].x[1])


def test_rates_by_group_against_all_households() -> None:
    by = "adopter_ethnic_group"
    got = funnel_rates(frame(
        rows("enquiries", {"White": (80, "80"), "Black": (20, "20"), "Other": (NAN, "[c]"),
                           "Total": (104, "104")}, by),
        rows("approvals", {"White": (40, "40"), "Black": (5, "5"), "Other": (2, "2"),
                           "Total": (47, "47")}, by),
        rows("adopter_matches", {"White": (44, "44"), "Black": (0, "0"), "Other": (1, "1"),
                                 "Total": (45, "45")}, by)))
    rates = {(g, n): r for g, n, r in zip(got["group"], got["rate_name"], got["rate"])}
    assert list(dict.fromkeys(got["group"])) == ["All households", "White", "Black", "Other"]
    assert rates["All households", "Approvals per 100 enquiries"] == 100 * 47 / 104
    assert rates["White", "Approvals per 100 enquiries"] == 50.0
    assert rates["Black", "Approvals per 100 enquiries"] == 25.0
    assert rates["White", "Matches per 100 approvals"] == 110.0
    assert rates["Black", "Matches per 100 approvals"] == 0.0
    # Other's enquiries are hidden: no rate from them, but its matches per approval can be read.
    assert math.isnan(rates["Other", "Approvals per 100 enquiries"])
    assert rates["Other", "Matches per 100 approvals"] == 50.0
    figure = go.Figure(conversion_bars(frame(
        rows("enquiries", {"White": (80, "80"), "Other": (NAN, "[c]"), "Total": (84, "84")}, by),
        rows("approvals", {"White": (40, "40"), "Other": (2, "2"), "Total": (42, "42")}, by),
        rows("adopter_matches", {"White": (44, "44"), "Other": (1, "1"), "Total": (45, "45")}, by))))
    approvals = next(t for t in figure.data if t.name == "Approvals per 100 enquiries")
    assert list(approvals.y) == ["All households", "White", "Other"]
    assert list(figure.layout.yaxis.categoryarray)[-1] == "All households"  # drawn at the top
    assert list(approvals.text) == ["50", "50", "n/a"]  # 42/84, 40/80, hidden


def test_the_matching_gap_sets_sibling_groups_against_households_for_two_or_more() -> None:
    gap = matching_gap(frame(
        rows("children_waiting", {"In a sibling group": (30, "30"), "Single": (20, "20"),
                                  "Total": (50, "50")}, "sibling"),
        rows("children_waiting", {"Under 1": (5, "5"), "1-4": (25, "25"), "5-9": (12, "12"),
                                  "10+": (NAN, "[c]"), "Total": (50, "50")}, "age_band"),
        rows("children_waiting", {"Disabled": (6, "6"), "Not disabled": (44, "44"),
                                  "Total": (50, "50")}, "disability"),
        rows("sibling_groups_waiting", {"": (13, "13")}),
        rows("adopters_waiting", {"1 child": (20, "20"), "2 children": (7, "7"),
                                  "3 children": (2, "2"), "4 children": (0, "0"),
                                  "Total": (29, "29")}, "approved_places")))
    assert list(gap["need"]) == ["Sibling groups (30 children)", "Aged 5-9", "Aged 10 or over",
                                 "Disabled"]
    assert list(gap["children_shown"]) == ["13", "12", "[c]", "6"]
    assert gap["households"].iloc[0] == 9.0 and gap["households_shown"].iloc[0] == "9"  # 7 + 2 + 0
    assert list(gap["households_shown"].iloc[1:]) == ["not recorded"] * 3
    figure = go.Figure(matching_gap_bars(frame(
        rows("children_waiting", {"In a sibling group": (30, "30")}, "sibling"),
        rows("children_waiting", {"5-9": (12, "12"), "10+": (4, "4")}, "age_band"),
        rows("children_waiting", {"Disabled": (6, "6")}, "disability"),
        rows("sibling_groups_waiting", {"": (13, "13")}),
        rows("adopters_waiting", {"2 children": (NAN, "[c]"), "3 children": (2, "2"),
                                  "4 children": (0, "0")}, "approved_places"))))
    assert list(figure.data[0].y) == [13, 12, 4, 6]
    # Older and disabled children: no households bar, and the name says why.
    assert list(figure.data[1].y[1:]) == [None, None, None]
    assert figure.data[0].x[3] == "Disabled<br>(adopters: not recorded)"
    # One of the households' parts is hidden, so their sum is too: its symbol, never 2.
    assert figure.data[1].text[0] == "[c]" and figure.data[1].y[0] == 0


def test_why_adopters_wait_by_places_against_the_families_needed() -> None:
    got = places_needed(frame(
        rows("adopters_waiting", {"1 child": (20, "20"), "2 children": (7, "7"),
                                  "3 children": (2, "2"), "4 children": (1, "1"),
                                  "Total": (30, "30")}, "approved_places"),
        rows("adopters_waiting_over_6_months", {"1 child": (9, "9"), "2 children": (1, "1"),
                                                "3 children": (0, "0"), "4 children": (0, "0"),
                                                "Total": (10, "10")}, "approved_places"),
        rows("children_waiting", {"In a sibling group": (30, "30"), "Single": (15, "15"),
                                  "Total": (45, "45")}, "sibling"),
        rows("sibling_groups_waiting", {"": (13, "13")})))
    assert got.to_dict("records") == [
        {"places": "Approved for 1 child", "adopters_waiting": 20.0, "adopters_waiting_shown": "20",
         "adopters_waiting_over_6_months": 9.0, "adopters_waiting_over_6_months_shown": "9",
         "families": 15.0, "families_shown": "15"},
        {"places": "Approved for 2 or more", "adopters_waiting": 10.0, "adopters_waiting_shown": "10",
         "adopters_waiting_over_6_months": 1.0, "adopters_waiting_over_6_months_shown": "1",
         "families": 13.0, "families_shown": "13"},
    ]
    figure = go.Figure(places_needed_bars(frame(
        rows("adopters_waiting", {"1 child": (20, "20"), "2 children": (7, "7")}, "approved_places"),
        rows("adopters_waiting_over_6_months", {"1 child": (9, "9")}, "approved_places"),
        rows("children_waiting", {"Single": (15, "15")}, "sibling"),
        rows("sibling_groups_waiting", {"": (np.nan, "[c]")}))))
    assert [t.name for t in figure.data] == ["Adopter households waiting",
                                             "Of them, waiting over 6 months",
                                             "Children waiting alone / sibling groups waiting"]
    assert list(figure.data[2].text) == ["15", "[c]"]


def test_a_breakdown_that_does_not_apply_gives_its_symbol_not_x() -> None:
    # An LA inside an RAA has no households of its own: adopters_waiting by places is one
    # uncategorised [z] row, and the households for sibling groups say [z], not [x] or 0.
    gap = matching_gap(frame(
        rows("children_waiting", {"In a sibling group": (4, "4"), "Total": (9, "9")}, "sibling"),
        rows("sibling_groups_waiting", {"": (2, "2")}),
        rows("adopters_waiting", {"": (NAN, "[z]")}, "approved_places")))
    assert gap["households_shown"].iloc[0] == "[z]" and math.isnan(gap["households"].iloc[0])
