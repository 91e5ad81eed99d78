"""The Definitions page (`/definitions`): every measure in the registry, one anchor per id.

`measure_entries` turns the registry into plain dicts (id, title, unit, kind, definition,
breakdowns, published), which the page lays out; `/definitions#<id>` jumps to one measure.
Imports dash, metrics and layouts only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from dash import html

from layouts import ids
from metrics.registry import BREAKDOWN_TITLES, MEASURES

PATH = "/definitions"
TITLE = "Definitions"


def measure_entries() -> list[dict]:
    return [
        {"id": m.id, "title": m.title, "unit": m.unit, "kind": m.kind,
         "definition": m.definition, "published": m.published,
         "breakdowns": [f"{BREAKDOWN_TITLES.get(b, b)} ({b})" for b in m.breakdowns]}
        for m in MEASURES.values()
    ]


def entry(measure: Mapping) -> html.Section:
    facts = [("Measure id", html.Code(measure["id"])), ("Unit", measure["unit"]),
             ("Kind", measure["kind"])]
    if measure.get("published"):
        facts.append(("Published as", measure["published"]))
    facts.append(("Breakdowns", ", ".join(measure["breakdowns"]) or "none"))
    return html.Section(
        [
            html.H2(measure["title"], className="h4"),
            html.P(measure["definition"]),
            html.Dl([part for term, text in facts for part in (html.Dt(term), html.Dd(text))],
                    className="definition__facts"),
        ],
        id=measure["id"],
        className="definition",
    )


def layout_for(measures: Sequence[Mapping], protection: str = "") -> Callable[..., html.Div]:
    """The page's layout function over these measures (query parameters are ignored), with
    `protection`, how small numbers are protected (the disclosure note), at the end."""

    def layout(**_params: object) -> html.Div:
        return html.Div(
            [
                html.H1(TITLE),
                html.P("What each measure counts, in the board's words. The data API "
                       "(/api/v1/measures) lists the same ids.", className="lead"),
                html.Nav(html.Ul([html.Li(html.A(m["title"], href=f"#{m['id']}"))
                                  for m in measures]),
                         **{"aria-label": "Measures"}, className="definitions__contents"),
                html.Div([entry(m) for m in measures], id=ids.DEFINITIONS_LIST),
                *([html.Section([html.H2("How small numbers are protected", className="h4"),
                                 html.P(protection)], id="protection", className="definition")]
                  if protection else []),
            ]
        )

    return layout
