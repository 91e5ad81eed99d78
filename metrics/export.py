"""What leaves the server as data: the rows of a disclosed measure frame, and formula escaping.

`export_rows` picks the contract's row fields from a frame that `disclose` has been through, so
the data API and every chart download carry the same columns. `escape_formulas` makes text safe
to open in a spreadsheet: a cell that begins with =, +, -, @, tab or carriage return would be
run as a formula, so it gets a leading single quote (the OWASP advice Superset follows). Pure
pandas and numpy; imports nothing of ours.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

ROW_FIELDS = (
    "scope", "scope_name", "quarter", "breakdown", "category", "value", "shown", "cohort",
    "missing_returns", "not_available_reason", "partial_returns",
)  # fmt: skip
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def file_name(*parts: str) -> str:
    """Parts joined by `_`, each cut down to letters, digits, `_`, `.` and `-` so that no name
    can break a download's header: `children_waiting_region-North-East_2025-26-Q1`."""
    return "_".join(re.sub(r"[^A-Za-z0-9_.-]+", "-", part).strip("-") for part in parts)


def export_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The contract's row fields of a disclosed frame, numbers as plain Python values.

    Whole numbers become ints (a count reads `2940`, not `2940.0`); gaps become None, which
    JSON writes as null and CSV and XLSX as an empty cell. Nothing is rounded.
    """
    if "not_available_reason" not in frame:  # rows made before figures said why they are [x]
        frame = frame.assign(not_available_reason="")
    rows = frame.loc[:, list(ROW_FIELDS)].reset_index(drop=True)
    return rows.assign(
        value=plain_numbers(rows["value"]),
        cohort=plain_numbers(rows["cohort"]),
        missing_returns=plain_numbers(rows["missing_returns"]),
        partial_returns=plain_numbers(rows["partial_returns"]),
    )


def plain_numbers(values: pd.Series) -> pd.Series:
    """Floats as an object column of int (whole numbers), float (others) and None (gaps)."""
    numbers = pd.to_numeric(values).to_numpy(dtype=float, na_value=np.nan)
    out = np.array(numbers.tolist(), dtype=object)  # Python floats, which json can write
    gap = np.isnan(numbers)
    whole = ~gap & (np.mod(numbers, 1, where=~gap, out=np.ones_like(numbers)) == 0)
    whole &= np.abs(np.where(gap, 0, numbers)) < 2**53  # beyond this a float is no exact int
    out[whole] = [int(n) for n in numbers[whole]]
    out[gap] = None
    return pd.Series(out, index=values.index, dtype=object)


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell that a spreadsheet would run as a formula quoted.

    Only text columns (object, str or categorical) are looked at; numeric columns pass
    untouched, so -5 stays the number -5. In a mixed object column only the str cells change.
    """
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        elif not (column.dtype == object or isinstance(column.dtype, pd.StringDtype)):
            continue
        try:
            risky = column.str.startswith(FORMULA_TRIGGERS, na=False).astype(bool)
        except AttributeError:  # an object column with no text in it (all numbers, dates ...)
            continue
        if risky.any():
            column = column.copy()
            column[risky] = ESCAPE + column[risky]
            out[name] = column
    return out
