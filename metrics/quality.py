"""Data quality: which agencies owe a return for a scope, the returns-received grid (partial
returns marked), and warnings and held-back rows made safe to show to anyone who may see the
aggregates.

Pure: tidy frames in, tidy frames out. Imports pandas and metrics only.
"""

from __future__ import annotations

import pandas as pd

from metrics.quarters import Quarter, quarter_range
from metrics.registry import MEASURES, Need, need_words
from metrics.rows import LA_TABLES, MeasureData
from metrics.scope import Geography, Scope, agency_tree

MISSING = "—"
MISSING_TEXT = "missing"
NOT_EXPECTED = ""  # no return of its own from an LA whose RAA's return covers it
PARTIAL_TEXT = "partial"  # after the version of a return loaded with failing rows held back
# After the version of a return read from another format than the dashboard's own return.
FROM_FORMAT = {"annex_a": "from Annex A", "ssda903": "from SSDA903"}
GRID_COLUMNS = ("agency_code", "agency_name", "kind", "quarter", "version", "rows_held_back", "shown")
KIND_ORDER = {"raa": 0, "la": 1, "vaa": 2}

# Rules whose stored message is fixed wording about the row and column only. Other messages
# may quote a cell of the return (W04 names a child's id and their earlier date), so they are
# replaced by the rule's own wording.
FIXED_WORDING = frozenset({"W01", "W02", "W03", "A01"})
RULE_WORDING = {
    "W04": "a date differs from the previous quarter's return, or a child on the pathway then "
           "is missing now; the agency should confirm the correction.",
}
OTHER_WORDING = "see the agency's validation report for this row."
# Errors are only stored for rows a partial load held back; their messages may quote a cell.
HELD_BACK_WORDING = ("held back: this row failed rule {rule} and is not in the figures; the agency "
                     "can correct it and load the return again.")


def expected_returns(geography: Geography, scope: Scope) -> frozenset[str]:
    """The agencies expected to make a return covering the scope each quarter: those returning
    its LAs' children (an LA's own, or its RAA's), and its household agencies. The returns
    received measure, the Data quality grid and a chart's mark of missing returns all count
    these, so they say the same number."""
    return geography.derived(("expected_returns", scope.code), lambda: geography.expected_submitters(
        scope, "children") | geography.household_agencies(scope))


def missing_returns_of(geography: Geography, data: MeasureData, scope: Scope,
                       quarters: list[Quarter]) -> tuple[int, tuple[tuple[str, str], ...]]:
    """(expected, missing) over the quarters: how many (agency, quarter) returns the scope
    expects, and the (agency code, quarter) of each of them that has no current return."""
    expected = expected_returns(geography, scope)
    missing = tuple((code, str(q)) for q in quarters if (gone := expected - data.returned(q.index))
                    for code in sorted(gone))
    return len(expected) * len(quarters), missing


def submitting_agencies(geography: Geography, scope: str) -> pd.DataFrame:
    """Agencies that make a return covering the scope: RAAs, then LAs outside an RAA, then
    VAAs, each by name (columns code, name, kind). An LA inside an RAA is its RAA's return."""
    found = geography.scope(scope)
    owing = expected_returns(geography, found)
    rows = [(code, name, kind) for code, name, kind, depth in agency_tree(geography)
            if depth == 0 and code in owing]
    frame = pd.DataFrame(rows, columns=["code", "name", "kind"])
    return frame.sort_values("kind", key=lambda k: k.map(KIND_ORDER), kind="stable").reset_index(drop=True)


def grid_quarters(last: Quarter, count: int = 8) -> list[Quarter]:
    return quarter_range(last + (1 - count), last)


def returns_grid(agencies: pd.DataFrame, versions: pd.DataFrame, quarters: list[Quarter],
                 expected: set[str] | None = None) -> pd.DataFrame:
    """One row per agency and quarter (GRID_COLUMNS): the current return's version, or NA and
    `shown` = MISSING when the agency has no return for that quarter; a partial return's
    version is followed by PARTIAL_TEXT (`rows_held_back` says how many rows it left out).
    An agency not in `expected` (an LA inside an RAA that loaded a return of its own) shows
    NOT_EXPECTED, not MISSING, where it has none: its RAA's return covers it."""
    cells = agencies.rename(columns={"code": "agency_code", "name": "agency_name"}).merge(
        pd.DataFrame({"quarter": [str(q) for q in quarters]}), how="cross")
    extra = [c for c in ("source_format",) if c in versions]
    cells = cells.merge(versions[["agency_code", "quarter", "version", "rows_held_back", *extra]],
                        on=["agency_code", "quarter"], how="left")
    cells["version"] = cells["version"].astype("Int64")
    cells["rows_held_back"] = cells["rows_held_back"].astype("Int64")
    formats = cells["source_format"] if extra else pd.Series("", index=cells.index)
    cells["shown"] = [
        (MISSING if expected is None or code in expected else NOT_EXPECTED) if pd.isna(v) else
        " ".join(p for p in (str(int(v)), PARTIAL_TEXT if held else "", FROM_FORMAT.get(f, "")) if p)
        for code, v, held, f in zip(cells["agency_code"], cells["version"],
                                    cells["rows_held_back"].fillna(0), formats)
    ]
    return cells[list(GRID_COLUMNS)]


COVERAGE_COLUMNS = ("data", "table", "expected", "missing", "no_return", "not_carried")
TABLE_ORDER = ("children", "special_guardianship", "adopters", "support")
LISTED = 12  # agencies named in a cell before "and N more"


def needed() -> tuple[Need, ...]:
    """Each table, then each column some figure needs beyond its table (from the registry)."""
    tables = [Need(t) for t in TABLE_ORDER]
    columns = {Need(n.table, (c,)) for m in MEASURES.values() for b in (None, *m.breakdowns)
               for n in m.needs_for(b) for c in n.columns}
    return (*tables, *sorted(columns, key=lambda n: (TABLE_ORDER.index(n.table), n.columns)))


def _names(geography: Geography, codes: list[str], how: dict[str, str] | None = None) -> str:
    """`Cumberland (942); Sunderland (394): Annex A`, by name, at most LISTED then a count."""
    names = sorted(f"{geography.agencies.at[c, 'name']} ({c})" + (f": {how[c]}" if how and how.get(c) else "")
                   for c in codes)
    more = f" and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return "; ".join(names[:LISTED]) + more


def coverage_by_table(data: MeasureData, geography: Geography, scope: str, quarter: Quarter) -> pd.DataFrame:
    """Per table (and per column some figures need), whose data is missing for the scope and
    quarter (COVERAGE_COLUMNS): LAs for children and SGOs, agencies for households and support;
    `no_return` names those without a return, `not_carried` those whose return's format does
    not carry it. A column row is kept only when some return lacks that column."""
    found = geography.scope(scope)
    q = quarter.index
    returned = data.returned(q)
    rows = []
    for need in needed():
        if need.table in LA_TABLES:
            expected = geography.child_las(found)
            covered = expected & data.covered_las(q, geography, (need,))
            owner = {la: la if la in returned else geography.submitter[la] for la in expected}
            absent = [la for la in expected - covered if owner[la] not in returned]
            lacking = [la for la in expected - covered if owner[la] in returned]
        else:
            agencies = geography.household_agencies(found)
            carrying = data.carrying(q, (need,))
            absent, lacking, covered = [], [], agencies & carrying
            for agency in agencies - carrying:
                members = geography.raa_members(agency) & carrying
                if members:  # an RAA stood in for by its member LAs' returns
                    covered |= members
                    gone = geography.raa_members(agency) - carrying
                    absent += [m for m in gone if m not in returned]
                    lacking += [m for m in gone if m in returned]
                else:
                    (lacking if agency in returned else absent).append(agency)
            expected = covered | set(absent) | set(lacking)
        if need.columns and not lacking:
            continue
        formats = {c: data.format_of(q, owner_of(c, returned, geography)) for c in lacking}
        words = need_words(need)
        rows.append((words[:1].upper() + words[1:], need.table, len(expected), len(absent) + len(lacking),
                     _names(geography, absent), _names(geography, lacking, formats)))
    return pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS))


def owner_of(code: str, returned: frozenset[str], geography: Geography) -> str:
    """The agency whose return stands for an LA's or agency's data: its own, else its RAA's."""
    if code in returned:
        return code
    return geography.submitter.get(code, code)


def safe_warnings(warnings: pd.DataFrame) -> pd.DataFrame:
    """The warnings with any message that might quote a child's data replaced by its rule's
    wording. The frame carries no `value` column to begin with."""
    fixed = warnings["rule"].isin(FIXED_WORDING)
    replaced = warnings["rule"].map(
        lambda r: HELD_BACK_WORDING.format(rule=r) if is_held_back(r) else RULE_WORDING.get(r, OTHER_WORDING))
    return warnings.assign(message=warnings["message"].where(fixed, replaced))


def is_held_back(rule: str) -> bool:
    """A stored issue that is an error (V and C rules): a row a partial load held back."""
    return rule[:1] in ("V", "C")
