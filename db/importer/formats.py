"""The import formats, as a registry: how a file is recognised by its content, what the user must
name for it (agency, quarter), how it is read into the return's tables, and what it carries.

The CLI, the Load page and the reports ask this registry; none of them knows a format by name.
Each format is one module with NAME, TITLE, DESCRIPTION, NEEDS, CARRIES, `recognise(path, kind)`
and `read(path, kind, request)`; a new format is that module and one line in FORMATS (the most
specific first: the first whose `recognise` says yes reads the file). Imports db modules only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

from db.importer import annex_a, return_tables
from db.importer.readers import RawReturn, ReadRequest

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

    @classmethod
    def of(cls, module: ModuleType) -> "Format":
        return cls(module.NAME, module.TITLE, module.DESCRIPTION, tuple(module.NEEDS),
                   module.CARRIES, module.recognise, module.read)


FORMATS: tuple[Format, ...] = (
    Format.of(annex_a),
    Format.of(return_tables),
)


def recognise(path: Path, kind: str) -> Format:
    """The format of a file that `safety.check_file` called `kind`: the first that claims it."""
    for fmt in FORMATS:
        if fmt.recognise(path, kind):
            return fmt
    return FORMATS[-1]


def by_name(name: str) -> Format:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)
