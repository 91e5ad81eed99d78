"""The next four quarters: children waiting and approved adopters waiting projected from the
pipeline an area already has, and the backtest that says how far to trust it.

A stock is carried forward a quarter at a time by its flows at their recent rates, each rate
taken over the last RECENT quarters of the area's own quarterly figures:
- children: the children with an agency decision but no placement order yet (children waiting
  counted from the decision, less those counted from the order) gain the recent decisions a
  quarter and lose their recent share a quarter; placement orders come from them at the recent
  orders per child in that pipeline; children waiting gain those orders and lose their recent
  share a quarter (placed, adopted or decision reversed: the share is 1 / the average wait);
- adopters: households approve a stage 2 length after starting it, at the recent approvals per
  stage 2 start that many quarters before (starts after the latest quarter at their recent
  average); approved households waiting gain the approvals and lose their recent share a quarter
  (matched or left).
Shares leaving are worked out from the stock itself (last quarter's stock plus what came in,
less this quarter's), so everything that leaves is counted whether or not a return records why.
The interval is the centre plus or minus 1.96 times the spread (standard deviation) of the
stock's last SPREAD quarterly changes times the square root of the quarters ahead: what the
stock did from quarter to quarter lately, taken as the noise the model does not explain. The
backtest (`backtest`, `mape`) projects from each past quarter and compares with what followed.

Inputs are a history frame: one row per quarter (labels like `2025-26 Q1`, oldest first), one
column per measure id, NaN where a figure is not known or not shown. Pure: imports numpy,
pandas and metrics.quarters only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.frame_memo import per_frame
from metrics.quarters import Quarter

AHEAD = 4  # quarters projected
RECENT = 4  # quarters the rates are taken over: the last year
SPREAD = 8  # quarterly changes the interval's spread is taken over: the last two years
Z = 1.96  # about 95% of a normal spread
DAYS_A_QUARTER = 365.25 / 4
MAX_LAG = 4  # quarters: a stage 2 longer than a year is taken as a year

# What each projection reads (measure ids): with window 1 (a quarter's flow) but for the stage
# 2 length, which is read over a rolling year (more households, a steadier average).
CHILDREN_INPUTS = ("children_waiting", "children_waiting_adm", "adm_decisions", "placement_orders")
ADOPTER_INPUTS = ("adopters_waiting", "stage2_starts", "approvals")
YEARLY_INPUTS = ("adopter_stage2_days",)


@dataclass(frozen=True)
class Projection:
    """A stock projected from `origin` (the latest quarter known) for the quarters after it."""

    measure: str
    origin: str
    quarters: tuple[str, ...]
    centre: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    # What it assumed, by name: rates a quarter, the lag in quarters, the spread of changes.
    assumed: tuple[tuple[str, float], ...] = ()


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0


def _share(part: float, whole: float) -> float:
    """A share leaving a stock in a quarter, between 0 and 1."""
    return min(max(_ratio(part, whole), 0.0), 1.0)


def leaving_share(stock: pd.Series, inflow: pd.Series, recent: int = RECENT) -> float:
    """The share of a stock that leaves it in a quarter, over the last `recent` quarters: what
    left (last quarter's stock plus what came in, less this quarter's) over the stocks they
    started from."""
    stock, inflow = stock.to_numpy(dtype=float), inflow.to_numpy(dtype=float)
    before, came, now = stock[-recent - 1:-1], inflow[-recent:], stock[-recent:]
    return _share(float(np.sum(before + came - now)), float(np.sum(before)))


def spread(stock: pd.Series, quarters: int = SPREAD) -> float:
    """The standard deviation of the stock's last `quarters` quarterly changes (0 with fewer
    than two)."""
    changes = np.diff(stock.to_numpy(dtype=float))[-quarters:]
    return float(np.std(changes, ddof=1)) if len(changes) > 1 else 0.0


def _interval(centre: list[float], sd: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    low = tuple(max(c - Z * sd * math.sqrt(h), 0.0) for h, c in enumerate(centre, start=1))
    high = tuple(c + Z * sd * math.sqrt(h) for h, c in enumerate(centre, start=1))
    return low, high


def _projected(measure: str, history: pd.DataFrame, stock: pd.Series, centre: list[float],
               ahead: int, assumed: tuple[tuple[str, float], ...]) -> Projection:
    """The projection of `measure` from the history's last quarter: the centre, its interval
    from the spread of the stock's quarterly changes, and what it assumed (with that spread)."""
    sd = spread(stock.dropna())
    low, high = _interval(centre, sd)
    origin = str(history.index[-1])
    return Projection(measure, origin, _next_quarters(origin, ahead), tuple(centre), low, high,
                      (*assumed, ("spread of quarterly changes", sd)))


def _next_quarters(origin: str, ahead: int) -> tuple[str, ...]:
    start = Quarter.parse(origin)
    return tuple(str(start + h) for h in range(1, ahead + 1))


def _known(history: pd.DataFrame, columns: tuple[str, ...], quarters: int) -> bool:
    """Whether the last `quarters` rows of every column are there and shown."""
    if len(history) < quarters or any(c not in history for c in columns):
        return False
    return bool(history[list(columns)].tail(quarters).notna().all().all())


def project_children_waiting(history: pd.DataFrame, ahead: int = AHEAD,
                             recent: int = RECENT) -> Projection | None:
    """Children waiting for the `ahead` quarters after the history's last (None when a figure
    it needs over the last `recent` + 1 quarters is missing or hidden)."""
    if not _known(history, CHILDREN_INPUTS, recent + 1):
        return None
    waiting = history["children_waiting"].astype(float)
    pipeline = (history["children_waiting_adm"].astype(float) - waiting).clip(lower=0)
    decisions = history["adm_decisions"].astype(float)
    orders = history["placement_orders"].astype(float)
    decided = float(decisions.tail(recent).mean())
    pipeline_leaves = leaving_share(pipeline, decisions, recent)
    ordered = _ratio(float(orders.tail(recent).sum()),
                     float(pipeline.iloc[-recent - 1:-1].sum()))
    waiting_leaves = leaving_share(waiting, orders, recent)
    p, w, centre = float(pipeline.iloc[-1]), float(waiting.iloc[-1]), []
    for _ in range(ahead):
        new_orders = ordered * p
        p = p + decided - pipeline_leaves * p
        w = w + new_orders - waiting_leaves * w
        centre.append(w)
    return _projected("children_waiting", history, waiting, centre, ahead,
                      (("decisions a quarter", decided),
                       ("share of the decided-not-ordered leaving a quarter", pipeline_leaves),
                       ("placement orders a quarter per child decided-not-ordered", ordered),
                       ("share of children waiting leaving a quarter", waiting_leaves)))


def lag_quarters(stage2_days: float) -> int:
    """A stage 2 length in whole quarters (0 to MAX_LAG; 0 when it is not known)."""
    if not stage2_days == stage2_days or stage2_days <= 0:
        return 0
    return min(int(round(stage2_days / DAYS_A_QUARTER)), MAX_LAG)


def project_adopters_waiting(history: pd.DataFrame, ahead: int = AHEAD,
                             recent: int = RECENT) -> Projection | None:
    """Approved adopters waiting for the `ahead` quarters after the history's last (None when
    a figure it needs is missing or hidden). The stage 2 length at the last quarter, over a
    rolling year (`adopter_stage2_days`), sets the lag from start to approval; without it the
    lag is 0 (approvals follow this quarter's starts)."""
    days = history["adopter_stage2_days"].iloc[-1] if "adopter_stage2_days" in history else np.nan
    lag = lag_quarters(float(days))
    if not _known(history, ADOPTER_INPUTS, recent + lag + 1):
        return None
    waiting = history["adopters_waiting"].astype(float)
    starts = history["stage2_starts"].to_numpy(dtype=float)
    approvals = history["approvals"].astype(float)
    n = len(history)
    # Approvals of the recent quarters over the starts `lag` quarters before each.
    converted = _ratio(float(approvals.tail(recent).sum()),
                       float(starts[n - recent - lag:n - lag].sum()))
    started = float(starts[-recent:].mean())
    waiting_leaves = leaving_share(waiting, approvals, recent)
    a, centre = float(waiting.iloc[-1]), []
    for h in range(1, ahead + 1):
        back = n - 1 + h - lag  # the row of the starts these approvals come from
        new_approvals = converted * (float(starts[back]) if back < n else started)
        a = a + new_approvals - waiting_leaves * a
        centre.append(a)
    return _projected("adopters_waiting", history, waiting, centre, ahead,
                      (("stage 2 starts a quarter", started),
                       ("quarters from stage 2 start to approval", float(lag)),
                       ("approvals per stage 2 start", converted),
                       ("share of approved households waiting leaving a quarter", waiting_leaves)))


PROJECTIONS: dict[str, Callable[..., Projection | None]] = {
    "children_waiting": project_children_waiting,
    "adopters_waiting": project_adopters_waiting,
}


def history_of(rows: pd.DataFrame) -> pd.DataFrame:
    """A history frame from tidy rows of one area (measure, quarter, value, shown): a row per
    quarter, oldest first, a column per measure (in name order), NaN where a figure is not
    shown ([c], [x], [z]); a quarter's first shown figure of a measure where it has several.
    Rows with a category (a breakdown's) are left out."""
    if rows.empty:
        return pd.DataFrame()
    n = len(rows)
    categories = rows["category"].to_numpy(dtype=object) if "category" in rows else np.full(n, "", dtype=object)
    shown = rows["shown"].to_numpy(dtype=object) if "shown" in rows else np.full(n, "", dtype=object)
    values = pd.to_numeric(rows["value"]).to_numpy(dtype=float, na_value=np.nan)
    # Read as plain arrays (a pivot table cost each projection some milliseconds).
    found: dict[str, dict[str, float]] = {}
    quarters: dict[str, None] = {}
    for measure, quarter, category, text, value in zip(rows["measure"].to_numpy(dtype=object),
                                                       rows["quarter"].to_numpy(dtype=object),
                                                       categories, shown, values):
        if not (category is None or category != category or category in ("", "Total")):
            continue
        quarters[quarter] = None
        mine = found.setdefault(measure, {})
        if str(text).startswith("["):
            value = np.nan
        current = mine.get(quarter)
        if current is None or current != current:  # the first figure shown is kept
            mine[quarter] = value
    order = sorted(quarters, key=Quarter.parse)
    return pd.DataFrame({measure: [found[measure].get(q, np.nan) for q in order]
                         for measure in sorted(found)}, index=order, dtype=float)


@per_frame()
def project_rows(rows: pd.DataFrame, measure: str, ahead: int = AHEAD) -> Projection | None:
    """The projection of `measure` from one area's tidy rows (None when it cannot be made): a
    chart's title, numbers and figure each ask, so it is worked out once a frame."""
    history = history_of(rows)
    if measure not in history:
        return None
    return PROJECTIONS[measure](history, ahead=ahead)


# ---------------------------------------------------------------- the backtest


def backtest(history: pd.DataFrame, measure: str, ahead: int = AHEAD) -> pd.DataFrame:
    """Each projection that could have been made from a past quarter of `history` (the
    quarters before it only) beside what happened: a row per origin and quarters ahead, with
    the projection's centre, interval, the actual figure and the absolute percentage error
    (NaN when the actual was 0)."""
    project = PROJECTIONS[measure]
    rows = []
    for end in range(1, len(history)):
        made = project(history.iloc[:end], ahead=ahead)
        if made is None:
            continue
        for step, (quarter, centre, low, high) in enumerate(
                zip(made.quarters, made.centre, made.low, made.high), start=1):
            if quarter not in history.index:
                continue
            actual = float(history.at[quarter, measure])
            if actual != actual:
                continue
            error = abs(centre - actual) / actual * 100 if actual else np.nan
            rows.append((made.origin, step, centre, low, high, actual, error))
    return pd.DataFrame(rows, columns=["origin", "step", "projected", "low", "high", "actual",
                                       "ape"])


def mape(tested: pd.DataFrame, ahead: int = AHEAD) -> pd.DataFrame:
    """The mean absolute percentage error at each number of quarters ahead, how many
    projections it is over, and the share of actual figures inside the interval (%)."""
    out = []
    for step in range(1, ahead + 1):
        rows = tested[tested["step"] == step]
        inside = (rows["actual"] >= rows["low"]) & (rows["actual"] <= rows["high"])
        out.append((step, float(rows["ape"].mean()) if len(rows) else np.nan, len(rows),
                    float(inside.mean() * 100) if len(rows) else np.nan))
    return pd.DataFrame(out, columns=["step", "mape", "projections", "inside"])
