"""The rows of current returns as tidy pandas frames, for the measures and the benchmarks.

Each frame has the return table's columns plus `agency_code` and `quarter_index` of the return
the row came in; dates are datetime64, flags booleans. Only current (newest) versions are read,
optionally only some quarters. Imports db modules only.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Date, Numeric, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import ROW_MODELS, Return

SKIP = {"id", "return_id", "source_row"}


def current_rows(
    session: Session, table: str, quarter_indexes: Iterable[int] | None = None,
    skip: Iterable[str] = (),
) -> pd.DataFrame:
    """Every row of one return table from the current returns, with its agency and quarter."""
    model = ROW_MODELS[table]
    columns = [c for c in model.__table__.columns if c.name not in SKIP | set(skip)]
    query = (
        select(Return.agency_code, Return.quarter_index, *columns)
        .join(Return, Return.id == model.__table__.c.return_id)
        .where(Return.is_current.is_(True))
    )
    if quarter_indexes is not None:
        query = query.where(Return.quarter_index.in_(sorted(set(quarter_indexes))))
    result = session.execute(query)
    # Plain tuples: pandas inspects SQLAlchemy Row objects one by one, some four times slower.
    frame = pd.DataFrame([tuple(row) for row in result], columns=list(result.keys()))
    for column in columns:
        if isinstance(column.type, Date):
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[ns]")
        elif isinstance(column.type, Numeric):
            frame[column.name] = pd.to_numeric(frame[column.name])
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.StringDtype):
            frame[name] = shared_strings(frame[name])
        elif frame[name].dtype == object:
            # A column left as objects is a view of the block of every value as the driver gave
            # them (dates, numbers, text): a copy of its own lets that block go.
            frame[name] = frame[name].copy()
    return frame


def shared_strings(column: pd.Series) -> pd.Series:
    """The column with one string object per distinct value. The driver makes a new object for
    every cell (some 60 bytes each), and codes, flags and agency names repeat down hundreds of
    thousands of rows: this made the kept rows a worker holds about a third smaller."""
    codes, distinct = pd.factorize(column.array)
    return pd.Series(distinct.take(codes, allow_fill=True), index=column.index, name=column.name)


def current_frames(sessions: sessionmaker[Session], tables: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """`current_rows` for several tables in one read-only session."""
    with sessions() as session:
        return {name: current_rows(session, name) for name in tables or tuple(ROW_MODELS)}
