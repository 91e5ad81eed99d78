"""The "Audit log" page (`/audit`): who signed in, loaded and exported what, newest first.

Only admins may read it; callbacks/audit.py asks the store, which decides, and fills the grid
or says who may read it. Filters: the kind of event, the user and a date from. The kinds come
from the callback (layouts import nothing of db). Imports dash, its component libraries and
layouts only.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from layouts import ids

PATH = "/audit"
TITLE = "Audit log"
ALL = "all"  # not "": dbc.Select keeps "" for its hidden placeholder option
MAX_USER_LENGTH = 120  # a user name's longest

# field, header, width in px, in the order an admin reads an event.
COLUMNS = (
    ("at", "When (UTC)", 170),
    ("user_name", "Who", 120),
    ("kind", "What", 130),
    ("scope", "Scope", 140),
    ("quarter", "Quarter", 110),
    ("file_hash", "File hash", 130),
    ("detail", "Detail", 320),
)


def kind_options(kinds: list[str] | tuple[str, ...]) -> list[dict]:
    """The kind filter's choices: every kind, then each kind of event."""
    return [{"label": "Every kind", "value": ALL}] + [{"label": k, "value": k} for k in kinds]


def filters() -> html.Div:
    # Native controls (a <select>, text and date inputs): labels, keyboard use and screen
    # readers come with them.
    return html.Div(
        [
            html.Div([dbc.Label("Kind", html_for=ids.AUDIT_KIND),
                      dbc.Select(id=ids.AUDIT_KIND, options=kind_options(()), value=ALL)]),
            html.Div([dbc.Label("User", html_for=ids.AUDIT_USER),
                      dbc.Input(id=ids.AUDIT_USER, type="text", debounce=True,
                                maxLength=MAX_USER_LENGTH, placeholder="any user")]),
            html.Div([dbc.Label("From (date)", html_for=ids.AUDIT_SINCE),
                      dbc.Input(id=ids.AUDIT_SINCE, type="date", debounce=True)]),
        ],  # fmt: skip
        className="filter-bar",
    )


def audit_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.AUDIT_GRID,
        columnDefs=[{"field": f, "headerName": h, "width": w, "minWidth": w, "tooltipField": f}
                    for f, h, w in COLUMNS],  # fmt: skip
        rowData=[],
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},  # fmt: skip
        columnSize="responsiveSizeToFit",
        dashGridOptions={
            "domLayout": "autoHeight",
            "pagination": True,
            "paginationPageSize": 50,
            "ensureDomOrder": True,
            "enableCellTextSelection": True,
            "suppressColumnVirtualisation": True,
            "localeText": {"noRowsToShow": "No events to show."},
        },
    )


def layout(**_params: object) -> html.Div:
    """The page; query parameters are ignored (the filters are not part of a shared link)."""
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "Every sign-in, load, export, board pack and change of users, newest first. "
                "Only admins can read it.",
                className="lead",
            ),
            filters(),
            html.P(id=ids.AUDIT_MESSAGE, role="status"),
            audit_grid(),
        ]
    )
