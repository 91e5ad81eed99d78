"""The board pack's pages as data: which charts it carries (each view once), the one-page
summary of the headline measures, the contents with page numbers, and what the returns received
say. server/images.py draws them; nothing here knows of a browser or a request.

A pack is the cover, the contents, the summary, then a sheet (one A4 page) per chart, page by
page of `charts.PAGES`, then the data quality sheets. The summary reads the Overview's charts'
frames (the disclosed rows every card shows): a figure hidden on screen is hidden here, and a
change or a judgement is only said between two shown figures. Imports pandas, charts and
metrics only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

import pandas as pd

from charts.figures import threshold_figure
from charts.plans import benchmark_trend_plan, trend_plan
from charts.query import ENGLAND, Query
from charts.spec import Chart, Page
from metrics.disclosure import SYMBOLS
from metrics.judgement import THRESHOLDS, against_threshold, judge
from metrics.published import published_code
from metrics.quarters import Quarter
from metrics.registry import MEASURES

CONTENTS_LINES = 44  # entries a contents page holds: two columns of titles of one or two lines
NOT_SHOWN = "—"  # a cell with no figure: the area is England, or the chart has no such row
UNITS = {"count": "", "mean": " days", "percent": " pts", "ratio": "", "money": ""}


# ---------------------------------------------------------------- each chart once


def view_of(chart: Chart) -> tuple[str, str]:
    """What a chart shows, to find two charts of the same thing: a trend of one measure for
    the area beside its benchmarks (the Overview's tile, a page's trend or threshold chart) is
    ("trend", measure); any other chart is a view of its own."""
    plan = chart.plan.func if isinstance(chart.plan, partial) else chart.plan
    if plan is benchmark_trend_plan or plan is trend_plan:
        return ("trend", chart.measure)
    return ("chart", chart.id)


def _has_threshold(chart: Chart) -> bool:
    return isinstance(chart.figure, partial) and chart.figure.func is threshold_figure


def once(charts: Sequence[tuple[Page, Chart]]) -> list[tuple[Page, Chart]]:
    """Each view once, in the pages' order. The rule: of the charts showing the same view, the
    pack keeps the one drawn against a threshold (Timeliness' A10 and A2 say which side of the
    scorecard's line the area is), otherwise the first (the Overview's tile, which has the
    region beside England: the support fund share). The summary page carries every headline
    measure's area, region and England figures whichever chart is kept."""
    kept: dict[tuple[str, str], Chart] = {}
    for _page, chart in charts:
        key = view_of(chart)
        if key not in kept or (_has_threshold(chart) and not _has_threshold(kept[key])):
            kept[key] = chart
    chosen = {id(chart) for chart in kept.values()}
    return [(page, chart) for page, chart in charts if id(chart) in chosen]


# ---------------------------------------------------------------- the contents


@dataclass(frozen=True)
class Sheet:
    """One page of the pack after the contents: its section (the dashboard page it comes
    from, or Summary, Data quality) and its title."""

    section: str
    title: str


@dataclass(frozen=True)
class Entry:
    text: str
    page: int
    section: bool  # a section's line, or one of its sheets


def contents(sheets: Sequence[Sheet]) -> list[list[Entry]]:
    """The contents, a page's entries at a time: each section at the page of its first sheet,
    then each of its sheets, numbered from the page after the cover and the contents."""
    lines = len(sheets) + sum(1 for n, sheet in enumerate(sheets)
                              if n == 0 or sheets[n - 1].section != sheet.section)
    pages = -(-lines // CONTENTS_LINES)
    entries: list[Entry] = []
    for n, sheet in enumerate(sheets):
        number = 1 + pages + 1 + n  # the cover, the contents' pages, then the sheets
        if n == 0 or sheets[n - 1].section != sheet.section:
            entries.append(Entry(sheet.section, number, True))
        entries.append(Entry(sheet.title, number, False))
    return [entries[i:i + CONTENTS_LINES] for i in range(0, len(entries), CONTENTS_LINES)]


def front_pages(contents: Sequence[Sequence[Entry]]) -> int:
    """Pages before the first sheet: the cover and the contents' pages."""
    return 1 + len(contents)


def page_label(number: int, total: int) -> str:
    return f"Page {number} of {total}"


# ---------------------------------------------------------------- the summary


@dataclass(frozen=True)
class SummaryRow:
    """A headline measure for the summary page: every figure as shown (disclosed), each
    change with what it means, and the threshold where the measure has one."""

    measure: str
    title: str
    area: str
    region: str
    england: str
    on_quarter: str
    on_year: str
    against_england: str
    threshold: str
    incomplete: bool  # the area's figure counts returns with some expected ones missing


def _shown(row: dict | None) -> bool:
    return row is not None and row["shown"] not in SYMBOLS and pd.notna(row["value"])


def _number(shown: str) -> float:
    """The figure a reader sees: "2,940" -> 2940, "55%" -> 55, "£1,234" -> 1234."""
    return float(shown.replace(",", "").replace("%", "").replace("£", ""))


def _incomplete(row: dict | None) -> bool:
    return row is not None and any(pd.notna(row[c]) and int(row[c]) > 0
                                   for c in ("missing_returns", "partial_returns") if c in row)


def change_text(measure: str, now: dict | None, before: dict | None) -> str:
    """`+12, worse` / `-3 days, about the same` / `no change, about the same`; `—` when either
    figure is hidden; no claim across a period with returns missing (as the titles)."""
    if not (_shown(now) and _shown(before)):
        return NOT_SHOWN
    if _incomplete(now) or _incomplete(before):
        return "not compared: returns missing"
    value_type = MEASURES[measure].value_type
    difference = _number(str(now["shown"])) - _number(str(before["shown"]))
    decimals = 2 if value_type == "ratio" else 0
    said = judge(measure, now["value"], now["cohort"], before["value"], before["cohort"])
    if round(difference, decimals) == 0:
        return f"no change, {said}"
    sign = "+" if difference > 0 else "\u2212"
    money = "£" if value_type == "money" else ""
    unit = UNITS.get(value_type, "")
    if abs(round(difference, decimals)) == 1 and unit:
        unit = unit[:-1]  # "1 day", "1 pt"
    return f"{sign}{money}{abs(difference):,.{decimals}f}{unit}, {said}"


def _rows(frame: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """The first row without a breakdown of each (scope, quarter)."""
    plain = frame[frame["breakdown"].fillna("").eq("")] if "breakdown" in frame else frame
    found: dict[tuple[str, str], dict] = {}
    for row in plain.to_dict("records"):
        found.setdefault((str(row["scope"]), str(row["quarter"])), row)
    return found


def summary_row(frame: pd.DataFrame, query: Query) -> SummaryRow:
    """A headline measure's row from its Overview chart's frame (the area beside its region
    and England over the trend's quarters) for the query's quarter."""
    measure, quarter = query.measure, query.quarter
    rows = _rows(frame)
    kinds = dict(zip(frame["scope"].astype(str), frame.get("scope_kind", pd.Series(dtype=str))))
    region = next((s for s, kind in kinds.items() if kind == "region" and s != query.scope), None)
    now = rows.get((query.scope, str(quarter)))

    def at(scope: str | None, when: Quarter = quarter) -> dict | None:
        return rows.get((scope, str(when))) if scope else None

    def said(row: dict | None) -> str:
        return str(row["shown"]) if row is not None else NOT_SHOWN

    # England's published figure stands in for its own when the store holds too little of
    # England to count it (charts.frames.replaces_england): the summary says the chart's.
    stand_in = published_code(ENGLAND) if (ENGLAND, str(quarter)) not in rows else None
    england = at(stand_in or ENGLAND) if query.scope != ENGLAND else None
    versus = ""
    # Counts of two areas are not comparable (England's is many areas'), so only averages,
    # percentages and ratios are set against England.
    if england is not None and MEASURES[measure].value_type != "count":
        versus = judge(measure, now["value"] if _shown(now) else None, now and now["cohort"],
                       england["value"] if _shown(england) else None, england["cohort"])
    threshold = THRESHOLDS.get(measure)
    title = MEASURES[measure].title + (" (days)" if MEASURES[measure].value_type == "mean" else "")
    return SummaryRow(
        measure, title, said(now), said(at(region)) if region else NOT_SHOWN,
        said(england) if england is not None else NOT_SHOWN,
        change_text(measure, now, at(query.scope, quarter.previous())),
        change_text(measure, now, at(query.scope, quarter + -4)),
        versus or NOT_SHOWN,
        (against_threshold(measure, now["value"]) if _shown(now) else NOT_SHOWN) if threshold else "",
        _incomplete(now),
    )


def incomplete_at(frame: pd.DataFrame, query: Query) -> bool:
    """Whether the chart's figure for the area at the quarter counts incomplete returns (some
    expected ones missing, or partial): its page then says so beside the big number."""
    if not len(frame) or "missing_returns" not in frame:
        return False
    here = frame[(frame["scope"] == query.scope) & (frame["quarter"] == str(query.quarter))]
    return any(_incomplete(row) for row in here.to_dict("records"))


def summary_notes(rows: Sequence[SummaryRow]) -> list[str]:
    """What the summary's columns mean, under its table."""
    notes = ["“On the quarter” and “On the year” compare the area's figure with its own a "
             "quarter and a year before; “Against England” compares averages, percentages and "
             "ratios with England's (counts of areas of different sizes are not comparable). "
             "“About the same”: the difference is within what chance would give for cohorts of "
             "that size (a two-sided test at about 95%); “better” or “worse” where the measure "
             "has a better direction, otherwise “higher” or “lower”. — : no figure to compare "
             "(hidden, not available, or the area is England)."]
    if any(r.incomplete for r in rows):
        notes.append("† the area's figure counts the returns received: some expected returns are "
                     "missing or partial (see the data quality pages), so no change is claimed.")
    return notes


# ---------------------------------------------------------------- returns received


def returns_now(grid: pd.DataFrame, quarter: Quarter, expected: Iterable[str]) -> pd.DataFrame:
    """The returns-received grid's rows (metrics.quality.returns_grid) of the agencies expected
    to make a return, for the quarter."""
    return grid[(grid["quarter"] == str(quarter)) & grid["agency_code"].isin(set(expected))]


def returns_rows(now: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """The data quality page's table: agency, kind, its return for the quarter (version,
    "partial", "from Annex A" ... or "missing"), rows held back."""
    return [(str(r.agency_name), str(r.kind).upper(),
             "missing" if pd.isna(r.version) else str(r.shown),
             "" if pd.isna(r.rows_held_back) else f"{int(r.rows_held_back):,}")
            for r in now.itertuples()]


def returns_line(grid: pd.DataFrame, quarter: Quarter, expected: Iterable[str]) -> str:
    """`Returns received: 18 of 19 expected; missing: Aspire`, as the Data quality page counts
    them; partial returns (rows held back) named too."""
    now = returns_now(grid, quarter, expected)
    missing = now.loc[now["version"].isna(), "agency_name"].astype(str).tolist()
    held = now.loc[now["rows_held_back"].fillna(0) > 0, "agency_name"].astype(str).tolist()
    line = f"Returns received for {quarter}: {len(now) - len(missing)} of {len(now)} expected"
    line += f"; missing: {', '.join(missing)}" if missing else "; none missing"
    if held:
        line += f"; partial (failing rows held back, not counted): {', '.join(held)}"
    return line
