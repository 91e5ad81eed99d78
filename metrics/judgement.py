"""Good or bad, said plainly: which way each measure is better, its threshold where one exists,
and whether a difference between two figures is more than their cohorts make likely by chance.

`judge` compares a figure with another (England, or the same area a quarter or a year before)
and answers "better", "worse" or "about the same" for a measure with a direction, "higher",
"lower" or "about the same" for one without, and "" when either figure is missing or hidden.
A difference is "about the same" when a two-sided test at about 95% (z = 1.96) would not call it
real; the tests, by the kind of figure (docs/measures.md says the same in words):

- counts (children, households, orders ...): each count is Poisson, so the difference of two
  is within noise when |a - b| <= 1.96 * sqrt(a + b). Counts of different areas are not
  comparable; callers compare a count only with the same area's own past.
- percentages with their cohorts n1, n2: two proportions with a pooled p,
  |p1 - p2| <= 1.96 * sqrt(p (1 - p) (1/n1 + 1/n2)).
- means of days with their cohorts: each mean's standard error is CV * mean / sqrt(n) with an
  assumed coefficient of variation CV = 0.6 (days from care to adoption and days waiting are
  skewed with a spread a little over half the mean), |a - b| <= 1.96 * sqrt(se1^2 + se2^2).
- ratios (adopters per child waiting, cohort the children waiting y): the adopters x = r y and
  the children y both Poisson, var(r) ~= r (1 + r) / y.
- returns received: no noise; a return is there or not, so any difference counts.
- with no cohort (or a cohort of 0) for a percentage, mean or ratio, and for money (a sum of
  pounds has no count model): a relative change under 5% of the figure compared with is
  "about the same".

Pure data and functions: imports metrics.registry only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from metrics.registry import MEASURES

Z = 1.96  # two-sided, about 95%
MEAN_CV = 0.6  # assumed coefficient of variation of days (sd / mean)
RELATIVE = 0.05  # with no cohort: a change under 5% is about the same


# Which way each measure is better: "lower", "higher" or "" (neither: a count whose size is set
# by need or by how many families come forward, not by how well the agency does).
BETTER: dict[str, str] = {
    # children waiting: fewer, and for less long, is better
    "children_waiting": "lower",
    "children_waiting_adm": "lower",
    "children_waiting_unmatched": "lower",
    "days_waiting": "lower",
    "children_waiting_over_6_months": "lower",
    "children_waiting_over_12_months": "lower",
    "children_waiting_over_18_months": "lower",
    "sibling_groups_waiting": "lower",
    # adopters waiting: how many is context; waiting long is not good for them
    "adopters_waiting": "",
    "adopters_per_child": "higher",  # sufficiency: more approved adopters for each child waiting
    "adopter_days_waiting": "lower",
    "adopters_waiting_over_3_months": "lower",
    "adopters_waiting_over_6_months": "lower",
    # children's flows: their number follows the children who need them
    "adm_decisions": "",
    "placement_orders": "",
    "matches": "",
    "placements": "",
    "adoption_orders": "",
    "ffa_cp_placements": "higher",  # early permanence is what agencies are asked to grow
    "disruptions": "lower",
    "decisions_reversed": "lower",
    # adopters' flows: context, except approvals (recruiting adopters is the agencies' job)
    "enquiries": "",
    "stage1_starts": "",
    "stage2_starts": "",
    "approvals": "higher",
    "adopter_matches": "",
    "households_left": "",  # counts those who adopted as well as those who withdrew
    # special guardianship and the support fund: context
    "sgos": "",
    "sgo_breakdowns": "lower",
    "sgo_share": "",
    "asf_applications": "",
    "asf_share_sg": "",
    # the board's later questions: fewer young children waiting is better; how the groups and
    # the money divide is context, neither better nor worse
    "children_waiting_under_5": "lower",
    "children_waiting_share": "",
    "asf_amount": "",
    "asf_amount_share_sg": "",
    # timeliness: sooner is better
    "a1_care_to_placed": "lower",
    "a10_care_to_placed_adjusted": "lower",
    "a2_order_to_match": "lower",
    "stage_care_to_adm": "lower",
    "stage_adm_to_order": "lower",
    "stage_order_to_match": "lower",
    "stage_match_to_placed": "lower",
    "stage_placed_to_adopted": "lower",
    "a3_within_14_months": "higher",
    "adopter_stage1_days": "lower",
    "adopter_stage2_days": "lower",
    "adopter_enquiry_to_approval": "lower",
    "adopter_approved_within_6_months": "higher",
    "adopter_approval_to_match": "lower",
    "adopter_matched_within_3_months": "higher",
    "adopter_matched_within_6_months": "higher",
    # data quality
    "returns_received": "higher",
    "completeness": "higher",
    # measures being added alongside (the board questions' under-5s, shares of a breakdown and
    # support fund money): here already so that the registry's test holds when they land
    "children_waiting_under_5": "lower",
    "children_waiting_share": "",
    "asf_amount": "",
    "asf_amount_share_sg": "",
}


@dataclass(frozen=True)
class Threshold:
    """A reference line: its value in the measure's unit, a short label ("14 months") and how a
    sentence names it ("the 14-month threshold")."""

    value: float
    label: str
    text: str


# The 2013-16 adoption scorecard thresholds (shared/spec/metrics.md), in days.
THRESHOLDS: dict[str, Threshold] = {
    "a10_care_to_placed_adjusted": Threshold(426, "14 months", "the 14-month threshold"),
    "a2_order_to_match": Threshold(121, "4 months", "the 4-month threshold"),
}


def _number(value: object) -> float | None:
    """A finite float, or None for a missing or hidden figure (None, NaN, a symbol)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _cohort(value: object) -> float | None:
    number = _number(value)
    return number if number is not None and number > 0 else None


def _relative_same(a: float, b: float) -> bool:
    return abs(a - b) < RELATIVE * abs(b) if b else a == b


def _value_type(measure: str) -> str:
    found = MEASURES.get(measure)
    return found.value_type if found is not None else ""


def same_within_noise(measure: str, value: float, cohort: object, other: float,
                      other_cohort: object) -> bool:
    """Whether `value` and `other` differ by no more than their cohorts make likely (see the
    module's docstring for each test)."""
    a, b = value, other
    kind = _value_type(measure)
    if kind == "count":
        return abs(a - b) <= Z * math.sqrt(max(a, 0) + max(b, 0))
    if kind == "agencies":
        return a == b
    n1, n2 = _cohort(cohort), _cohort(other_cohort)
    if n1 is None or n2 is None:
        return _relative_same(a, b)
    if kind == "percent":
        p = (a / 100 * n1 + b / 100 * n2) / (n1 + n2)
        se = math.sqrt(max(p * (1 - p), 0.0) * (1 / n1 + 1 / n2))
        return abs(a - b) / 100 <= Z * se
    if kind == "mean":
        se = math.sqrt((MEAN_CV * a) ** 2 / n1 + (MEAN_CV * b) ** 2 / n2)
        return abs(a - b) <= Z * se
    if kind == "ratio":
        se = math.sqrt(max(a, 0) * (1 + max(a, 0)) / n1 + max(b, 0) * (1 + max(b, 0)) / n2)
        return abs(a - b) <= Z * se
    return _relative_same(a, b)


def judge(measure: str, value: object, cohort: object, other: object, other_cohort: object) -> str:
    """How `value` stands against `other`: "better"/"worse"/"about the same" for a measure with
    a direction, "higher"/"lower"/"about the same" for one without, "" when either is missing."""
    a, b = _number(value), _number(other)
    if a is None or b is None:
        return ""
    if same_within_noise(measure, a, cohort, b, other_cohort):
        return "about the same"
    direction = "higher" if a > b else "lower"
    better = BETTER.get(measure, "")
    if not better:
        return direction
    return "better" if direction == better else "worse"


def round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def against_threshold(measure: str, value: object) -> str:
    """"above the 14-month threshold" / "within the 14-month threshold" / "" (no threshold or
    no value). Days are judged as shown, rounded half-up to a whole day: 426.4 is within 426."""
    threshold, number = THRESHOLDS.get(measure), _number(value)
    if threshold is None or number is None:
        return ""
    side = "above" if round_half_up(number) > threshold.value else "within"
    return f"{side} {threshold.text}"
