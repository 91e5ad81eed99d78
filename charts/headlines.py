"""The quarter's headlines: short sentences written from the data, each traced to the chart
that shows it.

`quarter_headlines` reads the frames the Overview's charts draw (each headline measure for the
area beside England over the quarters, as the caller may see them) and says what a board
should notice, in GOV.UK style (plain words, numbers as figures):

- a change on a year before (else on the quarter before), told only when it passes the
  "meaningful change" rule of `metrics.judgement` (a change within what the cohorts make likely
  is not news), with how many quarters running the figure has moved that way and what England
  did: "Children waiting in South East rose for the third quarter running, to 429, from 380 a
  year ago (England fell)";
- a figure above its threshold: "Placement order to match in South East is above the 4-month
  threshold: 140 days (England 118 days)";
- an agency outside the range its numbers make likely, from the Fair comparison page's funnel
  plots (metrics.funnel): "Placement order to match in Adopt London South is outside the range
  expected from its numbers: 310 days (England 195 days)"; for a region or England, how many of
  its agencies are and which: "3 of 19 LAs in the South East are outside the range expected
  from their numbers for placement order to match: Kent (worse), Medway (better) and Surrey
  (worse)";
- the returns missing behind the quarter's figures: "1 of 5 returns is missing: Aspire";
- the figures that could not be judged (hidden, or from incomplete returns), named, so that
  nothing told never reads as all being well.

A figure hidden from the caller, or from incomplete returns, is never told as a change. Each
sentence carries whether the change is better or worse (for measures with a better direction)
and the chart it comes from. Imports pandas, charts and metrics only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from charts.marks import is_incomplete
from charts.query import ENGLAND
from metrics.disclosure import SYMBOLS
from metrics.frame_memo import per_frame
from metrics.funnel import AGENCY_KINDS, funnel_points, outliers
from metrics.judgement import BETTER, THRESHOLDS, against_threshold, judge
from metrics.quarters import Quarter
from metrics.registry import MEASURES

ORDINALS = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
            8: "eighth", 9: "ninth"}


@dataclass(frozen=True)
class Headline:
    text: str
    chart: str  # the chart that shows it (its card on its page)
    verdict: str = ""  # "better" / "worse" for a measure with a better direction, else ""
    kind: str = "change"  # "change", "threshold", "outlier", "returns" or "unjudged"


def _row(frame: pd.DataFrame, scope: str, quarter: Quarter) -> pd.Series | None:
    """The frame's row of the scope at the quarter (not a breakdown's category), or None.
    A sentence reads a frame's rows a dozen times: where each row is, is found once a frame."""
    at = _places(frame).get((scope, str(quarter)))
    return None if at is None else frame.iloc[at]


@per_frame(16)
def _places(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    places: dict[tuple[str, str], int] = {}
    category = (frame["category"].fillna("").to_numpy(dtype=object) if "category" in frame
                else [""] * len(frame))
    for at, (scope, quarter, cat) in enumerate(zip(frame["scope"].to_numpy(dtype=object),
                                                    frame["quarter"].to_numpy(dtype=object), category)):
        if cat == "":
            places.setdefault((str(scope), str(quarter)), at)
    return places


def _usable(row: pd.Series | None) -> bool:
    return (row is not None and str(row["shown"]) not in SYMBOLS and pd.notna(row["value"])
            and not is_incomplete(row))


# What a change is told against, in order: the same quarter a year before (no season, and a
# rolling year's window does not overlap it), else the quarter before.
EARLIER = ((4, "a year ago"), (1, "last quarter"))


def _judged(measure: str, frame: pd.DataFrame, scope: str, quarter: Quarter,
            back: int) -> str | None:
    """"up" / "down" when the figure at `quarter` differs from the one `back` quarters before
    by more than noise, "" when it does not, None when either is hidden or incomplete."""
    now, before = _row(frame, scope, quarter), _row(frame, scope, quarter + -back)
    if not (_usable(now) and _usable(before)):
        return None
    verdict = judge(measure, now["value"], now["cohort"], before["value"], before["cohort"])
    if verdict in ("", "about the same"):
        return ""
    return "up" if float(now["value"]) > float(before["value"]) else "down"


def _run(frame: pd.DataFrame, scope: str, quarter: Quarter, way: str) -> int:
    """How many quarters running, up to `quarter`, the figure has moved `way` on the quarter
    before (each move as shown, however small: the change told has passed the noise rule)."""
    run, at = 0, quarter
    while True:
        now, before = _row(frame, scope, at), _row(frame, scope, at + -1)
        if not (_usable(now) and _usable(before)):
            return run
        step = float(now["value"]) - float(before["value"])
        if not ((step > 0) if way == "up" else (step < 0)):
            return run
        run, at = run + 1, at + -1


def _said(row: pd.Series, measure: str) -> str:
    unit = MEASURES[measure].unit
    return f"{row['shown']} days" if unit == "days" else str(row["shown"])


def _england_part(measure: str, frame: pd.DataFrame, quarter: Quarter, back: int, way: str) -> str:
    england = _judged(measure, frame, ENGLAND, quarter, back)
    if england is None:
        return ""
    if not england:
        return " (England about the same)"
    verb = "rose" if england == "up" else "fell"
    return f" (England {'also ' if england == way else ''}{verb})"


def _verdict(measure: str, way: str) -> str:
    better = BETTER.get(measure, "")
    if not better:
        return ""
    return "better" if (way == "up") == (better == "higher") else "worse"


def change_headline(chart: str, measure: str, frame: pd.DataFrame, scope: str, name: str,
                    quarter: Quarter) -> Headline | None:
    """The figure's meaningful change on a year before (else on the quarter before), how many
    quarters running it has moved that way and what England did; None when it is about the
    same (or cannot be compared)."""
    for back, when in EARLIER:
        way = _judged(measure, frame, scope, quarter, back)
        if way is not None:
            break
    else:
        return None
    if not way:
        return None
    now, before = _row(frame, scope, quarter), _row(frame, scope, quarter + -back)
    verb = "rose" if way == "up" else "fell"
    run = _run(frame, scope, quarter, way)
    running = f" for the {ORDINALS.get(run, f'{run}th')} quarter running," if run >= 2 else ""
    england = "" if scope == ENGLAND else _england_part(measure, frame, quarter, back, way)
    return Headline(f"{MEASURES[measure].title} in {name} {verb}{running} to {_said(now, measure)}, "
                    f"from {_said(before, measure)} {when}{england}", chart, _verdict(measure, way))


def threshold_headline(chart: str, measure: str, frame: pd.DataFrame, scope: str, name: str,
                       quarter: Quarter) -> Headline | None:
    """The figure above its threshold (A10, A2), with England's beside it; None within it."""
    if measure not in THRESHOLDS:
        return None
    now = _row(frame, scope, quarter)
    if not _usable(now) or not against_threshold(measure, now["value"]).startswith("above"):
        return None
    england = _row(frame, ENGLAND, quarter)
    beside = (f" (England {_said(england, measure)})"
              if scope != ENGLAND and _usable(england) else "")
    return Headline(f"{MEASURES[measure].title} in {name} is {against_threshold(measure, now['value'])}: "
                    f"{_said(now, measure)}{beside}", chart, "worse", "threshold")


def returns_headline(chart: str, frame: pd.DataFrame, scope: str, quarter: Quarter) -> Headline | None:
    """The returns missing behind the area's figures for the quarter, named."""
    now = _row(frame, scope, quarter)
    if now is None:
        return None
    missing, expected = now.get("returns_missing"), now.get("returns_expected")
    if pd.isna(missing) or not int(missing):
        return None
    names = str(now.get("returns_missing_names") or "")
    verb = "is" if int(missing) == 1 else "are"
    return Headline(f"{int(missing)} of {int(expected)} returns {verb} missing"
                    + (f": {names}" if names else ""), chart, "", "returns")


OUTLIERS_NAMED = 3  # agencies named in a sentence before "and N more"


def _named(rows: pd.DataFrame) -> str:
    said = [f"{n} ({j})" if j else str(n) for n, j in zip(rows["scope_name"], rows["judged"])]
    if len(said) > OUTLIERS_NAMED:
        return ", ".join(said[:OUTLIERS_NAMED]) + f" and {len(said) - OUTLIERS_NAMED} more"
    return ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]


def outlier_headline(chart: str, measure: str, frame: pd.DataFrame, scope: str,
                     name: str) -> Headline | None:
    """From a funnel chart's frame (the area's agencies, or its region's, against England):
    for an agency, whether it is outside the range its numbers make likely; for a region or
    England, how many of its agencies are and which. None when all are within it, or the
    agency is hidden from the caller (a hidden agency is never named)."""
    points, _hidden = funnel_points(frame, measure)
    if points.empty:
        return None
    title = MEASURES[measure].title
    rows = frame[frame["scope"] == scope]
    kind = str(rows["scope_kind"].iloc[0]) if len(rows) else ""
    if kind in AGENCY_KINDS:
        mine = points[points["scope"] == scope]
        if mine.empty or not int(mine["outside"].iloc[0]) or not _usable(rows.iloc[0]):
            return None  # within, hidden, or from incomplete returns: not judged
        row, england = mine.iloc[0], _row(frame, ENGLAND, Quarter.parse(str(rows["quarter"].iloc[0])))
        beside = f" (England {_said(england, measure)})" if _usable(england) else ""
        return Headline(f"{title} in {name} is outside the range expected from its numbers: "
                        f"{_said(row, measure)}{beside}", chart, str(row["judged"])
                        if row["judged"] in ("better", "worse") else "", "outlier")
    out = outliers(points)
    if out.empty:
        return None
    la = set(frame.loc[frame["scope_kind"].isin(AGENCY_KINDS), "scope_kind"]) == {"la"}
    noun = ("LA" if len(points) == 1 else "LAs") if la else ("agency" if len(points) == 1 else "agencies")
    verb, whose = ("is", "its") if len(out) == 1 else ("are", "their")
    return Headline(f"{len(out)} of {len(points)} {noun} in {name} {verb} outside the range "
                    f"expected from {whose} numbers for {title[0].lower() + title[1:]}: {_named(out)}",
                    # No "Better" or "Worse" beside it: each agency named says its own, and
                    # one LA's being better says nothing of the region's figure.
                    chart, "", "outlier")


def quarter_headlines(frames: list[tuple[str, str, pd.DataFrame]], scope: str, name: str,
                      quarter: Quarter,
                      funnels: list[tuple[str, str, pd.DataFrame]] = ()) -> list[Headline]:
    """The headlines for the area at the quarter from (chart, measure, frame) of each headline
    chart, in that order: figures above their thresholds first, then meaningful changes (one
    that is also above its threshold says so, in one sentence), then the returns missing for the
    quarter (said once, from the first frame of a measure of the quarter alone: a rolling
    year's frame counts the returns of its four quarters). `funnels`, the (chart, measure,
    frame) of funnel charts at the quarter, add who is outside the range expected, after the
    changes."""
    thresholds, changes, returns, unjudged = [], [], [], []
    told: dict[str, tuple[list[Headline], int]] = {}  # measure -> where its sentence is
    for chart, measure, frame in frames:
        now = _row(frame, scope, quarter)
        if now is not None and not _usable(now):
            unjudged.append((chart, MEASURES[measure].title))
        above = threshold_headline(chart, measure, frame, scope, name, quarter)
        change = change_headline(chart, measure, frame, scope, name, quarter)
        if change is not None and above is not None:  # one sentence of the figure, not two
            beyond = against_threshold(measure, _row(frame, scope, quarter)["value"])
            changes.append(replace(change, text=f"{change.text}, {beyond}"))
            told[measure] = (changes, len(changes) - 1)
        elif above is not None:
            thresholds.append(above)
            told[measure] = (thresholds, len(thresholds) - 1)
        elif change is not None:
            changes.append(change)
            told[measure] = (changes, len(changes) - 1)
        # The quarter's own returns: a rolling year's figures count four quarters' returns.
        if not returns and not MEASURES[measure].windowed and (
                found := returns_headline(chart, frame, scope, quarter)) is not None:
            returns.append(found)
    if unjudged:  # said, so that nothing told never reads as "all is well"
        titles = [title for _chart, title in unjudged]
        said = ", ".join(titles[:-1]) + f" and {titles[-1]}" if len(titles) > 1 else titles[0]
        returns.append(Headline(f"Not judged, as hidden or from incomplete returns: {said}",
                                unjudged[0][0], "", "unjudged"))
    outside = []
    for chart, measure, frame in funnels:
        found = outlier_headline(chart, measure, frame, scope, name)
        if found is None:
            continue
        if measure in told and found.text.startswith(f"{MEASURES[measure].title} in {name} is "):
            # The area's own figure is told already (above its threshold, or changed): one
            # sentence of it, not two.
            where, at = told[measure]
            where[at] = replace(where[at], text=f"{where[at].text}, and outside the range "
                                                f"expected from its numbers")
            continue
        outside.append(found)
    return [*thresholds, *changes, *outside, *returns]
