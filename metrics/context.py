"""What a figure for one selection counts: its `Context` (the selection, its measure, the row
store and the scope), the scope's rows, and the coverage behind the figure.

Coverage says which LAs' or agencies' rows a figure counts in a quarter (those whose return
carries what it needs), how many expected returns are missing, why a figure none of whose
returns carry it is not available (`[x]`), and how many returns behind it are partial. Pure:
imports pandas and metrics.quarters, metrics.registry, metrics.rows, metrics.scope and
metrics.selection only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

import pandas as pd

from metrics.quarters import Quarter
from metrics.registry import MEASURES, Measure, Need, merged, need_words
from metrics.rows import LA_TABLES, MeasureData, carries_all
from metrics.scope import Geography, Scope
from metrics.selection import Selection


T = TypeVar("T")


@dataclass
class Context:
    selection: Selection
    measure: Measure
    data: MeasureData
    geography: Geography
    scope: Scope
    # What the figure this one is part of needs (a share's parts count the same LAs).
    outer: tuple[Need, ...] = ()
    _coverage: dict[tuple[int, str], "Coverage"] = field(default_factory=dict, init=False, repr=False)

    @property
    def needs(self) -> tuple[Need, ...]:
        """What the figure needs its returns to carry, merged one Need per table."""
        return _needs(self.measure.id, self.selection.breakdown, self.outer)

    def needs_of(self, table: str) -> tuple[Need, ...]:
        """What the figure needs of the tables whose rows are counted like `table`'s."""
        return _rows_needs(self.needs, table in LA_TABLES, table)

    @property
    def quarters(self) -> list[Quarter]:
        return self.selection.quarters

    @property
    def end(self) -> pd.Timestamp:
        """The selection's quarter's last day: the day stocks are counted at."""
        return pd.Timestamp(self.selection.quarter.end)

    def at_end(self, rows: pd.DataFrame) -> pd.Series:
        """That day for each of `rows` (a stock's waits and ages end there)."""
        return pd.Series(self.end, index=rows.index)

    def rows(self, table: str, quarters: list[Quarter] | None = None, event: str | None = None) -> pd.DataFrame:
        """The table's rows that this scope counts, from the returns of `quarters` (with
        `event`: only the rows whose event fell in the quarter of their return)."""
        wanted = [q.index for q in (quarters or self.quarters)]
        if table in LA_TABLES:
            return self.data.rows(table, wanted, self.geography.child_las(self.scope), event)
        return self.data.rows(table, wanted, self.geography.household_keys(self.scope), event)

    def shared(self, what: tuple, make: Callable[[], T], quarters: list[Quarter] | None = None) -> T:
        """Rows (or sums) derived for this scope and its quarters (or `quarters`) that other
        measures and windows reuse (read-only)."""
        memo = self.data.row_memo
        quarters = quarters or self.quarters
        key = ("shared", what, self.scope.code, tuple(self.data.versions.get(q.index) for q in quarters),
               tuple(q.index for q in quarters))
        if memo is None:
            return make()
        if (cached := memo.get(key)) is None:
            cached = make()
            memo[key] = cached
        return cached

    def events(self, table: str, column: str) -> pd.DataFrame:
        """Rows whose `column` event fell inside the window, each counted once."""
        return self.rows(table, event=column)

    def applies(self, table: str) -> bool:
        if table in ("children", "special_guardianship"):
            return bool(self.geography.child_las(self.scope))
        return bool(self.geography.household_agencies(self.scope))


@lru_cache(maxsize=4096)
def _needs(measure: str, breakdown: str | None, outer: tuple[Need, ...]) -> tuple[Need, ...]:
    return merged(MEASURES[measure].needs_for(breakdown) + outer)


@lru_cache(maxsize=4096)
def _rows_needs(needs: tuple[Need, ...], by_la: bool, table: str) -> tuple[Need, ...]:
    return tuple(n for n in needs if (n.table in LA_TABLES) == by_la) or (Need(table),)


@dataclass(frozen=True)
class Coverage:
    """Whose rows a figure of one table counts for a scope and quarter (`keys`: LAs for
    children and SGOs, agencies for households and support), and how many of those it expects
    have no return that carries what it needs."""

    keys: frozenset[str]
    expected: int
    missing: int


def coverage(ctx: Context, quarter: Quarter, table: str) -> Coverage:
    """The scope's coverage for the context's figure in one quarter, for `table`'s rows.

    Children and SGOs: an LA is covered when its own return, or else its RAA's, carries what
    the figure needs. Households and support: an agency is covered by its own return carrying
    it; an RAA without one is covered by those of its member LAs' returns that carry it (Annex
    A lets an LA return its adopters), and its other members are missing."""
    if (found := ctx._coverage.get((quarter.index, table))) is not None:
        return found
    needs = ctx.needs_of(table)
    data, geography = ctx.data, ctx.geography
    if data.carrying(quarter.index, needs) == data.returned(quarter.index):
        needs = ()  # every return carries it: one entry per scope, not one per needs
    key = ("coverage", ctx.scope.code, quarter.index, table in LA_TABLES, needs)
    if (found := ctx.data._covered.get(key)) is not None:
        ctx._coverage[quarter.index, table] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]
    if table in LA_TABLES:
        las = geography.child_las(ctx.scope)
        covered = las & data.covered_las(quarter.index, geography, needs)
        found = Coverage(covered, len(las), len(las - covered))
    else:
        agencies = geography.household_agencies(ctx.scope)
        carrying = data.carrying(quarter.index, needs)
        expected = missing = len(agencies - carrying)
        for agency in agencies - carrying:
            members = geography.raa_members(agency)
            if members & carrying:
                expected += len(members) - 1
                missing += len(members - carrying) - 1
        found = Coverage(geography.household_keys(ctx.scope) & carrying, expected + len(agencies & carrying), missing)
    data._covered[key] = ctx._coverage[quarter.index, table] = found
    return found


def missing_returns(ctx: Context, table: str) -> tuple[int, int]:
    """(missing, expected): (LA or agency, quarter) pairs the selection depends on, and how
    many of them have no return that carries what the figure needs (see `coverage`)."""
    missing = expected = 0
    for q in ctx.quarters:
        found = coverage(ctx, q, table)
        missing += found.missing
        expected += found.expected
    return missing, expected


def not_available(ctx: Context) -> str:
    """Why the figure is not available (`[x]`), or "" when it is: some table it needs has no
    covered LA or agency in any quarter of the selection."""
    for table in dict.fromkeys([ctx.measure.table, *(n.table for n in ctx.needs)]):
        if ctx.applies(table) and not any(coverage(ctx, q, table).keys for q in ctx.quarters):
            return not_available_reason(ctx, table)
    return ""


def not_available_reason(ctx: Context, table: str) -> str:
    """`not available: the returns for this scope and quarter (Annex A) do not carry special
    guardianship orders`, or that no return was loaded."""
    where = "this scope and quarter" if len(ctx.quarters) == 1 else "this scope and window"
    needs = ctx.needs_of(table)
    returns = []  # (quarter, agency) of the returns the scope's rows would come from
    for q in ctx.quarters:
        agencies = ctx.data.returned(q.index)
        if table in LA_TABLES:
            submitters = ctx.geography.submitter
            owners = {la if la in agencies else submitters[la] for la in ctx.geography.child_las(ctx.scope)}
        else:
            owners = ctx.geography.household_keys(ctx.scope)
        returns += [(q.index, a) for a in sorted(owners & agencies)]
    if not returns:
        return f"not available: no return was loaded for {where}"
    lacking = []
    for need in needs:
        parts = [Need(need.table)] + [Need(need.table, (c,)) for c in need.columns]
        for part in parts:
            if not all(carries_all(ctx.data.carried(q).get(a), (part,)) for q, a in returns):
                lacking.append(part)
                if not part.columns:
                    break  # the table itself: its columns go without saying
    formats = sorted({f for q, a in returns if (f := ctx.data.format_of(q, a))})
    named = f" ({', '.join(formats)})" if formats else ""
    what = " or ".join(need_words(n) for n in lacking) or "what this figure needs"
    return f"not available: the returns for {where}{named} do not carry {what}"


def partial_returns(ctx: Context, table: str) -> int:
    """How many of the returns behind the selection are partial: (agency, quarter) pairs whose
    current return was loaded with failing rows held back, so the figure leaves those rows out.
    Children count the returns that cover the scope's LAs (their own or their RAA's);
    households and support the returns of the agencies that make them."""
    count = 0
    for q in ctx.quarters:
        partial = ctx.data.partial(q.index)
        if not partial:
            continue
        if table in ("children", "special_guardianship"):
            las = ctx.geography.child_las(ctx.scope)
            behind = {la for la in las if la in partial}
            behind |= {ctx.geography.submitter[la] for la in las} & partial
        else:
            behind = ctx.geography.household_keys(ctx.scope) & partial
        count += len(behind)
    return count
