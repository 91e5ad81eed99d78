"""Compute measures for selections: from the rows of current returns (a `MeasureData`) to
tidy result rows, disclosed for a caller or not.

A selection's `result` is its measure's cells (metrics.measures.FUNCTIONS) with what describes
them: the missing and partial returns behind them, `[z]` where the scope has no such rows, `[x]`
where no return carries what the figure needs, and each cell's smallest enclosing count. The
charts and the data API ask `compute_shown` (rows as a caller may see them, disclosed
together); `compute_many` gives the rows before disclosure. Which areas a chart sets a figure
beside is the chart's business (charts/frames.py). Pure: imports pandas, numpy and metrics
only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from metrics.access import Caller
from metrics.context import Context, missing_returns, not_available, partial_returns
from metrics.disclosure import PROTECTION_COLUMNS, DisclosurePolicy, disclose_columns
from metrics.measures import FUNCTIONS
from metrics.rows import MeasureData
from metrics.registry import MEASURES
from metrics.scope import Geography, Scope
from metrics.selection import Selection
from metrics.shares import share_columns
from metrics.tallies import Cell, cells_for

RESULT_COLUMNS = [
    "scope", "scope_name", "scope_kind", "quarter", "breakdown", "category", "value", "cohort",
    "missing_returns", "value_type", "status", "not_available_reason", "partial_returns",
]  # fmt: skip


@dataclass(frozen=True)
class Result:
    """One selection's cells and what describes them: a row set of RESULT_COLUMNS before it is
    a frame. Results are small and immutable, so they are what `data.memo` keeps, and a series
    of them becomes one frame at the end instead of a frame per quarter joined up."""

    scope: str
    scope_name: str
    scope_kind: str
    quarter: str
    breakdown: str
    missing_returns: int
    value_type: str
    cells: tuple[Cell, ...]
    not_available_reason: str = ""  # why the cells are [x]
    partial_returns: int = 0  # of the returns behind the cells, how many are partial


def _result_columns(results: list[Result]) -> dict[str, list | np.ndarray]:
    """The RESULT_COLUMNS of results, in order, as lists and arrays."""
    described = [(r, c) for r in results for c in r.cells]
    n = len(described)
    return {
        "scope": [r.scope for r, _ in described],
        "scope_name": [r.scope_name for r, _ in described],
        "scope_kind": [r.scope_kind for r, _ in described],
        "quarter": [r.quarter for r, _ in described],
        "breakdown": [r.breakdown for r, _ in described],
        "category": [c.category for _, c in described],
        "value": np.fromiter((c.value for _, c in described), dtype=float, count=n),
        "cohort": np.fromiter((c.cohort for _, c in described), dtype=float, count=n),
        "missing_returns": np.fromiter((r.missing_returns for r, _ in described), dtype=np.int64, count=n),
        "value_type": [r.value_type for r, _ in described],
        "status": [c.status for _, c in described],
        "not_available_reason": [r.not_available_reason if c.status == "x" else "" for r, c in described],
        "partial_returns": np.fromiter((r.partial_returns for r, _ in described), dtype=np.int64, count=n),
        # What disclosure control needs and nobody is shown (PROTECTION_COLUMNS).
        "cell_key": np.fromiter((c.key for _, c in described), dtype=np.int64, count=n),
        "part": np.fromiter((c.part for _, c in described), dtype=float, count=n),
        "part_key": np.fromiter((c.part_key for _, c in described), dtype=np.int64, count=n),
        "rest": np.fromiter((c.rest for _, c in described), dtype=float, count=n),
        "rest_key": np.fromiter((c.rest_key for _, c in described), dtype=np.int64, count=n),
        "enclosing": np.fromiter((c.enclosing for _, c in described), dtype=float, count=n),
    }


def plain_frame(columns: Mapping[str, object]) -> pd.DataFrame:
    """A frame of plain columns (lists, arrays, or one value for every row), in order, with
    its text kept as Python strings (object dtype) and nothing checked or copied again.

    pandas 3 would infer its `str` dtype for the text, an extension array a column, each
    filtered, taken and joined on its own; with its checks that made a page's two dozen small
    frames a tenth of a filter change. The values, and so every chart and file, are the same.
    `DataFrame._from_arrays` is pandas' own constructor for columns already made (pandas is
    pinned; tests/unit/test_plain_frame.py checks it against `pd.DataFrame`)."""
    lengths = {len(c) for c in columns.values() if not isinstance(c, str)}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    rows = lengths.pop() if lengths else 0
    return pd.DataFrame._from_arrays([_column(c, rows) for c in columns.values()],
                                     columns=pd.Index(list(columns)), index=pd.RangeIndex(rows),
                                     verify_integrity=False)


def _column(values: object, rows: int) -> np.ndarray:
    """A column as an array: an array as it is, text (a list, or one value) as objects."""
    if isinstance(values, np.ndarray):
        return values
    column = np.empty(rows, dtype=object)
    column[:] = values
    return column


def result_frame(results: list[Result]) -> pd.DataFrame:
    """The rows (RESULT_COLUMNS) of results, in order."""
    return plain_frame(_result_columns(results))


# More columns for a frame, worked out from its rows' breakdown and category columns (given in
# a mapping that may hold others) before it is one: `compute_shown`'s `described`.
Described = Callable[[Mapping[str, Sequence]], Mapping[str, object]]


def shown_frame(results: list[Result], caller: Caller, geography: Geography,
                policy: DisclosurePolicy, described: Described | None = None,
                shares: bool = False) -> pd.DataFrame:
    """`disclose(result_frame(results), ...)` for the caller, deciding on the columns before
    they are a frame: one frame built, not one built, read and copied (a third of a page's
    time). With `shares`, the counts disclosed are made shares of their Totals
    (metrics.shares). `described` adds columns worked out from the others, in the same build."""
    columns = _result_columns(results)
    value, cohort, shown = disclose_columns(columns, policy, caller.sees_unsuppressed(geography))
    kept = {name: column for name, column in columns.items() if name not in PROTECTION_COLUMNS}
    kept.update(value=value, cohort=cohort, shown=shown)
    if shares:
        kept.update(share_columns(kept))
    more = described(kept) if described is not None else {}
    return plain_frame({**kept, **more})


def result(selection: Selection, data: MeasureData, geography: Geography) -> Result:
    """The measure's cells for one scope and quarter.

    Results are kept in `data.memo` when there is one, keyed by the selection and the versions
    of the quarters it reads: the rows a caller may see are decided later, by disclosure."""
    if data.memo is None:
        return _compute(selection, data, geography)
    key = (selection, tuple(data.versions.get(q.index) for q in selection.quarters))
    cached = data.memo.get(key)
    if cached is None:
        cached = _compute(selection, data, geography)
        data.memo[key] = cached
    return cached


def compute_many(selections: list[Selection], data: MeasureData, geography: Geography) -> pd.DataFrame:
    """The result rows (RESULT_COLUMNS) of several selections, in order, as one frame."""
    return result_frame([result(s, data, geography) for s in selections])


def compute_shown(selections: list[Selection], data: MeasureData, geography: Geography,
                  caller: Caller, policy: DisclosurePolicy,
                  described: Described | None = None) -> pd.DataFrame:
    """The disclosed rows of several selections, in order, as the caller may see them (all the
    rows disclosed together, so a breakdown's cells protect each other across scopes). A share
    of a breakdown (`Measure.share_of`) is worked out from its counts as disclosed. With
    `described`, the columns it works out from the rows' columns are added."""
    shares = {MEASURES[s.measure].share_of for s in selections if s.measure in MEASURES}
    if len(shares) == 1 and (of := shares.pop()):
        counts = [replace(s, measure=of) for s in selections]
        return shown_frame([result(s, data, geography) for s in counts], caller, geography, policy,
                           described, shares=True)
    return shown_frame([result(s, data, geography) for s in selections], caller, geography, policy,
                       described)


def _compute(selection: Selection, data: MeasureData, geography: Geography) -> Result:
    measure = selection.check()
    scope = geography.scope(selection.scope)
    ctx = Context(selection, measure, data, geography, scope)
    value_type = selection.stat if measure.averages else measure.value_type
    missing, _ = missing_returns(ctx, measure.table)
    reason = ""
    if not ctx.applies(measure.table) and measure.kind != "quality":
        cells = [Cell("", np.nan, np.nan, "z")]
    elif measure.kind != "quality" and (reason := not_available(ctx)):
        cells = [Cell("", np.nan, np.nan, "x")]  # nothing carries it: not available, not zero
    else:
        cells = cells_for(ctx, FUNCTIONS[measure.id])
    if measure.counts_returns:
        missing = int(cells[0].cohort - cells[0].value)
    elif measure.kind != "quality":
        cells = _with_enclosing(cells, selection, data, geography, scope, value_type)
    return Result(scope.code, scope.name, scope.kind, str(selection.quarter), selection.breakdown or "",
                  int(missing), value_type, tuple(cells), reason,
                  partial_returns=partial_returns(ctx, measure.table))


def _with_enclosing(cells: list[Cell], selection: Selection, data: MeasureData, geography: Geography,
                    scope: Scope, value_type: str) -> list[Cell]:
    """Each cell with the smallest same count of the areas around it (the count itself, or an
    average's cohort): disclosure control hides every cell of an area whose enclosing count it
    hides, so that an area's zeros do not say how its hidden count is shared out."""
    smallest: dict[str, float] = {}
    for parent in geography.enclosing(scope):
        for cell in result(replace(selection, scope=parent), data, geography).cells:
            if cell.status:
                continue
            count = cell.value if value_type == "count" else cell.cohort
            smallest[cell.category] = min(smallest.get(cell.category, np.inf), count)
    if not smallest:
        return cells
    return [replace(c, enclosing=smallest.get(c.category, np.nan)) for c in cells]
