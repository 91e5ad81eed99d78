"""Validate a raw return against the format's rules V01-V06, C01-C08 and W01-W04.

Cells are parsed column by column (vectorised, so that the demo's thousands of returns validate
quickly) into typed frames: dates as datetime64, flags as booleans, whole numbers as Int64.
Checks that need other returns (V06, W04) ask a `History`. Imports db and metrics modules only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Protocol

import numpy as np
import pandas as pd

from db.importer.readers import RawReturn, _FormulaWithoutValue, cell_text, nearest
from db.importer.report import Issue
from db.registry import Registry
from db.return_format import EARLIEST_DATE_TEXT, TABLES, Column, Table
from metrics.quarters import Quarter

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S")
EARLIEST = pd.Timestamp(EARLIEST_DATE_TEXT)
MAX_TEXT = 60  # longest text the store's columns hold (child_id, adopter_id: String(60))


class History(Protocol):
    """What the validator needs to know about returns already loaded."""

    def previous_children(self, agency_code: str, quarter: Quarter) -> pd.DataFrame | None:
        """The children table of the agency's current return for the quarter, if any."""

    def las_returned_elsewhere(
        self, agency_code: str, quarter: Quarter, la_codes: set[str]
    ) -> dict[str, str]:
        """For LAs among la_codes whose children another agency returned: la_code -> agency."""


class NoHistory:
    def previous_children(self, agency_code: str, quarter: Quarter) -> pd.DataFrame | None:
        return None

    def las_returned_elsewhere(
        self, agency_code: str, quarter: Quarter, la_codes: set[str]
    ) -> dict[str, str]:
        return {}


@dataclass
class ValidatedReturn:
    agency_code: str | None
    quarter: Quarter | None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(i.level != "error" for i in self.issues)


# ---------------------------------------------------------------- cells


def _parse(column: Column, series: pd.Series) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """(parsed values, bad-value mask, blank mask, formula-without-value mask).

    Works on plain arrays: a pandas operation costs tens of microseconds however short the
    column, and the demo validates thousands of returns.
    """
    index = series.index
    n = len(series)
    if column.kind == "date" and pd.api.types.is_datetime64_any_dtype(series):
        none = np.zeros(n, dtype=bool)
        return series.astype("datetime64[ns]"), none, series.isna().to_numpy(), none
    cells = series.to_numpy(dtype=object)
    skip = np.fromiter((type(v) is _FormulaWithoutValue for v in cells), dtype=bool, count=n)
    text = np.array([cell_text(v) for v in cells] if n else [], dtype=object)
    blank = (text == "") | skip if n else np.zeros(0, dtype=bool)
    filled = ~blank
    if column.kind == "date":
        parsed = pd.Series(pd.NaT, index=index, dtype="datetime64[ns]")
        todo = filled.copy()
        for fmt in DATE_FORMATS:
            if not todo.any():
                break
            parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
            todo = filled & parsed.isna().to_numpy()
        return parsed, todo, blank, skip
    if column.kind in ("code", "flag"):
        codes = set(column.codes)
        upper = [t.upper() for t in text]
        bad = filled & np.fromiter((u not in codes for u in upper), dtype=bool, count=n)
        good = filled & ~bad
        if column.kind == "flag":
            flags = {"Y": True, "N": False}
            values = [flags[u] if ok else None for u, ok in zip(upper, good)]
        else:
            values = [u if ok else None for u, ok in zip(upper, good)]
        return pd.Series(values, index=index, dtype=object), bad, blank, skip
    if column.kind in ("int", "money"):
        number = pd.to_numeric(pd.Series(np.where(filled, text, None), index=index), errors="coerce")
        numbers = number.to_numpy(dtype=float, na_value=np.nan)
        bad = filled & np.isnan(numbers)
        if column.kind == "int":
            bad |= filled & ~np.isnan(numbers) & (numbers % 1 != 0)
        if column.minimum is not None:
            bad |= filled & (numbers < column.minimum)
        if column.maximum is not None:
            bad |= filled & (numbers > column.maximum)
        clean = number.where(filled & ~bad)
        return (clean.astype("Int64") if column.kind == "int" else clean), bad, blank, skip
    if column.kind == "quarter":
        def one(value: str) -> str | None:
            try:
                return str(Quarter.parse(value))
            except ValueError:
                return None

        quarters = [one(t) if f else None for t, f in zip(text, filled)]
        bad = filled & np.fromiter((q is None for q in quarters), dtype=bool, count=n)
        return pd.Series(quarters, index=index, dtype=object), bad, blank, skip
    # The store keeps ids in String(60) columns; PostgreSQL would refuse a longer one mid-load.
    too_long = filled & np.fromiter((len(t) > MAX_TEXT for t in text), dtype=bool, count=n)
    values = [t if f and not long else None for t, f, long in zip(text, filled, too_long)]
    return pd.Series(values, index=index, dtype=object), too_long, blank, skip


def parse_column(column: Column, series: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(parsed values, bad-value mask, blank mask) for one column of one table."""
    values, bad, blank, _ = _parse(column, series)
    return values, pd.Series(bad, index=series.index), pd.Series(blank, index=series.index)


def _bad_value_message(column: Column, value: str) -> str:
    if column.kind == "date":
        return "not a date; write it as YYYY-MM-DD or DD/MM/YYYY, or use an Excel date cell."
    if column.kind == "flag":
        return "write Y or N."
    if column.kind == "code":
        guess = nearest(value, [c.lower() for c in column.codes])
        hint = f" Did you mean {guess.upper()!r}?" if guess else ""
        return f"not one of the codes {', '.join(column.codes)}.{hint}"
    if column.kind == "int":
        return f"must be a whole number from {column.minimum:,} to {column.maximum:,}."
    if column.kind == "money":
        return f"must be an amount in pounds from {column.minimum} to {column.maximum:,}."
    if column.kind == "quarter":
        return "not a quarter; write it like 2024-25 Q3."
    if column.kind == "text":
        return f"longer than {MAX_TEXT} characters; shorten it."
    return "not a valid value."


def _cell(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _rows(mask: pd.Series | np.ndarray, index: pd.Index | None = None) -> list[int]:
    """Row numbers where a mask is true (a Series's own index, or `index` for an array)."""
    if isinstance(mask, pd.Series):
        index, mask = mask.index, mask.to_numpy(dtype=bool)
    if not mask.any():
        return []
    return [int(i) for i in index[mask]]


NAT = np.iinfo(np.int64).min


def _ns(values: pd.Series) -> np.ndarray:
    """Dates as int64 nanoseconds (NaT is the smallest int64): comparisons at numpy speed."""
    return values.to_numpy(dtype="datetime64[ns]").view("i8")


def parse_table(table: Table, raw: pd.DataFrame, carried: tuple[str, ...] | None = None
                ) -> tuple[pd.DataFrame, list[Issue]]:
    """Typed frame of a table plus its V01 (required blank) and V02 (bad value) issues. A
    required column the file's format does not carry (`carried`; None: every column) is not
    required of it: the SSDA903 has no disability, and a blank there is not the user's."""
    issues: list[Issue] = []
    parsed: dict[str, pd.Series] = {}
    for column in table.columns:
        values, bad, blank, skip = _parse(column, raw[column.name])
        parsed[column.name] = values
        for row in _rows(bad, raw.index):
            value = _cell(raw.at[row, column.name])
            issues.append(
                Issue("V02", table.name, row, column.name, value, _bad_value_message(column, value or ""))
            )
        if column.required and (carried is None or column.name in carried):
            for row in _rows(blank & ~skip, raw.index):
                issues.append(
                    Issue("V01", table.name, row, column.name, None,
                          f"{column.name} is required; fill it in ({column.meaning or column.kind}).")
                )
    frame = pd.DataFrame(parsed, index=raw.index)
    return frame, issues


# ---------------------------------------------------------------- rules


def _day(value: pd.Timestamp) -> str:
    return value.date().isoformat()


def _order_issues(
    rule: str, table: str, frame: pd.DataFrame, earlier: str, later: str, fix: str,
    allowed: pd.Series | None = None,
) -> list[Issue]:
    a, b = _ns(frame[earlier]), _ns(frame[later])
    wrong = (a != NAT) & (b != NAT) & (b < a)
    if allowed is not None:
        wrong &= ~allowed.to_numpy(dtype=bool)
    rows = _rows(wrong, frame.index)
    return [
        Issue(rule, table, row, later, _day(frame.at[row, later]),
              f"{later} ({_day(frame.at[row, later])}) is before {earlier} "
              f"({_day(frame.at[row, earlier])}); {fix}")
        for row in rows
    ]


def _reason_issues(rule: str, table: str, frame: pd.DataFrame, date_col: str, reason_col: str,
                   codes: tuple[str, ...]) -> list[Issue]:
    missing = frame[date_col].notna() & frame[reason_col].isna()
    return [
        Issue(rule, table, row, reason_col, None,
              f"{date_col} is {_day(frame.at[row, date_col])} but {reason_col} is blank; give "
              f"the reason ({', '.join(codes)}) or clear the date.")
        for row in _rows(missing)
    ]


def child_rules(frame: pd.DataFrame) -> list[Issue]:
    t = "children"
    issues = _order_issues("C01", t, frame, "date_of_birth", "entered_care_date",
                           "a child cannot enter care before being born; check both dates.")
    issues += _order_issues("C01", t, frame, "entered_care_date", "adm_decision_date",
                            "the adoption decision follows entry into the current period of care.")
    issues += _order_issues("C01", t, frame, "date_of_birth", "adm_decision_date",
                            "check the date of birth and the decision date.")
    issues += _order_issues("C02", t, frame, "adm_decision_date", "placement_order_date",
                            "a placement order follows the agency decision; check both dates.")
    # After a disruption that is not followed by a new placement, the match may be a new one.
    rematch = (
        frame["disruption_date"].notna() & frame["placed_date"].notna()
        & (frame["disruption_date"] >= frame["placed_date"])
    )
    rematch_ok = rematch & (frame["matched_date"] > frame["disruption_date"])
    chain = ["adm_decision_date", "matched_date", "placed_date", "adoption_order_date"]
    for earlier, later in combinations(chain, 2):
        allowed = rematch_ok if (earlier, later) == ("matched_date", "placed_date") else None
        issues += _order_issues("C03", t, frame, earlier, later,
                                "the pathway runs decision, match, placement, adoption order.",
                                allowed)
    late_rematch = rematch & frame["matched_date"].notna() & (frame["matched_date"] > frame["placed_date"]) & ~rematch_ok
    issues += [
        Issue("C03", t, row, "matched_date", _day(frame.at[row, "matched_date"]),
              "a new match after a disruption must be later than the disruption_date "
              f"({_day(frame.at[row, 'disruption_date'])}).")
        for row in _rows(late_rematch)
    ]
    both = frame["decision_reversed_date"].notna() & frame["adoption_order_date"].notna()
    issues += [
        Issue("C04", t, row, "decision_reversed_date", _day(frame.at[row, "decision_reversed_date"]),
              "a child cannot have both a reversed decision and an adoption order "
              f"({_day(frame.at[row, 'adoption_order_date'])}); clear the one that did not happen.")
        for row in _rows(both)
    ]
    issues += _reason_issues("C04", t, frame, "decision_reversed_date", "decision_reversed_reason",
                             ("RD1", "RD2", "RD3", "RD4"))
    issues += _order_issues("C04", t, frame, "adm_decision_date", "decision_reversed_date",
                            "a decision can only be reversed after it was made.")
    carer = frame["foster_carer_adoption"].map(lambda v: v is True).astype(bool)
    no_carer = frame["placed_with_carer_date"].notna() & ~carer
    issues += [
        Issue("C05", t, row, "placed_with_carer_date", _day(frame.at[row, "placed_with_carer_date"]),
              "placed_with_carer_date is only for children adopted by their own foster carers; "
              "set foster_carer_adoption to Y or clear the date.")
        for row in _rows(no_carer)
    ]
    issues += _order_issues("C05", t, frame, "placed_with_carer_date", "placed_date",
                            "the child moved in with the carers before the placement became an "
                            "adoptive one; check both dates.")
    return issues


ADOPTER_CHAIN = (
    "enquiry_date", "stage1_start_date", "stage1_end_date", "stage2_start_date",
    "stage2_end_date", "approval_date", "matched_date", "placed_date",
)  # fmt: skip


def adopter_rules(frame: pd.DataFrame) -> list[Issue]:
    t = "adopters"
    issues: list[Issue] = []
    for earlier, later in combinations(ADOPTER_CHAIN, 2):
        issues += _order_issues("C06", t, frame, earlier, later,
                                "the stages run enquiry, stage 1, stage 2, approval, match, "
                                "placement.")
    issues += _reason_issues("C07", t, frame, "left_date", "left_reason",
                             ("WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER"))
    issues += _order_issues("C07", t, frame, "enquiry_date", "left_date",
                            "a household cannot leave before its enquiry.")
    return issues


def sgo_rules(frame: pd.DataFrame) -> list[Issue]:
    t = "special_guardianship"
    issues = _order_issues("C08", t, frame, "date_of_birth", "sgo_date",
                           "an order cannot precede the child's birth.")
    issues += _order_issues("C08", t, frame, "sgo_date", "ended_date",
                            "an order can only end after it was made.")
    issues += _reason_issues("C08", t, frame, "ended_date", "ended_reason",
                             ("BREAKDOWN", "AGE_18", "OTHER"))
    return issues


def date_range_issues(table: Table, frame: pd.DataFrame, quarter: Quarter) -> list[Issue]:
    """V05: no date after the quarter's last day or before 1 January 1990."""
    end = pd.Timestamp(quarter.end).value
    earliest = EARLIEST.value
    issues: list[Issue] = []
    for column in table.columns:
        if column.kind != "date":
            continue
        values = _ns(frame[column.name])
        for row in _rows(values > end, frame.index):
            issues.append(Issue("V05", table.name, row, column.name, _day(frame.at[row, column.name]),
                                f"this is after the quarter's last day ({quarter.end.isoformat()}); "
                                "a return only records what had happened by then."))
        for row in _rows((values != NAT) & (values < earliest), frame.index):
            issues.append(Issue("V05", table.name, row, column.name, _day(frame.at[row, column.name]),
                                f"dates before {EARLIEST_DATE_TEXT} are not accepted; check the year."))
    return issues


def duplicate_issues(table: Table, frame: pd.DataFrame) -> list[Issue]:
    """V03: an id used twice in one table."""
    if table.id_column is None:
        return []
    ids = frame[table.id_column]
    dup = ids.notna() & ids.duplicated(keep="first")
    first = {v: int(r) for r, v in ids[ids.notna() & ~ids.duplicated(keep="first")].items()}
    return [
        Issue("V03", table.name, row, table.id_column, str(ids[row]),
              f"this {table.id_column} is already used on row {first[ids[row]]}; each "
              f"{'child' if table.id_column == 'child_id' else 'household'} has one row with "
              "a unique id.")
        for row in _rows(dup)
    ]


def age_at(dob: pd.Series, day: date) -> pd.Series:
    """Completed years at `day`."""
    years = day.year - dob.dt.year
    before_birthday = (dob.dt.month > day.month) | (
        (dob.dt.month == day.month) & (dob.dt.day > day.day)
    )
    return years - before_birthday.astype(int)


def warning_issues(frames: dict[str, pd.DataFrame], quarter: Quarter) -> list[Issue]:
    start = pd.Timestamp(quarter.start)
    issues: list[Issue] = []
    children = frames["children"]
    same = children["matched_date"].notna() & (children["matched_date"] == children["adoption_order_date"])
    issues += [
        Issue("W01", "children", row, "matched_date", _day(children.at[row, "matched_date"]),
              "the match date equals the adoption order date; check the match date (it is "
              "usually months earlier).")
        for row in _rows(same)
    ]
    for column in ("adoption_order_date", "decision_reversed_date"):
        ended = children[column].notna() & (children[column] < start)
        issues += [
            Issue("W02", "children", row, column, _day(children.at[row, column]),
                  f"this child's pathway ended before the quarter started "
                  f"({quarter.start.isoformat()}); they do not belong in this return.")
            for row in _rows(ended)
        ]
    adopters = frames["adopters"]
    left = adopters["left_date"].notna() & (adopters["left_date"] < start)
    issues += [
        Issue("W02", "adopters", row, "left_date", _day(adopters.at[row, "left_date"]),
              f"this household left before the quarter started ({quarter.start.isoformat()}); "
              "it does not belong in this return.")
        for row in _rows(left)
    ]
    sgo = frames["special_guardianship"]
    made_before = sgo["sgo_date"].notna() & (sgo["sgo_date"] < start)
    not_ended_in = sgo["ended_date"].isna() | (sgo["ended_date"] < start)
    issues += [
        Issue("W02", "special_guardianship", row, "sgo_date", _day(sgo.at[row, "sgo_date"]),
              "neither the order nor its end falls in this quarter; the row does not belong in "
              "this return.")
        for row in _rows(made_before & not_ended_in)
    ]
    for name in ("children", "special_guardianship"):
        frame = frames[name]
        adult = frame["date_of_birth"].notna() & (age_at(frame["date_of_birth"], quarter.end) >= 18)
        if name == "special_guardianship":  # an order ending at 18 is reported when it ends
            adult &= frame["ended_reason"].ne("AGE_18").to_numpy(dtype=bool)
        issues += [
            Issue("W03", name, row, "date_of_birth", _day(frame.at[row, "date_of_birth"]),
                  "this child is 18 or over at the quarter's end; check the date of birth.")
            for row in _rows(adult)
        ]
    return issues


def history_issues(
    agency_code: str, quarter: Quarter, children: pd.DataFrame, history: History
) -> list[Issue]:
    issues: list[Issue] = []
    las = set(children["la_code"].dropna())
    for la, other in sorted(history.las_returned_elsewhere(agency_code, quarter, las).items()):
        rows = _rows(children["la_code"] == la)
        issues.append(
            Issue("V06", "children", rows[0], "la_code", la,
                  f"{len(rows)} child(ren) of LA {la} (rows {_row_list(rows)}) were already "
                  f"returned for {quarter} by {other}; an LA's children are returned once a "
                  f"quarter. Remove them, or ask {other} to reload its return without them.")
        )
    previous = history.previous_children(agency_code, quarter.previous())
    if previous is None or previous.empty:
        return issues
    prev_q = quarter.previous()
    prev = previous.set_index(["la_code", "child_id"])
    now = children.rename_axis("row").reset_index().set_index(["la_code", "child_id"])
    common = prev.index.intersection(now.index)
    for column in ("adm_decision_date", "placement_order_date"):
        before = pd.to_datetime(prev.loc[common, column])
        after = now.loc[common, column]
        # A date that appears after the previous quarter's end is progress, not a correction.
        was, now_known = before.notna(), after.notna()
        changed = (was & ~(before == after)) | (~was & now_known & (after <= pd.Timestamp(prev_q.end)))
        for key in common[changed.to_numpy()]:
            old = before[key]
            issues.append(
                Issue("W04", "children", int(now.at[key, "row"]), column, _cell(after[key]),
                      f"{column} was {_cell(old) or 'blank'} in the {prev_q} return; confirm the "
                      "correction (the earlier quarter's figures used the old date).")
            )
    end = pd.Timestamp(prev_q.end)
    live = (
        prev["adm_decision_date"].notna()
        & (pd.to_datetime(prev["adm_decision_date"]) <= end)
        & prev["adoption_order_date"].isna()
        & ~(pd.to_datetime(prev["decision_reversed_date"]) <= end)
    )
    missing = prev.index[live.to_numpy()].difference(now.index)
    for la, child in missing:
        issues.append(
            Issue("W04", "children", None, "child_id", child,
                  f"child {child} of LA {la} was on the pathway at the end of {prev_q} but is "
                  "missing from this return with no adoption order or reversal recorded; add "
                  "them with their exit, or check the id.")
        )
    return issues


def _row_list(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def validate(
    raw: RawReturn,
    registry: Registry,
    history: History | None = None,
    agency_code: str | None = None,
    quarter_text: str | None = None,
) -> ValidatedReturn:
    """Every rule over a raw return. `agency_code`/`quarter_text` are what the user named."""
    history = history or NoHistory()
    issues = list(raw.issues)
    frames: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        carried = None if raw.carries is None or name == "return" else raw.carries.get(name, ())
        frame, table_issues = parse_table(table, raw.tables[name].frame, carried)
        frames[name] = frame
        issues += table_issues
    carer = frames["children"]["foster_carer_adoption"]
    frames["children"]["foster_carer_adoption"] = carer.where(carer.notna(), False)  # default N
    ret = frames["return"]
    row = int(ret.index[0])
    agency = ret["agency_code"].iloc[0]
    quarter_value = ret["quarter"].iloc[0]
    if agency_code and agency and agency != agency_code:
        issues.append(Issue("V04", "return", row, "agency_code", agency,
                            f"the file is for agency {agency} but {agency_code} was named; "
                            "name the agency the file is for."))
    if quarter_text and quarter_value and quarter_value != quarter_text:
        issues.append(Issue("V02", "return", row, "quarter", quarter_value,
                            f"the file is for {quarter_value} but {quarter_text} was named; "
                            "name the quarter the file is for."))
    if agency and agency not in registry.agencies:
        guess = nearest(agency, registry.agencies)
        hint = f" Did you mean {guess!r}?" if guess else ""
        issues.append(Issue("V04", "return", row, "agency_code", agency,
                            "no agency has this code in the registry; use an LA's 3-digit DfE "
                            f"code or an RAA/VAA code.{hint}"))
        agency = None
    quarter = Quarter.parse(quarter_value) if quarter_value else None
    result = ValidatedReturn(agency, quarter, frames, issues)
    if agency is None or quarter is None:
        return result
    allowed = registry.returnable_las(agency)
    for name in ("children", "special_guardianship"):
        codes = frames[name]["la_code"]
        for r in _rows(codes.notna() & ~codes.isin(list(registry.agencies))):
            issues.append(Issue("V04", name, r, "la_code", codes[r],
                                "no LA has this code; use the LA's 3-digit DfE code."))
        known_la = codes.isin([a.code for a in registry.of_kind("LA")])
        for r in _rows(known_la & ~codes.isin(list(allowed))):
            issues.append(Issue("V04", name, r, "la_code", codes[r],
                                f"LA {codes[r]} is not {agency} or one of its member LAs, so "
                                f"{agency} cannot return its children; check the code."))
        known_other = codes.notna() & codes.isin(list(registry.agencies)) & ~known_la
        for r in _rows(known_other):
            issues.append(Issue("V04", name, r, "la_code", codes[r],
                                f"{codes[r]} is an agency, not a local authority; give the "
                                "child's LA code."))
    for name, table in TABLES.items():
        issues += duplicate_issues(table, frames[name])
        issues += date_range_issues(table, frames[name], quarter)
    # A reason the user gave but that is not a code is reported as such (V02), not as blank.
    unreadable = {(i.table, i.row, i.column) for i in issues if i.rule == "V02"}
    issues += [i for i in child_rules(frames["children"]) + adopter_rules(frames["adopters"])
               + sgo_rules(frames["special_guardianship"])
               if not (i.value is None and (i.table, i.row, i.column) in unreadable)]
    issues += warning_issues(frames, quarter)
    issues += history_issues(agency, quarter, frames["children"], history)
    return result
