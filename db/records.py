"""Child-level rows: the longest-waiting children behind the `children_waiting` measure.

Access is checked here, before any child's row is read: `children_waiting_records` raises
`RecordsRefused` unless the caller may see the scope's records (metrics.access). The children
listed are those the measure counts (metrics.measures.children.children_waiting_rows on the
quarter's current returns for the scope's LAs), so the list is as long as the measure's value.
Imports db and metrics only.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.orm import Session

from db.frames import current_rows
from metrics.access import Caller
from metrics.breakdowns import age_years, ethnic_group
from metrics.measures.children import children_waiting_rows
from metrics.quarters import Quarter
from metrics.scope import Geography

# The fields of the contract's records endpoint, in its order.
RECORD_COLUMNS = (
    "child_id", "la_code", "age", "sex", "ethnic_group", "sibling_group_id", "disability",
    "placement_order_date", "matched_date", "days_waiting",
)  # fmt: skip
DATES = ("placement_order_date", "matched_date")


class RecordsRefused(PermissionError):
    """The caller may not see child-level rows of the scope; the message names the scope."""


def check_records_access(caller: Caller, geography: Geography, scope_code: str) -> None:
    if not caller.may_see_records(scope_code, geography):
        name = geography.scope(scope_code).name
        raise RecordsRefused(
            f"child-level records of {name} ({scope_code}) are shown only to admins and to "
            "analysts granted every LA in it")  # fmt: skip


def children_waiting_records(
    session: Session, caller: Caller, geography: Geography, scope_code: str, quarter: Quarter,
) -> pd.DataFrame:  # fmt: skip
    """The children waiting at the quarter's end in the scope (RECORD_COLUMNS), longest wait
    first (then by LA and child id); dates as ISO text. RecordsRefused before any read when the
    caller may not see them; ValueError for an unknown scope."""
    scope = geography.scope(scope_code)
    check_records_access(caller, geography, scope.code)
    children = current_rows(session, "children", [quarter.index])
    children = children[children["la_code"].isin(geography.child_las(scope))]
    end = pd.Timestamp(quarter.end)
    waiting = children_waiting_rows(children, end)
    return _listed(waiting, end)


def _listed(waiting: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    at_end = pd.Series(end, index=waiting.index)
    frame = pd.DataFrame({
        "child_id": waiting["child_id"],
        "la_code": waiting["la_code"],
        "age": age_years(waiting["date_of_birth"], at_end).astype(int),
        "sex": waiting["sex"],
        "ethnic_group": ethnic_group(waiting["ethnicity"]),
        "sibling_group_id": waiting["sibling_group_id"],
        "disability": waiting["disability"].astype(bool),
        **{column: waiting[column] for column in DATES},
        "days_waiting": (at_end - waiting["placement_order_date"]).dt.days.astype(int),
    }, columns=list(RECORD_COLUMNS))  # fmt: skip
    frame = frame.sort_values(["days_waiting", "la_code", "child_id"],
                              ascending=[False, True, True], ignore_index=True)
    for column in DATES:
        frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    for column in (*DATES, "sibling_group_id"):  # gaps as None: the same on both backends
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame
