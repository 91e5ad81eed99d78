"""How the measures of the support table are computed (shared/spec/metrics.md): Adoption and
Special Guardianship Support Fund applications in the window, and special guardians' share of
them. `FUNCTIONS` maps each measure id to its function.

Each function takes a `Context`; asf_applications tallies one quarter's rows. The money
(`asf_amount`, `asf_amount_share_sg`) is read from the optional amount columns, a quarter's
sums at a time (`Money`): its cohort is the applications behind it. Pure: imports pandas,
numpy and metrics.breakdowns, metrics.context, metrics.perturbation, metrics.quarters,
metrics.rows and metrics.tallies only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.breakdowns import APPLICANTS
from metrics.context import Context, coverage
from metrics.quarters import Quarter
from metrics.perturbation import KEYS, NO_KEY
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


@dataclass(frozen=True)
class Money:
    """One quarter's money for a scope, from the support rows of its covered agencies that give
    both amounts: a row with a blank amount says nothing of its money, so it is left out of the
    money and its cohort rather than counted as £0 (a share with one half unknown would be
    wrong too). By applicant (APPLICANTS' order): pounds, applications, and the sum of the
    record keys of those applications (the adoption half's own keys, the special guardianship
    half's moved by 128, as asf_applications keys them). A window adds its quarters up: a cell
    key is its records' keys summed (metrics.perturbation.cell_key), so sums add."""

    rows: int
    pounds: tuple[float, float]
    applications: tuple[float, float]
    keys: tuple[int, int] | None  # None: the rows carry no record keys


def _quarter_money(ctx: Context, quarter: Quarter) -> Money:
    rows = ctx.rows("support", [quarter])
    keys = coverage(ctx, quarter, "support").keys
    agency = rows[KEY_COLUMNS["support"]].to_numpy(dtype=object)
    kept = np.fromiter((a in keys for a in agency), dtype=bool, count=len(agency))
    kept &= rows["asf_amount_adoption"].notna().to_numpy() & rows["asf_amount_sg"].notna().to_numpy()

    def total(column: str) -> float:  # exactly rounded, so a window's sum is its quarters'
        values = rows[column].to_numpy(dtype=float, na_value=np.nan)[kept]
        return math.fsum(values[~np.isnan(values)])

    record = None
    if "record_key" in rows:
        own = rows["record_key"].to_numpy(dtype=np.int64)[kept]
        record = (int(own.sum()), int(((own + 128) % 256).sum()))
    return Money(int(kept.sum()), tuple(total(AMOUNTS[a][0]) for a in APPLICANTS),  # type: ignore[arg-type]
                 tuple(total(AMOUNTS[a][1]) for a in APPLICANTS), record)  # type: ignore[arg-type]


def _money(ctx: Context) -> list[Money]:
    """The window's money, a quarter at a time: each quarter's is worked out once for the scope
    (a 12-quarter trend of rolling years reads each quarter four times)."""
    return [ctx.shared(("money", ctx.needs_of("support")), lambda q=quarter: _quarter_money(ctx, q), [quarter])
            for quarter in ctx.quarters]


def _money_cell(money: list[Money], applicants: tuple[str, ...], category: str = "") -> Cell:
    """The pounds of `applicants` in the window, its cohort their applications (with the cell
    key of asf_applications' cell of the same rows, so the two cohorts agree)."""
    at = [APPLICANTS.index(a) for a in applicants]
    pounds = math.fsum(m.pounds[i] for i in at for m in money)
    applications = math.fsum(m.applications[i] for i in at for m in money)
    key = NO_KEY
    if all(m.keys is not None for m in money):
        rows = sum(m.rows for m in money)
        key = int(sum(m.keys[i] for i in at for m in money) % KEYS) if rows else 0  # type: ignore[index]
    return Cell(category, pounds, applications, "", key)


def asf_amount(ctx: Context) -> list[Cell]:
    """Pounds approved in the window (by applicant, then the Total); `x` when no covered return
    gave the amounts: not available, never £0."""
    money = _money(ctx)
    breakdown = ctx.selection.breakdown == "applicant"
    if not any(m.rows for m in money):
        categories = [*APPLICANTS, "Total"] if breakdown else [""]
        return [Cell(c, np.nan, np.nan, "x") for c in categories]
    if not breakdown:
        return [_money_cell(money, APPLICANTS)]
    return [*(_money_cell(money, (a,), a) for a in APPLICANTS), _money_cell(money, APPLICANTS, "Total")]


def asf_amount_share_sg(ctx: Context) -> list[Cell]:
    """Special guardians' pounds as a percentage of all pounds approved. It carries the two
    kinds of application as its parts, so disclosure hides it when either is a count it hides
    (the share and the total would give a hidden amount back)."""
    money = _money(ctx)
    if not any(m.rows for m in money):
        return [Cell("", np.nan, np.nan, "x")]
    adoption, sg = (_money_cell(money, (a,)) for a in APPLICANTS)
    both = _money_cell(money, APPLICANTS)
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
