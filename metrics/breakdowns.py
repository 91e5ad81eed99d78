"""Breakdown categories: each function labels rows with their category, in the board's order.

Ages are completed years at a reference date per row (the quarter's end, or the placement date
for placements). Pure: imports pandas, numpy and metrics only.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

AGE_BANDS = ("Under 1", "1-4", "5-9", "10+")
AGE_YEARS = tuple(str(a) for a in range(18))
ETHNIC_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "Not known")
SIBLING = ("In a sibling group", "Single")
DISABILITY = ("Disabled", "Not disabled")
HARDER = ("Yes", "No")
REVERSAL_REASONS = ("RD1", "RD2", "RD3", "RD4")
LEFT_REASONS = ("WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER")
APPROVED_PLACES = ("1 child", "2 children", "3 children", "4 children")
GUARDIANS = ("E45", "E46", "E47", "E48")
# Special guardian crossed with age band (the board asks for both together), the guardian
# first: "E45 · Under 1" ... "E48 · 10+".
CROSSED = " · "
GUARDIAN_AGE_BANDS = tuple(f"{g}{CROSSED}{a}" for g in GUARDIANS for a in AGE_BANDS)
LOOKED_AFTER = ("Looked after", "Not looked after")
APPLICANTS = ("Adoption", "Special guardianship")
# Short words for the return format's codes, for chart axes and tables (shared/spec/
# return-format.md); the rows and the data API keep the codes.
CATEGORY_WORDS = {
    "reason": {"RD1": "Needs changed", "RD2": "No placement order", "RD3": "No adopters found",
               "RD4": "Other", "WITHDREW": "Withdrew", "NOT_APPROVED": "Not approved",
               "ADOPTED": "Adopted (completed)", "OTHER": "Other"},
    "guardian": {"E45": "Foster carer, relative or friend", "E46": "Foster carer, other",
                 "E47": "Relative or friend", "E48": "Other carer"},
    "household": {"MF": "Couple, man and woman", "FF": "Couple, two women",
                  "MM": "Couple, two men", "F1": "Single woman", "M1": "Single man"},
}
CATEGORY_WORDS["guardian_age_band"] = {
    c: f"{CATEGORY_WORDS['guardian'][g]}{CROSSED}{a}"
    for c, (g, a) in zip(GUARDIAN_AGE_BANDS, ((g, a) for g in GUARDIANS for a in AGE_BANDS))}


def category_labels(breakdown: Iterable, category: Iterable) -> list:
    """Each row's category in words (the frames' `category_label`): the code's words where it
    has them, else the category."""
    return [CATEGORY_WORDS.get(b, {}).get(c, c) for b, c in zip(breakdown, category)]


def guardian_age_band(guardian: pd.Series, band: pd.Series) -> pd.Series:
    """Each order's crossed category, `E47 · 1-4`; none where the guardian code is not one of
    E45-E48 (such an order counts in the Total only)."""
    known = guardian.isin(GUARDIANS)
    crossed = guardian.astype(str) + CROSSED + band.astype(str)
    return crossed.where(known, None)


def approved_places(places: pd.Series) -> pd.Series:
    """Each household's category by how many children it is approved for (1 to 4); a household
    with none recorded has no category, so it counts in the Total only."""
    return places.map(lambda n: APPROVED_PLACES[int(n) - 1] if pd.notna(n) and 1 <= n <= 4 else None)


# ---- adopter households: who comes forward, as breakdowns of the adopter funnel
# The household codes (SSDA903 SEX_ADOPTR), couples first; the rows and the data API keep them.
HOUSEHOLDS = ("MF", "FF", "MM", "F1", "M1")
FOSTERING_FOR_ADOPTION = ("Fostering for adoption", "Not fostering for adoption", "Not recorded")


def household_categories(rows: pd.DataFrame, breakdown: str) -> tuple[pd.Series, tuple[str, ...]]:
    """Each household row's category for an adopter breakdown, and the categories in order:
    the first applicant's ethnicity grouped as the children's `ethnic_group` groups it (blank:
    "Not known"); the household type's code (an unknown code has no category, so it counts in
    the Total only); approved as fostering-for-adoption carers, not, or not recorded (blank,
    as it often is before approval)."""
    if breakdown == "adopter_ethnic_group":
        return ethnic_group(rows["ethnicity"].astype(object)), ETHNIC_GROUPS
    if breakdown == "household":
        return rows["household"].where(rows["household"].isin(HOUSEHOLDS)), HOUSEHOLDS
    if breakdown == "fostering_for_adoption":
        flag = rows["fostering_for_adoption"]
        words = np.select([flag.eq(True), flag.eq(False)], FOSTERING_FOR_ADOPTION[:2],
                          FOSTERING_FOR_ADOPTION[2])
        return pd.Series(words, index=rows.index, dtype=object), FOSTERING_FOR_ADOPTION
    raise KeyError(breakdown)


def age_years(dob: pd.Series, at: pd.Series) -> pd.Series:
    """Completed years from `dob` to `at` (both datetime64)."""
    years = at.dt.year - dob.dt.year
    before = (at.dt.month < dob.dt.month) | ((at.dt.month == dob.dt.month) & (at.dt.day < dob.dt.day))
    return years - before.astype(int)


def age_band(age: pd.Series) -> pd.Series:
    return pd.Series(np.select([age < 1, age < 5, age < 10], AGE_BANDS[:3], AGE_BANDS[3]), index=age.index)


def ethnic_group(code: pd.Series) -> pd.Series:
    first = code.str[0]
    out = first.map({"W": "White", "M": "Mixed", "A": "Asian", "B": "Black"})
    out = out.where(~code.isin(["CHNE", "OOTH"]), "Other")
    return out.where(~code.isin(["REFU", "NOBT"]), "Not known").fillna("Not known")


def child_categories(rows: pd.DataFrame, breakdown: str, at: pd.Series) -> tuple[pd.Series, tuple[str, ...]]:
    """Each child row's category for a child breakdown, and the categories in order."""
    age = age_years(rows["date_of_birth"], at)
    if breakdown == "age_band":
        return age_band(age), AGE_BANDS
    if breakdown == "age_year":
        return age.clip(lower=0, upper=17).astype(int).astype(str), AGE_YEARS
    if breakdown == "ethnic_group":
        return ethnic_group(rows["ethnicity"]), ETHNIC_GROUPS
    sibling = rows["sibling_group_id"].notna()
    if breakdown == "sibling":
        return pd.Series(np.where(sibling, SIBLING[0], SIBLING[1]), index=rows.index), SIBLING
    disabled = rows["disability"].eq(True)  # NULL: not carried (SSDA903); such figures need it
    if breakdown == "disability":
        return pd.Series(np.where(disabled, DISABILITY[0], DISABILITY[1]), index=rows.index), DISABILITY
    if breakdown == "harder_to_place":
        group = ethnic_group(rows["ethnicity"])
        harder = (age >= 5) | sibling | disabled | group.isin(["Mixed", "Asian", "Black", "Other"])
        return pd.Series(np.where(harder, "Yes", "No"), index=rows.index), HARDER
    raise KeyError(breakdown)
