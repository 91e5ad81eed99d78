"""The import formats, as a registry: how a file is recognised by its content, what the user must
name for it (agency, quarter), how it is read into the return's tables, and what it carries.

The CLI, the Load page and the reports ask this registry; none of them knows a format by name.
Each format is one module with NAME, TITLE, DESCRIPTION, NEEDS, CARRIES, `recognise(path, kind)`
and `read(path, kind, request)` (and `quarters(path, kind, request)` when a file covers several); a new format is that module and one line in FORMATS (the
first whose `recognise` says yes reads the file). Imports db and metrics modules only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

from db.importer import annex_a, return_tables, ssda903
from db.importer.readers import RawReturn, ReadRequest
from db.importer.report import Issue, Rejected
from metrics.quarters import Quarter
from db.importer.safety import lone_text_file

# What a format may ask the user for, and how each surface names it.
NEED_WORDS = {"agency": "the agency", "quarter": "the quarter"}


@dataclass(frozen=True)
class Format:
    name: str  # stored as the return's source format family
    title: str  # how messages name it: "Annex A workbook"
    description: str  # one sentence for the docs and the Load page
    needs: tuple[str, ...]  # what the user must name: "agency", "quarter"
    carries: dict[str, tuple[str, ...]] | None  # the most a file of it carries; None: everything
    recognise: Callable[[Path, str], bool]
    read: Callable[[Path, str, ReadRequest], RawReturn]
    # For a file that covers several quarters (Annex A, SSDA903): the quarters it can honestly
    # fill, each loaded on its own when the user names none. None: the file names its quarter.
    quarters: Callable[[Path, str, ReadRequest], list[Quarter]] | None = None

    @classmethod
    def of(cls, module: ModuleType) -> "Format":
        return cls(module.NAME, module.TITLE, module.DESCRIPTION, tuple(module.NEEDS),
                   module.CARRIES, module.recognise, module.read, getattr(module, "quarters", None))


FORMATS: tuple[Format, ...] = (
    Format.of(return_tables),
    Format.of(annex_a),
    Format.of(ssda903),
)


def recognise(path: Path, kind: str) -> Format:
    """The format of a file that `safety.check_file` called `kind`: the first that claims it.
    Rejected (F02) when none does, naming what each format must hold."""
    for fmt in FORMATS:
        if fmt.recognise(path, kind):
            return fmt
    if kind in ("csv", "xml"):
        raise lone_text_file(path.name, kind)
    accepted = "; or ".join(f"{fmt.description}" for fmt in FORMATS)
    raise Rejected([Issue("F02", "(file)", None, None, path.name,
                          f"this is not a file any format here can read. Accepted: {accepted}. "
                          "(An Annex A list is found by its header row, within its sheet's "
                          "first rows.)")])


def by_name(name: str) -> Format:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)
