"""Sign-in, sign-out and who is asking, for every request: the /sign-in and /sign-out routes,
the gate before every request, and `caller_of(services)`, the caller every handler answers.
Imports dash, flask, flask_login, sqlalchemy's errors, db, layouts, metrics and server only.

Flask-Login keeps the signed-in user's name in the signed session cookie, with the time they
signed in. `current_caller(services)` turns a request into the `Caller` that every query,
callback, download and API answer is decided by: a bearer token on the data API, else the
session, else nobody. Outside public mode nobody gets nothing: pages send them to /sign-in,
callbacks and the API answer 401. In public mode nobody signs in and everyone is the public
viewer (disclosure control, no child-level rows, no loads, no audit log).

A session ends SESSION_HOURS after sign-in whatever happens in between, at sign-out, when the
user is disabled, or when their password changes (db/users.py): the cookie carries the user's
session version, which the last three move on in the database, so a kept copy of the cookie
is refused on the server. A request from a page in board mode is answered as a viewer, whoever
is signed in (`presenting`). Sign-in attempts are limited from the audit table (5 failures in
15 minutes, per name and per address, counted atomically in db/users.py).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlsplit

from dash import Dash
from sqlalchemy.exc import SQLAlchemyError
from flask import Response, g, has_request_context, jsonify, redirect, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from server.services import Services
from db.users import TooManyAttempts
from layouts import ids
from layouts.board import is_present
from layouts import sign_in as page
from metrics.access import Caller

SIGN_IN, SIGN_OUT = "/sign-in", "/sign-out"
# What anyone may fetch before signing in: the sign-in page itself, the health check, and the
# stylesheets, scripts and icon the sign-in page and Dash load (they hold no data).
OPEN_PREFIXES = (SIGN_IN, "/health", "/assets/", "/_favicon.ico")
SIGNED_IN_AT = "signed_in_at"
SESSION_VERSION = "session_version"
NEEDS_SIGN_IN = "sign in first: open /sign-in in a browser, or send Authorization: Bearer <token>"
TOKEN_REFUSED = "that API token is not valid (unknown, revoked, or its user is disabled)"
DATABASE_DOWN = "the database cannot be reached; try again later"
PUBLIC = replace(Caller.viewer("public"), public=True)
log = logging.getLogger(__name__)


def now() -> datetime:
    """The clock sessions are judged by (tests move it on to expire a session)."""
    return datetime.now(UTC)


class SignedIn(UserMixin):
    """The signed-in user as Flask-Login holds them: their name and their Caller."""

    def __init__(self, caller: Caller) -> None:
        self.caller = caller

    def get_id(self) -> str:
        return self.caller.name


def _signed_in_at() -> datetime | None:
    try:
        return datetime.fromisoformat(session[SIGNED_IN_AT])
    except (KeyError, TypeError, ValueError):
        return None


def load_user(services: Services, name: str) -> SignedIn | None:
    """The session's user while the session holds: signed in less than SESSION_HOURS ago, still
    active, password unchanged since, and under the user's session version now (sign-out and
    disabling move it on, so a copy of the cookie kept from before signs nobody in)."""
    started, version = _signed_in_at(), session.get(SESSION_VERSION)
    if started is None or now() - started >= timedelta(hours=services.settings.session_hours):
        return None
    if type(version) is not int:  # a cookie from before session versions: sign in again
        return None
    caller = services.store.caller_for_user(name, signed_in_at=started, session_version=version)
    return SignedIn(caller) if caller else None


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def current_caller(services: Services) -> Caller | None:
    """Who is asking, once per request: the public viewer in public mode; else the bearer
    token's user on the data API, else the signed-in user; None for nobody. A request from a
    page in board mode gets its caller as the board sees them (`Caller.on_the_board`)."""
    if "caller" not in g:
        if services.settings.public_mode:
            caller = PUBLIC
        elif (token := _bearer_token()) is not None and request.path.startswith("/api/"):
            caller = services.store.caller_for_token(token)
        else:
            caller = current_user.caller if current_user.is_authenticated else None
        g.caller = caller.on_the_board() if caller is not None and presenting() else caller
    return g.caller


def presenting() -> bool:
    """Whether this request comes from a page in board mode: the page's address says
    `present=1` (browsers send it as the Referer with every callback and every link followed),
    or the callback's FILTER_STATE is marked `present` (callbacks/board.py marks it). Either is
    enough, so a presenter cannot leave board mode by accident; a request that drops both gets
    no more than its sender may see anyway."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if is_present(parse_qs(referer.query).get("present")):
        return True
    if request.method != "POST" or not request.path.startswith("/_dash-update-component"):
        return False
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return False
    items = [i for part in ("inputs", "state") if isinstance(body.get(part), list)
             for i in body[part]]  # fmt: skip
    return any(isinstance(i, dict) and i.get("id") == ids.FILTER_STATE
               and isinstance(i.get("value"), dict) and bool(i["value"].get("present"))
               for i in items)  # fmt: skip


def caller_of(services: Services) -> Caller:
    """The caller a handler answers: the request's (never None behind the gate); with no
    request at all (the warm-up, a test calling a handler directly), the least a caller may
    be: a viewer, under public mode's rules when it is on."""
    if not has_request_context():
        return PUBLIC if services.settings.public_mode else Caller.viewer("nobody")
    return current_caller(services) or replace(PUBLIC, public=services.settings.public_mode)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another host."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def gate(services: Services) -> Response | tuple[Response, int] | None:
    """Before every request: let it through, or send nobody to sign in (pages) or away with 401
    (callbacks, the data API, anything else)."""
    if services.settings.public_mode or request.path.startswith(OPEN_PREFIXES):
        return None
    try:
        if current_caller(services) is not None:
            return None
    except SQLAlchemyError as exc:  # the session's user cannot be looked up
        log.error("sign-in gate: database error (%s)", type(exc).__name__)
        return jsonify(error=DATABASE_DOWN), 503
    if _bearer_token() is not None and request.path.startswith("/api/"):
        return _unauthorised(TOKEN_REFUSED, 'Bearer error="invalid_token"')
    if request.method == "GET" and not request.path.startswith(("/api/", "/_dash-")):
        here = request.full_path if request.query_string else request.path
        return redirect(f"{SIGN_IN}?next={quote(here, safe='')}")
    return _unauthorised(NEEDS_SIGN_IN, "Bearer")


def _unauthorised(message: str, challenge: str) -> tuple[Response, int]:
    response = jsonify(error=message)
    response.headers["WWW-Authenticate"] = challenge  # how a script may authenticate
    return response, 401


def sign_in_page(services: Services) -> Response | tuple[str, int]:
    """GET: the form. POST: check the name and password (audited, rate-limited). While the
    database cannot be reached, the form again with a plain message and 503, as every other
    route answers then."""
    if services.settings.public_mode:
        return redirect("/")
    target = _safe_next(request.values.get("next"))
    try:
        return _sign_in_page(services, target)
    except SQLAlchemyError as exc:
        log.error("sign-in: database error (%s)", type(exc).__name__)
        name = request.form.get("name", "").strip()[:120]
        return page.render(target, name=name, problem=page.DATABASE_DOWN), 503


def _sign_in_page(services: Services, target: str) -> Response | tuple[str, int]:
    if request.method == "GET":
        if current_caller(services) is not None:
            return redirect(target)
        notice = page.SIGNED_OUT if request.args.get("signed_out") else None
        return page.render(target, notice=notice), 200
    name = request.form.get("name", "").strip()[:120]
    password = request.form.get("password", "")[:1024]
    if not name or not password:
        return page.render(target, name=name, problem=page.MISSING), 400
    try:
        signed_in = services.store.sign_in(name, password, ip=request.remote_addr)
    except TooManyAttempts as exc:
        return page.render(target, name=name, problem=page.too_many(exc.seconds)), 429
    if signed_in is None:
        return page.render(target, name=name, problem=page.WRONG), 401
    session.clear()  # a fresh session: nothing from before signing in carries over
    session.permanent = True
    session[SIGNED_IN_AT] = now().isoformat()
    session[SESSION_VERSION] = signed_in.session_version
    login_user(SignedIn(signed_in.caller))
    return redirect(target)


def sign_out(services: Services) -> Response:
    caller = current_caller(services)
    if caller is not None and not caller.public:
        # On the server's side: the user's session version moves on, so this cookie (and any
        # copy of it) signs nobody in again, whatever the browser does with it.
        services.store.sign_out(caller.name, ip=request.remote_addr)
    logout_user()
    session.clear()
    return redirect(f"{SIGN_IN}?signed_out=1")


def register(app: Dash, services: Services) -> None:
    server = app.server
    manager = LoginManager()
    manager.init_app(server)
    manager.session_protection = None  # the cookie is signed, HttpOnly and expires on its own
    manager.user_loader(lambda name: load_user(services, name))
    server.before_request(lambda: gate(services))
    server.add_url_rule(SIGN_IN, "sign_in", lambda: sign_in_page(services), methods=["GET", "POST"])
    server.add_url_rule(SIGN_OUT, "sign_out", lambda: sign_out(services), methods=["POST"])
