"""What a check or load says: each problem with table, row, column, value, rule id and the fix.

Imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Level = Literal["error", "warning"]

# Rules whose level is a warning; every other rule id rejects the return.
WARNING_RULES = frozenset({"W01", "W02", "W03", "W04", "A01", "A02", "A03", "A04",
                           "S01", "S02", "S03", "S04", "S05", "S10", "S12", "903-554"})  # S, 903-: SSDA903


@dataclass(frozen=True)
class Issue:
    rule: str
    table: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    # A rule's level, unless a format says otherwise for this one issue (an SSDA903 rule broken
    # by a child not in the quarter loaded is told, but rejects nothing).
    severity: Level | None = None

    @property
    def level(self) -> Level:
        if self.severity is not None:
            return self.severity
        return "warning" if self.rule in WARNING_RULES else "error"

    def line(self, label: str | None = None) -> str:
        """`ERROR C03 children row 5 column placed_date: value '2024-07-01': ...`; `label`
        replaces the level (`HELD BACK` for a row a partial load left out)."""
        where = self.table
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f" column {self.column}"
        value = "" if self.value is None else f" value {self.value!r}:"
        return f"{label or self.level.upper()} {self.rule} {where}:{value} {self.message}"


Surface = Literal["cli", "page"]


class UsageError(ValueError):
    """The request itself is wrong (CLI exit status 2; the Load page says it beside the form).

    `message` says what is wrong in words every surface shares; `fixes` says how to put it right
    on each surface, in its own terms (the CLI's flags, the page's fields). `str()` is the CLI's
    text; `on(surface)` picks the surface."""

    def __init__(self, message: str, fixes: dict[Surface, str] | None = None):
        self.message, self.fixes = message, dict(fixes or {})
        super().__init__(self.on("cli"))

    def on(self, surface: Surface) -> str:
        fix = self.fixes.get(surface)
        return (f"{self.message}: {fix}" if fix else self.message).rstrip(".")


class Rejected(Exception):
    """A file that cannot be read at all, or safely (F01-F06): raised with its issues."""

    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(i.line() for i in issues))
        self.issues = issues


@dataclass
class Report:
    """The outcome of checking (and perhaps loading) one file."""

    file_name: str
    issues: list[Issue] = field(default_factory=list)
    agency_code: str | None = None
    quarter: str | None = None
    row_counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. Annex A rows skipped
    status: str = "checked"  # checked, loaded, unchanged, rejected, refused
    version: int | None = None
    # Loading only the rows that pass (db.importer.partial): for a report with errors, the
    # errors of the rows that would be held back, the rows that pass per table, and why the
    # rows that pass cannot be loaded on their own (None when they can). For a partial load,
    # `issues` keeps the warnings only and `held_back` lists what was left out.
    held_back: list[Issue] = field(default_factory=list)
    rows_held_back: int = 0
    passing_counts: dict[str, int] = field(default_factory=dict)
    partial_refusal: str | None = None

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def partial(self) -> bool:
        """Stored (or already stored) with rows held back."""
        return self.status in ("loaded", "unchanged") and self.rows_held_back > 0

    @property
    def may_accept_valid_rows(self) -> bool:
        """Rejected for errors that are all about single rows, with rows left that pass."""
        return bool(self.errors) and self.rows_held_back > 0 and self.partial_refusal is None

    def text(self) -> str:
        """The report as the CLI prints it: one line per problem, then a summary."""
        held = [i.line("HELD BACK") for i in sorted(self.held_back, key=_order)] if self.partial else []
        lines = held + [i.line() for i in sorted(self.issues, key=_order)]
        lines.extend(self.notes)
        counts = ", ".join(f"{n} {t}" for t, n in self.row_counts.items())
        if self.partial:
            counts = (f"PARTIAL: {counts}; {self.rows_held_back} row(s) held back, listed "
                      "above, not stored")
        target = f"{self.agency_code or '?'} {self.quarter or '?'}"
        summary = {
            "rejected": f"REJECTED {self.file_name}: {len(self.errors)} error(s), "
            f"{len(self.warnings)} warning(s); nothing was stored. Fix the errors and load again.",
            "loaded": f"LOADED {self.file_name} as {target} version {self.version} ({counts}); "
            f"{len(self.warnings)} warning(s) stored with it.",
            "unchanged": f"UNCHANGED {self.file_name}: this exact file is already loaded as "
            f"{target} version {self.version}; nothing was stored.",
            "refused": f"REFUSED {self.file_name}: the loader may not load returns for agency "
            f"{self.agency_code}; nothing was read from the store and nothing was stored.",
            "checked": f"OK {self.file_name} for {target} ({counts}): {len(self.warnings)} "
            "warning(s); nothing was stored (check only).",
        }[self.status]
        lines.append(summary)
        return "\n".join(lines)


def _order(issue: Issue) -> tuple[int, str, int, str]:
    return (issue.level != "error", issue.table, issue.row or 0, issue.rule)
