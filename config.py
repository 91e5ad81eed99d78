"""Settings: one dataclass read from the environment, and one table of every setting.

Every setting the product reads is declared once in SETTINGS, with its type, default and the help
text that docs/settings.md and `python -m db --help-settings` show. Imports nothing of ours.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable

PROJECT_ROOT = Path(__file__).resolve().parent


def _flag(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "",
        "SQLAlchemy URL of the database. Empty means the embedded SQLite file data/asg.sqlite3 "
        "under the project root. PostgreSQL (postgresql+psycopg2://user:pass@host/db) is the "
        "supported server database.",
    ),
    Setting(
        "SECRET_KEY",
        "",
        "Key that signs session cookies. Required in production: under gunicorn the app refuses "
        "to start without it (`make run` sets a throwaway key when empty).",
    ),
    Setting(
        "COOKIE_SECURE",
        "1",
        "1 marks the session cookie Secure, so browsers send it only over HTTPS. `make run` sets "
        "0 because it serves plain http on the loopback address; never 0 on a network.",
        _flag,
    ),
    Setting("SESSION_HOURS", "8", "Hours a sign-in session lasts.", int),
    Setting(
        "PUBLIC_URL",
        "",
        "The address users open (https://host), when a proxy in front terminates HTTPS: "
        "state-changing requests must come from this origin or the one the request came to.",
    ),
    Setting(
        "PORT",
        "8050",
        "Port the dashboard is served on: by `make run` on 127.0.0.1, by gunicorn.conf.py (the "
        "container, the production command) on every address.",
        int,
    ),
    Setting(
        "WEB_CONCURRENCY",
        "2",
        "gunicorn worker processes (gunicorn.conf.py). Each holds its own copy of the data it "
        "has read; about two per CPU core.",
        int,
    ),
    Setting(
        "GUNICORN_THREADS",
        "4",
        "Threads per gunicorn worker: while one request waits (the database, a board pack "
        "being drawn), the worker answers others.",
        int,
    ),
    Setting(
        "REDIS_URL",
        "",
        "Redis for the answer cache (redis://host:6379/0), shared by every worker and every "
        "instance behind a load balancer. Empty means each worker keeps its own in memory.",
    ),
    Setting(
        "CACHE_SECONDS",
        "3600",
        "How long a cached answer is kept. A loaded return makes every older answer unreachable "
        "at once, whatever this says.",
        int,
    ),
    Setting(
        "PUBLIC_MODE",
        "0",
        "1 serves the aggregate pages without sign-in, with disclosure control on and no "
        "child-level views.",
        _flag,
    ),
    Setting(
        "UPLOAD_MAX_BYTES",
        str(50 * 1024 * 1024),
        "Largest return file accepted, in bytes (default 50 MiB).",
        int,
    ),
    Setting(
        "IMPORT_MAX_ROWS",
        "200000",
        "Most rows accepted in one table of one return; larger sheets are rejected (F01).",
        int,
    ),
    Setting(
        "DISCLOSURE_MIN_COUNT",
        "1",
        "Smallest count that is suppressed as [c] (counts from this to DISCLOSURE_MAX_COUNT).",
        int,
    ),
    Setting("DISCLOSURE_MAX_COUNT", "5", "Largest count that is suppressed as [c].", int),
    Setting(
        "DISCLOSURE_MIN_COHORT",
        "10",
        "Percentages, ratios and averages whose cohort is below this are suppressed as [c].",
        int,
    ),
    Setting(
        "DISCLOSURE_SECONDARY_LIMIT",
        "20",
        "Secondary suppression picks the next smallest cell of a breakdown only if it is below "
        "this.",
        int,
    ),
    Setting(
        "DISCLOSURE_PUBLIC_ROUNDING",
        "10",
        "In public mode, regional and England counts are rounded to the nearest multiple of this.",
        int,
    ),
    Setting(
        "BROWSER_PATH",
        "",
        "Chrome or Chromium binary that draws chart images (PNG, SVG) and the board pack PDF. "
        "Empty means the first chromium or chrome found on PATH.",
    ),
)


def default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'data' / 'asg.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    secret_key: str = ""
    cookie_secure: bool = True
    session_hours: int = 8
    public_url: str = ""
    port: int = 8050
    web_concurrency: int = 2
    gunicorn_threads: int = 4
    redis_url: str = ""
    cache_seconds: int = 3600
    public_mode: bool = False
    upload_max_bytes: int = 50 * 1024 * 1024
    import_max_rows: int = 200_000
    disclosure_min_count: int = 1
    disclosure_max_count: int = 5
    disclosure_min_cohort: int = 10
    disclosure_secondary_limit: int = 20
    disclosure_public_rounding: int = 10
    browser_path: str = ""

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> "Settings":
        """Read every declared setting from the environment; a bad value names the setting."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = env.get(setting.name, setting.default)
            try:
                values[setting.name.lower()] = setting.parse(raw)
            except ValueError as exc:
                raise ValueError(
                    f"setting {setting.name}={raw!r} is not valid ({exc}); see docs/settings.md"
                ) from exc
        if not values["database_url"]:
            values["database_url"] = default_database_url()
        values.update(overrides)
        return cls(**values)


def settings_table_markdown() -> str:
    """The settings table as Markdown, for docs/settings.md (a test keeps the two in step)."""
    lines = ["| setting | default | what it does |", "|---|---|---|"]
    for s in SETTINGS:
        default = f"`{s.default}`" if s.default else "(empty)"
        lines.append(f"| `{s.name}` | {default} | {s.help} |")
    return "\n".join(lines)


assert {f.name for f in fields(Settings)} == {s.name.lower() for s in SETTINGS}
