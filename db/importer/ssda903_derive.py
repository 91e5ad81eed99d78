"""The return's `children` and `special_guardianship` rows of one quarter, derived from an SSDA903
(children looked after) extract that has already been read into frames.

Pure: frames in, frames out; no files, no store. Each derived column's rule, the DfE guidance it
rests on and what 903 cannot give are written down in docs/ssda903.md. Anything that cannot be
derived honestly is reported in `issues`, never invented. Events after the quarter's last day are
left out (as at that quarter). Imports pandas, numpy, db.return_format and metrics.quarters only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from db.return_format import TABLES
from metrics.quarters import Quarter, quarter_range

SEX = {"1": "M", "2": "F"}
ADOPTED = ("E11", "E12")
ADOPTIVE_PLACEMENTS = ("A3", "A4", "A5", "A6")
WITH_OWN_FOSTER_CARER = ("A3", "A5")  # placed for adoption with their current foster carer(s)
FFA_CP_PLACEMENTS = ("U2", "U5")  # foster carer who is also an approved adopter: FfA / concurrent
ORDER_STATUSES = ("E1", "D1")  # placement order; freeing order (before 2005)
NEW_PERIOD = "S"
SGO = {"E45": "E45", "E46": "E46", "E47": "E47", "E48": "E48",
       # Codes before 2015-16 did not say whether the guardian was a relative or friend; most
       # special guardians are, so they are read as the relative/friend code (see the docs).
       "E43": "E45", "E44": "E47"}  # fmt: skip
REVERSAL_REASONS = TABLES["children"].column("decision_reversed_reason").codes
NO_PROVIDER = ("", "XXXXXXX")  # URN blank or 903's placeholder for carers with no Ofsted URN

# What 903 carries. Matches are known only for children adopted in the year (AD1), so a child
# waiting could not be told from a child matched: matched_date is not carried, and every
# matching and waiting-unmatched figure is [x], never a false count.
NOT_IN_903 = {
    "children": ("disability", "sibling_group_id", "matched_date"),
    "special_guardianship": ("disability", "support_plan", "allowance", "ended_date",
                             "ended_reason"),
}
# Without PlacedAdoption only adopted children (AD1) have a decision date: children still
# waiting and reversals cannot be seen.
NEEDS_PLACED_ADOPTION = ("adm_decision_date", "decision_reversed_date", "decision_reversed_reason")


@dataclass(frozen=True)
class DerivationIssue:
    """Something about one child (or the extract, child None) that could not be derived."""

    child: str | None
    column: str | None
    value: Any
    message: str


@dataclass
class Derived:
    children: pd.DataFrame  # the return's `children` columns, in order
    special_guardianship: pd.DataFrame  # the return's `special_guardianship` columns, in order
    carries: dict[str, tuple[str, ...]]
    notes: list[str] = field(default_factory=list)
    issues: list[DerivationIssue] = field(default_factory=list)


# ---------------------------------------------------------------- coverage


def collection_years(tables: dict[str, pd.DataFrame]) -> list[int]:
    years: set[int] = set()
    for frame in tables.values():
        if frame is not None and "YEAR" in frame.columns:
            years |= {int(y) for y in frame["YEAR"].dropna().unique()}
    return sorted(years)


def quarters_covered(tables: dict[str, pd.DataFrame]) -> list[Quarter]:
    """Quarters the extract can honestly fill: the four of each collection year it holds
    (YEAR 2018 is April 2017 to March 2018); a year missing from the middle is not covered."""
    quarters: list[Quarter] = []
    for year in collection_years(tables):
        quarters += quarter_range(Quarter(year - 1, 1), Quarter(year - 1, 4))
    return quarters


# ---------------------------------------------------------------- helpers


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip() == ""
    return value is None or bool(pd.isna(value))


def _code(value: Any) -> str | None:
    return None if _blank(value) else str(value).strip()


def _day(value: Any) -> date | None:
    return None if _blank(value) else pd.Timestamp(value).date()


def _id(value: Any) -> str:
    text = str(value).strip()
    return text[:-2] if text.endswith(".0") else text


def _table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    frame = tables.get(name)
    if frame is None or frame.empty:
        return None
    frame = frame.copy()
    frame["CHILD"] = frame["CHILD"].map(_id)
    return frame


def _latest_rows(frame: pd.DataFrame | None) -> dict[str, pd.Series]:
    """One row per child: the latest collection year's (multi-year extracts repeat children)."""
    if frame is None:
        return {}
    if "YEAR" in frame.columns:
        frame = frame.sort_values("YEAR", kind="stable")
    return {child: rows.iloc[-1] for child, rows in frame.groupby("CHILD", sort=False)}


def _same_carer(a: pd.Series, b: pd.Series) -> bool:
    """Two episodes with the same carer: the same placement postcode, and the same provider URN
    where both have one (903 writes XXXXXXX for carers with no URN, such as LA foster carers)."""
    post_a, post_b = _code(a.get("PL_POST")), _code(b.get("PL_POST"))
    if not post_a or post_a != post_b:
        return False
    urn_a, urn_b = _code(a.get("URN")) or "", _code(b.get("URN")) or ""
    return urn_a in NO_PROVIDER or urn_b in NO_PROVIDER or urn_a == urn_b


def _as_at(episodes: pd.DataFrame, end: date) -> pd.DataFrame:
    """Episodes as they stood at `end`: later episodes dropped, later endings not yet known."""
    end_ts = pd.Timestamp(end)
    kept = episodes[episodes["DECOM"] <= end_ts].copy()
    later = kept["DEC"] > end_ts
    kept.loc[later, "DEC"] = pd.NaT
    kept.loc[later, "REC"] = None
    return kept.reset_index(drop=True)


def _periods(episodes: pd.DataFrame) -> list[pd.DataFrame]:
    """The child's periods of care, each starting at an episode with RNE S. Episodes before the
    first S (the period began before the extract) form a period with no known start."""
    starts = (episodes["RNE"].map(_code) == NEW_PERIOD).to_numpy()
    bounds = [0] + [i for i in np.flatnonzero(starts) if i > 0] + [len(episodes)]
    return [episodes.iloc[a:b].reset_index(drop=True) for a, b in zip(bounds, bounds[1:]) if b > a]


def _placements(period: pd.DataFrame) -> list[tuple[int, int]]:
    """Adoptive placements: runs (first, last episode index) of consecutive A3-A6 episodes with
    the same carer (a new episode starts whenever legal status or placement changes)."""
    runs: list[tuple[int, int]] = []
    for i, episode in period.iterrows():
        if _code(episode["PLACE"]) not in ADOPTIVE_PLACEMENTS:
            continue
        if runs and runs[-1][1] == i - 1 and _same_carer(period.iloc[i - 1], episode):
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


# ---------------------------------------------------------------- one child


@dataclass
class _Child:
    child: str
    header: pd.Series | None
    episodes: pd.DataFrame  # as at the quarter's end
    decisions: pd.DataFrame | None  # PlacedAdoption rows
    ad1: pd.Series | None


def _decision(c: _Child, end: date, issues: list[DerivationIssue]) -> tuple[date | None, pd.Series | None]:
    """The decision that the child should be placed for adoption live as at `end`: the latest
    PlacedAdoption DATE_PLACED on or before it, else AD1 DATE_INT. Returns (date, PA row)."""
    row = None
    if c.decisions is not None:
        made = c.decisions[c.decisions["DATE_PLACED"].notna()
                           & (c.decisions["DATE_PLACED"] <= pd.Timestamp(end))]
        if not made.empty:
            latest = made["DATE_PLACED"].max()
            same = made[made["DATE_PLACED"] == latest]
            ceased = same[same["DATE_PLACED_CEASED"].notna()]
            row = (ceased if not ceased.empty else same).sort_values("YEAR" if "YEAR" in same.columns else "DATE_PLACED").iloc[-1]
    adm = _day(row["DATE_PLACED"]) if row is not None else None
    interim = _day(c.ad1["DATE_INT"]) if c.ad1 is not None else None
    if interim and interim > end:
        interim = None
    if adm and interim and adm != interim:
        issues.append(DerivationIssue(c.child, "adm_decision_date", interim.isoformat(),
                                      f"AD1 DATE_INT {interim} differs from PlacedAdoption "
                                      f"DATE_PLACED {adm}; DATE_PLACED is used."))
    return adm or interim, row


def _child_row(c: _Child, la_code: str, quarter: Quarter,
               issues: list[DerivationIssue]) -> dict[str, Any] | None:
    end = quarter.end
    adm, pa = _decision(c, end, issues)
    episodes = c.episodes
    on_pathway = episodes["LS"].map(_code).isin(ORDER_STATUSES).any() or \
        episodes["PLACE"].map(_code).isin(ADOPTIVE_PLACEMENTS).any()
    if adm is None:
        if on_pathway:
            issues.append(DerivationIssue(c.child, "adm_decision_date", None,
                                          "on the adoption pathway (placement order or adoptive "
                                          "placement) but no decision date in PlacedAdoption or "
                                          "AD1; left out of the quarter."))
        return None
    periods = [p for p in _periods(episodes) if p["DECOM"].iloc[0] <= pd.Timestamp(adm)]
    if not periods:
        issues.append(DerivationIssue(c.child, "adm_decision_date", adm.isoformat(),
                                      "the decision comes before the child's first episode of "
                                      "care in the extract; left out of the quarter."))
        return None
    if _code(periods[-1]["RNE"].iloc[0]) != NEW_PERIOD:
        issues.append(DerivationIssue(c.child, "entered_care_date", None,
                                      "the period of care holding the decision started before "
                                      "the extract (no episode with RNE S); left out of the "
                                      "quarter."))
        return None
    period = periods[-1]
    # Only what happened on or after the decision's period of care started counts.
    row: dict[str, Any] = {c_: None for c_ in TABLES["children"].column_names}
    row.update(child_id=c.child, la_code=la_code, entered_care_date=_day(period["DECOM"].iloc[0]),
               adm_decision_date=adm, foster_carer_adoption="N")
    if c.header is not None:
        sex = _code(c.header.get("SEX")) and _id(c.header.get("SEX"))
        row["sex"] = SEX.get(sex, sex)
        row["date_of_birth"] = _day(c.header.get("DOB"))
        row["ethnicity"] = _code(c.header.get("ETHNIC"))
    if row["date_of_birth"] is None:
        for source in (c.ad1, pa):
            if source is not None and row["date_of_birth"] is None:
                row["date_of_birth"] = _day(source.get("DOB"))

    statuses = period["LS"].map(_code)
    order = period[statuses.isin(ORDER_STATUSES)]
    if not order.empty:
        row["placement_order_date"] = _day(order["DECOM"].iloc[0])
    ffa = period[period["PLACE"].map(_code).isin(FFA_CP_PLACEMENTS)]
    if not ffa.empty:
        row["ffa_cp_placed_date"] = _day(ffa["DECOM"].iloc[0])
    adopted = period[period["REC"].map(_code).isin(ADOPTED)]
    if not adopted.empty:
        row["adoption_order_date"] = _day(adopted["DEC"].iloc[0])

    runs = _placements(period)
    if runs:
        first, last = runs[-1]
        row["placed_date"] = _day(period.at[first, "DECOM"])
        ended = [r for r in runs if _day(period.at[r[1], "DEC"]) is not None
                 and _code(period.at[r[1], "REC"]) not in ADOPTED]
        if ended:
            row["disruption_date"] = _day(period.at[ended[-1][1], "DEC"])
        with_carer = _code(period.at[first, "PLACE"]) in WITH_OWN_FOSTER_CARER
        told = None if c.ad1 is None else _code(c.ad1.get("FOSTER_CARE"))
        if told in ("0", "1") and (told == "1") != with_carer:
            issues.append(DerivationIssue(c.child, "foster_carer_adoption", told,
                                          f"AD1 FOSTER_CARE {told} but the adoptive placement is "
                                          f"{_code(period.at[first, 'PLACE'])}; AD1 is used."))
        if told == "1" or (told not in ("0", "1") and with_carer):
            row["foster_carer_adoption"] = "Y"
            start = first
            while start > 0 and _same_carer(period.iloc[start - 1], period.iloc[start]) and \
                    period.at[start - 1, "DEC"] == period.at[start, "DECOM"]:
                start -= 1
            if start < first:
                row["placed_with_carer_date"] = _day(period.at[start, "DECOM"])
    if c.ad1 is not None:
        matched = _day(c.ad1.get("DATE_MATCH"))
        if matched and matched <= end:
            if row["placed_date"] and matched > row["placed_date"] and not row["disruption_date"]:
                issues.append(DerivationIssue(c.child, "matched_date", matched.isoformat(),
                                              "AD1 DATE_MATCH is after the adoptive placement "
                                              "began; left out."))
            else:
                row["matched_date"] = matched
    if pa is not None and not _blank(pa["DATE_PLACED_CEASED"]):
        ceased = _day(pa["DATE_PLACED_CEASED"])
        if ceased <= end:
            reason = _code(pa["REASON_PLACED_CEASED"])
            row["decision_reversed_date"] = ceased
            row["decision_reversed_reason"] = reason  # as given: the validator quotes a bad one
            if reason not in REVERSAL_REASONS:
                issues.append(DerivationIssue(c.child, "decision_reversed_reason", reason,
                                              "REASON_PLACED_CEASED is not RD1-RD4; the return "
                                              "will hold this child back until it is corrected."))
    # Care that ended without adoption or a recorded reversal: the decision's end is unknown.
    last = period.iloc[-1]
    left = _day(last["DEC"])
    if left and _code(last["REC"]) not in ADOPTED and row["decision_reversed_date"] is None \
            and _code(last["REC"]) != "X1":
        issues.append(DerivationIssue(c.child, "decision_reversed_date", left.isoformat(),
                                      f"left care on {left} (REC {_code(last['REC'])}) without "
                                      "adoption and with no DATE_PLACED_CEASED; not shown after "
                                      "the quarter it left in."))
        if left < quarter.start:
            return None
    if row["adoption_order_date"] and row["decision_reversed_date"]:
        issues.append(DerivationIssue(c.child, "decision_reversed_date",
                                      row["decision_reversed_date"].isoformat(),
                                      "both an adoption (REC E11/E12) and a reversal; check "
                                      "PlacedAdoption."))
    for column in ("adoption_order_date", "decision_reversed_date"):
        if row[column] is not None and row[column] < quarter.start:
            return None  # the pathway ended before the quarter
    return row


def _sgo_rows(c: _Child, la_code: str, quarter: Quarter) -> list[dict[str, Any]]:
    rows = []
    made = c.episodes[c.episodes["REC"].map(_code).isin(list(SGO))
                      & (c.episodes["DEC"] >= pd.Timestamp(quarter.start))]
    for _, episode in made.iterrows():
        row: dict[str, Any] = {col: None for col in TABLES["special_guardianship"].column_names}
        row.update(child_id=c.child, la_code=la_code, sgo_date=_day(episode["DEC"]),
                   looked_after="Y", guardian=SGO[_code(episode["REC"])])
        if c.header is not None:
            sex = _code(c.header.get("SEX")) and _id(c.header.get("SEX"))
            row.update(sex=SEX.get(sex, sex), date_of_birth=_day(c.header.get("DOB")),
                       ethnicity=_code(c.header.get("ETHNIC")))
        rows.append(row)
    return rows[-1:]  # one row per child: the latest order in the quarter


# ---------------------------------------------------------------- the quarter


def derive(tables: dict[str, pd.DataFrame], la_code: str, quarter: Quarter) -> Derived:
    """The quarter's `children` (every child with a live decision at some point in it, or whose
    adoption or reversal fell in it) and `special_guardianship` (SGOs made in it) rows."""
    issues: list[DerivationIssue] = []
    notes: list[str] = []
    episodes = _table(tables, "episodes")
    headers = _latest_rows(_table(tables, "header"))
    ad1 = _latest_rows(_table(tables, "ad1"))
    placed = _table(tables, "placed_adoption")
    decisions = {} if placed is None else dict(tuple(placed.groupby("CHILD", sort=False)))
    if quarter not in quarters_covered(tables):
        notes.append(f"SSDA903: the extract's collection years do not cover {quarter}.")

    children, guardianship = [], []
    if episodes is not None:
        # As at the quarter's end, once for every child; then only the children the adoption
        # pathway or an order in the quarter could concern (most children looked after are not).
        episodes = _as_at(episodes.sort_values(["CHILD", "DECOM"], kind="stable"), quarter.end)
        codes = lambda column: episodes[column].map(_code)  # noqa: E731
        concerned = set(decisions) | set(ad1) | set(episodes.loc[
            codes("LS").isin(ORDER_STATUSES) | codes("PLACE").isin(ADOPTIVE_PLACEMENTS)
            | codes("PLACE").isin(FFA_CP_PLACEMENTS)
            | (codes("REC").isin(list(SGO)) & (episodes["DEC"] >= pd.Timestamp(quarter.start))),
            "CHILD"])
        episodes = episodes[episodes["CHILD"].isin(concerned)]
        for child, own in episodes.groupby("CHILD", sort=False):
            c = _Child(child, headers.get(child), own.reset_index(drop=True),
                       decisions.get(child), ad1.get(child))
            if c.episodes.empty:
                continue
            row = _child_row(c, la_code, quarter, issues)
            if row is not None:
                children.append(row)
            guardianship += _sgo_rows(c, la_code, quarter)

    carries = {name: tuple(col for col in TABLES[name].column_names if col not in NOT_IN_903[name])
               for name in NOT_IN_903}
    if placed is None:
        carries["children"] = tuple(c for c in carries["children"] if c not in NEEDS_PLACED_ADOPTION)
        notes.append("SSDA903: no PlacedAdoption table, so only adopted children (AD1) have a "
                     "decision date; children waiting and reversals are not available.")
    notes.append(f"SSDA903: {len(children)} child(ren) on the adoption pathway and "
                 f"{len(guardianship)} special guardianship order(s) in {quarter}; events after "
                 f"{quarter.end.isoformat()} left out.")
    return Derived(_frame("children", children), _frame("special_guardianship", guardianship),
                   carries, notes, issues)


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = list(TABLES[table].column_names)
    return pd.DataFrame(rows, columns=columns, dtype=object).reset_index(drop=True)
