"""The rows the measures need, read from current returns and kept per quarter in memory.
Imports config, db and metrics only.

`load_measure_data` reads a quarter range once (tests, the bench). `MeasureSource` is what the
app holds: it keeps each quarter's rows after the first read, keyed by that quarter's data
version (the newest return id and the number of current returns), so a load in any worker is
seen by every worker on its next request while repeat questions cost no database reads.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, MutableMapping
from contextvars import ContextVar

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from config import Settings
from db.engine import session_factory
from db import audit, notes
from db.frames import current_rows
from db.models import ROW_MODELS, Agency, DisclosureKey, Return
from metrics.access import Caller
from metrics.perturbation import record_keys
from metrics.quarters import Quarter, quarter_range
from metrics.rows import MeasureData, Part
from metrics.scope import Geography

# Columns no measure reads: left out to keep the per-quarter frames small.
NOT_NEEDED = {
    "children": ("sex",),
    "adopters": (),
    "special_guardianship": ("sex", "ethnicity", "disability"),
    "support": (),
}
# What makes a record the same record in every return: its record key (the cell key method,
# metrics.perturbation) is made from these and the database's secret, then they are dropped.
IDENTITY = {
    "children": ("la_code", "child_id"),
    "adopters": ("agency_code", "adopter_id"),
    "special_guardianship": ("la_code", "child_id"),
    "support": ("agency_code", "quarter_index"),
}
IDENTITY_ONLY = {"children": ("child_id",), "adopters": ("adopter_id",),
                 "special_guardianship": ("child_id",), "support": ()}


# A quarter's version: (newest current return id, current returns, newest load time).
Version = tuple[int, int, str]
NO_RETURNS: Version = (0, 0, "")

# The data versions as read once in the current request (see MeasureSource.begin_reading).
_READING: ContextVar[dict | None] = ContextVar("measure_reading", default=None)


def load_geography(sessions: sessionmaker[Session]) -> Geography:
    with sessions() as session:
        rows = session.execute(select(Agency.code, Agency.name, Agency.kind, Agency.region, Agency.raa_code)).all()
    return Geography(pd.DataFrame(rows, columns=["code", "name", "kind", "region", "raa_code"]))


def current_returns(session: Session, quarter_indexes: list[int]) -> pd.DataFrame:
    """Each current return's agency and quarter, what its format carries (JSON, None: the
    whole return format), that format's name, and the rows a partial load held back: the
    coverage of every figure."""
    rows = session.execute(
        select(Return.agency_code, Return.quarter_index, Return.carries, Return.source_format,
               Return.rows_held_back)
        .where(Return.is_current.is_(True), Return.quarter_index.in_(quarter_indexes))
    ).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["agency_code", "quarter_index", "carries",
                                                          "source_format", "rows_held_back"])


def disclosure_secret(session: Session) -> bytes:
    """The database's secret for record keys (made by the migration that made its table)."""
    secret = session.scalar(select(DisclosureKey.secret).order_by(DisclosureKey.id).limit(1))
    if not secret:
        raise RuntimeError("the database has no disclosure key: run `python -m db init`")
    return secret.encode()


def _quarter_frames(session: Session, quarter_indexes: list[int], secret: bytes) -> dict[str, pd.DataFrame]:
    frames = {}
    for table in ROW_MODELS:
        frame = current_rows(session, table, quarter_indexes, skip=NOT_NEEDED.get(table, ()))
        frame["record_key"] = record_keys(frame[list(IDENTITY[table])], secret)
        frames[table] = frame.drop(columns=list(IDENTITY_ONLY[table]))
    return frames


def load_measure_data(sessions: sessionmaker[Session], first: Quarter, last: Quarter) -> MeasureData:
    """Every current row of the quarters from `first` to `last`."""
    indexes = [q.index for q in quarter_range(first, last)]
    with sessions() as session:
        frames = _quarter_frames(session, indexes, disclosure_secret(session))
        return MeasureData.from_frames(current_returns(session, indexes), frames)


def relax_garbage_collection() -> None:
    """Collect young objects less often. The cache keeps tens of thousands of long-lived
    objects, and with Python's default threshold (700 allocations) the collector's full passes
    over them took a page from 50 ms to 250 ms now and then."""
    gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(max(gen0, 100_000), max(gen1, 50), max(gen2, 100))


ROW_MEMO_BYTES = 24_000_000


class LruMemo(MutableMapping):
    """A bounded, thread-safe mapping for computed results (oldest use dropped first): at most
    `size` items and, with `budget`, at most that many bytes as `weigh` counts them."""

    def __init__(self, size: int, budget: int | None = None, weigh: Callable[[object], int] | None = None):
        self._size = size
        self._budget = budget
        self._weigh = weigh or (lambda _value: 0)
        self._items: OrderedDict = OrderedDict()
        self._weights: dict = {}
        self._total = 0
        self._lock = threading.Lock()

    def __getitem__(self, key):
        with self._lock:
            self._items.move_to_end(key)
            return self._items[key]

    def get(self, key, default=None):
        with self._lock:
            try:
                self._items.move_to_end(key)
            except KeyError:
                return default
            return self._items[key]

    def __setitem__(self, key, value) -> None:
        weight = self._weigh(value) if self._budget is not None else 0
        with self._lock:
            self._total += weight - self._weights.get(key, 0)
            self._items[key] = value
            self._weights[key] = weight
            self._items.move_to_end(key)
            while len(self._items) > 1 and (len(self._items) > self._size
                                            or (self._budget is not None and self._total > self._budget)):
                old, _ = self._items.popitem(last=False)
                self._total -= self._weights.pop(old)

    def __delitem__(self, key) -> None:
        with self._lock:
            del self._items[key]
            self._total -= self._weights.pop(key)

    def __iter__(self):
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    @property
    def weight(self) -> int:
        """The bytes kept, as `weigh` counts them (0 without a budget)."""
        return self._total


def footprint(value: object) -> int:
    """About how many bytes a kept frame or tally holds beyond what it shares: a frame taken
    from a quarter's rows shares their strings, so 8 bytes a cell; a tally, its arrays."""
    if isinstance(value, pd.DataFrame):
        return 8 * value.shape[0] * max(value.shape[1], 1) + 1_000
    arrays = [a for a in vars(value).values() if isinstance(a, np.ndarray)] if hasattr(value, "__dict__") else []
    return sum(a.nbytes for a in arrays) + 500


class MeasureSource:
    """Per-process cache of quarter rows and computed results, checked against the database on
    every request (one small query), so a load in any worker is seen by all of them."""

    @classmethod
    def from_settings(cls, settings: Settings) -> "MeasureSource":
        return cls(session_factory(settings))

    def __init__(self, sessions: sessionmaker[Session], max_quarters: int = 48, max_results: int = 100_000):
        self._sessions = sessions
        self._max = max_quarters
        self._lock = threading.Lock()
        # quarter index -> (data version, rows by table, its current returns, their agencies)
        self._quarters: OrderedDict[int, tuple[Version, dict[str, Part], pd.DataFrame, frozenset[str]]] = OrderedDict()
        self._geography: Geography | None = None
        self._templates: dict[str, pd.DataFrame] | None = None
        self._secret: bytes | None = None
        self.memo = LruMemo(max_results)
        relax_garbage_collection()
        # A scope's rows and tallies, shared by the measures of a page: bounded by their bytes,
        # since England's rows of a window are megabytes and an LA's a few kilobytes.
        self.row_memo = LruMemo(4096, budget=ROW_MEMO_BYTES, weigh=footprint)
        self._made = LruMemo(64)  # MeasureData by (quarter, version) pairs
        self._note_rows = LruMemo(256)  # every note a caller may read, by (beside_version, caller)
        self._published: LruMemo = LruMemo(4)  # every measure's published figures, by beside_version
        self._no_figures: pd.DataFrame | None = None  # a measure's when none are published

    def geography(self) -> Geography:
        if self._geography is None:
            self._geography = load_geography(self._sessions)
        return self._geography

    def forget_rows(self) -> None:
        """Drop the rows kept for sharing between measures (the results stay): after the
        warm-up they are England's rows of every quarter, some 100 MB no question needs again."""
        self.row_memo.clear()

    def begin_reading(self) -> None:
        """From here until `end_reading`, read the data versions once (the app calls these at
        the start and end of every request): a page's dozen questions cost one small query, and
        all are answered from the same returns even if one is loaded meanwhile."""
        _READING.set({})

    def end_reading(self) -> None:
        _READING.set(None)

    def versions(self, session: Session) -> dict[int, Version]:
        """quarter index -> (newest current return id, current returns, newest load time): a
        quarter's rows are kept until any changes. The time tells apart two databases whose
        return ids match (one made again from nothing, or staging beside production), which
        may share one Redis."""
        reading = _READING.get()
        if reading is not None and "versions" in reading:
            return reading["versions"]
        found = self._read_versions(session)
        if reading is not None:
            reading["versions"] = found
        return found

    def data_version(self) -> str:
        """One word for every current return, board note and published figure at once: it
        changes whenever a return is loaded, superseded or withdrawn in any quarter, a note
        pinned or removed, or published figures loaded, so an answer kept under it is never
        stale."""
        with self._sessions() as session:
            versions = self.versions(session)
            beside = self.beside_version(session)
        return hashlib.sha256(repr((sorted(versions.items()), beside)).encode()).hexdigest()[:20]

    def beside_version(self, session: Session) -> int:
        """The newest change to what is drawn beside the returns (a board note pinned or
        removed, published figures loaded: db.audit.BESIDE_RETURNS), read once a request as
        the returns' versions are. The notes and published figures are kept by it."""
        reading = _READING.get()
        if reading is not None and "beside" in reading:
            return reading["beside"]
        found = audit.newest(session, audit.BESIDE_RETURNS)
        if reading is not None:
            reading["beside"] = found
        return found

    def notes(self, caller: Caller, scope: str, quarters: list[str]) -> pd.DataFrame:
        """The board notes on one scope's quarters the caller may read (db.notes): read from
        the database at every request, so a note pinned in any worker is drawn at once, but
        once a request: every note there is (a few rows) is read at the first chart and the
        page's other charts take theirs from it (a read per chart cost a filter change some
        60 ms on a page of ten charts). The rows are kept by `beside_version` and the
        caller, so a request reads them only after a note was pinned or removed."""
        if not caller.may_read_notes():
            return notes.empty()
        reading = _READING.get()
        if reading is None:
            with self._sessions() as session:
                return notes.read(session, caller, [scope], quarters)
        if "note_rows" not in reading:
            with self._sessions() as session:
                # Kept by `beside_version` (read once a request anyway, for the answer key):
                # it moves with every pin and removal, so the kept rows are never stale.
                key = (self.beside_version(session), caller)
                if (found := self._note_rows.get(key)) is None:
                    found = self._note_rows[key] = notes.read(session, caller)
                reading["note_rows"] = found
        every = reading["note_rows"]
        if every.empty:  # the usual case: no note anywhere
            return every
        wanted = every[(every["scope"] == scope) & every["quarter"].isin([str(q) for q in quarters])]
        return wanted.reset_index(drop=True)

    def _read_versions(self, session: Session) -> dict[int, Version]:
        rows = session.execute(
            select(Return.quarter_index, func.max(Return.id), func.count(),
                   func.max(Return.loaded_at))
            .where(Return.is_current.is_(True))
            .group_by(Return.quarter_index)
        ).all()
        return {int(q): (int(newest), int(n), str(loaded)) for q, newest, n, loaded in rows}

    def published(self, measure: str) -> pd.DataFrame:
        """The measure's published figures (db.published), as they are at this request, so
        that a load in any worker is seen at once: every measure's at the first chart (a read
        per chart cost a page of ten charts some 20 ms), kept between requests until
        `beside_version` moves. Read-only."""
        from db.published import figures_by_measure, figures_frame, published_figures

        reading = _READING.get()
        if reading is None:
            with self._sessions() as session:
                return published_figures(session, measure)
        if "published" not in reading:
            with self._sessions() as session:
                # Kept by `beside_version`, which every load of published figures moves.
                version = self.beside_version(session)
                if (found := self._published.get(version)) is None:
                    found = self._published[version] = figures_by_measure(session)
                reading["published"] = found
        found = reading["published"].get(measure)
        if found is None:  # none published for this measure: one empty frame, never the kept dict changed
            if self._no_figures is None:
                self._no_figures = figures_frame([])
            found = self._no_figures
        return found

    def data_for(self, quarters: list[Quarter]) -> MeasureData:
        """The rows of these quarters (read from the database only when new or changed)."""
        wanted = sorted({q.index for q in quarters})
        reading = _READING.get()
        if reading is not None and "versions" in reading:  # the request's, read: no session
            versions = reading["versions"]
            with self._lock:
                fresh = self._templates is not None and all(
                    q in self._quarters and self._quarters[q][0] == versions.get(q, NO_RETURNS)
                    for q in wanted)
            if fresh:
                return self._data_of(wanted)
        with self._sessions() as session:
            versions = self.versions(session)
            with self._lock:
                stale = [q for q in wanted
                         if q not in self._quarters or self._quarters[q][0] != versions.get(q, NO_RETURNS)]
            # A quarter at a time: the driver's rows are Python objects until they are a frame,
            # and reading thirty quarters at once held them all together (the warm-up's peak, which
            # every forked worker then started from).
            if self._secret is None and (stale or self._templates is None):
                self._secret = disclosure_secret(session)
            for q in stale or ([] if self._templates is not None else [None]):
                frames = _quarter_frames(session, [] if q is None else [q], self._secret)
                returns = current_returns(session, [] if q is None else [q])
                with self._lock:
                    if q is not None:
                        parts = {t: Part.of(f, t, q) for t, f in frames.items()}
                        self._quarters[q] = (versions.get(q, NO_RETURNS), parts, returns,
                                             frozenset(returns["agency_code"]))
                    self._templates = {t: f.iloc[0:0] for t, f in frames.items()}
        return self._data_of(wanted)

    def _data_of(self, wanted: list[int]) -> MeasureData:
        """The kept rows of these quarters (each already read) as one MeasureData."""
        with self._lock:
            for q in wanted:
                self._quarters.move_to_end(q)
            while len(self._quarters) > max(self._max, len(wanted)):
                self._quarters.popitem(last=False)
            entries = {q: self._quarters[q] for q in wanted}
            templates = self._templates or {}
        # The same quarters at the same versions are the same data: made once, with what it
        # works out as it is asked (which LAs each quarter covers), for every chart after.
        key = tuple((q, e[0]) for q, e in entries.items())
        if (made := self._made.get(key)) is not None:
            return made
        returns = pd.concat([e[2] for e in entries.values()], ignore_index=True)
        parts = {t: {q: e[1][t] for q, e in entries.items()} for t in ROW_MODELS}
        made = MeasureData(returns, parts, templates, {q: e[0] for q, e in entries.items()}, self.memo, self.row_memo,
                           _returned={q: e[3] for q, e in entries.items()})
        self._made[key] = made
        return made
