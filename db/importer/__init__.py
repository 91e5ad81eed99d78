"""The importer: read a return file (the return workbook, zip or folder, Annex A, the SSDA903),
validate it, store it. Imports db modules only."""

from db.importer.pipeline import (
    NotPermitted, UsageError, check_path, check_upload, load_path, load_upload, quarters_in,
)
from db.importer.store import LoadRaced
from db.importer.report import Issue, Rejected, Report

__all__ = [
    "Issue", "LoadRaced", "NotPermitted", "Rejected", "Report", "UsageError", "check_path", "check_upload",
    "load_path", "load_upload", "quarters_in",
]
