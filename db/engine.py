"""Engines and sessions: the one place that connects to the database.

`make_engine(settings)` builds an engine for the configured URL (creating the folder of an
embedded SQLite file, and switching on SQLite's foreign keys and WAL journal so that readers
never block a load). Imports config only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from config import Settings


def _prepare_sqlite(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(database_url: str, **options: Any) -> Engine:
    """A new engine for a SQLAlchemy URL (SQLite file or PostgreSQL)."""
    if database_url.startswith("sqlite"):
        _prepare_sqlite(database_url)
        engine = create_engine(database_url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(database_url, pool_pre_ping=True, **options)


@lru_cache(maxsize=8)
def engine_for(database_url: str) -> Engine:
    """One engine per URL per process (engines are thread-safe connection pools)."""
    return make_engine(database_url)


def session_factory(settings: Settings) -> sessionmaker[Session]:
    return sessionmaker(engine_for(settings.database_url), expire_on_commit=False)
