"""INTERIM: replaced by the spellings module being written on branch annex-values."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from db.return_format import ETHNIC

LIST_10_HEADERS = {
    "child unique id": "child_id",
    "family identifier": "sibling_group_id",
    "gender": "sex",
    "ethnicity": "ethnicity",
    "date of birth": "date_of_birth",
    "does the child have a disability": "disability",
    "date the child entered care": "entered_care_date",
    "date of decision that child should be placed for adoption": "adm_decision_date",
    "date of placement order": "placement_order_date",
    "date of matching child and prospective adopters": "matched_date",
    "date placed for adoption": "placed_date",
    "date of adoption order": "adoption_order_date",
    "date of decision that child should no longer be placed for adoption": "decision_reversed_date",
    "reason why child no longer placed for adoption": "decision_reversed_reason",
    "date the child was placed for fostering in ffa or concurrent planning placement":
        "ffa_cp_placed_date",
}
LIST_11_HEADERS = {
    "family identifier": "adopter_id",
    "gender": "_gender",
    "ethnicity": "ethnicity",
    "is the (prospective) adopter fostering for adoption?": "fostering_for_adoption",
    "date enquiry received": "enquiry_date",
    "date stage 1 started": "stage1_start_date",
    "date stage 1 ended": "stage1_end_date",
    "date stage 2 started": "stage2_start_date",
    "date stage 2 ended": "stage2_end_date",
    "date application approved": "approval_date",
    "date adopter matched with child(ren)": "matched_date",
    "date child/children placed with adopter(s)": "placed_date",
    "date of adoption order": "adoption_order_date",
    "date of leaving adoption process": "left_date",
    "reason for leaving adoption process": "left_reason",
}
UNUSED = {"age of child (years)", "individual adopter identifier", "disability",
          "date application submitted", "no. of children placed"}
PREFIX = re.compile(r"^\s*[a-z]{1,2}\)\s*", re.IGNORECASE)


def _key(text: str) -> str:
    return " ".join(str(text).strip().lower().split())


def header_column(cell: str, headers: dict[str, str]) -> str | None:
    return headers.get(_key(cell))


def known_unused(cell: str) -> bool:
    return _key(cell) in UNUSED


def ofsted_header(column: str, headers: dict[str, str]) -> str:
    return next((h for h, c in headers.items() if c == column), column)


def suggest(column: str, headers: dict[str, str], candidates: list[str]) -> str | None:
    keys = {_key(c): c for c in candidates}
    found = difflib.get_close_matches(_key(ofsted_header(column, headers)), list(keys), n=1,
                                      cutoff=0.6)
    return keys[found[0]] if found else None


def _looks(cells: list[str], headers: dict[str, str], distinctive: set[str]) -> bool:
    columns = {header_column(c, headers) for c in cells}
    return len(columns & distinctive) >= 3


def looks_like_list_10(cells: list[str]) -> bool:
    return _looks(cells, LIST_10_HEADERS, {"child_id", "adm_decision_date", "placement_order_date",
                                           "entered_care_date", "date_of_birth"})


def looks_like_list_11(cells: list[str]) -> bool:
    return _looks(cells, LIST_11_HEADERS, {"enquiry_date", "stage1_start_date", "approval_date",
                                           "left_reason", "stage2_start_date"})


def blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def identifier(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def placeholder_date(value: Any) -> bool:
    if isinstance(value, datetime):
        return value.year == 1900 and value.month == 1 and value.day == 1
    if isinstance(value, str):
        return value.strip()[:10] in ("01/01/1900", "1900-01-01")
    return False


def _text(value: Any) -> str | None:
    if blank(value):
        return None
    return PREFIX.sub("", str(value)).strip()


def sex(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else {"male": "M", "m": "M", "female": "F", "f": "F"}.get(text.lower())


def ethnicity(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if text and text.upper() in ETHNIC else None


def yes_no(value: Any) -> str | None:
    text = _text(value)
    return None if text is None else {"yes": "Y", "y": "Y", "no": "N", "n": "N"}.get(text.lower())


def reversal_reason(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if text and text.upper() in ("RD1", "RD2", "RD3", "RD4") else None


@dataclass(frozen=True)
class LeftReason:
    code: str | None
    leaving: bool
    other: bool


def left_reason(value: Any) -> LeftReason | None:
    text = _text(value)
    if text is None:
        return None
    lowered = text.lower()
    if "hold" in lowered:
        return LeftReason(None, False, False)
    if "withdr" in lowered:
        return LeftReason("WITHDREW", True, False)
    if "refused" in lowered or "not approved" in lowered or "unsuitab" in lowered:
        return LeftReason("NOT_APPROVED", True, False)
    if "adopt" in lowered:
        return LeftReason("ADOPTED", True, False)
    if text.upper() in ("WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER"):
        return LeftReason(text.upper(), True, False)
    return LeftReason("OTHER", True, True)


def household(genders: list[Any]) -> str:
    codes = sorted(sex(g) or "?" for g in genders)
    return {"M": "M1", "F": "F1", "MM": "MM", "FF": "FF", "FM": "MF"}.get(
        "".join(codes), "/".join(str(g) for g in genders))


_ = pd  # pandas kept for the real module's readers
