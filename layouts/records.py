"""The Children waiting page's "Longest-waiting children" card: a title, a "Show the list"
button, a line saying what is (or is not) shown, and the data grid the list goes into.

Nothing child-level is on the page until the button is pressed: callbacks/records.py then asks
the store (which decides who may see the list) and fills the grid, 100 rows to a page, sortable
by any column. The button starts hidden; the handler shows it to a caller who might see a list
(never on a public dashboard or in board mode, where the line says why). Imports dash, its
component libraries and layouts only.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from layouts import ids

TITLE = "Longest-waiting children"
SHOW = "Show the list"
PAGE_SIZE = 100  # rows on a page of the grid
GRID_HEIGHT = 640  # px: about 13 rows in view
# field, header, share of the grid's width, in the contract's order; the LA by its name, not
# its code. The shares fit the ten columns in a card at 1280 px without a sideways scroll.
COLUMNS = (
    ("child_id", "Child ID", 3),
    ("la_name", "LA", 4),
    ("age", "Age", 2),
    ("sex", "Sex", 2),
    ("ethnic_group", "Ethnic group", 3),
    ("sibling_group_id", "Sibling group", 3),
    ("disability", "Disabled", 3),
    ("placement_order_date", "Placement order", 3),
    ("matched_date", "Matched", 3),
    ("days_waiting", "Days waiting", 3),
)
NUMBERS = frozenset({"age", "days_waiting"})


def records_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.CHILDREN_WAITING_RECORDS_GRID,
        columnDefs=[{"field": f, "headerName": h, "flex": share, "minWidth": 70, "tooltipField": f,
                     **({"type": "numericColumn"} if f in NUMBERS else {})}
                    for f, h, share in COLUMNS],  # fmt: skip
        rowData=[],
        # A grid of fixed height draws only the rows in view (a page of 100 scrolls inside it):
        # growing to fit all 100 cost the browser about a second more after the rows arrived.
        style={"height": f"{GRID_HEIGHT}px"},
        defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True,
                       "autoHeaderHeight": True},  # fmt: skip
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": PAGE_SIZE,
            "paginationPageSizeSelector": False,
            "ensureDomOrder": True,
            "enableCellTextSelection": True,
            "suppressColumnVirtualisation": True,
            "localeText": {"noRowsToShow": "No children are waiting here at the quarter's end."},
        },
    )


def records_section() -> html.Section:
    """The card, with nothing child-level in it: the handler fills it when asked."""
    return html.Section(
        dbc.Card(dbc.CardBody([
            html.H2(TITLE, className="h5"),
            html.P(id=ids.CHILDREN_WAITING_RECORDS_MESSAGE, role="status"),
            html.Div(dbc.Button(SHOW, id=ids.CHILDREN_WAITING_RECORDS_SHOW, n_clicks=0,
                                color="primary", className="mb-2"),
                     id=ids.CHILDREN_WAITING_RECORDS_ASK, hidden=True),
            html.Div(records_grid(), id=ids.CHILDREN_WAITING_RECORDS_AREA, hidden=True),
        ])),  # fmt: skip
        id=ids.CHILDREN_WAITING_RECORDS, className="mt-3",
    )
