"""The audit trail, on SQLite and PostgreSQL: every load (page, command line; stored, unchanged,
rejected or refused) and every export (chart CSV/XLSX/PNG/SVG, data API answers, board packs)
is one event with its user (on the dashboard, the signed-in user's name), scope, quarter and
file hash; sign-in refuses a name or an IP address after 5 failures in 15 minutes, counted from
the audit table; the audit page shows the events to admins only.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from dash import Dash
from pypdf import PdfWriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import server.images
from app import create_app
from callbacks.audit import audit_view
from server.images import board_pack
from server.services import Services
from server.warm import services_of
from config import Settings
from db import audit, users
from db.engine import engine_for
from db.importer import NotPermitted, load_path
from db.models import AuditEvent, Return
from layouts import ids
from layouts.audit import PATH, layout
from layouts.load import FROM_FILE
from layouts.shell import NAVIGATION
from metrics.access import Caller
from tests.accounts import PASSWORD, signed_in_client
from tests.builders import D, valid_return
from tests.chart_page_helpers import chart_url
from tests.conftest import fresh_database
from tests.measures_dataset import LONE_LA, load_dataset
from tests.db.test_cli import db as run_db
from tests.app.test_load_page import upload
from tests.app.test_security import OWN, callback_request

ADMIN = Caller("ada", "admin")
STATE = {"scope": LONE_LA, "quarter": "2024-25 Q3", "window": 1, "compare": []}
FIELDS = ("kind", "user_name", "scope", "quarter", "file_hash", "detail")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def events(sessions: sessionmaker[Session], kind: str | None = None) -> list[tuple]:
    """The audit log oldest first, as (kind, user, scope, quarter, file hash, detail)."""
    with sessions() as session:
        found = reversed(audit.read(session, kind=kind))
        return [tuple(getattr(e, f) for f in FIELDS) for e in found]


def add_event(sessions: sessionmaker[Session], at: datetime, kind: str, user: str | None,
              ip: str | None = None, **fields: str) -> None:  # fmt: skip
    """An event at a chosen moment: how a test stands 15 minutes in the past without waiting."""
    with sessions() as session, session.begin():
        session.add(AuditEvent(at=at, kind=kind, user_name=user, ip=ip, **fields))


# ---------------------------------------------------------------- loads


def test_a_load_is_audited_with_its_user_agency_quarter_and_file_hash(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = valid_return().write_zip(tmp_path / "r.zip")
    load_path(sessions, path, user="lena")
    load_path(sessions, path, user="lena")  # the same file again: nothing new is stored

    assert events(sessions) == [
        ("load", "lena", "942", "2024-25 Q3", sha256(path), "r.zip: loaded version 1"),
        ("load", "lena", "942", "2024-25 Q3", sha256(path), "r.zip: unchanged version 1"),
    ]


def test_rejected_and_refused_loads_are_audited_and_store_nothing(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    broken = valid_return().set("children", 2, "placed_date", D("2024-07-01"))
    broken_path = broken.write_zip(tmp_path / "broken.zip")
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook at all")
    good = valid_return().write_zip(tmp_path / "good.zip")

    load_path(sessions, broken_path, user="lena")
    load_path(sessions, junk, user="lena")
    with pytest.raises(NotPermitted):
        load_path(sessions, good, user="vic", may_load=lambda code: False)

    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Return)) == 0
    assert events(sessions) == [
        ("load_rejected", "lena", "942", "2024-25 Q3", sha256(broken_path),
         "broken.zip: rejected with 1 error(s)"),
        # Refused before it was read: no agency or quarter is known, the hash still is.
        ("load_rejected", "lena", None, None, sha256(junk), "junk.xlsx: rejected with 1 error(s)"),
        ("load_rejected", "vic", "942", "2024-25 Q3", sha256(good),
         "good.zip: refused: the loader may not load for this agency"),
    ]  # fmt: skip


def test_the_load_page_and_the_command_line_audit_their_loads(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    app = create_app(Settings(database_url=db_url, secret_key="test"))
    page_file = valid_return().write_xlsx(tmp_path / "return.xlsx")
    cli_file = valid_return(quarter="2024-25 Q4").write_zip(tmp_path / "q4.zip")

    # "Load this return" pressed in an admin's signed-in session: the page's confirm callback.
    confirm = callback_request(app, f"{ids.LOAD_CONFIRM_AREA}.hidden@", {
        f"{ids.LOAD_CONFIRM}.n_clicks": 1, f"{ids.LOAD_UPLOAD}.contents": upload(page_file),
        f"{ids.LOAD_UPLOAD}.filename": "return.xlsx", f"{ids.LOAD_AGENCY}.value": FROM_FILE,
        f"{ids.LOAD_QUARTER}.value": ""})
    page = signed_in_client(app, "ada", "admin").post("/_dash-update-component", json=confirm,
                                                      headers={"Origin": OWN})
    cli = run_db(db_url, "load", "--user", "cli-user", str(cli_file))

    assert page.status_code == 200 and "Loaded Cumberland (942)" in page.get_data(as_text=True)
    assert cli.returncode == 0, cli.stdout + cli.stderr
    assert events(sessions, "load") == [
        ("load", "ada", "942", "2024-25 Q3", sha256(page_file), "return.xlsx: loaded version 1"),
        ("load", "cli-user", "942", "2024-25 Q4", sha256(cli_file), "q4.zip: loaded version 1"),
    ]  # fmt: skip


# ---------------------------------------------------------------- exports


@dataclass(frozen=True)
class Dataset:
    sessions: sessionmaker[Session]
    app: Dash
    services: Services  # the app's


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def dataset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dataset]:
    """The hand-checked measures dataset once per backend."""
    folder = tmp_path_factory.mktemp(f"audit-{request.param}")
    with fresh_database(request, folder, request.param, "audit") as url:
        sessions = sessionmaker(engine_for(url), expire_on_commit=False)
        load_dataset(sessions, folder / "files")
        app = create_app(Settings(database_url=url, secret_key="test"))
        yield Dataset(sessions, app, services_of(app.server))
        engine_for(url).dispose()


def new_events(dataset: Dataset, since: int) -> list[tuple]:
    return events(dataset.sessions)[since:]


@contextmanager
def signed_in_request(dataset: Dataset, name: str) -> Iterator[None]:
    """A request in `name`'s session, signed in through the form: a download handler called
    in it answers, and is audited as, that user, as when its callback runs."""
    client = signed_in_client(dataset.app, name)
    cookie = client.get_cookie(dataset.app.server.config["SESSION_COOKIE_NAME"])
    session = {"Cookie": f"{cookie.key}={cookie.value}"}
    with dataset.app.server.test_request_context(headers=session):
        yield


def file_name_of(response) -> str:
    return response.headers["Content-Disposition"].split('filename="')[1].rstrip('"')


def test_chart_downloads_are_audited_without_any_child_data(dataset: Dataset) -> None:
    client = signed_in_client(dataset.app, "vic")
    before = len(events(dataset.sessions))
    csv, xlsx = (client.get(chart_url("children_waiting", STATE, f)) for f in ("csv", "xlsx"))

    assert csv.status_code == xlsx.status_code == 200
    name = file_name_of(csv).removesuffix(".csv")
    assert file_name_of(xlsx) == f"{name}.xlsx"
    assert new_events(dataset, before) == [
        ("export", "vic", "942", "2024-25 Q3", None, f"children_waiting csv: {name}"),
        ("export", "vic", "942", "2024-25 Q3", None, f"children_waiting xlsx: {name}"),
    ]


def test_a_wrong_selection_exports_nothing_and_audits_nothing(dataset: Dataset) -> None:
    client = signed_in_client(dataset.app, "vic")
    before = len(events(dataset.sessions))
    refused = client.get(chart_url("children_waiting", {**STATE, "scope": "XYZ"}, "csv"))
    assert refused.status_code == 400 and "unknown scope" in refused.get_json()["error"]
    assert new_events(dataset, before) == []


def one_page_pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=72, height=72)
    writer.write(out)
    return out.getvalue()


def test_images_and_board_packs_are_audited(dataset: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    # Drawing is kaleido's and Chromium's job (tests/app/test_images_board_pack.py); here each
    # picture and the pack are stand-ins.
    def drawn(figures, format, size, browser_path=""):
        return [b"image" for _ in figures]

    monkeypatch.setattr(server.images, "render", drawn)
    monkeypatch.setattr(server.images, "print_pdf", lambda document, browser_path="": one_page_pdf())
    client = signed_in_client(dataset.app, "vic")
    before = len(events(dataset.sessions))
    png, svg = (client.get(chart_url("children_waiting", STATE, f)) for f in ("png", "svg"))
    with signed_in_request(dataset, "vic"):
        pdf = board_pack(dataset.services, STATE)

    assert png.get_data() == b"image" and pdf.startswith(b"%PDF")
    png_name = file_name_of(png).removesuffix(".png")
    svg_name = file_name_of(svg).removesuffix(".svg")
    exports = [e for e in new_events(dataset, before) if e[0] != "sign_in"]  # the pack's own
    kinds = [(e[0], e[1], e[2], e[3]) for e in exports]
    assert kinds == [("export", "vic", "942", "2024-25 Q3")] * 2 \
        + [("board_pack", "vic", "942", "2024-25 Q3")]  # fmt: skip
    details = [e[5] for e in exports]
    assert details[:2] == [f"children_waiting png: {png_name}", f"children_waiting svg: {svg_name}"]
    assert details[2].startswith("board pack of ") and details[2].endswith(" charts: board-pack_942_2024-25-Q3")


def test_data_api_answers_in_every_format_are_audited_and_refusals_are_not(dataset: Dataset) -> None:
    client = signed_in_client(dataset.app, "vic")
    before = len(events(dataset.sessions))
    query = {"scope": LONE_LA, "quarter": "2024-25 Q3"}
    for format in ("json", "csv", "xlsx"):
        assert client.get("/api/v1/measures/children_waiting",
                          query_string={**query, "format": format}).status_code == 200
    assert client.get("/api/v1/measures/children_waiting",
                      query_string={**query, "format": "pdf"}).status_code == 400
    assert client.get("/api/v1/measures").status_code == 200  # the catalogue is no data

    assert [(e[0], e[1], e[2], e[3], e[5]) for e in new_events(dataset, before)] == [
        ("export", "vic", "942", "2024-25 Q3",
         f"children_waiting {format} from the data API: children_waiting_942_2024-25-Q3")
        for format in ("json", "csv", "xlsx")
    ]  # fmt: skip


# ---------------------------------------------------------------- the sign-in rate limit


def add_user(sessions: sessionmaker[Session], name: str) -> None:
    with sessions() as session, session.begin():
        users.add_user(session, name, PASSWORD, "viewer", actor="setup")


def failures(sessions: sessionmaker[Session], name: str | None, minutes_ago: float, n: int = 5,
             ip: str | None = None) -> None:  # fmt: skip
    for _ in range(n):
        add_event(sessions, audit.now() - timedelta(minutes=minutes_ago), "sign_in_failed", name,
                  ip=ip, detail="wrong password")  # fmt: skip


def test_five_wrong_passwords_refuse_the_right_one_with_the_wait(db_url: str,
                                                                 sessions: sessionmaker[Session]) -> None:  # fmt: skip
    store = Services.from_settings(Settings(database_url=db_url)).store
    add_user(sessions, "ann")
    for _ in range(users.MAX_FAILED_SIGN_INS):
        assert store.sign_in("ann", "not the password at all") is None

    with pytest.raises(users.TooManyAttempts) as refused:
        store.sign_in("ann", PASSWORD)

    # The failures were just now, so the wait is (almost all of) the 15-minute window.
    assert 14 * 60 < refused.value.seconds <= 15 * 60
    assert f"try again in {refused.value.seconds} seconds" in str(refused.value)
    assert [e[:2] for e in events(sessions)][-2:] == [("sign_in_failed", "ann"), ("sign_in_refused", "ann")]
    assert [e[0] for e in events(sessions, "sign_in")] == []  # the right password did not help


def test_the_wait_is_until_the_oldest_counted_failure_leaves_the_window(
    sessions: sessionmaker[Session],
) -> None:
    moment = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    for minutes_ago in (20, 10, 9, 8, 7, 6):  # the one 20 minutes ago is outside the window
        add_event(sessions, moment - timedelta(minutes=minutes_ago), "sign_in_failed", "ann")
    with sessions() as session:
        # The oldest failure in the window (10 minutes ago) leaves it in 5 minutes.
        assert users.seconds_to_wait(session, "ann", moment=moment) == 5 * 60
        later = moment + timedelta(minutes=5, seconds=1)  # a moment after it has left
        assert users.seconds_to_wait(session, "ann", moment=later) == 0


def test_after_the_window_sign_in_works_again(db_url: str, sessions: sessionmaker[Session]) -> None:
    store = Services.from_settings(Settings(database_url=db_url)).store
    add_user(sessions, "ann")
    failures(sessions, "ann", minutes_ago=16)
    failures(sessions, "ann", minutes_ago=1, n=users.MAX_FAILED_SIGN_INS - 1)

    assert store.sign_in("ann", PASSWORD).caller == Caller("ann", "viewer")


def test_failures_for_one_name_do_not_lock_another(db_url: str, sessions: sessionmaker[Session]) -> None:
    store = Services.from_settings(Settings(database_url=db_url)).store
    add_user(sessions, "ann")
    add_user(sessions, "bea")
    failures(sessions, "ann", minutes_ago=1)

    with pytest.raises(users.TooManyAttempts):
        store.sign_in("ann", PASSWORD)
    assert store.sign_in("bea", PASSWORD).caller == Caller("bea", "viewer")


def test_failures_from_one_ip_address_lock_it_for_every_name(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    store = Services.from_settings(Settings(database_url=db_url)).store
    add_user(sessions, "ann")
    add_user(sessions, "bea")
    # One person's five typos lock their name, not their colleagues behind the same proxy...
    failures(sessions, "bea", minutes_ago=1, ip="192.0.2.7")
    assert store.sign_in("ann", PASSWORD, ip="192.0.2.7").caller == Caller("ann", "viewer")
    # ...but an address that has tried twenty times, under any names, is locked for everyone.
    failures(sessions, None, minutes_ago=1, ip="192.0.2.7",
             n=users.MAX_FAILED_SIGN_INS_PER_ADDRESS - users.MAX_FAILED_SIGN_INS)
    with pytest.raises(users.TooManyAttempts):
        store.sign_in("ann", PASSWORD, ip="192.0.2.7")
    assert store.sign_in("ann", PASSWORD, ip="198.51.100.1").caller == Caller("ann", "viewer")


# ---------------------------------------------------------------- the audit page


@pytest.fixture
def logged(db_url: str, sessions: sessionmaker[Session]) -> Services:
    """Four events at known moments, and the services of an app on them."""
    day = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    add_event(sessions, day - timedelta(days=2), "load", "lena", scope="942", quarter="2024-25 Q3",
              file_hash="ab" * 32, detail="r.zip: loaded version 1")
    add_event(sessions, day - timedelta(days=1), "export", "lena", scope="942",
              quarter="2024-25 Q3", detail="children_waiting csv: x")
    add_event(sessions, day, "export", "ada", scope="ALS", quarter="2024-25 Q3", detail="y")
    add_event(sessions, day + timedelta(hours=1), "sign_in", "ada")
    return Services.from_settings(Settings(database_url=db_url))


def test_an_admin_reads_the_log_newest_first_with_short_hashes(logged: Services) -> None:
    view = audit_view(logged, ADMIN, "all", "", None)

    assert view.message == "4 events, newest first."
    assert [(r["at"], r["user_name"], r["kind"]) for r in view.rows] == [
        ("2025-03-01 10:30:00", "ada", "sign_in"), ("2025-03-01 09:30:00", "ada", "export"),
        ("2025-02-28 09:30:00", "lena", "export"), ("2025-02-27 09:30:00", "lena", "load"),
    ]  # fmt: skip
    assert view.rows[-1] == {"at": "2025-02-27 09:30:00", "user_name": "lena", "kind": "load",
                             "scope": "942", "quarter": "2024-25 Q3", "file_hash": "abababababab",
                             "detail": "r.zip: loaded version 1"}  # fmt: skip
    assert view.rows[0]["file_hash"] is None  # an empty cell, not NaN


def test_an_admin_filters_by_kind_user_and_date_from(logged: Services) -> None:
    def whats(kind, user, since) -> list[tuple[str, str]]:
        return [(r["kind"], r["user_name"]) for r in audit_view(logged, ADMIN, kind, user, since).rows]

    assert whats("export", None, None) == [("export", "ada"), ("export", "lena")]
    assert whats("all", " lena ", None) == [("export", "lena"), ("load", "lena")]
    assert whats(None, None, "2025-02-28") == [("sign_in", "ada"), ("export", "ada"), ("export", "lena")]
    assert whats("export", "lena", "2025-03-01") == []


def test_anyone_but_an_admin_is_told_who_may_read_it(logged: Services) -> None:
    for caller in (Caller.viewer("vic"), Caller("cora", "analyst", frozenset({"AC2C"})),
                   Caller("ada", "admin", public=True)):
        assert audit_view(logged, caller, "all", None, None) == ([], "Only admins can read the audit log.")


def test_wrong_filters_say_what_to_give(logged: Services) -> None:
    assert audit_view(logged, ADMIN, "peek", None, None) == ([], "There is no kind of event 'peek'.")
    assert audit_view(logged, ADMIN, "all", None, "31/01/2025") == (
        [], "Give the date from as YYYY-MM-DD, e.g. 2025-01-31.")


def test_the_page_is_at_audit_and_in_the_header_for_admins_only(sqlite_url) -> None:
    import dash

    app = create_app(Settings(database_url=sqlite_url, secret_key="test"))
    assert dash.page_registry["layouts.audit"]["path"] == PATH == "/audit"
    assert "/audit" not in [href for _, href, _ in NAVIGATION]
    assert "Only admins can read it." in str(layout())
    frames = {role: signed_in_client(app, role, role, ["942"] if role == "analyst" else [])
              .get("/_dash-layout").get_data(as_text=True) for role in ("viewer", "analyst", "admin")}
    assert {role: '"Audit log"' in frame for role, frame in frames.items()} == {
        "viewer": False, "analyst": False, "admin": True}


# ---------------------------------------------------------------- the limit under parallel tries


class CountingHasher:
    """The real password hasher, counting how many passwords it was asked to check."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real, self.checks, self.lock = real, 0, threading.Lock()

    def verify(self, hash_: str, password: str) -> bool:
        with self.lock:
            self.checks += 1
        return self.real.verify(hash_, password)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.real, name)


@pytest.mark.parametrize(("names", "limit"), [
    (lambda i: "ann", users.MAX_FAILED_SIGN_INS),  # one name from many addresses
    (lambda i: f"nobody-{i}", users.MAX_FAILED_SIGN_INS_PER_ADDRESS),  # many names, one address
], ids=["per-name", "per-address"])  # fmt: skip
def test_parallel_wrong_passwords_are_checked_no_more_often_than_the_limit(
    db_url: str, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
    names, limit: int,
) -> None:
    store = Services.from_settings(Settings(database_url=db_url)).store
    add_user(sessions, "ann")
    counting = CountingHasher(users._hasher())
    monkeypatch.setattr(users, "_hasher", lambda: counting)
    attempts = 40
    start = threading.Barrier(attempts)

    def attempt(i: int) -> str:
        start.wait()  # all at once, as a scripted attacker sends them
        ip = "192.0.2.7" if limit == users.MAX_FAILED_SIGN_INS_PER_ADDRESS else f"198.51.100.{i}"
        try:
            return "failed" if store.sign_in(names(i), "a wrong password", ip=ip) is None else "in"
        except users.TooManyAttempts:
            return "refused"

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        outcomes = list(pool.map(attempt, range(attempts)))

    assert 1 <= counting.checks <= limit, f"{counting.checks} password checks against a limit of {limit}"
    assert outcomes.count("failed") == counting.checks
    assert outcomes.count("refused") == attempts - counting.checks
    kinds = [kind for kind, *_ in events(sessions)]
    assert kinds.count("sign_in_failed") == counting.checks
    assert kinds.count("sign_in_refused") == attempts - counting.checks
