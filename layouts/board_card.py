"""A board card: one chart as a meeting room sees it on the projected screen (`?present=1`).

Its short title, the big number with the region's and England's beside it (each with a swatch
of its line, so the numbers are the chart's key), the chart filling the rest of the card and one
short source line; a key to [c], [x] or [z] only when one shows. No links, table, downloads or
long caption: those stay on the normal page. `board_cards` lays a page's board charts out on a
grid that fills one screen (assets/style-board.css). Imports dash, pandas, charts, metrics and
layouts only.
"""

from __future__ import annotations

import re

from dash import dcc, html

from charts.figures import FigureSpec, direct_labels, short_quarter
from charts.spec import WHOLE, Headline
from charts.view import ChartView
from charts.words import SOURCE
from layouts import ids
from metrics.disclosure import SYMBOLS

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
    for name in names:
        title = title.replace(f" in {name}", "").replace(f" for {name}", "")
    return re.sub(r"\s+([,:])", r"\1", re.sub(r"\s{2,}", " ", title)).strip()


def source_line(view: ChartView) -> str:
    """`Source: Quarterly ASG returns, 23-24 Q2 to 25-26 Q1`, short enough for one line of a
    card; the period's kind (the year to the quarter) is on the screen's line above."""
    quarters = sorted({q for q in view.frame["quarter"] if isinstance(q, str) and q}) if len(view.frame) else []
    if len(quarters) > 1:
        return f"Source: {SOURCE}, {short_quarter(quarters[0])} to {short_quarter(quarters[-1])}"
    return f"Source: {SOURCE}, {short_quarter(str(view.query.quarter))}"


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
    """The big number and the figures beside it on one line, each by its line's swatch."""
    parts = []
    for h in headlines:
        if h.main:
            parts.append(html.Span([html.Span(h.shown, id=ids.tile_value(chart), className="tile__value"),
                                    html.Span([*swatch(keys.get(h.label)), h.label],
                                              className="tile__label")],
                                   className="tile__main"))
        else:
            parts.append(html.Span([*swatch(keys.get(h.label)), f"{h.label}: ", html.Strong(h.shown)],
                                   className="tile__benchmark"))
    return html.Div(parts, className="board-card__numbers")


def board_figure(view: ChartView) -> FigureSpec:
    """The chart at board size; its lines labelled with their values only when the numbers
    above the chart name every line."""
    figure = view.chart.figure(view.frame)
    lines = [str(t.get("name")) for t in figure["data"] if t.get("type") == "scatter"]
    named = {h.label for h in view.headlines}
    return direct_labels(figure, names=not (lines and set(lines) <= named))


def board_card(view: ChartView, wide: bool = False) -> html.Div:
    chart, frame = view.chart.id, view.frame
    figure = board_figure(view)
    present = [s for s in SYMBOLS if s in set(frame["shown"])]
    key = "; ".join(f"{s} {SYMBOLS[s].split(':')[0]}" for s in present)
    return html.Div(
        [
            html.H2(short_title(view), id=ids.chart_title(chart), title=view.title,
                    className="board-card__title"),
            numbers(list(view.headlines), chart, line_keys(figure)),
            html.Div(  # hidden from screen readers: the title and numbers say what it shows
                dcc.Graph(figure=figure, responsive=True, style={"height": "100%", "width": "100%"},
                          config={"displayModeBar": False, "responsive": True, "staticPlot": True},
                          className="board-card__graph"),
                className="board-card__chart", **{"aria-hidden": "true"},
            ),
            html.P([source_line(view), *([html.Span(f" · {key}", className="board-card__key")]
                                         if key else [])],
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


def board_cards(views: list[tuple[ChartView, dict]]) -> html.Div:
    """The page's board cards on a grid of one screen; each chart a whole row wide on the
    normal page (the journey) is a whole row here too."""
    wide = [width == WHOLE for _view, width in views]
    columns, rows = grid_shape(len(views), sum(wide))
    return html.Div(
        [board_card(view, w) for (view, _width), w in zip(views, wide)],
        className="board-grid",
        style={"--board-columns": str(columns), "--board-rows": str(rows)},
    )
