"""Ofsted's Annex A (lists 10 and 11) as an LA really fills it, read as `children` and `adopters`.

Annex A is kept for inspection and covers the 12 months before it, not a quarter, so the user
names the LA and the quarter; rows outside that quarter are skipped and events after its last day
are left out (both counted in the report), so one workbook can be loaded as several quarters,
and the report says which quarters it can honestly fill. The lists are found by their headers,
not their sheets' names (`List 10 - Adoption`), with the header a few rows down if the LA put a
title over it; headers and values are read in every spelling LAs' files were seen to use
(`annex_a_values`). What it carries: children without foster-carer adoptions or disruptions
or sibling groups (Annex A has none of them), households without
approved places, and no special guardianship or support at all. Imports db and metrics modules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from db.importer import annex_a_values as values
from db.importer.readers import (
    RawReturn,
    RawTable,
    ReadRequest,
    _FormulaWithoutValue,
    cell_text,
    named_la,
    f01,
    open_workbooks,
    sha256_of_path,
    sheet_rows,
)
from db.importer.report import Issue, Rejected
from db.return_format import TABLES
from metrics.quarters import Quarter

NAME = "annex_a"
TITLE = "Annex A workbook"
DESCRIPTION = ("Ofsted's Annex A, lists 10 (children) and 11 (adopters), as kept for inspection: "
               "for one LA, loaded a quarter at a time")
NEEDS = ("agency", "quarter")

# Columns of ours that Annex A has no column for: never carried.
# List 10's "Family identifier" is the adoptive family a child is matched or placed with (for
# cross-matching with List 11), not a sibling group: children still waiting have none, so
# sibling groups are not carried (shown as not available, never as none).
NOT_IN_LIST_10 = ("sibling_group_id", "foster_carer_adoption", "placed_with_carer_date",
                  "disruption_date")
NOT_IN_LIST_11 = ("approved_places",)
CARRIES = {
    "children": tuple(c for c in TABLES["children"].column_names if c not in NOT_IN_LIST_10),
    "adopters": tuple(c for c in TABLES["adopters"].column_names if c not in NOT_IN_LIST_11),
}
# Columns a list cannot be read without; any other column it lacks is simply not carried.
CORE_10 = ("child_id", "sex", "date_of_birth", "ethnicity", "disability", "entered_care_date",
           "adm_decision_date")
CORE_11 = ("adopter_id", "enquiry_date")

HEADER_SEARCH_ROWS = 10  # how far down a sheet its header row may be
EXCEL_EPOCH = datetime(1899, 12, 30)
COVERS_MONTHS = 12  # Annex A lists the 12 months before the inspection

CHILD_EVENTS = (
    "ffa_cp_placed_date", "placement_order_date", "matched_date", "placed_date",
    "adoption_order_date", "decision_reversed_date",
)  # fmt: skip
ADOPTER_EVENTS = (
    "stage1_start_date", "stage1_end_date", "stage2_start_date", "stage2_end_date",
    "approval_date", "matched_date", "placed_date", "left_date", "adoption_order_date",
)  # fmt: skip


# ---------------------------------------------------------------- finding the lists


def _header_rows(path: Path) -> dict[str, tuple[str, int]]:
    """{"list 10"/"list 11": (sheet name, header row number)}, found by the headers."""
    import openpyxl

    found: dict[str, tuple[str, int]] = {}
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # not readable as a workbook: the return reader says why
        return found
    try:
        for sheet in book.worksheets:
            for number, row in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS,
                                                         values_only=True), start=1):
                cells = ["" if c is None else str(c) for c in row]
                for label, looks in (("list 10", values.looks_like_list_10),
                                     ("list 11", values.looks_like_list_11)):
                    if label not in found and looks(cells):
                        found[label] = (sheet.title, number)
                        break
                else:
                    continue
                break
    finally:
        book.close()
    return found


def recognise(path: Path, kind: str) -> bool:
    """A workbook with a sheet whose header row is List 10's or List 11's."""
    return kind == "workbook" and bool(_header_rows(path))


# ---------------------------------------------------------------- reading


def read(path: Path, kind: str, request: ReadRequest) -> RawReturn:
    entry = named_la(request, "Annex A is an LA's list")
    return read_annex_a(path, request.agency, request.quarter, request.max_rows,
                        raa=entry.raa_code, raa_name=_name(request.registry, entry.raa_code))


def _name(registry: Any, code: str | None) -> str | None:
    entry = registry.agencies.get(code) if code else None
    return f"{entry.name} ({entry.code})" if entry else None


@dataclass
class _Lists:
    """Lists 10 and 11 as read, before any quarter: their frames (our column names), the
    headers as typed, and what reading them found."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    labels: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    cell_issues: list[Issue] = field(default_factory=list)


def _read_lists(path: Path, max_rows: int) -> _Lists:
    lists = _header_rows(path)
    if not lists:
        raise f01(path.name, "no sheet has List 10's or List 11's header row in its first "
                  f"{HEADER_SEARCH_ROWS} rows; check the workbook is an Annex A.")
    workbook, formulas = open_workbooks(path)
    try:
        read_lists = {
            label: sheet_rows(workbook[sheet], formulas[sheet], sheet, max_rows, path.name,
                              header_row=row)
            for label, (sheet, row) in lists.items()
        }
    finally:
        workbook.close()
        formulas.close()
    found = _Lists()
    header_issues: list[Issue] = []
    for label, table, core in (("list 10", "children", CORE_10), ("list 11", "adopters", CORE_11)):
        if label not in read_lists:
            found.notes.append(f"Annex A {label.title()}: not in this workbook, so its "
                               f"{'children' if table == 'children' else 'adopter households'} "
                               "are not carried (shown as not available, never as none).")
            continue
        sheet = lists[label][0]
        header, rows, issues = read_lists[label]
        found.cell_issues += issues
        positions, mapped_labels, problems, ignored = _map_header(header, label.title(), core,
                                                                  sheet)
        if problems and table == "adopters" and "list 10" in read_lists:
            found.warnings.append(_list_11_left_out(sheet, "; ".join(i.message for i in problems)))
            continue
        header_issues += problems
        if ignored:
            found.notes.append(f"Annex A {label.title()} (sheet {sheet!r}): column(s) not used "
                               "here: " + ", ".join(repr(c) for c in ignored) + ".")
        found.labels[table] = (sheet, mapped_labels)
        found.frames[table] = _frame(rows, positions)
    if header_issues:
        raise Rejected(header_issues)
    return found


def quarters(path: Path, kind: str, request: ReadRequest) -> list[Quarter]:
    """The quarters the workbook can honestly fill: each is loaded when none is named."""
    return honest_quarters(_latest_date(_read_lists(path, request.max_rows).frames))


def read_annex_a(path: Path, la_code: str, quarter: Quarter, max_rows: int,
                 raa: str | None = None, raa_name: str | None = None) -> RawReturn:
    found = _read_lists(path, max_rows)
    frames, labels, notes = found.frames, found.labels, found.notes
    warnings, cell_issues = found.warnings, found.cell_issues
    carries: dict[str, tuple[str, ...]] = {}

    as_at = _latest_date(frames)
    honest = honest_quarters(as_at)
    if as_at is not None and quarter not in honest:
        warnings.append(Issue("A02", labels.get("children", labels.get("adopters", ("", {})))[0],
                              None, None, str(quarter), _not_honest(quarter, as_at, honest)))

    tables = _empty_tables()
    ret = pd.DataFrame({"agency_code": [la_code], "quarter": [str(quarter)]},
                       index=pd.Index([2], name="row"), dtype=object)
    tables["return"] = RawTable("return", ret)
    if "children" in frames:
        frame = frames["children"]
        warnings += _placeholders(frame, "children")
        children = _children(frame, la_code, quarter, notes)
        carries["children"] = tuple(c for c in CARRIES["children"]
                                    if c in frame.columns or c == "la_code")
        tables["children"] = _as_table("children", children)
    if "adopters" in frames and "children" in frames and \
            frames["adopters"]["enquiry_date"].map(lambda v: _blank(v) or values.placeholder_date(v)).all():
        # What the SSD extract query writes when it cannot source List 11's dates.
        warnings.append(_list_11_left_out(labels["adopters"][0], "no household has a date "
                                          "enquiry received (blank or 01/01/1900 throughout)"))
        del frames["adopters"]
    if "adopters" in frames:
        frame = frames["adopters"]
        warnings += _placeholders(frame, "adopters")
        households = _households(frame, quarter, notes, warnings)
        carries["adopters"] = tuple(c for c in CARRIES["adopters"]
                                    if c in frame.columns or c == "household")
        if raa:
            notes.append(f"LA {la_code} is a member of {raa_name or raa}, which recruits its "
                         f"adopters: these {len(households)} household(s) are counted under "
                         f"{raa_name or raa} (and its region and England), not under the LA.")
        tables["adopters"] = _as_table("adopters", households)
    notes.append(_coverage_note(as_at, honest))
    return RawReturn(path.name, NAME, sha256_of_path(path), tables, notes=notes,
                     issues=cell_issues + warnings, column_labels=labels, carries=carries)


def _list_11_left_out(sheet: str, why: str) -> Issue:
    """List 11 cannot be read but List 10 can: load the children, and say the households are
    not carried (their figures are not available, never none)."""
    return Issue("A04", sheet, None, None, None,
                 f"List 11 is not loaded: {why}. The children of List 10 are loaded; adopter "
                 "households are not carried for this quarter, so their figures show as not "
                 "available. Fix List 11 and load the workbook again to add them.")


def _as_table(name: str, frame: pd.DataFrame) -> RawTable:
    """A list read as one of the return's tables: its columns, in order, as typed values."""
    return RawTable(name, frame.reindex(columns=TABLES[name].column_names).astype(object))


def _empty_tables() -> dict[str, RawTable]:
    tables = {}
    for name, table in TABLES.items():
        empty = pd.DataFrame(columns=list(table.column_names), dtype=object)
        empty.index.name = "row"
        tables[name] = RawTable(name, empty)
    return tables


def _map_header(
    header: list[str], list_name: str, core: tuple[str, ...], sheet: str
) -> tuple[dict[int, str], dict[str, str], list[Issue], list[str]]:
    """(position -> column, column -> header as typed, F02 issues, columns not used). A core
    column that is missing is an error, with the nearest unknown header suggested; any other
    missing column is simply not carried; unknown columns are named in a note."""
    mapped = values.map_header(header, list_name)
    ofsted = values.LIST_10_OFSTED if list_name == "List 10" else values.LIST_11_OFSTED
    labels = {column: header[i].strip() for i, column in mapped.positions.items()}
    issues: list[Issue] = []
    for position, text, suggestion in mapped.unknown:
        if suggestion is None and text:  # a second cell for a column already found
            column = values.map_header([text], list_name).positions.get(0)
            if column:
                issues.append(Issue("F02", sheet, 1, text, text, f"this column is the same as "
                                    f"{labels.get(column, column)!r}; keep one."))
    for column in core:
        if column in mapped.missing:
            near = [text for _, text, suggestion in mapped.unknown if suggestion == ofsted[column]]
            hint = f" (is {near[0]!r} meant to be it?)" if near else ""
            issues.append(Issue("F02", sheet, 1, ofsted[column], None,
                                f"the Annex A column {ofsted[column]!r} is missing{hint}; add it "
                                "to the header row."))
    ignored = [text for _, text, suggestion in mapped.unknown if text and suggestion is not None
               or text and values.map_header([text], list_name).positions.get(0) is None]
    return dict(mapped.positions), labels, issues, list(dict.fromkeys(ignored))


def _frame(rows: list[tuple[int, list[Any]]], positions: dict[int, str]) -> pd.DataFrame:
    data = {column: [cells[i] for _, cells in rows] for i, column in positions.items()}
    return pd.DataFrame(data, index=pd.Index([n for n, _ in rows], name="row"), dtype=object)


# ---------------------------------------------------------------- cells


def _blank(value: Any) -> bool:
    return not cell_text(value)


# ---------------------------------------------------------------- dates


def _as_date(value: Any) -> Any:
    """Excel serial numbers become dates; anything else is left for the validator."""
    if isinstance(value, bool) or isinstance(value, _FormulaWithoutValue):
        return value
    if isinstance(value, (int, float)) and 1 < value < 200_000:
        return EXCEL_EPOCH + timedelta(days=int(value))
    return value


def _lenient_date(series: pd.Series) -> pd.Series:
    def one(value: Any) -> Any:
        if isinstance(value, datetime):
            return pd.Timestamp(value)
        if isinstance(value, date):
            return pd.Timestamp(value)
        if isinstance(value, str):
            text = value.strip()[:10]
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return pd.Timestamp(datetime.strptime(text, fmt))
                except ValueError:
                    pass
        return pd.NaT

    return pd.to_datetime(series.map(one))


def _date_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.endswith("_date") or c == "date_of_birth"]


def _placeholders(frame: pd.DataFrame, table: str) -> list[Issue]:
    """Blank the placeholder dates an extract writes where it has none (`01/01/1900`): one
    warning per column, naming its rows."""
    warnings = []
    for column in _date_columns(frame):
        mask = frame[column].map(values.placeholder_date).astype(bool)
        if mask.any():
            rows = [int(r) for r in frame.index[mask]]
            shown = ", ".join(map(str, rows[:10])) + (" …" if len(rows) > 10 else "")
            warnings.append(Issue(
                "A03", table, rows[0], column, str(frame.at[rows[0], column]),
                f"{len(rows)} placeholder date(s) such as 01/01/1900 (rows {shown}) read as "
                "blank: the extract had no date there."))
            frame.loc[mask, column] = None
    return warnings


def _latest_date(frames: dict[str, pd.DataFrame]) -> date | None:
    """The workbook's latest event date (not after today): when it was extracted, near enough."""
    latest: pd.Timestamp | None = None
    today = pd.Timestamp(date.today())
    for frame in frames.values():
        for column in _date_columns(frame):
            if column == "date_of_birth":
                continue
            dates = _lenient_date(frame[column].map(
                lambda v: None if values.placeholder_date(v) else _as_date(v)))
            dates = dates[dates <= today]
            if len(dates.dropna()) and (latest is None or dates.max() > latest):
                latest = dates.max()
    return None if latest is None else latest.date()


def honest_quarters(as_at: date | None) -> list[Quarter]:
    """The quarters wholly inside the 12 months a workbook extracted on `as_at` covers: every
    child and household on the pathway in them is in its lists."""
    if as_at is None:
        return []
    first_day = (pd.Timestamp(as_at) - pd.DateOffset(months=COVERS_MONTHS)
                 + pd.Timedelta(days=1)).date()
    quarter, found = Quarter.containing(first_day), []
    while quarter.end <= as_at:
        if quarter.start >= first_day:
            found.append(quarter)
        quarter = quarter.next()
    return found


def _span(quarters: list[Quarter]) -> str:
    if not quarters:
        return "no whole quarter"
    if len(quarters) == 1:
        return str(quarters[0])
    return f"{quarters[0]} to {quarters[-1]}"


def _coverage_note(as_at: date | None, honest: list[Quarter]) -> str:
    if as_at is None:
        return "Annex A: the workbook has no event dates, so the quarters it covers are unknown."
    return (f"Annex A covers the {COVERS_MONTHS} months before the inspection; this workbook's "
            f"latest date is {as_at:%d/%m/%Y}, so it can honestly fill {_span(honest)}.")


def _not_honest(quarter: Quarter, as_at: date, honest: list[Quarter]) -> str:
    if quarter.end > as_at:
        why = (f"it ends after the workbook's latest date ({as_at:%d/%m/%Y}), so the events of "
               "its last weeks are not in it")
    else:
        why = (f"it is not wholly inside the {COVERS_MONTHS} months the workbook covers, so "
               "children and households whose pathway ended before them are not in it and the "
               "quarter's figures would be too low")
    return (f"{quarter}: {why}. This workbook can honestly fill {_span(honest)}; a later "
            "workbook (or the SSDA903) fills the others.")


def _leave_out_later_events(
    frame: pd.DataFrame, events: tuple[str, ...], quarter: Quarter, reasons: dict[str, str]
) -> int:
    """Blank events after the quarter's end (with their reason columns); count cells blanked."""
    end = pd.Timestamp(quarter.end)
    count = 0
    for column in events:
        if column not in frame.columns:
            continue
        later = _lenient_date(frame[column]) > end
        count += int(later.sum())
        frame.loc[later, column] = None
        if column in reasons and reasons[column] in frame.columns:
            frame.loc[later, reasons[column]] = None
    return count


def _dates_and_codes(frame: pd.DataFrame, readers: dict[str, Any]) -> None:
    """Excel serial dates become dates; coded values become our codes where they can be read
    (a value that cannot be is left as typed, for the validator to quote)."""
    for column in frame.columns:
        if column.endswith("_date") or column == "date_of_birth":
            frame[column] = frame[column].map(_as_date)
        elif column in readers:
            frame[column] = frame[column].map(lambda v, read=readers[column]: _or_typed(read, v))


def _or_typed(read: Any, value: Any) -> Any:
    """Our code, or the cell as typed when it cannot be read (V02 then quotes it)."""
    if isinstance(value, _FormulaWithoutValue):
        return value
    return values.kept(read, value)[0]


# ---------------------------------------------------------------- List 10


def _children(frame: pd.DataFrame, la_code: str, quarter: Quarter, notes: list[str]) -> pd.DataFrame:
    _dates_and_codes(frame, {"sex": values.sex, "ethnicity": values.ethnicity,
                             "disability": values.disability,
                             "decision_reversed_reason": values.reversal_reason})
    frame["la_code"] = la_code
    start, end = pd.Timestamp(quarter.start), pd.Timestamp(quarter.end)
    adm = _lenient_date(frame["adm_decision_date"])
    ended_before = pd.Series(False, index=frame.index)
    for column in ("adoption_order_date", "decision_reversed_date"):
        if column in frame.columns:
            ended_before |= _lenient_date(frame[column]) < start
    keep = ~(adm > end) & ~ended_before  # rows whose dates cannot be read are kept and reported
    skipped = int((~keep).sum())
    frame = frame[keep].copy()
    later = _leave_out_later_events(
        frame, CHILD_EVENTS, quarter, {"decision_reversed_date": "decision_reversed_reason"}
    )
    notes.append(
        f"Annex A List 10: {len(frame)} child(ren) on the pathway in {quarter}; {skipped} row(s) "
        f"skipped as outside the quarter; {later} event date(s) after {quarter.end.isoformat()} "
        "left out."
    )
    return frame


# ---------------------------------------------------------------- List 11


def _households(
    frame: pd.DataFrame, quarter: Quarter, notes: list[str], warnings: list[Issue]
) -> pd.DataFrame:
    _dates_and_codes(frame, {"ethnicity": values.ethnicity,
                             "fostering_for_adoption": values.yes_no})
    frame["adopter_id"] = frame["adopter_id"].map(
        lambda v: cell_text(v) or v)
    individuals = len(frame)
    households = []
    for _, group in frame.groupby("adopter_id", sort=False, dropna=False):
        first = group.iloc[0].copy()
        if "_gender" in group.columns:
            code, _ = values.household(list(group["_gender"]))
            first["household"] = code or " / ".join(str(g) for g in group["_gender"])
        households.append((group.index[0], first))
    result = pd.DataFrame(
        [h for _, h in households], index=pd.Index([r for r, _ in households], name="row")
    ).astype(object)
    result = result.drop(columns=[c for c in ("_gender",) if c in result.columns])
    others: dict[Any, str] = {}
    on_hold, closed = _leaving(result, others)
    start, end = pd.Timestamp(quarter.start), pd.Timestamp(quarter.end)
    left = _lenient_date(result["left_date"]) if "left_date" in result.columns else None
    keep = ~(_lenient_date(result["enquiry_date"]) > end)
    if left is not None:
        keep &= ~(left < start)
    skipped = int((~keep).sum())
    result = result[keep].copy()
    later = _leave_out_later_events(result, ADOPTER_EVENTS, quarter, {"left_date": "left_reason"})
    result.loc[result["left_date"].map(_blank), "left_reason"] = None
    for row, typed in others.items():
        if row in result.index and result.at[row, "left_reason"] == "OTHER":
            warnings.append(Issue("A01", "adopters", int(row), "left_reason", typed,
                                  "this leaving reason is not one of WITHDREW, NOT_APPROVED, "
                                  "ADOPTED, OTHER and is stored as OTHER."))
    notes.append(
        f"Annex A List 11: {individuals} adopter(s) in {frame['adopter_id'].nunique()} "
        f"household(s); {len(result)} household(s) in the process in {quarter}; {skipped} "
        f"skipped as outside the quarter; {later} event date(s) after "
        f"{quarter.end.isoformat()} left out; {closed} household(s) closed by their adoption "
        f"order; {on_hold} 'on hold' taken as still in the process."
    )
    return result


def _leaving(result: pd.DataFrame, others: dict[Any, str]) -> tuple[int, int]:
    """Leaving reasons by meaning; a household on hold has not left; a household with an
    adoption order and no leaving date left, adopted, on that day. (on hold, closed) counts;
    `others` gets the rows whose reason is none of ours, as typed."""
    for column in ("left_date", "left_reason"):
        if column not in result.columns:
            result[column] = None
    on_hold = closed = 0
    for row, value in result["left_reason"].items():
        if _blank(value):
            continue
        reason = values.left_reason(value)
        if not reason.is_leaving:
            result.at[row, "left_reason"] = None
            result.at[row, "left_date"] = None
            on_hold += 1
            continue
        result.at[row, "left_reason"] = reason.code
        if reason.other:
            others[row] = cell_text(value)
    if "adoption_order_date" in result.columns:
        order = result["adoption_order_date"]
        open_ = result["left_date"].map(_blank) & ~order.map(_blank)
        result.loc[open_, "left_date"] = order[open_]
        result.loc[open_, "left_reason"] = "ADOPTED"
        closed = int(open_.sum())
    return on_hold, closed
