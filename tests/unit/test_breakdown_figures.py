"""The figure kinds for breakdowns beside benchmarks and over time (charts/figures.py's
share_bars, category_trend, crossed_bars), on hand-made disclosed frames: what is drawn is what
the table holds, a hidden value is a gap with its symbol, never a zero, and England is dark grey
and hatched."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from charts.figures import category_trend, crossed_bars, share_bars


def rows(scope: str, name: str, quarter: str, cells: dict[str, tuple[float | None, str]]) -> list[dict]:
    return [dict(scope=scope, scope_name=name, quarter=quarter, category=c, category_label=c,
                 value=math.nan if v is None else v, shown=t) for c, (v, t) in cells.items()]


def test_share_bars_set_the_scope_beside_its_region_and_england() -> None:
    frame = pd.DataFrame(
        rows("ALS", "Adopt London South", "2025-26 Q1",
             {"Disabled": (None, "[c]"), "Not disabled": (None, "[c]"), "Total": (100.0, "100%")})
        + rows("region:London", "London", "2025-26 Q1",
               {"Disabled": (4.0, "4%"), "Not disabled": (96.0, "96%"), "Total": (100.0, "100%")})
        + rows("england", "England", "2025-26 Q1",
               {"Disabled": (3.5, "4%"), "Not disabled": (96.5, "96%"), "Total": (100.0, "100%")}))
    figure = go.Figure(share_bars(frame))
    assert [t.name for t in figure.data] == ["Adopt London South", "London", "England"]
    scope, region, england = figure.data
    assert list(scope.x) == ["Disabled", "Not disabled"]  # no Total bar
    assert all(math.isnan(y) for y in scope.y) and list(scope.text) == ["[c]", "[c]"]
    assert list(region.y) == [4.0, 96.0] and list(region.text) == ["4%", "96%"]
    assert england.marker.color == "#3D3D3D" and england.marker.pattern.shape == "/"
    assert scope.marker.color != england.marker.color and figure.layout.barmode == "group"
    assert figure.layout.yaxis.ticksuffix == "%"


def test_a_category_trend_leaves_out_quarters_without_returns_and_labels_the_latest() -> None:
    quarters = ["2024-25 Q3", "2024-25 Q4", "2025-26 Q1"]
    frame = pd.DataFrame(
        rows("ALS", "Adopt London South", quarters[0], {"": (None, "[x]")})
        + rows("ALS", "Adopt London South", quarters[1],
               {"Adoption": (1500.0, "£1,500"), "Special guardianship": (None, "[c]"),
                "Total": (1700.0, "£1,700")})
        + rows("ALS", "Adopt London South", quarters[2],
               {"Adoption": (2000.0, "£2,000"), "Special guardianship": (900.0, "£900"),
                "Total": (2900.0, "£2,900")}))
    figure = go.Figure(category_trend(frame, stacked=True, unit="£"))
    assert [t.name for t in figure.data] == ["Adoption", "Special guardianship"]
    adoption, sg = figure.data
    assert list(adoption.x) == quarters[1:] and list(adoption.y) == [1500.0, 2000.0]
    assert math.isnan(sg.y[0]) and list(sg.text) == ["[c]", "£900"]
    assert figure.layout.barmode == "stack" and figure.layout.yaxis.tickprefix == "£"
    assert adoption.marker.pattern.shape != sg.marker.pattern.shape  # never colour alone
    assert list(figure.layout.xaxis.ticktext) == ["24-25 Q3", "25-26 Q1"]  # first and latest


def test_crossed_bars_stack_each_carer_within_each_age_band() -> None:
    cells = {"E45 · Under 1": (7.0, "7"), "E45 · 1-4": (None, "[c]"),
             "E47 · Under 1": (12.0, "12"), "E47 · 1-4": (30.0, "30"), "Total": (52.0, "52")}
    frame = pd.DataFrame(rows("ALS", "Adopt London South", "2025-26 Q1", cells))
    frame["category_label"] = frame["category"].str.replace("E45", "Foster carer, relative or friend") \
        .str.replace("E47", "Relative or friend")
    figure = go.Figure(crossed_bars(frame))
    assert [t.name for t in figure.data] == ["Foster carer, relative or friend", "Relative or friend"]
    assert [list(t.x) for t in figure.data] == [["Under 1", "1-4"], ["Under 1", "1-4"]]
    assert figure.data[0].y[0] == 7.0 and math.isnan(figure.data[0].y[1])
    assert list(figure.data[1].y) == [12.0, 30.0] and figure.layout.barmode == "stack"


def test_a_trend_of_eight_quarters_labels_the_first_and_the_latest_without_crowding() -> None:
    quarters = ["2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2", "2025-26 Q3",
                "2025-26 Q4", "2026-27 Q1", "2026-27 Q2"]
    frame = pd.DataFrame([r for q in quarters for r in rows(
        "ALS", "Adopt London South", q, {"Yes": (60.0, "60%"), "No": (40.0, "40%"),
                                         "Total": (100.0, "100%")})])
    figure = go.Figure(category_trend(frame, unit="%"))
    assert list(figure.layout.xaxis.ticktext) == ["24-25 Q3", "25-26 Q1", "25-26 Q3", "26-27 Q2"]
    assert figure.layout.xaxis.tickangle == 0
