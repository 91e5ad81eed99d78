"""Formula escaping of exported cells, and the row fields every export carries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.export import ESCAPE, FORMULA_TRIGGERS, ROW_FIELDS, escape_formulas, export_rows

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_each_trigger_character_is_escaped(trigger: str) -> None:
    cell = f"{trigger}HYPERLINK(\"http://x\",\"y\")"
    out = escape_formulas(pd.DataFrame({"name": [cell]}))
    assert out["name"].tolist() == ["'" + cell]


def test_the_trigger_list_is_the_spec_s() -> None:
    assert sorted(FORMULA_TRIGGERS) == sorted(TRIGGERS) and ESCAPE == "'"


def test_safe_text_and_triggers_later_in_the_text_are_left_alone() -> None:
    cells = ["Birmingham", "a=b", " =1", "2,940", "[c]", "'=already", ""]
    out = escape_formulas(pd.DataFrame({"name": cells}))
    assert out["name"].tolist() == cells


def test_numbers_are_untouched_negative_ones_too() -> None:
    frame = pd.DataFrame({"n": [-5, 3, 0], "x": [-1.5, np.nan, 2.0], "b": [True, False, True]})
    out = escape_formulas(frame)
    pd.testing.assert_frame_equal(out, frame)


def test_gaps_stay_gaps() -> None:
    frame = pd.DataFrame({"name": ["=1", None, np.nan, "ok"]}, dtype=object)
    out = escape_formulas(frame)
    assert out["name"].iloc[0] == "'=1" and out["name"].iloc[3] == "ok"
    assert out["name"].iloc[1] is None and pd.isna(out["name"].iloc[2])
    strings = pd.DataFrame({"name": pd.array(["=1", pd.NA], dtype="string")})
    assert escape_formulas(strings)["name"].tolist() == ["'=1", pd.NA]


def test_a_mixed_object_column_escapes_only_its_text() -> None:
    frame = pd.DataFrame({"mix": [-5, "-5", "@x", 2.5, None, "fine"]}, dtype=object)
    out = escape_formulas(frame)["mix"].tolist()
    assert out == [-5, "'-5", "'@x", 2.5, None, "fine"]
    assert isinstance(out[0], int)  # the number stays a number


def test_an_object_column_without_text_is_left_alone() -> None:
    frame = pd.DataFrame({"ints": pd.Series([-1, 2], dtype=object), "none": [None, None]})
    pd.testing.assert_frame_equal(escape_formulas(frame), frame)


def test_text_columns_of_every_dtype_and_the_input_is_not_changed() -> None:
    frame = pd.DataFrame({
        "str": pd.Series(["=a", "b"], dtype="str"),
        "string": pd.Series(["+a", "b"], dtype="string"),
        "category": pd.Categorical(["-a", "b"]),
        "count": [-1, 1],
    })
    before = frame.copy()
    out = escape_formulas(frame)
    assert out["str"].tolist() == ["'=a", "b"]
    assert out["string"].tolist() == ["'+a", "b"]
    assert out["category"].tolist() == ["'-a", "b"]
    assert out["count"].tolist() == [-1, 1]
    pd.testing.assert_frame_equal(frame, before)


cells = st.one_of(
    st.text(max_size=12),
    st.builds(lambda t, rest: t + rest, st.sampled_from(TRIGGERS), st.text(max_size=8)),
    st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=False),
    st.none(),
)


@given(st.lists(cells, min_size=1, max_size=20))
def test_no_escaped_text_cell_starts_with_a_trigger(values: list) -> None:
    frame = pd.DataFrame({"cell": pd.Series(values, dtype=object)})
    out = escape_formulas(frame)["cell"].tolist()
    for before, after in zip(values, out):
        if isinstance(before, str):
            assert not after.startswith(tuple(TRIGGERS))
            assert after in (before, "'" + before)
        else:
            assert after == before or (pd.isna(after) and pd.isna(before))


@given(st.lists(st.text(max_size=12), min_size=1, max_size=20))
def test_no_escaped_str_column_cell_starts_with_a_trigger(values: list[str]) -> None:
    out = escape_formulas(pd.DataFrame({"cell": pd.Series(values, dtype="str")}))["cell"]
    assert not out.str.startswith(tuple(TRIGGERS)).any()
    assert all(after in (before, "'" + before) for after, before in zip(out, values))


def test_export_rows_keeps_the_contract_fields_as_plain_values() -> None:
    frame = pd.DataFrame({
        "scope": ["england", "england"], "scope_name": ["England", "England"],
        "scope_kind": ["england", "england"], "quarter": ["2025-26 Q1"] * 2,
        "breakdown": ["", ""], "category": ["", ""], "value": [2940.0, np.nan],
        "cohort": [2940.0, np.nan], "missing_returns": [0, 3], "value_type": ["count"] * 2,
        "status": ["", ""], "shown": ["2,940", "[c]"], "partial_returns": [0, 1],
    })
    rows = export_rows(frame)
    assert tuple(rows.columns) == ROW_FIELDS
    first, second = rows.to_dict("records")
    assert first["value"] == 2940 and isinstance(first["value"], int)
    assert second["value"] is None and second["cohort"] is None
    assert [type(v) for v in rows["missing_returns"]] == [int, int]
    assert rows["partial_returns"].tolist() == [0, 1]
    assert export_rows(frame.assign(value=[233.5, 1e20]))["value"].tolist() == [233.5, 10**20]
