"""A board note as the room sees it: pinned to Adopt London South's 2024-25 Q4 on a copy of the
demo slice, board mode's Overview is still one screen at 1280x720 and 1920x1080, says the note
once above the cards and marks `Note 1` on each trend chart, inside the chart. The screens are
saved as docs/screenshots/board-note-board-<width>.png, and the normal page's first card as
board-note-chart-1280.png.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest

from app import create_app
from config import Settings
from db.measure_data import load_geography
from db.queries import Store
from metrics.access import Caller
from tests.accounts import start_signed_in
from tests.browser.test_board_mode import SIZES, chart_text_problems, open_board, save_screenshot
from tests.browser.test_board_mode import CHART_TEXTS_JS

pytestmark = pytest.mark.browser
NOTE = "Note 1, 2024-25 Q4: Court backlog in Croydon"


@pytest.fixture
def dashboard(demo_settings: Settings, tmp_path):
    path = tmp_path / "notes.sqlite3"
    # SQLite's backup, not a file copy: it carries what is still in the write-ahead log
    with sqlite3.connect(demo_settings.database_url.removeprefix("sqlite:///")) as source, \
            sqlite3.connect(path) as copy:
        source.backup(copy)
    settings = replace(demo_settings, database_url=f"sqlite:///{path}")
    store = Store.from_settings(settings)
    store.pin_note(Caller("ann", "analyst", frozenset({"ALS"})), load_geography(store._sessions),
                   "ALS", "2024-25 Q4", "Court backlog in Croydon")
    return create_app(settings)


@pytest.mark.parametrize("width, height", SIZES)
def test_the_board_says_the_note_once_and_marks_it_on_each_trend(dash_duo, dashboard, free_port,
                                                                 width, height) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    open_board(dash_duo, "/", width, height)
    driver = dash_duo.driver
    save_screenshot(driver, f"board-note-board-{width}")
    scroll = driver.execute_script("const d = document.documentElement; return [d.scrollHeight, window.innerHeight]")
    assert scroll[0] <= scroll[1], f"the board is {scroll[0]} px tall on a {scroll[1]} px screen"
    assert dash_duo.find_element(".board-notes").text == NOTE
    charts = driver.execute_script(CHART_TEXTS_JS)
    marked = [c for c in charts if any(t["text"] == "Note 1" for t in c["texts"])]
    assert len(marked) == 6  # the Overview's six board charts are all trends over the quarters
    problems = [p for p in chart_text_problems(charts) if "Note 1" in p]
    assert not problems, "\n".join(problems)
    assert dash_duo.get_logs() == []
