"""Who may sign in: users with argon2 password hashes, their role and agency grants, API tokens.

Plain functions on a session: the caller's transaction commits them, together with the audit
event each one records (so a change and its audit line stand or fall together). What they
hand back to the dashboard is a `metrics.access.Caller`, the one object access is decided by.
Errors a person can fix raise `UserError` with the fix. Imports db and metrics.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from math import ceil
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from db import audit
from db.models import Agency, ApiToken, AuditEvent, Grant, Return, User
from metrics.access import ROLES, Caller

MIN_PASSWORD_LENGTH = 12
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,119}")
TOKEN_BYTES = 32  # 256 bits from the OS's generator
# The sign-in rate limit: this many failures under one name, or from one IP address, within the
# window refuse further attempts until the oldest of them leaves the window. An address gets
# more: a council's staff may all reach the site from one proxy's address, and one person's
# typos must not lock out their colleagues.
MAX_FAILED_SIGN_INS = 5
MAX_FAILED_SIGN_INS_PER_ADDRESS = 20
DEMO_ADMIN = "demo-admin"
FAILED_SIGN_IN_WINDOW = timedelta(minutes=15)
# An attempt is written down as a failure before its password is checked (see `authenticate`);
# this detail is what a row says until the check ends, and stays if the process dies meanwhile.
CHECKING = "password not checked yet"


class UserError(ValueError):
    """A request about users that cannot be done as asked; the message says how to fix it."""


class TooManyAttempts(PermissionError):
    """Sign-in refused, without checking the password, after too many recent failures."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {seconds} seconds")
        self.seconds = seconds


class SignIn(NamedTuple):
    """A sign-in that succeeded: the caller, and the user's session version the new session is
    bound to (`caller_for_user` refuses it once the version moves on)."""

    caller: Caller
    session_version: int


@dataclass(frozen=True)
class UserSummary:
    """What `users list` and an admin page show: never a hash."""

    name: str
    role: str
    grants: tuple[str, ...]
    active: bool
    created_at: datetime


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # argon2-cffi's defaults are RFC 9106's low-memory profile (argon2id, 64 MiB, 3 passes);
    # a later release that raises them makes `authenticate` rehash on the next sign-in.
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash no password of anyone matches, verified when the name is unknown so that a wrong
    name takes as long as a wrong password and does not reveal which names exist."""
    return _hasher().hash(secrets.token_urlsafe(16))


def _utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes (stored as UTC); PostgreSQL hands back aware ones.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    """SHA-256 of an API token. A slow hash guards low-entropy passwords against guessing; a
    token is 256 random bits, so no guessing can reach it and a fast hash is enough, and it lets
    every API request find its token by an indexed lookup instead of an argon2 run."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def _existing_user(session: Session, name: str) -> User:
    user = _user(session, name)
    if user is None:
        raise UserError(f"there is no user {name!r}; `python -m db users list` lists them")
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            f"the password is {len(password)} characters long; use at least "
            f"{MIN_PASSWORD_LENGTH} (a few unrelated words make a long one easy to remember)"
        )


def _check_access(session: Session, role: str, agencies: Iterable[str]) -> list[str]:
    """The agency codes, checked against the role and the registry."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
    codes = sorted(set(agencies))
    if role == "admin" and codes:
        raise UserError("an admin sees every agency; leave out --agency")
    # A viewer's agencies open nothing more (metrics.access checks the role first): they are
    # the viewer's own, where the dashboard's pages open for them (Caller.home_agency).
    if role == "analyst" and not codes:
        raise UserError("an analyst needs at least one agency: --agency CODE (an RAA's code "
                        "covers its member LAs)")  # fmt: skip
    known = set(session.scalars(select(Agency.code).where(Agency.code.in_(codes))))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise UserError(f"unknown agency code(s) {', '.join(unknown)}; use an LA's 3-digit "
                        "DfE code or an RAA or VAA code from the registry")  # fmt: skip
    return codes


def _caller(user: User) -> Caller:
    return Caller(user.name, user.role, frozenset(g.agency_code for g in user.grants))


def add_user(
    session: Session, name: str, password: str, role: str, agencies: Iterable[str] = (),
    *, actor: str,
) -> User:  # fmt: skip
    """Create an active user; `actor` is who did it, for the audit log."""
    if not NAME_PATTERN.fullmatch(name):
        raise UserError(f"{name!r} is not a usable user name; use up to 120 letters, digits "
                        "and . _ @ - (starting with a letter or digit)")  # fmt: skip
    if _user(session, name) is not None:
        raise UserError(f"there is already a user {name!r}; choose another name")
    codes = _check_access(session, role, agencies)
    _check_password(password)
    moment = audit.now()
    user = User(name=name, password_hash=_hasher().hash(password), role=role, active=True,
                created_at=moment, password_changed_at=moment,
                grants=[Grant(agency_code=c) for c in codes])  # fmt: skip
    session.add(user)
    audit.record(session, "user_added", actor,
                 detail=f"added {name} as {role}" + (f" for {', '.join(codes)}" if codes else ""))
    return user


def set_password(session: Session, name: str, password: str, *, actor: str) -> None:
    """A new password; sessions signed in before it stop working (see `caller_for_user`)."""
    user = _existing_user(session, name)
    _check_password(password)
    user.password_hash = _hasher().hash(password)
    user.password_changed_at = audit.now()
    _end_sessions(session, user)
    audit.record(session, "user_changed", actor, detail=f"changed the password of {name}")


def set_active(session: Session, name: str, active: bool, *, actor: str) -> None:
    """Switch a user off or back on. Switching off ends every session (the session version
    moves on) and revokes every API token, for good: switching back on revives neither, so the
    user signs in again and is issued a new token."""
    user = _existing_user(session, name)
    user.active = active
    detail = f"enabled {name}"
    if not active:
        _end_sessions(session, user)
        revoked = _revoke(session, user)
        detail = f"disabled {name}, ending their sessions and revoking {revoked} API token(s)"
    audit.record(session, "user_changed", actor, detail=detail)


def _end_sessions(session: Session, user: User) -> None:
    """Move the user's session version on in one UPDATE (two workers doing it at once both
    count), so that every session cookie signed in under an earlier version stops working."""
    session.execute(update(User).where(User.id == user.id)
                    .values(session_version=User.session_version + 1)
                    .execution_options(synchronize_session=False))  # fmt: skip
    session.expire(user, ["session_version"])


def end_sessions(session: Session, name: str) -> None:
    """Sign-out: end every session of the user, in every browser, on the server's side (a
    copy of the cookie kept from before is refused from now on)."""
    user = _user(session, name)
    if user is not None:
        _end_sessions(session, user)


def set_grants(
    session: Session, name: str, agencies: Iterable[str], *, actor: str, role: str | None = None
) -> None:
    """Replace a user's grants (and role, when given) in one checked change."""
    user = _existing_user(session, name)
    new_role = role or user.role
    codes = _check_access(session, new_role, agencies)
    user.role = new_role
    user.grants = [Grant(agency_code=c) for c in codes]
    audit.record(session, "grant_changed", actor,
                 detail=f"{name} is {new_role}" + (f" for {', '.join(codes)}" if codes else ""))


def authenticate(
    sessions: sessionmaker[Session], name: str, password: str, ip: str | None = None
) -> SignIn | None:
    """The caller (and session version) for a right name and password of an active user, else
    None; records the sign-in or its failure. A failure under an unknown name is recorded
    without the name, which is often a password typed into the wrong box.

    Raises TooManyAttempts, without checking the password, after MAX_FAILED_SIGN_INS failures
    under the name or MAX_FAILED_SIGN_INS_PER_ADDRESS from the IP within
    FAILED_SIGN_IN_WINDOW. The count and the decision are one atomic step however many
    attempts arrive at once: in one short transaction that holds the name's and the address's
    lock (`_lock_attempts`), the recent failures are counted and the attempt is either refused
    or written down as a failure before its password is checked, so that the next attempt
    counts it. The slow password check runs after that transaction, with no lock held, and the
    same audit row then says how it went; a process killed in between leaves a failure behind,
    which is the safe side. Each step commits its own transaction."""
    with sessions() as session:
        _lock_attempts(session, name, ip)
        user = _user(session, name)
        known = user.name if user else None
        wait = seconds_to_wait(session, name, ip)
        if wait:
            audit.record(session, "sign_in_refused", known,
                         detail=f"too many failed sign-ins; {wait} seconds to wait", ip=ip)
            session.commit()
            raise TooManyAttempts(wait)
        attempt = audit.record(session, "sign_in_failed", known, detail=CHECKING, ip=ip)
        stored_hash, active = (user.password_hash, user.active) if user else (None, False)
        session.flush()
        attempt_id = attempt.id
        session.commit()
    try:
        matched = _hasher().verify(stored_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        matched = False
    with sessions() as session, session.begin():
        event = session.get(AuditEvent, attempt_id)
        if known is None or not matched or not active:
            event.detail = ("unknown user name" if known is None
                            else "wrong password" if not matched else "user is disabled")
            return None
        user = _existing_user(session, known)
        if not user.active:  # disabled while the password was being checked
            event.detail = "user is disabled"
            return None
        if _hasher().check_needs_rehash(user.password_hash):
            user.password_hash = _hasher().hash(password)
        event.kind, event.detail = "sign_in", None
        return SignIn(_caller(user), user.session_version)


def _lock_attempts(session: Session, name: str, ip: str | None) -> None:
    """Begin the session's transaction holding the sign-in locks of `name` and `ip`, so that
    counting their failures and recording this attempt happen as one step: on PostgreSQL a
    transaction-scoped advisory lock per name and per address (in a fixed order, so two
    attempts never wait on each other in a circle); on SQLite an immediate transaction, which
    takes the database's one write lock before the count. Either is released at commit."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
        return
    keys = [f"sign-in name {name}"] + ([f"sign-in address {ip}"] if ip else [])
    for key in sorted(keys):
        number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(number)))


def seconds_to_wait(
    session: Session, name: str, ip: str | None = None, moment: datetime | None = None
) -> int:
    """Seconds until a sign-in under `name` (from `ip`) may be tried again; 0 when it may now.
    Counted from the audit table, so every worker sees the same failures."""
    moment = moment or audit.now()
    start = moment - FAILED_SIGN_IN_WINDOW
    # the name's limit, and the address's
    whose = [(dict(user=name), MAX_FAILED_SIGN_INS)]
    if ip:
        whose.append((dict(ip=ip), MAX_FAILED_SIGN_INS_PER_ADDRESS))
    waits = [0]
    for narrowed, limit in whose:
        failures = audit.recent(session, "sign_in_failed", start, limit=limit, **narrowed)
        if len(failures) >= limit:
            # Locked until the oldest of the newest failures leaves the window.
            left = failures[-1] + FAILED_SIGN_IN_WINDOW - moment
            waits.append(max(1, ceil(left.total_seconds())))
    return max(waits)


def caller_for_user(
    session: Session, name: str, signed_in_at: datetime | None = None,
    session_version: int | None = None,
) -> Caller | None:  # fmt: skip
    """The caller behind a signed-in session: None when the user is unknown or disabled, when
    the password changed after `signed_in_at` (so changing it signs out every other session), or
    when the session was signed in under another `session_version` than the user's now (they
    signed out, were disabled or changed their password since). The user and their grants
    come in one query: every request of a signed-in page asks."""
    user = session.scalars(select(User).options(joinedload(User.grants))
                           .where(User.name == name)).unique().one_or_none()
    if user is None or not user.active:
        return None
    if signed_in_at is not None and _utc(signed_in_at) < _utc(user.password_changed_at):
        return None
    if session_version is not None and session_version != user.session_version:
        return None
    return _caller(user)


def session_version(session: Session, name: str) -> int | None:
    """The version a session signed in now is bound to (None for no such user)."""
    user = _user(session, name)
    return None if user is None else user.session_version


def loader(session: Session, name: str) -> Caller | None:
    """Whose rights a command-line load (`python -m db load --user NAME`) is made with: the
    dashboard user's, when NAME is one (so the command line lets them load no more than the Load
    page would); None when no user has that name, i.e. an operator who already holds the
    database's password. A disabled user may load nothing."""
    user = _user(session, name)
    if user is None:
        return None
    if not user.active:
        raise UserError(f"{name} is disabled and may not load returns; enable them first")
    return _caller(user)


def issue_token(session: Session, name: str, *, actor: str) -> str:
    """A new API token for an active user. The plain token is returned once and never stored."""
    user = _existing_user(session, name)
    if not user.active:
        raise UserError(f"{name} is disabled; enable them before issuing a token")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), created_at=audit.now(),
                         revoked=False))  # fmt: skip
    audit.record(session, "token_issued", actor, detail=f"issued an API token for {name}")
    return token


def revoke_tokens(session: Session, name: str, *, actor: str) -> int:
    """Revoke every live token of a user; how many were revoked."""
    user = _existing_user(session, name)
    revoked = _revoke(session, user)
    audit.record(session, "token_revoked", actor,
                 detail=f"revoked {revoked} API token(s) of {name}")
    return revoked


def _revoke(session: Session, user: User) -> int:
    live = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
    ).all()
    for token in live:
        token.revoked = True
    return len(live)


def caller_for_token(session: Session, token: str) -> Caller | None:
    """The caller behind a bearer token, marking it used; None for an unknown or revoked token
    or a disabled user."""
    if not token or len(token) > 200:  # hostile input: no hashing of megabytes
        return None
    found = session.execute(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_hash(token))
    ).first()  # fmt: skip
    if found is None:
        return None
    api_token, user = found
    if api_token.revoked or not user.active:
        return None
    api_token.last_used_at = audit.now()
    return _caller(user)


def list_users(session: Session) -> list[UserSummary]:
    """Every user by name, with role, grants and whether active."""
    users = session.scalars(select(User).order_by(User.name)).all()
    return [UserSummary(u.name, u.role, tuple(g.agency_code for g in u.grants), u.active,
                        _utc(u.created_at)) for u in users]  # fmt: skip


def demo_admin(session: Session, *, actor: str) -> str:
    """A new random password for DEMO_ADMIN (added as an admin if missing, enabled again if
    disabled), for `make run` on demo data: returned to be printed. Refused, with nothing
    changed, when the database holds any return a person loaded: a printed admin password has
    no place beside real children's data."""
    from db.demo import LOADED_BY  # the demo generator is only needed here

    real = session.scalar(select(func.count()).select_from(Return).where(Return.loaded_by != LOADED_BY))
    if real:
        raise UserError(f"this database holds {real} return(s) loaded by people, so no demo admin is "
                        "made; add an admin with `python -m db users add NAME --role admin`")
    password = secrets.token_urlsafe(18)
    if _user(session, DEMO_ADMIN) is None:
        add_user(session, DEMO_ADMIN, password, "admin", [], actor=actor)
    else:
        set_password(session, DEMO_ADMIN, password, actor=actor)
        set_grants(session, DEMO_ADMIN, [], actor=actor, role="admin")
        set_active(session, DEMO_ADMIN, True, actor=actor)
    return password
