"""How the measures of the support table are computed (shared/spec/metrics.md): Adoption and
Special Guardianship Support Fund applications in the window, and special guardians' share of
them. `FUNCTIONS` maps each measure id to its function.

Each function takes a `Context`; asf_applications tallies one quarter's rows. The money
(`asf_amount`, `asf_amount_share_sg`) is read from the optional amount columns: its cohort is
the applications behind it. Pure: imports pandas, numpy and metrics.breakdowns,
metrics.context, metrics.perturbation, metrics.rows and metrics.tallies only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.breakdowns import APPLICANTS
from metrics.context import Context, coverage
from metrics.perturbation import NO_KEY, cell_key
from metrics.rows import KEY_COLUMNS
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


# ---------------------------------------------------------------- money approved

AMOUNTS = {APPLICANTS[0]: ("asf_amount_adoption", "asf_applications_adoption"),
           APPLICANTS[1]: ("asf_amount_sg", "asf_applications_sg")}


def _with_amounts(ctx: Context) -> pd.DataFrame:
    """The window's support rows of the covered agencies that give both amounts: a row with a
    blank amount says nothing of its money, so it is left out of the money and its cohort
    rather than counted as £0 (a share with one half unknown would be wrong too)."""
    return ctx.shared(("with amounts", ctx.needs_of("support")), lambda: _amount_rows(ctx))


def _amount_rows(ctx: Context) -> pd.DataFrame:
    pieces = []
    for quarter in ctx.quarters:
        rows = ctx.rows("support", [quarter])
        keys = coverage(ctx, quarter, "support").keys
        agency = rows[KEY_COLUMNS["support"]].to_numpy(dtype=object)
        covered = np.fromiter((a in keys for a in agency), dtype=bool, count=len(agency))
        pieces.append(rows[covered] if not covered.all() else rows)
    rows = pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else (pieces[0] if pieces else pd.DataFrame())
    if rows.empty:
        return rows
    both = rows["asf_amount_adoption"].notna().to_numpy() & rows["asf_amount_sg"].notna().to_numpy()
    return rows if both.all() else rows[both]


def _money_cell(rows: pd.DataFrame, applicants: tuple[str, ...], category: str = "") -> Cell:
    """The pounds of `applicants` in `rows`, its cohort their applications (with the cell key
    of asf_applications' cell of the same rows, so the two cohorts agree)."""
    pounds = sum(float(np.nansum(rows[AMOUNTS[a][0]].to_numpy(dtype=float, na_value=np.nan))) for a in applicants)
    applications = sum(float(np.nansum(rows[AMOUNTS[a][1]].to_numpy(dtype=float, na_value=np.nan))) for a in applicants)
    key = NO_KEY
    if "record_key" in rows:
        own = rows["record_key"].to_numpy(dtype=np.int64)
        keys = [own if a == APPLICANTS[0] else (own + 128) % 256 for a in applicants]
        key = cell_key(np.concatenate(keys)) if len(own) else 0
    return Cell(category, pounds, applications, "", key)


def asf_amount(ctx: Context) -> list[Cell]:
    """Pounds approved in the window (by applicant, then the Total); `x` when no covered return
    gave the amounts: not available, never £0."""
    rows = _with_amounts(ctx)
    breakdown = ctx.selection.breakdown == "applicant"
    if rows.empty:
        categories = [*APPLICANTS, "Total"] if breakdown else [""]
        return [Cell(c, np.nan, np.nan, "x") for c in categories]
    if not breakdown:
        return [_money_cell(rows, APPLICANTS)]
    return [*(_money_cell(rows, (a,), a) for a in APPLICANTS), _money_cell(rows, APPLICANTS, "Total")]


def asf_amount_share_sg(ctx: Context) -> list[Cell]:
    """Special guardians' pounds as a percentage of all pounds approved. It carries the two
    kinds of application as its parts, so disclosure hides it when either is a count it hides
    (the share and the total would give a hidden amount back)."""
    rows = _with_amounts(ctx)
    if rows.empty:
        return [Cell("", np.nan, np.nan, "x")]
    adoption, sg = (_money_cell(rows, (a,)) for a in APPLICANTS)
    both = _money_cell(rows, APPLICANTS)
    if both.value == 0:
        return [Cell("", np.nan, both.cohort, "z", both.key)]
    return [Cell("", 100.0 * sg.value / both.value, both.cohort, "", both.key,
                 sg.cohort, sg.key, adoption.cohort, adoption.key)]


FUNCTIONS: dict[str, MeasureFunction] = {
    "asf_applications": PerQuarter(asf_applications),
    "asf_share_sg": asf_share_sg,
    "asf_amount": asf_amount,
    "asf_amount_share_sg": asf_amount_share_sg,
}
