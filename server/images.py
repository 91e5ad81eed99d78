"""Chart images and the board pack: a chart card's figure as a PNG or SVG, and the board pack
PDF for the board papers.

A picture is drawn by kaleido, which drives a headless Chrome or Chromium (BROWSER_PATH, or the
first one on PATH), so it carries its active title and its caption (source, period, scope,
cohort) inside it; plotly's modebar download would have neither. A chart's picture is one of the
data API's renderers (`/api/v1/charts/<id>?…&format=png`). The board pack is the cover (with the
returns received), the contents, a one-page summary of the headline measures, a page per chart
of the chart pages, each view once, then the data quality pages: what goes on each page is
charts/pack.py's, the HTML server/pack_pages.py's, and one Chromium prints the whole document to
one tagged PDF (its text real text, each chart's title and caption its alternative text). Every
chart takes the page's FILTER_STATE and the caller, so disclosure control applies as on screen;
the button's handler is callbacks/board_pack.py. `chart_picture` and `board_pack` are plain
functions tests call directly. Imports pandas, plotly, kaleido (and its browser driver
choreographer), pypdf, charts, metrics, layouts and server only.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import io
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import choreographer
import kaleido
import pandas as pd
import plotly.graph_objects as go
from choreographer.errors import BrowserFailedError, ChromeNotFoundError
from pypdf import PdfReader, PdfWriter

from charts import CHARTS, PAGE_OF, pack_charts
from charts.export_figure import IMAGE_SIZE, Size, export_figure
from charts.headlines import quarter_headlines
from charts.pack import (
    Sheet, contents, front_pages, incomplete_at, once, returns_line, returns_now, returns_rows,
    summary_notes, summary_row, view_of,
)
from charts.pages.overview import MEASURES as HEADLINE_MEASURES
from charts.pages.data_quality import COMPLETENESS
from charts.query import describe
from charts.view import ChartView, view
from layouts.headlines import NOTHING
from layouts.shell import SERVICE_NAME
from metrics.disclosure import disclosure_note
from metrics.export import file_name
from metrics.quality import returns_grid, submitting_agencies
from metrics.quarters import Quarter
from server.auth import caller_of
from server.exports import record_export
from server.pack_pages import (
    chart_page, contents_page, cover_page, document, headlines_page, made_on, summary_page,
    table_page,
)
from server.services import Services

TABS = 2  # browser tabs drawing pictures at once
DRAW_POLLS = 600  # tenths of a second the pack's charts may take to draw
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
NO_BROWSER = ("Images and the board pack are drawn by Chromium, which was not found or would "
              "not start: install it (apt-get install chromium) or set BROWSER_PATH to a "
              "Chrome or Chromium binary.")


class NoBrowser(RuntimeError):
    """kaleido found no Chrome or Chromium to draw with, or it would not start."""


class NotDrawn(RuntimeError):
    """Chromium started but did not draw or print the board pack."""


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


def print_pdf(html: str, browser_path: str = "") -> bytes:
    """The HTML document printed to one PDF by one Chromium: its page size from the document's
    CSS, tagged (its structure and the charts' alternative text kept) and with an outline of
    its headings. One print of the whole pack, not a print per page."""

    async def draw(path: Path) -> bytes:
        async with choreographer.Browser(path=browser_path or None, headless=True) as browser:
            tab = await browser.create_tab(path.as_uri())
            await tab.send_command("Runtime.enable")
            for _ in range(DRAW_POLLS):
                # `window.drawn` is the document's promise that every chart is drawn.
                answer = await tab.send_command("Runtime.evaluate", params={
                    "expression": "window.drawn || null", "awaitPromise": True,
                    "returnByValue": True})
                if answer.get("result", {}).get("result", {}).get("value") == "drawn":
                    break
                await asyncio.sleep(0.1)
            else:
                raise NotDrawn("its charts were not drawn within a minute")
            printed = await tab.send_command("Page.printToPDF", params={
                "printBackground": True, "preferCSSPageSize": True, "marginTop": 0,
                "marginBottom": 0, "marginLeft": 0, "marginRight": 0,
                "generateTaggedPDF": True, "generateDocumentOutline": True})
            if "error" in printed:
                raise NotDrawn(f"Chromium would not print it ({printed['error']})")
            return base64.b64decode(printed["result"]["data"])

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "board-pack.html"
            path.write_text(html, encoding="utf-8")
            with ThreadPoolExecutor(max_workers=1) as pool:
                printed = pool.submit(lambda: asyncio.run(draw(path))).result()
    except (ChromeNotFoundError, BrowserFailedError) as exc:
        raise NoBrowser(NO_BROWSER) from exc
    return smaller(printed)


def smaller(pdf: bytes) -> bytes:
    """The PDF with each repeated object kept once: Chromium prints a bar's hatching as an
    image per bar, most of them alike, and they made a pack four times the size (some 7 MB
    rather than under 2). The structure tree, alternative text and outline are kept; the
    service, not the browser, is named as what made it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    writer.add_metadata({"/Creator": SERVICE_NAME, "/Subject": "Board pack"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def cover_lines(services: Services, state: dict, made: datetime.date, returns: str) -> list[str]:
    """The cover's lines: the area, quarter and period (and who is compared), the date made
    and the returns received."""
    return [*describe(services.measures.geography(), state).split(" · "), returns,
            made_on(made)]


def returns_grid_now(services: Services, scope: str, quarter: Quarter) -> tuple[pd.DataFrame, list[str]]:
    """The Data quality page's returns-received grid for the quarter, and the agencies
    expected to make a return for the scope (metrics.quality, as that page counts them)."""
    agencies = submitting_agencies(services.measures.geography(), scope)
    expected = agencies["code"].tolist()
    versions = services.store.return_versions(quarter, quarter, expected)
    return returns_grid(agencies, versions, [quarter], set(expected)), expected


def board_pack(services: Services, state: object, made: datetime.date | None = None) -> bytes:
    """The board pack PDF: the cover, the contents, the summary of the headline measures, the
    quarter's headlines (each with its chart's page), a page per chart (each view once: charts.pack.once), then the data quality pages; every page
    numbered and carrying the disclosure key. ValueError when the selection is wrong."""
    caller = caller_of(services)
    shown = {chart.id: view(chart, state, services.measures, caller, services.policy)
             for _page, chart in pack_charts()}  # the queries check the selection first
    state = dict(state)  # checked by now
    where = services.measures.geography().scope(next(iter(shown.values())).query.scope)
    quarter = next(iter(shown.values())).query.quarter
    heading = f"{SERVICE_NAME} · {where.name} · {quarter}"
    charts = [(page, shown[chart.id]) for page, chart in once(pack_charts())]
    quality = view(COMPLETENESS, state, services.measures, caller, services.policy)
    grid, expected = returns_grid_now(services, where.code, quarter)
    returns = returns_line(grid, quarter, expected)
    received = f"Returns received by agency, {quarter}"
    incomplete = f"From incomplete returns. {returns}."
    sheets = [Sheet("Summary", "Headline measures"), Sheet("Summary", "The quarter's headlines"),
              *(Sheet(page.title, chart.title) for page, chart in charts),
              Sheet("Data quality", received), Sheet("Data quality", quality.title)]
    listed = contents(sheets)
    front = front_pages(listed)
    total = front + len(sheets)
    rows = [summary_row(shown[chart.id].frame, shown[chart.id].query)
            for chart, _width in PAGE_OF["overview"].charts]
    region = where.region if where.kind not in ("region", "england") else None
    pages = [
        cover_page(f"{SERVICE_NAME}: board pack",
                   cover_lines(services, state, made or datetime.date.today(), returns),
                   disclosure_note(services.policy), total),
        *(contents_page(heading, entries, 2 + n, total) for n, entries in enumerate(listed)),
        summary_page(heading, f"Headline measures for {where.name}, {quarter}", where.name,
                     region, rows, summary_notes(rows), front + 1, total),
        headlines_page(heading, f"The quarter's headlines for {where.name}, {quarter}",
                       pack_headlines(shown, charts, where, quarter, front + 3), NOTHING,
                       front + 2, total),
        *(chart_page(f"{heading} · {page.title}", chart, n, front + 3 + n, total,
                     incomplete if incomplete_at(chart.frame, chart.query) else "")
          for n, (page, chart) in enumerate(charts)),
        table_page(f"{heading} · Data quality", received, returns,
                   ("Agency", "Kind", "Return", "Rows held back"),
                   returns_rows(returns_now(grid, quarter, expected)),
                   ["Return: the version of the agency's current return for the quarter; "
                    "“missing”: none yet, so the figures count the other agencies' returns only; "
                    "“partial”: rows that failed the checks were held back and are not counted."],
                   total - 1, total),
        chart_page(f"{heading} · Data quality", quality, len(charts), total, total),
    ]
    figures = [chart.figure for _page, chart in charts] + [quality.figure]
    pdf = print_pdf(document(f"{SERVICE_NAME} board pack: {where.name}, {quarter}", pages, figures),
                    services.settings.browser_path)
    record_export(services, "board_pack", *scope_and_quarter(state),
                  f"board pack of {total} pages, {len(figures)} charts: {pack_name(state)}")
    return pdf


def pack_headlines(shown: dict, charts: list, where, quarter, first_chart_page: int
                   ) -> list[tuple[str, str, int | None]]:
    """The quarter's headlines (charts/headlines.py, from the Overview's views), each with the
    page of the pack's chart that shows its figure (the one `once` kept of that view)."""
    pages = {view_of(chart.chart): first_chart_page + n for n, (_page, chart) in enumerate(charts)}
    funnels = [chart.id for chart, _width in PAGE_OF["fair_comparison"].charts]
    found = quarter_headlines([(m, m, shown[m].frame) for m in HEADLINE_MEASURES],
                              where.code, where.name, quarter,
                              [(c, shown[c].chart.measure, shown[c].frame) for c in funnels])
    return [(h.text, h.verdict, pages.get(view_of(CHARTS[h.chart]))) for h in found]


def scope_and_quarter(state: object) -> tuple[str, str]:
    """The filter bar's scope and quarter, which the chart queries have checked by now."""
    state = state if isinstance(state, dict) else {}
    return str(state.get("scope", "")), str(state.get("quarter", ""))


def pack_name(state: object) -> str:
    return file_name("board-pack", *scope_and_quarter(state))
