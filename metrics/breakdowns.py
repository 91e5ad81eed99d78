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
GUARDIANS = ("E45", "E46", "E47", "E48")
LOOKED_AFTER = ("Looked after", "Not looked after")
APPLICANTS = ("Adoption", "Special guardianship")


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
    disabled = rows["disability"].astype(bool)
    if breakdown == "disability":
        return pd.Series(np.where(disabled, DISABILITY[0], DISABILITY[1]), index=rows.index), DISABILITY
    if breakdown == "harder_to_place":
        group = ethnic_group(rows["ethnicity"])
        harder = (age >= 5) | sibling | disabled | group.isin(["Mixed", "Asian", "Black", "Other"])
        return pd.Series(np.where(harder, "Yes", "No"), index=rows.index), HARDER
    raise KeyError(breakdown)
