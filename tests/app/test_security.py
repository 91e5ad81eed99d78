"""The production baseline without a browser: security headers on every response, cookie flags,
the same-origin check on state-changing requests, the request size limit, and no start under
gunicorn without a SECRET_KEY or with debug on (tests/browser/test_csp.py shows the policy does
not break Dash). Pages, callbacks and the API are asked as a signed-in user, so each answer is
the one the check under test gives, not the sign-in gate's."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest
from dash import Dash
from flask.testing import FlaskClient

from app import create_app
from server import security
from config import Settings
from layouts import ids
from tests.accounts import PASSWORD, ensure_user, signed_in_client

OWN = "http://localhost"  # the Flask test client's host
ELSEWHERE = "https://evil.example"
UPLOAD_LIMIT = 3000  # bytes: a small UPLOAD_MAX_BYTES keeps the request bodies small
OPEN = ("/health", "/assets/style.css", "/sign-in")  # what anyone may fetch before signing in


@pytest.fixture
def app(sqlite_url) -> Dash:
    return create_app(Settings(database_url=sqlite_url, secret_key="test",
                               upload_max_bytes=UPLOAD_LIMIT))


@pytest.fixture
def viewer(app) -> FlaskClient:
    return signed_in_client(app)


def fetch(app: Dash, path: str):
    """GET `path` as anyone when it is open before sign-in, else as a signed-in viewer."""
    client = app.server.test_client() if path in OPEN else signed_in_client(app)
    return client.get(path)


def directives(policy: str) -> dict[str, list[str]]:
    parts = (d.split() for d in policy.split(";") if d.strip())
    return {name: values for name, *values in parts}


def callback_request(app: Dash, output: str, values: dict[str, object]) -> dict:
    """The JSON Dash's renderer posts to /_dash-update-component for the callback whose outputs
    include `output`, with `values` by "id.property" (None for any not given)."""
    app.server.test_client().get("/")  # Dash sets its callbacks up on the first request
    key = next(k for k in app.callback_map if output in k)
    spec = app.callback_map[key]

    def given(items: list[dict]) -> list[dict]:
        return [{**item, "value": values.get(f"{item['id']}.{item['property']}")} for item in items]

    outputs = [dict(zip(("id", "property"), part.split(".")))
               for part in key.strip(".").split("...")]
    if not key.startswith(".."):  # a callback of one output gets it alone, as the renderer sends it
        outputs = outputs[0]
    return {"output": key, "outputs": outputs, "inputs": given(spec["inputs"]),
            "state": given(spec["state"]), "changedPropIds": [next(iter(values))]}


def check_upload(app: Dash, file: bytes, **headers: str):
    body = callback_request(app, f"{ids.LOAD_SUMMARY}.children", {
        f"{ids.LOAD_UPLOAD}.contents": "data:application/octet-stream;base64,"
                                       + base64.b64encode(file).decode(),
        f"{ids.LOAD_UPLOAD}.filename": "return.xlsx",
    })
    return signed_in_client(app, "ada", "admin").post("/_dash-update-component", json=body,
                                                      headers={"Origin": OWN, **headers})


def returns_request(app: Dash) -> dict:
    return callback_request(app, f"{ids.RETURNS_GRID}.rowData", {f"{ids.RETURNS_QUARTER}.value": "all"})


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize("path", ["/", "/api/v1/measures", *OPEN])
def test_every_response_carries_the_security_headers(app, path) -> None:
    response = fetch(app, path)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


@pytest.mark.parametrize("path", ["/", "/api/v1/measures", "/health"])
def test_data_is_never_cached(app, path) -> None:
    assert fetch(app, path).headers["Cache-Control"] == "no-store"


def test_callback_responses_and_their_downloads_are_never_cached(app, viewer) -> None:
    response = viewer.post("/_dash-update-component", json=returns_request(app),
                                              headers={"Origin": OWN})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(app) -> None:
    response = app.server.test_client().get("/assets/style.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_scripts_only_from_the_site_and_dash_inline_scripts_by_hash(viewer) -> None:
    page = viewer.get("/")
    script_src = directives(page.headers["Content-Security-Policy"])["script-src"]
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    # Every inline script the browser would run (not the JSON config) is allowed by its hash.
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>",
                        page.get_data(as_text=True), re.DOTALL)
    assert len(inline) == 2  # the pages' clientside title callback and the renderer's bootstrap
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert script_src[0] == "'self'" and len(script_src) == 3


# ---------------------------------------------------------------- cookies


def session_cookie(settings: Settings) -> str:
    """The session cookie signing in through the form sets."""
    app = create_app(settings)
    ensure_user(settings, "someone")
    form = {"name": "someone", "password": PASSWORD}
    answer = app.server.test_client().post("/sign-in", data=form)
    assert answer.status_code == 302
    name = app.server.config["SESSION_COOKIE_NAME"]
    return next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith(f"{name}="))


def test_session_cookie_is_secure_httponly_lax_and_lasts_session_hours(sqlite_url) -> None:
    cookie = session_cookie(Settings(database_url=sqlite_url, secret_key="test", session_hours=8))
    flags = {part.strip().split("=")[0]: part.strip() for part in cookie.split(";")}
    assert "Secure" in flags and "HttpOnly" in flags
    assert flags["SameSite"] == "SameSite=Lax"
    expires = parsedate_to_datetime(flags["Expires"].partition("=")[2])
    assert timedelta(hours=8, minutes=-1) < expires - datetime.now(timezone.utc) <= timedelta(hours=8)


def test_plain_http_for_local_use_drops_only_secure(sqlite_url) -> None:
    cookie = session_cookie(Settings(database_url=sqlite_url, secret_key="test", cookie_secure=False))
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_cookie_settings_read_from_the_environment() -> None:
    assert Settings.from_env({}).cookie_secure is True
    assert Settings.from_env({"COOKIE_SECURE": "0", "SESSION_HOURS": "2"}).cookie_secure is False
    assert Settings.from_env({"SESSION_HOURS": "2"}).session_hours == 2


# ---------------------------------------------------------------- same origin


@pytest.mark.parametrize("headers", [
    {"Origin": ELSEWHERE},
    {"Origin": "null"},  # a sandboxed frame or a file:// page
    {"Origin": "http://localhost.evil.example"},
    {"Referer": f"{ELSEWHERE}/page"},  # a browser that withholds Origin
    {"Origin": ELSEWHERE, "Referer": f"{OWN}/"},  # Origin decides when both are sent
])
def test_a_cross_origin_callback_is_refused(app, viewer, headers) -> None:
    response = viewer.post("/_dash-update-component", json=returns_request(app),
                                              headers=headers)
    assert response.status_code == 403
    assert response.get_json() == {"error": security.CROSS_ORIGIN}


@pytest.mark.parametrize("headers", [
    {"Origin": OWN},
    {"Origin": "HTTP://LOCALHOST:80"},  # the same origin, spelt differently
    {"Referer": f"{OWN}/returns?quarter=all"},
    {},  # an API client: no browser, so no forged page either
])
def test_a_same_origin_callback_is_answered(app, viewer, headers) -> None:
    response = viewer.post("/_dash-update-component", json=returns_request(app),
                                              headers=headers)
    assert response.status_code == 200
    assert response.get_json()["response"][ids.RETURNS_COUNT]["children"] == "0 returns loaded."


def test_behind_a_proxy_the_public_url_is_the_site_origin(sqlite_url) -> None:
    app = create_app(Settings(database_url=sqlite_url, secret_key="test",
                              public_url="https://dashboard.example.org/"))
    client = signed_in_client(app)
    answered = client.post("/_dash-update-component", json=returns_request(app),
                           headers={"Origin": "https://dashboard.example.org"})
    refused = client.post("/_dash-update-component", json=returns_request(app),
                          headers={"Origin": "http://dashboard.example.org"})
    assert (answered.status_code, refused.status_code) == (200, 403)


def test_reading_from_another_origin_is_not_refused(viewer) -> None:
    response = viewer.get("/api/v1/measures", headers={"Origin": ELSEWHERE})
    assert response.status_code == 200


def test_origin_of_normalises_case_and_default_ports() -> None:
    assert security.origin_of("HTTPS://Example.org:443/x?y") == "https://example.org"
    assert security.origin_of("http://example.org:8050/") == "http://example.org:8050"
    assert security.origin_of("http://[::1]:8050") == "http://[::1]:8050"
    assert security.origin_of("null") == "" and security.origin_of("http://x:port") == ""


# ---------------------------------------------------------------- request size


def test_request_limit_fits_the_largest_file_base64_encoded() -> None:
    assert security.request_limit(3000) == 4000 + 1024 * 1024
    assert security.request_limit(3001) == 4004 + 1024 * 1024


def test_a_file_at_the_upload_limit_reaches_the_check(app) -> None:
    response = check_upload(app, b"x" * UPLOAD_LIMIT)
    assert response.status_code == 200
    assert "larger than the limit" not in json.dumps(response.get_json())


def test_a_file_just_over_the_limit_gets_the_pages_message(app) -> None:
    response = check_upload(app, b"x" * (UPLOAD_LIMIT + 1))
    assert response.status_code == 200
    assert "larger than the limit of" in json.dumps(response.get_json())


def test_a_request_over_the_limit_is_refused_unread(app, viewer) -> None:
    limit = security.request_limit(UPLOAD_LIMIT)
    assert app.server.config["MAX_CONTENT_LENGTH"] == limit
    over = viewer.post("/_dash-update-component", data=b" " * (limit + 1),
                       content_type="application/json", headers={"Origin": OWN})
    assert over.status_code == 413


# ---------------------------------------------------------------- starting in production


def test_gunicorn_without_a_secret_key_refuses_to_start(sqlite_url, monkeypatch) -> None:
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    with pytest.raises(RuntimeError) as refused:
        create_app(Settings(database_url=sqlite_url, secret_key=""))
    assert str(refused.value) == (
        "SECRET_KEY is not set: set it to a long random string "
        "(python -c 'import secrets; print(secrets.token_hex(32))')"
    )
    assert not create_app(Settings(database_url=sqlite_url, secret_key="k" * 64)).server.debug


def test_gunicorn_with_debug_on_refuses_to_start(sqlite_url, monkeypatch) -> None:
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="debug"):
        create_app(Settings(database_url=sqlite_url, secret_key="k" * 64))


def test_outside_gunicorn_a_missing_key_is_a_throwaway_one(sqlite_url, monkeypatch) -> None:
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    app = create_app(Settings(database_url=sqlite_url, secret_key=""))
    assert len(app.server.secret_key) == 64


def test_health_says_nothing_but_its_status(app) -> None:
    response = app.server.test_client().get("/health")
    assert response.get_json() == {"status": "ok", "database": "ok"}
