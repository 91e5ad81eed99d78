"""How the measures of the adopters table are computed (shared/spec/metrics.md): approved
households waiting at the quarter's end, adopters per child waiting, households' events in the
window and their timeliness. `FUNCTIONS` maps each measure id to its function.

Each function takes a `Context`; all but adopters_per_child tally one quarter's rows. Pure:
imports pandas, numpy and metrics.breakdowns, metrics.context, metrics.measures.children and
metrics.tallies only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.breakdowns import APPROVED_PLACES, LEFT_REASONS, approved_places, household_categories
from metrics.context import Context
from metrics.measures.children import FUNCTIONS as CHILDREN
from metrics.tallies import Cell, MeasureFunction, PerQuarter, Tally, days, ones, other_cells, tallied


def _household_count(ctx: Context, rows: pd.DataFrame) -> tuple[pd.DataFrame, Tally]:
    """A count of households, by how many children they are approved for or by who they are
    (ethnic group, household, fostering for adoption) when asked."""
    breakdown = ctx.selection.breakdown
    if breakdown == "approved_places":
        return tallied("count", rows, ones(rows), approved_places(rows["approved_places"]), APPROVED_PLACES)
    if breakdown:
        categories, order = household_categories(rows, breakdown)
        return tallied("count", rows, ones(rows), categories, order)
    return tallied("count", rows, ones(rows))


# ---------------------------------------------------------------- stocks


def adopters_waiting_rows(rows: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    waiting = (rows["approval_date"] <= end) & rows["matched_date"].isna() & ~(rows["left_date"] <= end)
    return rows[waiting]


def _adopters_waiting(ctx: Context) -> pd.DataFrame:
    return ctx.shared(("adopters_waiting",), lambda: adopters_waiting_rows(ctx.rows("adopters"), ctx.end))


def adopters_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    return _household_count(ctx, _adopters_waiting(ctx))


def adopter_days_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _adopters_waiting(ctx)
    return tallied("average", rows, days(ctx.at_end(rows), rows["approval_date"]))


def _adopters_over(days_over: int):
    def over(ctx: Context) -> tuple[pd.DataFrame, Tally]:
        rows = _adopters_waiting(ctx)
        rows = rows[days(ctx.at_end(rows), rows["approval_date"]) > days_over]
        return _household_count(ctx, rows)

    return over


def adopters_per_child(ctx: Context) -> list[Cell]:
    children = other_cells(ctx, CHILDREN, "children_waiting")[0]
    adopters = other_cells(ctx, FUNCTIONS, "adopters_waiting")[0]
    if children.value == 0 or not ctx.applies("children"):
        return [Cell("", np.nan, float(children.value), "z", children.key)]
    return [Cell("", adopters.value / children.value, float(children.value), "", children.key,
                 adopters.value, adopters.key)]


# ---------------------------------------------------------------- flows

ADOPTER_EVENTS = {
    "enquiries": "enquiry_date",
    "stage1_starts": "stage1_start_date",
    "stage2_starts": "stage2_start_date",
    "approvals": "approval_date",
    "adopter_matches": "matched_date",
    "households_left": "left_date",
}


def adopter_flow(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = ctx.events("adopters", ADOPTER_EVENTS[ctx.measure.id])
    if ctx.selection.breakdown == "reason":
        return tallied("count", rows, ones(rows), rows["left_reason"], LEFT_REASONS)
    return _household_count(ctx, rows)


# ---------------------------------------------------------------- timeliness

ADOPTER_STAGES = {
    "adopter_stage1_days": ("stage1_start_date", "stage1_end_date", "stage1_end_date"),
    "adopter_stage2_days": ("stage2_start_date", "stage2_end_date", "stage2_end_date"),
    "adopter_enquiry_to_approval": ("enquiry_date", "approval_date", "approval_date"),
    "adopter_approval_to_match": ("approval_date", "matched_date", "matched_date"),
}


def _adopter_cohort(ctx: Context, event: str) -> pd.DataFrame:
    return ctx.events("adopters", event)


def adopter_stage(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    start, stop, event = ADOPTER_STAGES[ctx.measure.id]
    rows = _adopter_cohort(ctx, event)
    return tallied("average", rows, days(rows[stop], rows[start]).dropna())


def approved_within_6_months(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _adopter_cohort(ctx, "approval_date")
    rows = rows[rows["stage1_start_date"].notna()]  # fast-track households left out
    return tallied("percent", rows, (days(rows["approval_date"], rows["stage1_start_date"]) <= 183).astype(float))


def _matched_within(days_within: int):
    def within(ctx: Context) -> tuple[pd.DataFrame, Tally]:
        rows = _adopter_cohort(ctx, "matched_date")
        rows = rows[rows["approval_date"].notna()]
        return tallied("percent", rows, (days(rows["matched_date"], rows["approval_date"]) <= days_within).astype(float))

    return within


FUNCTIONS: dict[str, MeasureFunction] = {
    "adopters_waiting": PerQuarter(adopters_waiting),
    "adopter_days_waiting": PerQuarter(adopter_days_waiting),
    "adopters_waiting_over_3_months": PerQuarter(_adopters_over(91)),
    "adopters_waiting_over_6_months": PerQuarter(_adopters_over(183)),
    "adopters_per_child": adopters_per_child,
    **{measure: PerQuarter(adopter_flow) for measure in ADOPTER_EVENTS},
    **{measure: PerQuarter(adopter_stage) for measure in ADOPTER_STAGES},
    "adopter_approved_within_6_months": PerQuarter(approved_within_6_months),
    "adopter_matched_within_3_months": PerQuarter(_matched_within(91)),
    "adopter_matched_within_6_months": PerQuarter(_matched_within(183)),
}
