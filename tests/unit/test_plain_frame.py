"""`plain_frame`, the engine's quick frame builder: the same rows as `pd.DataFrame` would
build from the same columns, with text as Python strings (object dtype) and numbers as given."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.engine import plain_frame


def test_plain_frame_holds_what_pandas_would_build_with_text_as_objects():
    columns = {
        "scope": ["304", "ALS", "england"],
        "value": np.array([12.0, np.nan, 4.5]),
        "missing_returns": np.array([0, 2, 0], dtype=np.int64),
        "shown": np.array(["12", "[c]", "4.5"], dtype=object),
        "measure": "children_waiting",  # one value for every row
    }
    frame = plain_frame(columns)
    expected = pd.DataFrame({**columns, "measure": ["children_waiting"] * 3})
    assert list(frame.columns) == ["scope", "value", "missing_returns", "shown", "measure"]
    assert frame.index.equals(pd.RangeIndex(3))
    assert frame.dtypes.to_dict() == {"scope": object, "value": np.float64, "missing_returns": np.int64,
                                      "shown": object, "measure": object}
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False)
    assert frame.loc[1, "shown"] == "[c]" and np.isnan(frame.loc[1, "value"])
    # One block per dtype, as pandas keeps a frame it built itself.
    assert len(frame._mgr.blocks) == 3


def test_plain_frame_of_no_rows_keeps_its_columns():
    frame = plain_frame({"scope": [], "value": np.array([], dtype=float), "measure": "x"})
    assert list(frame.columns) == ["scope", "value", "measure"] and frame.empty


def test_plain_frame_refuses_columns_of_different_lengths():
    with pytest.raises(ValueError, match="different lengths"):
        plain_frame({"scope": ["304", "ALS"], "value": np.array([1.0])})
