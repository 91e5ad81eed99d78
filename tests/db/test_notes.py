"""Board notes in the store, on SQLite and PostgreSQL: who may pin and remove one (admins
anywhere, analysts on the areas they hold, never a viewer or a board's screen), what the words
may be, who reads them (everyone signed in, nobody on a public dashboard), the audit event of
each pin and removal, and the data version moving so no cached chart misses a note.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db import audit, users
from db.engine import engine_for
from db.measure_data import MeasureSource, load_geography
from db.models import BoardNote
from db.notes import NoteNotAllowed
from db.queries import Store
from metrics.access import Caller
from metrics.notes import NoteRefused
from tests.cli_in_process import cli  # noqa: F401  (a fixture)

ALS_ANALYST = Caller("ann", "analyst", frozenset({"ALS"}))  # Adopt London South, London
ADMIN = Caller("ada", "admin")
VIEWER = Caller("vic", "viewer")
PUBLIC = replace(Caller.viewer("public"), public=True)
Q3 = "2024-25 Q3"


@pytest.fixture
def sessions(db_url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(db_url), expire_on_commit=False)


@pytest.fixture
def store(sessions: sessionmaker[Session]) -> Store:
    return Store(sessions)


@pytest.fixture
def geography(sessions):
    return load_geography(sessions)


def events(sessions, kind: str) -> list[tuple[str, str, str, str]]:
    with sessions() as session:
        return [(e.user_name, e.scope, e.quarter, e.detail) for e in audit.read(session, kind=kind)]


def stored(sessions) -> int:
    with sessions() as session:
        return len(session.scalars(select(BoardNote)).all())


def test_an_analyst_pins_a_note_to_an_area_they_hold_and_it_is_audited(store, sessions, geography):
    note = store.pin_note(ALS_ANALYST, geography, "ALS", Q3, "  Court backlog in Croydon  ")
    found = store.notes(VIEWER)
    assert found[["note_id", "scope", "quarter", "text", "created_by"]].values.tolist() == [
        [note, "ALS", Q3, "Court backlog in Croydon", "ann"]]
    assert events(sessions, "note_pinned") == [("ann", "ALS", Q3, f"note {note}: Court backlog in Croydon")]
    # a member LA of the RAA is held too
    store.pin_note(ALS_ANALYST, geography, "306", "2024-25 Q4", "New team")
    assert store.notes(VIEWER, scopes=["306"])["text"].tolist() == ["New team"]


@pytest.mark.parametrize("scope", ["840", "region:London", "england", "AC2C"])
def test_an_analyst_cannot_pin_to_an_area_they_do_not_hold(store, sessions, geography, scope):
    with pytest.raises(NoteNotAllowed, match="pinned only by admins"):
        store.pin_note(ALS_ANALYST, geography, scope, Q3, "court backlog")
    assert stored(sessions) == 0 and events(sessions, "note_pinned") == []


@pytest.mark.parametrize("caller", [VIEWER, PUBLIC, ADMIN.on_the_board(), replace(ADMIN, public=True)],
                         ids=["viewer", "public", "board mode", "admin on a public dashboard"])
def test_nobody_pins_as_a_viewer_a_board_screen_or_on_a_public_dashboard(store, sessions, geography, caller):
    with pytest.raises(NoteNotAllowed):
        store.pin_note(caller, geography, "england", Q3, "court backlog")
    assert stored(sessions) == 0


def test_an_admin_pins_anywhere(store, geography):
    for scope in ("england", "region:North East", "840", "CORAM"):
        store.pin_note(ADMIN, geography, scope, Q3, f"about {scope}")
    assert sorted(store.notes(VIEWER)["scope"]) == sorted(["england", "region:North East", "840", "CORAM"])


@pytest.mark.parametrize("text, says", [
    ("", "Write the note"),
    ("   ", "Write the note"),
    ("x" * 141, "at most 140 characters; this one has 141"),
    ("court\nbacklog", "one line of plain text"),
    ("court\tbacklog", "one line of plain text"),
    ("court \u202ebacklog", "one line of plain text"),  # a right-to-left override
    (None, "Write the note"),
])
def test_a_note_s_words_are_checked_before_anything_is_stored(store, sessions, geography, text, says):
    with pytest.raises(NoteRefused, match=says):
        store.pin_note(ADMIN, geography, "england", Q3, text)
    assert stored(sessions) == 0 and events(sessions, "note_pinned") == []


def test_a_note_of_140_characters_is_kept_whole_and_a_wrong_area_or_quarter_is_refused(store, geography):
    words = "é" * 140
    store.pin_note(ADMIN, geography, "england", Q3, words)
    assert store.notes(ADMIN)["text"].tolist() == [words]
    with pytest.raises(ValueError, match="not a quarter"):
        store.pin_note(ADMIN, geography, "england", "2024 Q3", "court backlog")
    with pytest.raises(ValueError):
        store.pin_note(ADMIN, geography, "999", Q3, "court backlog")


def test_removing_is_for_those_who_may_pin_and_the_audit_keeps_what_the_note_said(store, sessions, geography):
    note = store.pin_note(ADMIN, geography, "ALS", Q3, "new RAA from April")
    for caller in (VIEWER, Caller("nia", "analyst", frozenset({"840"}))):
        with pytest.raises(NoteNotAllowed):
            store.remove_note(caller, geography, note)
    assert stored(sessions) == 1
    assert store.remove_note(ALS_ANALYST, geography, note) is True
    assert stored(sessions) == 0
    assert events(sessions, "note_removed") == [("ann", "ALS", Q3, f"note {note}: new RAA from April")]
    assert store.remove_note(ALS_ANALYST, geography, note) is False  # already gone: no second event
    assert len(events(sessions, "note_removed")) == 1


def test_every_signed_in_role_reads_notes_and_a_public_dashboard_none(store, geography):
    store.pin_note(ADMIN, geography, "840", Q3, "court backlog")
    for caller in (VIEWER, ALS_ANALYST, ADMIN, ADMIN.on_the_board()):
        assert store.notes(caller)["text"].tolist() == ["court backlog"]
    assert store.notes(PUBLIC).empty
    assert store.notes(replace(ADMIN, public=True)).empty


def test_the_data_version_moves_with_every_pin_and_removal(sessions, store, geography):
    source = MeasureSource(sessions)
    before = source.data_version()
    note = store.pin_note(ADMIN, geography, "england", Q3, "court backlog")
    pinned = source.data_version()
    store.remove_note(ADMIN, geography, note)
    assert len({before, pinned, source.data_version()}) == 3
    assert source.notes(VIEWER, "england", [Q3]).empty


def test_the_command_line_pins_lists_and_removes_with_a_dashboard_user_s_rights(db_url, sessions, cli) -> None:
    with sessions() as session, session.begin():
        users.add_user(session, "ann", "a long enough password", "analyst", ["ALS"], actor="setup")
    pinned = cli(db_url, "notes", "add", "ALS", Q3, "court backlog", "--user", "ann")
    assert (pinned.returncode, pinned.stdout.strip()) == (0, "Pinned note 1.")
    refused = cli(db_url, "notes", "add", "840", Q3, "court backlog", "--user", "ann")
    assert refused.returncode == 2 and "pinned only by admins" in refused.stdout
    nobody = cli(db_url, "notes", "add", "ALS", Q3, "court backlog", "--user", "root")
    assert nobody.returncode == 2 and "no dashboard user is called 'root'" in nobody.stdout
    listed = cli(db_url, "notes", "list", "--scope", "ALS")
    assert listed.returncode == 0 and "court backlog" in listed.stdout and "1 note(s)." in listed.stdout
    assert cli(db_url, "notes", "remove", "1", "--user", "ann").stdout.strip() == "Removed note 1."
    assert cli(db_url, "notes", "remove", "1", "--user", "ann").returncode == 2
    assert [len(events(sessions, kind)) for kind in ("note_pinned", "note_removed")] == [1, 1]


def test_a_request_reads_the_notes_once_and_each_chart_gets_only_its_own(sessions, store, geography):
    """A page of ten charts asks for its notes ten times in one request: one query answers them
    all, each narrowed to its scope and quarters, and the next request sees a new pin."""
    from sqlalchemy import event

    store.pin_note(ADMIN, geography, "840", Q3, "court backlog")
    store.pin_note(ADMIN, geography, "840", "2024-25 Q4", "new team")
    store.pin_note(ADMIN, geography, "england", Q3, "national reform")
    source = MeasureSource(sessions)
    reads: list[str] = []
    engine = sessions.kw["bind"]

    def count(conn, cursor, statement, *args) -> None:
        if "board_note" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        source.begin_reading()
        try:
            assert source.notes(VIEWER, "840", [Q3])["text"].tolist() == ["court backlog"]
            assert source.notes(VIEWER, "840", [Q3, "2024-25 Q4"])["text"].tolist() == [
                "court backlog", "new team"]
            assert source.notes(VIEWER, "england", [Q3])["text"].tolist() == ["national reform"]
            assert source.notes(VIEWER, "841", [Q3]).empty
            assert source.notes(PUBLIC, "840", [Q3]).empty
            assert len(reads) == 1
            store.pin_note(ADMIN, geography, "841", Q3, "pinned meanwhile")
        finally:
            source.end_reading()
        source.begin_reading()
        try:
            assert source.notes(VIEWER, "841", [Q3])["text"].tolist() == ["pinned meanwhile"]
        finally:
            source.end_reading()
    finally:
        event.remove(engine, "before_cursor_execute", count)
