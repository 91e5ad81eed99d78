"""This project's own quarterly return (contract v1): an .xlsx workbook with one sheet per table,
a .zip of `<table>.csv` files, or a folder of them. It names its agency and quarter itself and
carries every table and column. The format the other formats are read into, and the one a file
is taken for when no format recognises it, so its errors say what a return must hold.
Imports db modules only.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from db.importer.readers import RawReturn, ReadRequest, read_return
from db.return_format import TABLES

NAME = "return"
TITLE = "return workbook"
DESCRIPTION = ("the dashboard's quarterly return: an .xlsx workbook with the sheets return, children, "
               "adopters, special_guardianship and support, or a .zip or folder of those CSV files")
NEEDS: tuple[str, ...] = ()  # the file's own `return` table names its agency and quarter
CARRIES = None  # every table and column


def recognise(path: Path, kind: str) -> bool:
    """A workbook with a sheet named after one of the return's tables, or a zip or folder with
    a `<table>.csv`. (Any other file no format claims is read as this one too, so that its
    errors say what a return must hold.)"""
    tables = set(TABLES)
    if kind == "workbook":
        import openpyxl

        try:
            book = openpyxl.load_workbook(path, read_only=True)
        except Exception:  # unreadable: the reader says why
            return False
        try:
            return any(name.strip().lower() in tables for name in book.sheetnames)
        finally:
            book.close()
    if kind == "zip":
        with zipfile.ZipFile(path) as archive:
            names = [n.rsplit("/", 1)[-1] for n in archive.namelist()]
    elif kind == "folder":
        names = [p.name for p in path.iterdir()]
    else:
        return False
    return any(n.lower().endswith(".csv") and n[:-4].strip().lower() in tables for n in names)


def read(path: Path, kind: str, request: ReadRequest) -> RawReturn:
    return read_return(path, kind, request.max_rows)
