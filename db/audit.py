"""The audit log: who signed in (or failed to), loaded, exported, changed users or pinned and
removed board notes, and when.

`record` adds one event inside the caller's session, so an event commits or rolls back with
the change it describes; `read` lists events newest first for the admin page. An event names
a scope, a quarter and a file hash, never a child: `detail` is for admins to read. Imports db.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent

KINDS = (
    "sign_in", "sign_in_failed", "sign_in_refused", "sign_out", "load", "load_rejected",
    "published_load",
    "export", "records_view", "board_pack", "user_added", "user_changed", "grant_changed", "token_issued", "token_revoked",
    "note_pinned", "note_removed",
)  # fmt: skip
READ_LIMIT = 500  # the admin page shows the newest events; filters narrow further back
# What the dashboard draws beside the returns changes only with these events.
BESIDE_RETURNS = ("note_pinned", "note_removed", "published_load")


def now() -> datetime:
    return datetime.now(UTC)


def in_utc(moment: datetime) -> datetime:
    """A moment in UTC; a naive one is taken as UTC already. SQLite keeps the UTC wall time
    without its zone and hands it back naive, so comparisons and answers use UTC everywhere."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def record(
    session: Session,
    kind: str,
    user: str | None,
    scope: str | None = None,
    quarter: str | None = None,
    file_hash: str | None = None,
    detail: str | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Add an event of a known `kind` by `user` (None when nobody is known, e.g. a failed
    sign-in under an unknown name). The caller's transaction commits it."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit event {kind!r}; events are {', '.join(KINDS)}")
    event = AuditEvent(at=now(), user_name=user, kind=kind, scope=scope, quarter=quarter,
                       file_hash=file_hash, detail=detail, ip=ip)  # fmt: skip
    session.add(event)
    return event


def read(
    session: Session,
    kind: str | None = None,
    user: str | None = None,
    since: datetime | None = None,
    limit: int = READ_LIMIT,
) -> list[AuditEvent]:
    """Events newest first, narrowed to one kind, one user and those at or after `since`."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(AuditEvent.kind == kind)
    if user is not None:
        query = query.where(AuditEvent.user_name == user)
    if since is not None:
        query = query.where(AuditEvent.at >= in_utc(since))
    return list(session.scalars(query).all())


def recent(
    session: Session, kind: str, since: datetime, *, user: str | None = None,
    ip: str | None = None, limit: int = READ_LIMIT,
) -> list[datetime]:  # fmt: skip
    """When events of `kind` by `user` (or from `ip`) happened at or after `since`, newest first,
    in UTC: the sign-in rate limit counts failures with it, from the table every worker shares."""
    query = (
        select(AuditEvent.at).where(AuditEvent.kind == kind, AuditEvent.at >= in_utc(since))
        .order_by(AuditEvent.at.desc()).limit(limit)
    )  # fmt: skip
    if user is not None:
        query = query.where(AuditEvent.user_name == user)
    if ip is not None:
        query = query.where(AuditEvent.ip == ip)
    return [in_utc(at) for at in session.scalars(query)]


def newest(session: Session, kinds: tuple[str, ...]) -> int:
    """The id of the newest event of these kinds (0 for none). Events are never deleted, so it
    only moves on, where a row's own id may be used again once the newest row is removed: a
    version that anything kept by it can trust."""
    return int(session.scalar(select(func.max(AuditEvent.id)).where(AuditEvent.kind.in_(kinds))) or 0)
