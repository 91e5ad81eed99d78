"""`python -m db <command>`: init, demo, load, check, published, returns, users (see shared
spec interfaces.md), and notes (board notes: list, add, remove).

Exit statuses: 0 done (or loaded), 1 rejected, 2 usage error. DATABASE_URL selects the
database. Imports config, db and metrics modules.
"""

from __future__ import annotations

import argparse
import getpass
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from config import Settings
from db import users
from db.engine import session_factory
from db.importer import (
    LoadRaced, NotPermitted, Report, UsageError, check_path, load_path, quarters_in,
)
from db.importer.formats import FORMATS, NEED_WORDS
from db.measure_data import load_geography
from db.queries import Store
from metrics.access import Caller
from db.registry import registry_from_db
from db.schema import initialise

OK, REJECTED, USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit status is already 2
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m db", description="The ASG Dashboard's store.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.add_parser("init", help="create or migrate the schema and load the agency registry")
    demo = commands.add_parser("demo", help="fill the database with synthetic demo returns")
    demo.add_argument("--scale", type=int, default=1, help="1 = national size; 10 = ten times")
    demo.add_argument("--seed", type=int, default=2024)
    accepted = "Formats, recognised by their content: " + "; ".join(
        f"{fmt.title} ({fmt.description}{', needs ' + ' and '.join(f'--{n}' for n in fmt.needs) if fmt.needs else ''})"
        for fmt in FORMATS) + "."
    needing = {need: [fmt.title for fmt in FORMATS if need in fmt.needs] for need in NEED_WORDS}
    for name, text in (("load", "validate and load one return"), ("check", "validate only")):
        sub = commands.add_parser(name, help=text, description=f"{text.capitalize()}. {accepted}")
        sub.add_argument("paths", nargs=1 if name == "load" else "+", metavar="PATH", type=Path)
        sub.add_argument("--agency", help=f"agency code (needed for: {', '.join(needing['agency'])})")
        sub.add_argument("--quarter", help=f'quarter, e.g. "2024-25 Q3" (needed for: '
                         f"{', '.join(needing['quarter'])})")
        if name == "load":
            sub.add_argument("--user", default=None, help="who is loading (default: login name)")
            sub.add_argument("--accept-valid-rows", action="store_true",
                             help="when every error is about single rows, load the rows that "
                             "pass and hold back the failing ones (listed); the return is "
                             "marked partial")
    published = commands.add_parser(
        "published", help="load published statistics (Explore Education Statistics tidy CSV) "
        "as comparators", description="Load published statistics (an Explore Education "
        "Statistics tidy CSV of the DfE's 'Children looked after in England including "
        "adoptions') as comparators: the rows that are figures of our measures are stored, "
        "replacing the same figures of an earlier load; the others are listed with why.")
    published.add_argument("paths", nargs=1, metavar="PATH", type=Path)
    published.add_argument("--user", default=None, help="who is loading (default: login name)")
    returns = commands.add_parser("returns", help="list the returns loaded")
    returns.add_argument("--quarter", help='only this quarter, e.g. "2024-25 Q3"')
    returns.add_argument("--all", action="store_true", help="include superseded versions")
    returns.add_argument("--count", action="store_true", help="print only how many returns")
    _add_users_parser(commands)
    _add_notes_parser(commands)
    return parser


def _add_notes_parser(commands: argparse._SubParsersAction) -> None:
    notes = commands.add_parser("notes", help="list, pin and remove board notes")
    actions = notes.add_subparsers(dest="notes_command", required=True, parser_class=_Parser)
    listed = actions.add_parser("list", help="list the board notes, by area and quarter")
    listed.add_argument("--scope", help="one area only: england, region:<name> or an agency code")
    add = actions.add_parser("add", help="pin a note to an area and quarter, as a dashboard user")
    add.add_argument("scope", help="england, region:<name> or an agency code")
    add.add_argument("quarter", help='the quarter, e.g. "2024-25 Q3"')
    add.add_argument("text", help="the note, one line of at most 140 characters")
    remove = actions.add_parser("remove", help="remove a note by its id, as a dashboard user")
    remove.add_argument("note_id", type=int)
    for action in (add, remove):
        action.add_argument("--user", required=True,
                            help="the dashboard user whose rights it is done with (audited)")


def _add_users_parser(commands: argparse._SubParsersAction) -> None:
    people = commands.add_parser("users", help="manage who may sign in and their API tokens")
    actions = people.add_subparsers(dest="users_command", required=True, parser_class=_Parser)
    add = actions.add_parser("add", help="create a user (password from stdin or prompted)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=users.ROLES)
    add.add_argument("--agency", nargs="+", action="extend", default=[], metavar="CODE",
                     help="agency granted to an analyst (an RAA's code covers its member LAs); "
                          "for a viewer, their own agency, where their pages open (it shows them no more)")
    token = actions.add_parser("token", help="issue an API token for a user (printed once)")
    token.add_argument("name", metavar="NAME")
    actions.add_parser("list", help="list users with their role, grants and whether active")
    actions.add_parser("demo-admin", help=f"demo data only: give {users.DEMO_ADMIN} a new random "
                       "password and print how to sign in (make run does this)")


def cmd_init(settings: Settings) -> int:
    changed = initialise(settings.database_url, session_factory(settings))
    print(f"Schema up to date; agency registry loaded ({changed} agencies added or changed).")
    return OK


class DemoProgress:
    """Says how the demo load is going, so that a minute of work does not look hung: one line
    rewritten in place on a terminal, a plain line every few seconds otherwise (make's output,
    a log)."""

    def __init__(self, stream=sys.stdout, every: float = 5.0):
        self.stream, self.every = stream, every
        self.tty = stream.isatty()
        self.started = self.last = time.perf_counter()

    def __call__(self, what: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if what == "simulating":
            self._say(f"demo: simulating the population for {total:,} returns...", end=True)
            return
        if done < total and now - self.last < (0.25 if self.tty else self.every):
            return
        self.last = now
        self._say(f"demo: stored {done:,}/{total:,} returns ({done / total:.0%}), "
                  f"{now - self.started:.0f} s", end=done == total)

    def _say(self, text: str, end: bool) -> None:
        if self.tty:
            self.stream.write("\r" + text.ljust(60) + ("\n" if end else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def cmd_demo(settings: Settings, scale: int, seed: int) -> int:
    from db.demo import load_demo

    started = time.perf_counter()
    summary = load_demo(session_factory(settings), scale=scale, seed=seed, progress=DemoProgress())
    seconds = time.perf_counter() - started
    print(summary.text())
    print(f"Demo data loaded in {seconds:.1f} s ({summary.rows / seconds:,.0f} rows per second).")
    return OK


def cmd_check_or_load(settings: Settings, args: argparse.Namespace) -> int:
    sessions = session_factory(settings)
    status = OK
    for path in args.paths:
        quarters = [args.quarter]
        if not args.quarter:  # a file that covers several quarters: each one it can fill
            with sessions() as session:
                found = quarters_in(path, registry_from_db(session), args.agency,
                                    settings.import_max_rows, settings.upload_max_bytes)
            if found:
                print(f"{path.name} covers {len(found)} quarter(s), {found[0]} to {found[-1]}: "
                      "each is checked and loaded as a return of its own.")
                quarters = [str(q) for q in found]
        for quarter in quarters:
            outcome = _check_or_load_one(settings, sessions, args, path, quarter)
            if outcome == USAGE:
                return USAGE
            status = max(status, outcome)
    return status


def _check_or_load_one(settings: Settings, sessions: sessionmaker[Session],
                       args: argparse.Namespace, path: Path, quarter: str | None) -> int:
    try:
        if args.command == "load":
            user = args.user or getpass.getuser()
            report = load_path(sessions, path, user=user, agency=args.agency,
                               quarter=quarter, max_rows=settings.import_max_rows,
                               max_bytes=settings.upload_max_bytes,
                               may_load=_loader_rights(sessions, user),
                               accept_valid_rows=args.accept_valid_rows)
        else:
            with sessions() as session:
                report = check_path(session, path, agency=args.agency, quarter=quarter,
                                    max_rows=settings.import_max_rows,
                                    max_bytes=settings.upload_max_bytes)
    except (UsageError, users.UserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    except NotPermitted as exc:
        print(f"REFUSED {path.name}: {exc}; nothing was stored.")
        return REJECTED
    except LoadRaced as exc:  # one line: the other load's outcome is the one that stands
        print(f"NOT LOADED {path.name}: {exc}.")
        return REJECTED
    print(report.text())
    if report.ok:
        return OK
    hint = _partial_hint(report, path, args, quarter)
    if hint:
        print(hint)
    return REJECTED


def cmd_published(settings: Settings, path: Path, user: str | None) -> int:
    """Load one EES file: 0 stored (even when some rows were not ours), 1 when not an EES
    tidy CSV or nothing in it is a figure of ours."""
    from db.published import read_published, store_published
    from metrics.published import NotTidyData

    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return USAGE
    try:
        load = read_published(path)
    except NotTidyData as exc:
        print(f"REJECTED {path.name}: {exc}; nothing was stored.")
        return REJECTED
    print(load.summary())
    if load.mapped.figures.empty:
        print(f"REJECTED {path.name}: no row is a figure of our measures (docs/published.md "
              "lists the mapping); nothing was stored.")
        return REJECTED
    stored = store_published(session_factory(settings), load, user or getpass.getuser())
    print(f"LOADED {path.name}: {stored} published figure(s) stored as comparators.")
    return OK


def _partial_hint(report: Report, path: Path, args: argparse.Namespace,
                  quarter: str | None) -> str | None:
    """After a rejection: how to load the rows that pass, or why that was refused."""
    accepted = getattr(args, "accept_valid_rows", False)
    if report.may_accept_valid_rows and not accepted:
        passing = ", ".join(f"{n} {t}" for t, n in report.passing_counts.items())
        given = {"agency": args.agency, "quarter": quarter, "user": getattr(args, "user", None)}
        named = "".join(f" --{flag} {shlex.quote(value)}" for flag, value in given.items() if value)
        return (f"Or load the rows that pass ({passing}) and hold back the "
                f"{report.rows_held_back} row(s) that fail: python -m db load "
                f"{shlex.quote(str(path))}{named} --accept-valid-rows (the return is then marked "
                "partial).")
    if accepted and report.partial_refusal:
        return f"--accept-valid-rows did not apply: {report.partial_refusal}"
    return None


def _loader_rights(sessions: sessionmaker[Session], name: str) -> Callable[[str], bool] | None:
    """`--user NAME` naming a dashboard user loads with that user's grants, checked before any
    stored return is read; any other name is an operator's, with the database's own rights."""
    with sessions() as session:
        caller = users.loader(session, name)
    if caller is None:
        return None
    geography = load_geography(sessions)
    return lambda code: caller.may_load(code, geography)


def cmd_returns(settings: Settings, quarter: str | None, include_all: bool, count: bool) -> int:
    try:
        frame = Store.from_settings(settings).list_returns(quarter, include_superseded=include_all)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    if count:
        print(len(frame))
        return OK
    print(f"{'agency':<8} {'quarter':<11} {'version':>7}  {'loaded at (UTC)':<19}  "
          f"{'by':<14} {'warnings':>8} {'held back':>9}  file")
    for r in frame.itertuples(index=False):
        current = "" if r.is_current else " (superseded)"
        partial = " (PARTIAL)" if r.rows_held_back else ""
        print(f"{r.agency_code:<8} {r.quarter:<11} {r.version:>7}  "
              f"{r.loaded_at:%Y-%m-%d %H:%M:%S}  {r.loaded_by[:14]:<14} {r.n_warnings:>8} "
              f"{r.rows_held_back:>9}  {r.file_name}{partial}{current}")
    n_partial = int((frame["rows_held_back"] > 0).sum())
    partial = (f", {n_partial} partial (rows held back: the figures they feed leave those rows "
               "out)") if n_partial else ""
    print(f"{len(frame)} return(s){partial}.")
    return OK


def read_password() -> str:
    """The new password: the first line of stdin when piped, else typed twice, never echoed."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"Password (at least {users.MIN_PASSWORD_LENGTH} characters): ")
    if getpass.getpass("The same password again: ") != first:
        raise users.UserError("the two passwords differ; nothing was stored")
    return first


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    sessions = session_factory(settings)
    actor = getpass.getuser()  # who ran the command, for the audit log
    try:
        if args.users_command == "add":
            password = read_password()
            with sessions() as session, session.begin():
                users.add_user(session, args.name, password, args.role, args.agency, actor=actor)
            grants = f" for {', '.join(sorted(set(args.agency)))}" if args.agency else ""
            print(f"Added {args.name} as {args.role}{grants}.")
        elif args.users_command == "token":
            with sessions() as session, session.begin():
                token = users.issue_token(session, args.name, actor=actor)
            # The token alone on stdout, so that a script can capture it.
            print(token)
            print(f"This is {args.name}'s API token (send it as `Authorization: Bearer <token>`)."
                  " It will not be shown again.", file=sys.stderr)
        elif args.users_command == "demo-admin":
            with sessions() as session, session.begin():
                password = users.demo_admin(session, actor=actor)
            print(f"Sign in as {users.DEMO_ADMIN} with the password {password}\n"
                  "(an admin of the demo data only; a new password each time this runs).")
        else:
            with sessions() as session:
                people = users.list_users(session)
            print(f"{'name':<24} {'role':<8} {'active':<6}  grants")
            for p in people:
                print(f"{p.name:<24} {p.role:<8} {'yes' if p.active else 'no':<6}  "
                      f"{', '.join(p.grants) or '-'}")
            print(f"{len(people)} user(s).")
    except users.UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    return OK


def cmd_notes(settings: Settings, args: argparse.Namespace) -> int:
    """Board notes from the command line, with a dashboard user's rights (db.notes checks them
    and audits the change as the page does); an operator with no dashboard user pins nothing."""
    sessions = session_factory(settings)
    store, geography = Store(sessions), load_geography(sessions)
    try:
        if args.notes_command == "list":
            frame = store.notes(Caller("operator", "admin"),
                                scopes=[geography.scope(args.scope).code] if args.scope else None)
            for r in frame.itertuples(index=False):
                print(f"{r.note_id:>5}  {r.scope:<24} {r.quarter:<11} {r.created_by[:14]:<14} {r.text}")
            print(f"{len(frame)} note(s).")
            return OK
        with sessions() as session:
            caller = users.loader(session, args.user)
        if caller is None:
            print(f"error: no dashboard user is called {args.user!r}", file=sys.stderr)
            return USAGE
        if args.notes_command == "add":
            note = store.pin_note(caller, geography, args.scope, args.quarter, args.text)
            print(f"Pinned note {note}.")
        elif store.remove_note(caller, geography, args.note_id):
            print(f"Removed note {args.note_id}.")
        else:
            print(f"error: there is no note {args.note_id}", file=sys.stderr)
            return USAGE
    except (ValueError, PermissionError, users.UserError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    return OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE
    if args.command == "init":
        return cmd_init(settings)
    if args.command == "demo":
        if args.scale < 1:
            print("error: --scale must be 1 or more", file=sys.stderr)
            return USAGE
        return cmd_demo(settings, args.scale, args.seed)
    if args.command in ("load", "check"):
        return cmd_check_or_load(settings, args)
    if args.command == "users":
        return cmd_users(settings, args)
    if args.command == "notes":
        return cmd_notes(settings, args)
    if args.command == "published":
        return cmd_published(settings, args.paths[0], args.user)
    return cmd_returns(settings, args.quarter, args.all, args.count)
