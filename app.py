"""The app factory: `create_app(settings)` builds the Dash app; gunicorn serves `app:server`.

Everything is served from this server (scripts, Bootstrap theme and styles from assets/), so
the dashboard works on a network with no internet access. Imports everything; nothing
imports it.
"""

from __future__ import annotations

import logging
import secrets

from dash import Dash

from callbacks import (
    audit, board, board_pack, chart_pages, filters, headlines, load, notes, page_frame, quality,
    records, returns,
)
from config import PROJECT_ROOT, Settings
from layouts import shell
from layouts.definitions import measure_entries
from layouts.pages import register_pages
from metrics.disclosure import disclosure_note
from server import api, auth, health, inputs, security, warm
from server import records as records_api
from server.services import Services


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    services = Services.from_settings(settings)
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        serve_locally=True,
        assets_folder=str(PROJECT_ROOT / "assets"),
        title=shell.SERVICE_NAME,
        update_title=None,
        meta_tags=shell.META_TAGS,
        # Pages share the filter bar's FILTER_STATE, so on any one page the other pages'
        # callbacks have inputs but no outputs; ids come from layouts/ids.py, not typed strings.
        suppress_callback_exceptions=True,
    )
    app.index_string = shell.INDEX_STRING
    security.check_production(settings, app.server)  # before any throwaway key below
    if settings.secret_key:
        app.server.secret_key = settings.secret_key
    else:
        # Sessions signed with a per-process key die with the process and differ between
        # gunicorn workers: fine for `make run` and tests, never for production.
        logging.getLogger(__name__).warning("SECRET_KEY is not set; using a throwaway key")
        app.server.secret_key = secrets.token_hex(32)
    app.server.before_request(services.measures.begin_reading)  # first: before the gate
    app.server.teardown_request(lambda error: services.measures.end_reading())
    register_pages(measure_entries(), disclosure_note(services.policy))
    # The Flask side first, in this order: its before_request hooks run as registered (the
    # cross-origin check, then the sign-in gate, then the callback door).
    for module in (security, auth, inputs, api, records_api, health, warm):
        module.register(app, services)
    for module in (page_frame, returns, load, filters, chart_pages, board_pack, quality, board,
                   records, audit, headlines, notes):
        module.register(app, services)
    # Dash sets itself up on its first request, marking that done before it has registered the
    # script files it may serve: under gunicorn's threads a worker's first page asked for
    # scripts in that gap and got 500s. One request here does the set-up before any worker.
    app.server.test_client().get("/health")
    return app


app = create_app()
server = app.server
