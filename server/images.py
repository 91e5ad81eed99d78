"""Chart images and the board pack: a chart card's figure as a PNG or SVG, and every chart
page's charts as one PDF for the board papers.

The server draws them with kaleido, which drives a headless Chrome or Chromium (BROWSER_PATH,
or the first one on PATH), so each picture carries its active title and its caption (source,
period, scope, cohort) inside it; plotly's modebar download would have neither. A chart's
picture is one of the data API's renderers (`/api/v1/charts/<id>?…&format=png`). The board pack
is a cover page, then one page per chart of each page in `charts.PAGES`, in order, for the
page's FILTER_STATE and the caller every chart uses, so disclosure control applies as on
screen; its button's handler is callbacks/board_pack.py. All of a pack's pages are drawn in one
browser start. `chart_picture` and `board_pack` are plain functions tests call directly.
Imports plotly, kaleido (and its browser driver choreographer), pypdf, charts, metrics,
layouts and server only.
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

from charts import pack_charts
from charts.export_figure import IMAGE_SIZE, PAGE_SIZE, Size, cover_figure, export_figure
from charts.query import describe
from charts.view import ChartView, view
from layouts.shell import SERVICE_NAME
from metrics.disclosure import disclosure_note
from metrics.export import file_name
from server.auth import caller_of
from server.exports import record_export
from server.services import Services

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


def picture(chart: ChartView, size: Size, heading: str = "") -> go.Figure:
    """The chart's figure with its title and caption inside, at `size`."""
    return export_figure(chart.figure, chart.title, chart.caption, size, heading)


def chart_picture(services: Services, chart: ChartView, format: str) -> bytes:
    """The chart as a PNG or SVG at IMAGE_SIZE (NoBrowser when none can draw it)."""
    [body] = render([picture(chart, IMAGE_SIZE)], format, IMAGE_SIZE, services.settings.browser_path)
    return body


def as_download(body: bytes, name: str, format: str) -> dict:
    return {"content": base64.b64encode(body).decode("ascii"), "filename": f"{name}.{format}",
            "type": MIME_TYPES[format], "base64": True}


def cover(services: Services, state: object, made: datetime.date) -> go.Figure:
    """The first page: the service, the area, quarter and window, the date made, and the note."""
    lines = describe(services.measures.geography(), state).split(" · ")
    lines.append(f"Made on {made.day} {made:%B %Y}")
    return cover_figure(f"{SERVICE_NAME}: board pack", lines, disclosure_note(services.policy))


def board_pack(services: Services, state: object, made: datetime.date | None = None) -> bytes:
    """The board pack PDF: the cover, then one landscape page per chart, each headed by the
    service and the page's name. ValueError when the selection is wrong."""
    # The charts first: their queries check the selection before the cover describes it.
    caller = caller_of(services)
    charts = [picture(view(chart, state, services.measures, caller, services.policy), PAGE_SIZE,
                      f"{SERVICE_NAME} · {page.title}")
              for page, chart in pack_charts()]
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
