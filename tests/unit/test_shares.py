"""Shares of a breakdown from its counts as disclosed (metrics/shares.py): what a board sees
beside its region's and England's mix, checked on hand-made disclosed rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.shares import shares_of_shown


def disclosed(scope: str, cells: dict[str, tuple[float | None, str]], breakdown: str = "age_band",
              status: str = "") -> list[dict]:
    return [dict(scope=scope, scope_name=scope, scope_kind="raa", quarter="2025-26 Q1",
                 breakdown=breakdown, category=c, value=np.nan if v is None else v,
                 cohort=np.nan if v is None else v, missing_returns=0, value_type="count",
                 status=status, not_available_reason="", partial_returns=0, shown=t)
            for c, (v, t) in cells.items()]


def test_shares_are_the_shown_counts_over_the_shown_total() -> None:
    rows = pd.DataFrame(disclosed("ALS", {"Under 1": (21, "21"), "1-4": (166, "166"),
                                          "5-9": (67, "67"), "10+": (8, "8"),
                                          "Total": (262, "262")}))
    out = shares_of_shown(rows)
    # 21 / 262 = 8.02%, 166 / 262 = 63.36%, 67 / 262 = 25.57%, 8 / 262 = 3.05%
    assert out["shown"].tolist() == ["8%", "63%", "26%", "3%", "100%"]
    assert out["value"].round(2).tolist() == [8.02, 63.36, 25.57, 3.05, 100.0]
    assert out["cohort"].tolist() == [262.0] * 5  # the Total as shown
    assert set(out["value_type"]) == {"percent"}


def test_a_share_of_a_hidden_count_is_hidden_and_never_worked_out() -> None:
    # 3 disabled children of 40 are [c]; the 37 is hidden by secondary suppression too, so
    # neither share is shown (a 93% beside a shown total would give the 3 back).
    rows = pd.DataFrame(disclosed("ALS", {"Disabled": (None, "[c]"),
                                          "Not disabled": (None, "[c]"),
                                          "Total": (40, "40")}, breakdown="disability"))
    out = shares_of_shown(rows)
    assert out["shown"].tolist() == ["[c]", "[c]", "100%"]
    assert out["value"].isna().tolist() == [True, True, False]
    assert out["cohort"].isna().tolist() == [True, True, False]


def test_every_share_of_a_hidden_total_is_hidden() -> None:
    rows = pd.DataFrame(disclosed("942", {"Yes": (0, "0"), "No": (None, "[c]"),
                                          "Total": (None, "[c]")}, breakdown="harder_to_place"))
    assert shares_of_shown(rows)["shown"].tolist() == ["[c]", "[c]", "[c]"]


def test_nothing_waiting_is_not_applicable_and_not_available_stays_so() -> None:
    empty = disclosed("AC2C", {"Yes": (0, "0"), "No": (0, "0"), "Total": (0, "0")},
                      breakdown="harder_to_place")
    missing = disclosed("942", {"Yes": (None, "[x]"), "No": (None, "[x]"),
                                "Total": (None, "[x]")}, breakdown="harder_to_place", status="x")
    out = shares_of_shown(pd.DataFrame(empty + missing))
    assert out["shown"].tolist() == ["[z]", "[z]", "[z]", "[x]", "[x]", "[x]"]
    assert out["status"].tolist() == ["z", "z", "z", "x", "x", "x"]


def test_each_scope_is_shared_out_of_its_own_total() -> None:
    rows = pd.DataFrame(disclosed("ALS", {"Yes": (30, "30"), "No": (10, "10"), "Total": (40, "40")},
                                  breakdown="harder_to_place")
                        + disclosed("england", {"Yes": (2000, "2,000"), "No": (1000, "1,000"),
                                                "Total": (3000, "3,000")}, breakdown="harder_to_place"))
    # ALS 30 / 40 = 75%; England 2,000 / 3,000 = 66.7%
    assert shares_of_shown(rows)["shown"].tolist() == ["75%", "25%", "100%", "67%", "33%", "100%"]
