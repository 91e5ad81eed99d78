"""Board notes: a short note pinned to an area and quarter ("court backlog", "new RAA from
April"), checked here before it is stored and chosen here for a chart. Who may pin or read one
is metrics.access's (`may_pin_note`, `may_read_notes`); storing it is db.notes'. Pure: imports
pandas and metrics only.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from metrics.quarters import Quarter

MAX_LENGTH = 140
NOTE_COLUMNS = ("note_id", "scope", "quarter", "text", "created_by", "created_at")


class NoteRefused(ValueError):
    """The note's words cannot be stored; the message says why, in words for the form."""


def checked_text(text: object) -> str:
    """The note's words with the spaces at its ends taken off: NoteRefused when it is empty,
    longer than MAX_LENGTH characters, or holds a control character (a line break, a tab, a
    direction override), which would break the one line a chart and the pack give it."""
    if not isinstance(text, str):
        raise NoteRefused("Write the note.")
    words = text.strip()
    if not words:
        raise NoteRefused("Write the note.")
    if len(words) > MAX_LENGTH:
        raise NoteRefused(f"A note is at most {MAX_LENGTH} characters; this one has {len(words)}.")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") for c in words):
        raise NoteRefused("A note is one line of plain text: take out line breaks, tabs and "
                          "other control characters.")
    return words


def checked_quarter(quarter: object) -> Quarter:
    """The quarter a note is pinned to: NoteRefused unless it is written `2024-25 Q3`."""
    if not isinstance(quarter, str):
        raise NoteRefused("Choose a quarter.")
    try:
        return Quarter.parse(quarter)
    except ValueError as exc:
        raise NoteRefused(f"Choose a quarter ({exc}).") from None


def empty() -> pd.DataFrame:
    return pd.DataFrame(columns=list(NOTE_COLUMNS))


def notes_on(notes: pd.DataFrame, scope: str, quarters: list[str]) -> pd.DataFrame:
    """The notes pinned to `scope` at any of `quarters`, in the quarters' order (then as
    pinned): what a chart of that area over those quarters marks."""
    if notes.empty:
        return empty()
    order = {str(q): n for n, q in enumerate(quarters)}
    kept = notes[(notes["scope"] == scope) & notes["quarter"].isin(order)]
    kept = kept.assign(_at=kept["quarter"].map(order)).sort_values(["_at", "note_id"])
    return kept.drop(columns="_at").reset_index(drop=True)


def note_line(note: dict | pd.Series) -> str:
    """A note as one line of text under a chart and in the pack: `2024-25 Q3: court backlog`."""
    return f"{note['quarter']}: {note['text']}"
