"""Two loads of one return (same agency and quarter) at the same moment, on SQLite and
PostgreSQL: one is stored, the other is told plainly that another load of that return just
finished (the command line in one line with exit status 1, the Load page in its message), and
both are in the audit log.

The loads are real threads on the real database; a barrier holds each just after it has read
the newest version, so both take the same next version number and meet at its unique key, as
two loaders pressing the button together do.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from callbacks import load
from server.services import Services
from config import Settings
from db import audit
from db.cli import main as db_main
from db.importer import store
from db.models import Return
from metrics.access import Caller
from tests.builders import valid_return

RACED = "another load of 942 2024-25 Q3 just finished"


@pytest.fixture
def meeting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each load waits for the other once it has read the newest version."""
    barrier = threading.Barrier(2, timeout=20)
    real = store.current_return

    def after_both_have_read(session, agency_code, quarter):
        found = real(session, agency_code, quarter)
        barrier.wait()
        return found

    monkeypatch.setattr(store, "current_return", after_both_have_read)


def together(*work: Callable[[], object]) -> list[object]:
    """Each function's answer (or the exception it raised), run at the same time."""
    answers: list[object] = [None] * len(work)

    def run(i: int) -> None:
        try:
            answers[i] = work[i]()
        except Exception as exc:  # the test looks at it
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return answers


def load_events(sessions: sessionmaker[Session]) -> list[tuple[str, str, str]]:
    with sessions() as session:
        found = audit.read(session)
        return sorted((e.kind, e.user_name, e.detail) for e in found if e.kind.startswith("load"))


def stored_versions(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """(returns stored, of which current)."""
    with sessions() as session:
        total = session.scalar(select(func.count()).select_from(Return))
        current = session.scalar(select(func.count()).select_from(Return).where(Return.is_current.is_(True)))
        return total, current


def test_two_command_line_loads_of_one_return_one_is_told_in_one_line(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, meeting: None,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", db_url)
    first = valid_return().write_xlsx(tmp_path / "first.xlsx")
    second = valid_return().write_zip(tmp_path / "second.zip")

    statuses = together(lambda: db_main(["load", "--user", "ann", str(first)]),
                        lambda: db_main(["load", "--user", "bob", str(second)]))

    out, err = capsys.readouterr()
    assert sorted(statuses) == [0, 1], (statuses, out, err)
    loser = "first.xlsx" if statuses[0] == 1 else "second.zip"
    told = [line for line in out.splitlines() if line.startswith("NOT LOADED")]
    assert told == [f"NOT LOADED {loser}: {RACED} while this one was being stored, "
                    "so nothing of this one was stored; see python -m db returns, and load again "
                    "if this file should replace it."]
    assert "Traceback" not in out + err and "IntegrityError" not in out + err
    assert stored_versions(sessions) == (1, 1)
    winner, loser_user = ("bob", "ann") if statuses[0] == 1 else ("ann", "bob")
    assert load_events(sessions) == sorted([
        ("load", winner, f"{'second.zip' if winner == 'bob' else 'first.xlsx'}: loaded version 1"),
        ("load_rejected", loser_user,
         f"{loser}: not stored: another load of this return finished first"),
    ])


def test_two_loads_from_the_load_page_one_is_told_on_the_page(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path, meeting: None,
) -> None:
    services = Services.from_settings(Settings(database_url=db_url, secret_key="test"))
    admin = Caller("ada", "admin")
    body = valid_return().write_xlsx(tmp_path / "return.xlsx").read_bytes()
    contents = "data:application/octet-stream;base64," + base64.b64encode(body).decode()

    def press(name: str) -> load.LoadView:
        return load.load_file(services, admin, contents, name, None, None)

    views = together(lambda: press("mine.xlsx"), lambda: press("theirs.xlsx"))

    assert all(isinstance(v, load.LoadView) for v in views), views
    messages = sorted(v.message for v in views)
    assert [v.loaded for v in views].count(True) == 1, messages
    assert messages[0].startswith("Loaded Cumberland (942), 2024-25 Q3, version 1")
    assert messages[1].startswith(f"Not loaded: {RACED} while this one was being stored")
    assert "cannot be reached" not in " ".join(messages)
    assert stored_versions(sessions) == (1, 1)
    kinds = [(kind, user) for kind, user, _ in load_events(sessions)]
    assert kinds == [("load", "ada"), ("load_rejected", "ada")]
