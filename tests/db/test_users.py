"""Users, roles, grants, API tokens and the audit log, on SQLite and PostgreSQL.

Passwords are kept only as argon2 hashes (the whole database is searched for the plain text);
sign-in succeeds only for the right password of an active user; a user's role and grants become
the `Caller` that access is decided by (an RAA grant covers its member LAs); a token is shown
once, stored hashed and stops working when revoked; the `python -m db users` commands; every
change is audited; migrating a 0001 database keeps its returns.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from argon2 import PasswordHasher
from sqlalchemy import String, Text, func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from db import audit, users
from db.engine import engine_for
from db.importer import load_path
from db.measure_data import load_geography
from db.models import ApiToken, AuditEvent, Base, Return, User
from db.queries import Store
from db.schema import alembic_config
from metrics.access import Caller
from tests.builders import valid_return
from tests.db.test_cli import PROJECT
from tests.db.test_cli import db as run_db

PASSWORD = "correct horse battery staple"
ALS_MEMBERS = {"306", "314", "208", "209", "315", "318", "210", "319", "212"}  # registry CSV


def add(sessions: sessionmaker[Session], name: str, role: str = "viewer", *agencies: str,
        password: str = PASSWORD) -> None:  # fmt: skip
    with sessions() as session, session.begin():
        users.add_user(session, name, password, role, agencies, actor="setup")


def sign_in(sessions: sessionmaker[Session], name: str, password: str) -> Caller | None:
    signed_in = users.authenticate(sessions, name, password, ip="192.0.2.7")
    return None if signed_in is None else signed_in.caller


def events(sessions: sessionmaker[Session], **filters: str) -> list[tuple[str, str | None, str]]:
    with sessions() as session:
        return [(e.kind, e.user_name, e.detail or "") for e in audit.read(session, **filters)]


def run_db_with_input(url: str, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m db ARGS` with `stdin` piped in (how a script gives the password)."""
    return subprocess.run(
        [sys.executable, "-m", "db", *args], cwd=PROJECT, env={**os.environ, "DATABASE_URL": url},
        input=stdin, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def every_text_value(sessions: sessionmaker[Session]) -> list[str]:
    """Every value of every string column of every table."""
    values: list[str] = []
    with sessions() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, (String, Text)):
                    values += [v for v in session.scalars(select(column)) if v is not None]
    return values


def test_a_password_is_kept_only_as_an_argon2_hash(sessions: sessionmaker[Session]) -> None:
    add(sessions, "ann", "analyst", "ALS")
    sign_in(sessions, "ann", PASSWORD)
    sign_in(sessions, "ann", PASSWORD + "!")
    sign_in(sessions, PASSWORD, "typed into the name box")

    with sessions() as session:
        stored = session.scalar(select(User.password_hash).where(User.name == "ann"))
    assert stored.startswith("$argon2id$")
    assert PasswordHasher().verify(stored, PASSWORD)
    values = every_text_value(sessions)
    assert "ann" in values  # the scan does read the user table
    assert not [v for v in values if "horse battery" in v]


def test_sign_in_needs_the_right_password_of_an_active_user(
    sessions: sessionmaker[Session],
) -> None:
    add(sessions, "ann", "analyst", "ALS")
    add(sessions, "bob")
    with sessions() as session, session.begin():
        users.set_active(session, "bob", False, actor="admin1")

    assert sign_in(sessions, "ann", PASSWORD) == Caller("ann", "analyst", frozenset({"ALS"}))
    assert sign_in(sessions, "ann", "correct horse battery stapler") is None
    assert sign_in(sessions, "nobody", PASSWORD) is None
    assert sign_in(sessions, "bob", PASSWORD) is None  # disabled, even with the right password

    assert events(sessions, kind="sign_in") == [("sign_in", "ann", "")]
    assert events(sessions, kind="sign_in_failed") == [
        ("sign_in_failed", "bob", "user is disabled"),
        ("sign_in_failed", None, "unknown user name"),
        ("sign_in_failed", "ann", "wrong password"),
    ]
    with sessions() as session:
        assert set(session.scalars(select(AuditEvent.ip).where(AuditEvent.kind.like("sign_in%")))) \
            == {"192.0.2.7"}  # fmt: skip


def test_roles_and_grants_become_the_caller(sessions: sessionmaker[Session]) -> None:
    add(sessions, "ann", "analyst", "ALS")
    add(sessions, "val")
    add(sessions, "ada", "admin")
    geography = load_geography(sessions)

    ann = sign_in(sessions, "ann", PASSWORD)
    assert ann is not None and ann.granted_las(geography) == ALS_MEMBERS
    assert ann.may_see("ALS", geography) and ann.may_see("306", geography)
    assert not ann.may_see("942", geography)
    assert sign_in(sessions, "val", PASSWORD) == Caller("val", "viewer")
    assert sign_in(sessions, "ada", PASSWORD) == Caller("ada", "admin")

    with sessions() as session, session.begin():
        users.set_grants(session, "ann", ["942"], actor="ada")
    with sessions() as session:
        assert users.caller_for_user(session, "ann") == Caller("ann", "analyst", frozenset({"942"}))
        assert users.caller_for_user(session, "nobody") is None
    assert events(sessions, kind="grant_changed") == [("grant_changed", "ada", "ann is analyst for 942")]


@pytest.mark.parametrize(
    "name, role, agencies, password, message",
    [
        ("ann", "analyst", ["NOPE"], PASSWORD, "unknown agency code(s) NOPE"),
        ("ann", "analyst", [], PASSWORD, "an analyst needs at least one agency"),
        ("ann", "admin", ["ALS"], PASSWORD, "an admin sees every agency; leave out --agency"),
        ("ann", "boss", [], PASSWORD, "unknown role 'boss'; roles are viewer, analyst, admin"),
        ("ann", "viewer", [], "elevenchars", "the password is 11 characters long; use at least 12"),
        ("ann smith", "viewer", [], PASSWORD, "'ann smith' is not a usable user name"),
    ],
    ids=["unknown-agency", "analyst-without-grant", "admin-with-grant", "unknown-role",
         "short-password", "name-with-space"],
)  # fmt: skip
def test_a_user_that_cannot_be_added_is_refused_with_the_fix(
    sqlite_url: str, name: str, role: str, agencies: list[str], password: str, message: str
) -> None:
    sessions = sessionmaker(engine_for(sqlite_url))
    with pytest.raises(users.UserError) as refused:
        add(sessions, name, role, *agencies, password=password)
    assert message in str(refused.value)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_a_hash_made_with_older_parameters_is_upgraded_at_sign_in(
    sessions: sessionmaker[Session],
) -> None:
    add(sessions, "ann", "viewer")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with sessions() as session, session.begin():
        session.scalars(select(User)).one().password_hash = weak

    assert sign_in(sessions, "ann", PASSWORD) == Caller("ann", "viewer")

    with sessions() as session:
        upgraded = session.scalar(select(User.password_hash))
    assert upgraded != weak and "m=65536,t=3,p=4" in upgraded
    assert sign_in(sessions, "ann", PASSWORD) == Caller("ann", "viewer")


def test_a_new_password_ends_older_sessions(sessions: sessionmaker[Session]) -> None:
    add(sessions, "ann", "viewer")
    signed_in_at = datetime.now(UTC)
    with sessions() as session:
        assert users.caller_for_user(session, "ann", signed_in_at) == Caller("ann", "viewer")
    with sessions() as session, session.begin():
        users.set_password(session, "ann", "a brand new long passphrase", actor="ann")
    with sessions() as session:
        assert users.caller_for_user(session, "ann", signed_in_at) is None
        assert users.caller_for_user(session, "ann", datetime.now(UTC)) == Caller("ann", "viewer")
    assert sign_in(sessions, "ann", PASSWORD) is None
    assert sign_in(sessions, "ann", "a brand new long passphrase") == Caller("ann", "viewer")


def test_a_token_is_shown_once_stored_hashed_and_stops_when_revoked(
    sessions: sessionmaker[Session],
) -> None:
    add(sessions, "ann", "analyst", "ALS")
    with sessions() as session, session.begin():
        token = users.issue_token(session, "ann", actor="ada")

    with sessions() as session:
        stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.last_used_at is None
    assert len(token) >= 43  # 32 random bytes, base64url
    assert not [v for v in every_text_value(sessions) if token in v]

    store = Store(sessions)
    assert store.caller_for_token(token) == Caller("ann", "analyst", frozenset({"ALS"}))
    assert store.caller_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert store.caller_for_token("") is None
    with sessions() as session:
        assert session.scalars(select(ApiToken)).one().last_used_at is not None

    with sessions() as session, session.begin():
        assert users.revoke_tokens(session, "ann", actor="ada") == 1
    assert store.caller_for_token(token) is None
    assert [kind for kind, _, _ in events(sessions, user="ada")] == ["token_revoked", "token_issued"]


def test_a_disabled_users_token_stops_working(sessions: sessionmaker[Session]) -> None:
    add(sessions, "ann", "viewer")
    with sessions() as session, session.begin():
        token = users.issue_token(session, "ann", actor="ada")
        users.set_active(session, "ann", False, actor="ada")
    assert Store(sessions).caller_for_token(token) is None
    with sessions() as session:
        assert users.caller_for_user(session, "ann") is None


def test_users_commands_add_issue_a_token_and_list(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    added = run_db_with_input(db_url, PASSWORD + "\n", "users", "add", "ann", "--role", "analyst",
                              "--agency", "ALS", "942")  # fmt: skip
    again = run_db_with_input(db_url, PASSWORD + "\n", "users", "add", "ann", "--role", "viewer")
    short = run_db_with_input(db_url, "short\n", "users", "add", "bob", "--role", "viewer")
    token = run_db(db_url, "users", "token", "ann")
    unknown = run_db(db_url, "users", "token", "zed")
    listed = run_db(db_url, "users", "list")

    assert added.returncode == 0, added.stdout + added.stderr
    assert added.stdout.strip() == "Added ann as analyst for 942, ALS."
    assert PASSWORD not in added.stdout + added.stderr
    assert again.returncode == 2 and "there is already a user 'ann'" in again.stderr
    assert short.returncode == 2 and "use at least 12" in short.stderr
    assert token.returncode == 0, token.stdout + token.stderr
    plain = token.stdout.strip()
    assert "It will not be shown again." in token.stderr
    assert Store(sessions).caller_for_token(plain) == Caller("ann", "analyst", frozenset({"942", "ALS"}))
    assert unknown.returncode == 2 and "there is no user 'zed'" in unknown.stderr
    assert listed.returncode == 0, listed.stderr
    [row] = [line for line in listed.stdout.splitlines() if line.startswith("ann ")]
    assert row.split() == ["ann", "analyst", "yes", "942,", "ALS"]
    assert "1 user(s)." in listed.stdout and "$argon2" not in listed.stdout
    assert sign_in(sessions, "ann", PASSWORD) is not None

    operator = getpass.getuser()
    assert events(sessions, kind="user_added") == [
        ("user_added", operator, "added ann as analyst for 942, ALS")]
    assert events(sessions, kind="token_issued", user=operator) == [
        ("token_issued", operator, "issued an API token for ann")]
    assert events(sessions, kind="token_issued", user="someone else") == []


def test_make_runs_demo_admin_gets_a_new_password_each_time_on_demo_data_only(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    first, second = run_db(db_url, "users", "demo-admin"), run_db(db_url, "users", "demo-admin")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    old_password, new_password = (r.stdout.split("with the password ")[1].split()[0] for r in (first, second))
    assert old_password != new_password and len(new_password) >= users.MIN_PASSWORD_LENGTH
    assert first.stdout.startswith(f"Sign in as {users.DEMO_ADMIN} with the password ")
    assert sign_in(sessions, users.DEMO_ADMIN, old_password) is None
    assert sign_in(sessions, users.DEMO_ADMIN, new_password) == Caller(users.DEMO_ADMIN, "admin")

    report = load_path(sessions, valid_return().write_zip(tmp_path / "r.zip"), user="an analyst")
    assert report.ok, report.text()
    refused = run_db(db_url, "users", "demo-admin")
    assert refused.returncode == 2 and refused.stdout == ""
    assert "holds 1 return(s) loaded by people, so no demo admin is made" in refused.stderr
    assert sign_in(sessions, users.DEMO_ADMIN, new_password) is not None  # nothing changed


def test_the_audit_log_reads_newest_first_by_kind_user_and_time(
    sessions: sessionmaker[Session],
) -> None:
    store = Store(sessions)
    store.record_event("load", "ann", scope="ALS", quarter="2024-25 Q3", file_hash="ab" * 32)
    store.record_event("export", "ann", scope="306", quarter="2024-25 Q3", detail="csv")
    store.record_event("board_pack", "bob", scope="region:London", quarter="2024-25 Q3")
    with sessions() as session, session.begin():
        for event, days_ago in zip(session.scalars(select(AuditEvent).order_by(AuditEvent.id)),
                                   (3, 2, 1)):  # fmt: skip
            event.at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC) - timedelta(days=days_ago)
    with pytest.raises(ValueError, match="unknown audit event 'peek'"):
        store.record_event("peek", "ann")

    everything = store.audit_events()
    assert everything["kind"].tolist() == ["board_pack", "export", "load"]
    assert everything["at"].iloc[0] == datetime(2026, 1, 9, 9, 0, tzinfo=UTC)
    assert everything["file_hash"].iloc[2] == "ab" * 32
    assert store.audit_events(user="ann")["kind"].tolist() == ["export", "load"]
    assert store.audit_events(kind="export")["scope"].tolist() == ["306"]
    since = datetime(2026, 1, 8, 9, 0, tzinfo=UTC)
    assert store.audit_events(since=since)["kind"].tolist() == ["board_pack", "export"]
    assert store.audit_events(limit=1)["kind"].tolist() == ["board_pack"]


def test_migrating_a_0001_database_keeps_its_returns(
    db_url: str, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    # Loaded before the downgrade: a load now writes its audit event, which 0001 has no table for.
    report = load_path(sessions, valid_return().write_zip(tmp_path / "r.zip"), user="loader")
    assert report.ok, report.text()
    engine_for(db_url).dispose()
    command.downgrade(alembic_config(db_url), "0001")
    engine_for(db_url).dispose()  # forget the schema the pool's connections saw
    assert "app_user" not in inspect(engine_for(db_url)).get_table_names()

    init = run_db(db_url, "init")

    assert init.returncode == 0, init.stdout + init.stderr
    tables = set(inspect(engine_for(db_url)).get_table_names())
    assert {"app_user", "user_grant", "api_token", "audit_event"} <= tables
    with sessions() as session:
        assert [(r.agency_code, r.quarter) for r in session.scalars(select(Return))] \
            == [("942", "2024-25 Q3")]  # fmt: skip
    add(sessions, "ann", "analyst", "942")
    assert sign_in(sessions, "ann", PASSWORD) == Caller("ann", "analyst", frozenset({"942"}))


def test_migration_0003_gives_every_user_a_session_version_and_goes_back(
    db_url: str, sessions: sessionmaker[Session]
) -> None:
    add(sessions, "ann", "viewer")
    engine_for(db_url).dispose()
    command.downgrade(alembic_config(db_url), "0002")
    engine_for(db_url).dispose()
    columns = {c["name"] for c in inspect(engine_for(db_url)).get_columns("app_user")}
    assert "session_version" not in columns
    engine_for(db_url).dispose()

    command.upgrade(alembic_config(db_url), "head")
    engine_for(db_url).dispose()

    with sessions() as session:
        assert users.session_version(session, "ann") == 0
        assert users.caller_for_user(session, "ann", session_version=0) == Caller("ann", "viewer")
    with sessions() as session, session.begin():
        users.end_sessions(session, "ann")
    with sessions() as session:
        assert users.session_version(session, "ann") == 1
        assert users.caller_for_user(session, "ann", session_version=0) is None
