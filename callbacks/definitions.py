"""What the Definitions page lists: the measure registry as plain dicts, for layouts/pages.py.

Layouts may not import metrics, so the app factory passes these in. Imports metrics only.
"""

from __future__ import annotations

from metrics.registry import BREAKDOWN_TITLES, MEASURES


def measure_entries() -> list[dict]:
    return [
        {"id": m.id, "title": m.title, "unit": m.unit, "kind": m.kind,
         "definition": m.definition, "published": m.published,
         "breakdowns": [f"{BREAKDOWN_TITLES.get(b, b)} ({b})" for b in m.breakdowns]}
        for m in MEASURES.values()
    ]
