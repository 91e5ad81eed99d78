"""The cell key method (metrics.perturbation) and how disclosure control uses it: the same
records always show the same number, no shown count strays further than the published table
allows, and what an analyst or admin sees of their own agencies stays exact. Each database's
secret, made once, is tests/db/test_disclosure_secret.py's."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics.disclosure import PROTECTION_COLUMNS, DisclosurePolicy, disclose
from metrics.perturbation import (
    KEYS, MAX_NOISE, NOISE_WEIGHTS, PTABLE, SMALLEST_SHOWN, cell_key, perturb, possible_counts,
    record_keys,
)

POLICY = DisclosurePolicy()


def row(value: float, value_type: str = "count", cohort: float | None = None, *, key: int = 7,
        scope: str = "942", scope_kind: str = "la", breakdown: str = "", category: str = "",
        status: str = "", part: float = np.nan, part_key: int = -1, rest: float = np.nan,
        rest_key: int = -1, enclosing: float = np.nan) -> dict:
    return dict(scope=scope, scope_name=scope, scope_kind=scope_kind, quarter="2024-25 Q3",
                breakdown=breakdown, category=category, value=float(value),
                cohort=float(value if cohort is None else cohort), missing_returns=0,
                value_type=value_type, status=status, cell_key=key, part=part, part_key=part_key,
                rest=rest, rest_key=rest_key, enclosing=enclosing)


def disclosed(*rows: dict, policy: DisclosurePolicy = POLICY, **kwargs) -> pd.DataFrame:
    return disclose(pd.DataFrame(list(rows)), policy, **kwargs)


# --- the table -------------------------------------------------------------------------------

def test_the_table_gives_each_noise_the_published_share_of_keys() -> None:
    far_from_the_floor = Counter(PTABLE[MAX_NOISE].tolist())
    assert far_from_the_floor == NOISE_WEIGHTS
    assert sum(NOISE_WEIGHTS.values()) == KEYS
    # near the smallest shown count, noise that would go below it is given to 0
    assert Counter(PTABLE[0].tolist()) == {0: 221, 1: 30, 2: 4, 3: 1}


@settings(max_examples=300, deadline=None)
@given(count=st.integers(0, 5000), key=st.integers(0, KEYS - 1))
def test_a_count_moves_at_most_three_and_never_into_the_hidden_range(count, key) -> None:
    moved = perturb(np.array([count]), np.array([key]))[0]
    if count < SMALLEST_SHOWN:
        assert moved == count  # 0 stays 0; hidden counts are never shown anyway
    else:
        assert abs(moved - count) <= MAX_NOISE and moved >= SMALLEST_SHOWN
        assert count in possible_counts(int(moved))  # what a reader is told a shown count means


def test_record_keys_are_fixed_by_the_secret_and_spread_over_every_key() -> None:
    ids = pd.DataFrame({"la": ["942"] * 5000, "child": [f"C{i}" for i in range(5000)]})
    first, again = record_keys(ids, b"secret one"), record_keys(ids, b"secret one")
    other = record_keys(ids, b"secret two")
    assert first.dtype == np.uint8 and (first == again).all()
    assert (first != other).mean() > 0.9  # another secret, other keys: nobody can work them out
    counts = np.bincount(first, minlength=KEYS)
    assert counts.min() > 0 and counts.max() < 3 * counts.mean()


def test_a_cell_key_is_its_records_keys_added_up() -> None:
    assert cell_key(np.array([200, 100, 3], dtype=np.uint8)) == (303 % KEYS)
    assert cell_key(np.array([], dtype=np.uint8)) == 0


# --- disclosure with the table ---------------------------------------------------------------

def test_the_same_records_show_the_same_number_wherever_they_are_asked_for() -> None:
    # a headline, a breakdown's Total and a series point of the same children: one key, one count
    out = disclosed(row(40, key=91), row(40, key=91, breakdown="age", category="Total"),
                    row(40, key=92))
    assert out["shown"][0] == out["shown"][1]
    assert {out["value"][0], out["value"][2]} <= set(range(37, 44))


def test_a_viewer_sees_perturbed_counts_and_cohorts_and_an_analyst_their_own_exactly() -> None:
    keys = range(KEYS)
    rows = [row(50, key=k) for k in keys]
    viewer = disclosed(*rows)
    own = disclosed(*rows, unsuppressed=lambda scope: True)
    assert (own["value"] == 50).all() and (own["shown"] == "50").all()
    moved = viewer["value"] - 50
    assert Counter(moved.astype(int).tolist()) == NOISE_WEIGHTS  # every key: the table
    assert (viewer["cohort"] == viewer["value"]).all()  # a count's cohort is the count
    assert not set(PROTECTION_COLUMNS) & set(viewer.columns)


def test_a_percentage_is_worked_out_from_its_perturbed_counts() -> None:
    # 30 of 60 records; the part and the cohort move by their own keys
    out = disclosed(row(50.0, "percent", 60, key=3, part=30, part_key=200, rest=30, rest_key=59))
    part = perturb(np.array([30.0]), np.array([200]))[0]
    cohort = perturb(np.array([60.0]), np.array([3]))[0]
    assert out["cohort"][0] == cohort
    assert out["value"][0] == pytest.approx(100 * part / cohort)


@pytest.mark.parametrize("part, rest", [(3, 40), (40, 3), (5, 6), (1, 1000)])
def test_a_share_is_hidden_when_it_would_reveal_a_hidden_count(part, rest) -> None:
    # sgo_share 9 of 11 with 2 adoption orders hidden, say: the share and cohort give the 2
    share = row(100 * part / (part + rest), "percent", part + rest, part=part, part_key=1,
                rest=rest, rest_key=2)
    assert disclosed(share)["shown"][0] == "[c]"


def test_a_ratio_is_hidden_when_its_numerator_is_a_hidden_count() -> None:
    ratio = row(0.3, "ratio", 10, part=3, part_key=4)
    assert disclosed(ratio)["shown"][0] == "[c]"
    shown = row(0.6, "ratio", 30, part=18, part_key=4)
    assert disclosed(shown)["shown"][0] != "[c]"


def test_a_mean_is_given_to_the_whole_day_its_cohort_perturbed() -> None:
    out = disclosed(row(452.5714, "mean", 14, key=9))
    assert out["value"][0] == 453.0 and out["shown"][0] == "453"
    assert out["cohort"][0] == perturb(np.array([14.0]), np.array([9]))[0]


def test_inside_an_area_whose_count_is_hidden_every_cell_is_hidden_zeros_too() -> None:
    out = disclosed(row(0, enclosing=3), row(2, enclosing=3), row(0, enclosing=0),
                    row(0, enclosing=12))
    assert out["shown"].tolist() == ["[c]", "[c]", "0", "0"]


def test_an_average_inside_an_area_with_a_hidden_cohort_is_hidden_nothing_to_average_too() -> None:
    empty = row(np.nan, "mean", 0, status="z", enclosing=4)
    structural = row(np.nan, "mean", np.nan, status="z", enclosing=4)  # not this kind of area
    assert disclosed(empty, structural)["shown"].tolist() == ["[c]", "[z]"]


def test_public_mode_rounds_a_region_s_perturbed_count_to_ten() -> None:
    out = disclosed(row(1234, scope="region:North East", scope_kind="region", key=0),
                    policy=DisclosurePolicy(public=True))
    assert out["value"][0] % 10 == 0 and abs(out["value"][0] - 1234) <= 5 + MAX_NOISE
