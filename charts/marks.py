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
            flags |= pd.to_numeric(frame[column]).fillna(0).to_numpy() > 0
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


def hover_words(frame: pd.DataFrame) -> list[str]:
    """Each row's addition to its point's hover text: ` (incomplete: 1 of 5 returns missing:
    Aspire)`, or ""."""
    flags = incomplete_flags(frame)
    if not flags.any():
        return [""] * len(frame)
    records = frame.to_dict("records")
    return [f" (incomplete: {returns_words(r)})" if f else "" for r, f in zip(records, flags)]


def chart_note(frame: pd.DataFrame, how: str) -> str:
    """The chart's note of its latest incomplete figure: `Hollow: 1 of 5 returns missing:
    Aspire (South East, 2025-26 Q1)`, and how many other figures are marked; "" when none.
    `how` names the mark ("Hollow", "Hatched")."""
    flags = incomplete_flags(frame)
    if not flags.any():
        return ""
    marked = frame[flags]
    shown = marked[marked["value"].notna()] if "value" in marked else marked
    pick = shown if len(shown) else marked
    if "quarter" in pick:
        pick = pick[pick["quarter"] == max(pick["quarter"], key=str)]
    row = pick.iloc[0].to_dict()
    where = ", ".join(str(row[c]) for c in ("scope_name", "quarter") if c in row)
    # Other marked figures drawn ([x] and [c] are not drawn, so not marked).
    points = pick if not len(shown) else shown
    points = points.drop_duplicates([c for c in ("scope", "quarter", "measure") if c in points])
    others = len(points) - 1
    more = f"; {others} other figure{'' if others == 1 else 's'} marked" if others > 0 else ""
    return f"{how}: {returns_words(row)}" + (f" ({where})" if where else "") + more
