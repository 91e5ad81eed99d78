"""This project's own quarterly return (contract v1): an .xlsx workbook with one sheet per table,
a .zip of `<table>.csv` files, or a folder of them. It names its agency and quarter itself and
carries every table and column. The format the other formats are read into, and the one a file
is taken for when no other format recognises it, so its errors say what a return must hold.
Imports db modules only.
"""

from __future__ import annotations

from pathlib import Path

from db.importer.readers import RawReturn, ReadRequest, read_return

NAME = "return"
TITLE = "return workbook"
DESCRIPTION = ("this project's return: an .xlsx workbook with the sheets return, children, "
               "adopters, special_guardianship and support, or a .zip or folder of those CSV files")
NEEDS: tuple[str, ...] = ()  # the file's own `return` table names its agency and quarter
CARRIES = None  # every table and column


def recognise(path: Path, kind: str) -> bool:
    """The fallback: any workbook, zip or folder that no other format claimed."""
    return kind in ("workbook", "zip", "folder")


def read(path: Path, kind: str, request: ReadRequest) -> RawReturn:
    return read_return(path, kind, request.max_rows)
