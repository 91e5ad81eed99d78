"""A chart card's table view, drawn when its reader first opens "Show as table": the card offers
it without drawing it, the table is the chart's frame as shown (a row per quarter or category, a
column per area), and the callback posted by hand answers with what the signed-in caller may
see, never more. tests/browser/test_chart_tables.py opens one in a real browser."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from dash import Dash, html

from app import create_app
from callbacks.chart_pages import chart_table
from charts import CHARTS
from charts.view import view
from config import Settings
from layouts import ids
from layouts.chart_card import chart_card
from metrics.access import Caller
from server.services import Services
from tests.accounts import signed_in_client
from tests.app.test_callback_fuzz import OWN, request_for
from tests.chart_page_helpers import ALS, view_for

def cells(table: html.Table) -> list[list[str]]:
    """The table's rows as text, its heading row first."""
    rows = []
    for part in table.children:
        if isinstance(part, (html.Thead, html.Tbody)):
            for row in (part.children if isinstance(part.children, list) else [part.children]):
                rows.append([str(cell.children) for cell in row.children])
    return rows


def test_a_card_offers_its_table_without_drawing_it(demo_services: Services) -> None:
    card = chart_card(view_for(demo_services, "sufficiency_supply"))
    found = {json.dumps(c.id, sort_keys=True): c for c in card._traverse()
             if isinstance(getattr(c, "id", None), dict)}
    summary = found[json.dumps(ids.table_open("sufficiency_supply"), sort_keys=True)]
    body = found[json.dumps(ids.table_body("sufficiency_supply"), sort_keys=True)]
    assert isinstance(summary, html.Summary) and summary.children == "Show as table"
    assert not body.children
    assert not [c for c in card._traverse() if isinstance(c, html.Table)]


@pytest.mark.parametrize("chart", ["sufficiency_supply", "adopters_left_by_reason",
                                   "timeliness_a10", "adopters_why_waiting"])
def test_the_table_is_the_charts_frame_as_shown(demo_services: Services, chart: str) -> None:
    shown = view_for(demo_services, chart)
    [table] = chart_table(demo_services, chart, ALS)
    assert isinstance(table, html.Table)
    rows = cells(table)
    shape = CHARTS[chart].table
    frame = shown.frame
    columns = list(dict.fromkeys(frame[shape.columns]))
    names = dict(zip(frame[shape.columns], frame[shape.names]))
    assert rows[0] == [shape.heading, *(names[c] for c in columns)]
    # Every cell is the frame's shown value for its row and column, as a reader sees it.
    for row in rows[1:]:
        for column, text in zip(columns, row[1:]):
            at = frame[(frame[shape.rows].astype(str) == row[0]) & (frame[shape.columns] == column)]
            assert text == (str(at["shown"].iloc[0]) if len(at) else ""), (chart, row[0], column)
    assert len(rows) - 1 == len(pd.unique(frame[shape.rows]))
    assert table.children[0].children == shown.title  # its caption: the chart's title


def test_a_table_that_cannot_be_drawn_says_so(demo_services: Services) -> None:
    [unknown] = chart_table(demo_services, "no_such_chart", ALS)
    assert "cannot be shown" in str(unknown.children)
    [unset] = chart_table(demo_services, "sufficiency_supply", None)
    assert "cannot be shown" in str(unset.children)
    [wrong] = chart_table(demo_services, "sufficiency_supply", {**ALS, "quarter": "1900-01 Q1"})
    assert "must be between" in str(wrong.children)


def posted_table(app: Dash, client, chart: str, clicks: int = 1) -> str:
    body = request_for(app, ids.TABLE_BODY, {f"{ids.TABLE_OPEN}.n_clicks": clicks,
                                             f"{ids.FILTER_STATE}.data": ALS}, chart=chart)
    answer = client.post("/_dash-update-component", json=body, headers={"Origin": OWN})
    assert answer.status_code in (200, 204), answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


def test_the_table_posted_by_hand_is_what_the_caller_may_see(demo_settings: Settings,
                                                             demo_services: Services) -> None:
    """A viewer's table carries the viewer's hidden cells; an admin's, posted the same way,
    the unsuppressed figures; each equal to the chart as that caller sees it."""
    app = create_app(demo_settings)
    chart = "adopters_left_by_reason"
    as_viewer = posted_table(app, signed_in_client(app, "vera", "viewer"), chart)
    as_admin = posted_table(app, signed_in_client(app, "ada", "admin"), chart)
    viewer = view(CHARTS[chart], ALS, demo_services.measures, Caller.viewer("vera"),
                  demo_services.policy).frame
    admin = view(CHARTS[chart], ALS, demo_services.measures, Caller("ada", "admin"),
                 demo_services.policy).frame
    assert "[c]" in set(viewer["shown"]) and "[c]" not in set(admin["shown"])
    assert '"[c]"' in as_viewer and '"[c]"' not in as_admin
    for shown in admin["shown"]:
        assert f'"{shown}"' in as_admin
    # Closing the table (an even count of clicks) asks the server for nothing.
    closed = posted_table(app, signed_in_client(app, "vera", "viewer"), chart, clicks=2)
    assert json.loads(closed)["response"] == {}  # nothing to update
