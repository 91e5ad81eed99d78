"""How the measures of the special guardianship table are computed (shared/spec/metrics.md):
orders made and orders that broke down in the window, and special guardianship's share of
permanence from care. `FUNCTIONS` maps each measure id to its function.

Each function takes a `Context`; all but sgo_share tally one quarter's rows. Pure: imports
pandas, numpy and metrics.breakdowns, metrics.context, metrics.measures.children, metrics.rows
and metrics.tallies only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.breakdowns import (
    AGE_BANDS, GUARDIAN_AGE_BANDS, GUARDIANS, LOOKED_AFTER, age_band, age_years, guardian_age_band,
)
from metrics.context import Context
from metrics.measures.children import FUNCTIONS as CHILDREN
from metrics.rows import quarter_ends
from metrics.tallies import Cell, MeasureFunction, PerQuarter, Tally, ones, other_cells, share_cell, tallied


def sgos_made(ctx: Context) -> pd.DataFrame:
    return ctx.events("special_guardianship", "sgo_date")


def sgos(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = sgos_made(ctx)
    breakdown = ctx.selection.breakdown
    if breakdown == "guardian":
        return tallied("count", rows, ones(rows), rows["guardian"], GUARDIANS)
    if breakdown == "looked_after":
        labels = pd.Series(np.where(rows["looked_after"].astype(bool), *LOOKED_AFTER), index=rows.index)
        return tallied("count", rows, ones(rows), labels, LOOKED_AFTER)
    if breakdown in ("age_band", "guardian_age_band"):
        band = age_band(age_years(rows["date_of_birth"], quarter_ends(rows["quarter_index"])))
        if breakdown == "age_band":
            return tallied("count", rows, ones(rows), band, AGE_BANDS)
        return tallied("count", rows, ones(rows), guardian_age_band(rows["guardian"], band),
                       GUARDIAN_AGE_BANDS)
    return tallied("count", rows, ones(rows))


def sgo_breakdowns(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = ctx.events("special_guardianship", "ended_date")
    broke = rows[rows["ended_reason"] == "BREAKDOWN"]
    return tallied("count", broke, ones(broke))


def sgo_share(ctx: Context) -> list[Cell]:
    looked_after = next(c for c in other_cells(ctx, FUNCTIONS, "sgos", "looked_after") if c.category == "Looked after")
    adopted = other_cells(ctx, CHILDREN, "adoption_orders")[0]
    return [share_cell(looked_after, adopted)]


FUNCTIONS: dict[str, MeasureFunction] = {
    "sgos": PerQuarter(sgos),
    "sgo_breakdowns": PerQuarter(sgo_breakdowns),
    "sgo_share": sgo_share,
}
