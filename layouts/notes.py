"""The "Board notes" page (`/notes`): pin a short note to an area and quarter for its board
("court backlog", "new RAA from April"), and the notes pinned, each removable by those who may.

The notes are drawn on the area's trend charts and in the board pack. The form's choices (the
areas the caller may pin to, the quarters) and the list come from callbacks/notes.py, which asks
the store; who may pin, remove or read is decided there and in metrics.access, never here.
Imports dash, its component libraries and layouts only.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

PATH = "/notes"
TITLE = "Board notes"
NOTE_LENGTH = 140  # metrics.notes.MAX_LENGTH, which checks it again on the server


def pin_form() -> html.Div:
    # Native controls (a <select>, a text input, a button): labels and keyboard use come with them.
    return html.Div(
        [
            html.Div([dbc.Label("Area", html_for=ids.NOTES_AREA),
                      dbc.Select(id=ids.NOTES_AREA, options=[], placeholder="Choose an area")]),
            html.Div([dbc.Label("Quarter", html_for=ids.NOTES_QUARTER),
                      dbc.Select(id=ids.NOTES_QUARTER, options=[], placeholder="Choose a quarter")]),
            html.Div([dbc.Label(f"Note (at most {NOTE_LENGTH} characters)", html_for=ids.NOTES_TEXT),
                      dbc.Input(id=ids.NOTES_TEXT, type="text", maxLength=NOTE_LENGTH,
                                placeholder="e.g. court backlog", className="notes-form__text")],
                     className="notes-form__words"),
            html.Div(dbc.Button("Pin note", id=ids.NOTES_PIN, color="primary"),
                     className="notes-form__button"),
        ],
        id=ids.NOTES_FORM,
        className="notes-form",
    )


def notes_table(rows: list[dict], removable: set[int]) -> html.Div | html.P:
    """The notes, newest quarter first: area, quarter, note, who pinned it and when, and a
    Remove button on those the caller may remove. `rows` carry note_id, scope_name, quarter,
    text, created_by and created_at (as text)."""
    if not rows:
        return html.P("No notes are pinned yet.", className="notes-empty")
    head = html.Thead(html.Tr([html.Th(h, scope="col") for h in
                               ("Area", "Quarter", "Note", "Pinned by", "When (UTC)", "")]))
    body = html.Tbody([
        html.Tr([
            html.Td(row["scope_name"]), html.Td(row["quarter"]), html.Td(row["text"]),
            html.Td(row["created_by"]), html.Td(row["created_at"]),
            html.Td(html.Button("Remove", id={"type": ids.NOTE_REMOVE, "note": row["note_id"]},
                                type="button", className="btn btn-link btn-sm p-0",
                                **{"aria-label": f"Remove the note on {row['scope_name']}, {row['quarter']}"})
                    if row["note_id"] in removable else ""),
        ]) for row in rows
    ])  # fmt: skip
    return html.Div([html.H2("Notes pinned", className="h4 mt-4"),
                     html.Table([head, body], className="table table-sm notes-table")])


def layout(**_params: object) -> html.Div:
    """The page; query parameters are ignored."""
    return html.Div(
        [
            dcc.Location(id=ids.NOTES_URL, refresh=False),
            html.H1(TITLE),
            html.P(
                "A note pinned to an area and quarter is shown on that area's trend charts, in "
                "board mode and in the board pack, to everyone signed in. Write for the board: "
                "one line, plain words, and nothing about a child or a family.",
                className="lead",
            ),
            pin_form(),
            html.P(id=ids.NOTES_MESSAGE, className="notes-message", role="alert"),
            html.Div(id=ids.NOTES_LIST, **{"aria-live": "polite"}),
        ]
    )
