"""Handlers of the "Load a return" page: set the page up, check an upload, load it on confirm
(or, for a file whose errors are all about single rows, load the rows that pass on a second
confirm, as a partial return). Imports dash, sqlalchemy's errors, db, metrics, layouts and
server only; it opens no session (the store does).

Stateless between requests, as gunicorn's workers share nothing: the check keeps nothing, and
the confirm takes the upload's contents again from the browser, checks them again and stores
them in one transaction (`Store.load_upload`; `Store.check_upload` and `store_published` for
the check and published statistics). Who may load is decided by
`metrics.access.Caller.may_load`. File contents are never logged; the page shows only the
importer's own report on the uploader's file.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import replace
from typing import NamedTuple
from urllib.parse import quote, urlencode

from dash import Dash, Input, Output, State, html
from sqlalchemy.exc import SQLAlchemyError

from server.auth import caller_of
from server.services import Services
from db.importer import LoadRaced, NotPermitted, Report, UsageError
from db.importer.formats import FORMATS
from layouts import ids
from layouts.load import (
    FROM_FILE, RETURNS_PATH, agency_choices, confirmation, issues_table, notes_list,
)
from metrics.access import Caller
from metrics.scope import Geography

log = logging.getLogger(__name__)

SWITCHED_OFF = "Loading returns is switched off on this public dashboard."
NOTHING_STORED = "nothing has been stored"
HELD_BACK_IF_LOADED = "Rows that would be held back: not stored, and not in any figure"
MAY_NOT_LOAD = ("Your account may not load returns: viewers read the dashboard only. An admin can "
                "make you an analyst for your agency (python -m db users add).")


class Setup(NamedTuple):
    agency_options: list[dict]
    max_size: int
    limit: str
    notice: str
    disabled: bool


class CheckView(NamedTuple):
    summary: str
    notes: list[str]
    issues: list[dict]
    can_load: bool
    # The confirm step for loading only the rows that pass ("" and [] when not offered).
    partial_offer: str = ""
    partial_button: str = ""
    held_back: list[dict] = []


class LoadView(NamedTuple):
    message: str
    loaded: bool
    issues: list[dict]
    returns_href: str


class UploadRefused(ValueError):
    """An upload the page cannot take (too large, not a file); the message says why."""


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def size_text(n_bytes: int) -> str:
    megabytes = n_bytes / (1024 * 1024)
    return f"{megabytes:,.0f} MB" if megabytes >= 1 else f"{n_bytes:,} bytes"


def page_setup(services: Services, caller: Caller) -> Setup:
    """The agencies the caller may load for and the size limit; in public mode, or for a
    caller who may load for none, a page that says so."""
    settings = services.settings
    limit = f"Files up to {size_text(settings.upload_max_bytes)}. {accepted_formats()}"
    if caller.public:
        return Setup(agency_choices([]), settings.upload_max_bytes, limit, SWITCHED_OFF, True)
    geography = services.measures.geography()
    agencies = geography.agencies.sort_values("name")
    mine = agencies[[caller.may_load(code, geography) for code in agencies["code"]]]
    if mine.empty:
        return Setup(agency_choices([]), settings.upload_max_bytes, limit, MAY_NOT_LOAD, True)
    return Setup(agency_choices(mine[["code", "name"]].to_dict("records")),
                 settings.upload_max_bytes, limit, "", False)


PAGE_FIELDS = {"agency": "Agency", "quarter": "Quarter"}


def accepted_formats() -> str:
    """What the page accepts, from the import formats' registry, in the page's own terms."""
    parts = []
    for fmt in FORMATS:
        fields = " and ".join(PAGE_FIELDS[n] for n in fmt.needs)
        parts.append(f"{fmt.title[0].upper()}{fmt.title[1:]}: {fmt.description}"
                     + (f" (choose {fields} above)." if fields else "."))
    return "Accepted, recognised by their content: " + " ".join(parts)


def decode_upload(contents: str | None, limit: int) -> bytes:
    """The file's bytes from dcc.Upload's data URL; refuses a file over `limit` bytes before
    decoding it."""
    if not contents:
        raise UploadRefused("Choose a file first.")
    header, comma, encoded = contents.partition(",") if isinstance(contents, str) else ("", "", "")
    if not (header.startswith("data:") and header.endswith(";base64") and comma):
        raise UploadRefused("The upload could not be read (it is not a file as the upload box "
                            "sends it); choose the file again.")
    if len(encoded) * 3 // 4 - encoded.count("=") > limit:
        raise UploadRefused(f"The file is larger than the limit of {size_text(limit)}; "
                            f"{NOTHING_STORED}. Split the return or remove what it need not carry.")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise UploadRefused("The upload could not be read; choose the file again.") from exc


def _named(agency: str | None) -> str | None:
    agency = str(agency or "").strip()
    return None if agency in ("", FROM_FILE) else agency


def _quarter(quarter: str | None) -> str | None:
    return str(quarter or "").strip() or None


def issue_rows(report: Report) -> list[dict]:
    """The report's problems as the command-line report orders them: errors first."""
    return _rows(report.errors + report.warnings)


def _rows(issues: list) -> list[dict]:
    return [{"level": i.level, "rule": i.rule, "table": i.table, "row": i.row, "column": i.column,
             "value": i.value, "message": i.message} for i in issues]


def held_back_rows(report: Report) -> list[dict]:
    """The rows a partial load holds back (or held back), each with the error that holds it."""
    return [row | {"level": "held back"} for row in _rows(report.held_back)]


def partial_offer(report: Report, target: str) -> tuple[str, str]:
    """(what the confirm step says, its button's label) for a report whose errors are all
    about single rows: the rows of the row tables that pass, and those held back."""
    passing = {t: n for t, n in report.passing_counts.items() if t != "support"}
    held = _plural(report.rows_held_back, "row")
    text = (f"The {held} with errors can be held back: you can load the rest of the file "
            f"({_counts_of(report.passing_counts)}) for {target}, {report.quarter}, as a partial "
            "return. The rows below are then not stored and not counted, and every figure the "
            "return feeds says it is partial. Nothing is stored until you press the button.")
    button = (f"Load the {_plural(sum(passing.values()), 'row')} that pass and hold back "
              f"{report.rows_held_back}")
    return text, button


def agency_label(geography: Geography, code: str | None) -> str:
    if code and code in geography.agencies.index:
        return f"{geography.agencies.at[code, 'name']} ({code})"
    return code or "an unknown agency"


def _counts(report: Report) -> str:
    return _counts_of(report.row_counts)


def _counts_of(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {table.replace('_', ' ')}" for table, n in counts.items())


def rejected_line(report: Report) -> str:
    warnings = f" and {_plural(len(report.warnings), 'warning')}" if report.warnings else ""
    return f"Rejected: {_plural(len(report.errors), 'error')}{warnings}; {NOTHING_STORED}."


def refused(message: str) -> CheckView:
    return CheckView(message, [], [], False)


PUBLISHED_ADMIN_ONLY = ("Published statistics are England's comparators for every board, so an "
                        "admin loads them; nothing has been stored.")


def is_published_csv(data: bytes) -> bool:
    """An Explore Education Statistics tidy CSV, by its first line's columns."""
    first = data[:4096].decode("utf-8-sig", "replace").splitlines()[:1]
    columns = {c.strip().strip('"').lower() for c in (first[0].split(",") if first else [])}
    return {"time_period", "time_identifier", "geographic_level"} <= columns


def _read_published(data: bytes, file_name: str):
    """The upload read as published statistics (db.published), from a private temporary file."""
    from db.importer.pipeline import upload_name, uploaded_file
    from db.published import read_published

    name = upload_name(file_name)
    with uploaded_file(data, name) as path:
        found = read_published(path)
    return replace(found, file_name=name)


def check_published(caller: Caller, data: bytes, file_name: str) -> CheckView:
    """An EES file on the Load page: what it would add as comparators; stores nothing."""
    from metrics.published import NotTidyData

    if caller.role != "admin":
        return refused(PUBLISHED_ADMIN_ONLY)
    try:
        found = _read_published(data, file_name)
    except NotTidyData as exc:
        return refused(f"Rejected: {exc}. {NOTHING_STORED.capitalize()}.")
    notes = found.summary().splitlines()
    if found.mapped.figures.empty:
        return CheckView("Rejected: no row of this Explore Education Statistics file is a figure "
                         f"of our measures; {NOTHING_STORED}.", notes, [], False)
    return CheckView(f"Ready to load: {_plural(len(found.mapped.figures), 'published figure')} "
                     "(Explore Education Statistics) as comparators beside the board's own; "
                     "nothing is stored until you press Load this return.", notes, [], True)


def load_published(services: Services, caller: Caller, data: bytes, file_name: str) -> LoadView:
    from metrics.published import NotTidyData

    if caller.role != "admin":
        return LoadView(PUBLISHED_ADMIN_ONLY, False, [], RETURNS_PATH)
    try:
        found = _read_published(data, file_name)
    except NotTidyData as exc:
        return LoadView(f"Rejected: {exc}; {NOTHING_STORED}.", False, [], RETURNS_PATH)
    if found.mapped.figures.empty:
        return LoadView(f"Rejected: nothing in it is a figure of ours; {NOTHING_STORED}.", False,
                        [], RETURNS_PATH)
    stored = services.store.store_published(found, caller.name)
    log.info("load page: %s loaded %s published figure(s)", caller.name, stored)
    return LoadView(f"Loaded {_plural(stored, 'published figure')} as comparators: compare with "
                    "England (published) on the charts.", True, [], RETURNS_PATH)


def check_file(services: Services, caller: Caller, contents: str | None, file_name: str | None,
               agency: str | None, quarter: str | None) -> CheckView:
    """Validate the upload and say whether `caller` may load it; stores nothing."""
    settings = services.settings
    if caller.public:
        return refused(SWITCHED_OFF)
    try:
        data = decode_upload(contents, settings.upload_max_bytes)
        if is_published_csv(data):
            return check_published(caller, data, file_name or "")
        geography = services.measures.geography()
        report = services.store.check_upload(  # commits a refusal's audit event
            data, file_name or "", agency=_named(agency), quarter=_quarter(quarter),
            max_rows=settings.import_max_rows, max_bytes=settings.upload_max_bytes,
            user=caller.name, may_load=lambda code: caller.may_load(code, geography))
    except UploadRefused as exc:
        return refused(str(exc))
    except UsageError as exc:
        return refused(f"Rejected: {exc.on('page')}. {NOTHING_STORED.capitalize()}.")
    except SQLAlchemyError as exc:
        log.error("load page: check failed on a database error (%s)", type(exc).__name__)
        return refused("The database cannot be reached; try again later.")
    target = agency_label(geography, report.agency_code)
    if report.status == "refused":  # refused before any stored return was read: nothing to show
        return refused(f"You may not load returns for {target}; {NOTHING_STORED}.")
    rows, notes = issue_rows(report), list(report.notes)
    if not report.ok and report.may_accept_valid_rows:
        offer, button = partial_offer(report, target)
        return CheckView(rejected_line(report), notes, rows, False, offer, button,
                         held_back_rows(report))
    if not report.ok:
        if report.partial_refusal and report.rows_held_back:  # why no partial step is offered
            notes.append(f"Loading only the rows that pass is not offered: {report.partial_refusal}")
        return CheckView(rejected_line(report), notes, rows, False)
    summary = (f"Ready to load: {_counts(report)} for {target}, {report.quarter}; "
               f"{_plural(len(report.warnings), 'warning')}. Nothing is stored until you press "
               "Load this return.")
    return CheckView(summary, notes, rows, True)


def returns_href(quarter: str | None) -> str:
    if not quarter:
        return RETURNS_PATH
    return f"{RETURNS_PATH}?{urlencode({'quarter': quarter}, quote_via=quote)}"


def load_file(services: Services, caller: Caller, contents: str | None, file_name: str | None,
              agency: str | None, quarter: str | None, accept_valid_rows: bool = False) -> LoadView:
    """Check the upload again and, if it passes and `caller` may load it, store it; with
    `accept_valid_rows` (the partial confirm step), store the rows that pass of a file whose
    errors are all about single rows, holding back the failing ones."""
    settings = services.settings
    if caller.public:
        return LoadView(SWITCHED_OFF, False, [], RETURNS_PATH)
    geography = services.measures.geography()
    try:
        data = decode_upload(contents, settings.upload_max_bytes)
        if is_published_csv(data):
            return load_published(services, caller, data, file_name or "")
        report = services.store.load_upload(
            data, file_name or "", user=caller.name,
            agency=_named(agency), quarter=_quarter(quarter), max_rows=settings.import_max_rows,
            max_bytes=settings.upload_max_bytes, may_load=lambda code: caller.may_load(code or "", geography),
            accept_valid_rows=accept_valid_rows,
        )  # fmt: skip
    except UploadRefused as exc:
        return LoadView(str(exc), False, [], RETURNS_PATH)
    except UsageError as exc:
        return LoadView(f"Rejected: {exc.on('page')}. {NOTHING_STORED.capitalize()}.", False, [],
                        RETURNS_PATH)
    except NotPermitted as exc:
        return LoadView(f"Refused: {exc}; {NOTHING_STORED}.", False, [], RETURNS_PATH)
    except LoadRaced as exc:
        return LoadView(f"Not loaded: {exc}.", False, [], returns_href(str(exc.quarter)))
    except SQLAlchemyError as exc:
        log.error("load page: load failed on a database error (%s)", type(exc).__name__)
        return LoadView(f"The database cannot be reached; {NOTHING_STORED}. Try again later.",
                        False, [], RETURNS_PATH)
    href = returns_href(report.quarter)
    if not report.ok:
        return LoadView(rejected_line(report), False, issue_rows(report), href)
    target = f"{agency_label(geography, report.agency_code)}, {report.quarter}"
    if report.status == "unchanged":
        return LoadView(f"Already loaded: this exact file is {target}, version {report.version}; "
                        f"{NOTHING_STORED}.", False, [], href)
    log.info("load page: %s loaded %s %s version %s%s", caller.name, report.agency_code,
             report.quarter, report.version,
             f" (partial, {report.rows_held_back} rows held back)" if report.partial else "")
    if report.partial:
        return LoadView(f"Loaded {target}, version {report.version}, as a partial return: "
                        f"{_counts(report)}; {_plural(report.rows_held_back, 'row')} held back "
                        f"(listed below) and {_plural(len(report.warnings), 'warning')} stored "
                        "with it.", True, held_back_rows(report), href)
    return LoadView(f"Loaded {target}, version {report.version}: {_counts(report)}; "
                    f"{_plural(len(report.warnings), 'warning')} stored with it.", True, [], href)


def register(app: Dash, services: Services) -> None:
    def setup(_pathname: str | None) -> tuple:
        view = page_setup(services, caller_of(services))
        return (*view, view.disabled)

    def check(contents: str | None, _clicks: int, file_name: str | None, agency: str | None,
              quarter: str | None) -> tuple:
        view = check_file(services, caller_of(services), contents, file_name, agency, quarter)
        return (view.summary, notes_list(view.notes), issues_table(view.issues),
                not view.can_load, None, not view.partial_offer, view.partial_offer,
                issues_table(view.held_back, HELD_BACK_IF_LOADED), view.partial_button)

    def loaded(view: LoadView) -> tuple:
        if view.loaded:
            return confirmation(view.message, view.returns_href, view.issues), True, True
        return ([html.P(view.message, className="load-summary"), issues_table(view.issues)],
                True, True)

    def confirm(_clicks: int, contents: str | None, file_name: str | None, agency: str | None,
                quarter: str | None) -> tuple:
        return loaded(load_file(services, caller_of(services), contents, file_name, agency,
                                quarter))

    def confirm_partial(_clicks: int, contents: str | None, file_name: str | None,
                        agency: str | None, quarter: str | None) -> tuple:
        return loaded(load_file(services, caller_of(services), contents, file_name, agency,
                                quarter, accept_valid_rows=True))

    app.callback(
        Output(ids.LOAD_AGENCY, "options"),
        Output(ids.LOAD_UPLOAD, "max_size"),
        Output(ids.LOAD_LIMIT, "children"),
        Output(ids.LOAD_NOTICE, "children"),
        Output(ids.LOAD_UPLOAD, "disabled"),
        Output(ids.LOAD_CHECK, "disabled"),
        Input(ids.LOAD_URL, "pathname"),
    )(setup)
    app.callback(
        Output(ids.LOAD_SUMMARY, "children"),
        Output(ids.LOAD_NOTES, "children"),
        Output(ids.LOAD_ISSUES, "children"),
        Output(ids.LOAD_CONFIRM_AREA, "hidden"),
        Output(ids.LOAD_RESULT, "children"),
        Output(ids.LOAD_PARTIAL_AREA, "hidden"),
        Output(ids.LOAD_PARTIAL_TEXT, "children"),
        Output(ids.LOAD_HELD_BACK, "children"),
        Output(ids.LOAD_PARTIAL, "children"),
        Input(ids.LOAD_UPLOAD, "contents"),
        Input(ids.LOAD_CHECK, "n_clicks"),
        State(ids.LOAD_UPLOAD, "filename"),
        State(ids.LOAD_AGENCY, "value"),
        State(ids.LOAD_QUARTER, "value"),
        prevent_initial_call=True,
    )(check)
    for button, handler in ((ids.LOAD_CONFIRM, confirm), (ids.LOAD_PARTIAL, confirm_partial)):
        app.callback(
            Output(ids.LOAD_RESULT, "children", allow_duplicate=True),
            Output(ids.LOAD_CONFIRM_AREA, "hidden", allow_duplicate=True),
            Output(ids.LOAD_PARTIAL_AREA, "hidden", allow_duplicate=True),
            Input(button, "n_clicks"),
            State(ids.LOAD_UPLOAD, "contents"),
            State(ids.LOAD_UPLOAD, "filename"),
            State(ids.LOAD_AGENCY, "value"),
            State(ids.LOAD_QUARTER, "value"),
            prevent_initial_call=True,
        )(handler)
