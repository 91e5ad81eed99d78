"""Create or migrate the schema with Alembic and load the agency registry (`python -m db init`,
the benchmarks and the tests use this). Imports db modules only."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session, sessionmaker

from db.registry import load_registry, read_reference

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str) -> None:
    """Bring the database to the newest schema (creates it from empty)."""
    command.upgrade(alembic_config(database_url), "head")


def initialise(database_url: str, sessions: sessionmaker[Session]) -> int:
    """The newest schema and the agency registry from the reference data; how many agencies
    were added or changed."""
    upgrade(database_url)
    with sessions() as session, session.begin():
        return load_registry(session, read_reference())
