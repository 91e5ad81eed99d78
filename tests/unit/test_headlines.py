"""The quarter's headlines (charts/headlines.py) from frames built by hand: which changes are
told (only those beyond noise, worked out here), how many quarters running, what England did,
thresholds, the returns missing, and nothing told from a hidden or incomplete figure."""

from __future__ import annotations

import pandas as pd

from charts.headlines import (
    Headline, change_headline, quarter_headlines, returns_headline, threshold_headline,
)
from metrics.quarters import Quarter

NOW = Quarter.parse("2025-26 Q2")
NAMES = {"X": "Adopt Somewhere", "england": "England"}


def frame(values: dict[str, list[float | None]], shown: dict[str, list[str]] | None = None,
          cohort: float | None = None, **columns: dict[str, list[object]]) -> pd.DataFrame:
    """A trend frame: each scope's values over the quarters ending at NOW (oldest first)."""
    rows = []
    for scope, series in values.items():
        quarters = [NOW + -(len(series) - 1 - n) for n in range(len(series))]
        for n, (q, v) in enumerate(zip(quarters, series)):
            text = (shown or {}).get(scope, [None] * len(series))[n] or (
                "[x]" if v is None else f"{v:,.0f}")
            rows.append({"scope": scope, "scope_name": NAMES[scope], "quarter": str(q),
                         "category": "", "value": v, "cohort": cohort if cohort else v,
                         "shown": text, "returns_missing": 0, "returns_expected": 5,
                         "returns_missing_names": "", "partial_returns": 0, "missing_returns": 0,
                         **{c: vs[n] for c, vs in columns.get(scope, {}).items()}})
    return pd.DataFrame(rows)


def told(measure: str, data: pd.DataFrame) -> Headline | None:
    return change_headline(measure, measure, data, "X", NAMES["X"], NOW)


def test_a_rise_beyond_noise_is_told_with_its_run_and_what_england_did() -> None:
    # A year ago (4 quarters back) 100, now 150: |50| > 1.96 * sqrt(100 + 150) = 31.0, so told.
    # Quarter on quarter: 101 -> 100 (down), then up four times: 105, 120, 130, 150: "fourth".
    # England 1,000 -> 900: |100| > 1.96 * sqrt(1,900) = 85.4, so England fell.
    data = frame({"X": [101, 100, 105, 120, 130, 150],
                  "england": [1000, 1000, 980, 950, 920, 900]})
    found = told("children_waiting", data)
    assert found == Headline("Children waiting in Adopt Somewhere rose for the fourth quarter "
                             "running, to 150, from 100 a year ago (England fell)",
                             "children_waiting", "worse")


def test_a_change_within_noise_is_not_told() -> None:
    # 100 -> 125 a year later: |25| <= 1.96 * sqrt(225) = 29.4: about the same, not news.
    assert told("children_waiting", frame({"X": [100, 110, 115, 120, 125]})) is None
    # 100 -> 130: |30| > 29.7 (1.96 * sqrt(230)): told; the quarter before was higher (135),
    # so no run is said.
    found = told("children_waiting", frame({"X": [100, 140, 150, 135, 130]}))
    assert found.text == "Children waiting in Adopt Somewhere rose to 130, from 100 a year ago"


def test_england_the_same_or_the_same_way_is_said_so() -> None:
    same = told("children_waiting", frame({"X": [100, 150], "england": [1000, 1010]}))
    # With two quarters only, the comparison is with the quarter before (no year ago).
    assert same.text == ("Children waiting in Adopt Somewhere rose to 150, from 100 last quarter "
                         "(England about the same)")
    also = told("children_waiting", frame({"X": [100, 150], "england": [1000, 1200]}))
    assert also.text.endswith("(England also rose)")


def test_nothing_is_told_from_a_hidden_or_incomplete_figure() -> None:
    hidden = frame({"X": [100, 110, 120, 130, 150]}, shown={"X": [None] * 4 + ["[c]"]})
    assert told("children_waiting", hidden) is None
    incomplete = frame({"X": [100, 110, 120, 130, 150]},
                       X={"returns_missing": [0, 0, 0, 0, 1]})
    assert told("children_waiting", incomplete) is None
    # A year ago incomplete: compared with the quarter before instead (130 -> 150 is within
    # noise: 1.96 * sqrt(280) = 32.8), so nothing told.
    year_ago = frame({"X": [100, 110, 120, 130, 150]}, X={"returns_missing": [1, 0, 0, 0, 0]})
    assert told("children_waiting", year_ago) is None


def test_better_or_worse_follows_the_measures_direction() -> None:
    # Approved adopters per child: higher is better. Ratios are judged on their cohorts (here
    # 400 children): 0.5 -> 0.3, se = sqrt(0.5 * 1.5 / 400 + 0.3 * 1.3 / 400) = 0.053;
    # |0.2| > 1.96 * 0.053 = 0.105: told, and worse.
    data = frame({"X": [0.5, 0.45, 0.4, 0.35, 0.3]}, shown={"X": ["0.50", "0.45", "0.40", "0.35", "0.30"]},
                 cohort=400)
    found = told("adopters_per_child", data)
    assert found.text == ("Approved adopters per child waiting in Adopt Somewhere fell for the "
                          "fourth quarter running, to 0.30, from 0.50 a year ago")
    assert found.verdict == "worse"
    # Special guardianship orders have no better direction: no verdict.
    assert told("sgos", frame({"X": [40, 50, 60, 70, 80]})).verdict == ""


def test_a_figure_above_its_threshold_is_told_with_englands() -> None:
    # A2's threshold is 121 days (4 months); 140 is above it, England's 118 within it.
    data = frame({"X": [140], "england": [118]})
    found = threshold_headline("timeliness_a2", "a2_order_to_match", data, "X", NAMES["X"], NOW)
    assert found == Headline("Placement order to match in Adopt Somewhere is above the 4-month "
                             "threshold: 140 days (England 118 days)", "timeliness_a2", "worse",
                             "threshold")
    within = frame({"X": [121]})  # on the line is within it
    assert threshold_headline("a2", "a2_order_to_match", within, "X", "Adopt Somewhere", NOW) is None


def test_a_change_above_its_threshold_is_one_sentence() -> None:
    # 100 -> 140 days a year on, 50 children each: se = sqrt((0.6*140)^2/50 + (0.6*100)^2/50)
    # = 14.6; |40| > 1.96 * 14.6 = 28.6: told, and above the 4-month threshold.
    data = frame({"X": [100, 110, 120, 130, 140]}, cohort=50)
    found = quarter_headlines([("a2_order_to_match", "a2_order_to_match", data)], "X",
                              NAMES["X"], NOW)
    assert [h.text for h in found] == [
        "Placement order to match in Adopt Somewhere rose for the fourth quarter running, to "
        "140 days, from 100 days a year ago, above the 4-month threshold"]


def test_the_returns_missing_are_said_once_and_named() -> None:
    one = frame({"X": [10, 12]}, X={"returns_missing": [0, 1], "returns_missing_names": ["", "Aspire"]})
    assert returns_headline("children_waiting", one, "X", NOW).text == "1 of 5 returns is missing: Aspire"
    two = frame({"X": [10, 12]}, X={"returns_missing": [0, 2],
                                    "returns_missing_names": ["", "Aspire, Adopt North"]})
    found = quarter_headlines([("children_waiting", "children_waiting", two),
                               ("adopters_waiting", "adopters_waiting", two)], "X", "X", NOW)
    assert [h.text for h in found] == [
        "2 of 5 returns are missing: Aspire, Adopt North",
        "Not judged, as hidden or from incomplete returns: Children waiting and Approved "
        "adopters waiting"]
    assert returns_headline("children_waiting", frame({"X": [10, 12]}), "X", NOW) is None
    # A rolling year's frame counts four quarters' returns: the quarter's are said from a
    # measure of the quarter alone (adoption orders are a rolling year's).
    assert [h.kind for h in quarter_headlines([("adoption_orders", "adoption_orders", two)],
                                              "X", "X", NOW)] == ["unjudged"]


def test_figures_that_cannot_be_judged_are_named_so_silence_is_not_all_well() -> None:
    hidden = frame({"X": [100, 110]}, shown={"X": [None, "[c]"]})
    incomplete = frame({"X": [200, 210]}, X={"partial_returns": [0, 1]})
    found = quarter_headlines([("children_waiting", "children_waiting", hidden),
                               ("a2_order_to_match", "a2_order_to_match", incomplete),
                               ("sgos", "sgos", frame({"X": [10, 11]}))], "X", "X", NOW)
    assert [(h.text, h.kind, h.chart) for h in found] == [
        ("Not judged, as hidden or from incomplete returns: Children waiting and Placement "
         "order to match", "unjudged", "children_waiting")]


def test_a_board_screen_shows_six_headlines_and_says_how_many_more_the_page_has() -> None:
    from dash import html

    from layouts.headlines import BOARD_MOST, headline_list

    many = [(Headline(f"Sentence {n}", "children_waiting"), f"/#{n}") for n in range(8)]
    page = headline_list(many)
    assert isinstance(page, html.Ul) and len(page.children) == 8 and page.className == "headlines"
    board = headline_list(many, board=True)
    shown, more = board.children
    assert len(shown.children) == BOARD_MOST == 6 and "headlines--many" in shown.className
    assert more.children == "2 more on the Headlines page, out of board mode."
    few = headline_list(many[:3], board=True)
    assert len(few.children) == 3 and few.className == "headlines"  # the larger board size
