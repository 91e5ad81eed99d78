"""How the data quality measures are computed (shared/spec/metrics.md): returns received, and
the completeness of the optional columns. `FUNCTIONS` maps each measure id to its function.

Each function takes a `Context` and gives the cells of one quarter, with their own `[x]` and
`[z]`. Pure: imports pandas, numpy and metrics.context, metrics.perturbation, metrics.quality,
metrics.registry and metrics.tallies only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from metrics.context import Context
from metrics.perturbation import NO_KEY, cell_key
from metrics.quality import expected_returns
from metrics.registry import Need
from metrics.tallies import Cell, MeasureFunction

OPTIONAL_COLUMNS = {
    "children": ("sibling_group_id", "ffa_cp_placed_date", "placement_order_date", "matched_date",
                 "placed_date", "placed_with_carer_date", "adoption_order_date", "disruption_date",
                 "decision_reversed_date", "decision_reversed_reason"),
    "adopters": ("ethnicity", "fostering_for_adoption", "stage1_start_date", "stage1_end_date",
                 "stage2_start_date", "stage2_end_date", "approval_date", "approved_places",
                 "matched_date", "placed_date", "left_date", "left_reason"),
    "special_guardianship": ("support_plan", "allowance", "ended_date", "ended_reason"),
}  # fmt: skip


def returns_received(ctx: Context) -> list[Cell]:
    q = ctx.selection.quarter
    expected = expected_returns(ctx.geography, ctx.scope)
    got = ctx.data.returned(q.index) & expected
    return [Cell("", float(len(got)), float(len(expected)))]


def _carrying_rows(ctx: Context, table: str, column: str, rows: pd.DataFrame) -> pd.Series:
    """Which rows came in a return whose format carries the column (an Annex A return has no
    sibling group ids: its rows are not "not filled in", the column is not there)."""
    q, need = ctx.selection.quarter.index, (Need(table, (column,)),)
    if table in ("children", "special_guardianship"):
        return rows["la_code"].isin(ctx.data.covered_las(q, ctx.geography, need))
    return rows["agency_code"].isin(ctx.data.carrying(q, need))


def completeness(ctx: Context) -> list[Cell]:
    cells = []
    for table, columns in OPTIONAL_COLUMNS.items():
        every = ctx.rows(table, [ctx.selection.quarter]) if ctx.applies(table) else pd.DataFrame(columns=columns)
        for column in columns:
            name = f"{table}.{column}"
            rows = every[_carrying_rows(ctx, table, column, every)] if len(every) else every
            key = cell_key(rows["record_key"].to_numpy()) if "record_key" in rows else NO_KEY
            if len(every) and not len(rows):  # rows there are, but no return carries the column
                cells.append(Cell(name, np.nan, 0.0, "x", key))
            elif len(rows) == 0:
                cells.append(Cell(name, np.nan, 0.0, "z", key))
            else:
                cells.append(Cell(name, 100.0 * float(rows[column].notna().mean()), float(len(rows)), "", key))
    filled = [c for c in cells if not c.status]
    total_rows = sum(c.cohort for c in filled)
    # The Total: the share of all optional cells that are filled (each column's rows weighted).
    total = Cell("", sum(c.value * c.cohort for c in filled) / total_rows, total_rows) if filled else Cell("", np.nan, 0.0, "z")
    if ctx.selection.breakdown == "column":
        return cells + [replace(total, category="Total")]
    return [total]


FUNCTIONS: dict[str, MeasureFunction] = {
    "returns_received": returns_received,
    "completeness": completeness,
}
