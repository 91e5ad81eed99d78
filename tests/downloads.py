"""Reading a chart's downloaded file as a user would: the header block above, the rows below.

A chart's CSV is its header block (label, text), an empty line, then the data API's CSV byte for
byte; its XLSX sheet is the same block, an empty row, then the API's header row and rows."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

BLOCK_LABELS = ["Title", "Filters", "Period", "About", "Disclosure", "Data API"]


def split_csv(body: bytes) -> tuple[dict[str, str], bytes]:
    """(the header block as label -> text, the table's bytes as the data API sends them)."""
    block, gap, table = body.partition(b"\r\n\r\n")
    assert gap, "a chart's CSV starts with its header block and an empty line"
    rows = list(csv.reader(io.StringIO(block.decode("utf-8"))))
    assert all(len(row) == 2 for row in rows)
    return dict(rows), table


def split_xlsx(body: bytes) -> tuple[dict[str, str], list[tuple]]:
    """(the header block, the table's rows with its header row first) of the workbook's sheet."""
    rows = list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))
    gap = next(n for n, row in enumerate(rows) if all(cell is None for cell in row))
    return {row[0]: row[1] for row in rows[:gap]}, rows[gap + 1:]
