"""The words around a chart: active titles, captions and headline numbers, from its frame.

Each reads the chart's disclosed frame and its query (the page's selection for the chart's
measure over the trend), never the store, so a title says exactly what the chart draws. A
title states the message (`Children waiting rose to 3,040 in 2025-26 Q1`); a rise or fall is
only claimed between two complete periods. A caption says what, source, period, scope, cohort,
missing and partial returns, published comparators and why any figure is [x]. Imports pandas,
numpy, charts and metrics only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from charts.query import ENGLAND, Query
from charts.spec import Headline
from metrics.disclosure import SYMBOLS, TOTAL
from metrics.published import SOURCE as PUBLISHED_SOURCE
from metrics.published import is_published
from metrics.quarters import Quarter
from metrics.registry import BREAKDOWN_TITLES, MEASURES, Measure

SOURCE = "Quarterly ASG returns"
WINDOW_PERIODS = {1: "{q}", 4: "the year to {q}", 12: "the three years to {q}"}
WINDOW_POINTS = {4: "each point a rolling year", 12: "each point three years"}


def period_text(measure: Measure, quarter: Quarter, window: int) -> str:
    return WINDOW_PERIODS[window if measure.windowed else 1].format(q=quarter)


def _rows_at(frame: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """The first row without a breakdown of each (scope, quarter): what titles, captions and
    headlines read (a dictionary once, not a filter of the frame per question)."""
    found: dict[tuple[str, str], dict] = {}
    names = list(frame.columns)
    breakdown = frame["breakdown"].to_numpy(dtype=object)
    # One conversion of the whole frame: a column at a time cost more than the rows.
    for values in frame.to_numpy(dtype=object)[(breakdown == "") | pd.isna(breakdown)]:
        row = dict(zip(names, values))
        found.setdefault((row["scope"], row["quarter"]), row)
    return found


def _incomplete(row: dict) -> bool:
    """Expected returns missing, or a partial one behind it: no rise or fall is claimed."""
    return any(pd.notna(row[c]) and int(row[c]) > 0 for c in ("missing_returns", "partial_returns"))


def active_title(frame: pd.DataFrame, query: Query) -> str:
    """The message of the chart: `Children waiting rose to 3,040 in 2025-26 Q1`."""
    s = query
    measure = MEASURES[s.measure]
    period = period_text(measure, s.quarter, s.window)
    rows = _rows_at(frame)
    now, before = rows.get((s.scope, str(s.quarter))), rows.get((s.scope, str(s.quarter.previous())))
    if now is None or now["shown"] in SYMBOLS:
        meaning = SYMBOLS.get(now["shown"] if now is not None else "[x]", "not available")
        return f"{measure.title} in {period}: {meaning.split(':')[0]}"
    shown = now["shown"] + (" days" if measure.unit == "days" else "")
    # A rise or fall is only claimed between two complete periods.
    if (before is None or before["shown"] in SYMBOLS or pd.isna(before["value"])
            or _incomplete(now) or _incomplete(before)):
        return f"{measure.title}: {shown} in {period}"
    if before["shown"] == now["shown"]:
        verb = "was unchanged at"
    else:
        verb = "rose to" if float(now["value"]) > float(before["value"]) else "fell to"
    return f"{measure.title} {verb} {shown} in {period}"


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
    if now is not None and pd.notna(now["missing_returns"]) and int(now["missing_returns"]):
        parts.append(f"Expected returns missing: {int(now['missing_returns'])}.")
    if now is not None:
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
            values = frame[column].to_numpy(dtype=object)
            if column == "category":
                values = np.where(pd.isna(values), "", values)
            mask &= values == value
    return np.flatnonzero(mask)


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
    """The trend's message, and which side of the threshold the scope is on."""
    title = active_title(frame, query)
    now = scope_row(frame, query.scope, quarter=query.quarter)
    if hidden(now):
        return title
    side = "above" if float(now["value"]) > threshold else "within"
    return f"{title}, {side} the threshold of {label} ({threshold:,.0f} days)"


def largest_title(measure: str, breakdown: str, says: str, labels: dict[str, str],
                  frame: pd.DataFrame, query: Query) -> str:
    """The largest category's message, `says` naming it (`{}`), e.g. "{} are the {largest}
    single age among children waiting". Ties are "joint"; when any category is hidden the
    claim is only about those shown (a hidden one might be larger)."""
    name, period = scope_name_of(frame, query), measure_period(query, measure)
    parts = frame[frame["category"] != TOTAL]
    rows = parts[parts["value"].notna() & ~parts["shown"].isin(list(SYMBOLS))]
    # A breakdown that does not apply or is not available is one uncategorised row, [z] or [x].
    total = scope_row(frame, query.scope, category=TOTAL)
    if total is None:
        total = scope_row(frame, query.scope, category="")
    if rows.empty or hidden(total):
        return (f"{MEASURES[measure].title} in {name} by {BREAKDOWN_TITLES[breakdown].lower()}, "
                f"{period}: {say(total) if hidden(total) else 'every group hidden'}")
    values = pd.to_numeric(rows["value"])
    tops = rows[values == values.max()]
    named = " and ".join(labels.get(c, c) for c in tops["category"])
    largest = ("joint " if len(tops) > 1 else "") + (
        "largest shown" if parts["shown"].eq("[c]").any() else "largest")
    each = " each" if len(tops) > 1 else ""
    says = says.format(named, largest=largest, is_="are" if len(tops) > 1 else "is")
    return (f"{says} in {name} in {period}: "
            f"{tops['shown'].iloc[0]}{each} of {total['shown']}")


def page_caption(frame: pd.DataFrame, query: Query) -> str:
    """What, source, period, scope and cohort, for a frame of one or several measures."""
    s = query
    measures = list(dict.fromkeys(frame["measure"]))
    units = {MEASURES[m].unit for m in measures}
    titles = "; ".join(MEASURES[m].title for m in measures)
    quarters = list(dict.fromkeys(frame["quarter"]))
    period = (f"{quarters[0]} to {quarters[-1]}" if len(quarters) > 1
              else measure_period(query, measures[0]))
    if frame["breakdown"].fillna("").ne("").any():
        titles += f", by {BREAKDOWN_TITLES[frame['breakdown'].iloc[0]].lower()}"
    names = list(dict.fromkeys(frame["scope_name"]))
    scope = ", ".join(names) if len(names) <= 4 else f"{len(names) - 1} areas and England"
    parts = [f"{titles} ({', '.join(sorted(units))}).", f"Source: {SOURCE}.",
             f"Period: {period}.", f"Scope: {scope}."]
    here = _where(frame, scope=s.scope, quarter=str(s.quarter))
    main = frame.iloc[[i for i in here if pd.isna(c := frame["category"].iat[i]) or c in ("", TOTAL)]]
    for measure in measures:
        row = main[main["measure"] == measure]
        if len(row) and pd.notna(row["cohort"].iloc[0]):
            noun = MEASURES[measure].cohort_noun
            label = f" ({MEASURES[measure].title.lower()})" if len(measures) > 1 else ""
            parts.append(f"Cohort{label}: {float(row['cohort'].iloc[0]):,.0f} {noun}.")
    missing = pd.to_numeric(main["missing_returns"]).max() if len(main) else 0
    if pd.notna(missing) and missing:
        parts.append(f"Expected returns missing: {int(missing)}.")
    partial = pd.to_numeric(main["partial_returns"]).max() if len(main) else 0
    parts.append(partial_text(partial))
    return " ".join([p for p in parts if p] + reasons(frame, s.quarter))


def measure_headlines(frame: pd.DataFrame, query: Query) -> list[Headline]:
    """Each measure's shown value for the scope at the quarter; the first is the big one."""
    out = []
    for n, measure in enumerate(dict.fromkeys(frame["measure"])):
        row = scope_row(frame, query.scope, measure, query.quarter)
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


def said_at(frame: pd.DataFrame, query: Query, measure: str) -> str:
    """The measure's value for the scope at the quarter, as shown (a symbol with its meaning)."""
    return say(scope_row(frame, query.scope, measure, query.quarter))
