"""Compute a measure for a selection (scope, quarter, window, breakdown, statistic).

`compute` turns the rows of current returns (a `MeasureData`) into tidy result rows, one per
category plus a Total when broken down, with the cohort behind every value, the number of
expected returns that are missing and how many of those behind it are partial. `measure_frame` adds disclosure control for the caller;
`benchmark` and `series` put scopes side by side and quarters in a row. Pure: imports pandas
and metrics only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from metrics.access import Caller
from metrics.disclosure import PROTECTION_COLUMNS, DisclosurePolicy, disclose, disclose_columns
from metrics.perturbation import NO_KEY, cell_key
from metrics.quarters import Quarter, quarter_range
from metrics.registry import MEASURES, Measure, Need, merged, need_words
from metrics.scope import Geography, Scope
from metrics.selection import Selection

RESULT_COLUMNS = [
    "scope", "scope_name", "scope_kind", "quarter", "breakdown", "category", "value", "cohort",
    "missing_returns", "value_type", "status", "not_available_reason", "partial_returns",
]  # fmt: skip
TABLES = ("children", "adopters", "special_guardianship", "support")


KEY_COLUMNS = {"children": "la_code", "special_guardianship": "la_code", "adopters": "agency_code", "support": "agency_code"}
LA_TABLES = ("children", "special_guardianship")  # rows counted by the child's LA
# What a reason for `[x]` calls each stored source format.
FORMAT_NAMES = {"annex_a": "Annex A", "ssda903": "SSDA903", "xlsx": "return workbook",
                "zip": "return CSV files", "folder": "return CSV files", "csv": "return CSV files",
                "demo": "demo returns"}

Carried = Mapping[str, frozenset[str]] | None  # {table: columns}; None: the whole return format


def parse_carries(stored: object) -> Carried:
    """What a return carries, from its stored JSON (`Return.carries`); None: everything."""
    if stored is None or (isinstance(stored, float) and np.isnan(stored)):
        return None
    found = json.loads(stored) if isinstance(stored, str) else stored
    return {str(table): frozenset(columns) for table, columns in found.items()}


def carries_all(carried: Carried, needs: tuple[Need, ...]) -> bool:
    """Whether a return that carries `carried` carries every one of `needs`."""
    if carried is None:
        return True
    return all(n.table in carried and carried[n.table].issuperset(n.columns) for n in needs)


@dataclass
class Part:
    """One quarter's rows of one table, with where each LA's (or agency's) rows are, so that a
    scope's rows are taken without scanning the rest; and, once asked, which rows' events fell
    inside the quarter (the rows flows and timeliness count)."""

    frame: pd.DataFrame
    positions: dict[str, np.ndarray]
    quarter: Quarter | None = None
    events: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def of(cls, frame: pd.DataFrame, table: str, quarter_index: int | None = None) -> "Part":
        frame = frame.reset_index(drop=True)
        positions = {str(k): v for k, v in frame.groupby(KEY_COLUMNS[table], sort=False).indices.items()} if len(frame) else {}
        quarter = Quarter.from_index(int(quarter_index)) if quarter_index is not None else None
        return cls(frame, positions, quarter)

    def in_quarter(self, column: str) -> np.ndarray:
        """Mask of rows whose `column` falls inside this part's quarter (computed once)."""
        if column not in self.events:
            values = self.frame[column]
            inside = (values >= pd.Timestamp(self.quarter.start)) & (values <= pd.Timestamp(self.quarter.end))
            self.events[column] = inside.to_numpy(dtype=bool)
        return self.events[column]

    def select(self, keys: frozenset[str], event: str | None = None) -> pd.DataFrame:
        everyone = keys.issuperset(self.positions)
        if everyone and event is None:
            return self.frame
        if everyone:
            found = np.arange(len(self.frame))
        else:
            pieces = [self.positions[k] for k in keys if k in self.positions]
            if not pieces:
                return self.frame.iloc[0:0]
            found = np.sort(np.concatenate(pieces))
        if event is not None:
            found = found[self.in_quarter(event)[found]]
        return self.frame.take(found)


@dataclass
class MeasureData:
    """Rows of current returns, quarter by quarter. `returns` has agency_code and quarter_index
    of every current return (and rows_held_back, more than 0 for a partial return); `parts[table][quarter_index]` holds that quarter's rows of a table
    (its columns plus agency_code and quarter_index). `versions` identify each quarter's data,
    so that `memo` (any mapping, shared between requests) can keep computed results safely."""

    returns: pd.DataFrame
    parts: dict[str, dict[int, Part]] = field(default_factory=dict)
    templates: dict[str, pd.DataFrame] = field(default_factory=dict)  # typed, zero rows
    versions: dict[int, object] = field(default_factory=dict)
    memo: MutableMapping | None = None
    row_memo: MutableMapping | None = None  # selected rows, shared by measures (read-only)
    _returned: dict[int, frozenset[str]] | None = field(default=None, repr=False)
    _carried: dict[int, dict[str, Carried]] | None = field(default=None, repr=False)
    _covered: dict[tuple, object] = field(default_factory=dict, repr=False)
    _partial: dict[int, frozenset[str]] | None = field(default=None, repr=False)

    @classmethod
    def from_frames(cls, returns: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> "MeasureData":
        parts = {
            name: {int(q): Part.of(rows, name, int(q)) for q, rows in frame.groupby("quarter_index")}
            for name, frame in tables.items()
        }
        return cls(returns, parts, {name: frame.iloc[0:0] for name, frame in tables.items()})

    def covered_las(self, quarter_index: int, geography: Geography, needs: tuple[Need, ...] = ()) -> frozenset[str]:
        """LAs with a return for the quarter, their own or else their RAA's, that carries
        `needs` (merged; none: any return)."""
        key = ("las", quarter_index, needs)
        if key not in self._covered:
            agencies = self.returned(quarter_index)
            carrying = self.carrying(quarter_index, needs) if needs else agencies
            self._covered[key] = frozenset(
                la for la, submitter in geography.submitter.items()
                if (la if la in agencies else submitter) in carrying
            )
        return self._covered[key]  # type: ignore[return-value]

    def carried(self, quarter_index: int) -> dict[str, Carried]:
        """Agency -> what its current return for the quarter carries (read once for all
        quarters, from the returns' `carries` column; without one, everything)."""
        if self._carried is None:
            stored = self.returns["carries"] if "carries" in self.returns else [None] * len(self.returns)
            found: dict[int, dict[str, Carried]] = {}
            for agency, q, text in zip(self.returns["agency_code"], self.returns["quarter_index"], stored):
                found.setdefault(int(q), {})[str(agency)] = parse_carries(text)
            self._carried = found
        return self._carried.get(quarter_index, {})

    def carrying(self, quarter_index: int, needs: tuple[Need, ...]) -> frozenset[str]:
        """Agencies whose current return for the quarter carries every one of `needs`."""
        key = ("carrying", quarter_index, needs)
        if key not in self._covered:
            self._covered[key] = frozenset(a for a, c in self.carried(quarter_index).items() if carries_all(c, needs))
        return self._covered[key]  # type: ignore[return-value]

    def format_of(self, quarter_index: int, agency: str) -> str:
        """The source format of an agency's current return for the quarter, in words."""
        if "source_format" not in self.returns:
            return ""
        found = self.returns.loc[(self.returns["quarter_index"] == quarter_index)
                                 & (self.returns["agency_code"] == agency), "source_format"]
        code = str(found.iloc[0]) if len(found) and pd.notna(found.iloc[0]) else ""
        return FORMAT_NAMES.get(code, code)

    def returned(self, quarter_index: int) -> frozenset[str]:
        """Agencies with a current return for the quarter."""
        if self._returned is None:
            self._returned = {int(q): frozenset(g) for q, g in self.returns.groupby("quarter_index")["agency_code"]}
        return self._returned.get(quarter_index, frozenset())

    def partial(self, quarter_index: int) -> frozenset[str]:
        """Agencies whose current return for the quarter is partial (rows held back)."""
        if self._partial is None:
            held = self.returns.get("rows_held_back")
            found = self.returns[held > 0] if held is not None else self.returns.iloc[0:0]
            self._partial = {int(q): frozenset(g) for q, g in found.groupby("quarter_index")["agency_code"]}
        return self._partial.get(quarter_index, frozenset())

    def rows(self, table: str, quarter_indexes: list[int], keys: frozenset[str], event: str | None = None) -> pd.DataFrame:
        """A table's rows from some quarters, for the LAs (or agencies) in `keys`; with `event`,
        only rows whose event date falls inside their own quarter (each event counted once)."""
        key = ("rows", table, tuple(quarter_indexes), tuple(self.versions.get(q) for q in quarter_indexes), keys, event)
        if self.row_memo is not None and (cached := self.row_memo.get(key)) is not None:
            return cached
        pieces = []
        for q in quarter_indexes:
            part = self.parts.get(table, {}).get(q)
            if part is not None and len(part.frame):
                pieces.append(part.select(keys, event))
        if not pieces:
            return self.templates[table]
        rows = pieces[0] if len(pieces) == 1 else pd.concat(pieces, ignore_index=True)
        if self.row_memo is not None:  # measures on one page share their scope's rows
            self.row_memo[key] = rows
        return rows


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

    def rows(self, table: str, quarters: list[Quarter] | None = None, event: str | None = None) -> pd.DataFrame:
        """The table's rows that this scope counts, from the returns of `quarters` (with
        `event`: only the rows whose event fell in the quarter of their return)."""
        wanted = [q.index for q in (quarters or self.quarters)]
        if table in LA_TABLES:
            return self.data.rows(table, wanted, self.geography.child_las(self.scope), event)
        return self.data.rows(table, wanted, self.geography.household_keys(self.scope), event)

    def shared(self, what: tuple, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Rows derived for this scope and quarter that other measures reuse (read-only)."""
        memo = self.data.row_memo
        key = ("shared", what, self.scope.code, tuple(self.data.versions.get(q.index) for q in self.quarters),
               tuple(q.index for q in self.quarters))
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


def quarter_ends(quarter_index: pd.Series) -> pd.Series:
    ends = {i: pd.Timestamp(Quarter.from_index(int(i)).end) for i in quarter_index.unique()}
    return quarter_index.map(ends).astype("datetime64[ns]")


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


# ---------------------------------------------------------------- cells from rows


def share_cell(numerator: Cell, rest: Cell) -> Cell:
    """The share `numerator` is of `numerator` and `rest` together (two counts of people)."""
    denominator = numerator.value + rest.value
    key = (numerator.key + rest.key) % 256 if NO_KEY not in (numerator.key, rest.key) else NO_KEY
    if denominator == 0:
        return Cell("", np.nan, 0.0, "z", key)
    return Cell("", 100.0 * numerator.value / denominator, float(denominator), "", key,
                numerator.value, numerator.key, rest.value, rest.key)


# ---------------------------------------------------------------- compute


@dataclass(frozen=True)
class Tally:
    """What one quarter contributes to a flow or timeliness measure: a value per event (1 for a
    count, days for an average, a 0/1 flag for a percentage) and its category. A window is its
    quarters' tallies put together, so a 12-quarter series reuses each quarter's tally instead of
    re-reading 12 quarters for every point. Plain arrays: these are cut and joined many times
    per page, where pandas' own overhead would dominate."""

    how: str  # count, sum, groups, average, percent
    values: np.ndarray
    categories: np.ndarray | None = None
    order: tuple[str, ...] = ()
    key_codes: np.ndarray | None = None  # each value's LA (or agency), as a code into key_names
    key_names: np.ndarray | None = None
    record_keys: np.ndarray | None = None  # each value's record key (metrics.perturbation)

    @classmethod
    def of(cls, how: str, values: pd.Series, categories: pd.Series | None = None, order: tuple[str, ...] = (),
           record_keys: pd.Series | np.ndarray | None = None) -> "Tally":
        cats = None if categories is None else categories.reindex(values.index).to_numpy(dtype=object)
        # one byte a value: national tallies of every measure and quarter are kept in memory
        keys = None if record_keys is None else np.asarray(record_keys, dtype=np.uint8)
        return cls(how, values.to_numpy(dtype=float), cats, order, record_keys=keys)

    def with_keys(self, keys: pd.Series) -> "Tally":
        codes, names = pd.factorize(keys)
        return replace(self, key_codes=codes, key_names=np.asarray(names, dtype=object))

    def only(self, keys: frozenset[str]) -> "Tally":
        """The part of an England tally that belongs to a scope's LAs (or agencies)."""
        wanted = np.fromiter((k in keys for k in self.key_names), dtype=bool, count=len(self.key_names))
        inside = wanted[self.key_codes] if len(self.key_codes) else np.zeros(0, dtype=bool)
        categories = self.categories[inside] if self.categories is not None else None
        keys = self.record_keys[inside] if self.record_keys is not None else None
        return Tally(self.how, self.values[inside], categories, self.order, record_keys=keys)


def tally_cells(tallies: list[Tally], stat: str) -> list[Cell]:
    first = tallies[0]
    values = np.concatenate([t.values for t in tallies])
    keyed = all(t.record_keys is not None for t in tallies)
    keys = np.concatenate([t.record_keys for t in tallies]) if keyed else np.zeros(len(values), dtype=np.uint8)
    everything = np.ones(len(values), dtype=bool)
    groups: list[tuple[str, np.ndarray]] = [("", everything)] if not first.order else []
    if first.order:
        categories = np.concatenate([t.categories for t in tallies])
        groups = [(c, categories == c) for c in first.order] + [("Total", everything)]
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


MeasureFunction = Callable[[Context], list[Cell]]
FUNCTIONS: dict[str, MeasureFunction] = {}
PER_QUARTER: set[str] = set()  # functions that return one quarter's Tally


def measure_function(*ids: str, per_quarter: bool = False) -> Callable[[MeasureFunction], MeasureFunction]:
    def register(function: MeasureFunction) -> MeasureFunction:
        for measure_id in ids:
            FUNCTIONS[measure_id] = function
            if per_quarter:
                PER_QUARTER.add(measure_id)
        return function

    return register


def quarter_tally(ctx: Context, quarter: Quarter) -> Tally:
    """One quarter's tally for the context's scope, cut from England's: each (measure, quarter)
    is tallied once, whatever scopes are asked for afterwards."""
    england = ctx.geography.scope("england")
    selection = replace(ctx.selection, scope=england.code, quarter=quarter, window=1, stat="mean")
    key = ("tally", selection, ctx.data.versions.get(quarter.index))
    memo = ctx.data.memo
    national = memo.get(key) if memo is not None else None
    if national is None:
        rows, national = FUNCTIONS[ctx.measure.id](replace(ctx, selection=selection, scope=england))
        national = national.with_keys(rows[KEY_COLUMNS[ctx.measure.table]])
        if memo is not None:
            memo[key] = national
    # Only the rows of LAs (or agencies) whose returns carry what the figure needs count.
    keys = coverage(ctx, quarter, ctx.measure.table).keys
    if ctx.scope.kind == "england" and keys.issuperset(national.key_names):
        return national
    cut_key = (key, keys)  # scopes (and needs) that count the same LAs share their cut
    if memo is not None and (cut := memo.get(cut_key)) is not None:
        return cut
    cut = national.only(keys)
    if memo is not None:
        memo[cut_key] = cut
    return cut


def cells_for(ctx: Context) -> list[Cell]:
    if ctx.measure.id not in PER_QUARTER:
        return FUNCTIONS[ctx.measure.id](ctx)
    return tally_cells([quarter_tally(ctx, q) for q in ctx.quarters], ctx.selection.stat)


@dataclass(frozen=True)
class Result:
    """One selection's cells and what describes them: a row set of RESULT_COLUMNS before it is
    a frame. Results are small and immutable, so they are what `data.memo` keeps, and a series
    of them becomes one frame at the end instead of a frame per quarter joined up."""

    scope: str
    scope_name: str
    scope_kind: str
    quarter: str
    breakdown: str
    missing_returns: int
    value_type: str
    cells: tuple[Cell, ...]
    not_available_reason: str = ""  # why the cells are [x]
    partial_returns: int = 0  # of the returns behind the cells, how many are partial


def _result_columns(results: list[Result]) -> dict[str, list | np.ndarray]:
    """The RESULT_COLUMNS of results, in order, as lists and arrays."""
    described = [(r, c) for r in results for c in r.cells]
    n = len(described)
    return {
        "scope": [r.scope for r, _ in described],
        "scope_name": [r.scope_name for r, _ in described],
        "scope_kind": [r.scope_kind for r, _ in described],
        "quarter": [r.quarter for r, _ in described],
        "breakdown": [r.breakdown for r, _ in described],
        "category": [c.category for _, c in described],
        "value": np.fromiter((c.value for _, c in described), dtype=float, count=n),
        "cohort": np.fromiter((c.cohort for _, c in described), dtype=float, count=n),
        "missing_returns": np.fromiter((r.missing_returns for r, _ in described), dtype=np.int64, count=n),
        "value_type": [r.value_type for r, _ in described],
        "status": [c.status for _, c in described],
        "not_available_reason": [r.not_available_reason if c.status == "x" else "" for r, c in described],
        "partial_returns": np.fromiter((r.partial_returns for r, _ in described), dtype=np.int64, count=n),
        # What disclosure control needs and nobody is shown (PROTECTION_COLUMNS).
        "cell_key": np.fromiter((c.key for _, c in described), dtype=np.int64, count=n),
        "part": np.fromiter((c.part for _, c in described), dtype=float, count=n),
        "part_key": np.fromiter((c.part_key for _, c in described), dtype=np.int64, count=n),
        "rest": np.fromiter((c.rest for _, c in described), dtype=float, count=n),
        "rest_key": np.fromiter((c.rest_key for _, c in described), dtype=np.int64, count=n),
        "enclosing": np.fromiter((c.enclosing for _, c in described), dtype=float, count=n),
    }


def result_frame(results: list[Result]) -> pd.DataFrame:
    """The rows (RESULT_COLUMNS) of results, in order."""
    return pd.DataFrame(_result_columns(results))


def shown_frame(results: list[Result], caller: Caller, geography: Geography,
                policy: DisclosurePolicy) -> pd.DataFrame:
    """`shown_to(caller, result_frame(results), ...)`, deciding on the columns before they are
    a frame: one frame built, not one built, read and copied (a third of a page's time)."""
    columns = _result_columns(results)
    value, cohort, shown = disclose_columns(columns, policy, caller.sees_unsuppressed(geography))
    kept = {name: column for name, column in columns.items() if name not in PROTECTION_COLUMNS}
    return pd.DataFrame({**kept, "value": value, "cohort": cohort,
                         "shown": pd.Series(shown, dtype=object)})


def result(selection: Selection, data: MeasureData, geography: Geography) -> Result:
    """The measure's cells for one scope and quarter.

    Results are kept in `data.memo` when there is one, keyed by the selection and the versions
    of the quarters it reads: the rows a caller may see are decided later, by disclosure."""
    if data.memo is None:
        return _compute(selection, data, geography)
    key = (selection, tuple(data.versions.get(q.index) for q in selection.quarters))
    cached = data.memo.get(key)
    if cached is None:
        cached = _compute(selection, data, geography)
        data.memo[key] = cached
    return cached


def compute_many(selections: list[Selection], data: MeasureData, geography: Geography) -> pd.DataFrame:
    """The result rows (RESULT_COLUMNS) of several selections, in order, as one frame."""
    return result_frame([result(s, data, geography) for s in selections])


def compute_shown(selections: list[Selection], data: MeasureData, geography: Geography,
                  caller: Caller, policy: DisclosurePolicy) -> pd.DataFrame:
    """The disclosed rows of several selections, in order, as the caller may see them (all the
    rows disclosed together, so a breakdown's cells protect each other across scopes)."""
    return shown_frame([result(s, data, geography) for s in selections], caller, geography, policy)


def compute(selection: Selection, data: MeasureData, geography: Geography) -> pd.DataFrame:
    """The measure's result rows for one scope and quarter (RESULT_COLUMNS)."""
    return compute_many([selection], data, geography)


def _compute(selection: Selection, data: MeasureData, geography: Geography) -> Result:
    import metrics.measures  # noqa: F401  (fills FUNCTIONS)

    measure = selection.check()
    scope = geography.scope(selection.scope)
    ctx = Context(selection, measure, data, geography, scope)
    value_type = selection.stat if measure.averages else measure.value_type
    missing, _ = missing_returns(ctx, measure.table)
    reason = ""
    if not ctx.applies(measure.table) and measure.kind != "quality":
        cells = [Cell("", np.nan, np.nan, "z")]
    elif measure.kind != "quality" and (reason := not_available(ctx)):
        cells = [Cell("", np.nan, np.nan, "x")]  # nothing carries it: not available, not zero
    else:
        cells = cells_for(ctx)
    if measure.id == "returns_received":
        missing = int(cells[0].cohort - cells[0].value)
    elif measure.kind != "quality":
        cells = _with_enclosing(cells, selection, data, geography, scope, value_type)
    return Result(scope.code, scope.name, scope.kind, str(selection.quarter), selection.breakdown or "",
                  int(missing), value_type, tuple(cells), reason,
                  partial_returns=partial_returns(ctx, measure.table))


def enclosing_scopes(scope: Scope, geography: Geography) -> list[str]:
    """The areas that contain a scope: an LA's RAA and region, an RAA's or VAA's region, a
    region's England."""
    if scope.kind == "england":
        return []
    if scope.kind == "region":
        return ["england"]
    region = geography.region_of(scope)
    parents = [region.code] if region is not None else []
    if scope.kind == "la":
        raa = geography.agencies.at[scope.code, "raa_code"]
        if isinstance(raa, str) and raa:
            parents.insert(0, raa)
    return parents


def _with_enclosing(cells: list[Cell], selection: Selection, data: MeasureData, geography: Geography,
                    scope: Scope, value_type: str) -> list[Cell]:
    """Each cell with the smallest same count of the areas around it (the count itself, or an
    average's cohort): disclosure control hides every cell of an area whose enclosing count it
    hides, so that an area's zeros do not say how its hidden count is shared out."""
    smallest: dict[str, float] = {}
    for parent in enclosing_scopes(scope, geography):
        for cell in result(replace(selection, scope=parent), data, geography).cells:
            if cell.status:
                continue
            count = cell.value if value_type == "count" else cell.cohort
            smallest[cell.category] = min(smallest.get(cell.category, np.inf), count)
    if not smallest:
        return cells
    return [replace(c, enclosing=smallest.get(c.category, np.nan)) for c in cells]


def measure_frame(
    selection: Selection, data: MeasureData, geography: Geography, caller: Caller, policy: DisclosurePolicy
) -> pd.DataFrame:
    """`compute` with disclosure control for the caller: what the dashboard and API show."""
    return disclose(compute(selection, data, geography), policy, caller.sees_unsuppressed(geography))


def benchmark_scopes(selection: Selection, geography: Geography, peers: tuple[str, ...] = ()) -> list[str]:
    """The selection's scope, its region and England (where different), then any peers."""
    scope = geography.scope(selection.scope)
    scopes = [scope.code]
    region = geography.region_of(scope)
    if region is not None and region.code != scope.code:
        scopes.append(region.code)
    if scope.kind != "england":
        scopes.append("england")
    return scopes + [c for c in (geography.scope(p).code for p in peers) if c not in scopes]


def benchmark_rows(selection: Selection, data: MeasureData, geography: Geography, peers: tuple[str, ...] = ()) -> pd.DataFrame:
    """Undisclosed rows of the scope beside its region, England and peers (see `benchmark`)."""
    scopes = benchmark_scopes(selection, geography, peers)
    return compute_many([replace(selection, scope=s) for s in scopes], data, geography)


def series_rows(selection: Selection, first: Quarter, data: MeasureData, geography: Geography) -> pd.DataFrame:
    """Undisclosed rows, one set per quarter from `first` to the selection's quarter."""
    if first > selection.quarter:
        raise ValueError("from must not be after quarter")
    quarters = quarter_range(first, selection.quarter)
    return compute_many([replace(selection, quarter=q) for q in quarters], data, geography)


def shown_to(caller: Caller, rows: pd.DataFrame, geography: Geography, policy: DisclosurePolicy) -> pd.DataFrame:
    """Disclosure control for this caller over any rows (a page discloses its rows once)."""
    return disclose(rows, policy, caller.sees_unsuppressed(geography))


def benchmark(
    selection: Selection, data: MeasureData, geography: Geography, caller: Caller,
    policy: DisclosurePolicy, peers: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The selection's scope beside its region, England and any peer scopes, same period."""
    return shown_to(caller, benchmark_rows(selection, data, geography, peers), geography, policy)


def series(
    selection: Selection, first: Quarter, data: MeasureData, geography: Geography, caller: Caller,
    policy: DisclosurePolicy,
) -> pd.DataFrame:
    """One row set per quarter from `first` to the selection's quarter."""
    return shown_to(caller, series_rows(selection, first, data, geography), geography, policy)

