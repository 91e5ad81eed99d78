"""Reading the store: `Store` is the one object the dashboard and the CLI read through.

It wraps a session factory and answers questions with tidy pandas frames, so that callers
never open sessions or write SQL. Writing returns stays with the importer. Imports config,
db and metrics only.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from config import Settings
from db.engine import session_factory
from db.models import Agency, Return
from metrics.quarters import Quarter

RETURN_COLUMNS = (
    "return_id", "agency_code", "agency_name", "quarter", "version", "is_current",
    "loaded_at", "loaded_by", "n_warnings", "file_name",
)  # fmt: skip


class Store:
    """Read access to the database behind one session factory."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @classmethod
    def from_settings(cls, settings: Settings) -> "Store":
        return cls(session_factory(settings))

    def ping(self) -> None:
        """Run `SELECT 1`; raises SQLAlchemyError when the database cannot be reached."""
        with self._sessions() as session:
            session.execute(text("SELECT 1"))

    def list_returns(
        self, quarter: str | Quarter | None = None, include_superseded: bool = False
    ) -> pd.DataFrame:
        """Returns loaded, one row per version, oldest quarter first (columns RETURN_COLUMNS).

        `loaded_at` is a UTC timestamp. A `quarter` that is not `YYYY-YY Qn` raises ValueError
        with the expected form.
        """
        query = (
            select(
                Return.id.label("return_id"),
                Return.agency_code,
                Agency.name.label("agency_name"),
                Return.quarter,
                Return.version,
                Return.is_current,
                Return.loaded_at,
                Return.loaded_by,
                Return.n_warnings,
                Return.file_name,
            )
            .join(Agency, Agency.code == Return.agency_code)
            .order_by(Return.quarter_index, Return.agency_code, Return.version)
        )
        if quarter is not None:
            wanted = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
            query = query.where(Return.quarter_index == wanted.index)
        if not include_superseded:
            query = query.where(Return.is_current.is_(True))
        with self._sessions() as session:
            rows = session.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(RETURN_COLUMNS))
        # SQLite hands back naive datetimes (stored as UTC); PostgreSQL hands back the
        # server's zone. One zone for everyone.
        frame["loaded_at"] = pd.to_datetime(frame["loaded_at"], utc=True)
        return frame.astype({"version": "int64", "n_warnings": "int64", "is_current": "bool"})

    def quarters(self) -> list[str]:
        """Quarters that have at least one current return, newest first (`2024-25 Q3`)."""
        query = (
            select(Return.quarter_index)
            .where(Return.is_current.is_(True))
            .distinct()
            .order_by(Return.quarter_index.desc())
        )
        with self._sessions() as session:
            indexes = session.scalars(query).all()
        return [str(Quarter.from_index(i)) for i in indexes]

    def count_returns(self) -> int:
        """How many current returns are stored (0 for a new database)."""
        query = select(func.count()).select_from(Return).where(Return.is_current.is_(True))
        with self._sessions() as session:
            return int(session.scalar(query) or 0)
