"""Renderers: one function per format turns an export into an HTTP response.

The data API's measures and charts build one frame (`metrics.export.export_rows` of the
disclosed measure frame) and hand it here, so JSON, CSV and XLSX always carry the same rows
(Datasette's registry of renderers); a chart's card links to each format, so a new format is
one entry in `RENDERERS`. CSV and XLSX cells are formula-escaped; JSON is data for scripts and
keeps the text as it is. A chart's file adds a header block above the rows (its title, filters,
period and the disclosure note, as label/text pairs); the measures' files have none, so below
the block a chart's file is the API's byte for byte. PNG and SVG draw the chart's picture
(server/images.py), so only an export with one offers them. Imports flask, openpyxl, pandas and
metrics only.
"""

from __future__ import annotations

import io
import json
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
    # A chart's picture in a format ("png", "svg"), drawn only when asked for.
    picture: Callable[[str], bytes] | None = None


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


def as_png(export: Export) -> Response:
    return _download(_picture(export, "png"), "image/png", f"{export.name}.png")


def as_svg(export: Export) -> Response:
    return _download(_picture(export, "svg"), "image/svg+xml", f"{export.name}.svg")


def _picture(export: Export, format: str) -> bytes:
    if export.picture is None:
        raise ValueError(f"{format} is drawn for charts only")
    return export.picture(format)


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


Renderer = Callable[[Export], Response]
RENDERERS: dict[str, Renderer] = {"json": as_json, "csv": as_csv, "xlsx": as_xlsx,
                                  "png": as_png, "svg": as_svg}
PICTURES = ("png", "svg")  # formats that draw a chart: the measures' addresses offer the rest
ROW_FORMATS = tuple(f for f in RENDERERS if f not in PICTURES)


def render(format: str, export: Export) -> Response:
    """The export in one of RENDERERS' formats (the caller has checked the name)."""
    return RENDERERS[format](export)
