"""Published statistics as comparators: which figures of the DfE's "Children looked after in
England including adoptions" release (Explore Education Statistics tidy CSV) are which of our
measures, and the rows they add beside the board's own figures.

`map_rows` reads a tidy frame (every cell as text, as the file has it) into published figures
with the rows it could not place and why; nothing is guessed. `comparator_rows` turns stored
figures into result rows for a `<scope>-published` compare code. Pure: imports pandas and
metrics only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.quarters import Quarter

# The columns every EES tidy file starts with (the geography ones a file leaves out are
# allowed: a national-only file has no LA columns), then filters, then indicators.
TIME_COLUMNS = ("time_period", "time_identifier", "geographic_level")
GEOGRAPHY_COLUMNS = ("country_code", "country_name", "region_code", "region_name", "old_la_code",
                     "la_name", "new_la_code")
# EES symbols: c confidential, z not applicable, x not available, k below 0.5 (a percentage),
# low, u (low reliability). Kept as published; their value is None.
SYMBOLS = ("c", "z", "x", "k", "low", "u")
YEAR_IDENTIFIERS = ("reporting year", "financial year")  # years ending 31 March
PUBLISHED_SUFFIX = "-published"
SOURCE = "DfE, Children looked after in England including adoptions (Explore Education Statistics)"


@dataclass(frozen=True)
class Mapping:
    """One published figure of ours: the EES filter values and indicator that identify it, and
    the measure, breakdown and category it is published for."""

    filters: tuple[tuple[str, str], ...]  # (filter column, value), compared without case
    indicator: str
    measure: str
    breakdown: str = ""
    category: str = ""


def _sgo(text: str) -> str:
    return f"Special guardianship order made to carer, other than former foster carer, {text}"


# Every mapping in one place. Filter values as the release writes them (data set
# e40f7cb0-d887-4c65-b315-3a6b3f7e776b for adoptions and SGOs; the age-at-adoption bands as
# docs/published.md says). A row matching none of these is reported, never placed.
MAPPINGS: tuple[Mapping, ...] = (
    Mapping((("characteristic", "Adopted"), ("breakdown", "Total")), "children_count",
            "adoption_orders"),
    Mapping((("characteristic", "Special guardianship orders"),
             ("breakdown", _sgo("who was/are a relative or friend"))), "children_count",
            "sgos", "guardian", "E47"),
    Mapping((("characteristic", "Special guardianship orders"),
             ("breakdown", _sgo("other than relative or friend"))), "children_count",
            "sgos", "guardian", "E48"),
    *(Mapping((("characteristic", "Age at adoption"), ("breakdown", band)), "children_count",
              "adoption_orders", "age_band", ours)
      for band, ours in (("Under 1 year", "Under 1"), ("1 to 4 years", "1-4"),
                         ("5 to 9 years", "5-9"))),
)
# Why rows the release publishes are not placed: a measure we do not have, or one that is
# not the same count. Matched on the characteristic (and the breakdown when given).
NOT_OURS: tuple[tuple[str, str, str], ...] = (
    ("Adopted", "Adopted - application unopposed", "no measure of ours splits adoptions by consent"),
    ("Adopted", "Adopted - consent dispensed with", "no measure of ours splits adoptions by consent"),
    ("Age at adoption", "10 to 15 years", "our age band 10+ also counts children aged 16 and over"),
    ("Age at adoption", "16 years and over", "our age band 10+ also counts children aged 10 to 15"),
    ("Children looked after", "", "no measure of ours counts children looked after"),
    ("Average time between entering care and adoption", "",
     "no measure of ours runs from entering care to the adoption order (A1 stops at placement)"),
)


class NotTidyData(ValueError):
    """The file is not an Explore Education Statistics tidy CSV."""


@dataclass(frozen=True)
class Unmapped:
    row: int  # the file's line number (the header is line 1)
    reason: str


@dataclass(frozen=True)
class Mapped:
    figures: pd.DataFrame  # FIGURE_COLUMNS
    unmapped: tuple[Unmapped, ...]


FIGURE_COLUMNS = ["measure", "scope", "period", "quarter", "breakdown", "category", "value", "shown"]


def check_columns(columns: Iterable[str]) -> None:
    """NotTidyData unless the header is an EES tidy file's."""
    names = [str(c).strip().lower() for c in columns]
    lacking = [c for c in TIME_COLUMNS if c not in names]
    if lacking:
        raise NotTidyData(
            "not an Explore Education Statistics tidy CSV: it has no "
            f"{', '.join(lacking)} column{'s' if len(lacking) > 1 else ''} (an EES file starts "
            "time_period, time_identifier, geographic_level, then its geography columns)")


def financial_year(time_period: str, identifier: str) -> str:
    """`2024-25` for a year ending 31 March 2025: EES writes it 2025 (Reporting year) or 202425;
    ValueError otherwise."""
    if identifier.strip().lower() not in YEAR_IDENTIFIERS:
        raise ValueError(f"time_identifier {identifier!r} is not a year ending 31 March")
    text = time_period.strip()
    if re.fullmatch(r"\d{6}", text):
        start, end = int(text[:4]), int(text[4:])
        if (start + 1) % 100 != end:
            raise ValueError(f"time_period {text!r} is not two years in a row")
    elif re.fullmatch(r"\d{4}", text):
        start = int(text) - 1
    else:
        raise ValueError(f"time_period {text!r} is not a year (2025 or 202425)")
    return f"{start}-{(start + 1) % 100:02d}"


def year_end_quarter(period: str) -> Quarter:
    """The quarter a financial year ends with: `2024-25` -> 2024-25 Q4."""
    return Quarter.parse(f"{period} Q4")


def scope_of(row: dict[str, str]) -> str:
    """`england`, `region:<name>` or an LA's 3-digit code; ValueError for other levels."""
    level = row.get("geographic_level", "").strip().lower()
    if level == "national":
        return "england"
    if level == "regional" and row.get("region_name", "").strip():
        return f"region:{row['region_name'].strip()}"
    if level == "local authority" and row.get("old_la_code", "").strip():
        return row["old_la_code"].strip()
    raise ValueError(f"geographic level {row.get('geographic_level', '')!r} is not national, "
                     "regional or a local authority with its code")


def shown_as_published(text: str) -> tuple[float | None, str]:
    """(value, shown): `3040` -> (3040.0, "3,040"); a symbol -> (None, "c"). ValueError for
    anything else. Published rounding is kept: nothing is rounded again."""
    cell = text.strip()
    if cell.lower() in SYMBOLS:
        return None, cell.lower()
    number = cell.replace(",", "")
    try:
        value = float(number)
    except ValueError:
        raise ValueError(f"{cell!r} is neither a number nor an EES symbol (c, z, x, k)") from None
    if not np.isfinite(value):
        raise ValueError(f"{cell!r} is not a number")
    if re.fullmatch(r"-?\d+", number):
        return value, f"{int(number):,}"
    return value, cell


def _matches(mapping: Mapping, row: dict[str, str]) -> bool:
    return all(row.get(column, "").strip().lower() == value.lower() for column, value in mapping.filters)


def _why_not(row: dict[str, str]) -> str:
    characteristic = row.get("characteristic", "").strip()
    breakdown = row.get("breakdown", "").strip()
    for known, part, reason in NOT_OURS:
        if characteristic.lower() == known.lower() and (not part or breakdown.lower() == part.lower()):
            return reason
    filters = ", ".join(f"{c}={row[c].strip()!r}" for c in ("characteristic", "breakdown") if row.get(c, "").strip())
    return f"no mapping for {filters or 'these filters'}"


def map_rows(frame: pd.DataFrame) -> Mapped:
    """The frame's figures that are ours (FIGURE_COLUMNS), one per mapped indicator cell, and
    each row none of whose indicators could be placed, with why."""
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    check_columns(frame.columns)
    figures, unmapped = [], []
    for n, row in enumerate(frame.fillna("").astype(str).to_dict("records"), start=2):
        try:
            period = financial_year(row["time_period"], row["time_identifier"])
            scope = scope_of(row)
        except ValueError as exc:
            unmapped.append(Unmapped(n, str(exc)))
            continue
        placed = [m for m in MAPPINGS if _matches(m, row)]
        if not placed:
            unmapped.append(Unmapped(n, _why_not(row)))
            continue
        for mapping in placed:
            if mapping.indicator not in row:
                unmapped.append(Unmapped(n, f"the file has no {mapping.indicator} column: only "
                                             "counts are mapped (our figures are counts)"))
                continue
            try:
                value, shown = shown_as_published(row[mapping.indicator])
            except ValueError as exc:
                unmapped.append(Unmapped(n, f"{mapping.indicator}: {exc}"))
                continue
            figures.append((mapping.measure, scope, period, str(year_end_quarter(period)),
                            mapping.breakdown, mapping.category, value, shown))
    out = pd.DataFrame(figures, columns=FIGURE_COLUMNS)
    # The same figure twice in one file: the last one stands, as a later load replaces it.
    out = out.drop_duplicates(["measure", "scope", "quarter", "breakdown", "category"], keep="last")
    return Mapped(out.reset_index(drop=True), tuple(unmapped))


# ---------------------------------------------------------------- rows beside the board's


def is_published(code: str) -> bool:
    return code.lower().endswith(PUBLISHED_SUFFIX)


def published_code(scope_code: str) -> str:
    return f"{scope_code}{PUBLISHED_SUFFIX}"


def base_code(code: str) -> str:
    """`england-published` -> `england`."""
    return code[: -len(PUBLISHED_SUFFIX)] if is_published(code) else code


def published_name(scope_name: str) -> str:
    return f"{scope_name} (published)"


NOT_PUBLISHED = "not published for this period: published figures are years to 31 March (window 4, a Q4)"


def comparator_rows(figures: pd.DataFrame, code: str, name: str, kind: str, quarters: Iterable[Quarter],
                    window: int, breakdown: str | None, value_type: str = "count") -> pd.DataFrame:
    """The result rows (with `shown`) of a published comparator: for each quarter, the figures
    published for the year that ends with it, when the window is that year (4 quarters), as
    published; no rows otherwise. Broken down, the published whole is the `Total`."""
    base = base_code(code)
    wanted = figures[figures["scope"].str.lower() == base.lower()] if len(figures) else figures
    rows = []
    for quarter in quarters:
        if window != 4 or quarter.number != 4:
            continue
        here = wanted[wanted["quarter"] == str(quarter)]
        if breakdown:
            parts = here[here["breakdown"] == breakdown]
            whole = here[here["breakdown"] == ""].assign(breakdown=breakdown, category="Total")
            here = pd.concat([parts, whole], ignore_index=True)
        else:
            here = here[here["breakdown"] == ""]
        for figure in here.itertuples(index=False):
            value = None if figure.value is None or pd.isna(figure.value) else float(figure.value)
            rows.append({
                "scope": code, "scope_name": published_name(name), "scope_kind": kind,
                "quarter": str(quarter), "breakdown": figure.breakdown if breakdown else "",
                "category": figure.category, "value": value, "cohort": None,
                "missing_returns": 0, "value_type": value_type,
                "status": "" if value is not None else str(figure.shown),
                "not_available_reason": "", "partial_returns": 0, "shown": str(figure.shown),
                "period": figure.period,
            })
    return pd.DataFrame(rows, columns=[
        "scope", "scope_name", "scope_kind", "quarter", "breakdown", "category", "value", "cohort",
        "missing_returns", "value_type", "status", "not_available_reason", "partial_returns",
        "shown", "period"])
