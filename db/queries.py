"""Reading the store: `Store` is the one object the dashboard and the CLI read through, and
the one the dashboard writes through. Imports config, db and metrics only.

It wraps a session factory and answers questions with tidy pandas frames, so that callers
never open sessions or write SQL. Writing returns stays with the importer and published
statistics with `db.published`: the Load page reaches them through thin methods here
(`check_upload`, `load_upload`, `store_published`), as sign-in, bearer tokens and audit events
go through thin methods over `db.users` and `db.audit`, each in its own transaction; board
notes through thin methods over `db.notes`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from config import Settings
from db import audit, importer, notes, records, users
from db.engine import session_factory
from db.importer import Report
from db.published import PublishedLoad, store_published
from db.models import Agency, Return, ReturnIssue
from metrics.access import Caller
from metrics.quarters import Quarter
from metrics.scope import Geography

RETURN_COLUMNS = (
    "return_id", "agency_code", "agency_name", "quarter", "version", "is_current",
    "loaded_at", "loaded_by", "n_warnings", "file_name", "rows_held_back",
)  # fmt: skip
# rows_held_back: more than 0 for a partial return (its failing rows were left out on purpose).
VERSION_COLUMNS = ("agency_code", "quarter", "version", "rows_held_back", "source_format")
# No `value`: a warning's value is a cell of the return (a child's date, a child's id), and the
# page that lists warnings must say where to look, not what the children's data are.
WARNING_COLUMNS = ("agency_code", "agency_name", "rule", "table_name", "row", "column", "message")
AUDIT_COLUMNS = ("at", "user_name", "kind", "scope", "quarter", "file_hash", "detail", "ip")
AUDIT_REFUSED = "Only admins can read the audit log."


class AuditRefused(PermissionError):
    """The caller may not read the audit log."""


class Store:
    """The database behind one session factory: questions answered as frames, and the thin
    writes of the module's docstring, each in a transaction of its own."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @classmethod
    def from_settings(cls, settings: Settings) -> "Store":
        return cls(session_factory(settings))

    def close_connections(self) -> None:
        """Close every pooled connection, as a process must before it forks workers (they open
        their own on first use; a connection shared by two processes corrupts both)."""
        bind = self._sessions.kw["bind"]
        bind.dispose()

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
                Return.rows_held_back,
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
        return frame.astype({"version": "int64", "n_warnings": "int64", "is_current": "bool",
                             "rows_held_back": "int64"})

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

    def return_versions(
        self, first: str | Quarter, last: str | Quarter, agencies: list[str] | None = None
    ) -> pd.DataFrame:
        """The current return's version for each agency and quarter that has one, from `first`
        to `last`, with the rows a partial load held back (columns VERSION_COLUMNS, oldest
        quarter first); `agencies` narrows it."""
        start, end = (q if isinstance(q, Quarter) else Quarter.parse(q) for q in (first, last))
        query = (
            select(Return.agency_code, Return.quarter_index, Return.version, Return.rows_held_back,
                   Return.source_format)
            .where(Return.is_current.is_(True),
                   Return.quarter_index.between(start.index, end.index))
            .order_by(Return.quarter_index, Return.agency_code)
        )  # fmt: skip
        if agencies is not None:
            query = query.where(Return.agency_code.in_(list(agencies)))
        with self._sessions() as session:
            rows = session.execute(query).all()
        frame = pd.DataFrame(
            [(code, str(Quarter.from_index(index)), version, held, fmt)
             for code, index, version, held, fmt in rows],
            columns=list(VERSION_COLUMNS),
        )
        return frame.astype({"agency_code": "str", "quarter": "str", "version": "int64",
                             "rows_held_back": "int64", "source_format": "str"})

    def return_warnings(
        self, quarter: str | Quarter, agencies: list[str] | None = None
    ) -> pd.DataFrame:
        """Warnings stored with the quarter's current returns, by agency then position in the
        return (columns WARNING_COLUMNS; `row` is the file's row number, missing when a warning
        is about the return as a whole). `agencies` narrows it."""
        wanted = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
        query = (
            select(Return.agency_code, Agency.name, ReturnIssue.rule, ReturnIssue.table_name,
                   ReturnIssue.row, ReturnIssue.column, ReturnIssue.message)
            .join(Return, Return.id == ReturnIssue.return_id)
            .join(Agency, Agency.code == Return.agency_code)
            .where(Return.is_current.is_(True), Return.quarter_index == wanted.index)
            .order_by(Return.agency_code, ReturnIssue.id)
        )  # fmt: skip
        if agencies is not None:
            query = query.where(Return.agency_code.in_(list(agencies)))
        with self._sessions() as session:
            rows = session.execute(query).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(WARNING_COLUMNS))
        return frame.astype({"row": "Int64"})

    def children_waiting_records(
        self, caller: Caller, geography: Geography, scope: str, quarter: Quarter
    ) -> pd.DataFrame:
        """The longest-waiting children of a scope (db.records): RecordsRefused, a
        PermissionError, before any read when the caller may not see them."""
        with self._sessions() as session:
            return records.children_waiting_records(session, caller, geography, scope, quarter)

    # ------------------------------------------------------------ board notes

    def pin_note(self, caller: Caller, geography: Geography, scope: str, quarter: str,
                 text: str, ip: str | None = None) -> int:
        """`db.notes.pin` in a transaction of its own: the note and its audit event, or
        neither (ValueError for wrong words, NoteNotAllowed for a caller who may not)."""
        with self._sessions.begin() as session:
            return notes.pin(session, caller, geography, scope, quarter, text, ip=ip)

    def remove_note(self, caller: Caller, geography: Geography, note_id: int,
                    ip: str | None = None) -> bool:
        """`db.notes.remove` in a transaction of its own."""
        with self._sessions.begin() as session:
            return notes.remove(session, caller, geography, note_id, ip=ip)

    def notes(self, caller: Caller, scopes: list[str] | None = None,
              quarters: list[str] | None = None) -> pd.DataFrame:
        """`db.notes.read`: the board notes the caller may read."""
        with self._sessions() as session:
            return notes.read(session, caller, scopes, quarters)

    # ------------------------------------------------------------ loading returns

    def check_upload(self, contents: bytes, file_name: str, **options: Any) -> Report:
        """`db.importer.check_upload` (its keyword options) in a transaction of its own: it
        stores no return, but the audit event of a refused upload is committed."""
        with self._sessions.begin() as session:
            return importer.check_upload(session, contents, file_name, **options)

    def load_upload(self, contents: bytes, file_name: str, **options: Any) -> Report:
        """`db.importer.load_upload` (its keyword options): check again and store in one
        transaction."""
        return importer.load_upload(self._sessions, contents, file_name, **options)

    def store_published(self, load: PublishedLoad, user: str) -> int:
        """`db.published.store_published`: the mapped figures stored, audited; how many."""
        return store_published(self._sessions, load, user)

    # ------------------------------------------------------------ sign-in, tokens, audit log

    def sign_in(self, name: str, password: str, ip: str | None = None) -> users.SignIn | None:
        """The caller for a right name and password with the session version to bind the new
        session to, else None; the attempt is audited. Raises users.TooManyAttempts (with the
        seconds to wait) after too many recent failures, counted atomically (db.users)."""
        return users.authenticate(self._sessions, name, password, ip=ip)

    def sign_out(self, name: str, ip: str | None = None) -> None:
        """End every session of the user on the server's side, audited as `sign_out`."""
        with self._sessions() as session, session.begin():
            users.end_sessions(session, name)
            audit.record(session, "sign_out", name, ip=ip)

    def caller_for_user(
        self, name: str, signed_in_at: datetime | None = None, session_version: int | None = None
    ) -> Caller | None:
        """The caller behind a signed-in session, or None when it no longer holds."""
        with self._sessions() as session:
            return users.caller_for_user(session, name, signed_in_at, session_version)

    def caller_for_token(self, token: str) -> Caller | None:
        """The caller behind an API bearer token, or None."""
        with self._sessions() as session, session.begin():
            return users.caller_for_token(session, token)

    def record_event(self, kind: str, user: str | None, **fields: str | None) -> None:
        """Write one audit event (`fields`: scope, quarter, file_hash, detail, ip)."""
        with self._sessions() as session, session.begin():
            audit.record(session, kind, user, **fields)

    def audit_log(
        self, caller: Caller, kind: str | None = None, user: str | None = None,
        since: datetime | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """`audit_events` for the admin page: AuditRefused, a PermissionError, before any read
        when the caller may not read the audit log."""
        if not caller.may_read_audit():
            raise AuditRefused(AUDIT_REFUSED)
        return self.audit_events(kind=kind, user=user, since=since)

    def audit_events(
        self, kind: str | None = None, user: str | None = None, since: datetime | None = None,
        limit: int = audit.READ_LIMIT,
    ) -> pd.DataFrame:  # fmt: skip
        """The audit log newest first (columns AUDIT_COLUMNS, `at` in UTC), narrowed to one
        kind, one user and events at or after `since`."""
        with self._sessions() as session:
            events = audit.read(session, kind=kind, user=user, since=since, limit=limit)
            rows = [tuple(getattr(e, c) for c in AUDIT_COLUMNS) for e in events]
        frame = pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        return frame
