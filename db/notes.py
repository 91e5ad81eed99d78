"""Board notes in the store: pinning one, removing one, reading those a caller may read.

Access is checked here, before any write or read (metrics.access: `may_pin_note`,
`may_read_notes`), and the words by metrics.notes; every pin and removal writes an audit event
in the same transaction, its `detail` the note's words, so the log keeps what a removed note
said. Imports db and metrics only.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db import audit
from db.models import BoardNote
from metrics.access import Caller
from metrics.notes import NOTE_COLUMNS, checked_quarter, checked_text, empty
from metrics.scope import Geography


class NoteNotAllowed(PermissionError):
    """The caller may not pin or remove a note on that area; the message names it."""


def _allowed(caller: Caller, geography: Geography, scope_code: str) -> None:
    if not caller.may_pin_note(scope_code, geography):
        name = geography.scope(scope_code).name
        raise NoteNotAllowed(f"Notes on {name} are pinned only by admins and by analysts who "
                             "hold every agency in it.")


def pin(session: Session, caller: Caller, geography: Geography, scope_code: str, quarter: str,
        text: str, ip: str | None = None) -> int:
    """Store a note on the scope's quarter and audit it (`note_pinned`); its id. ValueError
    (NoteRefused, or the scope's own) for a wrong area, quarter or words, NoteNotAllowed when
    the caller may not pin there; nothing is written then."""
    scope = geography.scope(scope_code)
    when = checked_quarter(quarter)
    words = checked_text(text)
    _allowed(caller, geography, scope.code)
    note = BoardNote(scope=scope.code, quarter=str(when), text=words, created_by=caller.name,
                     created_at=audit.now())
    session.add(note)
    session.flush()
    audit.record(session, "note_pinned", caller.name, scope=scope.code, quarter=str(when),
                 detail=f"note {note.id}: {words}", ip=ip)
    return note.id


def remove(session: Session, caller: Caller, geography: Geography, note_id: int,
           ip: str | None = None) -> bool:
    """Delete a note and audit it (`note_removed`, with what it said); False when there is no
    such note (already removed). NoteNotAllowed when the caller may not remove it."""
    note = session.get(BoardNote, note_id) if isinstance(note_id, int) else None
    if note is None:
        return False
    _allowed(caller, geography, note.scope)
    audit.record(session, "note_removed", caller.name, scope=note.scope, quarter=note.quarter,
                 detail=f"note {note.id}: {note.text}", ip=ip)
    session.execute(delete(BoardNote).where(BoardNote.id == note.id))
    return True


def read(session: Session, caller: Caller, scopes: Iterable[str] | None = None,
         quarters: Iterable[str] | None = None) -> pd.DataFrame:
    """The notes the caller may read (NOTE_COLUMNS), narrowed to some scopes and quarters;
    by scope, quarter, then as pinned. None at all for a caller who may read none."""
    if not caller.may_read_notes():
        return empty()
    query = select(BoardNote.id, BoardNote.scope, BoardNote.quarter, BoardNote.text,
                   BoardNote.created_by, BoardNote.created_at)
    if scopes is not None:
        query = query.where(BoardNote.scope.in_(list(scopes)))
    if quarters is not None:
        query = query.where(BoardNote.quarter.in_([str(q) for q in quarters]))
    rows = session.execute(query.order_by(BoardNote.scope, BoardNote.quarter, BoardNote.id)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(NOTE_COLUMNS))
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame
