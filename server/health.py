"""`GET /health`: is the app up, and can it reach its database? For load balancers and Docker.
Imports dash, flask, sqlalchemy's errors, db and server only.

200 `{"status": "ok", "database": "ok"}`, or 503 when `SELECT 1` fails. It says nothing
else about the database (no URL, no error text): the route needs no sign-in.
"""

from __future__ import annotations

import logging

from dash import Dash
from flask import Response, jsonify
from sqlalchemy.exc import SQLAlchemyError

from server.services import Services
from db.queries import Store

log = logging.getLogger(__name__)


def health(store: Store) -> tuple[Response, int]:
    try:
        store.ping()
    except SQLAlchemyError:
        log.exception("health check: database unreachable")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


def register(app: Dash, services: Services) -> None:
    app.server.add_url_rule(
        "/health", endpoint="health", view_func=lambda: health(services.store), methods=["GET"]
    )
