"""Fair comparison: funnel plots of agencies' timeliness and rates against England.

A league table of small agencies calls half of them below average by construction, and one
child's long journey swings a small agency's average. A funnel plot sets each agency's figure
against its cohort (the children or households it is worked out from) with control limits
around England's figure that narrow as the cohort grows (Spiegelhalter, "Funnel plots for
comparing institutional performance", Statistics in Medicine 2005): an agency outside the 99.8%
limits is very unlikely to differ from England by chance alone, one outside the 95% limits is
worth a look, and everyone else is within the range expected from their numbers.
docs/measures.md ("Fair comparison") says the methods in words:

- percentages (A3, adopters approved within 6 months ...): Wilson score limits around
  England's proportion p0 for a cohort of n,
  (2 n p0 + z^2 +/- z sqrt(z^2 + 4 n p0 (1 - p0))) / (2 (n + z^2)),
  which stay within 0% to 100% and are close to the exact binomial limits at every n;
- means of days (A10, A2, A1, the stages): normal limits m0 +/- z s / sqrt(n), where the
  spread s of one child's days is the coefficient of variation the "meaningful change" rule
  assumes (metrics.judgement.MEAN_CV) times England's mean: the measures engine gives no
  spread, and judging differences and funnels by one assumption keeps them from disagreeing.

Which side of a limit is worse follows metrics.judgement.BETTER. The rows in are disclosed rows
(the charts' frames): an agency whose figure or cohort is hidden is left out and counted, never
plotted. Pure: imports pandas and metrics only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.frame_memo import per_frame
from metrics.judgement import BETTER, MEAN_CV
from metrics.registry import MEASURES

ENGLAND = "england"
# Two-sided limits: 95% (about 2 standard errors) and 99.8% (about 3), as public-sector funnel
# plots draw them. z = the standard normal's 97.5th and 99.9th percentiles.
Z95 = 1.959964
Z998 = 3.090232
KINDS = ("percent", "mean")  # value types a funnel can be drawn for
WITHIN = "within the range expected from their numbers"
HIDDEN = "[c]"
AGENCY_KINDS = ("la", "raa", "vaa")  # a funnel's points; England (the target) and regions are not


@dataclass(frozen=True)
class Limits:
    """The control limits for one cohort size, in the measure's unit (percent or days)."""

    cohort: float
    lower998: float
    lower95: float
    upper95: float
    upper998: float


def wilson_limits(p0: float, n: float, z: float) -> tuple[float, float]:
    """Wilson score limits (as proportions, 0 to 1) around a target proportion p0 for n."""
    centre = 2 * n * p0 + z * z
    spread = z * math.sqrt(z * z + 4 * n * p0 * (1 - p0))
    return (centre - spread) / (2 * (n + z * z)), (centre + spread) / (2 * (n + z * z))


def mean_limits(m0: float, n: float, z: float) -> tuple[float, float]:
    """Normal limits around a target mean m0 (days) for n children: m0 +/- z CV m0 / sqrt(n)."""
    half = z * MEAN_CV * m0 / math.sqrt(n)
    return m0 - half, m0 + half


def limits(value_type: str, target: float, n: float) -> Limits:
    """The 95% and 99.8% limits around `target` (England's figure, in the measure's unit) for a
    cohort of `n` (> 0). ValueError for a kind of figure a funnel is not drawn for."""
    if n <= 0:
        raise ValueError("a funnel's limits need a cohort of at least 1")
    if value_type == "percent":
        p0 = min(max(target / 100, 0.0), 1.0)
        (l95, u95), (l998, u998) = wilson_limits(p0, n, Z95), wilson_limits(p0, n, Z998)
        return Limits(n, 100 * l998, 100 * l95, 100 * u95, 100 * u998)
    if value_type == "mean":
        (l95, u95), (l998, u998) = mean_limits(target, n, Z95), mean_limits(target, n, Z998)
        return Limits(n, max(l998, 0.0), max(l95, 0.0), u95, u998)
    raise ValueError(f"funnel limits are drawn for {' and '.join(KINDS)} figures, not {value_type!r}")


def curve(value_type: str, target: float, smallest: float, largest: float,
          points: int = 60) -> pd.DataFrame:
    """The limits from a cohort of `smallest` (at least 1) to `largest`, at `points` cohort
    sizes spaced evenly on a square-root scale (where the funnel bends most): columns cohort,
    lower998, lower95, upper95, upper998."""
    low = math.sqrt(max(float(smallest), 1.0))
    top = max(math.sqrt(max(float(largest), 1.0)), low)
    sizes = [low + (top - low) * i / (points - 1) for i in range(points)]
    edges = [limits(value_type, target, s * s) for s in sizes]
    return pd.DataFrame({column: [getattr(edge, column) for edge in edges]
                         for column in ("cohort", "lower998", "lower95", "upper95", "upper998")})


def placed(value_type: str, measure: str, target: float, value: float, n: float) -> tuple[str, str]:
    """Where a figure lies against its limits: (words, judgement). Words are "above the upper
    99.8% limit", "below the lower 95% limit" ... or WITHIN; judgement is "worse", "better",
    "higher" or "lower" (a measure with no better direction) outside the limits, "" within."""
    edge = limits(value_type, target, n)
    if value > edge.upper998 or value < edge.lower998:
        band = "99.8%"
    elif value > edge.upper95 or value < edge.lower95:
        band = "95%"
    else:
        return WITHIN, ""
    side = "higher" if value > target else "lower"
    words = f"above the upper {band} limit" if side == "higher" else f"below the lower {band} limit"
    better = BETTER.get(measure, "")
    return words, (("better" if side == better else "worse") if better else side)


def funnel_points(frame: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, int]:
    """Each agency of a funnel chart's disclosed frame that may be plotted, with its limits and
    where it lies, and how many agencies were left out because their figure or cohort is
    hidden for the caller. England's row is the target; every LA, RAA or VAA row is an agency;
    a region's row is context, not a point.

    Returns (points, hidden): points has scope, scope_name, value, cohort, shown, lower998,
    lower95, upper95, upper998, placed (words), judged ("worse", "better", ...), outside (0,
    95 or 99.8), in the frame's order. An agency with no such figure ([z], [x]) is neither a
    point nor counted as hidden. A chart's title, caption, figures and file each ask for the
    same frame's points: worked out once a frame (metrics.frame_memo)."""
    points, hidden = _funnel_points(frame, measure)
    return points.copy(), hidden


POINT_COLUMNS = ["scope", "scope_name", "value", "cohort", "shown", "lower998", "lower95",
                 "upper95", "upper998", "placed", "judged", "outside"]


@per_frame()
def _funnel_points(frame: pd.DataFrame, measure: str) -> tuple[pd.DataFrame, int]:
    # Plain arrays: a funnel frame has every agency in England, and pandas filters and
    # conversions per column cost each of a page's funnels several milliseconds.
    value_type = MEASURES[measure].value_type
    target = england_value(frame)
    agency = np.isin(frame["scope_kind"].to_numpy(dtype=object), AGENCY_KINDS)
    value = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[agency]
    cohort = pd.to_numeric(frame["cohort"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[agency]
    shown = frame["shown"].to_numpy(dtype=object)[agency]
    bracketed = np.fromiter((str(t).startswith("[") for t in shown), dtype=bool, count=len(shown))
    with np.errstate(invalid="ignore"):
        plotted = ~np.isnan(value) & ~np.isnan(cohort) & (cohort > 0) & ~bracketed
    hidden = int(((shown == HIDDEN) | (~np.isnan(value) & ~plotted)).sum())
    if target is None or not plotted.any():
        return pd.DataFrame(columns=POINT_COLUMNS), hidden
    kept = np.flatnonzero(agency)[plotted]
    values, cohorts = value[plotted], cohort[plotted]
    edges = [limits(value_type, target, n) for n in cohorts]
    words, judged = zip(*(placed(value_type, measure, target, v, n) for v, n in zip(values, cohorts)))
    out = pd.DataFrame({
        "scope": frame["scope"].to_numpy(dtype=object)[kept],
        "scope_name": frame["scope_name"].to_numpy(dtype=object)[kept],
        "value": values, "cohort": cohorts, "shown": shown[plotted],
        **{column: [getattr(edge, column) for edge in edges]
           for column in ("lower998", "lower95", "upper95", "upper998")},
        "placed": list(words), "judged": list(judged),
        "outside": [0 if w == WITHIN else (99.8 if "99.8%" in w else 95) for w in words],
    })
    return out, hidden


def england_value(frame: pd.DataFrame) -> float | None:
    """England's disclosed figure in a funnel frame: the target, or None when it is missing."""
    scope = frame["scope"].to_numpy(dtype=object)
    values = frame["value"].to_numpy(dtype=object)
    found = [v for s, v in zip(scope, values) if s == ENGLAND and not pd.isna(v)]
    if not found:
        return None
    value = float(pd.to_numeric(pd.Series([found[-1]])).iloc[0])
    return value if math.isfinite(value) else None


def outliers(points: pd.DataFrame) -> pd.DataFrame:
    """The points outside the 95% limits, furthest out first (99.8% before 95%), then by name."""
    outside = points["outside"].to_numpy(dtype=float)
    names = points["scope_name"].to_numpy(dtype=object)
    found = sorted(np.flatnonzero(outside > 0), key=lambda i: (-outside[i], str(names[i])))
    return points.iloc[found]
