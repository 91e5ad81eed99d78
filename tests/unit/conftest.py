"""Unit tests: pure functions, parsers and metrics on frames. They need no database file, no app
and no browser, which is what lets `make test-fast` run them in seconds; a test that asks for a
database fixture belongs in tests/db or tests/app, and fails here saying so.
"""

from __future__ import annotations

import pytest

DATABASE_FIXTURES = {"db_url", "sessions", "sqlite_url", "sqlite_template", "pg_template",
                     "redis_url", "demo_slice_url", "demo_settings", "demo_services"}


@pytest.fixture(autouse=True)
def _needs_no_database(request: pytest.FixtureRequest) -> None:
    wanted = sorted(DATABASE_FIXTURES.intersection(request.fixturenames))
    if wanted:
        pytest.fail(f"a unit test needs no database, but this one asks for {', '.join(wanted)}: "
                    "it belongs in tests/db (the store) or tests/app (the app)", pytrace=False)
