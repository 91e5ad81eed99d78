"""The words around a chart: active titles, captions and headline numbers, from its frame.

Each reads the chart's disclosed frame and its query (the page's selection for the chart's
measure over the trend), never the store, so a title says exactly what the chart draws. A
title states the message and whether it is good or bad (`Children waiting: 305 in 2025-26 Q1,
fewer than a year ago: better`, metrics.judgement); nothing is judged from incomplete returns,
the title says what is missing instead. A caption says what, source, period, scope, cohort,
missing and partial returns, published comparators and why any figure is [x]. Imports pandas,
numpy, charts and metrics only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts.marks import is_incomplete, returns_words
from charts.query import ENGLAND, ENGLAND_PUBLISHED, Query
from charts.spec import Headline
from metrics.disclosure import SYMBOLS, TOTAL
from metrics.frame_memo import per_frame
from metrics.published import SOURCE as PUBLISHED_SOURCE
from metrics.published import is_published
from metrics.quarters import Quarter
from metrics.judgement import against_threshold, judge
from metrics.registry import BREAKDOWN_TITLES, MEASURES, Measure
from metrics.rows import LA_TABLES

SOURCE = "Quarterly ASG returns"
WINDOW_PERIODS = {1: "{q}", 4: "the year to {q}", 12: "the three years to {q}"}
WINDOW_POINTS = {4: "each point a rolling year", 12: "each point three years"}


def period_text(measure: Measure, quarter: Quarter, window: int) -> str:
    return WINDOW_PERIODS[window if measure.windowed else 1].format(q=quarter)


@per_frame(4)
def _rows_at(frame: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """The first row without a breakdown of each (scope, quarter): what titles, captions and
    headlines read (a dictionary once, not a filter of the frame per question). A chart's
    title, caption and headlines read the same frame one after another, so the answer is kept
    by the frame (metrics.frame_memo); read-only."""
    found: dict[tuple[str, str], dict] = {}
    names = list(frame.columns)
    breakdown = frame["breakdown"].to_numpy(dtype=object)
    # One conversion of the whole frame: a column at a time cost more than the rows.
    for values in frame.to_numpy(dtype=object)[(breakdown == "") | pd.isna(breakdown)]:
        row = dict(zip(names, values))
        found.setdefault((row["scope"], row["quarter"]), row)
    return found


TITLE_LENGTH = 90  # characters: titles are projected; judgements past the first are left out
# What a trend compares with, in order: the same quarter a year before, else the one before.
EARLIER = ((4, "a year ago"), (1, "last quarter"))
COUNT_UNITS = ("children", "households", "orders", "applications", "sibling groups", "returns")


def _usable(row: dict | None) -> bool:
    return row is not None and row["shown"] not in SYMBOLS and pd.notna(row["value"])


def _more_or_less(measure: Measure, now: dict, other: dict) -> str:
    """`more`/`fewer` (counts), `longer`/`shorter` (days), else `higher`/`lower`."""
    up = float(now["value"]) > float(other["value"])
    if measure.unit in COUNT_UNITS:
        return "more" if up else "fewer"
    if measure.unit == "days":
        return "longer" if up else "shorter"
    return "higher" if up else "lower"


def trend_words(measure: Measure, rows: dict, query: Query) -> str:
    """How the scope's figure stands against its own a year before (else a quarter before):
    `fewer than a year ago: better`, `about the same as last quarter`, `higher than a year
    ago` (a measure neither way better); a year ago's incomplete returns are said, not judged;
    "" when the chart has no earlier figure."""
    now = rows.get((query.scope, str(query.quarter)))
    for back, when in EARLIER:
        before = rows.get((query.scope, str(query.quarter + -back)))
        if not _usable(before):
            continue
        if is_incomplete(before):
            return f"{when}'s returns incomplete"
        verdict = judge(measure.id, now["value"], now["cohort"], before["value"], before["cohort"])
        if verdict == "about the same":
            return f"about the same as {when}"
        change = f"{_more_or_less(measure, now, before)} than {when}"
        return f"{change}: {verdict}" if verdict in ("better", "worse") else change
    return ""


def england_words(measure: Measure, rows: dict, query: Query) -> str:
    """How the scope's figure stands against England's (its own, else the published one):
    `worse than England (410 days)`, `about the same as England (45%)`. Counts are never
    compared with England's (an area's count is a fraction of it): "" for them, for England
    itself and when England's figure is hidden or incomplete."""
    # Totals (counts, agencies, money) of an area are a fraction of England's: never compared.
    if measure.value_type in ("count", "agencies", "money") or query.scope == ENGLAND:
        return ""
    now = rows.get((query.scope, str(query.quarter)))
    england = rows.get((ENGLAND, str(query.quarter)))
    if not _usable(england):
        england = rows.get((ENGLAND_PUBLISHED, str(query.quarter)))
    if not _usable(england) or is_incomplete(england):
        return ""
    verdict = judge(measure.id, now["value"], now["cohort"], england["value"], england["cohort"])
    shown = england["shown"] + (" days" if measure.unit == "days" else "")
    if verdict == "about the same":
        return f"about the same as England ({shown})"
    word = verdict if verdict in ("better", "worse") else _more_or_less(measure, now, england)
    return f"{word} than England ({shown})"


def judged_title(head: str, parts: list[str]) -> str:
    """`head, first; second ...`, as many of the judgements as keep it within TITLE_LENGTH
    (the first always)."""
    said = [p for p in parts if p]
    title = f"{head}, {said[0]}" if said else head
    for part in said[1:]:
        if len(title) + 2 + len(part) > TITLE_LENGTH:
            break
        title += f"; {part}"
    return title


def incomplete_title(head: str, row: dict) -> str:
    """`head (incomplete: 1 of 5 returns missing)`: nothing is judged from it. The agencies
    are named on the figure and in the caption, not in the projected title."""
    return f"{head} (incomplete: {returns_words(row, named=False)})"


def active_title(frame: pd.DataFrame, query: Query, first: str = "") -> str:
    """The message of the chart, judged: `Children waiting: 305 in 2025-26 Q1, fewer than a
    year ago: better`; `A10 ...: 452 days in the year to 2025-26 Q1, worse than England (410
    days); about the same as a year ago`. Nothing is judged from incomplete returns: the title
    says what is missing instead. `first` is a judgement to say before the others (a
    threshold's)."""
    s = query
    measure = MEASURES[s.measure]
    period = period_text(measure, s.quarter, s.window)
    rows = _rows_at(frame)
    now = rows.get((s.scope, str(s.quarter)))
    if now is None or now["shown"] in SYMBOLS:
        meaning = SYMBOLS.get(now["shown"] if now is not None else "[x]", "not available")
        return f"{measure.title} in {period}: {meaning.split(':')[0]}"
    shown = now["shown"] + (" days" if measure.unit == "days" else "")
    head = f"{measure.title}: {shown} in {period}"
    if pd.isna(now["value"]):
        return head
    if is_incomplete(now):
        return incomplete_title(head, now)
    # A measure with a threshold says which side of it the figure is first, wherever it is shown.
    first = first or against_threshold(measure.id, now["value"])
    return judged_title(head, [first, england_words(measure, rows, s), trend_words(measure, rows, s)])


def caption(frame: pd.DataFrame, query: Query) -> str:
    s = query
    measure = MEASURES[s.measure]
    now = _rows_at(frame).get((s.scope, str(s.quarter)))
    scope_name = now["scope_name"] if now is not None else s.scope
    points = f" ({WINDOW_POINTS[s.window]})" if measure.windowed and s.window in WINDOW_POINTS else ""
    parts = [f"{measure.title}, {measure.unit}.", f"Source: {SOURCE}.",
             f"Period: {query.first} to {s.quarter}{points}.", f"Scope: {scope_name}."]
    if now is not None and pd.notna(now["cohort"]):
        noun = measure.cohort_noun
        parts.append(f"Cohort: {float(now['cohort']):,.0f} {noun}.")
    if now is not None:
        parts += returns_text(now, measure, s.window)
        parts.append(partial_text(now["partial_returns"]))
    parts.append(published_text(frame, query))
    return " ".join([p for p in parts if p] + reasons(frame, s.quarter))


def published_text(frame: pd.DataFrame, query: Query) -> str:
    """What a caption says of the published comparators in a frame ("" when none)."""
    published = frame[frame["scope"].map(is_published)] if len(frame) else frame
    standing_in = england_stands_in(frame, query)
    if published.empty and not standing_in:
        return ""
    parts = []
    if standing_in:
        parts.append("England is the published figure: the store holds returns for too little "
                     "of England to count it.")
    if not published.empty:
        # The figure itself, in words: a count of England's is not drawn beside an area's
        # (it would flatten the area's line), so the caption is where it is read.
        at = published[published["quarter"] == str(query.quarter)]
        if "category" in at:
            at = at[at["category"].fillna("").isin(["", TOTAL])]
        said = "; ".join(f"{n} {p}: {v}" for n, p, v in zip(at["scope_name"], at["period"],
                                                             at["shown"]))
        if said:
            parts.append(f"{said}.")
        names = ", ".join(dict.fromkeys(published["scope_name"]))
        years = ", ".join(sorted(set(published["period"].dropna())))
        parts.append(f"{names}: {PUBLISHED_SOURCE}, years to 31 March ({years}), as published "
                     "(national and regional counts rounded to 10; c, z, x and k as the DfE shows "
                     "them); only where a point is a year ending in Q4.")
    elif standing_in:
        parts.append("England's published figures are years to 31 March: none for this period.")
    return " ".join(parts)


def england_stands_in(frame: pd.DataFrame, query: Query) -> bool:
    """Whether England's published figure stands in for its computed one in this trend frame:
    a trend plans England beside every other scope, so England's absence means its published
    figure took its place (charts.frames.replaces_england), with rows or, when no published
    year fits the window, without."""
    return query.scope != ENGLAND and len(frame) > 0 and ENGLAND not in set(frame["scope"])


def returns_text(row: dict | pd.Series, measure: Measure, window: int) -> list[str]:
    """What a caption says of the returns behind a figure: the expected returns missing, counted
    as the Data quality page counts them (each agency that returns the scope's data, once a
    quarter), with their agencies; and the LAs (or agencies) the figure could not count, with
    no return or one whose format does not carry it. [] when complete."""
    parts = []
    windowed = measure.windowed and window > 1
    missing = row.get("returns_missing")
    if missing is not None and pd.notna(missing) and int(missing):
        over = " over the window's quarters" if windowed else ""
        names = row.get("returns_missing_names") or ""
        parts.append(f"Returns missing{over}: {int(missing)} of {int(row['returns_expected'])} "
                     f"expected" + (f" ({names})." if names else "."))
    uncovered = row.get("missing_returns")
    if uncovered is not None and pd.notna(uncovered) and int(uncovered):
        unit = "LAs" if measure.table in LA_TABLES else "agencies"
        over = ", a quarter each, over the window" if windowed else ""
        parts.append(f"{unit[:1].upper() + unit[1:]} not counted{over}: {int(uncovered)} (no "
                     "return, or one whose format does not carry this figure).")
    return parts


def partial_text(partial: object) -> str:
    """What a caption says of the partial returns behind a figure ("" when there are none)."""
    if pd.isna(partial) or not int(partial):
        return ""
    n = int(partial)
    return (f"{n} partial return{'' if n == 1 else 's'} (failing rows held back when loaded, "
            "so not counted).")


def reasons(frame: pd.DataFrame, quarter: Quarter) -> list[str]:
    """Why figures of the frame are [x] in the selected quarter, each reason once, as
    sentences: `[x] not available: the returns for this scope and quarter (Annex A) do not
    carry special guardianship orders (Adopt Coast to Coast, 2024-25 Q3).` (Earlier quarters'
    reasons are in the table's rows and the downloads.)"""
    if "not_available_reason" not in frame:
        return []
    found: dict[str, list[str]] = {}
    for name, at, reason in zip(frame["scope_name"], frame["quarter"], frame["not_available_reason"]):
        if isinstance(reason, str) and reason and at == str(quarter):
            where = found.setdefault(reason, [])
            if (text := f"{name}, {at}") not in where:
                where.append(text)
    return [f"[x] {reason} ({'; '.join(where[:3])}{'; and others' if len(where) > 3 else ''})."
            for reason, where in found.items()]


def headlines(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """The scope's shown value at the quarter, then each benchmark's beside it."""
    out, rows = [], _rows_at(frame)
    for scope in dict.fromkeys(frame["scope"]):
        row = rows.get((scope, str(query.quarter)))
        if row is not None:
            out.append(Headline(str(row["scope_name"]), str(row["shown"]), scope == query.scope))
    return out


def scope_row(frame: pd.DataFrame, scope: str, measure: str | None = None,
              quarter: Quarter | None = None, category: str | None = None) -> pd.Series | None:
    """The first row of `scope` (and of the measure, quarter and category when given)."""
    found = _where(frame, scope=scope, measure=measure,
                   quarter=None if quarter is None else str(quarter), category=category)
    return frame.iloc[found[0]] if len(found) else None


def _where(frame: pd.DataFrame, **equal: str | None) -> np.ndarray:
    """Positions of the rows whose columns equal the values given (None: any), compared as
    plain arrays: a pandas filter per question cost a title some milliseconds."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in equal.items():
        if value is not None:
            mask &= _plain_column(frame, column) == value
    return np.flatnonzero(mask)


@per_frame(8)
def _plain_column(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as Python objects (a missing category as ""), read once a frame: a chart's
    title, caption and numbers ask some sixty questions of a page's frames. Read-only."""
    values = frame[column].to_numpy(dtype=object)
    return np.where(pd.isna(values), "", values) if column == "category" else values


def hidden(row: pd.Series | None) -> bool:
    return row is None or row["shown"] in SYMBOLS or pd.isna(row["value"])


def say(row: pd.Series | None) -> str:
    """A value as shown; a hidden one with what its symbol means: `[c] (confidential)`."""
    if row is None:
        return "[x] (not available)"
    shown = str(row["shown"])
    return f"{shown} ({SYMBOLS[shown].split(':')[0]})" if shown in SYMBOLS else shown


def scope_name_of(frame: pd.DataFrame, query: Query) -> str:
    row = scope_row(frame, query.scope)
    return str(row["scope_name"]) if row is not None else query.scope


def measure_period(query: Query, measure: str) -> str:
    return period_text(MEASURES[measure], query.quarter, query.window)


def threshold_title(threshold: float, label: str, frame: pd.DataFrame, query: Query) -> str:
    """The trend's message, first which side of the threshold the scope is on: `...: 452 days
    in the year to 2025-26 Q1, above the 14-month threshold; worse than England (410 days)`."""
    now = scope_row(frame, query.scope, quarter=query.quarter)
    if hidden(now):
        return active_title(frame, query)
    side = against_threshold(query.measure, now["value"])
    if not side:  # a threshold the measure does not know of
        side = ("above" if float(now["value"]) > threshold else "within") + f" the threshold of {label}"
    return active_title(frame, query, first=side)


def largest_title(measure: str, breakdown: str, says: str, labels: dict[str, str],
                  frame: pd.DataFrame, query: Query) -> str:
    """The largest category's message, `says` naming it (`{}`), e.g. "{} are the {largest}
    single age among children waiting". Ties are "joint"; when any category is hidden the
    claim is only about those shown (a hidden one might be larger)."""
    name, period = scope_name_of(frame, query), measure_period(query, measure)
    # Plain arrays: pandas filters here cost each card some milliseconds.
    categories = frame["category"].to_numpy(dtype=object)
    shown = frame["shown"].to_numpy(dtype=object)
    values = pd.to_numeric(frame["value"]).to_numpy(dtype=float, na_value=np.nan)
    parts = categories != TOTAL
    usable = np.flatnonzero(parts & ~np.isnan(values) & ~np.isin(shown, list(SYMBOLS)))
    # A breakdown that does not apply or is not available is one uncategorised row, [z] or [x].
    total = scope_row(frame, query.scope, category=TOTAL)
    if total is None:
        total = scope_row(frame, query.scope, category="")
    if not len(usable) or hidden(total):
        return (f"{MEASURES[measure].title} in {name} by {BREAKDOWN_TITLES[breakdown].lower()}, "
                f"{period}: {say(total) if hidden(total) else 'every group hidden'}")
    tops = usable[values[usable] == values[usable].max()]
    named = " and ".join(labels.get(c, c) for c in categories[tops])
    largest = ("joint " if len(tops) > 1 else "") + (
        "largest shown" if (parts & (shown == "[c]")).any() else "largest")
    each = " each" if len(tops) > 1 else ""
    says = says.format(named, largest=largest, is_="are" if len(tops) > 1 else "is")
    return (f"{says} in {name} in {period}: "
            f"{shown[tops[0]]}{each} of {total['shown']}")


def page_caption(frame: pd.DataFrame, query: Query) -> str:
    """What, source, period, scope and cohort, for a frame of one or several measures. Read
    from the columns as plain arrays: a pandas filter per question cost every card of a page
    some milliseconds."""
    s = query
    measure_of = frame["measure"].to_numpy(dtype=object)
    measures = list(dict.fromkeys(measure_of))
    units = {MEASURES[m].unit for m in measures}
    titles = "; ".join(MEASURES[m].title for m in measures)
    quarters = list(dict.fromkeys(frame["quarter"].to_numpy(dtype=object)))
    period = (f"{quarters[0]} to {quarters[-1]}" if len(quarters) > 1
              else measure_period(query, measures[0]))
    breakdowns = frame["breakdown"].to_numpy(dtype=object)
    if any(not pd.isna(b) and b != "" for b in breakdowns):
        titles += f", by {BREAKDOWN_TITLES[breakdowns[0]].lower()}"
    names = list(dict.fromkeys(frame["scope_name"].to_numpy(dtype=object)))
    scope = ", ".join(names) if len(names) <= 4 else f"{len(names) - 1} areas and England"
    parts = [f"{titles} ({', '.join(sorted(units))}).", f"Source: {SOURCE}.",
             f"Period: {period}.", f"Scope: {scope}."]
    category = frame["category"].to_numpy(dtype=object)
    main = [int(i) for i in _where(frame, scope=s.scope, quarter=str(s.quarter))
            if pd.isna(c := category[i]) or c in ("", TOTAL)]
    cohort = frame["cohort"].to_numpy(dtype=object)
    for measure in measures:
        first = next((i for i in main if measure_of[i] == measure), None)
        if first is not None and pd.notna(cohort[first]):
            noun = MEASURES[measure].cohort_noun
            label = f" ({MEASURES[measure].title.lower()})" if len(measures) > 1 else ""
            parts.append(f"Cohort{label}: {float(cohort[first]):,.0f} {noun}.")
    partial: float = 0
    if main:
        # The measure that misses the most speaks for the page's returns.
        missing = _numbers_at(frame, "missing_returns", main)
        worst = frame.iloc[main[int(np.nan_to_num(missing, nan=0).argmax())]]
        parts += returns_text(worst, MEASURES[str(worst["measure"])], s.window)
        partial = _largest(_numbers_at(frame, "partial_returns", main))
    parts.append(partial_text(partial))
    return " ".join([p for p in parts if p] + reasons(frame, s.quarter))


def _numbers_at(frame: pd.DataFrame, column: str, positions: list[int]) -> np.ndarray:
    """A column's numbers at some rows, gaps as NaN (a column, not a frame, cut)."""
    return pd.to_numeric(frame[column]).to_numpy(dtype=float, na_value=np.nan)[positions]


def _largest(numbers: np.ndarray) -> float:
    """The largest number, gaps left out; NaN when there is none (as pandas' `max`)."""
    known = numbers[~np.isnan(numbers)]
    return float(known.max()) if len(known) else np.nan


def measure_headlines(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """Each measure's shown value for the scope at the quarter; the first is the big one."""
    out = []
    for n, measure in enumerate(dict.fromkeys(frame["measure"])):
        row = scope_row(frame, query.scope, measure, query.quarter)
        if row is not None:
            out.append(Headline(str(row["measure_title"]), str(row["shown"]), n == 0))
    return out


def measure_totals(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """Each measure's whole figure for the scope at the quarter (a broken-down one's Total),
    the first the big one."""
    out = []
    for n, measure in enumerate(dict.fromkeys(frame["measure"])):
        row = scope_row(frame, query.scope, measure, query.quarter, category=TOTAL)
        if row is None:
            row = scope_row(frame, query.scope, measure, query.quarter, category="")
        if row is not None:
            out.append(Headline(str(row["measure_title"]), str(row["shown"]), n == 0))
    return out


def total_headline(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """The Total of a broken-down frame, named by its measure."""
    row = scope_row(frame, query.scope, category=TOTAL)
    if row is None:
        return []
    what = str(row["measure_title"]).lower()
    return [Headline(f"{what} in {row['scope_name']}", str(row["shown"]), True)]


def no_headlines(frame: pd.DataFrame, query: Query) -> list[Headline]:
    return []




AGE_BAND_WORDS = {"Under 1": "Babies under 1", "1-4": "Children aged 1-4",
                  "5-9": "Children aged 5-9", "10+": "Children aged 10 or over"}


def england_beside(frame: pd.DataFrame, query: Query, measures: tuple[str, ...]) -> str:
    """England's figures for the measures at the quarter, to follow a title's own: ` (England
    19 and 22)`; nothing when the scope is England."""
    if query.scope == ENGLAND:
        return ""
    england = [say(scope_row(frame, ENGLAND, m, query.quarter)) for m in measures]
    return f" (England {' and '.join(england)})"


def said_at(frame: pd.DataFrame, query: Query, measure: str) -> str:
    """The measure's value for the scope at the quarter, as shown (a symbol with its meaning)."""
    return say(scope_row(frame, query.scope, measure, query.quarter))
