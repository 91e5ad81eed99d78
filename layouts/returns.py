"""The "Returns loaded" page (`/returns`): which returns are in the store, filtered by quarter.

The layout is a function of the URL's query string (`?quarter=2024-25 Q3`), so a copied link
opens the same view. It draws the frame only; callbacks/returns.py fills the grid, the count
line and the quarter options from the store. Imports dash, its component libraries and
layouts only.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

PATH = "/returns"
TITLE = "Returns loaded"

# field, header, width in px: the grid shares the page width out in proportion to these.
# Only the long text columns may shrink (to 160 px); past that the grid scrolls sideways.
# In the board's order.
COLUMNS = (
    ("agency_code", "Agency code", 100),
    ("agency_name", "Agency", 250),
    ("quarter", "Quarter", 130),
    ("version", "Version", 95),
    ("loaded_at", "Loaded at (UTC)", 180),
    ("loaded_by", "Loaded by", 120),
    ("n_warnings", "Warnings", 110),
    ("rows_held_back", "Rows held back (partial)", 130),
    ("file_name", "File", 200),
)
SHRINKABLE = {"agency_name", "file_name"}
NUMERIC = {"version", "n_warnings", "rows_held_back"}
MAX_PARAM_LENGTH = 40  # longer query values are cut before they reach a component


def column_defs() -> list[dict]:
    return [
        {"field": field, "headerName": header, "width": width,
         "minWidth": 160 if field in SHRINKABLE else width, "tooltipField": field}
        | ({"type": "numericColumn"} if field in NUMERIC else {})
        for field, header, width in COLUMNS
    ]


# Not "": dbc.Select keeps "" for its hidden placeholder option.
ALL = "all"
ALL_QUARTERS = {"label": "All quarters", "value": ALL}


def quarter_options(quarters: list[str]) -> list[dict]:
    """The quarter filter's choices: every quarter, then the quarters given (newest first)."""
    return [ALL_QUARTERS] + [{"label": q, "value": q} for q in quarters]


def quarter_filter(quarter: str) -> html.Div:
    """The quarter select; `quarter` is "" for every quarter."""
    # A native <select>: its label, keyboard use and screen-reader support come with it. The
    # chosen quarter is offered until the callback loads the real list, so it stays selected.
    return html.Div(
        [
            dbc.Label("Quarter", html_for=ids.RETURNS_QUARTER, id=ids.RETURNS_QUARTER_LABEL),
            dbc.Select(
                id=ids.RETURNS_QUARTER,
                options=quarter_options([quarter] if quarter else []),
                value=quarter or ALL,
            ),
        ],
        className="filter-bar",
    )


def returns_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.RETURNS_GRID,
        columnDefs=column_defs(),
        rowData=[],
        # Headers wrap rather than end in "Loaded a…".
        defaultColDef={
            "sortable": True, "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True,
        },  # fmt: skip
        columnSize="responsiveSizeToFit",
        getRowId="params.data.return_id",
        dashGridOptions={
            "domLayout": "autoHeight",
            "pagination": True,
            "paginationPageSize": 25,
            "paginationPageSizeSelector": [25, 50, 100],
            "ensureDomOrder": True,
            "enableCellTextSelection": True,
            "suppressColumnVirtualisation": True,
            "localeText": {"noRowsToShow": "No returns to show."},
        },
        className="returns-grid",
    )


def layout(quarter: str | None = None, **_other_params: object) -> html.Div:
    """The page for `?quarter=...`; other query parameters are ignored."""
    if isinstance(quarter, list):  # `?quarter=a&quarter=b`: the first one counts
        quarter = quarter[0] if quarter else None
    quarter = str(quarter or "")[:MAX_PARAM_LENGTH]
    return html.Div(
        [
            dcc.Location(id=ids.RETURNS_URL, refresh=False),
            html.H1(TITLE),
            html.P(
                "Every agency's current return for each quarter: who loaded it, when, how "
                "many warnings it carries, and how many failing rows were held back when only "
                "the rows that passed were loaded (a partial return).",
                className="lead",
            ),
            quarter_filter(quarter),
            html.P(id=ids.RETURNS_MESSAGE, className="returns-message", role="alert"),
            html.P(id=ids.RETURNS_COUNT, className="returns-count", **{"aria-live": "polite"}),
            returns_grid(),
        ]
    )
