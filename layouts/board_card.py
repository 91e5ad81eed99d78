"""A board card: one chart as a meeting room sees it on the projected screen (`?present=1`).

Its short title, the big number with the region's and England's beside it (each with a swatch
of its line, so the numbers are the chart's key), the chart filling the rest of the card and one
short source line; a key to [c], [x] or [z] only when one shows. No links, table, downloads or
long caption: those stay on the normal page. `board_cards` lays a page's board charts out on a
grid that fills one screen (assets/style-board.css). Imports dash, charts, metrics and
layouts only.
"""

from __future__ import annotations

import re

from dash import dcc, html

from charts.figures import (
    HIDDEN_NAME, NOTE_NAME, FigureSpec, browser_figure, common_start, direct_labels, quarters_of, short_quarter,
    with_board_notes,
)
from charts.spec import WHOLE, Headline
from charts.view import BOARD_NOTE_SIZE, ChartView
from layouts import ids
from metrics.disclosure import SYMBOLS

BOARD_SOURCE = "ASG returns"  # charts.words.SOURCE, short for a card's one source line
# plotly's dashes as CSS border styles, for the swatch beside each number.
SWATCH_STYLES = {"solid": "solid", "dot": "dotted", "dash": "dashed", "dashdot": "dashed",
                 "longdash": "dashed", "longdashdot": "dashed"}


def short_title(view: ChartView) -> str:
    """The active title without the area and the quarter, which the line above the cards says
    once for the whole screen: `Children waiting rose to 305 in 2025-26 Q1` -> `Children
    waiting rose to 305`."""
    title, quarter = view.title, str(view.query.quarter)
    names = set(view.frame.loc[view.frame["scope"] == view.query.scope, "scope_name"]) if len(view.frame) else set()
    for period in (f" in the year to {quarter}", f" in the three years to {quarter}",
                   f" in {quarter}", f" at {quarter}"):
        title = title.replace(period, "")
    for name in names:  # not `in England's regions`
        title = re.sub(rf" (?:in|for) {re.escape(name)}(?![\w'’])", "", title)
    # A figure in brackets repeats one the card shows (a threshold's days, England's value).
    title = re.sub(r" \([^()]*\d[^()]*\)", "", title)
    return re.sub(r"\s+([,:])", r"\1", re.sub(r"\s{2,}", " ", title)).strip()


def source_line(view: ChartView, latest_only: bool = False) -> str:
    """`Source: ASG returns, 23-24 Q2 to 25-26 Q1`, short enough for one line of a third of the
    screen; the period's kind (the year to the quarter) is on the screen's line above, the
    source's full name in the normal page's caption. `latest_only`: the board's figure shows
    the latest quarter of the frame's trend."""
    quarters = sorted({q for q in view.frame["quarter"] if isinstance(q, str) and q}) if len(view.frame) else []
    if latest_only and quarters:
        return f"Source: {BOARD_SOURCE}, {short_quarter(quarters[-1])}"
    if len(quarters) > 1:
        return f"Source: {BOARD_SOURCE}, {short_quarter(quarters[0])} to {short_quarter(quarters[-1])}"
    return f"Source: {BOARD_SOURCE}, {short_quarter(str(view.query.quarter))}"


def line_keys(figure: FigureSpec) -> dict[str, dict]:
    """Each drawn line's name -> its colour and dash."""
    return {str(t.get("name")): {"color": t.get("line", {}).get("color"),
                                 "dash": t.get("line", {}).get("dash", "solid")}
            for t in figure["data"] if t.get("type") == "scatter" and "lines" in str(t.get("mode", ""))}


def swatch(style: dict | None) -> list:
    if not style or not style.get("color"):
        return []
    border = f"4px {SWATCH_STYLES.get(style.get('dash') or 'solid', 'dashed')} {style['color']}"
    return [html.Span(className="board-card__swatch", style={"borderTop": border},
                      **{"aria-hidden": "true"})]


def numbers(headlines: list[Headline], chart: str, keys: dict[str, dict]) -> html.Div:
    """The big number and the figures beside it on one line, each by its line's swatch. Words
    all their names start with are said once, by the big number (`197 Children waiting over 6
    months`, then `over 12 months: 120`)."""
    parts = []
    shared = common_start([h.label for h in headlines])
    for h in headlines:
        if h.main:
            parts.append(html.Span([html.Span(h.shown, id=ids.tile_value(chart), className="tile__value"),
                                    html.Span([*swatch(keys.get(h.label)), h.label],
                                              className="tile__label")],
                                   className="tile__main"))
        else:
            label = h.label[len(shared):].strip() if shared and h.label != shared else h.label
            parts.append(html.Span([*swatch(keys.get(h.label)), f"{label}: ", html.Strong(h.shown)],
                                   className="tile__benchmark"))
    return html.Div(parts, className="board-card__numbers")


MARKS = {"Hollow points": "\u25cb", "Hatched bars": "\u25a8"}  # how a figure marks them: ○, ▨


def incomplete_note(figure: FigureSpec) -> str:
    """The figure's note of incomplete returns, short, for the card's source line: `Hollow
    points: 1 of 4 returns missing: Aspire` (where and how many more marked are left to the
    normal page). Written above a board's plot it would leave the chart or cover its numbers."""
    notes = figure["layout"].get("annotations", [])
    text = next((str(n.get("text", "")) for n in notes if n.get("name") == NOTE_NAME), "")
    said = " ".join(text.replace("<br>", " ").split()).split(" (")[0].split("; ")[0]
    # The mark itself stands for its name: `○ 1 of 4 returns missing: Aspire`.
    for name, mark in MARKS.items():
        said = said.replace(f"{name}: ", f"{mark} ", 1)
    return said


def without_note(figure: FigureSpec) -> FigureSpec:
    layout = figure["layout"]
    kept = [n for n in layout.get("annotations", []) if n.get("name") not in (NOTE_NAME, HIDDEN_NAME)]
    return {**figure, "layout": {**layout, "annotations": kept}}


def hidden_words(figure: FigureSpec) -> str:
    """`3 agencies hidden` when a funnel left agencies out to protect small numbers (its
    note, `HIDDEN_NAME`, is too long for a board card's plot), else ""."""
    hidden = sum(int(str(n.get("text", "")).split(" ", 1)[0])
                 for n in figure["layout"].get("annotations", []) if n.get("name") == HIDDEN_NAME)
    return f"{hidden} {'agency' if hidden == 1 else 'agencies'} hidden" if hidden else ""


def board_figure(view: ChartView) -> tuple[FigureSpec, bool, str]:
    """The chart at board size, and whether it shows only the latest of its trend's quarters
    (bars over quarters do); its lines labelled with their values only when the numbers above
    the chart name every line; and its note of incomplete returns, for the source line."""
    drawn = view.chart.figure(view.frame)
    figure, note = without_note(drawn), incomplete_note(drawn)
    lines = [str(t.get("name")) for t in figure["data"] if t.get("type") == "scatter"]
    named = {h.label for h in view.headlines}
    board = with_board_notes(direct_labels(figure, names=not (lines and set(lines) <= named)),
                             list(view.notes), size=BOARD_NOTE_SIZE)
    return board, bool(quarters_of(figure["data"], "x")) and not quarters_of(board["data"], "x"), note


def board_card(view: ChartView, wide: bool = False,
               drawn: tuple[FigureSpec, bool, str] | None = None) -> html.Div:
    chart, frame = view.chart.id, view.frame
    # the note of incomplete returns: board_cards says it once for the screen
    figure, latest_only, _note = drawn or board_figure(view)
    present = [s for s in SYMBOLS if s in set(frame["shown"])]
    key = "; ".join(f"{s} {SYMBOLS[s].split(':')[0]}" for s in present)
    hidden = hidden_words(view.chart.figure(frame))
    key = f"{hidden} ({key})" if hidden and key else hidden or key
    return html.Div(
        [
            html.H2(short_title(view), id=ids.chart_title(chart), title=view.title,
                    className="board-card__title"),
            numbers(list(view.headlines), chart, line_keys(figure)),
            html.Div(  # hidden from screen readers: the title and numbers say what it shows
                dcc.Graph(figure=browser_figure(figure), responsive=True,
                          style={"height": "100%", "width": "100%"},
                          config={"displayModeBar": False, "responsive": True, "staticPlot": True},
                          className="board-card__graph"),
                className="board-card__chart", **{"aria-hidden": "true"},
            ),
            html.P([source_line(view, latest_only),
                    *([html.Span(f" · {key}", className="board-card__key")] if key else [])],
                   className="board-card__source"),
        ],
        className="chart-card board-card" + (" board-card--wide" if wide else ""),
        id=ids.chart_part("card", chart),
    )


def grid_shape(count: int, wide: int) -> tuple[int, int]:
    """(columns, rows) of a board's grid: a wide card takes a row of its own."""
    rest = count - wide
    columns = {0: 1, 1: 1, 2: 2, 3: 3, 4: 2, 5: 3, 6: 3}.get(rest, 3) if not wide else max(rest, 1)
    rows = wide + -(-rest // columns)
    return columns, rows


def row_heights(wide: list[bool], columns: int) -> list[str]:
    """Each grid row's share of the screen: equal, but where a wide card (a stacked bar of a
    few areas) has a row of its own it takes 5 parts to the other rows' 7 (their trends need
    the height more)."""
    heights, column = [], 0
    for w in wide:
        if w:
            heights.append("minmax(0, 5fr)" if any(not x for x in wide) else "minmax(0, 1fr)")
            column = 0
            continue
        if column == 0:
            heights.append("minmax(0, 7fr)" if any(wide) else "minmax(0, 1fr)")
        column = (column + 1) % columns
    return heights


def incomplete_line(notes: list[str]) -> list[str]:
    """The cards' notes said once each, marks of the same words together: `○ ▨ 1 of 4 returns
    missing: Aspire`."""
    marks: dict[str, list[str]] = {}
    for note in notes:
        mark, _, words = note.partition(" ")
        if mark not in MARKS.values():
            mark, words = "", note
        if mark not in marks.setdefault(words, []):
            marks[words].append(mark)
    return [" ".join([*(m for m in found if m), words]) for words, found in marks.items()]


def board_cards(views: list[tuple[ChartView, dict]]) -> html.Div:
    """The page's board cards on a grid of one screen; each chart a whole row wide on the
    normal page (the journey) is a whole row here too."""
    wide = [width == WHOLE for _view, width in views]
    columns, _rows = grid_shape(len(views), sum(wide))
    heights = row_heights(wide, columns)
    drawn = [board_figure(view) for view, _width in views]
    grid = html.Div(
        [board_card(view, w, d) for (view, _width), w, d in zip(views, wide, drawn)],
        className="board-grid",
        style={"--board-columns": str(columns), "--board-rows": " ".join(heights)},
    )
    # Figures from incomplete returns are hollow or hatched on their charts; what is missing is
    # said once for the screen, not on every card (a card has no line to spare on a projector).
    said = " · ".join(incomplete_line([note for _figure, _latest, note in drawn if note]))
    # The area's board notes are the same on each of its trend charts, numbered alike: said
    # once for the screen too, so the charts keep their height.
    notes = " · ".join(dict.fromkeys(line for view, _width in views for line in view.note_lines))
    return html.Div([*([html.P(said, className="board-incomplete")] if said else []),
                     *([html.P(notes, className="board-notes")] if notes else []),
                     grid], className="board-screen")
