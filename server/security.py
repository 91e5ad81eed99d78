"""The production baseline: refuse an unsafe start, security headers, cookie flags, a same-origin
check on state-changing requests and the request size limit (docs/security.md). Imports dash,
flask, config and server only.

`check_production` runs in the app factory before anything is served; `register` hooks the rest
onto the Flask server with before_request and after_request.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import urlsplit

from dash import Dash
from flask import Flask, Response, jsonify, request

from server.services import Services
from config import Settings

NO_SECRET_KEY = (
    "SECRET_KEY is not set: set it to a long random string "
    "(python -c 'import secrets; print(secrets.token_hex(32))')"
)
DEBUG_ON = "debug is on (FLASK_DEBUG): never serve the dashboard in debug mode"
CROSS_ORIGIN = "cross-origin request refused: send it from the dashboard's own pages"

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Fingerprinted scripts and styles that hold no data, so browsers may cache them.
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
# Room in a callback's JSON beside the base64 file: the file name, the page's other inputs.
UPLOAD_ENVELOPE_BYTES = 1024 * 1024
DEFAULT_PORTS = {"http": "80", "https": "443"}

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def in_production(environ: Mapping[str, str]) -> bool:
    """Served by gunicorn: its arbiter puts SERVER_SOFTWARE=gunicorn/<version> in the
    environment of every worker before the app is imported. `make run` is gunicorn too, with a
    throwaway key of its own; tests and `python -m db` are not."""
    return environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/")


def check_production(settings: Settings, server: Flask,
                     environ: Mapping[str, str] | None = None) -> None:
    """Refuse to start under gunicorn without a SECRET_KEY or with debug on."""
    if not in_production(os.environ if environ is None else environ):
        return
    if not settings.secret_key:
        raise RuntimeError(NO_SECRET_KEY)
    if server.debug:
        raise RuntimeError(DEBUG_ON)


def request_limit(upload_max_bytes: int) -> int:
    """Largest request body in bytes: dcc.Upload posts the file base64-encoded (4 bytes for
    every 3) inside the callback's JSON, so the largest allowed file still fits."""
    return 4 * math.ceil(upload_max_bytes / 3) + UPLOAD_ENVELOPE_BYTES


def content_security_policy(script_hashes: list[str]) -> str:
    """Scripts only from this server, plus Dash's own inline scripts by hash (the renderer's
    bootstrap and the pages' clientside title callback). Styles allow 'unsafe-inline' because
    plotly.js and Dash's components set style attributes and inject <style> elements."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def origin_of(url: str) -> str:
    """scheme://host[:port] in lower case, the default port dropped; "" when `url` has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if not scheme or not host:
        return ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    shown_port = "" if port is None or str(port) == DEFAULT_PORTS.get(scheme) else f":{port}"
    return f"{scheme}://{host}{shown_port}"


def own_origins(host_url: str, public_url: str) -> set[str]:
    """The origins this site answers on: the one the request came to (its Host header, which a
    browser sets and a page cannot), and PUBLIC_URL's when a proxy in front terminates HTTPS."""
    return {origin for origin in (origin_of(host_url), origin_of(public_url)) if origin}


def same_origin(origin: str | None, referer: str | None, own: set[str]) -> bool:
    """Whether a state-changing request may go ahead. Browsers send Origin on every POST
    (Dash's callbacks included), and Referer when Origin is withheld; a request with neither is
    not a browser's cross-site form or fetch but an API client (curl, a script with a bearer
    token), which a forged page cannot make, so it is allowed."""
    if origin:
        return origin_of(origin) in own
    if referer:
        return origin_of(referer) in own
    return True


def refuse_cross_origin(public_url: str) -> tuple[Response, int] | None:
    if request.method not in STATE_CHANGING:
        return None
    own = own_origins(request.host_url, public_url)
    if same_origin(request.headers.get("Origin"), request.headers.get("Referer"), own):
        return None
    return jsonify(error=CROSS_ORIGIN), 403


def add_headers(response: Response, script_hashes: list[str]) -> Response:
    response.headers["Content-Security-Policy"] = content_security_policy(script_hashes)
    for name, value in HEADERS.items():
        response.headers[name] = value
    if not request.path.startswith(STATIC_PREFIXES):
        # Pages, callbacks (their downloads too) and the data API carry data: never stored.
        response.headers["Cache-Control"] = "no-store"
    return response


def configure_cookies(server: Flask, settings: Settings) -> None:
    server.config.update(
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
    )


def register(app: Dash, services: Services) -> None:
    settings = services.settings
    server = app.server
    configure_cookies(server, settings)
    server.config["MAX_CONTENT_LENGTH"] = request_limit(settings.upload_max_bytes)
    server.before_request(lambda: refuse_cross_origin(settings.public_url))
    # Hashed on every response: Dash adds the pages' inline script at its first request.
    server.after_request(lambda response: add_headers(response, list(app.csp_hashes())))
