"""The filter bar every dashboard page shares: region, agency, quarter, window, compare-with.

The bar is drawn from the URL's query string (`?scope=ALS&quarter=2024-25 Q4&window=4
&compare=330`), so a copied link reopens the same view; callbacks/filters.py fills the choices
from the store, resolves the selection and writes it back to the URL and to FILTER_STATE, which
the page's charts listen to. Imports dash, its component libraries, charts,
metrics and layouts only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import dash_bootstrap_components as dbc
from dash import dcc, html

from charts.query import DEFAULT_WINDOW, ENGLAND, MAX_LENGTH, MAX_PEERS, WINDOW_LABELS
from metrics.scope import REGION_PREFIX
from layouts import ids

BOARD_PACK_LABEL = "Board pack (PDF)"


class FilterValues(NamedTuple):
    """The query string's filters as the bar's controls hold them ("" when not given)."""

    region: str  # "england" or a region's name
    agency: str  # an agency code or ""
    quarter: str
    window: str
    compare: tuple[str, ...]


def _text(value: object) -> str:
    if isinstance(value, (list, tuple)):  # `?scope=a&scope=b`: the first one counts
        value = value[0] if value else ""
    return str(value or "").strip()[:MAX_LENGTH]


def filter_values(scope: object = None, quarter: object = None, window: object = None,
                  compare: object = None) -> FilterValues:
    """The controls' values for a query string; callbacks check them against the store."""
    scope_text = _text(scope)
    if scope_text.lower().startswith(REGION_PREFIX):
        region, agency = scope_text[len(REGION_PREFIX):].strip(), ""
    elif scope_text and scope_text.lower() != ENGLAND:
        region, agency = ENGLAND, scope_text
    else:
        region, agency = ENGLAND, ""
    window_text = _text(window)
    peers = tuple(p.strip() for p in _text(compare).split(",") if p.strip())[:MAX_PEERS]
    return FilterValues(region or ENGLAND, agency, _text(quarter),
                        window_text if window_text in map(str, WINDOW_LABELS) else str(DEFAULT_WINDOW), peers)


def region_options(regions: list[str]) -> list[dict]:
    return [{"label": "England (every region)", "value": ENGLAND}] + [
        {"label": r, "value": r} for r in regions if r != ENGLAND
    ]


KIND_LABELS = {"raa": "RAA", "la": "LA", "vaa": "VAA"}


def agency_options(tree: Sequence[tuple[str, str, str, int]]) -> list[dict]:
    """Dropdown choices from (code, name, kind, depth) rows: RAAs with their LAs indented
    beneath. The code is searchable as well as the name."""
    return [
        {"label": f"{'    ' * depth}{'└ ' if depth else ''}{name} ({KIND_LABELS[kind]} {code})",
         "value": code, "search": f"{name} {code}"}
        for code, name, kind, depth in tree
    ]


def quarter_options(quarters: list[str]) -> list[dict]:
    return [{"label": q, "value": q} for q in quarters]


def _field(label: str, control_id: str, control, width: int = 3) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, html_for=control_id), control], md=width, className="filters__field"
    )


def board_pack_button() -> dbc.Col:
    """Every chart page's charts for the bar's selection as one PDF (callbacks/board_pack.py)."""
    return dbc.Col(
        [
            # A solid button: the outlined grey one read as disabled.
            dbc.Button(BOARD_PACK_LABEL, id=ids.BOARD_PACK, color="primary"),
            dcc.Download(id=ids.BOARD_PACK_DOWNLOAD),
            html.Span(id=ids.BOARD_PACK_MESSAGE, className="filters__message ms-2", role="status"),
        ],
        md=5, className="filters__field d-flex align-items-end",
    )


def filter_bar(values: FilterValues, asked_scope: object = None) -> html.Div:
    """The bar's controls, holding the URL's values until the callback loads the real choices
    (each chosen value is offered meanwhile, so it stays selected). `asked_scope` is the
    address's own `scope=`: without one, the callback lands on the caller's own agency."""
    return html.Div(
        [
            dcc.Location(id=ids.FILTER_URL, refresh=False),
            dcc.Store(id=ids.FILTER_STATE),
            dcc.Store(id=ids.FILTER_ASKED_SCOPE, data=_text(asked_scope)),
            dbc.Row(
                [
                    _field("Region", ids.FILTER_REGION, dbc.Select(
                        id=ids.FILTER_REGION, options=region_options([values.region]),
                        value=values.region)),
                    _field("Agency", ids.FILTER_AGENCY, dcc.Dropdown(
                        id=ids.FILTER_AGENCY,
                        options=[{"label": values.agency, "value": values.agency}] if values.agency else [],
                        value=values.agency or None, searchable=True, clearable=True,
                        placeholder="Every agency in the region",
                    ), width=4),
                    _field("Quarter", ids.FILTER_QUARTER, dbc.Select(
                        id=ids.FILTER_QUARTER,
                        options=quarter_options([values.quarter] if values.quarter else []),
                        value=values.quarter or None)),
                    _field("Period", ids.FILTER_WINDOW, dbc.Select(
                        id=ids.FILTER_WINDOW,
                        options=[{"label": label, "value": str(v)} for v, label in WINDOW_LABELS.items()],
                        value=values.window), width=2),
                ],
                className="g-3",
            ),
            dbc.Row(
                [
                    _field("Compare with", ids.FILTER_COMPARE, dcc.Dropdown(
                        id=ids.FILTER_COMPARE,
                        options=[{"label": p, "value": p} for p in values.compare],
                        value=list(values.compare), multi=True, searchable=True,
                        placeholder=f"Up to {MAX_PEERS} other agencies or regions",
                    ), width=7),
                    board_pack_button(),
                ],
                className="g-3 mt-1",
            ),
            html.P(id=ids.FILTER_MESSAGE, className="filters__message", role="alert"),
        ],
        className="filters",
        role="search",
        **{"aria-label": "Filters"},
    )
