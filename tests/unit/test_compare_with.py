""""Compare with" chart by chart: which data API queries a chart's plan asks for when areas are
compared, the Overview tile's ranked bar of the latest values in place of a crowded trend, and
the line a card shows when its chart leaves the compared areas out. Hand-made geography and
frames; no database."""

from __future__ import annotations

import pandas as pd
import pytest

import charts
from charts.figures import COLOURS, ENGLAND_COLOUR, compared_tile, trend_figure
from charts.plans import OWN_BREAKDOWN, benchmark_trend_plan, by_chart, trend_chart, trend_plan
from charts.query import ENGLAND, Query
from metrics.quarters import Quarter
from metrics.scope import Geography

Q = Quarter.parse("2025-26 Q1")
FIRST = Quarter.parse("2023-24 Q2")  # the trend's first of eight quarters
AGENCIES = pd.DataFrame([
    ("R1", "Adopt North", "RAA", "North", None),
    ("101", "Northtown", "LA", "North", "R1"),
    ("102", "Southby", "LA", "South", None),
    ("103", "Westham", "LA", "West", None),
], columns=["code", "name", "kind", "region", "raa_code"])  # fmt: skip


class Source:
    """A source with the hand-made registry and no published figures."""

    def geography(self) -> Geography:
        return Geography(AGENCIES)

    def published(self, measure: str) -> pd.DataFrame:
        return pd.DataFrame()

    def data_for(self, quarters):  # never asked: the plans only name queries
        raise AssertionError("a plan read rows")


def query(*compare: str) -> Query:
    return Query("children_waiting", "R1", Q, window=4, compare=compare).trend()


def asked(queries: list[Query]) -> list[tuple[tuple[str, ...], str | None]]:
    return [(q.scopes, None if q.first is None else str(q.first)) for q in queries]


# ---------------------------------------------------------------- the plans


def test_the_overview_tile_asks_for_the_trend_alone_without_peers() -> None:
    assert asked(benchmark_trend_plan(query(), Source())) == [
        (("R1", "region:North", ENGLAND), str(FIRST))]


def test_with_peers_the_tile_asks_for_their_latest_values_after_the_trend() -> None:
    plan = benchmark_trend_plan(query("102", "103"), Source())
    assert asked(plan) == [(("R1", "region:North", ENGLAND), str(FIRST)), (("102", "103"), None)]
    assert plan[1].quarter == Q and plan[1].window == 4


def test_a_published_comparator_stays_on_the_trend_and_the_scope_is_never_its_own_peer() -> None:
    plan = benchmark_trend_plan(query("R1", "102-published", "region:North", "102"), Source())
    assert asked(plan) == [(("R1", "region:North", ENGLAND, "102-published"), str(FIRST)),
                           (("102",), None)]


def test_a_trend_chart_draws_the_peers_after_england() -> None:
    plan = trend_plan("children_waiting", query("102", "103"), Source())
    assert asked(plan) == [(("R1", ENGLAND, "102", "103"), str(FIRST))]


# ---------------------------------------------------------------- the tile's figure


def rows(scope: str, name: str, quarters: list[str], values: list[float | None],
         value_type: str = "mean") -> pd.DataFrame:
    return pd.DataFrame({
        "scope": scope, "scope_name": name, "quarter": quarters, "value": values,
        "shown": ["[c]" if v is None else f"{v:g}" for v in values], "value_type": value_type,
    })


TREND = [str(FIRST + n) for n in range(8)]


def tile_frame(value_type: str = "mean") -> pd.DataFrame:
    """Adopt North, North and England over eight quarters (ending 40, 30, 35), then Southby
    (50), Westham (hidden) and Northtown (20) at the latest quarter only."""
    return pd.concat([
        rows("R1", "Adopt North", TREND, [41.0] * 7 + [40.0], value_type),
        rows("region:North", "North", TREND, [31.0] * 7 + [30.0], value_type),
        rows(ENGLAND, "England", TREND, [36.0] * 7 + [35.0], value_type),
        rows("102", "Southby", [str(Q)], [50.0], value_type),
        rows("103", "Westham", [str(Q)], [None], value_type),
        rows("101", "Northtown", [str(Q)], [20.0], value_type),
    ], ignore_index=True)


def test_with_peers_the_tile_is_a_ranked_bar_of_the_latest_values() -> None:
    figure = compared_tile(tile_frame())
    [bars] = figure["data"]
    assert bars["type"] == "bar" and bars["orientation"] == "h"
    # plotly draws the first category lowest: the largest at the top, the hidden value at the foot
    assert bars["y"] == ["Westham", "Northtown", "North", "England", "Adopt North", "Southby"]
    assert bars["text"] == ["[c]", "20", "30", "35", "40", "50"]
    assert bars["marker"]["color"] == [COLOURS[1], COLOURS[1], COLOURS[1], ENGLAND_COLOUR,
                                       COLOURS[0], COLOURS[1]]
    assert bars["marker"]["pattern"]["shape"] == ["", "", "", "/", "", ""]  # England hatched
    assert [(n["text"], n["y"]) for n in figure["layout"]["annotations"]] == [("[c]", "Westham")]
    assert figure["layout"]["showlegend"] is False


def test_counts_leave_england_off_the_ranked_bar() -> None:
    [bars] = compared_tile(tile_frame("count"))["data"]
    assert bars["y"] == ["Westham", "Northtown", "North", "Adopt North", "Southby"]


def test_without_peers_the_tile_is_the_trend() -> None:
    frame = tile_frame().iloc[:24]
    assert compared_tile(frame) == trend_figure(frame)


# ---------------------------------------------------------------- what the card says


def test_a_chart_that_leaves_peers_out_says_so_and_why() -> None:
    breakdown = by_chart("x", "children_waiting", "age_band", "{} {largest}", {})
    assert not breakdown.compares
    assert breakdown.compare_note(()) == ""
    assert breakdown.compare_note(("102",)) == (
        "Compare with is not shown on this chart: it shows the area's own breakdown.")
    assert breakdown.uncompared == OWN_BREAKDOWN
    assert trend_chart("y", "children_waiting").compare_note(("102",)) == ""


def test_every_overview_and_timeliness_chart_draws_the_peers() -> None:
    # but a breakdown of the area's own (decisions reversed by reason) and the funnels (every
    # agency of the selection's level already), which say so
    for page in ("overview", "timeliness"):
        drawn = [c.id for c, _ in charts.PAGE_OF[page].charts if not c.compares]
        assert drawn == ([] if page == "overview" else ["timeliness_reversed_by_reason"]), page
    assert [c.id for c, _ in charts.PAGE_OF["fair_comparison"].charts if c.compares] == []
    assert charts.CHARTS["fair_a2_funnel"].compare_note(("102",)) == (
        "Compare with is not shown on this chart: it compares every agency of its level with England.")
    assert charts.CHARTS["timeliness_reversed_by_reason"].uncompared == OWN_BREAKDOWN


@pytest.mark.parametrize("chart", list(charts.CHARTS.values()), ids=list(charts.CHARTS))
def test_every_chart_either_compares_or_can_say_why_not(chart) -> None:
    note = chart.compare_note(("102",))
    assert (note == "") == chart.compares
    assert chart.compares or note.startswith("Compare with is not shown on this chart: it ")
