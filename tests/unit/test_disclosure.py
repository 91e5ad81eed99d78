"""Disclosure control: what a viewer sees for small counts, small cohorts and breakdowns, in
board and public mode, and properties that no [c] can be worked out from what is shown."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.disclosure import (
    SYMBOLS, DisclosurePolicy, disclose, disclose_columns, format_value,
)

# The suppression rules on their own: most tests here read shown numbers as exact. The cell key
# method, which the app always runs on top, has its own tests at the end.
POLICY = DisclosurePolicy(perturb=False)
PUBLIC = DisclosurePolicy(public=True, perturb=False)
KIND_NAMES = {"la": "Cumberland", "raa": "Adopt North", "region": "North West",
              "england": "England"}


def row(value: float | None = 10.0, value_type: str = "count", cohort: float | None = None,
        scope: str = "942", scope_kind: str = "la", quarter: str = "2024-25 Q3",
        breakdown: str = "", category: str = "", status: str = "") -> dict:
    if cohort is None and value_type == "count":
        cohort = value
    return dict(scope=scope, scope_name=KIND_NAMES.get(scope_kind, scope), scope_kind=scope_kind,
                quarter=quarter, breakdown=breakdown, category=category,
                value=np.nan if value is None else float(value),
                cohort=np.nan if cohort is None else float(cohort), missing_returns=0,
                value_type=value_type, status=status)


def frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def breakdown(cells: list[float], total: float | None = None, **where) -> list[dict]:
    """Rows of an age-band breakdown: one row per cell, then its Total unless total is None."""
    rows = [row(v, breakdown="age", category=f"band {i}", **where) for i, v in enumerate(cells)]
    if total is not None:
        rows.append(row(total, breakdown="age", category="Total", **where))
    return rows


def shown(data: pd.DataFrame, policy: DisclosurePolicy = POLICY, **kwargs) -> list[str]:
    return disclose(data, policy, **kwargs)["shown"].tolist()


def shown_one(policy: DisclosurePolicy = POLICY, **kwargs) -> str:
    return shown(frame(row(**kwargs)), policy)[0]


# --- one row at a time ------------------------------------------------------------------------

@pytest.mark.parametrize("count, expected", [
    (0, "0"), (1, "[c]"), (5, "[c]"), (6, "6"), (9, "9"), (10, "10"), (2940, "2,940"),
])
def test_counts_of_one_to_five_are_hidden(count, expected) -> None:
    assert shown_one(value=count) == expected


@pytest.mark.parametrize("cohort, expected", [
    (0, "[z]"), (1, "[c]"), (5, "[c]"), (6, "[c]"), (9, "[c]"), (10, "452"), (11, "452"),
])
def test_averages_of_fewer_than_ten_are_hidden(cohort, expected) -> None:
    for value_type in ("mean", "median"):
        assert shown_one(value=452.0, value_type=value_type, cohort=cohort) == expected


@pytest.mark.parametrize("value_type, value, text", [
    ("percent", 55.0, "55%"), ("ratio", 0.48, "0.48"),
])
def test_percentages_and_ratios_follow_the_cohort_rule(value_type, value, text) -> None:
    results = [shown_one(value=value, value_type=value_type, cohort=c) for c in (0, 1, 9, 10)]
    assert results == ["[z]", "[c]", "[c]", text]


def test_a_hidden_value_is_emptied_in_the_frame_too() -> None:
    out = disclose(frame(row(3), row(452.0, "mean", cohort=9), row(40)), POLICY)
    assert out["value"].isna().tolist() == [True, True, False]
    assert out["cohort"].isna().tolist() == [True, True, False]


def test_money_is_hidden_only_for_one_to_five_applications() -> None:
    results = [shown_one(value=2.0, value_type="money", cohort=c) for c in (0, 1, 5, 6)]
    assert results == ["£2", "[c]", "[c]", "£2"]


def test_money_beside_hidden_money_in_a_breakdown_is_hidden_but_not_its_total() -> None:
    # Adoption £12,000 from 40 applications, special guardianship £900 from 3: the £900 is
    # hidden, and £12,900 (the Total, the headline shown unbroken anyway) less £12,000 would
    # give it back, so the £12,000 goes too.
    money = [row(12000.0, "money", 40, breakdown="applicant", category="Adoption"),
             row(900.0, "money", 3, breakdown="applicant", category="Special guardianship"),
             row(12900.0, "money", 43, breakdown="applicant", category="Total")]
    assert shown(frame(*money)) == ["[c]", "[c]", "£12,900"]
    # Seen in full (an admin), nothing is hidden.
    assert shown(frame(*money), unsuppressed=lambda scope: True) == ["£12,000", "£900", "£12,900"]
    # Both shown when both have six or more applications.
    money[1]["cohort"] = 6.0
    assert shown(frame(*money)) == ["£12,000", "£900", "£12,900"]


def test_a_share_of_money_is_hidden_when_either_kind_of_application_is_few() -> None:
    # 12% of the pounds, from 3 special guardianship and 40 adoption applications: with the
    # pounds shown, the share would give the hidden special guardians' pounds back.
    def share(sg: float, adoption: float, cohort: float) -> str:
        return shown(frame({**row(12.4, "money_share", cohort), "part": sg, "rest": adoption}))[0]

    assert share(3, 40, 43) == "[c]"
    assert share(40, 2, 42) == "[c]"
    assert share(6, 40, 46) == "12%"
    assert share(0, 9, 9) == "[c]"  # fewer than ten applications in all


def test_a_share_of_money_keeps_its_value_when_its_counts_are_perturbed() -> None:
    # 12.4% of the pounds stays 12.4%: it is not 6 of 46 applications (13%).
    out = disclose(frame({**row(12.4, "money_share", 46), "part": 6.0, "rest": 40.0}),
                   DisclosurePolicy())
    assert out["shown"].tolist() == ["12%"] and out["value"].tolist() == [12.4]


@pytest.mark.parametrize("value, value_type, text", [
    (452.5, "mean", "453"), (452.4999, "median", "452"), (2.5, "mean", "3"),
    (0.5, "percent", "1%"), (2.5, "percent", "3%"), (99.5, "percent", "100%"),
    (0.285, "ratio", "0.29"), (1.005, "ratio", "1.01"), (0.125, "ratio", "0.13"),
    (1234.5, "money", "£1,235"),
    (1234.0, "mean", "1,234"), (-0.4, "money", "£0"), (-5.5, "money", "-£6"),
])
def test_values_round_half_up(value, value_type, text) -> None:
    assert format_value(value, value_type) == text
    assert shown_one(value=value, value_type=value_type, cohort=100) == text


def test_format_value_marks_a_missing_value_not_available() -> None:
    assert format_value(None, "count") == "[x]"
    assert format_value(float("nan"), "percent") == "[x]"
    with pytest.raises(ValueError, match="value_type"):
        format_value(1.0, "per cent")


@pytest.mark.parametrize("status, mark", [("z", "[z]"), ("x", "[x]")])
def test_status_marks_win_over_every_rule(status, mark) -> None:
    out = disclose(frame(row(None, status=status), row(3, status=status),
                         row(50.0, "percent", cohort=40, status=status)), POLICY)
    assert out["shown"].tolist() == [mark] * 3
    assert out["value"].isna().all()


def test_a_missing_value_without_a_status_is_not_available() -> None:
    assert shown(frame(row(None), row(None, "mean", cohort=40))) == ["[x]", "[x]"]


def test_a_missing_cohort_is_treated_as_too_small() -> None:
    assert shown_one(value=452.0, value_type="mean", cohort=None) == "[c]"


def test_thresholds_come_from_the_policy() -> None:
    strict = DisclosurePolicy(max_count=10, min_cohort=20, secondary_limit=50, perturb=False)
    assert shown(frame(row(8), row(11), row(452.0, "mean", cohort=15)), strict) == [
        "[c]", "11", "[c]"]
    assert shown(frame(*breakdown([3, 25, 40], 68)), strict) == ["[c]", "[c]", "40", "68"]


def test_unknown_types_and_statuses_stop_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="value_type"):
        disclose(frame(row(3, value_type="rate")), POLICY)
    with pytest.raises(ValueError, match="status"):
        disclose(frame(row(3, status="c")), POLICY)


def test_output_is_a_copy_in_the_same_order_with_the_same_index() -> None:
    data = frame(row(40), row(3), row(0)).set_axis([7, 3, 5])
    before = data.copy()
    out = disclose(data, POLICY)
    assert out.index.tolist() == [7, 3, 5]
    assert out["shown"].tolist() == ["40", "[c]", "0"]
    pd.testing.assert_frame_equal(data, before)


def test_a_fractional_count_is_judged_as_the_whole_number_shown() -> None:
    out = disclose(frame(row(0.4), row(0.5), row(5.5), row(9.5, "mean", cohort=9.4)), POLICY)
    assert out["shown"].tolist() == ["0", "[c]", "6", "[c]"]
    assert out["value"].tolist()[::2] == [0, 6]


def test_a_nullable_integer_cohort_stays_nullable_integer() -> None:
    data = frame(row(3), row(40)).astype({"cohort": "Int64"})
    out = disclose(data, POLICY)
    assert str(out["cohort"].dtype) == "Int64"
    assert out["cohort"].isna().tolist() == [True, False]


# --- secondary suppression -------------------------------------------------------------------

def test_secondary_suppression_hides_the_next_smallest_cell() -> None:
    assert shown(frame(*breakdown([3, 12, 40, 80], 135))) == ["[c]", "[c]", "40", "80", "135"]


@pytest.mark.parametrize("next_smallest", [20, 25])
def test_the_total_is_hidden_when_the_next_smallest_is_twenty_or_more(next_smallest) -> None:
    cells = [3, next_smallest, 40]
    assert shown(frame(*breakdown(cells, sum(cells)))) == ["[c]", f"{next_smallest}", "40", "[c]"]


def test_zeros_stay_zero_and_are_never_picked() -> None:
    assert shown(frame(*breakdown([0, 4, 0, 30], 34))) == ["0", "[c]", "0", "30", "[c]"]


def test_two_hidden_cells_that_must_both_be_one_hide_the_total() -> None:
    # Two [c] cells summing to 2 are both 1, since a hidden cell is never 0.
    assert shown(frame(*breakdown([1, 1, 40, 80], 122))) == ["[c]", "[c]", "40", "80", "[c]"]


def test_two_primary_cells_already_protect_each_other() -> None:
    assert shown(frame(*breakdown([2, 3, 40], 45))) == ["[c]", "[c]", "40", "45"]


def test_ties_pick_the_first_cell_and_larger_cells_stay_shown() -> None:
    assert shown(frame(*breakdown([12, 3, 12, 15], 42))) == ["[c]", "[c]", "12", "15", "42"]


def test_a_breakdown_without_a_total_row_gets_no_secondary_suppression() -> None:
    assert shown(frame(*breakdown([3, 12, 40]))) == ["[c]", "12", "40"]


def test_a_breakdown_of_a_hidden_total_is_hidden_whole_its_zeros_too() -> None:
    # With the 0 shown, a Total of at most 5 over two [c] cells leaves them 1 to 4 each; with
    # five [c] cells under it and the rest 0, each would be 1.
    assert shown(frame(*breakdown([2, 1, 0], 3))) == ["[c]", "[c]", "[c]", "[c]"]
    assert shown(frame(*breakdown([1, 1, 1, 1, 1, 0], 5))) == ["[c]"] * 7


def test_a_breakdown_of_an_average_with_a_hidden_total_hides_its_empty_categories() -> None:
    rows = [row(12.0, "mean", cohort=5, breakdown="age", category="a"),
            row(None, "mean", cohort=0, breakdown="age", category="b", status="z"),
            row(12.0, "mean", cohort=5, breakdown="age", category="Total")]
    assert shown(frame(*rows)) == ["[c]", "[c]", "[c]"]


def test_a_ceiling_pinned_pair_hides_the_total() -> None:
    # With max_count 10 and secondary_limit 11, every [c] is at most 10: two summing to 20 are 10.
    policy = DisclosurePolicy(max_count=10, secondary_limit=11, perturb=False)
    assert shown(frame(*breakdown([10, 10, 40], 60)), policy) == ["[c]", "[c]", "40", "[c]"]


def test_each_scope_and_quarter_is_its_own_breakdown() -> None:
    data = frame(*breakdown([3, 12, 40], 55, scope="942"),
                 *breakdown([30, 12, 40], 82, scope="909"),
                 *breakdown([30, 12, 3], 45, scope="942", quarter="2024-25 Q2"))
    assert shown(data) == ["[c]", "[c]", "40", "55",
                           "30", "12", "40", "82",
                           "30", "[c]", "[c]", "45"]


def test_averages_in_a_breakdown_get_no_secondary_suppression() -> None:
    data = frame(row(452.0, "mean", cohort=4, breakdown="age", category="band 0"),
                 row(300.0, "mean", cohort=12, breakdown="age", category="band 1"),
                 row(320.0, "mean", cohort=16, breakdown="age", category="Total"))
    assert shown(data) == ["[c]", "300", "320"]


# --- public mode and unsuppressed scopes -----------------------------------------------------

def test_public_mode_rounds_regional_and_england_counts_only() -> None:
    data = frame(row(2943, scope="region:North West", scope_kind="region"),
                 row(15, scope="england", scope_kind="england"),
                 row(2943), row(2943, scope="RAA1", scope_kind="raa"))
    out = disclose(data, PUBLIC)
    assert out["shown"].tolist() == ["2,940", "20", "2,943", "2,943"]
    assert out["value"].tolist() == [2940, 20, 2943, 2943]
    assert out["cohort"].tolist() == [2940, 20, 2943, 2943]
    assert shown(data, POLICY)[:2] == ["2,943", "15"]


def test_public_mode_decides_suppression_before_rounding() -> None:
    region = dict(scope="region:North West", scope_kind="region")
    data = frame(row(5, **region), *breakdown([3, 12, 40], 55, **region))
    assert shown(data, PUBLIC) == ["[c]", "[c]", "[c]", "40", "60"]


def test_public_mode_rounds_the_cohort_behind_a_regional_average() -> None:
    out = disclose(frame(row(55.0, "percent", cohort=2943, scope="england",
                             scope_kind="england")), PUBLIC)
    assert out["shown"].tolist() == ["55%"]
    assert out["cohort"].tolist() == [2940]


def test_unsuppressed_scopes_are_shown_in_full_and_formatted() -> None:
    mine = frame(row(3, scope="840"), row(452.5, "mean", cohort=4, scope="840"),
                 row(452.0, "mean", cohort=0, scope="840"),
                 *breakdown([3, 12, 40], 55, scope="840"), row(3, scope="841"))
    assert shown(mine, unsuppressed=lambda scope: scope == "840") == [
        "3", "453", "[z]", "3", "12", "40", "55", "[c]"]


def test_public_mode_ignores_unsuppressed_scopes() -> None:
    assert shown(frame(row(3, scope="840")), PUBLIC, unsuppressed=lambda s: True) == ["[c]"]


def test_the_key_names_every_symbol() -> None:
    assert set(SYMBOLS) == {"[c]", "[z]", "[x]"}
    assert SYMBOLS["[c]"].startswith("confidential")
    assert SYMBOLS["[z]"] == "not applicable" and SYMBOLS["[x]"] == "not available"


# --- properties ------------------------------------------------------------------------------

def attacker_range(hidden: int, remainder: float, ceiling: int) -> tuple[float, float]:
    """Smallest and largest value one of `hidden` [c] cells can hold, given they sum to
    `remainder`, each is at least 1 (zeros are shown) and at most `ceiling`."""
    return max(1, remainder - (hidden - 1) * ceiling), min(ceiling, remainder - (hidden - 1))


# Thresholds' edges next to any count, so zeros, primaries and the limit of 20 come up often.
cell_counts = st.one_of(st.sampled_from([0, 1, 2, 5, 6, 19, 20]), st.integers(0, 60))
policies = st.builds(DisclosurePolicy, max_count=st.integers(1, 12),
                     secondary_limit=st.integers(1, 25), perturb=st.just(False))


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(cell_counts, min_size=2, max_size=8),
       policy=st.one_of(st.just(POLICY), policies))
def test_no_hidden_cell_can_be_worked_out_from_the_total(cells, policy) -> None:
    total = sum(cells)
    text = shown(frame(*breakdown(cells, total)), policy)
    cell_text, total_text = text[:-1], text[-1]
    hidden = [v for v, t in zip(cells, cell_text) if t == "[c]"]
    assert all(t == "[c]" or t == f"{v:,}" for v, t in zip(cells, cell_text))
    assert all(t == "[c]" for v, t in zip(cells, cell_text) if 1 <= v <= policy.max_count)
    if 1 <= total <= policy.max_count:  # a hidden Total hides its breakdown whole
        assert text == ["[c]"] * len(text)
        return
    assert all(t == "0" for v, t in zip(cells, cell_text) if v == 0)
    if total_text != "[c]" and hidden:
        assert len(hidden) >= 2
        remainder = total - sum(v for v, t in zip(cells, cell_text) if t != "[c]")
        low, high = attacker_range(len(hidden), remainder, policy.largest_hidden)
        assert low < high, (cells, text)


row_strategy = st.builds(
    row,
    value=st.one_of(st.none(), st.integers(0, 3000), st.floats(0, 3000)),
    value_type=st.sampled_from(["count", "mean", "median", "percent", "ratio", "money"]),
    cohort=st.one_of(st.none(), st.integers(0, 3000)),
    scope_kind=st.sampled_from(["la", "raa", "vaa", "region", "england"]),
    breakdown=st.sampled_from(["", "age"]),
    category=st.sampled_from(["", "band 0", "band 1", "Total"]),
    status=st.sampled_from(["", "", "", "z", "x"]),
)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(row_strategy, min_size=1, max_size=30), public=st.booleans())
def test_no_count_from_one_to_five_and_no_small_average_is_ever_shown(rows, public) -> None:
    data = frame(*rows)
    data["scope"] = data["scope_kind"]  # one scope per kind keeps the breakdowns' Totals unique
    data = data.drop_duplicates(["scope", "breakdown", "category"])
    out = disclose(data, DisclosurePolicy(public=public, perturb=False))
    visible = out[~out["shown"].isin(list(SYMBOLS))]
    counts = visible.loc[visible["value_type"] == "count", "shown"].str.replace(",", "")
    assert not counts.astype(float).between(1, 5).any()
    averages = visible[visible["value_type"].isin(["mean", "median", "percent", "ratio"])]
    assert (averages["cohort"] >= 10).all()
    assert visible["value"].notna().all()


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(row_strategy, min_size=1, max_size=30), public=st.booleans(),
       open_kinds=st.sets(st.sampled_from(["la", "raa", "region"])))
def test_columns_not_yet_a_frame_are_disclosed_exactly_as_the_frame(rows, public,
                                                                     open_kinds) -> None:
    """The pages disclose their rows before they are a frame (`disclose_columns`); the data API's
    exports and tests disclose frames. Both must decide every cell alike."""
    data = frame(*rows)
    data["scope"] = data["scope_kind"]
    data = data.drop_duplicates(["scope", "breakdown", "category"]).reset_index(drop=True)
    policy, unsuppressed = DisclosurePolicy(public=public, perturb=False), open_kinds.__contains__
    expected = disclose(data, policy, unsuppressed)
    columns = {c: data[c].tolist() for c in data.columns}
    columns["value"], columns["cohort"] = data["value"].to_numpy(), data["cohort"].to_numpy()
    value, cohort, text = disclose_columns(columns, policy, unsuppressed)
    assert text.tolist() == expected["shown"].tolist()
    np.testing.assert_array_equal(value, expected["value"].to_numpy())
    np.testing.assert_array_equal(cohort, expected["cohort"].to_numpy())


def test_columns_missing_a_needed_one_are_refused() -> None:
    columns = {c: [v] for c, v in row().items() if c != "status"}
    with pytest.raises(ValueError, match=r"disclose needs columns \['status'\]"):
        disclose_columns(columns, POLICY)


def test_counts_of_agencies_are_never_suppressed():
    frame = pd.DataFrame({
        "scope": ["AC2C"], "scope_name": ["Adopt Coast to Coast"], "scope_kind": ["raa"],
        "quarter": ["2024-25 Q3"], "breakdown": [""], "category": [""], "value": [3.0],
        "cohort": [4.0], "missing_returns": [1], "value_type": ["agencies"], "status": [""],
    })
    out = disclose(frame, DisclosurePolicy(perturb=False))
    assert out["shown"].tolist() == ["3"]
    assert out["value"].tolist() == [3.0]


def test_money_moves_by_five_to_fifteen_percent_by_its_cell_key() -> None:
    from metrics.perturbation import perturb_money

    keys = np.arange(256)
    moved = perturb_money(np.full(256, 10000.0), keys)
    change = np.abs(moved - 10000.0)
    # 5% to 15% of £10,000, to the nearest £10; never exact, both ways, the same key the same
    assert change.min() >= 500 and change.max() <= 1500
    assert (moved > 10000).any() and (moved < 10000).any()
    assert (perturb_money(np.full(256, 10000.0), keys) == moved).all()
    assert (moved % 10 == 0).all()
    assert np.isnan(perturb_money(np.array([np.nan]), np.array([3])))[0]
    assert perturb_money(np.array([0.0]), np.array([3]))[0] == 0.0


def test_a_hidden_agencys_pounds_cannot_be_had_by_differencing_the_regions() -> None:
    # The region's £20,000 is its two agencies': A £19,000 (40 applications, shown) and B £1,000
    # (3 applications, hidden). Shown exact, £20,000 - £19,000 would give B's £1,000 back.
    perturbing = DisclosurePolicy(perturb=True)
    region = {**row(20000.0, "money", 43), "scope": "region:X", "cell_key": 7}
    agency = {**row(19000.0, "money", 40), "scope": "A", "cell_key": 200}
    hidden = {**row(1000.0, "money", 3), "scope": "B", "cell_key": 90}
    out = disclose(frame(region, agency, hidden), perturbing)
    assert out["shown"].iloc[2] == "[c]"
    # Key 7: up 5 + 10 * 3/63 %, £21,095 to the nearest £10; key 200: down 5 + 10 * 36/63 %,
    # £16,964 to the nearest £10. Their difference, £4,140, says nothing of B's £1,000.
    assert out["shown"].iloc[:2].tolist() == ["£21,100", "£16,960"]
