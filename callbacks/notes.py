"""Handlers of the "Board notes" page: pin a note, remove one, list those the caller may read.
Imports dash, flask (the request's address, for the audit log), db, metrics, layouts and
server only.

`notes_view` is a plain function of the services, the caller and what was asked, so tests call
it directly. The store decides who may pin, remove and read (db.notes, metrics.access) and
checks the words (metrics.notes); a refusal is said on the page, never a 500.
"""

from __future__ import annotations

from typing import NamedTuple

from dash import ALL, Dash, Input, Output, State, ctx
from flask import has_request_context, request

from db.notes import NoteNotAllowed
from layouts import ids
from layouts.notes import notes_table
from metrics.access import Caller
from metrics.scope import ENGLAND, REGION_PREFIX, Geography
from server.auth import caller_of
from server.services import Services

KINDS_OF_AREA = {"LA": "LA", "RAA": "RAA", "VAA": "VAA"}


class NotesView(NamedTuple):
    message: str
    listed: object
    areas: list[dict]
    quarters: list[dict]
    clear: bool  # a note was pinned: the words box is emptied


def pinnable_areas(caller: Caller, geography: Geography) -> list[dict]:
    """The areas the caller may pin a note to, as choices: England, the regions, then every
    agency by name (`Croydon (LA)`); none for a viewer or a board's screen."""
    agencies = geography.agencies.sort_values("name")
    areas = [(ENGLAND, "England"),
             *((f"{REGION_PREFIX}{r}", r) for r in geography.regions),
             *((c, f"{n} ({KINDS_OF_AREA.get(k, k)})") for c, n, k in
               zip(agencies["code"], agencies["name"], agencies["kind"]))]  # fmt: skip
    return [{"label": name, "value": code} for code, name in areas
            if caller.may_pin_note(code, geography)]


def listed_rows(services: Services, caller: Caller) -> tuple[list[dict], set[int]]:
    geography = services.measures.geography()
    frame = services.store.notes(caller)
    frame = frame.sort_values(["quarter", "note_id"], ascending=[False, False])
    rows = [{"note_id": int(r.note_id), "scope_name": geography.scope(r.scope).name,
             "quarter": r.quarter, "text": r.text, "created_by": r.created_by,
             "created_at": r.created_at.strftime("%Y-%m-%d %H:%M")} for r in frame.itertuples()]
    removable = {int(r.note_id) for r in frame.itertuples() if caller.may_pin_note(r.scope, geography)}
    return rows, removable


def notes_view(services: Services, caller: Caller, action: object = None, area: object = None,
               quarter: object = None, text: object = None, ip: str | None = None) -> NotesView:
    """The page after `action`: "pin" (area, quarter, text) or a note's id to remove, or
    nothing (drawing the page)."""
    geography = services.measures.geography()
    message, clear = "", False
    try:
        if action == "pin":
            if not isinstance(area, str) or not area:
                raise ValueError("Choose an area.")
            services.store.pin_note(caller, geography, area, quarter, text, ip=ip)
            message, clear = f"Note pinned to {geography.scope(area).name}, {quarter}.", True
        elif isinstance(action, int) and not isinstance(action, bool):
            removed = services.store.remove_note(caller, geography, action, ip=ip)
            message = "Note removed." if removed else "That note had already been removed."
    except (ValueError, NoteNotAllowed) as exc:
        message = str(exc)
    rows, removable = listed_rows(services, caller)
    areas = pinnable_areas(caller, geography)
    if not areas:
        message = message or ("Notes are pinned by admins and by analysts on the areas they "
                              "hold; you can read them here and on the charts.")
    quarters = [{"label": q, "value": q} for q in services.store.quarters()]
    return NotesView(message, notes_table(rows, removable), areas, quarters, clear)


def register(app: Dash, services: Services) -> None:
    @app.callback(
        Output(ids.NOTES_MESSAGE, "children"),
        Output(ids.NOTES_LIST, "children"),
        Output(ids.NOTES_AREA, "options"),
        Output(ids.NOTES_QUARTER, "options"),
        Output(ids.NOTES_TEXT, "value"),
        Output(ids.NOTES_FORM, "hidden"),
        Input(ids.NOTES_URL, "pathname"),
        Input(ids.NOTES_PIN, "n_clicks"),
        Input({"type": ids.NOTE_REMOVE, "note": ALL}, "n_clicks"),
        State(ids.NOTES_AREA, "value"),
        State(ids.NOTES_QUARTER, "value"),
        State(ids.NOTES_TEXT, "value"),
    )
    def update(_path, _pin, removes, area, quarter, text):
        trigger = ctx.triggered_id
        action = None
        if trigger == ids.NOTES_PIN:
            action = "pin"
        elif isinstance(trigger, dict) and any(isinstance(n, int) and n > 0 for n in removes or []):
            action = trigger.get("note")
        ip = request.remote_addr if has_request_context() else None
        view = notes_view(services, caller_of(services), action, area, quarter, text, ip=ip)
        keep = text if not view.clear else ""
        return view.message, view.listed, view.areas, view.quarters, keep, not view.areas
