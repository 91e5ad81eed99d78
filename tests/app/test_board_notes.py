"""Board notes in the app: a note pinned to an area's quarter is marked on that area's trend
charts (the card, board mode, the chart's picture) with its words under the chart, and in the
board pack; the "Board notes" page pins and removes them for those who may and tells anyone
else why not, never a 500. On a copy of the demo slice, as the tests here write notes.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from pathlib import Path

import plotly.graph_objects as go
import pytest
from dash import dcc, html
from pypdf import PdfReader

from callbacks.chart_pages import chart_view, page_cards
from callbacks.notes import notes_view
from charts import CHARTS
from charts.figures import BOARD_NOTE_NAME
from charts.view import view
from config import Settings
from db.measure_data import load_geography
from metrics.access import Caller
from server.images import board_pack
from server.services import Services
from tests.browser.chromium import chromium_binary

ALS = {"scope": "ALS", "quarter": "2025-26 Q1", "window": 4, "compare": []}
ANALYST = Caller("ann", "analyst", frozenset({"ALS"}))
ADMIN = Caller("ada", "admin")
BY_CATEGORY = "waiting_by_age_year"
VIEWER = Caller("vic")


@pytest.fixture(scope="module")
def services(demo_slice_url: str, tmp_path_factory: pytest.TempPathFactory) -> Services:
    path = tmp_path_factory.mktemp("notes") / "notes.sqlite3"
    shutil.copy(demo_slice_url.removeprefix("sqlite:///"), path)
    built = Services.from_settings(Settings.from_env(environ={}, database_url=f"sqlite:///{path}",
                                                     secret_key="test"))
    geography = load_geography(built.store._sessions)
    built.store.pin_note(ANALYST, geography, "ALS", "2024-25 Q4", "Court backlog in Croydon")
    built.store.pin_note(ADMIN, geography, "840", "2024-25 Q4", "Another area's note")
    return built


def texts(component) -> list[str]:
    return [part.children for part in component._traverse()
            if isinstance(part, html.P) and isinstance(part.children, str)]


def note_marks(figure: dict) -> list[tuple[str, str]]:
    return [(a["text"], a["x"]) for a in figure["layout"].get("annotations", [])
            if a.get("name") == BOARD_NOTE_NAME]


def test_the_note_is_marked_on_the_area_s_trend_chart_and_said_under_it(services) -> None:
    shown = chart_view(services, CHARTS["children_waiting"], ALS)
    assert note_marks(shown.figure) == [("Note 1", "2024-25 Q4")]
    assert shown.note_lines == ["Note 1, 2024-25 Q4: Court backlog in Croydon"]
    go.Figure(shown.figure)  # a figure plotly accepts
    cards = page_cards(services, "overview", ALS)
    # every Overview tile is the area's trend over the quarters the note is at
    assert [("Note 1, 2024-25 Q4: Court backlog in Croydon" in texts(c)) for c in cards] == [True] * 8
    assert "Another area's note" not in " ".join(t for c in cards for t in texts(c))


def test_board_mode_marks_it_at_board_size_and_says_it_under_the_chart(services) -> None:
    cards = page_cards(services, "overview", {**ALS, "present": True})
    graphs = [p.figure for c in cards for p in c._traverse() if isinstance(p, dcc.Graph)]
    labels = [a for f in graphs for a in f["layout"].get("annotations", []) if a.get("name") == BOARD_NOTE_NAME]
    assert labels and {a["font"]["size"] for a in labels} == {16}
    assert "Note 1, 2024-25 Q4: Court backlog in Croydon" in texts(cards[0])


def test_another_area_a_chart_not_over_quarters_and_a_public_dashboard_show_no_note(services) -> None:
    other = chart_view(services, CHARTS["children_waiting"], {**ALS, "scope": "region:London"})
    assert note_marks(other.figure) == [] and other.note_lines == []
    public = view(CHARTS["children_waiting"], ALS, services.measures,
                  replace(Caller.viewer("public"), public=True), services.policy)
    assert public.notes == () and note_marks(public.figure) == []
    bars = chart_view(services, CHARTS[BY_CATEGORY], ALS)  # bars by category, the latest quarter
    assert note_marks(bars.figure) == [] and bars.note_lines == []


def test_the_page_pins_and_removes_for_the_analyst_and_says_no_to_others(services) -> None:
    pinned = notes_view(services, ANALYST, "pin", "306", "2025-26 Q1", "  New team from April ")
    assert pinned.message == "Note pinned to Croydon, 2025-26 Q1." and pinned.clear
    assert [a["value"] for a in pinned.areas][:1] == ["ALS"]  # only the areas they hold
    assert "840" not in [a["value"] for a in pinned.areas]
    listed = pinned.listed
    assert "New team from April" in str(listed) and "Court backlog in Croydon" in str(listed)
    refused = notes_view(services, ANALYST, "pin", "840", "2025-26 Q1", "court backlog")
    assert refused.message.startswith("Notes on County Durham are pinned only by admins")
    too_long = notes_view(services, ANALYST, "pin", "ALS", "2025-26 Q1", "x" * 141)
    assert too_long.message == "A note is at most 140 characters; this one has 141."
    no_area = notes_view(services, ANALYST, "pin", None, "2025-26 Q1", "court backlog")
    assert no_area.message == "Choose an area."
    viewer = notes_view(services, VIEWER, "pin", "ALS", "2025-26 Q1", "court backlog")
    assert viewer.areas == [] and "pinned only by admins" in viewer.message
    ids = [int(n) for n in services.store.notes(ANALYST, scopes=["306"])["note_id"]]
    assert notes_view(services, VIEWER, ids[0]).message.startswith("Notes on Croydon are pinned only")
    assert notes_view(services, ANALYST, ids[0]).message == "Note removed."
    assert notes_view(services, ANALYST, ids[0]).message == "That note had already been removed."
    assert services.store.notes(ANALYST, scopes=["306"]).empty


@pytest.fixture(scope="module")
def als_pack(services) -> bytes:
    if not chromium_binary():
        pytest.skip("drawing the board pack needs chromium")
    return board_pack(services, ALS)


def test_the_board_pack_says_the_note_under_each_trend_chart_of_the_area(als_pack: bytes) -> None:
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(als_pack)).pages]
    noted = [p for p in pages if "Note 1, 2024-25 Q4: Court backlog in Croydon" in p]
    assert noted, "no page of the pack carries the note"
    assert not any("Another area's note" in p for p in pages)


def test_a_note_pinned_or_removed_is_read_by_the_next_request_though_rows_are_kept(services) -> None:
    """The rows of the notes are kept between requests by the notes' version: a pin or a
    removal (in any worker) moves it, so the next request reads them again."""
    source, geography = services.measures, load_geography(services.store._sessions)

    def request_reads() -> list[str]:
        source.begin_reading()
        try:
            source.data_version()  # as the answer cache's key does, first
            return list(source.notes(ANALYST, "306", ["2025-26 Q2"])["text"])
        finally:
            source.end_reading()

    assert request_reads() == [] and request_reads() == []  # kept, and still none
    services.store.pin_note(ANALYST, geography, "306", "2025-26 Q2", "Panel moved to May")
    assert request_reads() == ["Panel moved to May"]
    note = int(services.store.notes(ANALYST, scopes=["306"], quarters=["2025-26 Q2"])["note_id"].iloc[0])
    assert notes_view(services, ANALYST, note).message == "Note removed."
    assert request_reads() == []
