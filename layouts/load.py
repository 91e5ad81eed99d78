"""The "Load a return" page (`/load`): choose a file, check it, read the report, then load it.

The layout draws the steps only; callbacks/load.py fills the agency choices and the size limit,
checks the upload and stores it on confirm. Nothing is stored until "Load this return" is
pressed, and that button shows only after a check passed. A file whose errors are all about
single rows gets a second confirm step instead: load the rows that pass and hold back the
failing ones, listed, as a partial return. The controls carry the class
`load-controls`, which board mode (`?present=1`) leaves out. Imports dash, its component
libraries and layouts only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

PATH = "/load"
TITLE = "Load a return"
RETURNS_PATH = "/returns"
FROM_FILE = "file"  # the agency choice "as the file says"; dbc.Select keeps "" for itself
# An .xlsx return or Annex A workbook, a .zip of CSV tables (a return or an SSDA903 extract), a
# single SSDA903 table or published statistics (.csv), or the SSDA903's XML form.
ACCEPT = ".xlsx,.zip,.csv,.xml"
CONTROL_CLASS = "load-controls"

# key, header: the report's columns, as the command-line report names each problem.
ISSUE_COLUMNS = (
    ("level", "Level"),
    ("rule", "Rule"),
    ("table", "Table"),
    ("row", "Row"),
    ("column", "Column"),
    ("value", "Value"),
    ("message", "Message"),
)


def agency_choices(agencies: Sequence[Mapping]) -> list[dict]:
    """"As the file says", then each agency (dicts with code and name) by name."""
    return [{"label": "As the file says", "value": FROM_FILE}] + [
        {"label": f"{a['name']} ({a['code']})", "value": a["code"]} for a in agencies
    ]


def _field(label: str, control_id: str, control: object, hint: str) -> html.Div:
    # The hint is part of the label, so screen readers read it with the control (dbc.Select
    # takes no aria-describedby).
    return html.Div(
        [dbc.Label([label, html.Span(hint, className="load-hint")], html_for=control_id), control],
        className="load-field",
    )


def controls() -> html.Div:
    """Which agency and quarter (for files that do not say), the file, and the check button."""
    return html.Div(
        [
            dcc.Location(id=ids.LOAD_URL, refresh=False),
            html.P(id=ids.LOAD_NOTICE, className="load-notice", role="alert"),
            _field(
                "Agency", ids.LOAD_AGENCY,
                dbc.Select(id=ids.LOAD_AGENCY, options=agency_choices([]), value=FROM_FILE),
                "A return workbook names its agency; an Annex A workbook or an SSDA903 extract "
                "does not, so choose the local authority.",
            ),  # fmt: skip
            _field(
                "Quarter", ids.LOAD_QUARTER,
                dbc.Input(id=ids.LOAD_QUARTER, type="text", value="", placeholder="2024-25 Q3",
                          autocomplete="off"),
                "For an Annex A workbook or an SSDA903 extract, the quarter to load from it, e.g. "
                "2024-25 Q3. Leave blank for a return workbook, which names its quarter.",
            ),  # fmt: skip
            dcc.Upload(
                id=ids.LOAD_UPLOAD,
                children=html.Div(["Drag and drop the file here, or ",
                                   html.Span("choose a file", className="load-upload__choose")]),
                accept=ACCEPT,
                multiple=False,
                className="load-upload",
                className_active="load-upload load-upload--active",
                className_reject="load-upload load-upload--reject",
            ),
            html.P(id=ids.LOAD_LIMIT, className="load-hint"),
            dbc.Button("Check the file", id=ids.LOAD_CHECK, n_clicks=0, color="secondary",
                       className="load-check"),
        ],
        className=CONTROL_CLASS,
    )


def issues_table(rows: Sequence[Mapping], caption: str = "Problems found in the file",
                 ) -> html.Table | None:
    """The report's errors and warnings, errors first, one row per problem (or the rows a
    partial load holds back, under their own caption)."""
    if not rows:
        return None
    return html.Table(
        [
            html.Caption(caption),
            html.Thead(html.Tr([html.Th(header, scope="col") for _, header in ISSUE_COLUMNS])),
            html.Tbody([
                html.Tr([html.Td("" if row.get(key) is None else str(row[key]))
                         for key, _ in ISSUE_COLUMNS],
                        className=f"load-issue load-issue--{row['level']}")
                for row in rows
            ]),
        ],
        className="table load-issues",
    )


def notes_list(notes: Sequence[str]) -> html.Ul | None:
    return html.Ul([html.Li(note) for note in notes]) if notes else None


def confirmation(message: str, returns_href: str, held_back: Sequence[Mapping] = ()) -> html.Div:
    """What a finished load says, with the way to the returns list (and, for a partial load,
    the rows it held back)."""
    return html.Div(
        [html.P(message), issues_table(held_back, HELD_BACK_CAPTION),
         html.A("See it in Returns loaded", href=returns_href)],
        className="load-confirmation",
    )


HELD_BACK_CAPTION = "Rows held back: not stored, and not in any figure"


def partial_step() -> html.Div:
    """The confirm step for a file whose errors are all about single rows: load the rows that
    pass and hold back the failing ones. Shown only after such a check."""
    return html.Div(
        [
            html.P(id=ids.LOAD_PARTIAL_TEXT),
            html.Div(id=ids.LOAD_HELD_BACK),
            dbc.Button("Load the rows that pass", id=ids.LOAD_PARTIAL, n_clicks=0,
                       color="warning"),
        ],
        id=ids.LOAD_PARTIAL_AREA,
        hidden=True,
        className=f"{CONTROL_CLASS} load-partial",
    )


def layout(**_params: object) -> html.Div:
    """The page; query parameters are ignored."""
    return html.Div(
        [
            html.H1(TITLE),
            html.P(
                "Check a quarterly return before it is stored: the check lists every error and "
                "warning with its table, row and column. Nothing is stored until you press "
                "Load this return.",
                className="lead",
            ),
            controls(),
            html.Div(
                [
                    html.P(id=ids.LOAD_SUMMARY, className="load-summary"),
                    html.Div(id=ids.LOAD_NOTES),
                    html.Div(id=ids.LOAD_ISSUES),
                ],
                role="status",
                **{"aria-live": "polite"},
            ),
            html.Div(
                dbc.Button("Load this return", id=ids.LOAD_CONFIRM, n_clicks=0, color="primary"),
                id=ids.LOAD_CONFIRM_AREA,
                hidden=True,
                className=CONTROL_CLASS,
            ),
            partial_step(),
            html.Div(id=ids.LOAD_RESULT, role="status", **{"aria-live": "polite"}),
        ]
    )
