"""Test oracles: the engine's rows for one selection, a benchmark or a series, disclosed for a
caller, built the plain way (a frame per question, disclosed with `disclose`).

The app asks `metrics.engine.compute_shown` for all of a chart's or an API answer's rows at
once; tests hold its frames and downloads against these. Imports metrics only.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.access import Caller
from metrics.disclosure import DisclosurePolicy, disclose
from metrics.engine import compute_many
from metrics.quarters import Quarter, quarter_range
from metrics.rows import MeasureData
from metrics.scope import Geography
from metrics.selection import Selection


def compute(selection: Selection, data: MeasureData, geography: Geography) -> pd.DataFrame:
    """The measure's result rows for one scope and quarter (RESULT_COLUMNS), undisclosed."""
    return compute_many([selection], data, geography)


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


def measure_frame(
    selection: Selection, data: MeasureData, geography: Geography, caller: Caller, policy: DisclosurePolicy
) -> pd.DataFrame:
    """`compute` with disclosure control for the caller."""
    return disclose(compute(selection, data, geography), policy, caller.sees_unsuppressed(geography))


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
