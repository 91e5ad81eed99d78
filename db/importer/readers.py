"""Read a return file into raw tables: cell values as typed by the user, with their row numbers.

Containers: an .xlsx workbook (one sheet per table), a .zip of `<table>.csv` files, or a folder of
them, once `safety.check_file` has refused hostile ones. Problems that make a file unreadable are
raised as `Rejected` (F01, F02, F03); everything about the values is left to the validator.
Formulas are never evaluated: a formula cell gives the value Excel stored with it, and a formula
with no stored value is reported (V02). Imports db modules only.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from db.importer.report import Issue, Rejected, UsageError
from db.return_format import TABLES, Table

EXCEL_MAX_ROWS = 1_048_576  # a row number beyond this is a damaged or crafted sheet


@dataclass
class RawTable:
    """One table as read: `frame` has the canonical column names, index = row number in file."""

    name: str
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)  # cell problems found while reading


@dataclass
class RawReturn:
    file_name: str
    source_format: str  # xlsx, zip, folder, annex_a, demo
    sha256: str
    tables: dict[str, RawTable]
    notes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)  # non-fatal issues found while reading
    # For formats with their own names (Annex A): table -> (sheet, {column: header as typed}).
    column_labels: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    # For formats whose rows are derived (SSDA903): table -> {row: the record it is, e.g. CHILD 5}.
    row_names: dict[str, dict[int, str]] = field(default_factory=dict)
    # What the format carries: {table: columns}; a table not named is not carried. None: all.
    carries: dict[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class ReadRequest:
    """What a format's reader is given besides the file: what the user named (for formats that
    do not say their agency or quarter themselves), the agency registry, and the row limit."""

    registry: Any  # db.registry.Registry
    agency: str | None = None
    quarter: Any = None  # metrics.quarters.Quarter, parsed
    max_rows: int = 200_000


def named_la(request: ReadRequest, why: str) -> Any:
    """The registry's entry for the LA the user named, for a format that is one LA's file (`why`
    says so); UsageError, told on each surface, when it is not a local authority."""
    entry = request.registry.agencies.get(request.agency)
    if entry is None or entry.kind != "LA":
        raise UsageError(
            f"{request.agency!r} is not a local authority in the registry, and {why}",
            {"cli": "give the LA's 3-digit DfE code with --agency, e.g. --agency 840",
             "page": "choose the local authority under Agency"},
        )
    return entry


def sha256_of_path(path: Path) -> str:
    digest = hashlib.sha256()
    if path.is_dir():
        for child in sorted(p for p in path.iterdir() if p.is_file()):
            digest.update(child.name.encode() + b"\0")
            digest.update(child.read_bytes())
            digest.update(b"\0")
    else:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def f01(file_name: str, why: str) -> Rejected:
    return Rejected([Issue("F01", "(file)", None, None, file_name, why)])


def too_many_rows(file_name: str, where: str, max_rows: int, declared: str = "") -> Rejected:
    return f01(
        file_name,
        f"{where} has more than {max_rows:,} rows{declared}, the most one return may hold "
        "(IMPORT_MAX_ROWS); check for stray content far down the sheet.",
    )


def read_return(path: Path, kind: str, max_rows: int) -> RawReturn:
    """Read an xlsx, zip or folder return that `safety.check_file` called `kind`.

    Raises Rejected when it cannot be read."""
    if kind == "folder":
        return _read_folder(path, max_rows)
    if kind == "workbook":
        return read_workbook(path, max_rows)
    return _read_zip(path, max_rows)


# ---------------------------------------------------------------- workbooks


def open_workbooks(path: Path) -> tuple[Any, Any]:
    """The workbook twice: with the values Excel stored, and with formulas (to spot unset ones)."""
    import openpyxl

    try:
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise f01(
            path.name,
            f"the workbook cannot be opened ({type(exc).__name__}: {exc}); open it in Excel and "
            "save it again as .xlsx.",
        ) from exc
    if getattr(values, "vba_archive", None) is not None:
        raise Rejected([Issue("F05", "(file)", None, None, path.name, "the workbook contains "
                              "macros; save it as an Excel Workbook (.xlsx) without macros.")])
    return values, formulas


def sheet_rows(
    values_ws: Any, formulas_ws: Any, table_label: str, max_rows: int, file_name: str,
    header_row: int = 1,
) -> tuple[list[str], list[tuple[int, list[Any]]], list[Issue]]:
    """Header and data rows of a sheet: (header, [(row_number, cells)], cell issues). Rows
    above `header_row` (a title an LA put over its table) are passed over."""
    issues: list[Issue] = []
    rows: list[tuple[int, list[Any]]] = []
    header: list[str] = []
    declared = values_ws.max_row  # from the sheet's <dimension>, before any row is read
    if declared is not None and declared - 1 > max_rows:
        raise too_many_rows(file_name, f"sheet {table_label!r}", max_rows, f" (it declares "
                            f"{declared:,} rows)")
    pairs = zip(
        values_ws.iter_rows(values_only=True), formulas_ws.iter_rows(values_only=True)
    )
    for number, (cells, raw) in enumerate(pairs, start=1):
        if number > EXCEL_MAX_ROWS:  # openpyxl pads gaps with empty rows, so stop a crafted one
            raise f01(file_name, f"sheet {table_label!r} has rows beyond Excel's last row "
                      f"{EXCEL_MAX_ROWS:,}, so it is damaged; open it in Excel and save it again.")
        cells = list(cells)
        if number < header_row:
            continue
        if number == header_row:
            header = ["" if c is None else str(c) for c in cells]
            width = len(header)
            while width and not header[width - 1].strip():
                width -= 1
            header = header[:width]
            continue
        cells = cells[: len(header)] + [None] * (len(header) - len(cells))
        for i, formula in enumerate(list(raw)[: len(header)]):
            if cells[i] is None and isinstance(formula, str) and formula.startswith("="):
                issues.append(
                    Issue(
                        "V02",
                        table_label,
                        number,
                        header[i].strip(),
                        formula,
                        "this formula has no value stored with it and formulas are never "
                        "calculated here; open the file in Excel so it calculates, save it, and "
                        "load it again (or type the value instead of the formula).",
                    )
                )
                cells[i] = _FormulaWithoutValue(formula)
        if all(_blank(c) for c in cells):
            continue
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise too_many_rows(file_name, f"sheet {table_label!r}", max_rows)
    return header, rows, issues


class _FormulaWithoutValue(str):
    """A formula cell with no stored value: already reported, so the validator skips it."""


def cell_text(value: object) -> str:
    """A cell as stripped text ('' for blank). Excel's 7.0 reads as 7."""
    if type(value) is str:
        return value.strip()
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_workbook(path: Path, max_rows: int) -> RawReturn:
    values, formulas = open_workbooks(path)
    try:
        sheets = {name.strip().lower(): name for name in values.sheetnames}
        found: dict[str, tuple[list[str], list[tuple[int, list[Any]]]]] = {}
        issues: list[Issue] = []
        for table in TABLES:
            if table in sheets:
                sheet = sheets[table]
                header, rows, cell_issues = sheet_rows(
                    values[sheet], formulas[sheet], table, max_rows, path.name
                )
                found[table] = (header, rows)
                issues.extend(cell_issues)
        unknown = [sheets[s] for s in sheets if s not in TABLES]
    finally:
        values.close()
        formulas.close()
    tables = build_tables(found, unknown, "sheet", path.name)
    return RawReturn(path.name, "xlsx", sha256_of_path(path), tables, issues=issues)


# ---------------------------------------------------------------- CSV containers


def decode_csv(data: bytes, label: str, file_name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return without_nul(_utf16(data, label, file_name), label, file_name)
    elif data[:4096].count(b"\x00") > len(data[:4096]) // 4:  # every other byte, as in UTF-16
        raise f01(
            file_name,
            f"{label} looks like UTF-16 text without a byte-order mark, which cannot be read "
            "safely; save it as 'CSV UTF-8'.",
        )
    try:
        return without_nul(data.decode("utf-8"), label, file_name)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise f01(
            file_name,
            f"{label} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}; perhaps "
            "Windows or Latin-1 text, which is not guessed at); save it as 'CSV UTF-8'.",
        ) from exc


def _utf16(data: bytes, label: str, file_name: str) -> str:
    try:
        return data.decode("utf-16")  # the byte-order mark says which end first
    except UnicodeDecodeError as exc:
        raise f01(file_name, f"{label} starts like UTF-16 text but is damaged ({exc.reason}); "
                  "save it as 'CSV UTF-8'.") from exc


def without_nul(text: str, label: str, file_name: str) -> str:
    """CSV text with no NUL character: one means a binary file, or text in another encoding."""
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise f01(file_name, f"{label} contains a NUL character (code 0) on line {line}, so it is "
                  "not a text CSV file; export the table again as 'CSV UTF-8'.")
    return text


def csv_rows(
    text: str, table: str, max_rows: int, file_name: str
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(reader, start=1):
        if number == 1:
            header = list(cells)
            while header and not header[-1].strip():
                header.pop()
            continue
        if all(_blank(c) for c in cells):
            continue
        cells = cells[: len(header)] + [None] * (len(header) - len(cells))
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise too_many_rows(file_name, f"{table}.csv", max_rows)
    return header, rows


def _read_zip(path: Path, max_rows: int) -> RawReturn:
    found: dict[str, tuple[list[str], list[tuple[int, list[Any]]]]] = {}
    unknown: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            base = info.filename.rsplit("/", 1)[-1]
            stem, _, ext = base.rpartition(".")
            if ext.lower() != "csv":
                unknown.append(base)
                continue
            table = stem.strip().lower()
            if table not in TABLES:
                unknown.append(stem)
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, OSError) as exc:
                raise f01(path.name, f"{base} cannot be read from the zip ({exc}).") from exc
            found[table] = csv_rows(decode_csv(data, base, path.name), table, max_rows, path.name)
    tables = build_tables(found, unknown, "CSV file", path.name)
    return RawReturn(path.name, "zip", sha256_of_path(path), tables)


def _read_folder(path: Path, max_rows: int) -> RawReturn:
    found: dict[str, tuple[list[str], list[tuple[int, list[Any]]]]] = {}
    unknown: list[str] = []
    for child in sorted(path.iterdir()):
        if not child.is_file() or child.suffix.lower() != ".csv":
            continue
        table = child.stem.strip().lower()
        if table not in TABLES:
            unknown.append(child.stem)
            continue
        text = decode_csv(child.read_bytes(), child.name, path.name)
        found[table] = csv_rows(text, table, max_rows, path.name)
    tables = build_tables(found, unknown, "CSV file", path.name)
    return RawReturn(path.name, "folder", sha256_of_path(path), tables)


# ---------------------------------------------------------------- headers -> tables


def nearest(name: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(name.strip().lower(), list(choices), n=1, cutoff=0.5)
    return matches[0] if matches else None


def build_tables(
    found: dict[str, tuple[list[str], list[tuple[int, list[Any]]]]],
    unknown_parts: list[str],
    part_word: str,
    file_name: str,
) -> dict[str, RawTable]:
    """Match headers to the format; raise Rejected for missing tables/columns (F02, F03)."""
    issues: list[Issue] = []
    for table in TABLES:
        if table not in found:
            guess = nearest(table, unknown_parts)
            hint = f" (is {guess!r} meant to be it?)" if guess else ""
            issues.append(
                Issue(
                    "F02",
                    table,
                    None,
                    None,
                    None,
                    f"the {part_word} {table!r} is missing{hint}; add it with this header row: "
                    + ", ".join(TABLES[table].column_names)
                    + ".",
                )
            )
    tables: dict[str, RawTable] = {}
    for name, (header, rows) in found.items():
        frame, header_issues = frame_from_rows(TABLES[name], header, rows)
        issues.extend(header_issues)
        tables[name] = RawTable(name, frame)
    ret = tables.get("return")
    if ret is not None and not any(i.table == "return" for i in issues):
        if len(ret.frame) == 0:
            issues.append(
                Issue(
                    "F03",
                    "return",
                    None,
                    None,
                    None,
                    "the return table has a header but no row; add one row with the agency_code "
                    "and the quarter (e.g. 2024-25 Q3).",
                )
            )
        elif len(ret.frame) > 1:
            issues.append(
                Issue(
                    "F03",
                    "return",
                    int(ret.frame.index[1]),
                    None,
                    None,
                    f"the return table must have exactly one row, and it has {len(ret.frame)}; "
                    "one file carries one agency's return for one quarter.",
                )
            )
    support = tables.get("support")
    if support is not None and len(support.frame) > 1:  # the format allows zero or one row
        issues.append(
            Issue(
                "F03",
                "support",
                int(support.frame.index[1]),
                None,
                None,
                f"the support table may have at most one row, and it has {len(support.frame)}; "
                "put the agency's figures for the quarter in one row.",
            )
        )
    if issues:
        raise Rejected(issues)
    return tables


def frame_from_rows(
    table: Table, header: list[str], rows: list[tuple[int, list[Any]]]
) -> tuple[pd.DataFrame, list[Issue]]:
    issues: list[Issue] = []
    canonical: list[str] = []
    known = table.column_names
    for position, cell in enumerate(header, start=1):
        key = cell.strip().lower()
        if not key:
            issues.append(
                Issue(
                    "F02",
                    table.name,
                    1,
                    None,
                    None,
                    f"header cell {position} is blank; give the column one of the names "
                    f"{', '.join(known)} or delete it.",
                )
            )
        elif key not in known:
            guess = nearest(key, known)
            hint = f"did you mean {guess!r}?" if guess else f"known columns: {', '.join(known)}."
            issues.append(
                Issue("F02", table.name, 1, cell.strip(), cell, f"unknown column; {hint}")
            )
        elif key in canonical:
            issues.append(
                Issue("F02", table.name, 1, key, cell, "this column appears twice; keep one.")
            )
        canonical.append(key)
    for column in table.columns:
        if column.required and column.name not in canonical:
            issues.append(
                Issue(
                    "F02",
                    table.name,
                    1,
                    column.name,
                    None,
                    f"required column {column.name!r} is missing; add it to the header row.",
                )
            )
    if issues:
        return pd.DataFrame(), issues
    frame = pd.DataFrame(
        [cells for _, cells in rows],
        columns=canonical,
        index=pd.Index([n for n, _ in rows], name="row"),
        dtype=object,
    )
    for column in table.column_names:
        if column not in frame.columns:
            frame[column] = None
    return frame[list(table.column_names)], issues
