"""How the measures of the support table are computed (shared/spec/metrics.md): Adoption and
Special Guardianship Support Fund applications in the window, and special guardians' share of
them. `FUNCTIONS` maps each measure id to its function.

Each function takes a `Context`; asf_applications tallies one quarter's rows. Pure: imports
pandas, numpy and metrics.breakdowns, metrics.context and metrics.tallies only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.breakdowns import APPLICANTS
from metrics.context import Context
from metrics.tallies import Cell, MeasureFunction, PerQuarter, Tally, other_cells, share_cell


def asf_applications(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    """Each support row gives two amounts: its adoption and its special guardianship applications."""
    rows = ctx.rows("support")
    both = pd.concat([rows, rows], ignore_index=True)
    values = pd.concat([rows["asf_applications_adoption"], rows["asf_applications_sg"]], ignore_index=True).astype(float)
    # The two kinds of application of one row are records of their own: the second half's keys
    # are moved so that the adoption and the special guardianship cells have keys of their own.
    keys = None
    if "record_key" in rows:
        own = rows["record_key"].to_numpy(dtype=np.int64)
        keys = np.concatenate([own, (own + 128) % 256])
    if ctx.selection.breakdown != "applicant":
        return both, Tally.of("sum", values, record_keys=keys)
    applicant = pd.Series([APPLICANTS[0]] * len(rows) + [APPLICANTS[1]] * len(rows))
    return both, Tally.of("sum", values, applicant, APPLICANTS, keys)


def asf_share_sg(ctx: Context) -> list[Cell]:
    cells = {c.category: c for c in other_cells(ctx, FUNCTIONS, "asf_applications", "applicant")}
    return [share_cell(cells[APPLICANTS[1]], cells[APPLICANTS[0]])]


FUNCTIONS: dict[str, MeasureFunction] = {
    "asf_applications": PerQuarter(asf_applications),
    "asf_share_sg": asf_share_sg,
}
