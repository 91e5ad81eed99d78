"""Board notes on a figure (charts.figures.with_board_notes) and their words (metrics.notes):
a note is marked at its quarter on a figure drawn over quarters, numbered, its words escaped in
the hover; any other figure is left alone; the words are checked before they are stored.
"""

from __future__ import annotations

import pandas as pd
import pytest

from charts.figures import BOARD_NOTE_NAME, placed_notes, trend_figure, with_board_notes
from metrics.access import Caller
from metrics.notes import MAX_LENGTH, NoteRefused, checked_text, notes_on

QUARTERS = ["2024-25 Q2", "2024-25 Q3", "2024-25 Q4"]


def trend() -> dict:
    frame = pd.DataFrame({"scope": "ALS", "scope_name": "Adopt London South", "quarter": QUARTERS,
                          "value": [10.0, 12.0, 15.0], "shown": ["10", "12", "15"]})
    return trend_figure(frame)


def marks(figure: dict) -> tuple[list, list]:
    layout = figure["layout"]
    return ([s for s in layout.get("shapes", []) if s.get("name") == BOARD_NOTE_NAME],
            [a for a in layout.get("annotations", []) if a.get("name") == BOARD_NOTE_NAME])


def test_a_note_is_marked_at_its_quarter_with_its_words_in_the_hover() -> None:
    figure = with_board_notes(trend(), [("2024-25 Q3", "court backlog")])
    [line], [label] = marks(figure)
    assert (line["x0"], line["x1"], line["y0"], line["y1"]) == ("2024-25 Q3", "2024-25 Q3", 0, 1)
    assert line["line"]["dash"] == "dot"
    assert (label["text"], label["x"], label["hovertext"]) == ("Note 1", "2024-25 Q3", "2024-25 Q3: court backlog")


def test_notes_are_numbered_in_order_and_one_outside_the_chart_s_quarters_is_not_drawn() -> None:
    notes = [("2023-24 Q1", "before the chart"), ("2024-25 Q2", "new RAA from April"),
             ("2024-25 Q2", "court backlog")]
    figure = with_board_notes(trend(), notes)
    lines, labels = marks(figure)
    assert [line["x0"] for line in lines] == ["2024-25 Q2"]  # one line a quarter
    assert [(a["text"], a["yshift"]) for a in labels] == [("Note 2", 0), ("Note 3", -17)]
    assert placed_notes(trend(), notes) == [(2, "2024-25 Q2", "new RAA from April"),
                                            (3, "2024-25 Q2", "court backlog")]


def test_a_note_s_words_are_text_never_markup_in_the_figure() -> None:
    figure = with_board_notes(trend(), [("2024-25 Q3", '<a href="javascript:x">see</a>')])
    [_line], [label] = marks(figure)
    assert label["hovertext"] == "2024-25 Q3: &lt;a href=&quot;javascript:x&quot;&gt;see&lt;/a&gt;"
    assert label["text"] == "Note 1"


def test_a_figure_not_drawn_over_quarters_is_left_as_it_was() -> None:
    bars = {"data": [{"type": "bar", "x": ["Under 1", "1 to 4"], "y": [3, 4]}], "layout": {}}
    assert with_board_notes(bars, [("2024-25 Q3", "court backlog")]) is bars
    figure = trend()
    assert with_board_notes(figure, []) is figure


def test_the_notes_of_a_chart_are_its_scope_s_at_its_quarters_in_their_order() -> None:
    notes = pd.DataFrame({"note_id": [1, 2, 3, 4], "scope": ["ALS", "840", "ALS", "ALS"],
                          "quarter": ["2024-25 Q4", "2024-25 Q3", "2024-25 Q2", "2022-23 Q1"],
                          "text": ["c", "other area", "a", "too early"]})
    assert notes_on(notes, "ALS", QUARTERS)["text"].tolist() == ["a", "c"]


@pytest.mark.parametrize("text", ["", " ", "a\nb", "a\rb", "a\x00b", "a\u2028b", "x" * (MAX_LENGTH + 1), 7])
def test_words_that_cannot_be_one_line_of_a_chart_are_refused(text: object) -> None:
    with pytest.raises(NoteRefused):
        checked_text(text)


def test_pinning_follows_the_unsuppressed_figures_and_reading_everyone_but_the_public() -> None:
    # (a Geography-free check: a viewer, the board and the public dashboard are refused first)
    assert not Caller("vic").may_pin_note("england", None)  # type: ignore[arg-type]
    assert not Caller("ada", "admin").on_the_board().may_pin_note("england", None)  # type: ignore[arg-type]
    assert Caller("ada", "admin").may_pin_note("england", None)  # type: ignore[arg-type]
    assert Caller("vic").may_read_notes() and Caller("ada", "admin").on_the_board().may_read_notes()
    assert not Caller("pub", public=True).may_read_notes()
