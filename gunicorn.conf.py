"""gunicorn's settings for `make run` and the container (`gunicorn --config gunicorn.conf.py`).

The master imports the app once and warms its caches before it listens: every quarter's rows
read and each chart page's England figures worked out (server/warm.py). Workers are forked
from it with all of that in memory, so the first visitor of the day waits no longer than the
next one. Until the warm-up ends the port is closed: /health does not answer, and a container
or load balancer holds traffic back (the Dockerfile's HEALTHCHECK allows for it).

Where it listens and how many workers and threads serve come from the environment (PORT,
WEB_CONCURRENCY, GUNICORN_THREADS; docs/settings.md), so the container and the production
command are one command line; options given on the command line (`make run` binds to
127.0.0.1) take precedence.
"""

import ctypes
import gc

from config import Settings

_settings = Settings.from_env()  # a bad value stops gunicorn here, naming the setting
bind = f"0.0.0.0:{_settings.port}"
workers = _settings.web_concurrency
threads = _settings.gunicorn_threads  # more than one: gunicorn's threaded (gthread) workers
timeout = 120  # a board pack (every chart drawn as a PDF page) takes longer than the default 30 s
preload_app = True


def on_starting(arbiter) -> None:
    """After the app is loaded (preload_app), before the port opens and workers fork."""
    from server.warm import services_of, warm_up

    done = warm_up(services_of(arbiter.app.wsgi()))
    arbiter.log.info("Caches warmed: %(charts)d charts over %(quarters)d quarters in %(seconds)s s", done)
    # The warmed objects live as long as the workers: the collector leaves them be, so a
    # worker's collections stay short and do not copy the pages it shares with the master.
    # Garbage is collected first (frozen, it would never be), and the memory it held is handed
    # back to the system, so that no worker starts out holding it.
    gc.collect()
    _release_free_memory()
    gc.freeze()


def _release_free_memory() -> None:
    """glibc keeps freed memory for reuse; malloc_trim returns it (a no-op elsewhere)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
