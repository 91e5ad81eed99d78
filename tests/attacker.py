"""An attacker on disclosure control: what a viewer (or the public) can work out of hidden cells.

It plays a determined board member who knows the rules (docs/disclosure.md, the perturbation
table included) but not the database's secret. It collects the answers a caller can get, for
every measure with every breakdown, every scope of a sample, some quarters and windows 1 and 4
(`collect`); writes down every identity that holds exactly on the true numbers (`identities`):
a breakdown's cells against its Total, a Total against the headline, an RAA or region against
its members, England against the regions, a 4-quarter window against its quarters, age bands
against single years, a percentage's or ratio's counts against its cohort, and any two counts of
different measures that are the same children (a mean's cohort and the count it is the mean of,
a share's parts and the counts they are); then narrows every count by interval arithmetic over
all of them together (`narrow`), starting from what each answer says of it: a shown count is
one of the exact counts the perturbation table could have shown that way, a hidden one is at
least 1. A hidden cell is recovered when it is narrowed to one value.

The attacker is stronger than a real one in one way: it is told which identities hold exactly
for which cells (a reader would have to guess where a definition's exceptions fall). A test
oracle: lives in tests/, and bench/disclosure_cost.py reuses it to print the same figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from metrics.access import Caller
from metrics.breakdowns import AGE_BANDS
from metrics.disclosure import DisclosurePolicy
from metrics.engine import compute_shown, result
from metrics.perturbation import MAX_NOISE, SMALLEST_SHOWN
from metrics.quarters import Quarter
from metrics.registry import MEASURES
from metrics.scope import Geography
from metrics.selection import Selection

INF = float("inf")
AGE_BAND_YEARS = {"Under 1": range(0, 1), "1-4": range(1, 5), "5-9": range(5, 10), "10+": range(10, 18)}
assert tuple(AGE_BAND_YEARS) == AGE_BANDS


@dataclass(frozen=True)
class Cell:
    """Where a number sits: which quantity of which measure's answer."""

    quantity: str  # value (a count), cohort, part, rest
    measure: str
    scope: str
    quarter: str
    window: int
    breakdown: str
    category: str


@dataclass
class Collected:
    """The true numbers of every cell, and what each audience was shown of each answer row."""

    truth: dict[Cell, float]
    rows: pd.DataFrame  # one row per answer row: its labels, value_type and its true numbers
    shown: dict[str, pd.DataFrame]  # audience -> the rows as shown (same order as `rows`)
    policies: dict[str, DisclosurePolicy]


def audiences(policy: DisclosurePolicy) -> dict[str, tuple[Caller, DisclosurePolicy]]:
    return {
        "viewer": (Caller.viewer("attacker"), replace(policy, public=False)),
        "public": (Caller("attacker", "viewer", public=True), replace(policy, public=True)),
        # the same rules without perturbation: what suppression alone would leave
        "suppression only": (Caller.viewer("attacker"), replace(policy, public=False, perturb=False)),
    }


def measures_attacked() -> list[str]:
    """Every measure about people: the quality measures count returns and filled columns."""
    return [m.id for m in MEASURES.values() if m.kind != "quality"]


def collect(data, geography: Geography, scopes: list[str], quarters: list[Quarter],
            policy: DisclosurePolicy, only: tuple[str, ...] = ("viewer", "public")) -> Collected:
    """Every answer for the scopes and quarters: each measure headline and by each breakdown,
    window 1 in each quarter and, for flows and timeliness, window 4 at the last quarter. One
    disclosure per measure, window and breakdown, as the data API answers one request with a
    compare list and a series."""
    chosen = {name: a for name, a in audiences(policy).items() if name in only}
    truth: dict[Cell, float] = {}
    described: list[dict] = []
    shown: dict[str, list[pd.DataFrame]] = {name: [] for name in chosen}
    for measure_id in measures_attacked():
        measure = MEASURES[measure_id]
        windowed = measure.kind in ("flow", "timeliness") or measure_id in ("sgo_share", "asf_share_sg")
        shapes = [(1, quarters)] + ([(4, quarters[-1:])] if windowed else [])
        for window, asked in shapes:
            for breakdown in ("",) + measure.breakdowns:
                selections = [Selection(measure_id, s, q, window, breakdown or None)
                              for s in scopes for q in asked]
                for selection in selections:
                    found = result(selection, data, geography)
                    for c in found.cells:
                        row = dict(measure=measure_id, scope=found.scope, scope_kind=found.scope_kind,
                                   quarter=found.quarter, window=window, breakdown=found.breakdown,
                                   category=c.category, value_type=found.value_type, status=c.status,
                                   value=c.value, cohort=c.cohort, part=c.part, rest=c.rest)
                        described.append(row)
                        if c.status:
                            continue
                        for quantity in ("value", "cohort", "part", "rest"):
                            number = row[quantity]
                            if quantity == "value" and found.value_type != "count":
                                continue
                            if quantity == "cohort" and found.value_type == "count":
                                continue
                            if number == number:  # not NaN
                                truth[_cell(quantity, row)] = float(number)
                for name, (caller, audience_policy) in chosen.items():
                    shown[name].append(compute_shown(selections, data, geography, caller, audience_policy))
    rows = pd.DataFrame(described)
    frames = {name: pd.concat(parts, ignore_index=True) for name, parts in shown.items()}
    for frame in frames.values():
        assert len(frame) == len(rows)
    return Collected(truth, rows, frames, {n: p for n, (_, p) in chosen.items()})


def _cell(quantity: str, row: dict) -> Cell:
    measure = MEASURES[row["measure"]]
    windowed = measure.kind in ("flow", "timeliness") or row["measure"] in ("sgo_share", "asf_share_sg")
    # A stock's answer is the same whatever the window: one cell.
    return Cell(quantity, row["measure"], row["scope"], row["quarter"],
                row["window"] if windowed else 1, row["breakdown"], row["category"])


# ---------------------------------------------------------------- what one answer says


@dataclass
class Knowledge:
    """Bounds on cells from the answers alone, and which cells were hidden."""

    low: dict[Cell, float] = field(default_factory=dict)
    high: dict[Cell, float] = field(default_factory=dict)
    hidden: set[Cell] = field(default_factory=set)

    def bound(self, cell: Cell, low: float, high: float) -> None:
        self.low[cell] = max(self.low.get(cell, 0.0), low)
        self.high[cell] = min(self.high.get(cell, INF), high)


def shown_count_bounds(shown: float, rounded_to: int | None) -> tuple[float, float]:
    """The exact counts that could show as `shown`, by the published rules: perturbed by at
    most MAX_NOISE and never below SMALLEST_SHOWN, then (public regions and England) rounded."""
    if rounded_to:
        if shown == 0:
            return 0.0, 0.0  # 0 is exact, and no perturbed count rounds to 0
        low_p, high_p = max(SMALLEST_SHOWN, shown - rounded_to / 2), shown + rounded_to / 2 - 1
    else:
        if shown == 0:
            return 0.0, 0.0
        low_p = high_p = shown
    return max(SMALLEST_SHOWN, low_p - MAX_NOISE), high_p + MAX_NOISE


def read_answers(collected: Collected, audience: str, geography: Geography, perturbed: bool = True) -> Knowledge:
    """What the audience's answers say of each cell. With `perturbed` False (the landed
    suppression-only rules) a shown count is taken as exact."""
    policy = collected.policies[audience]
    rows, frame = collected.rows, collected.shown[audience]
    records = rows.to_dict("records")
    shown = frame["shown"].tolist()
    # Which answers were hidden, by cell: a cell under a hidden Total, or inside an area whose
    # same count is hidden, may be an empty one (the rules hide those too).
    hidden_cells = {_cell(_counted(r), r) for r, text in zip(records, shown) if text == "[c]"}

    def parents_hidden(row: dict) -> bool:
        return any(_cell(_counted(row), {**row, "scope": p}) in hidden_cells
                   for p in geography.enclosing(geography.scope(row["scope"])))

    # A Total hidden to protect a cell that may be empty may be 0 itself.
    group = ("measure", "scope", "quarter", "window", "breakdown")
    with_empty = {tuple(r[g] for g in group) for r, text in zip(records, shown)
                  if text == "[c]" and r["breakdown"] and r["category"] != "Total" and parents_hidden(r)}
    known = Knowledge()
    seen_rows = frame[["value", "cohort"]].to_dict("records")
    for row, text, seen in zip(records, shown, seen_rows):
        if row["status"] == "x":
            continue
        hidden = text == "[c]"
        if row["status"] and not hidden:
            continue
        total = _cell(_counted(row), {**row, "category": "Total"})
        may_be_empty = (bool(row["breakdown"]) and row["category"] != "Total" and total in hidden_cells) or (
            parents_hidden(row)) or (row["category"] == "Total" and tuple(row[g] for g in group) in with_empty)
        rounded = policy.public_rounding if policy.public and row["scope_kind"] in ("region", "england") else None

        def observe(quantity: str, number: float) -> None:
            cell = _cell(quantity, row)
            if perturbed:
                known.bound(cell, *shown_count_bounds(number, rounded))
            elif rounded:
                known.bound(cell, max(0, number - rounded / 2), number + rounded / 2 - 1)
            else:
                known.bound(cell, number, number)

        if row["value_type"] == "count":
            cell = _cell("value", row)
            if hidden:
                known.hidden.add(cell)
                top = policy.max_count if not row["breakdown"] else (
                    INF if row["category"] == "Total" else policy.largest_hidden)
                if may_be_empty:
                    top = min(top, INF if row["category"] == "Total" else policy.largest_hidden)
                known.bound(cell, 0 if may_be_empty else policy.min_count, top)
            elif seen["value"] == seen["value"]:
                observe("value", float(seen["value"]))
            continue
        # averages, percentages and ratios: the cohort, and the counts a share is made of
        if hidden:
            known.hidden.add(_cell("cohort", row))
            known.bound(_cell("cohort", row), 0 if may_be_empty else 1, INF)
            if row["part"] == row["part"]:
                known.hidden.add(_cell("part", row))
            continue
        if seen["cohort"] == seen["cohort"]:
            observe("cohort", float(seen["cohort"]))
            # (a share of money is a share of pounds: it says nothing of its applications)
            if (row["part"] == row["part"] and not rounded and seen["value"] == seen["value"]
                    and row["value_type"] != "money_share"):
                share = float(seen["value"]) / (100.0 if row["value_type"] == "percent" else 1.0)
                observe("part", round(share * float(seen["cohort"])))
    return known


def _counted(row: dict) -> str:
    """The count behind an answer row: the value of a count, else the cohort."""
    return "value" if row["value_type"] == "count" else "cohort"


# ---------------------------------------------------------------- identities


@dataclass
class Equations:
    """Each identity as coefficients on cells: sum of coefficient times cell is 0."""

    terms: list[list[tuple[int, Cell]]] = field(default_factory=list)
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, kind: str, terms: list[tuple[int, Cell]], truth: dict[Cell, float]) -> None:
        """Keep the identity only if every cell has a true number and it holds exactly."""
        if len(terms) < 2 or any(c not in truth for _, c in terms):
            return
        if sum(k * truth[c] for k, c in terms) != 0:
            return
        self.terms.append(terms)
        self.kinds[kind] += 1


def identities(collected: Collected, geography: Geography, scopes: list[str]) -> Equations:
    truth = collected.truth
    eqs = Equations()
    by_answer: dict[tuple, list[Cell]] = defaultdict(list)
    for cell in truth:
        by_answer[(cell.quantity, cell.measure, cell.scope, cell.quarter, cell.window, cell.breakdown)].append(cell)

    # A breakdown's cells add up to its Total; the Total is the headline figure.
    for (quantity, measure, scope, quarter, window, breakdown), cells in by_answer.items():
        if not breakdown:
            continue
        total = Cell(quantity, measure, scope, quarter, window, breakdown, "Total")
        parts = [c for c in cells if c.category != "Total"]
        eqs.add("breakdown cells add up to the Total", [(1, c) for c in parts] + [(-1, total)], truth)
        headline = Cell(quantity, measure, scope, quarter, window, "", "")
        eqs.add("a breakdown's Total is the headline", [(1, total), (-1, headline)], truth)
        if breakdown == "age_year":
            for band, years in AGE_BAND_YEARS.items():
                ages = [replace(total, category=str(y)) for y in years]
                eqs.add("age bands are their single years",
                        [(1, a) for a in ages] + [(-1, replace(total, breakdown="age_band", category=band))], truth)

    # An area is its members: RAA and region against their LAs, England against the regions
    # (and an RAA or a region against its agencies, for households).
    members: dict[str, list[str]] = {}
    for code in scopes:
        scope = geography.scope(code)
        if scope.kind in ("raa", "region"):
            members[code] = [s for s in scopes if s != code and geography.scope(s).kind == "la"
                             and geography.child_las(geography.scope(s)) <= geography.child_las(scope)]
            if scope.kind == "region":
                members[code + " (agencies)"] = [
                    s for s in scopes if geography.scope(s).kind in ("raa", "vaa") and geography.scope(s).region == scope.region
                    or (geography.scope(s).kind == "la" and geography.household_agencies(geography.scope(s))
                        and geography.scope(s).region == scope.region)]
        elif scope.kind == "england":
            members[code] = [s for s in scopes if geography.scope(s).kind == "region"]
    for cell in truth:
        if cell.scope not in members:
            continue
        for name in (cell.scope, cell.scope + " (agencies)"):
            if name in members and members[name]:
                eqs.add("an area is its members",
                        [(1, replace(cell, scope=m)) for m in members[name]] + [(-1, cell)], truth)

    # A 4-quarter window is its four quarters.
    for cell in truth:
        if cell.window == 4:
            last = Quarter.parse(cell.quarter)
            quarters = [replace(cell, window=1, quarter=str(last + (-k))) for k in range(4)]
            eqs.add("a window is its quarters", [(1, q) for q in quarters] + [(-1, cell)], truth)

    # A share's cohort is its part and its rest.
    for cell in truth:
        if cell.quantity == "cohort" and replace(cell, quantity="part") in truth and replace(cell, quantity="rest") in truth:
            eqs.add("a share's cohort is its part and its rest",
                    [(1, replace(cell, quantity="part")), (1, replace(cell, quantity="rest")), (-1, cell)], truth)

    # Counts of different measures that are the same children: wherever two kinds of count
    # agree for nearly every answer, each answer where they agree is an identity.
    kinds: dict[tuple[str, str], dict[tuple, Cell]] = defaultdict(dict)
    for cell in truth:
        kinds[(cell.quantity, cell.measure)][(cell.scope, cell.quarter, cell.window, cell.breakdown, cell.category)] = cell
    names = sorted(kinds)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = kinds[a].keys() & kinds[b].keys()
            if not shared:
                continue
            same = [k for k in shared if truth[kinds[a][k]] == truth[kinds[b][k]]]
            if len(same) < 0.9 * len(shared):
                continue
            for k in same:
                eqs.add("counts of other measures that are the same children",
                        [(1, kinds[a][k]), (-1, kinds[b][k])], truth)
    return eqs


# ---------------------------------------------------------------- narrowing


@dataclass
class Outcome:
    """What the attacker got of the hidden cells. A hidden cell is recovered when it is narrowed
    to one value above 0 (always the true one: the bounds are sound); a hidden empty category
    narrowed to 0 says no child is there, which the rules would show anyway where it gives
    nothing away, so it is counted apart."""

    hidden: int
    recovered: int
    narrowed: int  # hidden cells whose range the identities made smaller than the answer's
    recovered_cells: list[Cell]
    zeros: int  # hidden empty categories narrowed to 0
    equations: dict[str, int]
    unsound: list[Cell]  # cells whose bounds exclude the truth: the attacker's model is wrong
    wrong: int = 0  # hidden cells narrowed to one value that is not theirs (an unsound model)


def narrow(known: Knowledge, eqs: Equations, truth: dict[Cell, float], passes: int = 60) -> Outcome:
    """Interval arithmetic over every identity until nothing moves."""
    cells = list(dict.fromkeys([*truth, *known.low]))
    index = {c: i for i, c in enumerate(cells)}
    low = np.array([known.low.get(c, 0.0) for c in cells])
    high = np.array([known.high.get(c, INF) for c in cells])
    start_low, start_high = low.copy(), high.copy()
    eq_of, var_of, coef = [], [], []
    for e, terms in enumerate(eqs.terms):
        for k, c in terms:
            eq_of.append(e)
            var_of.append(index[c])
            coef.append(k)
    eq_of, var_of, coef = np.array(eq_of), np.array(var_of), np.array(coef, dtype=float)
    n_eq = len(eqs.terms)
    for _ in range(passes):
        # each term's range: coefficient times the cell's range
        t_low = np.where(coef > 0, coef * low[var_of], coef * high[var_of])
        t_high = np.where(coef > 0, coef * high[var_of], coef * low[var_of])
        sum_low, inf_low = _sums(t_low, eq_of, n_eq)
        sum_high, inf_high = _sums(t_high, eq_of, n_eq)
        # the others' sum, leaving the term out (an infinite part leaves it unbounded)
        others_low = np.where(np.isinf(t_low), np.where(inf_low[eq_of] > 1, -INF, sum_low[eq_of]),
                              np.where(inf_low[eq_of] > 0, -INF, sum_low[eq_of] - t_low))
        others_high = np.where(np.isinf(t_high), np.where(inf_high[eq_of] > 1, INF, sum_high[eq_of]),
                               np.where(inf_high[eq_of] > 0, INF, sum_high[eq_of] - t_high))
        # coefficient times cell = minus the others
        term_low, term_high = -others_high, -others_low
        with np.errstate(invalid="ignore"):
            new_low = np.where(coef > 0, term_low / coef, term_high / coef)
            new_high = np.where(coef > 0, term_high / coef, term_low / coef)
        best_low, best_high = low.copy(), high.copy()
        np.maximum.at(best_low, var_of, np.ceil(np.nan_to_num(new_low, nan=-INF) - 1e-9))
        np.minimum.at(best_high, var_of, np.floor(np.nan_to_num(new_high, nan=INF) + 1e-9))
        if np.array_equal(best_low, low) and np.array_equal(best_high, high):
            break
        low, high = best_low, best_high
    true = np.array([truth.get(c, np.nan) for c in cells])
    unsound = [cells[i] for i in np.flatnonzero(~np.isnan(true) & ((true < low) | (true > high)))]
    hidden = [index[c] for c in known.hidden if c in index]
    pinned = [i for i in hidden if low[i] == high[i]]
    recovered = [cells[i] for i in pinned if high[i] > 0 and high[i] == true[i]]
    wrong = sum(1 for i in pinned if high[i] != true[i])
    narrowed = sum(1 for i in hidden if low[i] > start_low[i] or high[i] < start_high[i])
    zeros = sum(1 for i in pinned if high[i] == 0 == true[i])
    return Outcome(len(hidden), len(recovered), narrowed, recovered, zeros, dict(eqs.kinds), unsound, wrong)


def _sums(values: np.ndarray, groups: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group: the sum of the finite values, and how many are infinite."""
    finite = np.where(np.isinf(values), 0.0, values)
    sums = np.bincount(groups, weights=finite, minlength=n)
    infinite = np.bincount(groups, weights=np.isinf(values).astype(float), minlength=n)
    return sums, infinite


def attack(collected: Collected, geography: Geography, scopes: list[str], audience: str,
           perturbed: bool = True, eqs: Equations | None = None) -> Outcome:
    eqs = identities(collected, geography, scopes) if eqs is None else eqs
    return narrow(read_answers(collected, audience, geography, perturbed), eqs, collected.truth)


def sample_scopes(geography: Geography, regions: list[str]) -> list[str]:
    """Every LA, RAA and VAA of the regions, the regions and England."""
    agencies = geography.agencies
    codes = sorted(agencies.loc[agencies["region"].isin(regions), "code"])
    return codes + [f"region:{r}" for r in regions] + ["england"]
