"""A chart card: active title, headline numbers, the chart, its caption, a table alternative
(drawn by `table_view` when its reader opens it), the key to the symbols and downloads of
exactly its numbers.

`chart_card` lays out a `charts.view.ChartView` (the chart's frame, words and figure, worked out
once). Its downloads are plain links to the data API's chart files
(`/api/v1/charts/<id>?...&format=csv|xlsx|png|svg`, server/api.py), so every format the API
renders is a link here and nothing else. Imports dash, its component libraries, pandas, charts,
metrics and layouts only.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from charts.figures import browser_figure
from charts.spec import Headline, TableShape
from charts.view import ChartView
from layouts import ids
from metrics.disclosure import SYMBOLS

# The chart's files, each a link to the data API's renderer of that format.
DOWNLOADS = (("Download CSV", "csv"), ("Download XLSX", "xlsx"), ("Download PNG", "png"),
             ("Download SVG", "svg"))

def table_view(frame: pd.DataFrame, caption: str, shape: TableShape = TableShape()) -> html.Table:
    """The frame's shown values: by default one row per quarter, one column per area (and,
    when the shape says so, a last column of each row's cohort)."""
    frame = frame[frame[shape.rows].notna() & (frame[shape.rows] != "")] if shape.cohort else frame
    scopes = list(dict.fromkeys(frame[shape.columns]))
    names = dict(zip(frame[shape.columns], frame[shape.names]))
    quarters = list(dict.fromkeys(frame[shape.rows]))
    shown = {(s, q): t for s, q, t in zip(frame[shape.columns], frame[shape.rows], frame["shown"])}
    cohorts = dict(zip(frame[shape.rows], frame["cohort"])) if shape.cohort else {}

    def cohort(q: str) -> list:
        if not shape.cohort:
            return []
        n = cohorts.get(q)
        return [html.Td("" if n is None or pd.isna(n) else f"{float(n):,.0f}", className="num")]

    return html.Table(
        [
            html.Caption(caption, className="visually-hidden"),
            html.Thead(html.Tr([html.Th(shape.heading, scope="col")]
                               + [html.Th(names[s], scope="col") for s in scopes]
                               + ([html.Th(shape.cohort, scope="col")] if shape.cohort else []))),
            html.Tbody([
                html.Tr([html.Th(q, scope="row")]
                        + [html.Td(shown.get((s, q), ""), className="num") for s in scopes]
                        + cohort(q))
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


def download_links(view: ChartView) -> html.Div:
    """The chart's files for the same selection. PNG and SVG are drawn by the server with the
    title and source inside the picture; plotly's own modebar image would have neither."""
    return html.Div(
        [html.A(text, href=view.file_url(format), className="chart-card__download btn btn-link btn-sm")
         for text, format in DOWNLOADS],
        className="chart-card__downloads",
    )


def chart_card(view: ChartView) -> dbc.Card:
    """One card: the chart's title, headline numbers, figure, caption, the key to the symbols
    it shows, its table, its downloads and the links to its definition and data API."""
    chart, frame = view.chart.id, view.frame
    present = set(frame["shown"]) & set(SYMBOLS)
    return dbc.Card(
        dbc.CardBody([
            html.H2(view.title, id=ids.chart_title(chart), className="chart-card__title h5"),
            headline_numbers(list(view.headlines), chart),
            html.Div(  # hidden from screen readers: the table below says the same in text
                dcc.Graph(figure=browser_figure(view.figure), config={"displayModeBar": False, "responsive": True},
                          className="chart-card__graph"),
                **{"aria-hidden": "true"},
            ),
            html.P(view.caption, className="chart-card__caption"),
            *[html.P(line, className="chart-card__board-note") for line in view.note_lines],
            *([html.P(view.compare_note, id=ids.chart_part("compare-note", chart),
                      className="chart-card__compare-note")] if view.compare_note else []),
            symbol_key(SYMBOLS, present),
            # The table is drawn when first opened (callbacks/chart_pages.py): a page's ten
            # closed tables were a third of the browser's work in drawing it.
            html.Details([html.Summary("Show as table", id=ids.table_open(chart)),
                          html.Div(id=ids.table_body(chart))],
                         className="chart-card__table-toggle"),
            download_links(view),
            html.P([html.A(text, href=href, className="me-3") for text, href in view.links],
                   className="chart-card__links"),
        ]),
        className="chart-card h-100",
        id=ids.chart_part("card", chart),
    )
