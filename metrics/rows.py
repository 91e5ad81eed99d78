"""The row store: the rows of current returns, quarter by quarter, and what each return carries.

`MeasureData` holds each quarter's rows of each table (a `Part`, which knows where each LA's or
agency's rows are), the current returns (their formats, what they carry, whether partial) and
the memos that let requests share results. The store (db/measure_data.py) fills it; the
measures read it through a `Context`. Pure: imports pandas, numpy and metrics.quarters,
metrics.registry and metrics.scope only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd

from metrics.quarters import Quarter
from metrics.registry import Need
from metrics.scope import Geography

KEY_COLUMNS = {"children": "la_code", "special_guardianship": "la_code", "adopters": "agency_code", "support": "agency_code"}
LA_TABLES = ("children", "special_guardianship")  # rows counted by the child's LA
# What a reason for `[x]` calls each stored source format.
FORMAT_NAMES = {"annex_a": "Annex A", "ssda903": "SSDA903", "xlsx": "return workbook",
                "zip": "return CSV files", "folder": "return CSV files", "csv": "return CSV files",
                "demo": "demo returns"}

T = TypeVar("T")
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
    of every current return (and rows_held_back, more than 0 for a partial return);
    `parts[table][quarter_index]` holds that quarter's rows of a table (its columns plus
    agency_code and quarter_index). `versions` identify each quarter's data,
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

    def derived(self, key: tuple, make: Callable[[], T]) -> T:
        """What `make` works out from these rows, kept with them under `key` (read-only)."""
        if (found := self._covered.get(key)) is None:
            found = self._covered[key] = make()
        return found  # type: ignore[return-value]

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


def quarter_ends(quarter_index: pd.Series) -> pd.Series:
    """The last day of each row's quarter (the quarter of the return it came from)."""
    ends = {i: pd.Timestamp(Quarter.from_index(int(i)).end) for i in quarter_index.unique()}
    return quarter_index.map(ends).astype("datetime64[ns]")
