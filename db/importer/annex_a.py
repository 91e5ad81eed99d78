"""Ofsted Annex A workbooks (lists 10 and 11) as the `children` and `adopters` tables.

Annex A covers an inspection period, not a quarter, so the user names the LA and the quarter;
rows outside that quarter are skipped and events after its last day are left out (both counted
in the report), so one workbook can be loaded as several quarters. Values as LAs type them
(`b) Female`, `k) APKN`, Excel serial dates) are reduced to the return's codes here; everything
else is validated like any return. Imports db and metrics modules only.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from db.importer.readers import (
    RawReturn,
    RawTable,
    _FormulaWithoutValue,
    f01,
    nearest,
    open_workbooks,
    sha256_of_path,
    sheet_rows,
)
from db.importer.report import Issue, Rejected
from db.return_format import LEFT_REASON, TABLES
from metrics.quarters import Quarter

LIST_10 = {
    "child unique id": "child_id",
    "gender": "sex",
    "ethnicity": "ethnicity",
    "date of birth": "date_of_birth",
    "does the child have a disability": "disability",
    "date the child entered care": "entered_care_date",
    "date of decision that child should be placed for adoption": "adm_decision_date",
    "date of placement order": "placement_order_date",
    "date of matching child and prospective adopters": "matched_date",
    "date placed for adoption": "placed_date",
    "date of adoption order": "adoption_order_date",
    "date of decision that child should no longer be placed for adoption": "decision_reversed_date",
    "reason why child no longer placed for adoption": "decision_reversed_reason",
    "date the child was placed for fostering in ffa or concurrent planning placement":
        "ffa_cp_placed_date",
}
# Ofsted columns the return does not use.
LIST_10_UNUSED = {"family identifier", "age of child (years)"}

LIST_11 = {
    "family identifier": "adopter_id",
    "gender": "_gender",
    "ethnicity": "ethnicity",
    "is the (prospective) adopter fostering for adoption?": "fostering_for_adoption",
    "date enquiry received": "enquiry_date",
    "date stage 1 started": "stage1_start_date",
    "date stage 1 ended": "stage1_end_date",
    "date stage 2 started": "stage2_start_date",
    "date stage 2 ended": "stage2_end_date",
    "date application approved": "approval_date",
    "date adopter matched with child(ren)": "matched_date",
    "date child/children placed with adopter(s)": "placed_date",
    "date of leaving adoption process": "left_date",
    "reason for leaving adoption process": "left_reason",
}
LIST_11_UNUSED = {
    "individual adopter identifier", "disability", "date application submitted",
    "no. of children placed", "date of adoption order",
}  # fmt: skip

PREFIX = re.compile(r"^\s*[a-z]{1,2}\)\s*", re.IGNORECASE)
SEX_WORDS = {"male": "M", "m": "M", "female": "F", "f": "F", "unknown": "U", "u": "U",
             "not known": "U", "indeterminate": "U", "not recorded": "U"}
YES_NO = {"yes": "Y", "y": "Y", "no": "N", "n": "N"}
EXCEL_EPOCH = datetime(1899, 12, 30)

CHILD_EVENTS = (
    "ffa_cp_placed_date", "placement_order_date", "matched_date", "placed_date",
    "adoption_order_date", "decision_reversed_date",
)  # fmt: skip
ADOPTER_EVENTS = (
    "stage1_start_date", "stage1_end_date", "stage2_start_date", "stage2_end_date",
    "approval_date", "matched_date", "placed_date", "left_date",
)  # fmt: skip


def is_annex_a(path: Path) -> bool:
    """True for a workbook with the sheets List 10 and List 11."""
    if path.is_dir() or path.suffix.lower() != ".xlsx":
        return False
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace").lower()
    except (zipfile.BadZipFile, KeyError, OSError):
        return False
    return 'name="list 10"' in workbook and 'name="list 11"' in workbook


def _strip_prefix(value: Any) -> Any:
    if isinstance(value, str) and not isinstance(value, _FormulaWithoutValue):
        return PREFIX.sub("", value).strip()
    return value


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
        if isinstance(value, str):
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return pd.Timestamp(datetime.strptime(value.strip(), fmt))
                except ValueError:
                    pass
        return pd.NaT

    return pd.to_datetime(series.map(one))


def _map_header(
    header: list[str], mapping: dict[str, str], unused: set[str], sheet: str
) -> tuple[dict[int, str], dict[str, str], list[Issue]]:
    positions: dict[int, str] = {}
    labels: dict[str, str] = {}
    issues: list[Issue] = []
    for i, cell in enumerate(header):
        key = " ".join(cell.strip().lower().split())
        if key in mapping:
            positions[i] = mapping[key]
            labels[mapping[key]] = cell.strip()
        elif key and key not in unused:
            guess = nearest(key, list(mapping))
            hint = f"did you mean {guess!r}?" if guess else "it is not an Annex A column."
            issues.append(Issue("F02", sheet, 1, cell.strip(), cell, f"unknown column; {hint}"))
    for key, column in mapping.items():
        if column not in positions.values():
            issues.append(Issue("F02", sheet, 1, key, None,
                                f"the Annex A column {key!r} is missing; add it to the header row."))
    return positions, labels, issues


def _frame(rows: list[tuple[int, list[Any]]], positions: dict[int, str]) -> pd.DataFrame:
    data = {column: [cells[i] for _, cells in rows] for i, column in positions.items()}
    return pd.DataFrame(data, index=pd.Index([n for n, _ in rows], name="row"), dtype=object)


def _leave_out_later_events(
    frame: pd.DataFrame, events: tuple[str, ...], quarter: Quarter, reasons: dict[str, str]
) -> int:
    """Blank events after the quarter's end (with their reason columns); count cells blanked."""
    end = pd.Timestamp(quarter.end)
    count = 0
    for column in events:
        later = _lenient_date(frame[column]) > end
        count += int(later.sum())
        frame.loc[later, column] = None
        if column in reasons:
            frame.loc[later, reasons[column]] = None
    return count


def read_annex_a(path: Path, la_code: str, quarter: Quarter, max_rows: int) -> RawReturn:
    values, formulas = open_workbooks(path)
    try:
        sheets = {name.strip().lower(): name for name in values.sheetnames}
        read = {}
        for label in ("list 10", "list 11"):
            if label not in sheets:
                raise f01(path.name, f"this Annex A workbook has no sheet {label.title()!r}.")
            read[label] = sheet_rows(values[sheets[label]], formulas[sheets[label]],
                                     label.title(), max_rows, path.name)
    finally:
        values.close()
        formulas.close()

    header10, rows10, cell_issues10 = read["list 10"]
    header11, rows11, cell_issues11 = read["list 11"]
    pos10, labels10, issues = _map_header(header10, LIST_10, LIST_10_UNUSED, "List 10")
    pos11, labels11, more = _map_header(header11, LIST_11, LIST_11_UNUSED, "List 11")
    issues += more
    if issues:
        raise Rejected(issues)

    notes: list[str] = []
    warnings: list[Issue] = []
    children = _children(_frame(rows10, pos10), la_code, quarter, notes)
    adopters = _households(_frame(rows11, pos11), quarter, notes, warnings)

    tables: dict[str, RawTable] = {}
    for name, table in TABLES.items():
        empty = pd.DataFrame(columns=list(table.column_names), dtype=object)
        empty.index.name = "row"
        tables[name] = RawTable(name, empty)
    ret = pd.DataFrame({"agency_code": [la_code], "quarter": [str(quarter)]},
                       index=pd.Index([2], name="row"), dtype=object)
    tables["return"] = RawTable("return", ret)
    tables["children"] = RawTable("children", children.reindex(columns=TABLES["children"].column_names))
    tables["adopters"] = RawTable("adopters", adopters.reindex(columns=TABLES["adopters"].column_names))
    for name in ("children", "adopters"):
        tables[name].frame = tables[name].frame.astype(object)
    raw = RawReturn(path.name, "annex_a", sha256_of_path(path), tables, notes=notes,
                    issues=cell_issues10 + cell_issues11 + warnings,
                    column_labels={"children": ("List 10", labels10),
                                   "adopters": ("List 11", labels11)})
    return raw


def _children(frame: pd.DataFrame, la_code: str, quarter: Quarter, notes: list[str]) -> pd.DataFrame:
    for column in frame.columns:
        frame[column] = frame[column].map(_strip_prefix)
        if column.endswith("_date") or column == "date_of_birth":
            frame[column] = frame[column].map(_as_date)
    frame["sex"] = frame["sex"].map(lambda v: SEX_WORDS.get(str(v).lower(), v) if isinstance(v, str) else v)
    frame["disability"] = frame["disability"].map(lambda v: YES_NO.get(str(v).lower(), v) if isinstance(v, str) else v)
    frame["la_code"] = la_code
    start, end = pd.Timestamp(quarter.start), pd.Timestamp(quarter.end)
    adm = _lenient_date(frame["adm_decision_date"])
    ended_before = (_lenient_date(frame["adoption_order_date"]) < start) | (
        _lenient_date(frame["decision_reversed_date"]) < start
    )
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


def _left_reason(value: Any) -> tuple[Any, bool]:
    """(our code, whether it had to become OTHER)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip():
        return None, False
    text = str(value).strip()
    if text.upper() in LEFT_REASON:
        return text.upper(), False
    lowered = text.lower()
    if "withdr" in lowered:
        return "WITHDREW", False
    if "not approved" in lowered or "unsuitab" in lowered:
        return "NOT_APPROVED", False
    if "adopted" in lowered or "adoption order" in lowered:
        return "ADOPTED", False
    return "OTHER", True


def _households(
    frame: pd.DataFrame, quarter: Quarter, notes: list[str], warnings: list[Issue]
) -> pd.DataFrame:
    for column in frame.columns:
        frame[column] = frame[column].map(_strip_prefix)
        if column.endswith("_date"):
            frame[column] = frame[column].map(_as_date)
    frame["fostering_for_adoption"] = frame["fostering_for_adoption"].map(
        lambda v: YES_NO.get(str(v).lower(), v) if isinstance(v, str) else v
    )
    frame["adopter_id"] = frame["adopter_id"].map(
        lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else v
    )
    individuals = len(frame)
    households = []
    for _, group in frame.groupby("adopter_id", sort=False, dropna=False):
        first = group.iloc[0].copy()
        genders = sorted(SEX_WORDS.get(str(g).lower(), "?") for g in group["_gender"])
        code = "".join(genders)
        first["household"] = {"M": "M1", "F": "F1", "MM": "MM", "FF": "FF", "FM": "MF"}.get(
            code, "/".join(str(g) for g in group["_gender"])
        )
        households.append((group.index[0], first))
    result = pd.DataFrame(
        [h for _, h in households], index=pd.Index([r for r, _ in households], name="row")
    ).astype(object)
    result = result.drop(columns=["_gender"])
    start, end = pd.Timestamp(quarter.start), pd.Timestamp(quarter.end)
    keep = ~(_lenient_date(result["enquiry_date"]) > end) & ~(
        _lenient_date(result["left_date"]) < start
    )
    skipped = int((~keep).sum())
    result = result[keep].copy()
    later = _leave_out_later_events(result, ADOPTER_EVENTS, quarter, {"left_date": "left_reason"})
    for row, value in result["left_reason"].items():
        code, other = _left_reason(value)
        result.at[row, "left_reason"] = code
        if other:
            warnings.append(Issue("A01", "adopters", int(row), "left_reason", str(value),
                                  "this leaving reason is not one of WITHDREW, NOT_APPROVED, "
                                  "ADOPTED, OTHER and is stored as OTHER."))
    notes.append(
        f"Annex A List 11: {individuals} adopter(s) in {frame['adopter_id'].nunique()} "
        f"household(s); {len(result)} household(s) in the process in {quarter}; {skipped} "
        f"skipped as outside the quarter; {later} event date(s) after "
        f"{quarter.end.isoformat()} left out."
    )
    return result
