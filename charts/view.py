"""A chart for a selection: its frame and everything said about it, worked out once.

`view(chart, state, source, caller, policy)` checks the page's FILTER_STATE (the data API's
parser), runs the chart's plan through the one frame builder and words the result. The card
(layouts/chart_card.py), the downloads and images (server/), board mode and the board pack all
take a `ChartView`, so each shows the same numbers, title and caption. A chart's files are
served by the data API at `/api/v1/charts/<id>` (`file_url`), in every format it renders.
Imports pandas, charts and metrics only.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pandas as pd

from charts.figures import FigureSpec, direct_labels, placed_notes, with_board_notes
from charts.frames import Source, frame_of
from charts.query import Query, describe, from_state, state_args
from charts.spec import Chart, Headline
from charts.words import WINDOW_POINTS, period_text
from metrics.access import Caller
from metrics.disclosure import DisclosurePolicy, disclosure_note
from metrics.export import export_rows, file_name
from metrics.notes import note_line, notes_on
from metrics.quarters import Quarter
from metrics.registry import MEASURES
from metrics.scope import Geography

CHART_API = "/api/v1/charts"
BOARD_NOTE_SIZE = 16  # board mode's note labels: read across a room
MEASURE_API = "/api/v1/measures"


@dataclass(frozen=True)
class ChartView:
    chart: Chart
    query: Query  # the page's selection for the chart's measure, over the trend's quarters
    state: dict  # the FILTER_STATE it was asked for
    requests: tuple[Query, ...]  # the data API queries whose rows, in order, are the frame
    frame: pd.DataFrame
    title: str
    caption: str
    headlines: tuple[Headline, ...]
    present: bool = False  # board mode: labels at the lines' ends, not a legend
    # Board notes (quarter, words) the caller may read on the scope's quarters (metrics.notes)
    notes: tuple[tuple[str, str], ...] = ()

    @property
    def figure(self) -> FigureSpec:
        figure = self.chart.figure(self.frame)
        figure = direct_labels(figure) if self.present else figure
        return with_board_notes(figure, list(self.notes), size=BOARD_NOTE_SIZE if self.present else 11)

    @property
    def note_lines(self) -> list[str]:
        """The words of the board notes the figure marks, by their numbers: `Note 1, 2024-25
        Q3: court backlog`, for under the chart (the card, board mode, the pack)."""
        if not self.notes:  # the usual case: no figure drawn again to place none
            return []
        return [f"Note {n}, {note_line({'quarter': q, 'text': w})}"
                for n, q, w in placed_notes(self.chart.figure(self.frame), list(self.notes))]

    @property
    def compare_note(self) -> str:
        """The line saying "Compare with" is not shown on this chart, when areas are compared
        and the chart leaves them out; "" otherwise."""
        return self.chart.compare_note(self.query.compare)

    @property
    def api_links(self) -> list[tuple[str, str]]:
        """(text, address) of the data API queries behind the frame."""
        many = len(self.requests) > 1
        return [(f"Data API: {MEASURES[r.measure].title}" if many else "Data API",
                 r.url(f"{MEASURE_API}/{r.measure}")) for r in self.requests]

    @property
    def links(self) -> list[tuple[str, str]]:
        return [("About this measure", f"/definitions#{self.chart.measure}"), *self.api_links]

    def file_rows(self) -> pd.DataFrame:
        """The rows of the chart's file: the data API's fields of its frame (named by measure
        when it has several queries), then any columns the chart adds (a funnel's limits)."""
        out = export_rows(self.frame)
        if len(self.requests) > 1:
            out.insert(0, "measure", self.frame["measure"].to_numpy())
        if self.chart.file_columns is not None:
            extra = self.chart.file_columns(self.frame, self.query)
            out = pd.concat([out, extra.set_axis(out.index)], axis=1)
        return out

    def file_url(self, format: str) -> str:
        """The chart's own file (csv, xlsx, png, svg) for the same selection."""
        params = {**state_args(self.state), "format": format}
        return f"{CHART_API}/{self.chart.id}?" + urlencode(params, quote_via=quote)

    @property
    def file_stem(self) -> str:
        """A file's name without its extension: one query's is the data API's own name; several
        are named by the chart."""
        first = self.requests[0]
        period = [str(first.first), "to"] if first.first and first.first != first.quarter else []
        if len(self.requests) == 1:
            return file_name(first.measure, first.scope, *period, str(first.quarter))
        return file_name(self.chart.id, self.query.scope, *period, str(first.quarter))

    @property
    def image_stem(self) -> str:
        """A picture's name without its extension: the chart's, over the trend's quarters."""
        return file_name(self.chart.id, self.query.scope, str(self.query.first), "to",
                         str(self.query.quarter))

    def header_block(self, geography: Geography,
                     policy: DisclosurePolicy) -> tuple[tuple[str, str], ...]:
        """What a downloaded file says above its rows: the title, the filters, the period, the
        caption, the disclosure note and the data API's addresses for the same rows."""
        return (
            ("Title", self.title),
            ("Filters", describe(geography, self.state)),
            ("Period", frame_period(self.frame, self.query)),
            ("About", self.caption),
            ("Disclosure", disclosure_note(policy)),
            ("Data API", " ".join(url for _, url in self.api_links)),
        )


def chart_query(chart: Chart, state: object, source: Source) -> Query:
    """The chart's query for a page's FILTER_STATE; ValueError when any part is wrong."""
    return from_state(chart.measure, state, source.geography()).trend()


def chart_frame(chart: Chart, state: object, source: Source, caller: Caller,
                policy: DisclosurePolicy) -> tuple[Query, tuple[Query, ...], pd.DataFrame]:
    """The chart's query, its plan's data API queries and its frame for the selection, as
    `caller` may see it, without the words (ValueError when the selection is wrong): for
    readers of the figures alone, such as the quarter's headlines."""
    query = chart_query(chart, state, source)
    requests = tuple(chart.plan(query, source))
    return query, requests, frame_of(requests, source, caller, policy)


def view(chart: Chart, state: object, source: Source, caller: Caller,
         policy: DisclosurePolicy) -> ChartView:
    """The chart for the selection, as `caller` may see it (ValueError when it is wrong)."""
    query, requests, frame = chart_frame(chart, state, source, caller, policy)
    present = isinstance(state, dict) and bool(state.get("present"))
    return ChartView(chart, query, dict(state), requests, frame, chart.title(frame, query),
                     chart.caption(frame, query), tuple(chart.headlines(frame, query)), present,
                     board_notes(source, caller, query))


def board_notes(source: Source, caller: Caller, query: Query) -> tuple[tuple[str, str], ...]:
    """The board notes on the query's scope over its quarters that the caller may read, as
    (quarter, words) in the quarters' order; none from a source that keeps no notes."""
    read = getattr(source, "notes", None)
    if read is None:
        return ()
    quarters = [str(q) for q in query.quarters]
    pinned = read(caller, query.scope, quarters)
    if pinned.empty:
        return ()
    found = notes_on(pinned, query.scope, quarters)
    return tuple(zip(found["quarter"].astype(str), found["text"].astype(str)))


def frame_period(frame: pd.DataFrame, query: Query) -> str:
    """The quarters a chart's rows cover, in words: `2024-25 Q2 to 2025-26 Q1 (each point a
    rolling year)`, or one period: `the year to 2025-26 Q1`."""
    quarters = sorted(set(frame["quarter"]), key=Quarter.parse)
    measures = [MEASURES[m] for m in dict.fromkeys(frame.get("measure", [query.measure]))]
    windowed = [m for m in measures if m.windowed]
    if len(quarters) == 1:
        return period_text((windowed or measures)[0], query.quarter, query.window)
    points = f" ({WINDOW_POINTS[query.window]})" if windowed and query.window in WINDOW_POINTS else ""
    return f"{quarters[0]} to {quarters[-1]}{points}"
