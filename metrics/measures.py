"""How each measure in the registry is computed (shared/spec/metrics.md), from a `Context`.

Each function takes the rows its scope counts and returns cells (one, or one per category and a
Total). Pure: imports pandas, numpy and metrics only.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from metrics.breakdowns import (
    APPLICANTS, APPROVED_PLACES, GUARDIANS, LEFT_REASONS, LOOKED_AFTER, REVERSAL_REASONS,
    age_band, age_years, approved_places, child_categories,
)
from metrics.registry import MEASURES, Need
from metrics.context import Context
from metrics.engine import Cell, Tally, cells_for, measure_function, share_cell
from metrics.rows import quarter_ends
from metrics.perturbation import NO_KEY, cell_key

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
    """Children waiting for the context's scope and quarter (kept for the other measures of the
    same page, which ask for the same children)."""
    return ctx.shared(("waiting", start_column), lambda: children_waiting_rows(ctx.rows("children"), _end(ctx), start_column))


def _at_end(ctx: Context, rows: pd.DataFrame) -> pd.Series:
    return pd.Series(_end(ctx), index=rows.index)


def _waiting_tally(ctx: Context, rows: pd.DataFrame, how: str = "count", values: pd.Series | None = None) -> tuple[pd.DataFrame, Tally]:
    values = _ones(rows) if values is None else values
    return _child_tally(ctx, how, rows, values, _at_end(ctx, rows))


@measure_function("children_waiting", per_quarter=True)
def children_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    return _waiting_tally(ctx, _waiting(ctx))


@measure_function("children_waiting_adm", per_quarter=True)
def children_waiting_adm(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    return _waiting_tally(ctx, _waiting(ctx, "adm_decision_date"))


@measure_function("children_waiting_unmatched", per_quarter=True)
def children_waiting_unmatched(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _waiting(ctx)
    matched_since = rows["matched_date"].notna() & ~(rows["disruption_date"] >= rows["matched_date"])
    return _waiting_tally(ctx, rows[~matched_since])


def _days_waited(ctx: Context, rows: pd.DataFrame) -> pd.Series:
    return _days(_at_end(ctx, rows), rows["placement_order_date"])


@measure_function("days_waiting", per_quarter=True)
def days_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _waiting(ctx)
    return _waiting_tally(ctx, rows, "average", _days_waited(ctx, rows))


def _waiting_over(days: int):
    def over(ctx: Context) -> tuple[pd.DataFrame, Tally]:
        rows = _waiting(ctx)
        return _waiting_tally(ctx, rows[_days_waited(ctx, rows) > days])

    return over


for _months, _days_over in ((6, 183), (12, 365), (18, 548)):
    measure_function(f"children_waiting_over_{_months}_months", per_quarter=True)(_waiting_over(_days_over))


@measure_function("sibling_groups_waiting", per_quarter=True)
def sibling_groups_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _waiting(ctx)
    grouped = rows[rows["sibling_group_id"].notna()]
    by_group = grouped.groupby(["la_code", "sibling_group_id"])  # groups live within an LA
    sizes = by_group.size()
    groups = sizes.index.to_frame(index=False)
    # A group's record key is its children's together, so a cell of groups has the key of the
    # children in them.
    keys = None
    if "record_key" in grouped:
        keys = grouped["record_key"].astype(np.int64).groupby([grouped["la_code"], grouped["sibling_group_id"]]).sum().to_numpy() % 256
    return groups, Tally.of("groups", pd.Series(sizes.to_numpy(dtype=float)), record_keys=keys)


# ---------------------------------------------------------------- adopters: stocks


def adopters_waiting_rows(rows: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    waiting = (rows["approval_date"] <= end) & rows["matched_date"].isna() & ~(rows["left_date"] <= end)
    return rows[waiting]


def _adopters_waiting(ctx: Context) -> pd.DataFrame:
    return ctx.shared(("adopters_waiting",), lambda: adopters_waiting_rows(ctx.rows("adopters"), _end(ctx)))


def _household_count(ctx: Context, rows: pd.DataFrame) -> tuple[pd.DataFrame, Tally]:
    """A count of households, by how many children they are approved for when asked."""
    if ctx.selection.breakdown == "approved_places":
        return tallied("count", rows, _ones(rows), approved_places(rows["approved_places"]), APPROVED_PLACES)
    return tallied("count", rows, _ones(rows))


@measure_function("adopters_waiting", per_quarter=True)
def adopters_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    return _household_count(ctx, _adopters_waiting(ctx))


@measure_function("adopter_days_waiting", per_quarter=True)
def adopter_days_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _adopters_waiting(ctx)
    return tallied("average", rows, _days(_at_end(ctx, rows), rows["approval_date"]))


def _adopters_over(days: int):
    def over(ctx: Context) -> tuple[pd.DataFrame, Tally]:
        rows = _adopters_waiting(ctx)
        rows = rows[_days(_at_end(ctx, rows), rows["approval_date"]) > days]
        return tallied("count", rows, _ones(rows))

    return over


measure_function("adopters_waiting_over_3_months", per_quarter=True)(_adopters_over(91))
measure_function("adopters_waiting_over_6_months", per_quarter=True)(_adopters_over(183))


@measure_function("adopters_per_child")
def adopters_per_child(ctx: Context) -> list[Cell]:
    children = _other(ctx, "children_waiting")[0]
    adopters = _other(ctx, "adopters_waiting")[0]
    if children.value == 0 or not ctx.applies("children"):
        return [Cell("", np.nan, float(children.value), "z", children.key)]
    return [Cell("", adopters.value / children.value, float(children.value), "", children.key,
                 adopters.value, adopters.key)]


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


def tallied(how: str, rows: pd.DataFrame, values: pd.Series, categories: pd.Series | None = None,
            order: tuple[str, ...] = ()) -> tuple[pd.DataFrame, Tally]:
    """A quarter's tally with the rows its values came from (whose LAs let a scope be cut), and
    their record keys."""
    rows = rows.loc[values.index]
    keys = rows["record_key"] if "record_key" in rows else None
    return rows, Tally.of(how, values, categories, order, keys)


def _child_tally(ctx: Context, how: str, rows: pd.DataFrame, values: pd.Series,
                 at: pd.Series | None = None) -> tuple[pd.DataFrame, Tally]:
    rows = rows.loc[values.index]
    at = quarter_ends(rows["quarter_index"]) if at is None else at.loc[values.index]
    categories, order = _child_breakdown(ctx, rows, at)
    return tallied(how, rows, values, categories, order)


@measure_function(*CHILD_EVENTS, per_quarter=True)
def child_flow(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    column = CHILD_EVENTS[ctx.measure.id]
    rows = child_events(ctx, column)
    if ctx.selection.breakdown == "reason":
        return tallied("count", rows, _ones(rows), rows["decision_reversed_reason"], REVERSAL_REASONS)
    at = rows["placed_date"] if ctx.measure.id == "placements" else None
    return _child_tally(ctx, "count", rows, _ones(rows), at)


@measure_function(*ADOPTER_EVENTS, per_quarter=True)
def adopter_flow(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = ctx.events("adopters", ADOPTER_EVENTS[ctx.measure.id])
    if ctx.selection.breakdown == "reason":
        return tallied("count", rows, _ones(rows), rows["left_reason"], LEFT_REASONS)
    return _household_count(ctx, rows)


def sgos_made(ctx: Context) -> pd.DataFrame:
    return ctx.events("special_guardianship", "sgo_date")


@measure_function("sgos", per_quarter=True)
def sgos(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = sgos_made(ctx)
    breakdown = ctx.selection.breakdown
    if breakdown == "guardian":
        return tallied("count", rows, _ones(rows), rows["guardian"], GUARDIANS)
    if breakdown == "looked_after":
        labels = pd.Series(np.where(rows["looked_after"].astype(bool), *LOOKED_AFTER), index=rows.index)
        return tallied("count", rows, _ones(rows), labels, LOOKED_AFTER)
    if breakdown == "age_band":
        age = age_years(rows["date_of_birth"], quarter_ends(rows["quarter_index"]))
        return tallied("count", rows, _ones(rows), age_band(age), ("Under 1", "1-4", "5-9", "10+"))
    return tallied("count", rows, _ones(rows))


@measure_function("sgo_breakdowns", per_quarter=True)
def sgo_breakdowns(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = ctx.events("special_guardianship", "ended_date")
    broke = rows[rows["ended_reason"] == "BREAKDOWN"]
    return tallied("count", broke, _ones(broke))


def _other(ctx: Context, measure: str, breakdown: str | None = None) -> list[Cell]:
    """Another measure's cells for the same scope and window (from its cached tallies), from
    the LAs (or agencies) whose returns carry what this figure needs too, so that a share's
    parts count the same ones."""
    selection = replace(ctx.selection, measure=measure, breakdown=breakdown)
    return cells_for(replace(ctx, selection=selection, measure=MEASURES[measure], outer=ctx.needs))


@measure_function("sgo_share")
def sgo_share(ctx: Context) -> list[Cell]:
    looked_after = next(c for c in _other(ctx, "sgos", "looked_after") if c.category == "Looked after")
    adopted = _other(ctx, "adoption_orders")[0]
    return [share_cell(looked_after, adopted)]


@measure_function("asf_applications", per_quarter=True)
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


@measure_function("asf_share_sg")
def asf_share_sg(ctx: Context) -> list[Cell]:
    cells = {c.category: c for c in _other(ctx, "asf_applications", "applicant")}
    return [share_cell(cells[APPLICANTS[1]], cells[APPLICANTS[0]])]


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


def _timeliness(ctx: Context, rows: pd.DataFrame, days: pd.Series) -> tuple[pd.DataFrame, Tally]:
    days = days.dropna()
    return _child_tally(ctx, "average", rows.loc[days.index], days)


@measure_function(*STAGES, per_quarter=True)
def stage(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = adopted(ctx)
    start, stop = STAGES[ctx.measure.id]
    return _timeliness(ctx, rows, _days(rows[stop], rows[start]))


@measure_function("a10_care_to_placed_adjusted", per_quarter=True)
def a10(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = adopted(ctx)
    return _timeliness(ctx, rows, a10_days(rows))


@measure_function("a2_order_to_match", "stage_order_to_match", per_quarter=True)
def a2(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = adopted(ctx)
    return _timeliness(ctx, rows, _days(rows["matched_date"], rows["placement_order_date"]).clip(lower=0))


@measure_function("a3_within_14_months", per_quarter=True)
def a3(ctx: Context) -> tuple[pd.DataFrame, Tally]:
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
def adopter_stage(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    start, stop, event = ADOPTER_STAGES[ctx.measure.id]
    rows = _adopter_cohort(ctx, event)
    return tallied("average", rows, _days(rows[stop], rows[start]).dropna())


@measure_function("adopter_approved_within_6_months", per_quarter=True)
def approved_within_6_months(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _adopter_cohort(ctx, "approval_date")
    rows = rows[rows["stage1_start_date"].notna()]  # fast-track households left out
    return tallied("percent", rows, (_days(rows["approval_date"], rows["stage1_start_date"]) <= 183).astype(float))


def _matched_within(days: int):
    def within(ctx: Context) -> tuple[pd.DataFrame, Tally]:
        rows = _adopter_cohort(ctx, "matched_date")
        rows = rows[rows["approval_date"].notna()]
        return tallied("percent", rows, (_days(rows["matched_date"], rows["approval_date"]) <= days).astype(float))

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


def _carrying_rows(ctx: Context, table: str, column: str, rows: pd.DataFrame) -> pd.Series:
    """Which rows came in a return whose format carries the column (an Annex A return has no
    sibling group ids: its rows are not "not filled in", the column is not there)."""
    q, need = ctx.selection.quarter.index, (Need(table, (column,)),)
    if table in ("children", "special_guardianship"):
        return rows["la_code"].isin(ctx.data.covered_las(q, ctx.geography, need))
    return rows["agency_code"].isin(ctx.data.carrying(q, need))


@measure_function("completeness")
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
