"""Check or load one return file: read it, validate it, and (for a load) store it atomically.

The CLI calls `check_path` and `load_path`; the dashboard's upload page calls `check_upload` and
`load_upload`, which put the uploaded bytes in a private temporary file and take the same path.
Imports db and metrics modules only.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath, PureWindowsPath

from sqlalchemy.orm import Session, sessionmaker

from db import audit
from db.importer import partial
from db.importer.formats import NEED_WORDS, Format, recognise
from db.importer.readers import RawReturn, ReadRequest, sha256_of_path
from db.importer.report import Issue, Rejected, Report, UsageError
from db.importer.safety import check_file
from db.importer.store import DbHistory, LoadRaced, store_return
from db.importer.validate import NoHistory, ValidatedReturn, history_issues, validate
from db.registry import Registry, registry_from_db
from metrics.quarters import Quarter


class NotPermitted(PermissionError):
    """The loader may not load returns for the file's agency; raised before anything is stored."""


MAX_BYTES = 50 * 1024 * 1024  # UPLOAD_MAX_BYTES's default, for callers that do not pass it
MAX_NAME_SHOWN = 80  # characters of a file's name in its audit event; the hash identifies it
MAX_NAME_BYTES = 255  # an upload's name: what file systems allow, and Return.file_name's column
UPLOAD_STEM = "upload"  # the temporary file's own name: the uploader's name is never a path
SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,10}")


def read_any(
    path: Path,
    registry: Registry,
    agency: str | None,
    quarter: str | None,
    max_rows: int,
    max_bytes: int,
) -> RawReturn:
    """Refuse hostile files first (before any format's sniffing opens the zip), then ask the
    format registry which format the file is, check the user named what it needs, and read."""
    kind = check_file(path, max_bytes)
    fmt = recognise(path, kind)
    parsed = parse_quarter(quarter) if quarter else None
    named = {"agency": agency, "quarter": parsed}
    missing = [need for need in fmt.needs if not named.get(need)]
    if missing:
        raise needs_named(path.name, fmt, missing)
    raw = fmt.read(path, kind, ReadRequest(registry, agency, parsed, max_rows))
    raw.notes.append(f"Read as {_a(fmt.title)}.")
    return raw


def quarters_in(path: Path, registry: Registry, agency: str | None, max_rows: int,
                max_bytes: int) -> list[Quarter] | None:
    """The quarters to load from a file of a format that covers several (Annex A, SSDA903) when
    the user named none: those it can honestly fill. None when the file names its own quarter
    or cannot be read (loading it then says why)."""
    try:
        kind = check_file(path, max_bytes)
        fmt = recognise(path, kind)
        if "quarter" not in fmt.needs or fmt.quarters is None or not agency:
            return None
        return fmt.quarters(path, kind, ReadRequest(registry, agency, None, max_rows))
    except Rejected:
        return None


def parse_quarter(text: str) -> Quarter:
    try:
        return Quarter.parse(text.strip())
    except ValueError as exc:
        raise UsageError(str(exc).split(";")[0], {
            "cli": 'give --quarter like "2024-25 Q3"',
            "page": "type the quarter under Quarter like 2024-25 Q3",
        }) from exc


def _a(noun: str) -> str:
    """`an Annex A workbook`, `an SSDA903 extract` (said "ess"), `a return workbook`."""
    spoken_vowel = noun[:1].lower() in "aeiou" or (noun[:2].isupper() and noun[0] in "FHLMNRSX")
    return f"{'an' if spoken_vowel else 'a'} {noun}"


def needs_named(file_name: str, fmt: Format, missing: list[str]) -> UsageError:
    """The file's format does not say what the user did not name: say how, on each surface."""
    words = " and ".join(NEED_WORDS[m] for m in missing)
    cli = " ".join({"agency": "--agency 840", "quarter": '--quarter "2024-25 Q3"'}[m]
                   for m in missing)
    page = " and ".join({"agency": "choose the local authority under Agency",
                         "quarter": "type the quarter under Quarter (e.g. 2024-25 Q3)"}[m]
                        for m in missing)
    return UsageError(f"{file_name} is {_a(fmt.title)}, which does not say {words} to load",
                      {"cli": f"name {'them' if len(missing) > 1 else 'it'}, e.g. {cli}",
                       "page": f"{page}, then check the file again"})


def _labelled(raw: RawReturn, issues: list[Issue]) -> list[Issue]:
    """Name a format's own sheets and headers in messages (Annex A), and the record a derived row
    is (SSDA903's CHILD), so users can find it in their own files."""
    out = []
    for issue in issues:
        name = raw.row_names.get(issue.table, {}).get(issue.row or 0)
        if name:
            issue = replace(issue, message=f"{name}: {issue.message}")
        if issue.table in raw.column_labels:
            sheet, labels = raw.column_labels[issue.table]
            issue = replace(issue, table=sheet, column=labels.get(issue.column or "", issue.column))
        out.append(issue)
    return out


def check_raw(
    session: Session, raw: RawReturn, registry: Registry, agency: str | None, quarter: str | None,
    may_load: Callable[[str], bool] | None = None,
) -> tuple[Report, ValidatedReturn]:
    """Validate in the order that keeps other agencies' returns private: the file's own rules,
    then the loader's right to load for the file's agency (`may_load`), and only then the rules
    that read returns already stored (V06, W04), whose messages quote stored ids and dates. A
    refused report (status "refused") carries no issue at all."""
    if quarter:
        quarter = str(parse_quarter(quarter))
    validated = validate(raw, registry, NoHistory(), agency, quarter)
    code, period = validated.agency_code, validated.quarter
    if code is not None and may_load is not None and not may_load(code):
        report = Report(raw.file_name, [], code, str(period) if period else None, status="refused")
        return report, validated
    if code is not None and period is not None:
        validated.issues += history_issues(code, period, validated.frames["children"],
                                           DbHistory(session))
    report = Report(
        raw.file_name,
        _labelled(raw, validated.issues),
        validated.agency_code,
        str(validated.quarter) if validated.quarter else None,
        {name: len(frame) for name, frame in validated.frames.items() if name != "return"},
        list(raw.notes),
    )
    report.status = "checked" if report.ok else "rejected"
    if not report.ok:
        held = partial.plan(validated, derived=bool(raw.row_names))
        report.held_back = _labelled(raw, held.issues)
        report.rows_held_back, report.passing_counts = held.count, held.passing
        report.partial_refusal = held.refusal
    return report, validated


def check_path(
    session: Session,
    path: Path,
    *,
    agency: str | None = None,
    quarter: str | None = None,
    max_rows: int = 200_000,
    max_bytes: int = MAX_BYTES,
    may_load: Callable[[str], bool] | None = None,
    user: str | None = None,
    name: str | None = None,
) -> Report:
    """Validate only; store nothing. With `may_load`, a file for an agency the loader may not
    load for is refused before any stored return is read (status "refused", no issues), and the
    refusal is audited under `user` in `session` (the caller commits it). `name`: the file's
    name in the report, when the path's own is not it (an upload's temporary file)."""
    registry = registry_from_db(session)
    try:
        raw = read_any(path, registry, agency, quarter, max_rows, max_bytes)
    except Rejected as exc:
        return _named(Report(path.name, exc.issues, status="rejected"), path.name, name)
    report = _named(check_raw(session, raw, registry, agency, quarter, may_load)[0], path.name, name)
    if report.status == "refused":
        audit_load(session, report, user, raw.sha256, at_check=True)
    return report


def load_path(
    sessions: sessionmaker[Session],
    path: Path,
    *,
    user: str,
    agency: str | None = None,
    quarter: str | None = None,
    max_rows: int = 200_000,
    max_bytes: int = MAX_BYTES,
    may_load: Callable[[str], bool] | None = None,
    name: str | None = None,
    accept_valid_rows: bool = False,
) -> Report:
    """Validate and store one return in one transaction; an error stores nothing, unless
    `accept_valid_rows` and every error is about a row that can be held back
    (`db.importer.partial`): then the rows that pass are stored as a partial return, with
    the count held back, and the report lists the held-back rows (`held_back`).

    `may_load(agency_code)` says whether the loader may load for the file's agency; a refusal
    raises NotPermitted and stores no return. Every outcome is one audit event in the same
    transaction (`audit_load`): loaded, unchanged, rejected or refused. The refusal comes before
    any stored return is read (`check_raw`). A load that loses a race with another load of the
    same return raises LoadRaced, after its own audit event (written in a transaction of its
    own, as the lost one is rolled back)."""
    refusal = None
    try:
        with sessions() as session, session.begin():
            registry = registry_from_db(session)
            try:
                raw = read_any(path, registry, agency, quarter, max_rows, max_bytes)
            except Rejected as exc:
                report = _named(Report(path.name, exc.issues, status="rejected"), path.name, name)
                audit_load(session, report, user, _file_hash(path, max_bytes))
                return report
            report, validated = check_raw(session, raw, registry, agency, quarter, may_load)
            report = _named(report, path.name, name)
            if report.status == "refused":
                # Validation only read, so committing this transaction keeps the audit event alone.
                refusal = NotPermitted(f"you may not load returns for agency {validated.agency_code}")
            elif report.ok or (accept_valid_rows and report.may_accept_valid_rows):
                held = partial.HoldBack()
                if not report.ok:
                    held = partial.plan(validated, derived=bool(raw.row_names))
                    validated = partial.without_held_back(validated, held)
                    report.issues = _labelled(raw, validated.issues)
                    report.row_counts = dict(held.passing)
                outcome = store_return(
                    session,
                    validated,
                    file_name=report.file_name,
                    sha256=raw.sha256,
                    source_format=raw.source_format,
                    loaded_by=user,
                    carries=raw.carries,
                    rows_held_back=held.count,
                    held_back=held.issues,
                )
                report.status, report.version = outcome.status, outcome.version
            audit_load(session, report, user, raw.sha256)
    except LoadRaced:
        report.status = "raced"
        with sessions() as session, session.begin():
            audit_load(session, report, user, raw.sha256)
        raise
    if refusal is not None:
        raise refusal
    return report


def _named(report: Report, stored_as: str, name: str | None) -> Report:
    """The report under the file's own name rather than its temporary file's."""
    if not name or name == stored_as:
        return report
    report.file_name = name
    report.issues = [replace(i, value=name) if i.value == stored_as else i for i in report.issues]
    return report


def _file_hash(path: Path, max_bytes: int) -> str | None:
    """The SHA-256 of a file the readers refused, for the audit log; None when there is no such
    file or it is too large to be worth reading again (a refusal for size must stay cheap)."""
    try:
        if path.is_file() and path.stat().st_size <= max_bytes:
            return sha256_of_path(path)
    except OSError:
        pass
    return None


def audit_load(session: Session, report: Report, user: str | None, file_hash: str | None,
               at_check: bool = False) -> None:
    """One audit event for a load: `load` when a version was stored or the file was already the
    current one, `load_rejected` when errors or a refusal stored nothing (a refusal at the check
    step too: a probe of another agency is what an admin looks for). Counts only, never a cell
    of the return."""
    if report.partial:
        kind = "load"
        detail = (f"{report.status} version {report.version}, partial: "
                  f"{sum(report.row_counts.values())} row(s) stored, "
                  f"{report.rows_held_back} held back")
    elif report.status in ("loaded", "unchanged"):
        kind, detail = "load", f"{report.status} version {report.version}"
    elif report.status == "raced":
        kind, detail = "load_rejected", "not stored: another load of this return finished first"
    elif report.status == "refused":
        step = "refused at the check" if at_check else "refused"
        kind, detail = "load_rejected", f"{step}: the loader may not load for this agency"
    else:
        kind, detail = "load_rejected", f"rejected with {len(report.errors)} error(s)"
    audit.record(session, kind, user, scope=report.agency_code, quarter=report.quarter,
                 file_hash=file_hash, detail=f"{report.file_name[:MAX_NAME_SHOWN]}: {detail}")


def upload_name(file_name: str) -> str:
    """The name an upload is reported and stored under: the name's last part (a browser may send
    a Windows path), at most MAX_NAME_BYTES bytes of UTF-8; a longer one is shortened, keeping
    its extension. UsageError for a name with a control character (NUL, a line break), which no
    saved file's name has."""
    if any(unicodedata.category(c) == "Cc" for c in file_name):
        raise UsageError("The file's name contains a control character (such as NUL or a line "
                         "break); rename the file and choose it again.")
    name = PureWindowsPath(file_name).name.strip()  # splits at / and at a backslash
    if name in ("", ".", ".."):
        return UPLOAD_STEM
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, dot, ending = name.rpartition(".")
    suffix = f".{ending}" if dot and stem and len(ending.encode()) <= 16 else ""
    stem = stem if suffix else name
    room = MAX_NAME_BYTES - len(suffix.encode()) - len("…".encode())
    return stem.encode()[:room].decode("utf-8", "ignore") + "…" + suffix


@contextmanager
def uploaded_file(contents: bytes, name: str) -> Iterator[Path]:
    """The uploaded bytes in a private temporary folder, deleted afterwards: the readers work on
    paths. The file is called UPLOAD_STEM plus the name's extension (the readers judge a file by
    it), so the uploader's name is never part of a path."""
    suffix = PurePosixPath(name).suffix.lower()
    suffix = suffix if SAFE_SUFFIX.fullmatch(suffix) else ""
    with tempfile.TemporaryDirectory(prefix="return-upload-") as folder:
        path = Path(folder) / f"{UPLOAD_STEM}{suffix}"
        path.write_bytes(contents)
        yield path


@contextmanager
def _upload_usage(path: Path, name: str) -> Iterator[None]:
    """A usage error about the temporary file, told under the upload's own name."""
    try:
        yield
    except UsageError as exc:
        raise UsageError(exc.message.replace(path.name, name),
                         {k: v.replace(path.name, name) for k, v in exc.fixes.items()}) from exc


def check_upload(
    session: Session,
    contents: bytes,
    file_name: str,
    *,
    agency: str | None = None,
    quarter: str | None = None,
    max_rows: int = 200_000,
    max_bytes: int = MAX_BYTES,
    may_load: Callable[[str], bool] | None = None,
    user: str | None = None,
) -> Report:
    """`check_path` for an uploaded file: validate only; store nothing."""
    name = upload_name(file_name)
    with uploaded_file(contents, name) as path, _upload_usage(path, name):
        return check_path(session, path, agency=agency, quarter=quarter, max_rows=max_rows,
                          max_bytes=max_bytes, may_load=may_load, user=user, name=name)


def load_upload(
    sessions: sessionmaker[Session],
    contents: bytes,
    file_name: str,
    *,
    user: str,
    agency: str | None = None,
    quarter: str | None = None,
    max_rows: int = 200_000,
    max_bytes: int = MAX_BYTES,
    may_load: Callable[[str], bool] | None = None,
    accept_valid_rows: bool = False,
) -> Report:
    """`load_path` for an uploaded file: validate again and store in one transaction."""
    name = upload_name(file_name)
    with uploaded_file(contents, name) as path, _upload_usage(path, name):
        return load_path(sessions, path, user=user, agency=agency, quarter=quarter,
                         max_rows=max_rows, max_bytes=max_bytes, may_load=may_load, name=name,
                         accept_valid_rows=accept_valid_rows)
