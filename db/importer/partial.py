"""Loading only the rows that pass: which failing rows may be held back, and the return without them.

A return with errors is rejected unless the loader asks for the rows that pass (`load
--accept-valid-rows`, the Load page's confirm step). That is only offered when every error is
about one row of a row table (children, adopters, special guardianship): a problem with the
file, its `return` or `support` table, or a whole LA (V06) would make every figure wrong, so it
still rejects the return. Imports db modules only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from db.importer.report import Issue
from db.importer.validate import ValidatedReturn
from db.return_format import TABLES

ROW_TABLES = ("children", "adopters", "special_guardianship")
# Rules about one row's own cells: that row can be left out and the rest still stands.
ROW_RULES = frozenset({"V01", "V02", "V03", "V04", "V05",
                       "C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08",
                       "S11"})  # S11: a child's SSDA903 rows break a DfE rule (db.importer.ssda903)
SHOWN = 3  # errors quoted in a refusal; the report lists them all


@dataclass
class HoldBack:
    """The rows to hold back (table -> file row numbers), the errors that hold them back, the
    rows that pass per table, and `refusal`: why the rows that pass may not be loaded on their
    own (None when they may)."""

    rows: dict[str, list[int]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    passing: dict[str, int] = field(default_factory=dict)
    refusal: str | None = None

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


def holds_back_a_row(issue: Issue) -> bool:
    return issue.table in ROW_TABLES and issue.row is not None and issue.rule in ROW_RULES


def plan(validated: ValidatedReturn, derived: bool = False) -> HoldBack:
    """What loading only the rows that pass would do to this return (its errors as validated,
    under the tables' own names). `derived`: the rows were derived, not typed (SSDA903), so a
    table whose every row fails (one child in a quarter, say) is no sign of a broken file."""
    errors = [i for i in validated.issues if i.level == "error"]
    whole = [i for i in errors if not holds_back_a_row(i)]
    held = [i for i in errors if holds_back_a_row(i)] + _first_of_duplicates(validated, errors)
    held.sort(key=lambda i: (ROW_TABLES.index(i.table), i.row, i.rule))
    rows = {t: sorted({i.row for i in held if i.table == t}) for t in ROW_TABLES}
    rows = {t: r for t, r in rows.items() if r}
    passing = {name: len(frame) - len(rows.get(name, ())) for name, frame in validated.frames.items()
               if name != "return"}
    result = HoldBack(rows, held, passing)
    if whole:
        quoted = "; ".join(i.line() for i in whole[:SHOWN])
        more = f" and {len(whole) - SHOWN} more" if len(whole) > SHOWN else ""
        result.refusal = (f"{len(whole)} error(s) are not about a single row of children, adopters "
                          f"or special guardianship ({quoted}{more}), so the rows that pass cannot "
                          "be loaded on their own; fix those first.")
    elif validated.agency_code is None or validated.quarter is None:
        result.refusal = "the file does not say a known agency and quarter."
    else:
        emptied = [] if derived else [t for t, r in rows.items()
                                      if len(r) == len(validated.frames[t])]
        if emptied:
            names = " and ".join(t.replace("_", " ") for t in emptied)
            result.refusal = (f"every row of {names} fails, which is a problem with the file "
                              "rather than with some rows; fix it and load the whole return.")
    return result


def _first_of_duplicates(validated: ValidatedReturn, errors: list[Issue]) -> list[Issue]:
    """V03 reports an id's second and later rows; its first row is held back with them, since
    which of the rows is right cannot be told."""
    later: dict[tuple[str, int, str], list[int]] = {}
    for issue in errors:
        if issue.rule != "V03" or issue.table not in ROW_TABLES or issue.value is None:
            continue
        ids = validated.frames[issue.table][TABLES[issue.table].id_column]
        first = int(ids.index[(ids == issue.value).to_numpy()][0])
        if first != issue.row:
            later.setdefault((issue.table, first, issue.value), []).append(issue.row)
    return [
        Issue("V03", table, first, TABLES[table].id_column, value,
              f"this {TABLES[table].id_column} is used again on row(s) "
              f"{', '.join(map(str, rows))}; all of them are held back, as which is right cannot "
              "be told.")
        for (table, first, value), rows in later.items()
    ]


def without_held_back(validated: ValidatedReturn, held: HoldBack) -> ValidatedReturn:
    """The return as stored by a partial load: the held-back rows and their errors left out,
    and the warnings about those rows too (they are not in the figures)."""
    frames = {name: _drop(frame, held.rows.get(name, [])) for name, frame in validated.frames.items()}
    kept = [i for i in validated.issues
            if i.level == "warning" and not (i.row in held.rows.get(i.table, ()))]
    return replace(validated, frames=frames, issues=kept)


def _drop(frame: pd.DataFrame, rows: list[int]) -> pd.DataFrame:
    return frame.drop(index=rows) if rows else frame
