"""The app's root layout, drawn for each request: layouts/shell.py's frame (skip link, header,
main, footer) naming who is signed in (nobody in public mode), linking an admin to the audit
log and only those who may load a return to "Load a return". Imports dash, flask (is there a request?), layouts and server only.

`register` makes it the Dash app's layout, a function Dash calls for every page it serves.
"""

from __future__ import annotations

from dash import Dash
from flask import has_request_context

from layouts import shell
from server.auth import current_caller
from server.services import Services


def page_frame(services: Services):
    """The page frame for this request: who is signed in (none in public mode), whether they
    are an admin (who gets the audit log in the header) and whether they may load a return
    (nobody else is offered "Load a return")."""
    caller = current_caller(services) if has_request_context() else None
    if caller is None or caller.public:
        return shell.layout()
    return shell.layout(caller.name, caller.may_read_audit(), caller.may_load_any())


def register(app: Dash, services: Services) -> None:
    app.layout = lambda: page_frame(services)
