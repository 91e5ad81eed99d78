"""The Data quality page's chart: how fully the optional columns are filled, column by column.

The page itself (returns received, warnings) is not a chart page, so this module has no `PAGE`:
its chart joins the registry (`charts.CHARTS`) for its card and downloads, and stays out of the
board pack. Imports pandas, charts and metrics only.
"""

from __future__ import annotations

import pandas as pd

from charts.figures import completeness_figure
from charts.frames import Source
from charts.query import Query
from charts.spec import Chart, TableShape
from charts.words import SOURCE, no_headlines
from metrics.disclosure import SYMBOLS, TOTAL
from metrics.registry import MEASURES

MEASURE = "completeness"


def completeness_plan(query: Query, source: Source) -> list[Query]:
    """The scope's own returns at the quarter, column by column (a quarter's returns, so no
    window and nobody to compare with)."""
    return [query.of(MEASURE, window=1, compare=(), first=None, breakdown="column")]


def completeness_title(frame: pd.DataFrame, query: Query) -> str:
    title = MEASURES[MEASURE].title
    total = frame.loc[frame["category"] == TOTAL, "shown"]
    if len(total) and total.iloc[0] not in SYMBOLS:
        return f"{title}: {total.iloc[0]} of optional cells filled in {query.quarter}"
    return f"{title} in {query.quarter}"


def completeness_caption(frame: pd.DataFrame, query: Query) -> str:
    scope_name = frame["scope_name"].iloc[0] if len(frame) else query.scope
    return (f"{MEASURES[MEASURE].title}, percent of rows with a value, by column. Source: "
            f"{SOURCE}. Period: {query.quarter}. Scope: {scope_name}.")


COMPLETENESS = Chart(
    MEASURE, MEASURE, completeness_plan, completeness_figure, completeness_title,
    completeness_caption, no_headlines,
    TableShape("Column", "category", "scope", "scope_name", cohort="Rows"),
    uncompared="shows the area's own returns, column by column",
)
CHARTS = (COMPLETENESS,)
