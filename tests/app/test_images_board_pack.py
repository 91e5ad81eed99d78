"""Chart images and the board pack: the exported figure carries its title and caption; PNG and
SVG drawn by kaleido, and the South East's board pack PDF printed by Chromium, on the demo slice
(its pages, contents, summary, each chart once with its alternative text, axis titles outside
the plot from the PDF's text positions, real text); a missing browser is a message, not a
traceback.

Drawing needs Chrome or Chromium: without one those tests skip locally and fail under CI=true,
where they must run (as tests/browser/conftest.py does).
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import plotly.graph_objects as go
import pytest
from dash import no_update
from pypdf import PdfReader

from app import create_app
from callbacks.board_pack import download_board_pack
from callbacks.headlines import headlines_for
from server.images import board_pack
from server.services import Services
from charts import CHARTS, pack_charts
from charts.export_figure import IMAGE_SIZE, Size, export_figure
from charts.frames import frame_of
from charts.pack import CONTENTS_LINES, once
from charts.query import Query
from metrics.quarters import Quarter
from metrics.registry import MEASURES
from server.auth import caller_of
from tests.accounts import signed_in_client
from tests.chart_page_helpers import chart_file, chart_url, view_for
from tests.browser.chromium import chromium_binary

pytestmark = pytest.mark.slow  # starts Chromium for every image: make test runs it, make test-fast does not

IN_CI = os.environ.get("CI", "").lower() == "true"
STATE = {"scope": "ALS", "quarter": "2025-26 Q1", "window": 4, "compare": []}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def browser() -> None:
    if not chromium_binary():
        message = "drawing images needs chromium (make test installs it as root)"
        if IN_CI:
            pytest.fail(message + "; under CI=true these tests must run")
        pytest.skip(message)


def words(text: str) -> str:
    """Text with line breaks (plotly's <br>, a PDF's newlines) as single spaces, and a year
    broken after its hyphen at a line's end ("2025-" then "26 Q1") joined again."""
    return re.sub(r"(\d)- (\d)", r"\1-\2", " ".join(text.replace("<br>", " ").split()))


def expected_title(services: Services, chart: str) -> str:
    return view_for(services, chart, STATE).title


# ---------------------------------------------------------------- the figure, no browser


def test_exported_figure_has_the_title_and_the_caption_inside() -> None:
    chart = go.Figure(go.Scatter(x=["2025-26 Q1"], y=[3], name="Adopt London South"))
    title = "Children waiting rose to 293 in 2025-26 Q1"
    caption = ("Children waiting, children. Source: Quarterly ASG returns. Period: 2023-24 Q2 to "
               "2025-26 Q1. Scope: Adopt London South. Cohort: 293 children.")
    out = export_figure(chart, title, caption, heading="ASG Dashboard · Overview")
    assert (out.layout.width, out.layout.height) == (1200, 675)
    assert words(out.layout.title.text).endswith(title)
    assert "ASG Dashboard · Overview" in out.layout.title.text
    assert [words(a.text) for a in out.layout.annotations] == [caption]
    assert chart.layout.title.text is None and not chart.layout.annotations  # the card's own figure is untouched


def test_a_long_caption_wraps_and_markup_in_words_stays_text() -> None:
    caption = "Source: Quarterly ASG returns. " * 12 + "Scope: <b>Area</b>."
    out = export_figure(go.Figure(), "A & B", caption, Size(400, 300))
    lines = out.layout.annotations[0].text.split("<br>")
    assert len(lines) > 5  # about 40 characters a line at 400 px
    assert lines[-1].endswith("Scope: &lt;b&gt;Area&lt;/b&gt;.")
    assert out.layout.title.text == "A &amp; B"


# ---------------------------------------------------------------- no browser: a message


def test_a_missing_browser_is_a_message_naming_what_to_install(demo_services: Services,
                                                              demo_settings) -> None:
    settings = replace(demo_settings, browser_path="/nonexistent/chromium")
    client = signed_in_client(create_app(settings))
    answer = client.get(chart_url("children_waiting", STATE, "png"))
    message = answer.get_json()["error"]
    assert answer.status_code == 503
    assert "chromium" in message and "BROWSER_PATH" in message
    broken = replace(demo_services, settings=settings)
    download, said = download_board_pack(1, STATE, broken)
    assert download is no_update and said == message


# ---------------------------------------------------------------- drawn by kaleido


def test_png_has_the_signature_and_the_size(browser, demo_services: Services) -> None:
    name, body = chart_file(demo_services, "children_waiting", "png", STATE)
    assert body.startswith(PNG_SIGNATURE)
    assert struct.unpack(">II", body[16:24]) == IMAGE_SIZE  # the IHDR chunk: width, height
    assert name == "children_waiting_ALS_2023-24-Q2_to_2025-26-Q1.png"


def test_svg_carries_the_title(browser, demo_services: Services) -> None:
    _, body = chart_file(demo_services, "adopters_waiting", "svg", STATE)
    svg = body.decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert expected_title(demo_services, "adopters_waiting") in svg
    assert "Source: Quarterly ASG returns." in svg


# ---------------------------------------------------------------- the board pack

SOUTH_EAST = {"scope": "region:South East", "quarter": "2025-26 Q1", "window": 4, "compare": []}


@pytest.fixture(scope="module")
def south_east_pack(demo_services: Services) -> bytes:
    """The South East demo's board pack, drawn once for the tests below (its time printed)."""
    if not chromium_binary():
        pytest.fail("drawing the board pack needs chromium") if IN_CI else pytest.skip(
            "drawing the board pack needs chromium (make test installs it as root)")
    started = time.perf_counter()
    pdf = board_pack(demo_services, SOUTH_EAST)
    print(f"\nboard pack of the South East: {time.perf_counter() - started:.1f} s, "
          f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages, {len(pdf) / 1e6:.1f} MB")
    return pdf


def pack_charts_once() -> list[str]:
    return [chart.id for _page, chart in once(pack_charts())]


def alternative_texts(reader: PdfReader) -> list[str]:
    """The /Alt of every /Figure in the PDF's structure tree: a tagged PDF's charts."""
    found: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_board_pack_pages_cover_contents_summary_charts_once_and_data_quality(
        south_east_pack: bytes, demo_services: Services) -> None:
    reader = PdfReader(io.BytesIO(south_east_pack))
    charts = pack_charts_once()
    # The cover, the contents (a page or two: two columns of titles a page), the summary, the
    # quarter's headlines, a page per chart, returns received, completeness.
    total = len(reader.pages)
    listing = total - (1 + 2 + len(charts) + 2)
    assert listing >= -(-len(charts) // CONTENTS_LINES)  # a line a chart at least
    pages = [words(page.extract_text()) for page in reader.pages]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text  # numbered, with the disclosure key
        assert "[c] confidential" in text
    assert all("Contents" in page for page in pages[1:1 + listing])
    pages = [pages[0], " ".join(pages[1:1 + listing]), *pages[1 + listing:]]
    cover = pages[0]
    for text in ("ASG Dashboard: board pack", "Area: South East", "Quarter: 2025-26 Q1",
                 "Period: Rolling year", "Returns received for 2025-26 Q1:", "expected",
                 "are shown as [c]", "[c] confidential"):
        assert text in cover, text
    assert pages[1].startswith(f"ASG Dashboard · South East · 2025-26 Q1 Contents Summary {2 + listing}")
    assert "Data quality " + str(total - 1) in pages[1]
    summary = pages[2]
    assert "Headline measures for South East, 2025-26 Q1" in summary
    for measure in ("Children waiting", "Approved adopters waiting", "Placement order to match (days)",
                    "Special guardianship orders"):
        assert measure in summary, measure
    assert "On the quarter On the year Against England Threshold" in summary
    # The headlines: each sentence of the Headlines page, with the page of its chart.
    told = pages[3]
    assert "The quarter's headlines for South East, 2025-26 Q1" in told
    found = headlines_for(demo_services, SOUTH_EAST)
    for headline, _link in found:
        said = re.search(re.escape(words(headline.text)) + r" \(page (\d+)\)", told)
        assert said, headline.text
        # That page is a chart of the headline's measure (the one the pack kept of that view).
        title = MEASURES[CHARTS[headline.chart].measure].title
        assert words(title) in words(reader.pages[int(said.group(1)) - 1].extract_text())
    # The demo slice's South East has nothing to tell at 2025-26 Q1 (its rolling years count a
    # quarter before the slice, so they are incomplete and not judged): the page says so.
    assert (not found) == ("No figure is above its threshold" in told)
    for page, chart in zip(pages[4:], charts):
        shown = view_for(demo_services, chart, SOUTH_EAST)
        assert words(shown.title) in page, chart
        for headline in shown.headlines:  # the card's big number, region and England
            assert f"{headline.shown} {headline.label}" in page, (chart, headline)
    assert "Returns received by agency, 2025-26 Q1" in pages[-2]
    assert "Completeness of optional columns" in pages[-1]


def test_board_pack_cover_counts_returns_as_the_returns_received_measure(
        south_east_pack: bytes, demo_services: Services) -> None:
    """The cover's "N of M expected" is the data quality page's count, and the
    returns_received measure's (value: received, cohort: expected) for the same selection."""
    cover = words(PdfReader(io.BytesIO(south_east_pack)).pages[0].extract_text())
    said = re.search(r"Returns received for 2025-26 Q1: (\d+) of (\d+) expected", cover)
    query = Query("returns_received", "region:South East", Quarter.parse("2025-26 Q1"))
    [measure] = frame_of([query], demo_services.measures, caller_of(demo_services),
                         demo_services.policy).to_dict("records")
    assert (int(said[1]), int(said[2])) == (int(measure["value"]), int(measure["cohort"]))
    assert int(said[2]) > 0


def test_board_pack_shows_no_chart_twice_and_each_chart_has_its_alternative_text(
        south_east_pack: bytes, demo_services: Services) -> None:
    alts = alternative_texts(PdfReader(io.BytesIO(south_east_pack)))
    expected = [view_for(demo_services, chart, SOUTH_EAST)
                for chart in [*pack_charts_once(), "completeness"]]
    assert alts == [f"{v.title}. {v.caption}" for v in expected]
    assert len(set(alts)) == len(alts)
    # A10 is drawn once: the Overview's tile gave way to Timeliness' chart against the
    # 14-month threshold (both titles start with the measure's name).
    # (The Fair comparison page's A10 funnel, every LA against England, is another chart.)
    a10 = MEASURES["a10_care_to_placed_adjusted"].title
    funnel = view_for(demo_services, "fair_a10_funnel", SOUTH_EAST).title
    trends = [alt for alt in alts if alt.startswith(a10) and not alt.startswith(funnel)]
    assert trends == [
        alt for alt in alts if alt.startswith(view_for(demo_services, "timeliness_a10", SOUTH_EAST).title)]
    assert len(trends) == 1 and len([alt for alt in alts if alt.startswith(funnel)]) == 1


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text_boxes(pdf: bytes, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, y0, x1, y1) of each word on a page (1-based), in points from the top left,
    as poppler's pdftotext -bbox reads them."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is needed") if IN_CI else pytest.skip("pdftotext (poppler-utils) is not installed")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pack.pdf"
        path.write_bytes(pdf)
        xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                             capture_output=True, text=True, check=True).stdout
    return [(html.unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">([^<]*)</word>', xml)]


def plot_left_edge(boxes) -> float:
    """The plot area's left edge: the value axis' tick labels are numbers set right-aligned
    against it (the largest group of number words sharing their right edge)."""
    numbers = [b for b in boxes if re.fullmatch(r"[\d,.]+%?", b[0])]
    columns: dict[float, int] = {}
    for _word, _x0, _y0, x1, _y1 in numbers:
        columns[round(x1)] = columns.get(round(x1), 0) + 1
    edge, count = max(columns.items(), key=lambda item: item[1])
    assert count >= 4, "no column of tick labels found"
    return float(edge)


def test_board_pack_axis_titles_sit_outside_the_plot_area(south_east_pack: bytes) -> None:
    charts = pack_charts_once()
    pages = {"sufficiency_supply": "Count", "adopters_waiting_over": "Households"}
    listing = pdf_pages(south_east_pack) - (1 + 1 + len(charts) + 2)  # the contents' pages
    for chart, title in pages.items():
        page = 3 + listing + charts.index(chart)
        boxes = text_boxes(south_east_pack, page)
        [axis_title] = [b for b in boxes if b[0] == title]
        edge = plot_left_edge(boxes)
        ticks = [b for b in boxes if re.fullmatch(r"[\d,.]+", b[0]) and abs(b[3] - edge) < 1]
        # Left of every tick label (so outside the plot), and level with the axis.
        assert axis_title[3] < min(b[1] for b in ticks), (chart, axis_title, edge)
        assert min(b[2] for b in ticks) < (axis_title[2] + axis_title[4]) / 2 < max(b[4] for b in ticks)


def test_board_pack_text_is_real_text(south_east_pack: bytes, demo_services: Services) -> None:
    """pdftotext (poppler) finds each chart's title and the summary's words."""
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is needed") if IN_CI else pytest.skip("pdftotext (poppler-utils) is not installed")
    text = words(subprocess.run(["pdftotext", "-", "-"], input=south_east_pack,
                                capture_output=True, check=True).stdout.decode("utf-8"))
    for chart in pack_charts_once():
        assert words(view_for(demo_services, chart, SOUTH_EAST).title) in text, chart
    assert "Headline measures for South East" in text


def test_png_axis_title_sits_left_of_the_tick_labels(browser, demo_services: Services) -> None:
    """The picture's y axis title (drawn by kaleido; read from the SVG) stays left of the value
    axis' tick labels, so outside the plot: a legend reaching over it had pushed it into the
    plot, over the data."""
    _, body = chart_file(demo_services, "sufficiency_supply", "svg", STATE)
    svg = body.decode("utf-8")
    title = re.search(r'<g class="g-ytitle"(?: transform="translate\(([\d.-]+),0\)")?>'
                      r'<text class="ytitle" transform="rotate\(-90,([\d.]+),[^>]*>Count</text>', svg)
    centre = float(title[1] or 0) + float(title[2])  # the rotated title's line, 14 px across
    ticks = re.findall(r'class="ytick"><text text-anchor="end" x="([\d.]+)"[^>]*>([^<]+)</text>', svg)
    # Each tick label ends at x and is at most 0.6 em a character wide at 12 px.
    left_of_labels = min(float(x) - 0.6 * 12 * len(label) for x, label in ticks)
    assert len(ticks) >= 4 and centre + 7 < left_of_labels, (centre, ticks)
