"""metrics.judgement: each measure's better direction and threshold, and every rule of `judge`
against cases worked by hand (the arithmetic is in each test's comment)."""

from __future__ import annotations

import math

import pytest

from metrics.judgement import BETTER, THRESHOLDS, Threshold, against_threshold, judge
from metrics.registry import MEASURES


def test_every_measure_says_which_way_is_better() -> None:
    assert set(MEASURES) <= set(BETTER)
    assert set(BETTER.values()) <= {"lower", "higher", ""}
    assert BETTER["children_waiting"] == "lower"
    assert BETTER["a3_within_14_months"] == "higher"
    assert BETTER["enquiries"] == ""  # context: neither more nor fewer is better


def test_the_scorecard_thresholds() -> None:
    assert THRESHOLDS["a10_care_to_placed_adjusted"] == Threshold(426, "14 months", "the 14-month threshold")
    assert THRESHOLDS["a2_order_to_match"] == Threshold(121, "4 months", "the 4-month threshold")
    assert set(THRESHOLDS) <= set(MEASURES)


def test_counts_differ_when_beyond_poisson_noise() -> None:
    # 100 vs 70: |30| > 1.96 * sqrt(170) = 25.6; fewer children waiting is better, so more is worse
    assert judge("children_waiting", 100, 100, 70, 70) == "worse"
    assert judge("children_waiting", 70, None, 100, None) == "better"
    # 100 vs 80: |20| <= 1.96 * sqrt(180) = 26.3
    assert judge("children_waiting", 100, None, 80, None) == "about the same"


def test_counts_without_a_direction_are_higher_or_lower() -> None:
    # 130 vs 100: 30 > 1.96 * sqrt(230) = 29.72; 129 vs 100: 29 <= 1.96 * sqrt(229) = 29.66
    assert judge("sgos", 130, None, 100, None) == "higher"
    assert judge("sgos", 100, None, 130, None) == "lower"
    assert judge("sgos", 129, None, 100, None) == "about the same"
    assert judge("sgos", 0, None, 0, None) == "about the same"


def test_percentages_as_two_proportions() -> None:
    # 70% of 200 vs 50% of 200: pooled p = 0.6, se = sqrt(0.24 * 0.01) = 0.049, 1.96 se = 0.096 < 0.2
    assert judge("a3_within_14_months", 70, 200, 50, 200) == "better"
    assert judge("a3_within_14_months", 50, 200, 70, 200) == "worse"
    # 60% of 100 vs 50% of 100: p = 0.55, se = sqrt(0.2475 * 0.02) = 0.0704, 1.96 se = 0.138 > 0.1
    assert judge("a3_within_14_months", 60, 100, 50, 100) == "about the same"
    # Percentages without a direction: the special guardianship share
    assert judge("sgo_share", 70, 200, 50, 200) == "higher"


def test_means_of_days_with_an_assumed_spread() -> None:
    # 500 days of 200 vs 426 of 1000: se = sqrt((0.6*500)^2/200 + (0.6*426)^2/1000)
    #   = sqrt(450 + 65.33) = 22.70; 1.96 se = 44.5 < 74: longer is worse
    assert judge("a10_care_to_placed_adjusted", 500, 200, 426, 1000) == "worse"
    assert judge("a10_care_to_placed_adjusted", 426, 1000, 500, 200) == "better"
    # 500 of 50: se = sqrt(90000/50 + 65.33) = 43.19; 1.96 se = 84.7 > 74
    assert judge("a10_care_to_placed_adjusted", 500, 50, 426, 1000) == "about the same"


def test_ratios_with_both_counts_poisson() -> None:
    # 0.5 vs 1.0 adopters per child, 100 children each: var = 0.5*1.5/100 + 1*2/100 = 0.0275,
    # 1.96 se = 0.325 < 0.5: fewer adopters for each child is worse
    assert judge("adopters_per_child", 0.5, 100, 1.0, 100) == "worse"
    # 0.8 vs 1.0: var = 0.8*1.8/100 + 0.02 = 0.0344, 1.96 se = 0.364 > 0.2
    assert judge("adopters_per_child", 0.8, 100, 1.0, 100) == "about the same"


def test_without_a_cohort_a_change_under_five_percent_is_about_the_same() -> None:
    # 52 vs 50 is 4% of 50; 53 vs 50 is 6%
    assert judge("a3_within_14_months", 52, None, 50, None) == "about the same"
    assert judge("a3_within_14_months", 53, None, 50, float("nan")) == "better"
    assert judge("a10_care_to_placed_adjusted", 400, 0, 450, 0) == "better"


def test_returns_received_has_no_noise() -> None:
    assert judge("returns_received", 4, 5, 5, 5) == "worse"
    assert judge("returns_received", 5, 5, 5, 5) == "about the same"


@pytest.mark.parametrize("value,other", [(None, 5), (5, None), (math.nan, 5), ("[c]", 5), (5, "[x]")])
def test_nothing_is_judged_from_a_missing_or_hidden_figure(value: object, other: object) -> None:
    assert judge("children_waiting", value, 10, other, 10) == ""


def test_against_threshold() -> None:
    assert against_threshold("a10_care_to_placed_adjusted", 500) == "above the 14-month threshold"
    assert against_threshold("a10_care_to_placed_adjusted", 426) == "within the 14-month threshold"
    # judged as shown, rounded half-up to a whole day
    assert against_threshold("a10_care_to_placed_adjusted", 426.4) == "within the 14-month threshold"
    assert against_threshold("a10_care_to_placed_adjusted", 426.5) == "above the 14-month threshold"
    assert against_threshold("a2_order_to_match", 122) == "above the 4-month threshold"
    assert against_threshold("a2_order_to_match", None) == ""
    assert against_threshold("children_waiting", 500) == ""
