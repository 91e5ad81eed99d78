"""How the measures of the children table are computed (shared/spec/metrics.md): children
waiting at the quarter's end, children's events in the window, and the timeliness of children
adopted in it. `FUNCTIONS` maps each measure id to its function.

Each function takes a `Context` and tallies one quarter's rows. Pure: imports pandas, numpy
and metrics.breakdowns, metrics.context, metrics.rows and metrics.tallies only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.breakdowns import REVERSAL_REASONS, age_years, child_categories
from metrics.context import Context
from metrics.rows import quarter_ends
from metrics.tallies import Cell, MeasureFunction, PerQuarter, Tally, days, ones, other_cells, tallied


def _child_breakdown(ctx: Context, rows: pd.DataFrame, at: pd.Series) -> tuple[pd.Series | None, tuple[str, ...]]:
    if not ctx.selection.breakdown:
        return None, ()
    return child_categories(rows, ctx.selection.breakdown, at)


def _child_tally(ctx: Context, how: str, rows: pd.DataFrame, values: pd.Series,
                 at: pd.Series | None = None) -> tuple[pd.DataFrame, Tally]:
    """A tally of children by the selection's breakdown, their ages taken at the measure's
    `age_at` date if it has one, else at `at`, else at the end of the quarter of the return
    they came from."""
    rows = rows.loc[values.index]
    if ctx.measure.age_at:
        at = rows[ctx.measure.age_at]
    else:
        at = quarter_ends(rows["quarter_index"]) if at is None else at.loc[values.index]
    categories, order = _child_breakdown(ctx, rows, at)
    return tallied(how, rows, values, categories, order)


# ---------------------------------------------------------------- stocks


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
    return ctx.shared(("waiting", start_column), lambda: children_waiting_rows(ctx.rows("children"), ctx.end, start_column))


def _waiting_tally(ctx: Context, rows: pd.DataFrame, how: str = "count", values: pd.Series | None = None) -> tuple[pd.DataFrame, Tally]:
    values = ones(rows) if values is None else values
    return _child_tally(ctx, how, rows, values, ctx.at_end(rows))


def children_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    return _waiting_tally(ctx, _waiting(ctx))


def children_waiting_adm(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    return _waiting_tally(ctx, _waiting(ctx, "adm_decision_date"))


def children_waiting_unmatched(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _waiting(ctx)
    matched_since = rows["matched_date"].notna() & ~(rows["disruption_date"] >= rows["matched_date"])
    return _waiting_tally(ctx, rows[~matched_since])


def _days_waited(ctx: Context, rows: pd.DataFrame) -> pd.Series:
    return days(ctx.at_end(rows), rows["placement_order_date"])


def days_waiting(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = _waiting(ctx)
    return _waiting_tally(ctx, rows, "average", _days_waited(ctx, rows))


def _waiting_over(days_over: int):
    def over(ctx: Context) -> tuple[pd.DataFrame, Tally]:
        rows = _waiting(ctx)
        return _waiting_tally(ctx, rows[_days_waited(ctx, rows) > days_over])

    return over


def children_waiting_under_5(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    """Children waiting under 5 in completed years on the quarter's last day (the age the
    age-band breakdown takes), so it equals that breakdown's "Under 1" plus "1-4"."""
    rows = _waiting(ctx)
    return _waiting_tally(ctx, rows[age_years(rows["date_of_birth"], ctx.at_end(rows)) < 5])


def children_waiting_share(ctx: Context) -> list[Cell]:
    """Each group's share of the children waiting, from the exact counts: the figure before
    disclosure only (what compute_many gives). What anyone is shown is worked out from the
    counts as disclosed to them instead (metrics/shares.py). Without a breakdown: [z]."""
    cells = other_cells(ctx, FUNCTIONS, "children_waiting", ctx.selection.breakdown)
    if not ctx.selection.breakdown:  # its cohort: the children waiting it would share out
        return [Cell("", np.nan, cells[0].value, "z", cells[0].key)]
    total = cells[-1].value
    if total == 0:
        return [Cell(c.category, np.nan, 0.0, "z", c.key) for c in cells]
    return [Cell(c.category, 100.0 * c.value / total, total, "", c.key, c.value, c.key,
                 total - c.value) for c in cells]


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


def child_events(ctx: Context, column: str) -> pd.DataFrame:
    return ctx.events("children", column)


def child_flow(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    column = CHILD_EVENTS[ctx.measure.id]
    rows = child_events(ctx, column)
    if ctx.selection.breakdown == "reason":
        return tallied("count", rows, ones(rows), rows["decision_reversed_reason"], REVERSAL_REASONS)
    return _child_tally(ctx, "count", rows, ones(rows))


# ---------------------------------------------------------------- timeliness of children adopted

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
    return days(stop, rows["entered_care_date"])


def _timeliness(ctx: Context, rows: pd.DataFrame, taken: pd.Series) -> tuple[pd.DataFrame, Tally]:
    taken = taken.dropna()
    return _child_tally(ctx, "average", rows.loc[taken.index], taken)


def stage(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = adopted(ctx)
    start, stop = STAGES[ctx.measure.id]
    return _timeliness(ctx, rows, days(rows[stop], rows[start]))


def a10(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = adopted(ctx)
    return _timeliness(ctx, rows, a10_days(rows))


def a2(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = adopted(ctx)
    return _timeliness(ctx, rows, days(rows["matched_date"], rows["placement_order_date"]).clip(lower=0))


def a3(ctx: Context) -> tuple[pd.DataFrame, Tally]:
    rows = adopted(ctx)
    taken = a10_days(rows).dropna()
    return _child_tally(ctx, "percent", rows.loc[taken.index], (taken <= 426).astype(float))


FUNCTIONS: dict[str, MeasureFunction] = {
    "children_waiting": PerQuarter(children_waiting),
    "children_waiting_adm": PerQuarter(children_waiting_adm),
    "children_waiting_unmatched": PerQuarter(children_waiting_unmatched),
    "days_waiting": PerQuarter(days_waiting),
    "children_waiting_over_6_months": PerQuarter(_waiting_over(183)),
    "children_waiting_over_12_months": PerQuarter(_waiting_over(365)),
    "children_waiting_over_18_months": PerQuarter(_waiting_over(548)),
    "sibling_groups_waiting": PerQuarter(sibling_groups_waiting),
    "children_waiting_under_5": PerQuarter(children_waiting_under_5),
    "children_waiting_share": children_waiting_share,
    **{measure: PerQuarter(child_flow) for measure in CHILD_EVENTS},
    **{measure: PerQuarter(stage) for measure in STAGES},
    "a10_care_to_placed_adjusted": PerQuarter(a10),
    "a2_order_to_match": PerQuarter(a2),
    "stage_order_to_match": PerQuarter(a2),
    "a3_within_14_months": PerQuarter(a3),
}
