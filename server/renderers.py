"""Renderers: one function per format turns an export's rows into an HTTP response. Imports
flask, openpyxl, pandas and metrics only.

The data API and every chart download build one frame (`metrics.export.export_rows` of the
disclosed measure frame) and hand it here, so JSON, CSV and XLSX always carry the same rows
(Datasette's registry of renderers). CSV and XLSX cells are formula-escaped; JSON is data for
scripts and keeps the text as it is. A chart's download adds a header block above the rows (its
title, filters, period and the disclosure note, as label/text pairs); the data API's files have
none, so below the block a chart's file is the API's byte for byte.
"""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from flask import Response
from openpyxl import Workbook

from metrics.export import escape_formulas


@dataclass(frozen=True)
class Export:
    """Rows to send, what JSON puts beside them, the download's file name (no extension) and
    the header block CSV and XLSX put above the rows (a chart's download; empty for the API)."""

    rows: pd.DataFrame
    name: str
    heading: dict[str, Any] = field(default_factory=dict)
    header_block: tuple[tuple[str, str], ...] = ()


def file_name(*parts: str) -> str:
    """Parts joined by `_`, each cut down to letters, digits, `_`, `.` and `-` so that no name
    can break the header: `children_waiting_region-North-East_2025-26-Q1`."""
    return "_".join(re.sub(r"[^A-Za-z0-9_.-]+", "-", part).strip("-") for part in parts)


def records(rows: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts, gaps as None (NaN is no JSON and no empty cell)."""
    return rows.astype(object).where(rows.notna(), None).to_dict("records")


def json_response(payload: Any, status: int = 200) -> Response:
    """JSON with keys in the order given (Flask's jsonify sorts them)."""
    # allow_nan=False: a NaN that slipped through fails loudly rather than sending bad JSON.
    return Response(json.dumps(payload, allow_nan=False), status=status, mimetype="application/json")


def as_json(export: Export) -> Response:
    return json_response({**export.heading, "rows": records(export.rows)})


def _block(export: Export) -> pd.DataFrame:
    """The header block as two text columns, formula-escaped like the rows."""
    return escape_formulas(pd.DataFrame(list(export.header_block), columns=["label", "text"],
                                        dtype=object))


def as_csv(export: Export) -> Response:
    body = escape_formulas(export.rows).to_csv(index=False, lineterminator="\r\n")
    if export.header_block:  # then an empty line, then the rows with their header row
        body = _block(export).to_csv(index=False, header=False, lineterminator="\r\n") + "\r\n" + body
    return _download(body.encode("utf-8"), "text/csv", f"{export.name}.csv")


def as_xlsx(export: Export) -> Response:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title="data")
    rows = escape_formulas(export.rows)
    if export.header_block:
        for label, text in _block(export).itertuples(index=False):
            sheet.append([label, text])
        sheet.append([])
    sheet.append([str(column) for column in rows.columns])
    for row in records(rows):
        sheet.append(list(row.values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(buffer.getvalue(), mimetype, f"{export.name}.xlsx")


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


Renderer = Callable[[Export], Response]
RENDERERS: dict[str, Renderer] = {"json": as_json, "csv": as_csv, "xlsx": as_xlsx}


def render(format: str, export: Export) -> Response:
    """The export in one of RENDERERS' formats (the caller has checked the name)."""
    return RENDERERS[format](export)


def as_download(format: str, export: Export) -> dict[str, Any]:
    """The same bytes the data API sends for `format` (csv or xlsx), as dcc.Download's data."""
    response = render(format, export)
    return {
        "content": base64.b64encode(response.get_data()).decode("ascii"),
        "filename": f"{export.name}.{format}",
        "type": response.mimetype,
        "base64": True,
    }
