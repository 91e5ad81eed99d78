"""The next four quarters as a chart: a stock's trend continued by its projection
(metrics/projection.py), with the plan that asks for the figures it is made from, its active
title, its numbers and its caption. A page lists `projection_chart(id, measure)`; the figure is
`charts.figures.projection_figure`.

The projection is worked out from the frame's figures as the caller is shown them (after
disclosure control), so it says nothing a caller could not work out from the chart's own table;
a hidden figure among them leaves the chart without a projection. Imports pandas, charts and
metrics only.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pandas as pd

from charts.figures import projection_figure
from charts.frames import Source
from charts.plans import MEASURE_TABLE, planned_chart
from charts.query import Query
from charts.spec import Chart, Headline
from charts.words import page_caption, said_at, scope_name_of, scope_row
from metrics.projection import (
    ADOPTER_INPUTS, AHEAD, CHILDREN_INPUTS, MAX_LAG, RECENT, SPREAD, YEARLY_INPUTS, Projection, project_rows,
)
from metrics.registry import MEASURES

INPUTS = {"children_waiting": CHILDREN_INPUTS, "adopters_waiting": (*ADOPTER_INPUTS, *YEARLY_INPUTS)}
# Quarters asked for: the spread's SPREAD changes; the rates need RECENT + 1, and with a stage 2
# lag of up to MAX_LAG quarters RECENT + MAX_LAG + 1, which is no more. Each quarter is a
# result per measure for every new area asked for, so no more are asked for than are read.
HISTORY = max(SPREAD + 1, RECENT + MAX_LAG + 1)

HOW = {
    "children_waiting": (
        "Projection: children with a decision but no placement order yet, and children waiting, "
        "carried forward a quarter at a time at the last year's rates of decisions, placement "
        "orders and children leaving (placed, adopted or decision reversed)."),
    "adopters_waiting": (
        "Projection: households approved a stage 2 length after starting it, at the last "
        "year's approvals per stage 2 start, and approved households waiting leaving (matched or "
        "left) at the last year's rate."),
}
INTERVAL = (f"The shaded range is about 95%: the spread of the last {SPREAD} quarterly changes, "
            "wider each quarter ahead. It is worked out from the figures shown here; the projected "
            "figures are in the title and the numbers above the chart, not in the table or the "
            "downloads.")


def projection_plan(measure: str, query: Query, source: Source) -> list[Query]:
    """Each figure the projection reads, for the scope alone: quarterly (window 1) over the
    last HISTORY quarters; the stage 2 length over the rolling year to the quarter, which is
    the only one the projection reads."""
    first = query.quarter + (1 - HISTORY)
    return [replace(query, measure=m, scope=query.scope, compare=(), breakdown=None, stat="mean",
                    **({"window": 4, "first": None} if m in YEARLY_INPUTS else {"window": 1, "first": first}))
            for m in INPUTS[measure]]


def _about(value: float) -> str:
    """A projected count as a board should read it: to the nearest 10 from 100 up."""
    return f"{round(value, -1):,.0f}" if value >= 100 else f"{value:,.0f}"


def _projection(frame: pd.DataFrame, query: Query) -> Projection | None:
    return project_rows(frame, query.measure)


def projection_title(frame: pd.DataFrame, query: Query) -> str:
    """`Children waiting in Adopt South are projected to rise to about 330 by 2027-28 Q2 (290
    to 370), from 300 at 2026-27 Q2`; when the range holds today's figure, `... projected to be
    about 330 by 2027-28 Q2 (250 to 410), from 300 at 2026-27 Q2: no clear rise or fall` (the
    centre alone would read as a forecast rise the range does not support)."""
    name, now = scope_name_of(frame, query), said_at(frame, query, query.measure)
    title = MEASURES[query.measure].title
    made = _projection(frame, query)
    if made is None:
        return (f"{title} in {name} at {query.quarter}: {now}; too few figures are shown to "
                f"project the next {AHEAD} quarters")
    latest = float(scope_row(frame, query.scope, query.measure, query.quarter)["value"])
    low, centre, high = made.low[-1], made.centre[-1], made.high[-1]
    unclear = low <= latest <= high
    change = (f"be about {_about(centre)}" if unclear
              else f"{'rise' if centre > latest else 'fall'} to about {_about(centre)}")
    return (f"{title} in {name} are projected to {change} by {made.quarters[-1]} "
            f"({_about(low)} to {_about(high)}), from {now} at {query.quarter}"
            + (": no clear rise or fall" if unclear else ""))


def projection_headlines(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """The latest figure, the projection four quarters on and its range."""
    out = [Headline(f"{MEASURES[query.measure].title.lower()}, {query.quarter}",
                    said_at(frame, query, query.measure), True)]
    made = _projection(frame, query)
    if made is not None:
        out += [Headline(f"projected, {made.quarters[-1]}", _about(made.centre[-1])),
                Headline("range (about 95%)", f"{_about(made.low[-1])} to {_about(made.high[-1])}")]
    return out


def projection_caption(frame: pd.DataFrame, query: Query) -> str:
    return f"{page_caption(frame, query)} {HOW[query.measure]} {INTERVAL}"


def is_projection(chart: Chart) -> bool:
    """Whether the chart projects the next four quarters (its figure is the projection's)."""
    return chart.figure is projection_figure


def projection_chart(id: str, measure: str) -> Chart:
    """The measure's trend continued by its projection for the next four quarters."""
    chart = planned_chart(id, measure, partial(projection_plan, measure),
                          projection_figure, projection_title, projection_headlines, MEASURE_TABLE,
                          uncompared="projects the area's own figures")
    return replace(chart, caption=projection_caption)
