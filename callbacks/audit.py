"""Handlers of the "Audit log" page: filters -> store -> grid rows, or who may read it. Imports
dash, pandas, db, metrics, layouts and server only.

`audit_view` is a plain function of the services, the caller and the filters, so tests call it
directly; whether the caller may read the log is decided by the store (`Store.audit_log`), not
here. Anyone but an admin is told who may read it; the header links admins to it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import NamedTuple

import pandas as pd
from dash import Dash, Input, Output

from server.auth import caller_of
from server.services import Services
from db.audit import KINDS
from db.queries import AuditRefused
from layouts import ids
from layouts.audit import ALL, COLUMNS, MAX_USER_LENGTH, kind_options
from metrics.access import Caller

HASH_SHOWN = 12  # characters of a file's SHA-256: enough to tell files apart on screen


class AuditView(NamedTuple):
    rows: list[dict]
    message: str


def grid_rows(frame: pd.DataFrame) -> list[dict]:
    """The events as grid rows: the page's columns, the time to the second, hashes cut short."""
    shown = frame[[field for field, _, _ in COLUMNS]]
    rows = shown.assign(
        at=shown["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        file_hash=shown["file_hash"].str[:HASH_SHOWN],
    ).astype(object)
    return rows.where(rows.notna(), None).to_dict("records")  # empty cells, not NaN, in JSON


def count_line(n: int) -> str:
    return f"{n:,} event{'' if n == 1 else 's'}, newest first."


def since_moment(since: str | date | None) -> datetime | None:
    """The start (00:00 UTC) of the day chosen in "From"; ValueError for a date that is not one."""
    if since in (None, ""):
        return None
    day = since if isinstance(since, date) else date.fromisoformat(str(since).strip()[:10])
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def audit_view(services: Services, caller: Caller, kind: str | None, user: str | None,
               since: str | date | None) -> AuditView:  # fmt: skip
    """The events a caller asked for, or why there are none to show."""
    kind = None if kind in (None, "", ALL) else str(kind)
    if kind is not None and kind not in KINDS:
        return AuditView([], f"There is no kind of event {kind[:40]!r}.")
    user = str(user or "").strip()[:MAX_USER_LENGTH] or None
    try:
        start = since_moment(since)
    except ValueError:
        return AuditView([], "Give the date from as YYYY-MM-DD, e.g. 2025-01-31.")
    try:
        frame = services.store.audit_log(caller, kind=kind, user=user, since=start)
    except AuditRefused as exc:
        return AuditView([], str(exc))
    return AuditView(grid_rows(frame), count_line(len(frame)))


def register(app: Dash, services: Services) -> None:
    def update(kind: str | None, user: str | None, since: str | None) -> tuple:
        view = audit_view(services, caller_of(services), kind, user, since)
        return kind_options(KINDS), view.rows, view.message

    app.callback(
        Output(ids.AUDIT_KIND, "options"),
        Output(ids.AUDIT_GRID, "rowData"),
        Output(ids.AUDIT_MESSAGE, "children"),
        Input(ids.AUDIT_KIND, "value"),
        Input(ids.AUDIT_USER, "value"),
        Input(ids.AUDIT_SINCE, "value"),
    )(update)
