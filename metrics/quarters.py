"""Financial quarters as the returns name them (`2024-25 Q1` = 1 April to 30 June 2024).

Pure value type used by the store, the importer and the measures. Imports nothing of ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

_PATTERN = re.compile(r"^\s*(\d{4})-(\d{2})\s*Q([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial quarter. `start_year` is the April year: 2024 for `2024-25`."""

    start_year: int
    number: int  # 1..4

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """Parse `YYYY-YY Qn`; raise ValueError with the expected form otherwise."""
        match = _PATTERN.match(str(text))
        if not match:
            raise ValueError(f"{text!r} is not a quarter; write it like '2024-25 Q3'")
        year, short, number = int(match[1]), int(match[2]), int(match[3])
        if (year + 1) % 100 != short:
            raise ValueError(
                f"{text!r} is not a financial year; the second year must follow the first, "
                f"as in '{year}-{(year + 1) % 100:02d} Q{number}'"
            )
        return cls(year, number)

    @classmethod
    def containing(cls, day: date) -> "Quarter":
        """The quarter a date falls in."""
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def from_index(cls, index: int) -> "Quarter":
        return cls(index // 4, index % 4 + 1)

    @property
    def index(self) -> int:
        """A running number: consecutive quarters have consecutive indexes."""
        return self.start_year * 4 + self.number - 1

    @property
    def start(self) -> date:
        month = 4 + 3 * (self.number - 1)
        if month > 12:
            return date(self.start_year + 1, month - 12, 1)
        return date(self.start_year, month, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> "Quarter":
        return Quarter.from_index(self.index + 1)

    def previous(self) -> "Quarter":
        return Quarter.from_index(self.index - 1)

    def __add__(self, quarters: int) -> "Quarter":
        return Quarter.from_index(self.index + quarters)

    def __str__(self) -> str:
        return _text(self.start_year, self.number)


@lru_cache(maxsize=4096)
def _text(start_year: int, number: int) -> str:
    """`2024-25 Q1`, made once per quarter: every result and label of a page asks again."""
    return f"{start_year}-{(start_year + 1) % 100:02d} Q{number}"


def quarter_range(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from first to last, both included."""
    return [Quarter.from_index(i) for i in range(first.index, last.index + 1)]
