"""Disclosure control: turns a measure's result rows into the text a user may see.

`disclose` applies the spec's rules ([c], secondary suppression, public rounding, [z] and [x]),
perturbs every count shown to a caller who may not see it exactly by the cell key method
(metrics.perturbation), and formats what it shows; docs/disclosure.md gives each reading of the
spec and the threat model. Thresholds arrive in a `DisclosurePolicy`, never from settings. Pure
pandas and numpy; imports only metrics.perturbation.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.perturbation import MAX_NOISE, NO_KEY, label_keys, perturb, perturb_money

SYMBOLS: dict[str, str] = {
    "[c]": "confidential: hidden so that no child or family can be identified",
    "[z]": "not applicable",
    "[x]": "not available",
}

COLUMNS = ("scope", "scope_kind", "quarter", "breakdown", "category", "value", "cohort",
           "value_type", "status")
# What the engine's rows carry for disclosure control only, never shown or exported: the cell
# key of the cohort's records, and for percentages and ratios the counts they are made of.
PROTECTION_COLUMNS = ("cell_key", "part", "part_key", "rest", "rest_key", "enclosing")
TOTAL = "Total"
ROUNDED_KINDS = ("region", "england")
STATUSES = ("", "z", "x")
# A share of money ("money_share": special guardians' share of the support fund's pounds) is
# judged as a percentage of its applications but shown as it is: it is not made of counts.
_AVERAGES = ("mean", "median", "percent", "ratio", "money_share")
# Decimal places and text for a value that is shown; the sign is added outside the template so
# that money reads "-£5", not "£-5".
# "agencies" counts returns received: about agencies, not people, so never suppressed.
_DECIMALS = {"count": 0, "mean": 0, "median": 0, "percent": 0, "ratio": 2, "money": 0, "agencies": 0,
             "money_share": 0}
_TEMPLATES = {"count": "{:,.0f}", "mean": "{:,.0f}", "median": "{:,.0f}", "percent": "{:.0f}%",
              "ratio": "{:.2f}", "money": "£{:,.0f}", "agencies": "{:,.0f}", "money_share": "{:.0f}%"}
VALUE_TYPES = tuple(_TEMPLATES)


@dataclass(frozen=True)
class DisclosurePolicy:
    """The thresholds of the disclosure spec; callers build it from settings."""

    min_count: int = 1
    max_count: int = 5
    min_cohort: int = 10
    secondary_limit: int = 20
    public_rounding: int = 10
    public: bool = False
    perturb: bool = True  # the cell key method on every count a caller may not see exactly

    def __post_init__(self) -> None:
        # A min_count of 0 would hide zeros, which the spec shows as 0.
        if not 1 <= self.min_count <= self.max_count:
            raise ValueError(f"need 1 <= min_count <= max_count, got {self.min_count}, "
                             f"{self.max_count}")
        if self.min_cohort < 1 or self.secondary_limit < 1 or self.public_rounding < 1:
            raise ValueError("min_cohort, secondary_limit and public_rounding must be at least 1")

    @property
    def largest_hidden(self) -> int:
        """The largest number a [c] cell can hold: a primary count or a secondary pick."""
        return max(self.max_count, self.secondary_limit - 1)


def disclosure_note(policy: DisclosurePolicy) -> str:
    """What a reader of an exported table needs to know about its hidden and rounded figures."""
    note = (f"Counts of {policy.min_count} to {policy.max_count} children or households, and "
            f"averages and percentages of fewer than {policy.min_cohort} or that would reveal such "
            "a count, are shown as [c]; so is the rest of a breakdown or area whose total is "
            "hidden, zeros too, and where a hidden figure could be worked out from a total, "
            "another figure or the total is hidden too. "
            + (f"Other counts are moved up or down by at most {MAX_NOISE}, the same way every "
               "time, so that no hidden figure can be worked out by adding or subtracting "
               "others: parts may not add up to their total exactly, and percentages and ratios "
               "are worked out from the moved counts. Figures you may see in full are exact. "
               if policy.perturb else "")
            + " ".join(f"{symbol} {meaning}." for symbol, meaning in SYMBOLS.items()))
    if policy.public:
        note += f" Counts for regions and England are rounded to the nearest {policy.public_rounding}."
    return note


def format_value(value: float | None, value_type: str) -> str:
    """The shown text for an unsuppressed value: "2,940", "453", "55%", "0.48", "£1,234"."""
    if value is None or pd.isna(value):
        return "[x]"
    return _format(np.array([value], dtype=float), value_type)[0]


def disclose(frame: pd.DataFrame, policy: DisclosurePolicy,
             unsuppressed: Callable[[str], bool] = lambda scope: False) -> pd.DataFrame:
    """A copy of `frame` with a `shown` column, `value`/`cohort` emptied where hidden and
    perturbed where shown to a caller who may not see them exactly, and no PROTECTION_COLUMNS.

    `unsuppressed(scope)` is True for scopes the viewer may see in full (an analyst's own
    agencies, an admin); public mode ignores it. `value` and `cohort` carry what the chart
    shows (perturbed, and in public mode regional and England counts rounded), so an export
    carries nothing more.
    """
    _check_columns(frame.columns)
    value, cohort, shown = _decide(_Rows.of(frame), policy, unsuppressed)
    kept = frame.drop(columns=[c for c in PROTECTION_COLUMNS if c in frame.columns])
    return kept.assign(value=value, cohort=_like(frame["cohort"], cohort),
                       shown=pd.Series(shown, index=frame.index, dtype=object))


def disclose_columns(columns: Mapping[str, Sequence], policy: DisclosurePolicy,
                     unsuppressed: Callable[[str], bool] = lambda scope: False,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`disclose` on plain columns (each of COLUMNS, as lists or arrays of equal length), for
    rows not yet a frame: the new value, cohort and shown columns. Building the frame once,
    after, costs a fraction of building it, disclosing it and copying it (`engine.shown_frame`)."""
    _check_columns(columns)
    return _decide(_Rows.made(columns), policy, unsuppressed)


def _decide(rows: "_Rows", policy: DisclosurePolicy,
            unsuppressed: Callable[[str], bool]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _check_values(rows)
    is_open = _open_scopes(rows.scope, unsuppressed, policy)
    # Returns received count agencies, not people: never perturbed, as never suppressed.
    moved = ~is_open & (rows.value_type != "agencies") & policy.perturb
    # Cohorts are counts of children or households: a closed row's cohort is perturbed like any
    # count, and the cohort rule judges the cohort the reader sees.
    cohort = np.where(moved, perturb(rows.cohort, rows.cell_key), rows.cohort)
    marks = _primary_marks(rows, cohort, policy, is_open)
    _hide_breakdowns_of_hidden_totals(rows, marks, is_open)
    _secondary_suppression(rows, marks, policy, is_open)
    _hide_money_beside_hidden_money(rows, marks, is_open)
    value = np.where(moved, _perturbed_values(rows, cohort), rows.value)
    value, cohort = _public_rounding(rows, value, cohort, marks, policy)

    shown_rows = marks == ""
    value = np.where(shown_rows, value, np.nan)
    cohort = np.where(marks == "[c]", np.nan, cohort)
    shown = marks.astype(object)
    for value_type in VALUE_TYPES:
        where = shown_rows & (rows.value_type == value_type)
        if where.any():
            shown[where] = _format(value[where], value_type)
    return value, cohort, shown


def _perturbed_values(rows: "_Rows", cohort: np.ndarray) -> np.ndarray:
    """What a closed row shows: counts perturbed by their cell key; percentages and ratios
    worked out from their perturbed counts (the exact share would give the exact count back
    from the perturbed cohort); means to the whole day they are shown in. Medians are a child's
    own figure and stays as it is; money moves by 5% to 15% of itself (`perturb_money`), so
    that an area's hidden pounds cannot be had by differencing shown ones."""
    value = rows.value
    count = rows.value_type == "count"
    value = np.where(count, perturb(value, rows.cell_key), value)
    part = perturb(rows.part, rows.part_key)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = part / cohort
    made_of_counts = ~np.isnan(rows.part) & (cohort > 0)
    value = np.where(made_of_counts & (rows.value_type == "percent"), np.clip(100.0 * share, 0, 100), value)
    value = np.where(made_of_counts & (rows.value_type == "ratio"), share, value)
    value = np.where(rows.value_type == "mean", _half_up(value), value)
    value = np.where(rows.value_type == "money", perturb_money(rows.value, rows.cell_key), value)
    return value


@dataclass(frozen=True)
class _Rows:
    """The frame's columns as plain arrays, so rules run vectorised and groups loop cheaply
    (pandas' own overhead per column was most of a chart's disclosure time)."""

    scope: np.ndarray
    scope_kind: np.ndarray
    quarter: np.ndarray
    breakdown: np.ndarray
    category: np.ndarray
    value: np.ndarray
    cohort: np.ndarray
    value_type: np.ndarray
    status: np.ndarray
    cell_key: np.ndarray
    part: np.ndarray
    part_key: np.ndarray
    rest: np.ndarray
    rest_key: np.ndarray
    enclosing: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> "_Rows":
        return cls.made({c: frame[c] for c in COLUMNS + PROTECTION_COLUMNS if c in frame.columns})

    @classmethod
    def made(cls, columns: Mapping[str, Sequence]) -> "_Rows":
        """From COLUMNS as series, arrays or lists: text with gaps as "", numbers as floats."""
        def text(column: str) -> np.ndarray:
            values = columns[column]
            if isinstance(values, pd.Series):
                values = values.to_numpy(dtype=object)
            return np.array(["" if v is None or v != v else str(v) for v in values], dtype=object)

        def number(column: str) -> np.ndarray:
            values = columns[column]
            if isinstance(values, np.ndarray) and values.dtype.kind in "fiu":
                return values.astype(float)
            if not isinstance(values, pd.Series):
                values = pd.Series(values)
            if values.dtype == object:
                values = pd.to_numeric(values)
            return values.to_numpy(dtype=float, na_value=np.nan)

        def key(column: str, fallback: np.ndarray) -> np.ndarray:
            if column not in columns:
                return fallback
            keys = np.asarray(columns[column], dtype=np.int64)
            return np.where(keys == NO_KEY, fallback, keys)

        value_type = text("value_type")
        # Counts and cohorts are whole numbers; rounding a stray fraction first means every rule
        # judges the number a user would see (a count of 0.5 would otherwise show as "1").
        value = number("value")
        value = np.where(value_type == "count", _half_up(value), value)
        labels = [text(c) for c in ("scope", "quarter", "breakdown", "category")]
        # Rows made by hand come without record keys: their labels give each a key of its own.
        own = label_keys(*labels)
        nothing = np.full(len(value), np.nan)
        return cls(
            scope=labels[0],
            scope_kind=text("scope_kind"),
            quarter=labels[1],
            breakdown=labels[2],
            category=labels[3],
            value=value,
            cohort=_half_up(number("cohort")),
            value_type=value_type,
            status=text("status"),
            cell_key=key("cell_key", own),
            part=_half_up(number("part")) if "part" in columns else nothing,
            part_key=key("part_key", (own + 1) % 256),
            rest=_half_up(number("rest")) if "rest" in columns else nothing,
            rest_key=key("rest_key", (own + 2) % 256),
            enclosing=number("enclosing") if "enclosing" in columns else nothing,
        )

    def key(self, position: int) -> tuple[str, str, str]:
        """The breakdown a row belongs to: its scope, quarter and breakdown."""
        return self.scope[position], self.quarter[position], self.breakdown[position]


def _check_columns(names: Collection[str]) -> None:
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise ValueError(f"disclose needs columns {missing}")


def _check_values(rows: _Rows) -> None:
    # An unknown type or status must stop the page, not slip through unsuppressed.
    unknown_types = set(rows.value_type) - set(VALUE_TYPES)
    if unknown_types:
        raise ValueError(f"unknown value_type {sorted(map(str, unknown_types))}; "
                         f"expected one of {VALUE_TYPES}")
    unknown_status = set(rows.status) - set(STATUSES)
    if unknown_status:
        raise ValueError(f"unknown status {sorted(map(str, unknown_status))}; expected '', z or x")


def _open_scopes(scope: np.ndarray, unsuppressed: Callable[[str], bool],
                 policy: DisclosurePolicy) -> np.ndarray:
    if policy.public:
        return np.zeros(len(scope), dtype=bool)
    verdicts = {s: bool(unsuppressed(s)) for s in set(scope)}
    return np.fromiter((verdicts[s] for s in scope), dtype=bool, count=len(scope))


def _primary_marks(rows: _Rows, cohort: np.ndarray, policy: DisclosurePolicy,
                   is_open: np.ndarray) -> np.ndarray:
    """Per row: "" (show the value), "[c]", "[z]" or "[x]". The first rule that fits wins.
    `cohort` is the cohort as the reader would see it (perturbed for closed rows)."""
    value, closed = rows.value, ~is_open
    count = rows.value_type == "count"
    average = np.isin(rows.value_type, _AVERAGES)
    money = rows.value_type == "money"
    small_count = (value >= policy.min_count) & (value <= policy.max_count)
    # A missing cohort cannot be shown to be safe, so it is treated as too small.
    small_cohort = np.isnan(cohort) | (cohort < policy.min_cohort)
    few_applications = np.isnan(cohort) | ((cohort >= policy.min_count)
                                           & (cohort <= policy.max_count))
    # A share of a cohort reveals the counts in it and not in it; either may be a hidden count.
    reveals_small = np.zeros(len(value), dtype=bool)
    for made_of in (rows.part, rows.rest):
        reveals_small |= (made_of >= policy.min_count) & (made_of <= policy.max_count)
    # Inside an area whose same count is hidden, every cell is hidden, zeros and [z] too: shown
    # zeros would say among how many members the area's few children are shared.
    enclosing = rows.enclosing
    enclosed_count = count & (enclosing >= policy.min_count) & (enclosing <= policy.max_count)
    # (an area's average is hidden on its perturbed cohort, which may be a little below its own)
    enclosed_average = average & (enclosing > 0) & (enclosing < policy.min_cohort + MAX_NOISE)
    # [x] and a structural [z] (nothing of the kind here, no cohort at all) give nothing away.
    structural = (rows.status == "x") | ((rows.status == "z") & np.isnan(rows.cohort))
    enclosed = (enclosed_count | enclosed_average) & closed & ~structural
    rules = [
        (enclosed, "[c]"),
        (rows.status == "z", "[z]"),
        (rows.status == "x", "[x]"),
        (average & (cohort == 0), "[z]"),  # nothing to average
        (np.isnan(value), "[x]"),
        (count & small_count & closed, "[c]"),
        (average & small_cohort & closed, "[c]"),
        (average & reveals_small & closed, "[c]"),
        (money & few_applications & closed, "[c]"),
    ]
    conditions, choices = zip(*rules)
    return np.select(conditions, choices, default="").astype(object)


def _hide_breakdowns_of_hidden_totals(rows: _Rows, marks: np.ndarray, is_open: np.ndarray) -> None:
    """A breakdown of a hidden Total is hidden whole, its zeros and [z] cells too: with a Total
    of at most 5 and its empty categories shown, the number of categories left says how small
    each is (five [c] cells under a [c] Total are five ones)."""
    hidden_total = (rows.category == TOTAL) & (rows.breakdown != "") & (marks == "[c]") & ~is_open
    if not hidden_total.any():
        return
    hidden_groups = {rows.key(p) for p in np.flatnonzero(hidden_total).tolist()}
    in_breakdown = np.flatnonzero((rows.breakdown != "") & ~is_open & (rows.status != "x")).tolist()
    for position in in_breakdown:
        if rows.key(position) in hidden_groups:
            marks[position] = "[c]"


def _secondary_suppression(rows: _Rows, marks: np.ndarray, policy: DisclosurePolicy,
                           is_open: np.ndarray) -> None:
    """Hide more cells of count breakdowns until no [c] can be worked out from the Total."""
    in_breakdown = (rows.value_type == "count") & (rows.breakdown != "") & ~is_open
    hidden_cell = in_breakdown & (marks == "[c]") & (rows.category != TOTAL)
    if not hidden_cell.any():
        return
    groups: dict[tuple[str, str, str], list[int]] = {}
    for position in np.flatnonzero(in_breakdown).tolist():
        groups.setdefault(rows.key(position), []).append(position)
    for members in groups.values():
        # Only breakdowns with a hidden cell can leak; skipping the rest keeps the loop short.
        if any(hidden_cell[p] for p in members):
            _protect_breakdown(members, rows, marks, policy)


def _hide_money_beside_hidden_money(rows: _Rows, marks: np.ndarray, is_open: np.ndarray) -> None:
    """Money adds up: with one category's pounds hidden, the Total (the measure's headline,
    shown anyway) less the others would give it back. So every category of a money breakdown
    with a hidden one is hidden too; the Total stays, as it is shown unbroken elsewhere."""
    money = (rows.value_type == "money") & (rows.breakdown != "") & ~is_open
    hidden = money & (marks == "[c]") & (rows.category != TOTAL)
    if not hidden.any():
        return
    groups = {rows.key(p) for p in np.flatnonzero(hidden).tolist()}
    for position in np.flatnonzero(money & (rows.category != TOTAL) & (marks == "")).tolist():
        if rows.key(position) in groups:
            marks[position] = "[c]"


def _protect_breakdown(members: list[int], rows: _Rows, marks: np.ndarray,
                       policy: DisclosurePolicy) -> None:
    totals = [p for p in members if rows.category[p] == TOTAL]
    if not totals:
        return  # no total in the frame, so nothing to subtract from
    if len(totals) > 1:
        raise ValueError(f"breakdown {list(rows.key(totals[0]))} has {len(totals)} "
                         f"{TOTAL} rows")
    total = totals[0]
    # [z] and [x] cells hold no number, so they neither need protecting nor protect others.
    cells = [p for p in members if p != total and marks[p] in ("", "[c]")]
    while marks[total] == "" and _recoverable(total, cells, rows.value, marks, policy):
        pick = _next_smallest_shown(cells, rows.value, marks, policy.secondary_limit)
        marks[total if pick is None else pick] = "[c]"


def _recoverable(total: int, cells: list[int], value: np.ndarray, marks: np.ndarray,
                 policy: DisclosurePolicy) -> bool:
    """Whether the shown Total and shown cells pin down a hidden cell.

    Hidden cells are never 0 (zeros are shown) and never above `largest_hidden`, so when the
    remainder is all ones or all at that ceiling every hidden cell is known, however many there
    are; otherwise two or more unknowns in one sum leave each of them open.
    """
    hidden = [p for p in cells if marks[p] == "[c]"]
    if not hidden:
        return False
    remainder = value[total] - sum(value[p] for p in cells if marks[p] == "")
    return len(hidden) == 1 or remainder in (len(hidden), len(hidden) * policy.largest_hidden)


def _next_smallest_shown(cells: list[int], value: np.ndarray, marks: np.ndarray,
                         limit: int) -> int | None:
    # Zeros are never picked: a hidden 0 would imply "at least one" to anyone who knows the rule.
    candidates = [p for p in cells if marks[p] == "" and 0 < value[p] < limit]
    return min(candidates, key=lambda p: value[p]) if candidates else None


def _public_rounding(rows: _Rows, value: np.ndarray, cohort: np.ndarray, marks: np.ndarray,
                     policy: DisclosurePolicy) -> tuple[np.ndarray, np.ndarray]:
    """Value and cohort with regional and England numbers rounded, in public mode only.

    Rounding comes after every suppression decision, which is made on the exact numbers, and
    after perturbation. Cohorts are counts of children too, so a shown regional percentage's
    cohort is rounded as well.
    """
    if not policy.public:
        return value, cohort
    rounded_scope = np.isin(rows.scope_kind, ROUNDED_KINDS) & (marks == "")
    step = policy.public_rounding
    value = np.where(rounded_scope & (rows.value_type == "count"), _half_up(value / step) * step, value)
    cohort = np.where(rounded_scope, _half_up(cohort / step) * step, cohort)
    return value, cohort


def _half_up(values: np.ndarray, decimals: int = 0) -> np.ndarray:
    """Round halves away from zero (452.5 -> 453), unlike numpy's and Python's banker's rounding."""
    scale = 10.0**decimals
    # Cleaning float noise first makes 0.285 (0.28499999... in binary) round to 0.29 as people do.
    scaled = np.round(np.abs(values) * scale, 6)
    # Adding 0.0 turns -0.0 into 0.0, so a rounded -0.4 reads "0", not "-0".
    return np.copysign(np.floor(scaled + 0.5), values) / scale + 0.0


def _format(values: np.ndarray, value_type: str) -> list[str]:
    if value_type not in _TEMPLATES:
        raise ValueError(f"unknown value_type {value_type!r}; expected one of {VALUE_TYPES}")
    template = _TEMPLATES[value_type]
    rounded = _half_up(values, _DECIMALS[value_type])
    return ["-" + template.format(-v) if v < 0 else template.format(v) for v in rounded]


def _like(original: pd.Series, numbers: np.ndarray) -> pd.Series:
    """`numbers` in the original column's dtype where it can hold gaps (Int64 stays Int64)."""
    series = pd.Series(numbers, index=original.index, dtype=float)
    if isinstance(original.dtype, np.dtype):
        return series
    return series.astype(original.dtype)
