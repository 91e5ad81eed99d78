"""The next four quarters (metrics/projection.py): projections of a small hand example, the
interval around them, and the backtest of a steady area."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.projection import (
    backtest, lag_quarters, mape, project_adopters_waiting, project_children_waiting,
)

QUARTERS = ["2024-25 Q1", "2024-25 Q2", "2024-25 Q3", "2024-25 Q4", "2025-26 Q1", "2025-26 Q2"]


def children_history() -> pd.DataFrame:
    # Decided-not-ordered (adm less waiting): 10, 10, 11, 10, 12.
    return pd.DataFrame({"children_waiting": [40, 43, 44, 47, 48],
                         "children_waiting_adm": [50, 53, 55, 57, 60],
                         "adm_decisions": [8, 8, 9, 7, 10],
                         "placement_orders": [5, 6, 8, 8, 9]}, index=QUARTERS[:5])


def test_children_waiting_projected_by_hand():
    made = project_children_waiting(children_history())
    # Over the last 4 quarters: decisions (8+9+7+10)/4 = 8.5 a quarter; the decided-not-ordered
    # started from 10+10+11+10 = 41, gained 34 and ended at 10+11+10+12 = 43, so 32 of 41 left
    # a quarter; orders 31 per 41 of them; children waiting started from 40+43+44+47 = 174,
    # gained the 31 orders and ended at 182, so 23 of 174 left.
    # Quarter 1: orders 31/41 x 12 = 9.07317; waiting 48 + 9.07317 - 23/174 x 48 = 50.72834;
    # decided-not-ordered 12 + 8.5 - 32/41 x 12 = 11.13415.
    # Quarter 2: orders 31/41 x 11.13415 = 8.41850; waiting 50.72834 + 8.41850 - 6.70545.
    assert made.quarters == ("2025-26 Q2", "2025-26 Q3", "2025-26 Q4", "2026-27 Q1")
    assert made.centre[0] == pytest.approx(50.72834, abs=1e-4)
    assert made.centre[1] == pytest.approx(52.44139, abs=1e-4)
    # Changes 3, 1, 3, 1: spread sqrt(4/3) = 1.15470; 1.96 x 1.15470 = 2.26321 a quarter ahead,
    # times sqrt(2) = 3.20067 two ahead.
    assert made.low[0] == pytest.approx(50.72834 - 2.26321, abs=1e-4)
    assert made.high[1] == pytest.approx(52.44139 + 3.20067, abs=1e-4)


def test_adopters_waiting_projected_by_hand():
    history = pd.DataFrame({"adopters_waiting": [20, 21, 22, 20, 21, 23],
                            "stage2_starts": [10, 12, 8, 10, 14, 6],
                            "approvals": [9, 9, 10, 8, 9, 11],
                            "adopter_stage2_days": [91] * 6}, index=QUARTERS)
    made = project_adopters_waiting(history)
    # Stage 2 of 91 days: approvals follow starts by 1 quarter. The last 4 quarters' approvals
    # 10+8+9+11 = 38 came from the starts a quarter before each, 12+8+10+14 = 44. Approved
    # households waiting started from 21+22+20+21 = 84, gained 38 and ended at 86: 36 of 84 left.
    # Quarter 1: approvals 38/44 x 6 (the latest starts) = 5.18182; 23 + 5.18182 - 3/7 x 23.
    # Quarter 2: approvals 38/44 x 9.5 (the recent average starts) = 8.20455;
    # 18.32468 + 8.20455 - 3/7 x 18.32468.
    assert made.centre[0] == pytest.approx(18.32468, abs=1e-4)
    assert made.centre[1] == pytest.approx(18.67580, abs=1e-4)


def test_the_interval_holds_the_centre_and_widens():
    made = project_children_waiting(children_history())
    for low, centre, high in zip(made.low, made.centre, made.high):
        assert low < centre < high
    widths = [h - lo for lo, h in zip(made.low, made.high)]
    assert widths == sorted(widths) and widths[0] < widths[-1]


def test_a_hidden_figure_gives_no_projection():
    history = children_history()
    history.loc["2025-26 Q1", "placement_orders"] = float("nan")  # [c]: not shown to the caller
    assert project_children_waiting(history) is None
    assert project_children_waiting(children_history().iloc[:4]) is None  # too short a history


def test_stage_2_length_in_quarters():
    assert [lag_quarters(d) for d in (0, 40, 91, 183, 300, 900, float("nan"))] == [0, 0, 1, 2, 3, 4, 0]


def steady(quarters: int) -> pd.DataFrame:
    """An area whose flows balance: every quarter 6 decisions and 6 orders, 30 waiting, 6 a
    quarter placed; 5 stage 2 starts and 5 approvals, 12 approved households waiting."""
    index = [f"{2019 + q // 4}-{(20 + q // 4) % 100:02d} Q{q % 4 + 1}" for q in range(quarters)]
    return pd.DataFrame({"children_waiting": 30, "children_waiting_adm": 38, "adm_decisions": 6,
                         "placement_orders": 6, "adopters_waiting": 12, "stage2_starts": 5,
                         "approvals": 5, "adopter_stage2_days": 150}, index=index, dtype=float)


@pytest.mark.parametrize("measure", ["children_waiting", "adopters_waiting"])
def test_a_steady_area_is_projected_without_error(measure):
    tested = backtest(steady(16), measure)
    errors = mape(tested)
    assert list(errors["step"]) == [1, 2, 3, 4]
    assert (errors["projections"] > 0).all()
    assert errors["mape"].max() == pytest.approx(0, abs=1e-9)
    assert (errors["inside"] == 100).all()


def test_the_backtest_measures_a_miss():
    history = steady(12)
    history.loc[history.index[-1], "children_waiting"] = 36  # 20% above what the flows gave
    tested = backtest(history, "children_waiting")
    last = tested[tested["origin"] == history.index[-2]]
    assert last["ape"].tolist() == pytest.approx([100 * 6 / 36])


# ---------------------------------------------------------------- the chart


def chart_frame(history: pd.DataFrame, scope: str = "ALS", name: str = "Adopt London South",
                hidden: tuple[str, str] | None = None) -> pd.DataFrame:
    """A chart frame of tidy rows (as charts.frames.rows gives them) from a history frame."""
    from metrics.registry import MEASURES

    rows = []
    for measure in history.columns:
        for quarter, value in history[measure].items():
            shown = "[c]" if hidden == (measure, quarter) else f"{value:,.0f}"
            rows.append({"scope": scope, "scope_name": name, "scope_kind": "raa", "quarter": quarter,
                         "breakdown": "", "category": "", "measure": measure,
                         "measure_title": MEASURES[measure].title,
                         "value": float("nan") if shown == "[c]" else float(value), "shown": shown,
                         "cohort": float(value), "missing_returns": 0, "partial_returns": 0,
                         "value_type": "count", "status": ""})
    return pd.DataFrame(rows)


def test_the_figure_continues_the_trend_with_a_marked_projection():
    import plotly.graph_objects as go

    from charts.figures import PROJECTION_NOTE, direct_labels, projection_figure

    figure = projection_figure(chart_frame(children_history()))
    go.Figure(figure)  # a figure plotly accepts
    actual, band, projected = figure["data"]
    assert actual["x"] == QUARTERS[:5] and actual["line"]["dash"] == "solid"
    assert actual["y"] == [40, 43, 44, 47, 48]
    # The projection starts at the latest figure and runs four quarters on, dashed.
    assert projected["name"] == "Projection" and projected["line"]["dash"] == "dash"
    assert projected["x"] == ["2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "2025-26 Q4", "2026-27 Q1"]
    assert projected["y"][0] == 48 and projected["y"][1] == pytest.approx(50.72834, abs=1e-4)
    assert projected["text"][1] == "51 (48 to 53)"
    # The shaded range runs from the latest figure out along the highs and back along the lows.
    assert band["fill"] == "toself" and band["y"][1] == pytest.approx(50.72834 + 2.26321, abs=1e-4)
    labels = [a for a in figure["layout"]["annotations"] if a.get("name") == PROJECTION_NOTE]
    assert [a["text"] for a in labels] == ["<b>Projection</b>"]
    # On a board card one label, at the projection's end: the trend's would sit where the
    # projection starts, and the band keeps its fill with no line drawn round it.
    board = direct_labels(figure)
    go.Figure(board)
    from charts.figures import DIRECT_LABEL
    said = [a["text"] for a in board["layout"]["annotations"] if a.get("name") == DIRECT_LABEL]
    assert said == ["Projection: 55 (50 to 59)"]  # the last projected quarter's
    assert board["data"][1]["line"] == {"width": 0} and board["data"][1]["fillcolor"] == band["fillcolor"]


def test_a_hidden_figure_leaves_the_trend_alone_and_says_so():
    from charts.figures import PROJECTION_NOTE, projection_figure

    figure = projection_figure(chart_frame(children_history(), hidden=("adm_decisions", "2025-26 Q1")))
    assert [t["name"] for t in figure["data"]] == ["Children waiting"]
    labels = [a["text"] for a in figure["layout"]["annotations"] if a.get("name") == PROJECTION_NOTE]
    assert labels == ["Too few figures shown to project"]


def test_the_title_says_where_the_projection_goes():
    from charts.projected import projection_headlines, projection_title
    from charts.query import Query
    from metrics.quarters import Quarter

    query = Query("children_waiting", "ALS", Quarter.parse("2025-26 Q1"))
    frame = chart_frame(children_history())
    # Carried on by hand from the first test: decided-not-ordered 10.94407 after quarter 2,
    # 10.90236 after 3; waiting 52.44139 + 31/41 x 10.94407 - 23/174 x 52.44139 = 53.78427,
    # then 53.78427 + 31/41 x 10.90236 - 23/174 x 53.78427 = 54.9181, its range plus or minus
    # 1.96 x 1.15470 x 2 = 4.52644: 50.39 to 59.44. 48 is outside it, so a rise.
    assert projection_title(frame, query) == (
        "Children waiting in Adopt London South are projected to rise to about 55 by 2026-27 Q1 "
        "(50 to 59), from 48 at 2025-26 Q1")
    assert [tuple(h) for h in projection_headlines(frame, query)] == [
        ("children waiting, 2025-26 Q1", "48", True), ("projected, 2026-27 Q1", "55", False),
        ("range (about 95%)", "50 to 59", False)]
    hidden = chart_frame(children_history(), hidden=("placement_orders", "2024-25 Q3"))
    assert projection_title(hidden, query) == (
        "Children waiting in Adopt London South at 2025-26 Q1: 48; too few figures are shown to "
        "project the next 4 quarters")


def test_a_range_that_holds_todays_figure_is_said_to_show_no_clear_rise_or_fall(monkeypatch):
    from types import SimpleNamespace

    import charts.projected as projected
    from charts.query import Query
    from metrics.quarters import Quarter

    query = Query("children_waiting", "ALS", Quarter.parse("2025-26 Q1"))
    frame = chart_frame(children_history())  # 48 children at 2025-26 Q1
    made = SimpleNamespace(low=[40.0, 41.0], centre=[52.0, 54.4], high=[60.0, 66.0],
                           quarters=["2025-26 Q2", "2026-27 Q1"])
    monkeypatch.setattr(projected, "_projection", lambda frame, query: made)
    # The centre alone (54) would read as a rise; the range (41 to 66) holds 48.
    assert projected.projection_title(frame, query) == (
        "Children waiting in Adopt London South are projected to be about 54 by 2026-27 Q1 "
        "(41 to 66), from 48 at 2025-26 Q1: no clear rise or fall")


def test_the_warm_up_knows_a_projection_from_other_charts():
    from charts import CHARTS
    from charts.projected import is_projection

    assert {c.id for c in CHARTS.values() if is_projection(c)} == {
        "waiting_projection", "sufficiency_adopters_projection"}
