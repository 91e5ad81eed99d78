"""The DfE's SSDA903 (children looked after) return as an import format: the extract an LA
already makes for the DfE, read as one quarter's `children` and `special_guardianship` tables.

`ssda903_files` reads the extract (CSV tables recognised by their headers, as a folder, a zip or
one table, or the XML form; several collection years stitched) and checks it with the DfE's
rule numbers; `ssda903_derive` derives the quarter's rows from the episodes (docs/ssda903.md).
903 names no LA, so the user names it, and the quarter. What it carries: children without
disability, sibling groups or matches (903 records a match only for children adopted in the
year), special guardianship orders from care, and no adopter households or support fund: those
figures are `[x]` for it, never 0. Imports db and metrics modules only.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from db.importer import ssda903_derive, ssda903_files
from db.importer.readers import RawReturn, RawTable, ReadRequest, named_la, sha256_of_path
from db.importer.report import Issue, Rejected
from db.return_format import TABLES

NAME = "ssda903"
TITLE = "SSDA903 extract"
DESCRIPTION = ("the DfE's SSDA903 children looked after return: its CSV tables (a folder, a .zip "
               "or one table) or its XML form, one or several collection years, for one LA: "
               "loaded a quarter at a time")
NEEDS = ("agency", "quarter")
CARRIES = {
    name: tuple(c for c in TABLES[name].column_names if c not in ssda903_derive.NOT_IN_903[name])
    for name in ssda903_derive.NOT_IN_903
}
DERIVED = "derived from SSDA903"
MIN_UPNS = 20  # children with a UPN before the extract's LA is guessed from them


def recognise(path: Path, kind: str) -> bool:
    return ssda903_files.recognise(path, kind)


def quarters(path: Path, kind: str, request: ReadRequest) -> list:
    """The quarters the extract's collection years cover: each is loaded when none is named."""
    extract = ssda903_files.read_extract(path, kind, request.max_rows)
    return ssda903_derive.quarters_covered(extract.tables)


def read(path: Path, kind: str, request: ReadRequest) -> RawReturn:
    entry = named_la(request, "an SSDA903 extract is one LA's return")
    extract = ssda903_files.read_extract(path, kind, request.max_rows)
    lacking = [ssda903_files.DFE_NAMES[t] for t in ("header", "episodes")
               if not len(extract.tables.get(t, ()))]
    if lacking:
        raise Rejected([Issue("F02", "(file)", None, None, path.name,
                              f"this SSDA903 extract has no {' or '.join(lacking)} table: a "
                              "quarter's children are derived from the Episodes, and who they "
                              "are (sex, date of birth, ethnicity) from the Header; give both, "
                              "in a folder or a .zip (with AD1 and PlacedAdoption when you have "
                              "them).")])
    derived = ssda903_derive.derive(extract.tables, entry.code, request.quarter)
    tables = {name: RawTable(name, _empty(name)) for name in TABLES}
    tables["return"] = RawTable("return", pd.DataFrame(
        {"agency_code": [entry.code], "quarter": [str(request.quarter)]},
        index=pd.Index([2], name="row"), dtype=object))
    row_names: dict[str, dict[int, str]] = {}
    for name in ("children", "special_guardianship"):
        frame = getattr(derived, name).astype(object)
        frame.index = pd.Index(range(2, len(frame) + 2), name="row")
        tables[name] = RawTable(name, frame)
        row_names[name] = {int(r): f"CHILD {c}" for r, c in frame["child_id"].items()}
    covered = ssda903_derive.quarters_covered(extract.tables)
    notes = [*extract.notes, *ssda903_files.describe(extract), *derived.notes,
             f"SSDA903: the extract's collection years can fill {_span(covered)}."]
    issues = [*_on_derived_rows(extract, row_names), *(_issue(i) for i in derived.issues),
              *_another_las(extract, entry.code, request.registry)]
    if request.quarter not in covered:
        issues.append(Issue("A02", "(file)", None, None, str(request.quarter),
                            f"{request.quarter} is outside the extract's collection years "
                            f"({_span(covered)}): its figures would be too low; load a quarter "
                            "the extract covers, or an extract that covers this one."))
    return RawReturn(path.name, NAME, sha256_of_path(path), tables, notes=notes, issues=issues,
                     column_labels={"children": (f"children ({DERIVED})", {}),
                                    "special_guardianship": (f"special_guardianship ({DERIVED})",
                                                             {})},
                     carries=derived.carries, row_names=row_names)


def _on_derived_rows(extract: ssda903_files.Extract, row_names: dict[str, dict[int, str]]
                     ) -> list[Issue]:
    """The extract's own issues, and for each DfE rule a child breaks, an error on that child's
    rows of the quarter (S11), so a partial load can hold back just that child. A child not in
    the quarter's rows makes the rule a warning here: nothing of it is stored. An error about no
    child (the file itself) stays an error."""
    child_at = {}
    for key, frame in extract.tables.items():
        if len(frame) and "CHILD" in frame:
            for source, row, child in zip(frame["_source"], frame["_row"], frame["CHILD"]):
                child_at[(ssda903_files.source_label(key, source), int(row))] = str(child)
    rows_of: dict[str, list[tuple[str, int]]] = {}
    for table, names in row_names.items():
        for row, name in names.items():
            rows_of.setdefault(name.removeprefix("CHILD "), []).append((table, row))
    out = []
    for issue in extract.issues:
        child = child_at.get((issue.table, issue.row or 0)) if issue.level == "error" else None
        if child is None:
            out.append(issue)
            continue
        out.append(replace(issue, severity="warning"))
        for table, row in rows_of.get(child, []):
            out.append(Issue("S11", table, row, None, child,
                             f"this child's SSDA903 rows break {issue.rule.replace('903-', 'DfE rule ')} "
                             f"({issue.table} row {issue.row}, listed above); correct them in the "
                             "case system and extract again, or hold this child back."))
    return out


def _another_las(extract: ssda903_files.Extract, la_code: str, registry) -> list[Issue]:
    """903 names no LA, but a Unique Pupil Number carries the LA that issued it (its 2nd to 4th
    characters): when most of the extract's children share another LA's, say so in one line."""
    header = extract.tables.get("header")
    if header is None or "UPN" not in header:
        return []
    upns = header["UPN"].dropna().astype(str).str.strip()
    issued = upns[upns.str.fullmatch(r"[A-Z]\d{3}\w{9}")].str[1:4]
    if len(issued) < MIN_UPNS:
        return []
    top, count = issued.value_counts().index[0], int(issued.value_counts().iloc[0])
    entry = registry.agencies.get(top)
    if top == la_code or entry is None or entry.kind != "LA" or count < len(issued) / 2:
        return []
    return [Issue("S12", "header", None, "UPN", top,
                  f"this extract looks like {entry.name}'s ({top}): {count:,} of {len(issued):,} "
                  f"children's UPNs were issued there, not in {la_code}; check --agency names "
                  "the LA whose extract it is.")]


def _empty(name: str) -> pd.DataFrame:
    frame = pd.DataFrame(columns=list(TABLES[name].column_names), dtype=object)
    frame.index.name = "row"
    return frame


def _span(quarters: list) -> str:
    if not quarters:
        return "no quarter"
    return str(quarters[0]) if len(quarters) == 1 else f"{quarters[0]} to {quarters[-1]}"


def _issue(found: ssda903_derive.DerivationIssue) -> Issue:
    """What could not be derived, as a warning naming the child: nothing was invented for it."""
    who = f"CHILD {found.child}: " if found.child else ""
    value = None if found.value is None else str(found.value)
    return Issue("S10", "episodes", None, found.column, value, f"{who}{found.message}")
