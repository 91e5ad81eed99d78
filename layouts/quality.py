"""The Data quality page (`/data-quality`): returns received per agency and quarter, whose data
each table is missing (no return, or a format that does not carry it), the warnings stored with
the chosen quarter's returns, and the completeness of optional columns.

The layout is a function of the query string, like the Overview's; callbacks/quality.py fills
the three sections from FILTER_STATE. A missing return is shown by a dash, a hatched cell and
the word "missing" for screen readers, a partial one by the word "partial" after its version,
never by colour alone. Imports dash, its component
libraries, pandas, plotly and layouts only.
"""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.chart_card import symbol_key
from layouts.figures import COLOURS, FigureSpec, figure_spec, short_quarter
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


def completeness_figure(frame: pd.DataFrame) -> FigureSpec:
    """Horizontal bars, one per column, the total last; each bar labelled with its shown value."""
    rows = frame[frame["category"] != ""].iloc[::-1]  # plotly draws the first category lowest
    bars = {
        # A hidden value ([x], [z]) is a bar of no length, so that its symbol is drawn by it:
        # plotly draws no text for a missing x, which left the row blank.
        "type": "bar", "x": pd.to_numeric(rows["value"]).fillna(0).tolist(), "y": rows["category"].tolist(),
        "orientation": "h", "text": rows["shown"].tolist(), "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": [COLOURS[1] if c == "Total" else COLOURS[0] for c in rows["category"]]},
        "hovertemplate": "%{y}: %{text}<extra></extra>",
    }
    return figure_spec([bars], {
        "height": max(200, 28 * len(rows) + 60), "margin": {"l": 10, "r": 40, "t": 10, "b": 30},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "showlegend": False,
        "font": {"family": "Arial, sans-serif", "size": 13, "color": "#0b0c0c"},
        "xaxis": {"range": [0, 110], "gridcolor": "#e5e5e5", "ticksuffix": "%",
                  "tickvals": [0, 25, 50, 75, 100]},
        "yaxis": {"automargin": True},
    })


def completeness_table(frame: pd.DataFrame, caption: str) -> html.Table:
    rows = frame[frame["category"] != ""]
    return html.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(html.Tr([html.Th("Column", scope="col"), html.Th("Rows with a value (%)", scope="col"),
                                html.Th("Rows", scope="col")])),
            html.Tbody([
                html.Tr([html.Th(c, scope="row"), html.Td(s, className="num"),
                         html.Td("" if pd.isna(n) else f"{float(n):,.0f}", className="num")])
                for c, s, n in zip(rows["category"], rows["shown"], rows["cohort"])
            ]),
        ],
        className="table table-sm chart-card__table",
    )


def completeness_card(title: str, frame: pd.DataFrame, caption: str, symbols: dict[str, str],
                      links: list[tuple[str, str]]) -> dbc.Card:
    present = set(frame["shown"]) & set(symbols)
    return dbc.Card(
        dbc.CardBody([
            html.H2(title, id=ids.chart_title("completeness"), className="chart-card__title h5"),
            html.Div(dcc.Graph(figure=completeness_figure(frame),
                               config={"displayModeBar": False, "responsive": True}),
                     **{"aria-hidden": "true"}),
            html.P(caption, className="chart-card__caption"),
            symbol_key(symbols, present),
            html.Details([html.Summary("Show as table"), completeness_table(frame, title)],
                         className="chart-card__table-toggle"),
            html.Div([
                dbc.Button("Download CSV", id={"type": ids.QUALITY_CSV, "chart": "completeness"}, color="link", size="sm",
                           className="chart-card__download"),
                dbc.Button("Download XLSX", id={"type": ids.QUALITY_XLSX, "chart": "completeness"}, color="link", size="sm",
                           className="chart-card__download"),
            ], className="chart-card__downloads"),
            html.P([html.A(text, href=href, className="me-3") for text, href in links],
                   className="chart-card__links"),
        ]),
        className="chart-card",
        id=ids.chart_part("card", "completeness"),
    )


def layout(scope: object = None, quarter: object = None, window: object = None,
           compare: object = None, **_other_params: object) -> html.Div:
    """The page for the query string; parameters it does not know are ignored."""
    return html.Div(
        [
            html.H1(TITLE),
            html.P("Which agencies' returns are in, the warnings their returns carry and how "
                   "fully the optional columns are filled, for the area chosen.", className="lead"),
            filter_bar(filter_values(scope, quarter, window, compare)),
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
            dcc.Download(id=ids.QUALITY_DOWNLOAD),
        ]
    )
