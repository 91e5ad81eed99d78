"""A region's figure with one RAA's return missing is marked on the chart itself and names the
agency, and every page counts the missing returns alike (issue 18).

Returns are tests.builders' valid return (2024-25 Q3) loaded through the importer for two of
the North East's three RAAs: Adopt North East (ANE, its children in Gateshead, 390) and Adoption
Tees Valley (TEES, its children in Hartlepool, 805). Adopt Coast to Coast (AC2C, whose member
LAs are County Durham 840 and Sunderland 394) makes none. By hand, for region:North East in
2024-25 Q3: 3 returns expected (one from each RAA: every North East LA is in one), 1 missing,
Adopt Coast to Coast's; the children of its 2 LAs are not counted. Each valid return has one
child waiting (C002).
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest
from sqlalchemy.orm import sessionmaker

from callbacks.quality import quality_view
from charts import CHARTS
from charts.figures import NOTE_NAME
from charts.view import view
from metrics.access import Caller
from config import Settings
from db.engine import engine_for
from server.services import Services
from tests.accounts import signed_in_client
from tests.app.test_coverage import store
from tests.builders import QUARTER, valid_return
from app import create_app

REGION = "region:North East"
STATE = {"scope": REGION, "quarter": QUARTER, "window": 1, "compare": []}


@pytest.fixture
def services(sqlite_url: str, tmp_path) -> Services:
    sessions = sessionmaker(engine_for(sqlite_url), expire_on_commit=False)
    store(sessions, tmp_path, valid_return("ANE", la="390"), None)
    store(sessions, tmp_path, valid_return("TEES", la="805"), None)
    return Services.from_settings(Settings.from_env(environ={}, database_url=sqlite_url, secret_key="test"))


def admin_view(services: Services, state: dict):
    """The chart as an admin sees it: small counts shown (these tests are about the returns,
    not disclosure control, which would show a viewer [c] and draw no point)."""
    return view(CHARTS["children_waiting"], state, services.measures, Caller("admin", "admin"),
                services.policy)


def test_the_chart_marks_the_figure_and_names_the_missing_agency(services: Services) -> None:
    shown = admin_view(services, STATE)
    now = shown.frame[(shown.frame["scope"] == REGION) & (shown.frame["quarter"] == QUARTER)].iloc[0]
    assert now["shown"] not in ("[c]", "[x]", "[z]")
    assert (now["returns_expected"], now["returns_missing"]) == (3, 1)
    assert now["returns_missing_names"] == "Adopt Coast to Coast"
    assert now["missing_returns"] == 2  # the LAs whose children are not counted

    figure = go.Figure(shown.figure)
    region = next(t for t in figure.data if t.name == "North East")
    at = list(region.x).index(QUARTER)
    assert region.marker.symbol[at] == "circle-open"  # hollow, where a complete point is filled
    notes = " ".join(a.text.replace("<br>", " ") for a in figure.layout.annotations)
    assert "1 of 3 returns missing: Adopt Coast to Coast (North East, 2024-25 Q3)" in notes
    # Nothing is judged from it: the title says it is incomplete instead.
    # (the note and the caption name the agency; the projected title stays short)
    assert shown.title == f"Children waiting: {now['shown']} in 2024-25 Q3 (incomplete: 1 of 3 returns missing)"
    assert "Returns missing: 1 of 3 expected (Adopt Coast to Coast)." in shown.caption
    assert "LAs not counted: 2 " in shown.caption
    # The board pack and board mode take the same view: the present figure keeps the note.
    present = admin_view(services, {**STATE, "present": True})
    assert any("Adopt Coast to Coast" in a["text"].replace("<br>", " ")
               for a in present.figure["layout"]["annotations"] if a.get("name") == NOTE_NAME)


def test_the_caption_counts_missing_returns_as_the_data_quality_page_does(services: Services) -> None:
    caption = admin_view(services, STATE).caption
    [(missing, expected)] = re.findall(r"Returns missing: (\d+) of (\d+) expected", caption)
    page = str(quality_view(services, STATE).grid)
    assert f"{missing} of {expected} returns missing for {QUARTER}" in page
    assert (missing, expected) == ("1", "3")
    # And the data API's returns received for the same scope and quarter.
    client = signed_in_client(create_app(services.settings))
    answer = client.get(f"/api/v1/measures/returns_received?scope={REGION}&quarter={QUARTER}").get_json()
    [row] = answer["rows"]
    assert (row["value"], row["cohort"], row["missing_returns"]) == (2, 3, 1)
    # The chart's file keeps the contract's columns: the names are the chart's, not the API's.
    assert "returns_missing_names" not in client.get(
        f"/api/v1/measures/children_waiting?scope={REGION}&quarter={QUARTER}&format=csv").get_data(as_text=True)


def test_a_complete_agency_is_not_marked_but_its_incomplete_region_beside_it_is(services: Services) -> None:
    shown = admin_view(services, {**STATE, "scope": "ANE"})
    now = shown.frame[(shown.frame["scope"] == "ANE") & (shown.frame["quarter"] == QUARTER)].iloc[0]
    assert (now["returns_expected"], now["returns_missing"], now["missing_returns"]) == (1, 0, 0)
    figure = go.Figure(shown.figure)
    ane = figure.data[0]
    symbols = ane.marker.symbol
    at = list(ane.x).index(QUARTER)
    assert (symbols if isinstance(symbols, str) else symbols[at]) == "circle"
    assert "incomplete" not in shown.title
    assert "Returns missing" not in shown.caption
    region = next(t for t in figure.data if t.name == "North East")
    assert region.marker.symbol[list(region.x).index(QUARTER)] == "square-open"
    notes = " ".join(a.text.replace("<br>", " ") for a in figure.layout.annotations)
    assert "1 of 3 returns missing: Adopt Coast to Coast (North East, 2024-25 Q3)" in notes
