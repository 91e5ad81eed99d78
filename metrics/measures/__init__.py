"""How every measure in the registry is computed: `FUNCTIONS`, each measure id's function,
built here from the dicts of the table modules (children, adopters, special_guardianship,
support, quality), one module per table a measure reads.

A measure without a function, or with two, fails at import rather than at its first request.
Pure: imports metrics.measures' modules, metrics.registry and metrics.tallies only.
"""

from __future__ import annotations

from metrics.measures import adopters, children, quality, special_guardianship, support
from metrics.registry import MEASURES
from metrics.tallies import MeasureFunction


def _joined(*tables: dict[str, MeasureFunction]) -> dict[str, MeasureFunction]:
    functions: dict[str, MeasureFunction] = {}
    for table in tables:
        if twice := functions.keys() & table.keys():
            raise RuntimeError(f"measures with two functions: {', '.join(sorted(twice))}")
        functions.update(table)
    if unknown := functions.keys() - MEASURES.keys():
        raise RuntimeError(f"functions of measures not in the registry: {', '.join(sorted(unknown))}")
    if missing := MEASURES.keys() - functions.keys():
        raise RuntimeError(f"measures in the registry without a function: {', '.join(sorted(missing))}")
    return functions


FUNCTIONS: dict[str, MeasureFunction] = _joined(
    children.FUNCTIONS, adopters.FUNCTIONS, special_guardianship.FUNCTIONS, support.FUNCTIONS,
    quality.FUNCTIONS,
)
