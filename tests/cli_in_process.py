"""`python -m db ARGS` run in the test's own process (its start-up is the slow part): the
`cli` fixture, for tests that load files as a user would on the command line."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from db.cli import main


@dataclass
class Ran:
    returncode: int
    stdout: str  # standard output and error, as the user reads them


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    def run(url: str, *args: str) -> Ran:
        monkeypatch.setenv("DATABASE_URL", url)
        code = main(list(args))
        out = capsys.readouterr()
        return Ran(code, out.out + out.err)

    return run
