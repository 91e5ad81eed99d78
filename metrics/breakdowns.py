"""Breakdown categories: each function labels rows with their category, in the board's order.

Ages are completed years at a reference date per row (the quarter's end, or the placement date
for placements). Pure: imports pandas, numpy and metrics only.
"""

from __future__ import annotations

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
}


def category_words(breakdown: pd.Series, category: pd.Series) -> pd.Series:
    """Each row's category in words: the code's words where it has them, else the category."""
    words = [CATEGORY_WORDS.get(b, {}).get(c, c) for b, c in zip(breakdown, category)]
    return pd.Series(words, index=category.index, dtype=object)


def approved_places(places: pd.Series) -> pd.Series:
    """Each household's category by how many children it is approved for (1 to 4); a household
    with none recorded has no category, so it counts in the Total only."""
    return places.map(lambda n: APPROVED_PLACES[int(n) - 1] if pd.notna(n) and 1 <= n <= 4 else None)


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
