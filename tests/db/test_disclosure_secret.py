"""The disclosure secret behind the cell key method (metrics.perturbation): each database makes
its own once, and `python -m db init` run again keeps it, so the noise on a figure never
changes."""

from __future__ import annotations

from sqlalchemy.orm import sessionmaker

from db.engine import engine_for
from db.measure_data import disclosure_secret
from db.schema import initialise


def test_every_database_makes_its_own_secret_once(tmp_path) -> None:
    secrets = []
    for name in ("one", "two"):
        url = f"sqlite:///{tmp_path / name}.sqlite3"
        sessions = sessionmaker(engine_for(url))
        initialise(url, sessions)
        with sessions() as session:
            first = disclosure_secret(session)
        initialise(url, sessions)  # `python -m db init` again keeps it: the noise never changes
        with sessions() as session:
            assert disclosure_secret(session) == first and len(first) == 64
        secrets.append(first)
        engine_for(url).dispose()
    assert secrets[0] != secrets[1]
