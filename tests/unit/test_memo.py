"""The bounded memos a worker keeps between requests: oldest use dropped first, by count and,
for the rows a page's measures share, by the bytes they hold (a worker's memory target is
kept by these bounds, bench/scale.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from db.measure_data import LruMemo, footprint
from metrics.tallies import Tally


def test_the_oldest_use_goes_first_when_full():
    memo = LruMemo(2)
    memo["a"], memo["b"] = 1, 2
    assert memo.get("a") == 1  # a is now the newest use
    memo["c"] = 3
    assert sorted(memo) == ["a", "c"]


def test_a_byte_budget_drops_the_oldest_until_the_rest_fit():
    memo = LruMemo(100, budget=10, weigh=len)
    memo["a"], memo["b"] = "xxxx", "yyyy"  # 8 bytes
    memo["c"] = "zzzz"  # 12: a goes
    assert sorted(memo) == ["b", "c"] and memo.weight == 8
    memo["b"] = "y"  # replacing counts the new weight, not both
    assert memo.weight == 5
    del memo["c"]
    assert memo.weight == 1 and list(memo) == ["b"]


def test_one_item_above_the_budget_is_still_kept_until_the_next():
    memo = LruMemo(100, budget=3, weigh=len)
    memo["big"] = "x" * 10
    assert list(memo) == ["big"]  # a page's England rows are shared while it is drawn
    memo["small"] = "y"
    assert list(memo) == ["small"]


def test_footprint_counts_a_frames_cells_and_a_tallys_arrays():
    frame = pd.DataFrame({"a": range(1000), "b": ["x"] * 1000})
    assert footprint(frame) == 8 * 1000 * 2 + 1_000
    tally = Tally("count", np.ones(1000), record_keys=np.zeros(1000, dtype=np.uint8))
    assert footprint(tally) == 8_000 + 1_000 + 500
