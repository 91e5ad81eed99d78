"""Which figures of a frame come from incomplete returns, and what the chart says of them.

A row is incomplete when an expected return behind it is missing (`returns_missing`, counted
as the Data quality page counts returns: each expected agency once a quarter), when some LA or
agency it counts is not covered (`missing_returns`: no return, or one whose format does not
carry the figure), or when a return behind it is partial. Figures draw such a point hollow, or
such a bar white and hatched, and write one note on the chart naming the missing agencies
("1 of 5 returns missing: Aspire"); titles and captions say the same in their words. Imports
pandas, numpy and metrics only.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from metrics.registry import MEASURES
from metrics.rows import LA_TABLES

FLAG_COLUMNS = ("returns_missing", "missing_returns", "partial_returns")


def _count(row: Mapping, column: str) -> int:
    value = row.get(column)
    return int(value) if value is not None and pd.notna(value) else 0


def is_incomplete(row: Mapping) -> bool:
    return any(_count(row, c) > 0 for c in FLAG_COLUMNS)


def incomplete_flags(frame: pd.DataFrame) -> np.ndarray:
    """One flag per row of the frame: its figure comes from incomplete returns."""
    flags = np.zeros(len(frame), dtype=bool)
    for column in FLAG_COLUMNS:
        if column in frame:
            values = frame[column].to_numpy()
            if values.dtype.kind not in "iu":  # a frame built by hand, or with gaps
                values = pd.to_numeric(frame[column]).fillna(0).to_numpy()
            flags |= values > 0
    return flags


def returns_words(row: Mapping, named: bool = True) -> str:
    """What is incomplete behind one row: `1 of 5 returns missing: Aspire` (with `named`),
    `1 partial return`, or `2 LAs not counted` (their returns' format does not carry the
    figure); "" when complete."""
    parts = []
    missing, expected = _count(row, "returns_missing"), _count(row, "returns_expected")
    if missing:
        names = row.get("returns_missing_names") or ""
        parts.append(f"{missing} of {expected} returns missing" + (f": {names}" if names and named else ""))
    partial = _count(row, "partial_returns")
    if partial:
        parts.append(f"{partial} partial return{'' if partial == 1 else 's'}")
    uncovered = _count(row, "missing_returns")
    if uncovered and not missing:
        measure = MEASURES.get(str(row.get("measure", "")))
        las = measure is None or measure.table in LA_TABLES
        unit = ("LA" if uncovered == 1 else "LAs") if las else ("agency" if uncovered == 1 else "agencies")
        parts.append(f"{uncovered} {unit} not counted")
    return "; ".join(parts)


WORD_COLUMNS = ("returns_missing", "returns_expected", "returns_missing_names", "missing_returns",
                "partial_returns", "measure")


def _columns(frame: pd.DataFrame, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The frame's columns of `names` it has, as plain arrays (a frame's own selection and row
    access cost more than the words they are for)."""
    return {c: frame[c].to_numpy(dtype=object) for c in names if c in frame}


def _flagged_words(frame: pd.DataFrame, flags: np.ndarray, named: bool = True) -> dict[int, str]:
    """returns_words of each flagged row, by position; rows alike are worded once (a trend's
    quarters share their returns' words)."""
    columns = _columns(frame, WORD_COLUMNS)
    said: dict[tuple, str] = {}
    out = {}
    for at in np.flatnonzero(flags):
        row = {c: values[at] for c, values in columns.items()}
        key = tuple(row.values())
        if key not in said:
            said[key] = returns_words(row, named)
        out[int(at)] = said[key]
    return out


def hover_words(frame: pd.DataFrame, flags: np.ndarray | None = None) -> list[str]:
    """Each row's addition to its point's hover text: ` (incomplete: 1 of 5 returns missing:
    Aspire)`, or "" (`flags`: the frame's incomplete_flags, when known)."""
    flags = incomplete_flags(frame) if flags is None else flags
    if not flags.any():
        return [""] * len(frame)
    words = _flagged_words(frame, flags)
    return [f" (incomplete: {words[n]})" if n in words else "" for n in range(len(frame))]


def chart_note(frame: pd.DataFrame, how: str, flags: np.ndarray | None = None) -> str:
    """The chart's note of its latest incomplete figure: `Hollow: 1 of 5 returns missing:
    Aspire (South East, 2025-26 Q1)`, and how many other figures drawn are marked; "" when
    none. `how` names the mark ("Hollow points", "Hatched bars")."""
    flags = incomplete_flags(frame) if flags is None else flags
    if not flags.any():
        return ""
    at = _columns(frame, ("value", "quarter", "scope", "scope_name", "measure"))
    # Only figures drawn are marked: [x] and [c] are gaps that say their own reason.
    drawn = flags & pd.notna(at["value"]) if "value" in at else flags
    if not drawn.any():
        return ""
    pick = drawn
    if "quarter" in at:
        pick = pick & (at["quarter"] == max(at["quarter"][pick], key=str))
    first = int(np.flatnonzero(pick)[0])
    where = ", ".join(str(at[c][first]) for c in ("scope_name", "quarter") if c in at)
    counted = np.flatnonzero(drawn)
    keys = [at[c] for c in ("scope", "quarter", "measure") if c in at]
    others = len({tuple(k[n] for k in keys) for n in counted}) - 1 if keys else 0
    more = f"; {others} other figure{'' if others == 1 else 's'} marked" if others > 0 else ""
    only = np.zeros(len(frame), dtype=bool)
    only[first] = True
    words = _flagged_words(frame, only)[first]
    return f"{how}: {words}" + (f" ({where})" if where else "") + more
