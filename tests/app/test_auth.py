"""Sign-in, sign-out, sessions that end, API tokens, and an attacker with a valid viewer session
(server/auth.py). Through the Flask test client, as a browser or a script would send them;
tests/browser/test_sign_in.py does the same in Chromium."""

from __future__ import annotations

import os
from datetime import timedelta
from urllib.parse import quote

import pytest
from dash import Dash

from app import create_app
from callbacks import records
from server import auth
from server.warm import services_of
from config import Settings
from db import users
from db.engine import engine_for, session_factory
from layouts import ids
from layouts import sign_in as page
from metrics.access import Caller
from tests.oracles import compute
from metrics.selection import Selection
from tests.accounts import PASSWORD, ensure_user, signed_in_client
from tests.conftest import DEMO_SLICE
from tests.app.test_security import OWN, callback_request

QUARTER = str(DEMO_SLICE[1])


@pytest.fixture
def app(sqlite_url) -> Dash:
    return create_app(Settings(database_url=sqlite_url, secret_key="test", cookie_secure=False))


@pytest.fixture(scope="module")
def demo_app(demo_settings) -> Dash:
    return create_app(demo_settings)


def sign_in(client, name: str, password: str = PASSWORD, target: str = ""):
    return client.post("/sign-in", data={"name": name, "password": password, "next": target},
                       headers={"Origin": OWN})


def events(app: Dash, kind: str) -> list[tuple[str | None, str | None]]:
    log = services_of(app.server).store.audit_log(Caller("audit", "admin"), kind=kind)
    return list(zip(log["user_name"], log["detail"]))


# ---------------------------------------------------------------- nobody signed in


@pytest.mark.parametrize("path", ["/", "/timeliness?scope=330&quarter=2025-26%20Q1", "/load", "/audit"])
def test_a_page_sends_nobody_to_sign_in_and_back_afterwards(app, path) -> None:
    response = app.server.test_client().get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/sign-in?next={quote(path, safe='')}"


def test_callbacks_and_the_data_api_answer_nobody_401(app) -> None:
    client = app.server.test_client()
    for answer in (client.get("/api/v1/measures"),
                   client.get(f"/api/v1/records/children_waiting?scope=330&quarter={quote(QUARTER)}"),
                   client.get("/_dash-layout"),
                   client.post("/_dash-update-component", json={}, headers={"Origin": OWN})):
        assert answer.status_code == 401
        assert answer.get_json() == {"error": auth.NEEDS_SIGN_IN}


def test_the_sign_in_page_and_health_need_no_sign_in(app) -> None:
    client = app.server.test_client()
    form = client.get("/sign-in?next=/timeliness").get_data(as_text=True)
    assert '<form method="post" action="/sign-in"' in form
    assert 'name="next" value="/timeliness"' in form
    assert client.get("/health").status_code == 200
    assert client.get("/assets/style.css").status_code == 200


# ---------------------------------------------------------------- signing in and out


def test_the_right_password_signs_in_and_goes_where_the_user_was_going(app) -> None:
    ensure_user(services_of(app.server).settings, "ann", "viewer")
    client = app.server.test_client()
    response = sign_in(client, "ann", target="/timeliness?scope=330")
    assert response.status_code == 302 and response.headers["Location"] == "/timeliness?scope=330"
    assert client.get("/api/v1/measures").status_code == 200
    assert "Signed in as ann" in client.get("/_dash-layout").get_data(as_text=True)
    assert events(app, "sign_in") == [("ann", None)]


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x", "javascript:alert(1)"])
def test_after_sign_in_it_never_goes_to_another_site(app, target) -> None:
    ensure_user(services_of(app.server).settings, "ann", "viewer")
    assert sign_in(app.server.test_client(), "ann", target=target).headers["Location"] == "/"


def test_a_wrong_password_says_so_keeps_the_name_and_is_audited(app) -> None:
    ensure_user(services_of(app.server).settings, "ann", "viewer")
    response = sign_in(app.server.test_client(), "ann", "not-her-password")
    text = response.get_data(as_text=True)
    assert response.status_code == 401
    assert page.WRONG in text and 'value="ann"' in text
    assert app.server.test_client().get("/api/v1/measures").status_code == 401
    assert events(app, "sign_in_failed") == [("ann", "wrong password")]


def test_the_sixth_attempt_after_five_wrong_passwords_is_refused_even_when_right(app) -> None:
    ensure_user(services_of(app.server).settings, "ann", "viewer")
    client = app.server.test_client()
    for _ in range(users.MAX_FAILED_SIGN_INS):
        assert sign_in(client, "ann", "guess-guess-guess").status_code == 401
    refused = sign_in(client, "ann")
    assert refused.status_code == 429
    assert page.too_many(15 * 60) in refused.get_data(as_text=True)
    assert client.get("/api/v1/measures").status_code == 401
    assert len(events(app, "sign_in_refused")) == 1


def test_sign_out_ends_the_session_and_is_audited(app) -> None:
    client = signed_in_client(app, "ann", "viewer")
    client.get("/sign-out")  # a link (or an image a page plants) cannot sign anyone out
    assert client.get("/api/v1/measures").status_code == 200
    response = client.post("/sign-out", headers={"Origin": OWN})
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in?signed_out=1"
    assert page.SIGNED_OUT in client.get("/sign-in?signed_out=1").get_data(as_text=True)
    assert client.get("/api/v1/measures").status_code == 401
    assert events(app, "sign_out") == [("ann", None)]


def test_a_session_ends_session_hours_after_sign_in(app, monkeypatch) -> None:
    client = signed_in_client(app, "ann", "viewer")
    hours = services_of(app.server).settings.session_hours
    started = auth.now()
    monkeypatch.setattr(auth, "now", lambda: started + timedelta(hours=hours, seconds=-60))
    assert client.get("/api/v1/measures").status_code == 200
    monkeypatch.setattr(auth, "now", lambda: started + timedelta(hours=hours, seconds=1))
    assert client.get("/api/v1/measures").status_code == 401
    assert client.get("/overview").headers["Location"] == "/sign-in?next=%2Foverview"


def test_a_changed_password_or_a_disabled_account_ends_the_session(app) -> None:
    settings = services_of(app.server).settings
    ann, bob = signed_in_client(app, "ann", "viewer"), signed_in_client(app, "bob", "viewer")
    with session_factory(settings)() as session, session.begin():
        users.set_password(session, "ann", "a-brand-new-password", actor="ann")
        users.set_active(session, "bob", False, actor="admin")
    assert ann.get("/api/v1/measures").status_code == 401
    assert bob.get("/api/v1/measures").status_code == 401


def replayed(app: Dash, cookie: str):
    """A fresh client holding only a copied session cookie, as someone who kept it would."""
    client = app.server.test_client()
    client.set_cookie("session", cookie)
    return client


def test_a_cookie_replayed_after_sign_out_signs_nobody_in(app) -> None:
    client = signed_in_client(app, "ann", "viewer")
    other_browser = signed_in_client(app, "ann", "viewer")
    kept = client.get_cookie("session").value
    assert replayed(app, kept).get("/api/v1/measures").status_code == 200

    client.post("/sign-out", headers={"Origin": OWN})

    assert replayed(app, kept).get("/api/v1/measures").status_code == 401
    page_answer = replayed(app, kept).get("/overview")
    assert page_answer.status_code == 302
    assert page_answer.headers["Location"] == "/sign-in?next=%2Foverview"
    # The version is the user's: signing out ends their sessions in every browser.
    assert other_browser.get("/api/v1/measures").status_code == 401
    # Signing in again starts a session that works, and the old cookie still does not.
    again = signed_in_client(app, "ann", "viewer")
    assert again.get("/api/v1/measures").status_code == 200
    assert replayed(app, kept).get("/api/v1/measures").status_code == 401


def test_disabling_a_user_ends_their_sessions_and_tokens_for_good(app) -> None:
    settings = services_of(app.server).settings
    client = signed_in_client(app, "ann", "analyst", ["942"])
    kept = client.get_cookie("session").value
    with session_factory(settings)() as session, session.begin():
        token = users.issue_token(session, "ann", actor="admin")
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.server.test_client().get("/api/v1/measures", headers=bearer).status_code == 200

    with session_factory(settings)() as session, session.begin():
        users.set_active(session, "ann", False, actor="admin")
    with session_factory(settings)() as session, session.begin():
        users.set_active(session, "ann", True, actor="admin")

    assert replayed(app, kept).get("/api/v1/measures").status_code == 401
    assert client.get("/api/v1/measures").status_code == 401
    assert app.server.test_client().get("/api/v1/measures", headers=bearer).status_code == 401
    # Enabled again, they sign in afresh and get a new token; the old ones stay dead.
    assert signed_in_client(app, "ann").get("/api/v1/measures").status_code == 200
    with session_factory(settings)() as session, session.begin():
        fresh = users.issue_token(session, "ann", actor="admin")
    fresh_bearer = {"Authorization": f"Bearer {fresh}"}
    assert app.server.test_client().get("/api/v1/measures", headers=fresh_bearer).status_code == 200
    assert app.server.test_client().get("/api/v1/measures", headers=bearer).status_code == 401


def test_a_forged_session_cookie_signs_nobody_in(app) -> None:
    client = app.server.test_client()
    client.set_cookie("session", "eyJfdXNlcl9pZCI6ImFkbWluIn0.forged.signature")
    assert client.get("/api/v1/measures").status_code == 401


# ---------------------------------------------------------------- API tokens


def test_a_bearer_token_opens_the_data_api_only(app) -> None:
    settings = services_of(app.server).settings
    ensure_user(settings, "script", "viewer")
    with session_factory(settings)() as session, session.begin():
        token = users.issue_token(session, "script", actor="admin")
    client = app.server.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/measures", headers=bearer).status_code == 200
    assert client.get("/overview", headers=bearer).status_code == 302  # not a dashboard session
    wrong = client.get("/api/v1/measures", headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401 and wrong.get_json() == {"error": auth.TOKEN_REFUSED}
    with session_factory(settings)() as session, session.begin():
        users.revoke_tokens(session, "script", actor="admin")
    assert client.get("/api/v1/measures", headers=bearer).status_code == 401


# ---------------------------------------------------------------- public mode


def test_public_mode_needs_no_sign_in_and_offers_none(sqlite_url) -> None:
    app = create_app(Settings(database_url=sqlite_url, secret_key="test", public_mode=True))
    client = app.server.test_client()
    assert client.get("/api/v1/measures").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/sign-in").headers["Location"] == "/"
    assert "Sign out" not in client.get("/_dash-layout").get_data(as_text=True)


# ---------------------------------------------------------------- an attacker with a viewer session


def post_callback(client, app: Dash, output: str, values: dict, **headers: str) -> str:
    body = callback_request(app, output, values)
    response = client.post("/_dash-update-component", json=body, headers={"Origin": OWN, **headers})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_viewer_posting_the_records_callback_by_hand_gets_no_child(demo_app) -> None:
    state = {"scope": "330", "quarter": QUARTER, "window": 4, "compare": []}
    values = {f"{ids.CHILDREN_WAITING_RECORDS_SHOW}.n_clicks": 1, f"{ids.FILTER_STATE}.data": state}
    listing = f"{ids.CHILDREN_WAITING_RECORDS_GRID}.rowData"
    analyst = signed_in_client(demo_app, "attack-analyst", "analyst", ["330"])
    granted = post_callback(analyst, demo_app, listing, values)
    assert '"child_id"' in granted and records.REFUSED not in granted  # the route does carry rows
    viewer = signed_in_client(demo_app, "attack-viewer", "viewer")
    refused = post_callback(viewer, demo_app, listing, values)
    assert records.REFUSED in refused and '"child_id"' not in refused


def test_the_records_api_is_403_outside_the_grants(demo_app) -> None:
    url = f"/api/v1/records/children_waiting?scope=330&quarter={quote(QUARTER)}"
    assert signed_in_client(demo_app, "api-viewer", "viewer").get(url).status_code == 403
    outside = signed_in_client(demo_app, "api-analyst-942", "analyst", ["942"])
    assert outside.get(url).status_code == 403
    assert signed_in_client(demo_app, "api-analyst-330", "analyst", ["330"]).get(url).status_code == 200


def small_count(demo_services) -> tuple[str, str]:
    """An LA and age band whose children waiting number 1 to 5: shown to the LA's analyst,
    [c] to everyone else."""
    geography = demo_services.measures.geography()
    data = demo_services.measures.data_for([DEMO_SLICE[1]])
    for la in sorted(geography.las["code"]):
        rows = compute(Selection("children_waiting", la, DEMO_SLICE[1], breakdown="age_band"), data, geography)
        small = rows[(rows["value"] >= 1) & (rows["value"] <= 5) & (rows["category"] != "Total")]
        if len(small):
            return la, str(small["category"].iloc[0])
    raise AssertionError("the demo slice has no small count to test with")


def test_an_analysts_cached_figures_never_reach_a_viewer(demo_app, demo_services) -> None:
    la, band = small_count(demo_services)
    url = f"/api/v1/measures/children_waiting?scope={la}&quarter={quote(QUARTER)}&by=age_band"

    def row(client) -> dict:
        return next(r for r in client.get(url).get_json()["rows"] if r["category"] == band)

    analyst = row(signed_in_client(demo_app, f"cache-analyst-{la}", "analyst", [la]))
    assert analyst["shown"] not in ("[c]", "[x]") and 1 <= analyst["value"] <= 5
    viewer = row(signed_in_client(demo_app, "cache-viewer", "viewer"))  # same process, same caches
    assert (viewer["shown"], viewer["value"]) == ("[c]", None)
    other = row(signed_in_client(demo_app, "cache-analyst-elsewhere", "analyst", ["942" if la != "942" else "330"]))
    assert other["shown"] == "[c]"


def take_the_database_away(sqlite_url: str, tmp_path) -> None:
    """Move the SQLite file away under a running app: an empty database appears in its place."""
    engine_for(sqlite_url).dispose()
    os.replace(sqlite_url.removeprefix("sqlite:///"), tmp_path / "moved.sqlite3")


def test_a_signed_in_user_gets_a_503_not_a_crash_when_the_database_is_gone(sqlite_url, tmp_path) -> None:
    app = create_app(Settings(database_url=sqlite_url, secret_key="test", cookie_secure=False))
    client = signed_in_client(app, "ann", "viewer")
    take_the_database_away(sqlite_url, tmp_path)
    response = client.get("/api/v1/measures")
    assert response.status_code == 503
    assert response.get_json() == {"error": auth.DATABASE_DOWN}


def test_sign_in_answers_503_with_a_plain_message_while_the_database_is_down(sqlite_url, tmp_path) -> None:
    app = create_app(Settings(database_url=sqlite_url, secret_key="test", cookie_secure=False))
    returning = signed_in_client(app, "ann", "viewer")
    take_the_database_away(sqlite_url, tmp_path)

    posted = sign_in(app.server.test_client(), "ann")
    opened = returning.get("/sign-in")  # the page asks who the cookie's user is first
    # A PostgreSQL server that is not there at all (nothing listens on port 1).
    nowhere = "postgresql+psycopg2://asg:asg@127.0.0.1:1/nowhere"
    unreachable = create_app(Settings(database_url=nowhere, secret_key="test", cookie_secure=False))
    refused = sign_in(unreachable.server.test_client(), "ann")

    for answer in (posted, opened, refused):
        assert answer.status_code == 503
        text = answer.get_data(as_text=True)
        assert page.DATABASE_DOWN in text and "Traceback" not in text and "sqlite" not in text


# ---------------------------------------------------------------- board mode


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_board_mode_shows_any_presenter_what_a_viewer_sees_and_no_child(demo_app, demo_services,
                                                                        role) -> None:
    la, _ = small_count(demo_services)
    state = {"scope": la, "quarter": QUARTER, "window": 1, "compare": []}
    cards, listing = f"{ids.CHILDREN_WAITING_CARDS}.children", f"{ids.CHILDREN_WAITING_RECORDS_GRID}.rowData"
    board_page = {"Referer": f"{OWN}/children-waiting?present=1&scope={la}"}
    presenter = signed_in_client(demo_app, f"board-{role}-{la}", role, [la] if role == "analyst" else [])
    viewer = signed_in_client(demo_app, "board-viewer", "viewer")

    def answers(client, filters: dict, **headers: str) -> tuple[str, str]:
        values = {f"{ids.FILTER_STATE}.data": filters}
        asked = {f"{ids.CHILDREN_WAITING_RECORDS_SHOW}.n_clicks": 1, **values}  # "Show the list"
        return (post_callback(client, demo_app, cards, values, **headers),
                post_callback(client, demo_app, listing, asked, **headers))

    board_state = {**state, "present": True}
    at_the_desk = answers(presenter, state)
    on_the_board = answers(presenter, board_state)
    # The page's own URL says board mode even when a hand-made state leaves `present` out.
    by_its_address = answers(presenter, state, **board_page)

    assert '"child_id"' in at_the_desk[1]  # the presenter may see the list at their desk...
    assert at_the_desk[0] != answers(viewer, state)[0]  # ...and figures a viewer sees as [c]
    for board, as_a_viewer in ((on_the_board, answers(viewer, board_state)),
                               (by_its_address, answers(viewer, state))):
        assert board[0] == as_a_viewer[0] and "[c]" in board[0]
        assert '"child_id"' not in board[1] and records.ON_THE_BOARD in board[1]
