"""The importer: read a return file (xlsx, zip, folder, Annex A), validate it, store it."""

from db.importer.pipeline import UsageError, check_path, load_path
from db.importer.report import Issue, Rejected, Report

__all__ = ["Issue", "Rejected", "Report", "UsageError", "check_path", "load_path"]
