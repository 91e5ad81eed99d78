"""The Data quality page (`/data-quality`): returns received per agency and quarter, whose data
each table is missing (no return, or a format that does not carry it), the warnings stored with
the chosen quarter's returns, and the completeness of optional columns.

The layout is a function of the query string, like the Overview's; callbacks/quality.py fills
the three sections from FILTER_STATE. A missing return is shown by a dash, a hatched cell and
the word "missing" for screen readers, a partial one by the word "partial" after its version,
never by colour alone. The completeness card is the chart registry's (`completeness`,
charts/pages/data_quality.py). Imports dash, its component libraries, pandas, charts and
layouts only.
"""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from layouts import ids
from charts.figures import short_quarter
from layouts.filters import filter_bar, filter_values

PATH = "/data-quality"
TITLE = "Data quality"
MISSING = "—"  # the grid's mark for no return; metrics.quality writes it into `shown`

WARNING_COLUMNS = (
    ("agency_name", "Agency", 220),
    ("agency_code", "Code", 90),
    ("rule", "Rule", 80),
    ("table_name", "Table", 150),
    ("row", "Row", 80),
    ("column", "Column", 180),
    ("message", "Message", 420),
)


def warnings_grid() -> dag.AgGrid:
    return dag.AgGrid(
        id=ids.QUALITY_WARNINGS,
        columnDefs=[{"field": f, "headerName": h, "width": w, "minWidth": min(w, 120),
                     "tooltipField": f} | ({"type": "numericColumn"} if f == "row" else {})
                    for f, h, w in WARNING_COLUMNS],
        rowData=[],
        # Column names like placement_order_date have no space to wrap at: break the word.
        defaultColDef={"sortable": True, "resizable": True, "wrapText": True, "autoHeight": True,
                       "wrapHeaderText": True, "autoHeaderHeight": True,
                       "cellStyle": {"wordBreak": "break-word"}},
        columnSize="responsiveSizeToFit",
        dashGridOptions={
            "domLayout": "autoHeight", "pagination": True, "paginationPageSize": 25,
            "paginationPageSizeSelector": [25, 50, 100], "ensureDomOrder": True,
            "enableCellTextSelection": True, "suppressColumnVirtualisation": True,
            "localeText": {"noRowsToShow": "No warnings were stored with these returns."},
        },
        className="returns-grid quality-warnings",
    )


def _cell(shown: str, held_back: object, agency: str, quarter: str) -> html.Td:
    if shown == MISSING:
        return html.Td(
            [html.Span(MISSING, **{"aria-hidden": "true"}),
             html.Span("missing", className="visually-hidden")],
            className="quality-grid__missing", title=f"No return from {agency} for {quarter}",
        )
    if shown == "":  # an LA inside an RAA, with no return of its own that quarter
        return html.Td("", title=f"No return of its own from {agency} for {quarter}: its "
                       "RAA's return covers it")
    if not pd.isna(held_back) and held_back:
        rows = f"{int(held_back)} row{'' if held_back == 1 else 's'}"
        return html.Td(shown, className="num quality-grid__partial",
                       title=f"Version {shown.split()[0]}, partial: {rows} held back")
    version, _, source = shown.partition(" ")
    return html.Td(shown, className="num", title=f"Version {version}" + (f", {source}" if source else ""))


def returns_table(grid: pd.DataFrame, caption: str) -> html.Table:
    """Agencies down, quarters across; each cell the current return's version or "missing"."""
    quarters = list(dict.fromkeys(grid["quarter"]))
    agencies = grid.drop_duplicates("agency_code")
    shown = {(a, q): (s, h) for a, q, s, h in
             zip(grid["agency_code"], grid["quarter"], grid["shown"], grid["rows_held_back"])}
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th("Agency", scope="col")]
                               + [html.Th(short_quarter(q), scope="col", title=q) for q in quarters])),
            html.Tbody([
                html.Tr([html.Th(f"{row.agency_name} ({row.agency_code})", scope="row")]
                        + [_cell(*shown[(row.agency_code, q)], row.agency_name, q) for q in quarters],
                        id=f"quality-row-{row.agency_code}")
                for row in agencies.itertuples()
            ]),
        ],
        className="table table-sm quality-grid",
    )


def returns_key() -> html.P:
    return html.P(
        [html.Span(MISSING, className="quality-grid__missing quality-grid__swatch",
                   **{"aria-hidden": "true"}),
         " missing: no return loaded for that quarter. Numbers are the version of the current "
         "return (2 or more: the agency reloaded it). \"partial\": the return was loaded with "
         "its failing rows held back, so figures from it leave those rows out; they are listed "
         "with the warnings below. An LA inside an RAA is listed only when it loaded a return of "
         "its own (an Annex A workbook, an SSDA903 extract); a blank cell in its row: none of "
         "its own that quarter, which its RAA's return covers."],
        className="chart-card__caption",
    )


def coverage_table(coverage: pd.DataFrame, caption: str) -> html.Div:
    """Per table (and column some figures need): whose data is missing for the quarter, either
    with no return or with a return whose format does not carry it."""
    return html.Div([
        html.H3("Data missing per table", className="h5 mt-3"),
        html.Table(
            [
                html.Caption(caption),
                html.Thead(html.Tr([html.Th(h, scope="col") for h in (
                    "Data", "Missing", "No return", "Return's format does not carry it")])),
                html.Tbody([
                    html.Tr([html.Th(row.data, scope="row"),
                             html.Td(f"{row.missing} of {row.expected}", className="num"),
                             html.Td(row.no_return or "none"), html.Td(row.not_carried or "none")],
                            id=f"quality-coverage-{row.table}-{n}")
                    for n, row in enumerate(coverage.itertuples())
                ]),
            ],
            className="table table-sm quality-coverage",
        ),
    ])


def layout(scope: object = None, quarter: object = None, window: object = None,
           compare: object = None, **_other_params: object) -> html.Div:
    """The page for the query string; parameters it does not know are ignored."""
    return html.Div(
        [
            html.H1(TITLE),
            html.P("Which agencies' returns are in, the warnings their returns carry and how "
                   "fully the optional columns are filled, for the area chosen.", className="lead"),
            filter_bar(filter_values(scope, quarter, window, compare), scope),
            html.Section([
                html.H2("Returns received", className="h4"),
                dcc.Loading(html.Div(id=ids.QUALITY_GRID), type="default", delay_show=300),
            ], className="mb-4"),
            html.Section([
                html.H2("Warnings stored with the returns", id=ids.QUALITY_WARNINGS_TITLE, className="h4"),
                html.P(id=ids.QUALITY_WARNINGS_COUNT, className="returns-count", **{"aria-live": "polite"}),
                warnings_grid(),
            ], className="mb-4"),
            html.Section(dcc.Loading(html.Div(id=ids.QUALITY_COMPLETENESS), type="default",
                                     delay_show=300), className="mb-4"),
        ]
    )
