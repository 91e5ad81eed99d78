"""Chart images and the board pack from a real browser: a card's "Download PNG" saves the chart
as a PNG at the export size, and the filter bar's board pack button saves a PDF with a cover,
contents, summary and a page per chart, read back with pypdf."""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path
from urllib.parse import quote

import pytest
from dash.testing.wait import until
from pypdf import PdfReader

from app import create_app
from server.services import Services
from charts import pack_charts
from charts.pack import CONTENTS_LINES, once
from charts.export_figure import IMAGE_SIZE
from config import Settings
from layouts import ids
from tests.accounts import start_signed_in
from tests.chart_page_helpers import view_for
from tests.conftest import DEMO_SLICE

pytestmark = pytest.mark.browser

LAST = DEMO_SLICE[1]
STATE = {"scope": "ALS", "quarter": str(LAST), "window": 4, "compare": []}
PAGE_URL = f"/?scope=ALS&quarter={quote(str(LAST))}&window=4"


@pytest.fixture
def dashboard(demo_settings: Settings):
    return create_app(demo_settings)


def downloaded(folder: str, suffix: str, timeout: float) -> Path:
    """The one finished download ending in `suffix` (Chromium writes .crdownload until done)."""
    until(lambda: list(Path(folder).glob(f"*{suffix}")), timeout=timeout,
          msg=f"no {suffix} file was downloaded")
    [path] = Path(folder).glob(f"*{suffix}")
    return path


def click(dash_duo, element) -> None:
    """A click from script: below the window's fold Chromium's pointer click lands on
    whatever overlays the button while the cards load."""
    dash_duo.driver.execute_script("arguments[0].click()", element)


def words(text: str) -> str:
    return " ".join(text.split())


def test_png_and_board_pack_downloads(dash_duo, dashboard, demo_services: Services, free_port) -> None:
    start_signed_in(dash_duo, dashboard, free_port)
    dash_duo.driver.get(f"{dash_duo.server_url}{PAGE_URL}")
    dash_duo.wait_for_element(f"#{ids.tile_value('children_waiting')}", timeout=20)

    click(dash_duo, dash_duo.driver.find_element(
        "xpath", f"//*[@id='{ids.chart_part('card', 'children_waiting')}']"
                 "//a[normalize-space()='Download PNG']"))
    png = downloaded(dash_duo.download_path, ".png", timeout=60)
    assert png.name == "children_waiting_ALS_2023-24-Q2_to_2025-26-Q1.png"  # eight quarters
    body = png.read_bytes()
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", body[16:24]) == IMAGE_SIZE

    click(dash_duo, dash_duo.find_element(f"#{ids.BOARD_PACK}"))
    pdf = downloaded(dash_duo.download_path, ".pdf", timeout=300)
    assert pdf.name == "board-pack_ALS_2025-26-Q1.pdf"
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    charts = [chart.id for _page, chart in once(pack_charts())]
    # The cover, the contents (two columns of titles a page: a page or two), the summary, a page
    # per chart, then the two data quality pages.
    listing = len(reader.pages) - (1 + 1 + len(charts) + 2)
    assert listing >= -(-len(charts) // CONTENTS_LINES)
    assert words(reader.pages[1].extract_text()).startswith(
        "ASG Dashboard · Adopt London South · 2025-26 Q1 Contents")
    first = words(reader.pages[2 + listing].extract_text())
    assert words(view_for(demo_services, charts[0], STATE).title) in re.sub(r"(\d)- (\d)", r"\1-\2", first)
    assert "Adopt London South" in reader.pages[0].extract_text()
    dash_duo.wait_for_text_to_equal(f"#{ids.BOARD_PACK}", "Board pack (PDF)")  # ready again
    assert dash_duo.get_logs() == []
