"""Cells and tallies: what a measure function gives (its `Cell`s, or, for a measure counted
quarter by quarter, `PerQuarter`, a quarter's `Tally`) and how a selection's cells are made
from that (`cells_for`: each quarter tallied once for England and cut to the scope's covered
LAs or agencies, a window's quarters joined).

Also the values a tally is made of (`ones`, `days`, `tallied`), a share of two counts
(`share_cell`), and another measure's cells for the same figure (`other_cells`). Pure: imports
pandas, numpy and metrics.context, metrics.perturbation, metrics.quarters, metrics.registry
and metrics.rows only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from metrics.context import Context, coverage
from metrics.perturbation import NO_KEY, cell_key
from metrics.quarters import Quarter
from metrics.registry import MEASURES
from metrics.rows import KEY_COLUMNS


@dataclass(frozen=True, slots=True)
class Cell:
    """One number of a result. `key` is the cell key of the records counted in `cohort` (the
    value's own records for a count); a percentage or ratio also carries the counts it is made
    of, `part` (those in it) and `rest` (the others of a share), with their cell keys, so that
    disclosure control can hide it when either is a count it hides, and show it from their
    perturbed counts."""

    category: str
    value: float
    cohort: float
    status: str = ""
    key: int = NO_KEY
    part: float = np.nan
    part_key: int = NO_KEY
    rest: float = np.nan
    rest_key: int = NO_KEY
    enclosing: float = np.nan  # the smallest same count of the areas that contain this one


def share_cell(numerator: Cell, rest: Cell) -> Cell:
    """The share `numerator` is of `numerator` and `rest` together (two counts of people)."""
    denominator = numerator.value + rest.value
    key = (numerator.key + rest.key) % 256 if NO_KEY not in (numerator.key, rest.key) else NO_KEY
    if denominator == 0:
        return Cell("", np.nan, 0.0, "z", key)
    return Cell("", 100.0 * numerator.value / denominator, float(denominator), "", key,
                numerator.value, numerator.key, rest.value, rest.key)


@dataclass(frozen=True)
class Tally:
    """What one quarter contributes to a flow or timeliness measure: a value per event (1 for a
    count, days for an average, a 0/1 flag for a percentage) and its category. A window is its
    quarters' tallies put together, so a 12-quarter series reuses each quarter's tally instead of
    re-reading 12 quarters for every point. Plain arrays: these are cut and joined many times
    per page, where pandas' own overhead would dominate."""

    how: str  # count, sum, groups, average, percent
    values: np.ndarray
    # each value's category as its position in `order` (-1: none of them, so in the Total only):
    # two bytes a value, where the names themselves were a Python string a value
    categories: np.ndarray | None = None
    order: tuple[str, ...] = ()
    key_codes: np.ndarray | None = None  # each value's LA (or agency), as a code into key_names
    key_names: np.ndarray | None = None
    record_keys: np.ndarray | None = None  # each value's record key (metrics.perturbation)

    @classmethod
    def of(cls, how: str, values: pd.Series, categories: pd.Series | None = None, order: tuple[str, ...] = (),
           record_keys: pd.Series | np.ndarray | None = None) -> "Tally":
        cats = None if categories is None else category_codes(categories.reindex(values.index), order)
        # one byte a value: national tallies of every measure and quarter are kept in memory
        keys = None if record_keys is None else np.asarray(record_keys, dtype=np.uint8)
        return cls(how, values.to_numpy(dtype=float), cats, order, record_keys=keys)

    def with_keys(self, keys: pd.Series) -> "Tally":
        codes, names = pd.factorize(keys)
        # two bytes a value, not eight: England has some 150 LAs and fewer agencies
        small = np.int16 if len(names) < np.iinfo(np.int16).max else np.int32
        return replace(self, key_codes=codes.astype(small), key_names=np.asarray(names, dtype=object))

    def only(self, keys: frozenset[str]) -> "Tally":
        """The part of an England tally that belongs to a scope's LAs (or agencies)."""
        wanted = np.fromiter(map(keys.__contains__, self.key_names), dtype=bool, count=len(self.key_names))
        inside = wanted[self.key_codes] if len(self.key_codes) else np.zeros(0, dtype=bool)
        categories = self.categories[inside] if self.categories is not None else None
        keys = self.record_keys[inside] if self.record_keys is not None else None
        return Tally(self.how, self.values[inside], categories, self.order, record_keys=keys)


def category_codes(categories: pd.Series, order: tuple[str, ...]) -> np.ndarray:
    """Each category's position in `order`, -1 for one not in it (or none)."""
    return pd.Categorical(categories, categories=list(order)).codes.astype(np.int16)


def tally_cells(tallies: list[Tally], stat: str) -> list[Cell]:
    first = tallies[0]
    values = np.concatenate([t.values for t in tallies])
    keyed = all(t.record_keys is not None for t in tallies)
    keys = np.concatenate([t.record_keys for t in tallies]) if keyed else np.zeros(len(values), dtype=np.uint8)
    everything = np.ones(len(values), dtype=bool)
    groups: list[tuple[str, np.ndarray]] = [("", everything)] if not first.order else []
    if first.order:
        categories = np.concatenate([t.categories for t in tallies])
        groups = [(c, categories == n) for n, c in enumerate(first.order)] + [("Total", everything)]
    cells = []
    for name, inside in groups:
        v, k = values[inside], keys[inside]
        key = cell_key(k) if keyed else NO_KEY
        if first.how == "count":
            cells.append(Cell(name, float(len(v)), float(len(v)), "", key))
        elif first.how == "sum":
            cells.append(Cell(name, float(v.sum()), float(v.sum()), "", key))
        elif first.how == "groups":  # one value per group: its size; the cohort is the children
            cells.append(Cell(name, float(len(v)), float(v.sum()), "", key))
        elif len(v) == 0:
            cells.append(Cell(name, np.nan, 0.0, "z", key))
        elif first.how == "average":
            cells.append(Cell(name, float(np.median(v) if stat == "median" else v.mean()), float(len(v)), "", key))
        else:  # percent: 1 for each record in it, 0 for the others
            yes = v > 0
            part_key = cell_key(k[yes]) if keyed else NO_KEY
            rest_key = cell_key(k[~yes]) if keyed else NO_KEY
            cells.append(Cell(name, 100.0 * float(v.mean()), float(len(v)), "", key,
                              float(yes.sum()), part_key, float((~yes).sum()), rest_key))
    return cells


# ---------------------------------------------------------------- a quarter's values


def ones(rows: pd.DataFrame) -> pd.Series:
    """A count's values: 1 for each row."""
    return pd.Series(1.0, index=rows.index)


def days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Days from `earlier` to `later`, row by row (an average's values)."""
    return (later - earlier).dt.days.astype(float)


def tallied(how: str, rows: pd.DataFrame, values: pd.Series, categories: pd.Series | None = None,
            order: tuple[str, ...] = ()) -> tuple[pd.DataFrame, Tally]:
    """A quarter's tally with the rows its values came from (whose LAs let a scope be cut), and
    their record keys."""
    rows = rows.loc[values.index]
    keys = rows["record_key"] if "record_key" in rows else None
    return rows, Tally.of(how, values, categories, order, keys)


# ---------------------------------------------------------------- measure functions


@dataclass(frozen=True)
class PerQuarter:
    """A measure function that tallies one quarter: it gives the rows its values came from and
    their `Tally`. A window joins its quarters' tallies, each tallied once for England and cut
    to the scope."""

    tally: Callable[[Context], tuple[pd.DataFrame, Tally]]


# Per quarter, or the cells of the whole selection at once (shares, ratios, data quality).
MeasureFunction = PerQuarter | Callable[[Context], list[Cell]]


def quarter_tally(ctx: Context, quarter: Quarter, function: PerQuarter) -> Tally:
    """One quarter's tally for the context's scope, cut from England's: each (measure, quarter)
    is tallied once, whatever scopes are asked for afterwards."""
    # Only the rows of LAs (or agencies) whose returns carry what the figure needs count.
    keys = coverage(ctx, quarter, ctx.measure.table).keys
    version = ctx.data.versions.get(quarter.index)
    # Scopes (and needs) that count the same LAs share their cut. Cuts are kept with the rows
    # a page's measures share, not with the results: cheap to make again, and as many as the
    # scopes and quarters ever asked about. Looked for first: most asks find theirs.
    cut_key = ("cut", ctx.selection.measure, ctx.selection.breakdown, quarter, version, keys)
    shared = ctx.data.row_memo
    if shared is not None and (cut := shared.get(cut_key)) is not None:
        return cut
    england = ctx.geography.scope("england")
    selection = replace(ctx.selection, scope=england.code, quarter=quarter, window=1, stat="mean")
    key = ("tally", selection, version)
    memo = ctx.data.memo
    national = memo.get(key) if memo is not None else None
    if national is None:
        rows, national = function.tally(replace(ctx, selection=selection, scope=england))
        national = national.with_keys(rows[KEY_COLUMNS[ctx.measure.table]])
        if memo is not None:
            memo[key] = national
    if ctx.scope.kind == "england" and keys.issuperset(national.key_names):
        return national
    cut = national.only(keys)
    if shared is not None:
        shared[cut_key] = cut
    return cut


def cells_for(ctx: Context, function: MeasureFunction) -> list[Cell]:
    """The context's cells from its measure's function."""
    if not isinstance(function, PerQuarter):
        return function(ctx)
    return tally_cells([quarter_tally(ctx, q, function) for q in ctx.quarters], ctx.selection.stat)


def other_cells(ctx: Context, functions: Mapping[str, MeasureFunction], measure: str,
                breakdown: str | None = None) -> list[Cell]:
    """Another measure's cells (its function one of `functions`) for the same scope and window
    (from its cached tallies), from the LAs (or agencies) whose returns carry what this figure
    needs too, so that a share's parts count the same ones."""
    selection = replace(ctx.selection, measure=measure, breakdown=breakdown)
    other = replace(ctx, selection=selection, measure=MEASURES[measure], outer=ctx.needs)
    return cells_for(other, functions[measure])
