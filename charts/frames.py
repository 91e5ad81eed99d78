"""The one frame builder: a `Query` -> its disclosed rows, as the data API answers it.

`rows` computes the measure for every scope and quarter of the query and discloses them together
(so a breakdown's cells protect each other across scopes), with published comparators
(`<scope>-published`) in their places among them. The data API, every chart (a chart's frame is
the rows of its plan's queries, one after another) and so every download use it, so a chart's
file always equals the API's rows for its links. A `Source` is what the app reads rows through
(db.measure_data.MeasureSource); tests hand in their own. Imports numpy, pandas and metrics
only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

import numpy as np
import pandas as pd

from charts.query import ENGLAND, ENGLAND_PUBLISHED, Query
from metrics.access import Caller
from metrics.breakdowns import category_labels
from metrics.disclosure import DisclosurePolicy
from metrics.engine import compute_many, compute_shown
from metrics.quality import missing_returns_of
from metrics.rows import MeasureData
from metrics.selection import Selection, quarters_needed
from metrics.published import base_code, comparator_rows, is_published
from metrics.quarters import Quarter
from metrics.registry import MEASURES
from metrics.scope import Geography, Scope


class Source(Protocol):
    """Where the measures' rows come from (db.measure_data.MeasureSource in the app). A source
    may also answer `notes(caller, scope, quarters)`, the board notes the caller may read
    (metrics.notes' columns); charts.view marks none from a source without it."""

    def geography(self) -> Geography: ...

    def data_for(self, quarters: list[Quarter]) -> MeasureData: ...

    def published(self, measure: str) -> pd.DataFrame: ...


def rows(query: Query, source: Source, caller: Caller, policy: DisclosurePolicy) -> pd.DataFrame:
    """Every scope's rows for every quarter (scope by scope, oldest quarter first), disclosed
    together as the dashboard shows them to `caller`, with the measure named beside them and
    each category in words (`category_label`: `Relative or friend` for `E47`), and the returns
behind each row (RETURNS_COLUMNS)."""
    computed = [s for s in query.scopes if not is_published(s)]
    selections = [replace(query.selection, scope=s, quarter=q) for s in computed for q in query.quarters]
    data, geography = source.data_for(quarters_needed(selections)), source.geography()
    title = MEASURES[query.measure].title

    def described(columns) -> dict[str, object]:  # built with the frame: set after, each copied it
        return {"measure": query.measure, "measure_title": title,
                "category_label": category_labels(columns["breakdown"], columns["category"])}

    published = len(computed) != len(query.scopes)
    shown = compute_shown(selections, data, geography, caller, policy, None if published else described)
    if published:  # the published rows among them are described too
        shown = with_published(shown, query, source, geography)
        for name, column in described({c: shown[c].to_numpy(dtype=object) for c in ("breakdown", "category")}).items():
            shown[name] = column
    return with_returns(shown, selections, data, geography)


# The returns behind each row, for the chart's marks and words (not the data API's fields, which
# the contract fixes: metrics.export.ROW_FIELDS leaves these out).
RETURNS_COLUMNS = ("returns_expected", "returns_missing", "returns_missing_names")
NAMED = 3  # agencies named before "and N more"


def with_returns(shown: pd.DataFrame, selections: Sequence[Selection], data: MeasureData,
                 geography: Geography) -> pd.DataFrame:
    """`shown` with RETURNS_COLUMNS: how many returns the row's scope expected over its
    window's quarters (each agency once a quarter, as the Data quality page and the returns
    received measure count them), how many of those are missing, and the missing agencies'
    names (`Aspire`, `Aspire (2 quarters)`, at most NAMED then "and N more"). Published rows
    expect none. When no return is missing the columns are left out: readers take their
    absence as complete (charts.marks, charts.words)."""
    found: dict[tuple[str, str], tuple[int, int, str]] = {}
    for s in selections:
        scope = geography.scope(s.scope)
        if (scope.code, str(s.quarter)) in found:
            continue
        found[scope.code, str(s.quarter)] = returns_behind(geography, data, scope, s.quarters)
    if not any(missing for _, missing, _ in found.values()):
        return shown  # every return there: no columns to read (a page's usual case, kept cheap)
    none = (0, 0, "")
    described = [found.get(key, none) for key in zip(shown["scope"].to_numpy(dtype=object),
                                                     shown["quarter"].to_numpy(dtype=object))]
    expected, missing, names = zip(*described) if described else ((), (), ())
    # Set in place: `assign` would copy the frame once for each column.
    shown["returns_expected"] = np.fromiter(expected, dtype=np.int64, count=len(described))
    shown["returns_missing"] = np.fromiter(missing, dtype=np.int64, count=len(described))
    shown["returns_missing_names"] = pd.Series(names, index=shown.index, dtype=object)
    return shown


def returns_behind(geography: Geography, data: MeasureData, scope: Scope,
                   quarters: list[Quarter]) -> tuple[int, int, str]:
    """(expected, missing, the missing agencies' names) of a scope's returns over quarters,
    worked out once for the data (every chart of a page asks for the same scopes)."""
    def work() -> tuple[int, int, str]:
        expected, missing = missing_returns_of(geography, data, scope, quarters)
        return expected, len(missing), missing_names(geography, missing) if missing else ""

    return data.derived(("returns behind", scope.code, tuple(q.index for q in quarters)), work)


def missing_names(geography: Geography, missing: Sequence[tuple[str, str]]) -> str:
    """`Aspire; Adopt North (2 quarters) and 3 more`: the agencies of (code, quarter) pairs."""
    quarters: dict[str, int] = {}
    for code, _ in missing:
        quarters[code] = quarters.get(code, 0) + 1
    names = sorted(geography.names.get(code, code) + (f" ({n} quarters)" if n > 1 else "")
                   for code, n in quarters.items())
    more = f" and {len(names) - NAMED} more" if len(names) > NAMED else ""
    return "; ".join(names[:NAMED]) + more


def with_published(shown: pd.DataFrame, query: Query, source: Source,
                   geography: Geography) -> pd.DataFrame:
    """`shown`'s rows with each `<scope>-published` code's rows in its place among the query's
    scopes (their `period`, the year published, beside them for the charts; the API's fields
    leave it out)."""
    figures = source.published(query.measure)
    measure = MEASURES[query.measure]
    pieces = []
    for code in query.scopes:
        if not is_published(code):
            pieces.append(shown[shown["scope"] == code])
            continue
        scope = geography.scope(base_code(code))
        pieces.append(comparator_rows(figures, code, scope.name, scope.kind, query.quarters,
                                      query.window, query.breakdown, measure.value_type))
    return pd.concat([p for p in pieces if len(p)] or [shown.iloc[0:0]], ignore_index=True)


def frame_of(queries: Sequence[Query], source: Source, caller: Caller,
             policy: DisclosurePolicy) -> pd.DataFrame:
    """The rows of several queries, one after another: a chart's frame."""
    pieces = [rows(q, source, caller, policy) for q in queries]
    if len(pieces) == 1 and isinstance(pieces[0].index, pd.RangeIndex) \
            and pieces[0].index.start == 0 and pieces[0].index.step == 1:
        return pieces[0]  # one query's rows are the frame already: no copy
    return pd.concat(pieces, ignore_index=True)


# ---------------------------------------------------------------- which scopes a chart draws


def benchmarks(query: Query, geography: Geography, published: bool = False) -> tuple[str, ...]:
    """The scope, its region and England (where different), then the areas it is compared
    with; with `published`, the published comparators asked for after those (charts that
    draw none leave them out)."""
    scope = geography.scope(query.scope)
    scopes = [scope.code]
    region = geography.region_of(scope)
    if region is not None and region.code != scope.code:
        scopes.append(region.code)
    if scope.kind != "england":
        scopes.append(ENGLAND)
    scopes += [c for c in query.compare if not is_published(c) and c not in scopes]
    if published:
        scopes += [c for c in query.compare if is_published(c) and c not in scopes]
    return tuple(scopes)


def replaces_england(query: Query, source: Source) -> bool:
    """Whether England's published figure should stand in for its computed one: the store
    holds returns for less than half of England's LAs over the selection (a regional board's
    own deployment), and the DfE publishes England's figure for this measure."""
    if query.scope == ENGLAND:
        return False
    figures = source.published(query.measure)
    if figures.empty or not (figures["scope"] == ENGLAND).any():
        return False
    geography = source.geography()
    england = replace(query.selection, scope=ENGLAND)
    row = compute_many([england], source.data_for(england.quarters), geography).iloc[-1]
    expected = len(geography.child_las(geography.scope(ENGLAND))) * len(england.quarters)
    return int(row["missing_returns"]) * 2 > expected


def with_england_published(scopes: tuple[str, ...]) -> tuple[str, ...]:
    """England's published figure in England's place (and not twice)."""
    at = scopes.index(ENGLAND) if ENGLAND in scopes else len(scopes)
    swapped = [*scopes[:at], ENGLAND_PUBLISHED, *scopes[at + 1:]]
    return tuple(dict.fromkeys(swapped))
