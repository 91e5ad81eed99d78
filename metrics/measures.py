"""How each measure in the registry is computed (shared/spec/metrics.md), from a `Context`.

Each function takes the rows its scope counts and returns cells (one, or one per category and a
Total). Pure: imports pandas, numpy and metrics only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from metrics.breakdowns import (
    APPLICANTS, GUARDIANS, LEFT_REASONS, LOOKED_AFTER, REVERSAL_REASONS, age_band, age_years,
    child_categories,
)
from metrics.engine import (
    Cell, Context, Tally, average_cells, count_cells, measure_function, quarter_ends, share_cell,
)

OPTIONAL_COLUMNS = {
    "children": ("sibling_group_id", "ffa_cp_placed_date", "placement_order_date", "matched_date",
                 "placed_date", "placed_with_carer_date", "adoption_order_date", "disruption_date",
                 "decision_reversed_date", "decision_reversed_reason"),
    "adopters": ("ethnicity", "fostering_for_adoption", "stage1_start_date", "stage1_end_date",
                 "stage2_start_date", "stage2_end_date", "approval_date", "approved_places",
                 "matched_date", "placed_date", "left_date", "left_reason"),
    "special_guardianship": ("support_plan", "allowance", "ended_date", "ended_reason"),
}  # fmt: skip


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days.astype(float)


def _end(ctx: Context) -> pd.Timestamp:
    return pd.Timestamp(ctx.selection.quarter.end)


def _child_breakdown(ctx: Context, rows: pd.DataFrame, at: pd.Series) -> tuple[pd.Series | None, tuple[str, ...]]:
    if not ctx.selection.breakdown:
        return None, ()
    return child_categories(rows, ctx.selection.breakdown, at)


def _counted(ctx: Context, rows: pd.DataFrame, at: pd.Series) -> list[Cell]:
    categories, order = _child_breakdown(ctx, rows, at)
    return count_cells(categories if order else rows.index.to_series(), order)


# ---------------------------------------------------------------- children: stocks


def children_waiting_rows(rows: pd.DataFrame, end: pd.Timestamp, start_column: str = "placement_order_date") -> pd.DataFrame:
    """Children waiting at `end` (rows from the quarter's returns, later events already blank)."""
    placed = rows["placed_date"].notna() & ~(rows["disruption_date"] >= rows["placed_date"])
    waiting = (
        (rows[start_column] <= end) & ~placed & ~(rows["adoption_order_date"] <= end)
        & ~(rows["decision_reversed_date"] <= end)
    )  # fmt: skip
    return rows[waiting]


def _waiting(ctx: Context, start_column: str = "placement_order_date") -> pd.DataFrame:
    return children_waiting_rows(ctx.rows("children"), _end(ctx), start_column)


def _at_end(ctx: Context, rows: pd.DataFrame) -> pd.Series:
    return pd.Series(_end(ctx), index=rows.index)


@measure_function("children_waiting")
def children_waiting(ctx: Context) -> list[Cell]:
    rows = _waiting(ctx)
    return _counted(ctx, rows, _at_end(ctx, rows))


@measure_function("children_waiting_adm")
def children_waiting_adm(ctx: Context) -> list[Cell]:
    rows = _waiting(ctx, "adm_decision_date")
    return _counted(ctx, rows, _at_end(ctx, rows))


@measure_function("children_waiting_unmatched")
def children_waiting_unmatched(ctx: Context) -> list[Cell]:
    rows = _waiting(ctx)
    matched_since = rows["matched_date"].notna() & ~(rows["disruption_date"] >= rows["matched_date"])
    rows = rows[~matched_since]
    return _counted(ctx, rows, _at_end(ctx, rows))


@measure_function("days_waiting")
def days_waiting(ctx: Context) -> list[Cell]:
    rows = _waiting(ctx)
    categories, order = _child_breakdown(ctx, rows, _at_end(ctx, rows))
    return average_cells(_days(_at_end(ctx, rows), rows["placement_order_date"]), categories, order, ctx.selection.stat)


def _waiting_over(days: int):
    def over(ctx: Context) -> list[Cell]:
        rows = _waiting(ctx)
        rows = rows[_days(_at_end(ctx, rows), rows["placement_order_date"]) > days]
        return _counted(ctx, rows, _at_end(ctx, rows))

    return over


for _months, _days_over in ((6, 183), (12, 365), (18, 548)):
    measure_function(f"children_waiting_over_{_months}_months")(_waiting_over(_days_over))


@measure_function("sibling_groups_waiting")
def sibling_groups_waiting(ctx: Context) -> list[Cell]:
    rows = _waiting(ctx)
    grouped = rows[rows["sibling_group_id"].notna()]
    groups = grouped[["la_code", "sibling_group_id"]].drop_duplicates()
    return [Cell("", float(len(groups)), float(len(grouped)))]


# ---------------------------------------------------------------- adopters: stocks


def adopters_waiting_rows(rows: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    waiting = (rows["approval_date"] <= end) & rows["matched_date"].isna() & ~(rows["left_date"] <= end)
    return rows[waiting]


@measure_function("adopters_waiting")
def adopters_waiting(ctx: Context) -> list[Cell]:
    return count_cells(adopters_waiting_rows(ctx.rows("adopters"), _end(ctx)).index.to_series())


@measure_function("adopter_days_waiting")
def adopter_days_waiting(ctx: Context) -> list[Cell]:
    rows = adopters_waiting_rows(ctx.rows("adopters"), _end(ctx))
    return average_cells(_days(_at_end(ctx, rows), rows["approval_date"]), None, (), ctx.selection.stat)


def _adopters_over(days: int):
    def over(ctx: Context) -> list[Cell]:
        rows = adopters_waiting_rows(ctx.rows("adopters"), _end(ctx))
        return count_cells(rows.index.to_series()[_days(_at_end(ctx, rows), rows["approval_date"]) > days])

    return over


measure_function("adopters_waiting_over_3_months")(_adopters_over(91))
measure_function("adopters_waiting_over_6_months")(_adopters_over(183))


@measure_function("adopters_per_child")
def adopters_per_child(ctx: Context) -> list[Cell]:
    children = len(_waiting(ctx))
    adopters = len(adopters_waiting_rows(ctx.rows("adopters"), _end(ctx)))
    if children == 0 or not ctx.applies("children"):
        return [Cell("", np.nan, float(children), "z")]
    return [Cell("", adopters / children, float(children))]


# ---------------------------------------------------------------- flows

CHILD_EVENTS = {
    "adm_decisions": "adm_decision_date",
    "placement_orders": "placement_order_date",
    "matches": "matched_date",
    "placements": "placed_date",
    "adoption_orders": "adoption_order_date",
    "ffa_cp_placements": "ffa_cp_placed_date",
    "disruptions": "disruption_date",
    "decisions_reversed": "decision_reversed_date",
}
ADOPTER_EVENTS = {
    "enquiries": "enquiry_date",
    "stage1_starts": "stage1_start_date",
    "stage2_starts": "stage2_start_date",
    "approvals": "approval_date",
    "adopter_matches": "matched_date",
    "households_left": "left_date",
}


def child_events(ctx: Context, column: str) -> pd.DataFrame:
    return ctx.events("children", column)


def _ones(rows: pd.DataFrame) -> pd.Series:
    return pd.Series(1.0, index=rows.index)


def _child_tally(ctx: Context, how: str, rows: pd.DataFrame, values: pd.Series, at: pd.Series | None = None) -> Tally:
    at = quarter_ends(rows["quarter_index"]) if at is None else at
    categories, order = _child_breakdown(ctx, rows, at)
    return Tally(how, values, categories, order)


@measure_function(*CHILD_EVENTS, per_quarter=True)
def child_flow(ctx: Context) -> Tally:
    column = CHILD_EVENTS[ctx.measure.id]
    rows = child_events(ctx, column)
    if ctx.selection.breakdown == "reason":
        return Tally("count", _ones(rows), rows["decision_reversed_reason"], REVERSAL_REASONS)
    at = rows["placed_date"] if ctx.measure.id == "placements" else None
    return _child_tally(ctx, "count", rows, _ones(rows), at)


@measure_function(*ADOPTER_EVENTS, per_quarter=True)
def adopter_flow(ctx: Context) -> Tally:
    rows = ctx.events("adopters", ADOPTER_EVENTS[ctx.measure.id])
    if ctx.selection.breakdown == "reason":
        return Tally("count", _ones(rows), rows["left_reason"], LEFT_REASONS)
    return Tally("count", _ones(rows))


def sgos_made(ctx: Context) -> pd.DataFrame:
    return ctx.events("special_guardianship", "sgo_date")


@measure_function("sgos", per_quarter=True)
def sgos(ctx: Context) -> Tally:
    rows = sgos_made(ctx)
    breakdown = ctx.selection.breakdown
    if breakdown == "guardian":
        return Tally("count", _ones(rows), rows["guardian"], GUARDIANS)
    if breakdown == "looked_after":
        labels = pd.Series(np.where(rows["looked_after"].astype(bool), *LOOKED_AFTER), index=rows.index)
        return Tally("count", _ones(rows), labels, LOOKED_AFTER)
    if breakdown == "age_band":
        age = age_years(rows["date_of_birth"], quarter_ends(rows["quarter_index"]))
        return Tally("count", _ones(rows), age_band(age), ("Under 1", "1-4", "5-9", "10+"))
    return Tally("count", _ones(rows))


@measure_function("sgo_breakdowns", per_quarter=True)
def sgo_breakdowns(ctx: Context) -> Tally:
    rows = ctx.events("special_guardianship", "ended_date")
    return Tally("count", _ones(rows[rows["ended_reason"] == "BREAKDOWN"]))


@measure_function("sgo_share")
def sgo_share(ctx: Context) -> list[Cell]:
    looked_after = int(sgos_made(ctx)["looked_after"].astype(bool).sum())
    adopted = len(child_events(ctx, "adoption_order_date"))
    return [share_cell(looked_after, looked_after + adopted)]


def _applications(ctx: Context) -> tuple[float, float]:
    rows = ctx.rows("support")
    return float(rows["asf_applications_adoption"].sum()), float(rows["asf_applications_sg"].sum())


@measure_function("asf_applications")
def asf_applications(ctx: Context) -> list[Cell]:
    adoption, sg = _applications(ctx)
    total = adoption + sg
    if ctx.selection.breakdown == "applicant":
        return [Cell(APPLICANTS[0], adoption, adoption), Cell(APPLICANTS[1], sg, sg), Cell("Total", total, total)]
    return [Cell("", total, total)]


@measure_function("asf_share_sg")
def asf_share_sg(ctx: Context) -> list[Cell]:
    adoption, sg = _applications(ctx)
    return [share_cell(sg, adoption + sg)]


# ---------------------------------------------------------------- children's timeliness

STAGES = {
    "a1_care_to_placed": ("entered_care_date", "placed_date"),
    "stage_care_to_adm": ("entered_care_date", "adm_decision_date"),
    "stage_adm_to_order": ("adm_decision_date", "placement_order_date"),
    "stage_match_to_placed": ("matched_date", "placed_date"),
    "stage_placed_to_adopted": ("placed_date", "adoption_order_date"),
}


def adopted(ctx: Context) -> pd.DataFrame:
    return child_events(ctx, "adoption_order_date")


def a10_days(rows: pd.DataFrame) -> pd.Series:
    carer = rows["foster_carer_adoption"].astype(bool) & rows["placed_with_carer_date"].notna()
    stop = rows["placed_with_carer_date"].where(carer, rows["placed_date"])
    return _days(stop, rows["entered_care_date"])


def _timeliness(ctx: Context, rows: pd.DataFrame, days: pd.Series) -> Tally:
    days = days.dropna()
    return _child_tally(ctx, "average", rows.loc[days.index], days)


@measure_function(*STAGES, per_quarter=True)
def stage(ctx: Context) -> Tally:
    rows = adopted(ctx)
    start, stop = STAGES[ctx.measure.id]
    return _timeliness(ctx, rows, _days(rows[stop], rows[start]))


@measure_function("a10_care_to_placed_adjusted", per_quarter=True)
def a10(ctx: Context) -> Tally:
    rows = adopted(ctx)
    return _timeliness(ctx, rows, a10_days(rows))


@measure_function("a2_order_to_match", "stage_order_to_match", per_quarter=True)
def a2(ctx: Context) -> Tally:
    rows = adopted(ctx)
    return _timeliness(ctx, rows, _days(rows["matched_date"], rows["placement_order_date"]).clip(lower=0))


@measure_function("a3_within_14_months", per_quarter=True)
def a3(ctx: Context) -> Tally:
    rows = adopted(ctx)
    days = a10_days(rows).dropna()
    return _child_tally(ctx, "percent", rows.loc[days.index], (days <= 426).astype(float))


# ---------------------------------------------------------------- adopters' timeliness

ADOPTER_STAGES = {
    "adopter_stage1_days": ("stage1_start_date", "stage1_end_date", "stage1_end_date"),
    "adopter_stage2_days": ("stage2_start_date", "stage2_end_date", "stage2_end_date"),
    "adopter_enquiry_to_approval": ("enquiry_date", "approval_date", "approval_date"),
    "adopter_approval_to_match": ("approval_date", "matched_date", "matched_date"),
}


def _adopter_cohort(ctx: Context, event: str) -> pd.DataFrame:
    return ctx.events("adopters", event)


@measure_function(*ADOPTER_STAGES, per_quarter=True)
def adopter_stage(ctx: Context) -> Tally:
    start, stop, event = ADOPTER_STAGES[ctx.measure.id]
    rows = _adopter_cohort(ctx, event)
    return Tally("average", _days(rows[stop], rows[start]).dropna())


@measure_function("adopter_approved_within_6_months", per_quarter=True)
def approved_within_6_months(ctx: Context) -> Tally:
    rows = _adopter_cohort(ctx, "approval_date")
    rows = rows[rows["stage1_start_date"].notna()]  # fast-track households left out
    return Tally("percent", (_days(rows["approval_date"], rows["stage1_start_date"]) <= 183).astype(float))


def _matched_within(days: int):
    def within(ctx: Context) -> Tally:
        rows = _adopter_cohort(ctx, "matched_date")
        rows = rows[rows["approval_date"].notna()]
        return Tally("percent", (_days(rows["matched_date"], rows["approval_date"]) <= days).astype(float))

    return within


measure_function("adopter_matched_within_3_months", per_quarter=True)(_matched_within(91))
measure_function("adopter_matched_within_6_months", per_quarter=True)(_matched_within(183))


# ---------------------------------------------------------------- data quality


@measure_function("returns_received")
def returns_received(ctx: Context) -> list[Cell]:
    q = ctx.selection.quarter
    expected = ctx.geography.expected_submitters(ctx.scope, "children") | ctx.geography.household_agencies(ctx.scope)
    got = ctx.data.returned(q.index) & expected
    return [Cell("", float(len(got)), float(len(expected)))]


@measure_function("completeness")
def completeness(ctx: Context) -> list[Cell]:
    cells = []
    for table, columns in OPTIONAL_COLUMNS.items():
        rows = ctx.rows(table, [ctx.selection.quarter]) if ctx.applies(table) else pd.DataFrame(columns=columns)
        for column in columns:
            name = f"{table}.{column}"
            if len(rows) == 0:
                cells.append(Cell(name, np.nan, 0.0, "z"))
            else:
                cells.append(Cell(name, 100.0 * float(rows[column].notna().mean()), float(len(rows))))
    filled = [c for c in cells if not c.status]
    total_rows = sum(c.cohort for c in filled)
    # The Total: the share of all optional cells that are filled (each column's rows weighted).
    total = Cell("", sum(c.value * c.cohort for c in filled) / total_rows, total_rows) if filled else Cell("", np.nan, 0.0, "z")
    if ctx.selection.breakdown == "column":
        return cells + [replace(total, category="Total")]
    return [total]
