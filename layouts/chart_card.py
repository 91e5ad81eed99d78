"""A chart card: active title, headline numbers, the chart, its caption, a table alternative,
the key to the symbols and downloads of exactly its numbers.

`chart_card` takes what callbacks/charts.py worked out (the title text, the disclosed frame,
the figure) and lays it out; the download buttons are wired by callbacks/charts.py (CSV, XLSX)
and callbacks/board_pack.py (PNG, SVG) through pattern-matching ids. Imports dash, its component libraries, pandas and layouts only.
"""

from __future__ import annotations

from typing import NamedTuple

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.figures import FigureSpec


class Headline(NamedTuple):
    label: str  # the area's name
    shown: str  # the disclosed text: "2,940", "[c]"
    main: bool = False  # the scope itself (big), or a benchmark beside it


class TableShape(NamedTuple):
    """How a frame becomes the table view: which column makes the rows (headed `heading`),
    which the columns, and which column names those."""

    heading: str = "Quarter"
    rows: str = "quarter"
    columns: str = "scope"
    names: str = "scope_name"


def table_view(frame: pd.DataFrame, caption: str, shape: TableShape = TableShape()) -> html.Table:
    """The frame's shown values: by default one row per quarter, one column per area."""
    scopes = list(dict.fromkeys(frame[shape.columns]))
    names = dict(zip(frame[shape.columns], frame[shape.names]))
    quarters = list(dict.fromkeys(frame[shape.rows]))
    shown = {(s, q): t for s, q, t in zip(frame[shape.columns], frame[shape.rows], frame["shown"])}
    return html.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(html.Tr([html.Th(shape.heading, scope="col")]
                               + [html.Th(names[s], scope="col") for s in scopes])),
            html.Tbody([
                html.Tr([html.Th(q, scope="row")]
                        + [html.Td(shown.get((s, q), ""), className="num") for s in scopes])
                for q in quarters
            ]),
        ],
        className="table table-sm chart-card__table",
    )


def symbol_key(symbols: dict[str, str], present: set[str] | None = None) -> html.Dl | None:
    """The key to [c], [z], [x]: those in `present` only, or every one when None."""
    items = [(s, text) for s, text in symbols.items() if present is None or s in present]
    if not items:
        return None
    return html.Dl(
        [part for s, text in items for part in (html.Dt(s), html.Dd(text))],
        className="symbol-key",
    )


def headline_numbers(headlines: list[Headline], chart: str) -> html.Div:
    parts = []
    for h in headlines:
        if h.main:
            parts.append(html.P([html.Span(h.shown, id=ids.tile_value(chart),
                                           className="tile__value"),
                                 html.Span(f" {h.label}", className="tile__label")],
                                className="tile__main"))
        else:
            parts.append(html.Span([f"{h.label}: ", html.Strong(h.shown)],
                                   className="tile__benchmark"))
    return html.Div(parts, className="tile__numbers")


def download_buttons(chart: str) -> html.Div:
    return html.Div(
        [
            dbc.Button("Download CSV", id={"type": ids.CHART_CSV, "chart": chart},
                       color="link", size="sm", className="chart-card__download"),
            dbc.Button("Download XLSX", id={"type": ids.CHART_XLSX, "chart": chart},
                       color="link", size="sm", className="chart-card__download"),
            dcc.Download(id={"type": ids.CHART_DOWNLOAD, "chart": chart}),
            # Drawn by the server (server/images.py) so the title and source are inside
            # the picture; plotly's own modebar image would have neither.
            dbc.Button("Download PNG", id={"type": ids.CHART_PNG, "chart": chart},
                       color="link", size="sm", className="chart-card__download"),
            dbc.Button("Download SVG", id={"type": ids.CHART_SVG, "chart": chart},
                       color="link", size="sm", className="chart-card__download"),
            dcc.Download(id={"type": ids.CHART_IMAGE_DOWNLOAD, "chart": chart}),
            html.Span(id={"type": ids.CHART_IMAGE_MESSAGE, "chart": chart},
                      className="chart-card__message", role="status"),
        ],
        className="chart-card__downloads",
    )


def chart_card(chart: str, title: str, headlines: list[Headline], figure: FigureSpec,
               frame: pd.DataFrame, caption: str, symbols: dict[str, str],
               links: list[tuple[str, str]], table: TableShape = TableShape()) -> dbc.Card:
    """One card. `links` are (text, href) pairs shown under the downloads."""
    present = set(frame["shown"]) & set(symbols)
    return dbc.Card(
        dbc.CardBody([
            html.H2(title, id=ids.chart_title(chart), className="chart-card__title h5"),
            headline_numbers(headlines, chart),
            html.Div(  # hidden from screen readers: the table below says the same in text
                dcc.Graph(figure=figure, config={"displayModeBar": False, "responsive": True},
                          className="chart-card__graph"),
                **{"aria-hidden": "true"},
            ),
            html.P(caption, className="chart-card__caption"),
            symbol_key(symbols, present),
            html.Details([html.Summary("Show as table"), table_view(frame, title, table)],
                         className="chart-card__table-toggle"),
            download_buttons(chart),
            html.P([html.A(text, href=href, className="me-3") for text, href in links],
                   className="chart-card__links"),
        ]),
        className="chart-card h-100",
        id=ids.chart_part("card", chart),
    )
