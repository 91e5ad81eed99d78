"""Chart images and the board pack, drawn on the server: a chart card's figure as a PNG or SVG,
and every chart page's charts as one PDF for the board papers (the buttons' handlers are
callbacks/board_pack.py). Imports plotly, kaleido (and its browser driver choreographer),
pypdf, layouts, metrics, server and, until the chart registry has a package of its own,
callbacks.charts and callbacks.chart_pages only.

The server draws them with kaleido, which drives a headless Chrome or Chromium (BROWSER_PATH,
or the first one on PATH), so each picture carries its active title and its caption (source,
period, scope, cohort) inside it; plotly's modebar download would have neither. The board pack
is a cover page, then one page per chart of each page in layouts/chart_pages.py's PAGES, in the
order callbacks/chart_pages.py's PAGE_CHARTS lists them, for the page's FILTER_STATE and the
caller every chart uses, so disclosure control applies as on screen. All of a pack's pages are
drawn in one browser start. `chart_image` and `board_pack` are plain functions tests call
directly.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import io
from concurrent.futures import ThreadPoolExecutor

import kaleido
import plotly.graph_objects as go
from choreographer.errors import BrowserFailedError, ChromeNotFoundError
from pypdf import PdfWriter

from server.api import describe, record_export
from callbacks.chart_pages import PAGE_CHARTS
from callbacks.charts import CHARTS, Chart, caption, chart_frame, chart_query
from server.renderers import file_name
from server.services import Services
from layouts.chart_pages import PAGES
from layouts.export_figure import IMAGE_SIZE, PAGE_SIZE, Size, cover_figure, export_figure
from layouts.shell import SERVICE_NAME
from metrics.disclosure import disclosure_note

TABS = 2  # browser tabs drawing at once
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
NO_BROWSER = ("Images and the board pack are drawn by Chromium, which was not found or would "
              "not start: install it (apt-get install chromium) or set BROWSER_PATH to a "
              "Chrome or Chromium binary.")


class NoBrowser(RuntimeError):
    """kaleido found no Chrome or Chromium to draw with, or it would not start."""


def render(figures: list[go.Figure], format: str, size: Size, browser_path: str = "") -> list[bytes]:
    """Each figure as `format` bytes (png, svg or pdf), all drawn in one browser: starting
    Chromium costs about a second, and a board pack has some three dozen pages."""
    opts = {"format": format, "width": size.width, "height": size.height}

    async def draw() -> list[bytes]:
        # mathjax=False: kaleido would otherwise fetch MathJax from a CDN, and no chart uses it.
        # Two tabs overlap one page's drawing with the next one's sending; gather keeps order.
        async with kaleido.Kaleido(n=min(TABS, len(figures)), path=browser_path or None, mathjax=False) as browser:
            return list(await asyncio.gather(*(browser.calc_fig(f, opts=opts) for f in figures)))

    try:
        # A thread of its own, so asyncio.run never meets an event loop the server may run.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: asyncio.run(draw())).result()
    except (ChromeNotFoundError, BrowserFailedError) as exc:
        raise NoBrowser(NO_BROWSER) from exc


def chart_export(services: Services, chart: Chart, state: object, size: Size,
                 heading: str = "") -> tuple[go.Figure, str]:
    """The chart's figure for the selection with its title and caption inside, and the
    download's file name (no extension). ValueError when the selection is wrong."""
    query = chart_query(chart, state, services.measures.geography(), services.measures)
    frame = chart_frame(services, chart, query)
    figure = export_figure(chart.figure(frame), chart.title(frame, query),
                           (chart.caption or caption)(frame, query), size, heading)
    s = query.selection
    return figure, file_name(chart.id, s.scope, str(query.first), "to", str(s.quarter))


def as_download(body: bytes, name: str, format: str) -> dict:
    return {"content": base64.b64encode(body).decode("ascii"), "filename": f"{name}.{format}",
            "type": MIME_TYPES[format], "base64": True}


def chart_image(services: Services, chart_id: str, format: str, state: object) -> dict:
    """dcc.Download data: the chart as a PNG or SVG at IMAGE_SIZE."""
    figure, name = chart_export(services, CHARTS[chart_id], state, IMAGE_SIZE)
    [body] = render([figure], format, IMAGE_SIZE, services.settings.browser_path)
    record_export(services, "export", *scope_and_quarter(state), f"{chart_id} {format}: {name}")
    return as_download(body, name, format)


def pack_charts() -> list[tuple[str, str]]:
    """(page title, chart id) for every chart of every chart page, page by page in order."""
    return [(page.title, chart) for page in PAGES for chart, _width in PAGE_CHARTS.get(page.slug, ())]


def cover(services: Services, state: object, made: datetime.date) -> go.Figure:
    """The first page: the service, the area, quarter and window, the date made, and the note."""
    lines = describe(services.measures.geography(), state).split(" · ")
    lines.append(f"Made on {made.day} {made:%B %Y}")
    return cover_figure(f"{SERVICE_NAME}: board pack", lines, disclosure_note(services.policy))


def board_pack(services: Services, state: object, made: datetime.date | None = None) -> bytes:
    """The board pack PDF: the cover, then one landscape page per chart, each headed by the
    service and the page's name. ValueError when the selection is wrong."""
    # The charts first: their queries check the selection before the cover describes it.
    charts = [chart_export(services, CHARTS[chart], state, PAGE_SIZE, f"{SERVICE_NAME} · {page_title}")[0]
              for page_title, chart in pack_charts()]
    figures = [cover(services, state, made or datetime.date.today()), *charts]
    writer = PdfWriter()
    for page in render(figures, "pdf", PAGE_SIZE, services.settings.browser_path):
        writer.append(io.BytesIO(page))
    writer.compress_identical_objects()  # every page carries the same fonts: keep one copy
    out = io.BytesIO()
    writer.write(out)
    record_export(services, "board_pack", *scope_and_quarter(state),
                  f"board pack of {len(charts)} charts: {pack_name(state)}")
    return out.getvalue()


def scope_and_quarter(state: object) -> tuple[str, str]:
    """The filter bar's scope and quarter, which the chart queries have checked by now."""
    state = state if isinstance(state, dict) else {}
    return str(state.get("scope", "")), str(state.get("quarter", ""))


def pack_name(state: object) -> str:
    return file_name("board-pack", *scope_and_quarter(state))
