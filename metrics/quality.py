"""Data quality: which agencies owe a return for a scope, the returns-received grid (partial
returns marked), and warnings and held-back rows made safe to show to anyone who may see the
aggregates.

Pure: tidy frames in, tidy frames out. Imports pandas and metrics only.
"""

from __future__ import annotations

import pandas as pd

from metrics.quarters import Quarter, quarter_range
from metrics.scope import Geography, agency_tree

MISSING = "—"
MISSING_TEXT = "missing"
PARTIAL_TEXT = "partial"  # after the version of a return loaded with failing rows held back
GRID_COLUMNS = ("agency_code", "agency_name", "kind", "quarter", "version", "rows_held_back", "shown")
KIND_ORDER = {"raa": 0, "la": 1, "vaa": 2}

# Rules whose stored message is fixed wording about the row and column only. Other messages
# may quote a cell of the return (W04 names a child's id and their earlier date), so they are
# replaced by the rule's own wording.
FIXED_WORDING = frozenset({"W01", "W02", "W03", "A01"})
RULE_WORDING = {
    "W04": "a date differs from the previous quarter's return, or a child on the pathway then "
           "is missing now; the agency should confirm the correction.",
}
OTHER_WORDING = "see the agency's validation report for this row."
# Errors are only stored for rows a partial load held back; their messages may quote a cell.
HELD_BACK_WORDING = ("held back: this row failed rule {rule} and is not in the figures; the agency "
                     "can correct it and load the return again.")


def submitting_agencies(geography: Geography, scope: str) -> pd.DataFrame:
    """Agencies that make a return covering the scope: RAAs, then LAs outside an RAA, then
    VAAs, each by name (columns code, name, kind). An LA inside an RAA is its RAA's return."""
    found = geography.scope(scope)
    owing = geography.expected_submitters(found, "children") | geography.household_agencies(found)
    rows = [(code, name, kind) for code, name, kind, depth in agency_tree(geography)
            if depth == 0 and code in owing]
    frame = pd.DataFrame(rows, columns=["code", "name", "kind"])
    return frame.sort_values("kind", key=lambda k: k.map(KIND_ORDER), kind="stable").reset_index(drop=True)


def grid_quarters(last: Quarter, count: int = 8) -> list[Quarter]:
    return quarter_range(last + (1 - count), last)


def returns_grid(agencies: pd.DataFrame, versions: pd.DataFrame, quarters: list[Quarter]) -> pd.DataFrame:
    """One row per agency and quarter (GRID_COLUMNS): the current return's version, or NA and
    `shown` = MISSING when the agency has no return for that quarter; a partial return's
    version is followed by PARTIAL_TEXT (`rows_held_back` says how many rows it left out)."""
    cells = agencies.rename(columns={"code": "agency_code", "name": "agency_name"}).merge(
        pd.DataFrame({"quarter": [str(q) for q in quarters]}), how="cross")
    cells = cells.merge(versions[["agency_code", "quarter", "version", "rows_held_back"]],
                        on=["agency_code", "quarter"], how="left")
    cells["version"] = cells["version"].astype("Int64")
    cells["rows_held_back"] = cells["rows_held_back"].astype("Int64")
    cells["shown"] = [
        MISSING if pd.isna(v) else f"{int(v)} {PARTIAL_TEXT}" if held else str(int(v))
        for v, held in zip(cells["version"], cells["rows_held_back"].fillna(0))
    ]
    return cells[list(GRID_COLUMNS)]


def safe_warnings(warnings: pd.DataFrame) -> pd.DataFrame:
    """The warnings with any message that might quote a child's data replaced by its rule's
    wording. The frame carries no `value` column to begin with."""
    fixed = warnings["rule"].isin(FIXED_WORDING)
    replaced = warnings["rule"].map(
        lambda r: HELD_BACK_WORDING.format(rule=r) if is_held_back(r) else RULE_WORDING.get(r, OTHER_WORDING))
    return warnings.assign(message=warnings["message"].where(fixed, replaced))


def is_held_back(rule: str) -> bool:
    """A stored issue that is an error (V and C rules): a row a partial load held back."""
    return rule[:1] in ("V", "C")
