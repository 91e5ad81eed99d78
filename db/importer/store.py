"""Write a validated return in one transaction, superseding the agency's earlier version.

Also the database-backed `History` the validator asks about earlier returns. Everything here
runs inside the caller's session and transaction: an error, or a killed process, leaves no part
of a return behind. Imports db and metrics modules only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.importer.report import Issue
from db.importer.validate import ValidatedReturn
from db.models import ROW_MODELS, Child, Return, ReturnIssue
from metrics.quarters import Quarter

HISTORY_COLUMNS = (
    "child_id", "la_code", "adm_decision_date", "placement_order_date", "adoption_order_date",
    "decision_reversed_date",
)  # fmt: skip


class DbHistory:
    """The validator's view of the returns already stored."""

    def __init__(self, session: Session):
        self.session = session

    def previous_children(self, agency_code: str, quarter: Quarter) -> pd.DataFrame | None:
        columns = [getattr(Child, c) for c in HISTORY_COLUMNS]
        query = (
            select(*columns)
            .join(Return, Return.id == Child.return_id)
            .where(
                Return.agency_code == agency_code,
                Return.quarter_index == quarter.index,
                Return.is_current.is_(True),
            )
        )
        rows = self.session.execute(query).all()
        if not rows:
            return None
        frame = pd.DataFrame(rows, columns=list(HISTORY_COLUMNS))
        for column in HISTORY_COLUMNS[2:]:
            frame[column] = pd.to_datetime(frame[column])
        return frame

    def las_returned_elsewhere(
        self, agency_code: str, quarter: Quarter, la_codes: set[str]
    ) -> dict[str, str]:
        if not la_codes:
            return {}
        query = (
            select(Child.la_code, Return.agency_code)
            .join(Return, Return.id == Child.return_id)
            .where(
                Return.quarter_index == quarter.index,
                Return.is_current.is_(True),
                Return.agency_code != agency_code,
                Child.la_code.in_(sorted(la_codes)),
            )
            .distinct()
        )
        return {la: agency for la, agency in self.session.execute(query)}


class LoadRaced(RuntimeError):
    """Another load of the same return (agency and quarter) committed its version while this one
    was storing: both took the next version number and the database kept the first. The
    caller's transaction is spoilt and must be rolled back; nothing of this load stays."""

    def __init__(self, agency_code: str, quarter: Quarter):
        super().__init__(f"another load of {agency_code} {quarter} just finished while this one "
                         "was being stored, so nothing of this one was stored; see python -m db "
                         "returns, and load again if this file should replace it")
        self.agency_code, self.quarter = agency_code, quarter


@dataclass(frozen=True)
class StoreOutcome:
    status: str  # loaded or unchanged
    version: int
    return_id: int


def current_return(session: Session, agency_code: str, quarter: Quarter) -> Return | None:
    return session.scalar(
        select(Return).where(
            Return.agency_code == agency_code,
            Return.quarter_index == quarter.index,
            Return.is_current.is_(True),
        )
    )


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows for an executemany insert: dates as date, blanks as None, source_row from the index.

    Whole columns are converted at once (`tolist` yields plain Python values), which keeps a
    large return's conversion a small part of its load time.
    """
    columns: dict[str, list[Any]] = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            columns[column] = values.to_numpy(dtype="datetime64[D]").astype(object).tolist()
        else:
            columns[column] = values.to_numpy(dtype=object, na_value=None).tolist()
    columns["source_row"] = np.asarray(frame.index, dtype=np.int64).tolist()
    keys = list(columns)
    return [dict(zip(keys, row)) for row in zip(*columns.values())]


def store_return(
    session: Session,
    validated: ValidatedReturn,
    *,
    file_name: str,
    sha256: str,
    source_format: str,
    loaded_by: str,
    loaded_at: datetime | None = None,
    carries: dict[str, tuple[str, ...]] | None = None,
    rows_held_back: int = 0,
    held_back: Sequence[Issue] = (),
) -> StoreOutcome:
    """Store a valid return as the agency's newest version for the quarter (caller commits).

    A partial load (db.importer.partial) passes the return without its failing rows, how many
    rows it held back, and their errors, which are kept with the return beside its warnings so
    that the Data quality page lists what is not in the figures."""
    if not validated.ok or validated.agency_code is None or validated.quarter is None:
        raise ValueError("only a return without errors can be stored")
    agency, quarter = validated.agency_code, validated.quarter
    # The newest version first, then the current return: a load committed by anyone in
    # between makes this one's version number taken, which the unique key then refuses
    # (LoadRaced), rather than leaving two current returns.
    latest = session.scalar(
        select(func.max(Return.version)).where(
            Return.agency_code == agency, Return.quarter_index == quarter.index
        )
    )
    current = current_return(session, agency, quarter)
    if current is not None and current.sha256 == sha256:
        return StoreOutcome("unchanged", current.version, current.id)
    if current is not None:
        session.execute(update(Return).where(Return.id == current.id).values(is_current=False))
    warnings = [i for i in validated.issues if i.level == "warning"]
    ret = Return(
        agency_code=agency,
        quarter=str(quarter),
        quarter_index=quarter.index,
        version=(latest or 0) + 1,
        is_current=True,
        loaded_at=loaded_at or datetime.now(timezone.utc),
        loaded_by=loaded_by,
        file_name=file_name[:255],
        sha256=sha256,
        source_format=source_format,
        n_warnings=len(warnings),
        carries=None if carries is None else json.dumps({t: list(c) for t, c in carries.items()}),
        rows_held_back=rows_held_back,
    )
    session.add(ret)
    try:
        # The version's unique key (agency, quarter, version) is where two loads of one return
        # meet: the later one's insert waits for the earlier one's commit, then fails here.
        session.flush()
    except IntegrityError as exc:
        raise LoadRaced(agency, quarter) from exc
    for table, model in ROW_MODELS.items():
        rows = records(validated.frames[table])
        if rows:
            for row in rows:
                row["return_id"] = ret.id
            # Core executemany: the ORM's bulk path would fetch keys back row by row.
            session.execute(model.__table__.insert(), rows)
    kept = [*held_back, *warnings]
    if kept:
        session.execute(
            ReturnIssue.__table__.insert(),
            [
                dict(return_id=ret.id, rule=w.rule, table_name=w.table, row=w.row,
                     column=w.column, value=w.value, message=w.message)
                for w in kept
            ],
        )
    return StoreOutcome("loaded", ret.version, ret.id)
