"""Funnel plots (issue 19, fair comparison): the control limits of a small example worked out by
hand, each agency placed against them, an outlier named in the title and on the chart, an
agency whose figure is hidden left out (and counted, never named), and a plan every one of
whose links the data API accepts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from charts import CHARTS, PAGE_OF, PAGES
from charts.figures import direct_labels, funnel_plot
from charts.funnels import funnel_caption, funnel_headlines, funnel_plan, funnel_title
from charts.query import MAX_COMPARE, Query, parse_args
from metrics.funnel import WITHIN, funnel_points, limits
from metrics.quarters import Quarter
from metrics.scope import Geography


# ---------------------------------------------------------------- limits by hand


def test_wilson_limits_of_a_percentage_by_hand() -> None:
    # England 50%, a cohort of 16. Wilson score limits around p0 = 0.5:
    # z = 1.959964 (95%): z^2 = 3.841459
    #   centre = 2 n p0 + z^2 = 16 + 3.841459 = 19.841459
    #   spread = z sqrt(z^2 + 4 n p0 (1 - p0)) = 1.959964 * sqrt(3.841459 + 16)
    #          = 1.959964 * 4.454378 = 8.730425
    #   denominator 2 (n + z^2) = 39.682918
    #   lower = 11.111034 / 39.682918 = 0.27999 -> 28.0%; upper = 28.571884 / 39.682918 = 0.72001
    # z = 3.090232 (99.8%): z^2 = 9.549534
    #   centre = 25.549534, spread = 3.090232 * sqrt(25.549534) = 3.090232 * 5.054655 = 15.620059
    #   denominator 51.099068: lower = 9.929475 / 51.099068 = 0.19432, upper = 0.80568
    edge = limits("percent", 50.0, 16)
    assert edge.lower95 == pytest.approx(28.00, abs=0.01)
    assert edge.upper95 == pytest.approx(72.00, abs=0.01)
    assert edge.lower998 == pytest.approx(19.43, abs=0.01)
    assert edge.upper998 == pytest.approx(80.57, abs=0.01)


def test_wilson_limits_stay_between_0_and_100_where_normal_ones_would_not() -> None:
    # England 95%, a cohort of 4: normal limits 95 +/- 3.09 * sqrt(0.95 * 0.05 / 4) * 100
    # = 95 +/- 33.7 would pass 100%. Wilson's: centre = 2*4*0.95 + 9.549534 = 17.149534,
    # spread = 3.090232 * sqrt(9.549534 + 4*4*0.95*0.05) = 3.090232 * sqrt(10.309534)
    # = 3.090232 * 3.210846 = 9.922259, denominator 2 * 13.549534 = 27.099068:
    # upper = 27.071793 / 27.099068 = 0.99899 -> 99.90%; lower = 7.227275 / 27.099068 = 26.67%
    edge = limits("percent", 95.0, 4)
    assert edge.upper998 == pytest.approx(99.90, abs=0.01)
    assert edge.lower998 == pytest.approx(26.67, abs=0.01)
    assert edge.upper998 <= 100


def test_normal_limits_of_a_mean_by_hand() -> None:
    # England 200 days, 36 children, spread assumed 0.6 x the mean = 120 days:
    # standard error 120 / sqrt(36) = 20 days.
    # 95%: 200 +/- 1.959964 * 20 = 200 +/- 39.20 -> 160.80 to 239.20
    # 99.8%: 200 +/- 3.090232 * 20 = 200 +/- 61.80 -> 138.20 to 261.80
    edge = limits("mean", 200.0, 36)
    assert (edge.lower95, edge.upper95) == (pytest.approx(160.80, abs=0.01), pytest.approx(239.20, abs=0.01))
    assert (edge.lower998, edge.upper998) == (pytest.approx(138.20, abs=0.01), pytest.approx(261.80, abs=0.01))
    # Four times the children, half the width: 200 +/- 19.60 at 95% for 144.
    assert limits("mean", 200.0, 144).upper95 == pytest.approx(219.60, abs=0.01)


def test_no_funnel_for_counts_or_an_empty_cohort() -> None:
    with pytest.raises(ValueError, match="percent and mean"):
        limits("count", 10.0, 5)
    with pytest.raises(ValueError, match="cohort"):
        limits("mean", 200.0, 0)


# ---------------------------------------------------------------- a small region's funnel

SOUTH = "region:South East"


def row(scope: str, name: str, kind: str, value: float | None, cohort: float | None,
        shown: str | None = None) -> dict:
    return {"scope": scope, "scope_name": name, "scope_kind": kind, "quarter": "2025-26 Q1",
            "breakdown": "", "category": "", "value": value, "cohort": cohort,
            "shown": shown if shown is not None else f"{value:.0f}", "missing_returns": 0,
            "value_type": "mean", "status": "", "partial_returns": 0,
            "measure": "a2_order_to_match", "measure_title": "Placement order to match"}


def a2_frame() -> pd.DataFrame:
    """Placement order to match (lower is better) in a region of five LAs, England 200 days.
    With 36 children each the limits are 160.80-239.20 (95%) and 138.20-261.80 (99.8%)."""
    return pd.DataFrame([
        row(SOUTH, "South East", "region", 205.0, 180.0),
        row("england", "England", "england", 200.0, 3000.0),
        row("101", "Ashdown", "la", 270.0, 36.0),   # above 261.80: outside 99.8%, worse
        row("102", "Bexhill", "la", 245.0, 36.0),   # above 239.20 only: outside 95%, worse
        row("103", "Crowborough", "la", 150.0, 36.0),  # below 160.80: outside 95%, better
        row("104", "Ditchling", "la", 210.0, 36.0),  # within
        row("105", "Eastbourne", "la", None, None, "[c]"),  # hidden: a small cohort
    ])


A2_QUERY = Query("a2_order_to_match", SOUTH, Quarter.parse("2025-26 Q1"), window=4)


def test_each_agency_is_placed_against_its_limits_and_the_hidden_one_is_left_out() -> None:
    points, hidden = funnel_points(a2_frame(), "a2_order_to_match")
    placed = dict(zip(points["scope_name"], zip(points["placed"], points["judged"])))
    assert placed == {
        "Ashdown": ("above the upper 99.8% limit", "worse"),
        "Bexhill": ("above the upper 95% limit", "worse"),
        "Crowborough": ("below the lower 95% limit", "better"),
        "Ditchling": (WITHIN, ""),
    }
    assert hidden == 1 and "Eastbourne" not in set(points["scope_name"])
    assert "South East" not in set(points["scope_name"])  # the region is context, not a point


def test_higher_is_better_for_a_percentage() -> None:
    # A3 (higher is better), England 50%, 16 children: 95% limits 28.0%-72.0% (worked above).
    frame = pd.DataFrame([row("england", "England", "england", 50.0, 400.0),
                          row("101", "Ashdown", "la", 75.0, 16.0),
                          row("102", "Bexhill", "la", 25.0, 16.0)]).assign(
        measure="a3_within_14_months", value_type="percent")
    points, _ = funnel_points(frame, "a3_within_14_months")
    assert dict(zip(points["scope_name"], points["judged"])) == {"Ashdown": "better", "Bexhill": "worse"}


def test_the_title_names_the_outliers_and_the_caption_counts_the_hidden() -> None:
    frame = a2_frame()
    assert funnel_title(frame, A2_QUERY) == (
        "Placement order to match, the year to 2025-26 Q1: 3 of 4 LAs in the South East are "
        "outside the range expected from their numbers: Ashdown (worse), Bexhill (worse) and "
        "Crowborough (better)")
    caption = funnel_caption(frame, A2_QUERY)
    assert "1 agency is not shown: figures hidden to protect small numbers." in caption
    assert "Eastbourne" not in caption


def test_every_agency_within_is_said_so() -> None:
    frame = a2_frame()
    frame = frame[frame["scope_name"].isin(["South East", "England", "Ditchling"])]
    assert funnel_title(frame, A2_QUERY).endswith(
        "the LA in the South East is within the range expected from their numbers")


def test_the_chart_names_outliers_by_their_dots_and_never_the_hidden_agency() -> None:
    # The selection is Ditchling: drawn as its own, named, star.
    frame = a2_frame()
    frame = pd.concat([frame[frame["scope"] == "104"], frame[frame["scope"] != "104"]])
    figure = funnel_plot(frame)
    traces = {t["name"]: t for t in figure["data"]}
    assert traces["Outside the limits: worse"]["text"] == ["Ashdown", "Bexhill"]
    assert traces["Outside the limits: worse"]["x"] == [36.0, 36.0]
    assert traces["Outside the limits: better"]["text"] == ["Crowborough"]
    assert traces["Ditchling"]["marker"]["symbol"] == "star"
    assert traces["England"]["y"] == [200.0, 200.0]
    # The upper 99.8% curve ends at the largest cohort x 1.1 = 39.6 children, at
    # 200 + 3.090232 * 120 / sqrt(39.6) = 258.93 days.
    upper = traces["99.8% limits"]
    assert upper["x"][-1] == pytest.approx(39.6) and upper["y"][-1] == pytest.approx(258.93, abs=0.01)
    assert "Eastbourne" not in json.dumps(figure)
    # On a board card the title and the card's numbers name them: at 18 px the names would run
    # over each other.
    board = {t["name"]: t for t in direct_labels(figure)["data"]}
    assert board["Outside the limits: worse"]["text"] is None and board["Ditchling"]["text"] is None
    assert board["Ditchling"]["marker"]["symbol"] == "star"
    notes = [a["text"] for a in figure["layout"]["annotations"]]
    assert notes == ["1 agency not shown: figures hidden to protect small numbers"]


def test_the_headlines_say_where_the_selection_lies() -> None:
    frame = a2_frame()
    query = Query("a2_order_to_match", "101", Quarter.parse("2025-26 Q1"), window=4)
    said = [(h.label, h.shown, h.main) for h in funnel_headlines(frame, query)]
    assert said == [("Ashdown: above the upper 99.8% limit", "270", True),
                    ("England", "200", False)]


# ---------------------------------------------------------------- the plan and the registry


class Source:
    def __init__(self, geography):
        self._geography = geography

    def geography(self):
        return self._geography


def many_agencies() -> Geography:
    """15 RAAs of one LA each and 3 LAs alone: England's children are returned by 18
    agencies, more than one data API link may compare (MAX_COMPARE = 10)."""
    rows = [(f"R{i}", f"Adopt {i}", "RAA", "North", None) for i in range(15)]
    rows += [(f"{100 + i}", f"Town {i}", "LA", "North", f"R{i}") for i in range(15)]
    rows += [(f"{200 + i}", f"City {i}", "LA", "South", None) for i in range(3)]
    return Geography(pd.DataFrame(rows, columns=["code", "name", "kind", "region", "raa_code"]))


def test_the_plan_asks_for_every_agency_in_links_the_api_accepts() -> None:
    place = many_agencies()
    query = Query("a2_order_to_match", "england", Quarter.parse("2025-26 Q1"), window=4)
    plan = funnel_plan(query, Source(place))
    asked = [s for q in plan for s in q.scopes]
    assert asked[:1] == ["england"] and len(asked) == len(set(asked))
    assert set(asked) - {"england"} == {f"R{i}" for i in range(15)} | {"200", "201", "202"}
    assert len(plan) == 2  # 19 scopes: 11 in the first link, 8 in the second
    for part in plan:
        assert len(part.compare) <= MAX_COMPARE
        again = parse_args(part.measure, part.params, place)  # the card's link is a good one
        assert again.scopes == part.scopes
    # An LA's funnel is its region's LAs (with the region beside England), one link.
    south = funnel_plan(Query("a2_order_to_match", "201", query.quarter, window=4), Source(place))
    assert [q.scopes for q in south] == [("201", "england", "region:South", "200", "202")]


def test_the_fair_comparison_page_has_the_funnels_and_no_other_page_does() -> None:
    page = PAGE_OF["fair_comparison"]
    funnels = {c.id: c.measure for c, _ in page.charts if c.figure is funnel_plot}
    assert funnels == {"fair_a10_funnel": "a10_care_to_placed_adjusted",
                       "fair_a2_funnel": "a2_order_to_match",
                       "fair_a3_funnel": "a3_within_14_months",
                       "fair_approved_within_6_months_funnel": "adopter_approved_within_6_months",
                       "fair_matched_within_6_months_funnel": "adopter_matched_within_6_months"}
    assert [c.id for c, _ in page.board_charts] == ["fair_a10_funnel", "fair_a2_funnel"]
    elsewhere = [c.id for p in PAGES if p.slug != "fair_comparison" for c, _ in p.charts
                 if c.figure is funnel_plot]
    assert elsewhere == []
    assert [c.id for c, _ in PAGE_OF["timeliness"].board_charts] == [
        "timeliness_journey", "timeliness_a10", "timeliness_a2", "timeliness_adopter_stages"]
    assert all(cid in CHARTS for cid in funnels)


def test_a_board_card_says_how_many_agencies_are_hidden_in_a_few_words() -> None:
    from layouts.board_card import hidden_words, without_note

    figure = funnel_plot(a2_frame())
    assert hidden_words(figure) == "1 agency hidden"
    assert [a for a in without_note(figure)["layout"]["annotations"]
            if "not shown" in str(a.get("text"))] == []
    assert hidden_words({"layout": {}}) == ""


# ---------------------------------------------------------------- the quarter's headlines


def test_the_headlines_name_the_regions_outliers_and_an_agency_outside_its_range() -> None:
    from charts.headlines import outlier_headline, quarter_headlines

    frame = a2_frame()
    region = outlier_headline("fair_a2_funnel", "a2_order_to_match", frame, SOUTH, "South East")
    assert (region.text, region.verdict, region.kind, region.chart) == (
        "3 of 4 LAs in South East are outside the range expected from their numbers for "
        "placement order to match: Ashdown (worse), Bexhill (worse) and Crowborough (better)",
        "", "outlier", "fair_a2_funnel")
    # An LA outside (Ashdown, 270 days against England's 200) is told of itself; one within
    # (Ditchling) or hidden (Eastbourne) is not told at all, and a hidden one never named.
    mine = outlier_headline("fair_a2_funnel", "a2_order_to_match", frame, "101", "Ashdown")
    assert (mine.text, mine.verdict) == (
        "Placement order to match in Ashdown is outside the range expected from its numbers: "
        "270 days (England 200 days)", "worse")
    better = outlier_headline("fair_a2_funnel", "a2_order_to_match", frame, "103", "Crowborough")
    assert better.verdict == "better" and "150 days" in better.text
    assert outlier_headline("fair_a2_funnel", "a2_order_to_match", frame, "104", "Ditchling") is None
    assert outlier_headline("fair_a2_funnel", "a2_order_to_match", frame, "105", "Eastbourne") is None
    # Only worse ones: still no verdict for the region (each name says its own); none
    # outside: nothing said.
    worse = frame[frame["scope"] != "103"]
    assert outlier_headline("c", "a2_order_to_match", worse, SOUTH, "South East").verdict == ""
    one = frame[~frame["scope"].isin(["101", "102"])]
    assert outlier_headline("c", "a2_order_to_match", one, SOUTH, "South East").text == (
        "1 of 2 LAs in South East is outside the range expected from its numbers for placement "
        "order to match: Crowborough (better)")
    calm = frame[~frame["scope"].isin(["101", "102", "103"])]
    assert outlier_headline("c", "a2_order_to_match", calm, SOUTH, "South East") is None
    # Among the quarter's headlines they come after the changes, before the returns.
    told = quarter_headlines([], "101", "Ashdown", Quarter.parse("2025-26 Q1"),
                             [("fair_a2_funnel", "a2_order_to_match", frame)])
    assert [h.kind for h in told] == ["outlier"]


def test_the_warm_up_knows_a_funnel_from_other_charts() -> None:
    from charts.funnels import is_funnel

    assert {c.id for c in CHARTS.values() if is_funnel(c)} == {
        c.id for c, _ in PAGE_OF["fair_comparison"].charts}


def test_an_agencys_figure_told_already_is_one_sentence_with_its_funnel() -> None:
    """Ashdown's A2 above the 4-month threshold and outside its funnel's limits: one sentence."""
    from charts.headlines import quarter_headlines

    frame = a2_frame()
    trend = frame[frame["scope"].isin(["101", "england"])].assign(
        quarter="2025-26 Q1", returns_missing=0)
    told = quarter_headlines([("a2_order_to_match", "a2_order_to_match", trend)], "101", "Ashdown",
                             Quarter.parse("2025-26 Q1"),
                             [("fair_a2_funnel", "a2_order_to_match", frame)])
    assert [(h.text, h.chart, h.kind) for h in told] == [(
        "Placement order to match in Ashdown is above the 4-month threshold: 270 days "
        "(England 200 days), and outside the range expected from its numbers",
        "a2_order_to_match", "threshold")]


def test_one_outlier_is_outside_the_range_expected_from_its_numbers() -> None:
    one = a2_frame()[lambda f: ~f["scope"].isin(["101", "102"])]
    assert funnel_title(one, A2_QUERY).endswith(
        "1 of 2 LAs in the South East is outside the range expected from its numbers: "
        "Crowborough (better)")
