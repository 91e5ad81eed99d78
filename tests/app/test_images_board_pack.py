"""Chart images and the board pack: the exported figure carries its title and caption; PNG, SVG
and the board pack PDF drawn by kaleido on the demo slice; a missing browser is a message, not
a traceback.

Drawing needs Chrome or Chromium: without one those tests skip locally and fail under CI=true,
where they must run (as tests/browser/conftest.py does).
"""

from __future__ import annotations

import io
import os
import struct
import time
from dataclasses import replace

import plotly.graph_objects as go
import pytest
from dash import no_update
from pypdf import PdfReader

from app import create_app
from callbacks.board_pack import download_board_pack
from server.images import board_pack
from server.services import Services
from charts import pack_charts
from charts.export_figure import IMAGE_SIZE, PAGE_SIZE, Size, export_figure
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
    """Text with line breaks (plotly's <br>, a PDF's newlines) as single spaces."""
    return " ".join(text.replace("<br>", " ").split())


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


def test_board_pack_has_a_cover_then_a_page_per_chart(browser, demo_services: Services) -> None:
    started = time.perf_counter()
    pdf = board_pack(demo_services, STATE)
    print(f"board pack: {time.perf_counter() - started:.1f} s, {len(pdf) / 1e6:.1f} MB")
    charts = [(page.title, chart.id) for page, chart in pack_charts()]
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1 + len(charts)
    cover = words(reader.pages[0].extract_text())
    for text in ("ASG Dashboard", "Adopt London South", "2025-26 Q1", "Rolling year",
                 "are shown as [c]", "[c] confidential"):
        assert text in cover
    for page, (page_title, chart) in zip(reader.pages[1:], charts):
        text = words(page.extract_text())
        assert expected_title(demo_services, chart) in text, chart
        assert f"ASG Dashboard · {page_title}" in text
        assert "Source: Quarterly ASG returns." in text
    landscape = reader.pages[1].mediabox
    assert landscape.width > landscape.height
    assert round(float(landscape.width) / float(landscape.height), 2) == round(PAGE_SIZE.width / PAGE_SIZE.height, 2)
