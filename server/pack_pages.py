"""The board pack as one HTML document, A4 landscape page by page, for Chromium to print.

Every word is HTML text (the titles, the headline figures, the captions, the tables, the page
footers), so the PDF's text is real text a reader can search and copy, wrapped by the browser
rather than guessed; each chart is a plotly figure drawn in the page by plotly.js (its axis
labels and legend are text in the PDF too), inside a `<figure role="img">` whose label is the
chart's title and caption: Chromium's tagged PDF turns that into the chart's alternative text.
What each page holds is worked out in charts/pack.py; this only writes it down.
Imports plotly, charts and metrics only.
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Sequence
from functools import cache
from html import escape
from pathlib import Path

from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

from charts.figures import FigureSpec
from charts.pack import NOT_SHOWN, Entry, SummaryRow, page_label
from charts.spec import Headline
from charts.view import ChartView
from metrics.disclosure import SYMBOLS

PAGE_WIDTH, PAGE_HEIGHT = 1123, 793  # px: A4 landscape at 96 px an inch (a px short of 794,
# so that rounding never spills a page onto a second sheet)
FONT_SIZE = 14  # px: the charts' text in the pack
# The app's own scatter-and-bar bundle of plotly.js (the version plotly ships, a test checks):
# a quarter of the full bundle, so Chromium reads the pack's document seconds sooner.
BASIC_BUNDLE = Path(__file__).resolve().parents[1] / "assets" / "plotly-basic.min.js"


@cache
def plotly_js() -> str:
    """plotly.js for the pack: the app's basic bundle, or the full one plotly ships."""
    return BASIC_BUNDLE.read_text(encoding="utf-8") if BASIC_BUNDLE.is_file() else get_plotlyjs()


STYLE = f"""
@page {{ size: {PAGE_WIDTH}px {PAGE_HEIGHT}px; margin: 0 }}
* {{ box-sizing: border-box }}
body {{ margin: 0; font-family: Arial, sans-serif; color: #0b0c0c }}
section {{ width: {PAGE_WIDTH}px; height: {PAGE_HEIGHT}px; padding: 28px 40px 52px; overflow: hidden;
  display: flex; flex-direction: column; break-after: page; position: relative }}
section:last-of-type {{ break-after: auto }}
.where {{ font-size: 13px; color: #505a5f; margin: 0 0 4px }}
h1 {{ font-size: 34px; margin: 120px 0 24px }}
h2 {{ font-size: 21px; line-height: 1.3; margin: 0 0 8px }}
.figures {{ display: flex; align-items: baseline; gap: 28px; margin: 0 0 4px; font-size: 15px }}
.figures .main {{ font-size: 30px; font-weight: bold }}
.figures .label {{ color: #505a5f; margin-left: 6px }}
figure {{ margin: 0; flex: 1 1 auto; min-height: 0; display: flex; flex-direction: column }}
.plot {{ flex: 1 1 auto; min-height: 0 }}
.warning {{ font-size: 14px; font-weight: bold; margin: 2px 0 4px; padding-left: 8px;
  border-left: 5px solid #801650 }}
.caption {{ font-size: 11.5px; line-height: 1.35; margin: 6px 0 0 }}
.board-note {{ font-size: 11.5px; line-height: 1.35; margin: 2px 0 0; font-weight: bold }}
footer {{ position: absolute; left: 40px; right: 40px; bottom: 14px; display: flex; gap: 24px;
  justify-content: space-between; font-size: 10px; line-height: 1.3; color: #505a5f }}
footer .number {{ white-space: nowrap; font-size: 11px; color: #0b0c0c }}
.cover p {{ font-size: 20px; margin: 0 0 10px }}
.cover .note {{ font-size: 12px; line-height: 1.4; color: #0b0c0c; margin-top: 40px; max-width: 900px }}
.contents {{ columns: 2; column-gap: 40px; font-size: 11.5px; line-height: 1.35; margin-top: 6px }}
.contents div {{ display: flex; gap: 8px; break-inside: avoid; margin: 0 0 3px }}
.contents .text {{ flex: 1 1 auto }}
.contents .section {{ font-weight: bold; margin-top: 8px }}
table {{ border-collapse: collapse; font-size: 14px; margin-top: 8px }}
th, td {{ text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid #b1b4b6 }}
th {{ border-bottom: 2px solid #0b0c0c }}
table.summary {{ font-size: 15px }}
ul.headlines {{ font-size: 17px; line-height: 1.4 }}
ul.headlines li {{ margin-bottom: 10px }}
td.number, th.number {{ text-align: right; white-space: nowrap }}
.tables {{ display: flex; gap: 24px; align-items: flex-start }}
table.compact {{ font-size: 11px; flex: 1 1 0 }}
table.compact td, table.compact th {{ padding: 2px 5px }}
.notes {{ font-size: 12.5px; line-height: 1.4; margin: 10px 0 0 }}
"""


def _footer(number: int, total: int, key: str) -> str:
    return (f"<footer><span>{escape(key)}</span>"
            f"<span class='number'>{page_label(number, total)}</span></footer>")


def symbols_key() -> str:
    """The footer's short disclosure note; the cover carries it whole."""
    return (" ".join(f"{s} {meaning}." for s, meaning in SYMBOLS.items())
            + " Small numbers are hidden or rounded as the cover's disclosure note says.")


def cover_page(heading: str, lines: Sequence[str], note: str, total: int) -> str:
    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return (f"<section class='cover'><h1>{escape(heading)}</h1>{body}"
            f"<p class='note'><b>Disclosure.</b> {escape(note)}</p>"
            f"{_footer(1, total, symbols_key())}</section>")


def contents_page(heading: str, entries: Sequence[Entry], number: int, total: int) -> str:
    lines = "".join(
        f"<div class='{'section' if e.section else 'chart'}'><span class='text'>{escape(e.text)}"
        f"</span><span class='page'>{e.page}</span></div>" for e in entries)
    title = "Contents" if number == 2 else "Contents (continued)"
    return (f"<section><p class='where'>{escape(heading)}</p><h2>{title}</h2>"
            f"<div class='contents'>{lines}</div>{_footer(number, total, symbols_key())}</section>")


def summary_page(heading: str, title: str, area: str, region: str | None,
                 rows: Sequence[SummaryRow], notes: Sequence[str], number: int, total: int) -> str:
    """The headline measures' table; no region column when the area is a region or England."""
    names = [area, *([region] if region else []), "England"]
    head = ("<tr><th scope='col'>Measure</th>"
            + "".join(f"<th scope='col' class='number'>{escape(n)}</th>" for n in names)
            + "".join(f"<th scope='col'>{c}</th>" for c in
                      ("On the quarter", "On the year", "Against England", "Threshold"))
            + "</tr>")
    body = "".join(
        f"<tr><td>{escape(r.title)}</td><td class='number'>{escape(r.area)}{' †' if r.incomplete else ''}</td>"
        + (f"<td class='number'>{escape(r.region)}</td>" if region else "")
        + f"<td class='number'>{escape(r.england)}</td>"
        f"<td>{escape(r.on_quarter)}</td><td>{escape(r.on_year)}</td>"
        f"<td>{escape(r.against_england)}</td><td>{escape(r.threshold or NOT_SHOWN)}</td></tr>"
        for r in rows)
    said = "".join(f"<p class='notes'>{escape(n)}</p>" for n in notes)
    return (f"<section><p class='where'>{escape(heading)}</p><h2>{escape(title)}</h2>"
            f"<table class='summary'><thead>{head}</thead><tbody>{body}</tbody></table>{said}"
            f"{_footer(number, total, symbols_key())}</section>")


def headlines_page(heading: str, title: str, lines: Sequence[tuple[str, str, int | None]],
                   nothing: str, number: int, total: int) -> str:
    """The quarter's headlines, a sentence each with "better"/"worse" said in words and the
    page of the chart that shows it."""
    items = "".join(
        f"<li>{f'<strong>{escape(verdict.capitalize())}:</strong> ' if verdict else ''}"
        f"{escape(text)}{f' (page {page})' if page else ''}</li>"
        for text, verdict, page in lines)
    body = f"<ul class='headlines'>{items}</ul>" if lines else f"<p>{escape(nothing)}</p>"
    return (f"<section><p class='where'>{escape(heading)}</p><h2>{escape(title)}</h2>{body}"
            f"{_footer(number, total, symbols_key())}</section>")


def table_page(heading: str, title: str, line: str, columns: Sequence[str],
               rows: Sequence[Sequence[str]], notes: Sequence[str], number: int, total: int,
               per_table: int = 20) -> str:
    """A page of a plain table; a long one (England's 50 agencies) in smaller type, split
    into up to three side-by-side tables of equal length."""
    head = "<tr>" + "".join(f"<th scope='col'>{escape(c)}</th>" for c in columns) + "</tr>"
    parts = min(3, -(-len(rows) // per_table)) or 1
    each = -(-len(rows) // parts) or 1
    size = "" if parts == 1 else " class='compact'"
    tables = []
    for start in range(0, max(len(rows), 1), each):
        body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in rows[start:start + each])
        tables.append(f"<table{size}><thead>{head}</thead><tbody>{body}</tbody></table>")
    said = "".join(f"<p class='notes'>{escape(n)}</p>" for n in notes)
    return (f"<section><p class='where'>{escape(heading)}</p><h2>{escape(title)}</h2>"
            f"<p class='notes'>{escape(line)}</p><div class='tables'>{''.join(tables)}</div>"
            f"{said}{_footer(number, total, symbols_key())}</section>")


def _figures_line(headlines: Sequence[Headline]) -> str:
    if not headlines:
        return ""
    parts = []
    for h in headlines:
        value = f"<span class='{'main' if h.main else 'value'}'>{escape(h.shown)}</span>"
        parts.append(f"<span>{value}<span class='label'>{escape(h.label)}</span></span>")
    return f"<div class='figures'>{''.join(parts)}</div>"


def alternative_text(chart: ChartView) -> str:
    return f"{chart.title}. {chart.caption}"


def chart_page(heading: str, chart: ChartView, index: int, number: int, total: int,
               warning: str = "") -> str:
    """A chart's page: its active title, the figures its card shows (the big number, the
    region's and England's), a warning when they count incomplete returns, the chart drawing
    the `index`-th figure, its caption and the board notes it marks (`Note 1, 2024-25 Q3: court
    backlog`)."""
    said = f"<p class='warning'>{escape(warning)}</p>" if warning else ""
    notes = "".join(f"<p class='board-note'>{escape(line)}</p>" for line in chart.note_lines)
    return (f"<section><p class='where'>{escape(heading)}</p><h2>{escape(chart.title)}</h2>"
            f"{_figures_line(chart.headlines)}{said}"
            f"<figure role='img' aria-label='{escape(alternative_text(chart), quote=True)}'>"
            f"<div class='plot' id='plot-{index}'></div></figure>"
            f"<p class='caption'>{escape(chart.caption)}</p>"
            f"{notes}"
            f"{_footer(number, total, symbols_key())}</section>")


def pack_figure(figure: FigureSpec) -> FigureSpec:
    """The card's figure for a page: sized by the page (the script sets width and height from
    the space left), larger type, and margins that grow to hold the tick labels and the axis
    titles, so an axis title sits outside the plot, never over the data."""
    layout = {k: copy.deepcopy(v) for k, v in figure["layout"].items()
              if k not in ("template", "height", "width")}
    margin = layout.get("margin", {})
    layout["margin"] = {"l": max(margin.get("l", 0), 60), "r": max(margin.get("r", 0), 30),
                        "t": max(margin.get("t", 0), 30), "b": max(margin.get("b", 0), 40),
                        "autoexpand": True}
    layout["font"] = {**layout.get("font", {}), "size": FONT_SIZE}
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**layout.get(axis, {}), "automargin": True}
    if "legend" in layout:  # at the foot of the figure, from the plot's left edge: placed by
        # the card's height, a legend would float far under the axis on a page; the plot's top
        # edge is kept for the figure's notes (incomplete returns, thresholds)
        layout["legend"] = {**layout["legend"], "orientation": "h", "x": 0, "xanchor": "left",
                            "y": 0, "yref": "container", "yanchor": "bottom"}
    return {"data": figure["data"], "layout": layout}


def _script(figures: Sequence[FigureSpec], template: dict | None) -> str:
    """Draws every chart at the size its page leaves it; `window.drawn` settles when all are."""
    data = json.dumps({"figures": [pack_figure(f) for f in figures], "template": template},
                      cls=PlotlyJSONEncoder).replace("</", "<\\/")
    return ("<script>(function () {"
            f"const pack = {data};"
            # Every size read before any drawing: reading one after a chart is drawn would lay
            # the whole document out again, chart after chart.
            "window.drawn = document.fonts.ready.then(() => {"
            "  const places = pack.figures.map((f, i) => document.getElementById('plot-' + i));"
            "  const sizes = places.map(el => [el.clientWidth, el.clientHeight]);"
            "  return Promise.all(pack.figures.map((f, i) => Plotly.newPlot(places[i], f.data,"
            "    Object.assign({}, f.layout, {width: sizes[i][0], height: sizes[i][1],"
            "                                 template: pack.template}),"
            "    {staticPlot: true, displayModeBar: false})));"
            "}).then(() => 'drawn');"
            "})();</script>")


def document(title: str, pages: Sequence[str], figures: Sequence[FigureSpec]) -> str:
    """The whole pack: `pages` in order, the i-th chart page drawing `figures[i]`."""
    template = figures[0]["layout"].get("template") if figures else None
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(title)}"
            f"</title><style>{STYLE}</style><script>{plotly_js()}</script></head><body>"
            f"{''.join(pages)}{_script(figures, template)}</body></html>")


def made_on(day: datetime.date) -> str:
    return f"Made on {day.day} {day:%B %Y}"
