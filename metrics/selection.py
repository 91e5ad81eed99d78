"""A selection: one figure asked for (measure, scope, quarter, window, breakdown, statistic),
what it may be, and which quarters it reads.

The one type the charts, the pages and the data API ask the engine with. Pure: imports
metrics.quarters and metrics.registry only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from metrics.quarters import Quarter, quarter_range
from metrics.registry import MEASURES, Measure

WINDOWS = (1, 4, 12)  # quarters a windowed measure may read
STATS = ("mean", "median")  # what an averaged measure may show


@dataclass(frozen=True)
class Selection:
    measure: str
    scope: str
    quarter: Quarter
    window: int = 1
    breakdown: str | None = None
    stat: str = "mean"

    def check(self) -> Measure:
        """The measure, once every part of the selection is known to be allowed."""
        measure = MEASURES.get(self.measure)
        if measure is None:
            raise ValueError(f"unknown measure {self.measure!r}; GET /api/v1/measures lists them")
        if self.window not in WINDOWS:
            raise ValueError(f"window must be one of {', '.join(map(str, WINDOWS))}")
        if self.stat not in STATS:
            raise ValueError("stat must be mean or median")
        if self.breakdown and self.breakdown not in measure.breakdowns:
            allowed = ", ".join(measure.breakdowns) or "none"
            raise ValueError(f"{self.measure} cannot be broken down by {self.breakdown!r} (allowed: {allowed})")
        return measure

    @property
    def quarters(self) -> list[Quarter]:
        """The quarters the selection reads: the window for flows and timeliness, else one."""
        if MEASURES[self.measure].windowed:
            return list(window_quarters(self.quarter, self.window))
        return [self.quarter]


@lru_cache(maxsize=1024)
def window_quarters(last: Quarter, window: int) -> tuple[Quarter, ...]:
    """The `window` quarters ending at `last` (asked several times for every result)."""
    return tuple(quarter_range(last + (1 - window), last))


def quarters_needed(selections: list[Selection]) -> list[Quarter]:
    """Every quarter the selections read, oldest first."""
    return sorted({q for s in selections for q in s.quarters})
