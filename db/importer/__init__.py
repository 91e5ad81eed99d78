"""The importer: read a return file (xlsx, zip, folder, Annex A), validate it, store it."""

from db.importer.pipeline import (
    NotPermitted, UsageError, check_path, check_upload, load_path, load_upload, quarters_in,
)
from db.importer.store import LoadRaced
from db.importer.report import Issue, Rejected, Report

__all__ = [
    "Issue", "LoadRaced", "NotPermitted", "Rejected", "Report", "UsageError", "check_path", "check_upload",
    "load_path", "load_upload", "quarters_in",
]
