"""Annex A workbooks shaped the way LAs' files really are, for the importer's tests.

`AnnexA` writes lists 10 and 11 with Ofsted's headers by default; a test swaps in other headers
(the SSD extract query's aliases), other sheet names (`List 10 - Adoption`), a title row above
the header, and values in any spelling. Rows are dicts keyed by our column names (List 11 adds
`_gender`, `adoption_order_date` and the unused `individual`); values are written as given, so a
test types them exactly as an LA would. Fake children only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl


# The workbook's latest date is 31/03/2025, so it can honestly fill 2024-25 Q1 to Q4.
QUARTER = "2024-25 Q3"  # 1 October to 31 December 2024
LA = "840"  # County Durham, a member of Adopt Coast to Coast (AC2C)

# Ofsted's headers (Annex A guidance), in Ofsted's order.
LIST_10_OFSTED = {
    "child_id": "Child Unique ID", "sex": "Gender", "ethnicity": "Ethnicity",
    "date_of_birth": "Date of Birth", "disability": "Does the Child have a Disability",
    "entered_care_date": "Date the Child Entered Care",
    "adm_decision_date": "Date of Decision that Child Should be Placed for Adoption",
    "placement_order_date": "Date of Placement Order",
    "matched_date": "Date of Matching Child and Prospective Adopters",
    "placed_date": "Date Placed for Adoption", "adoption_order_date": "Date of Adoption Order",
    "decision_reversed_date":
        "Date of Decision that Child Should No Longer be Placed for Adoption",
    "decision_reversed_reason": "Reason Why Child No Longer Placed for Adoption",
    "ffa_cp_placed_date":
        "Date the child was placed for fostering in FFA or concurrent planning placement",
}  # fmt: skip
LIST_11_OFSTED = {
    "adopter_id": "Family identifier", "_gender": "Gender", "ethnicity": "Ethnicity",
    "fostering_for_adoption": "Is the (prospective) adopter fostering for adoption?",
    "enquiry_date": "Date enquiry received", "stage1_start_date": "Date Stage 1 started",
    "stage1_end_date": "Date Stage 1 ended", "stage2_start_date": "Date Stage 2 started",
    "stage2_end_date": "Date Stage 2 ended", "approval_date": "Date application approved",
    "matched_date": "Date adopter matched with child(ren)",
    "placed_date": "Date child/children placed with adopter(s)",
    "adoption_order_date": "Date of Adoption Order",
    "left_date": "Date of leaving adoption process",
    "left_reason": "Reason for leaving adoption process",
}  # fmt: skip

# The SSD extract query's column aliases (AnnexA_sqlserver_*.sql).
SSD_10 = {
    "child_id": "ChildUniqueID", "sex": "Gender", "ethnicity": "Ethnicity",
    "date_of_birth": "DateOfBirth", "disability": "HasDisability",
    "entered_care_date": "EnteredCareDate", "adm_decision_date": "ADMSHOBPADecisionDate",
    "placement_order_date": "PlacementOrderDate", "matched_date": "MatchedForAdoptionDate",
    "placed_date": "PlacedForAdoptionDate", "adoption_order_date": "AdoptionOrderDate",
    "decision_reversed_date": "DecisionReversedDate",
    "decision_reversed_reason": "DecisionReversedReason",
    "ffa_cp_placed_date": "DateFFAConsurrencyPlacement",
}  # fmt: skip
SSD_11 = {
    "adopter_id": "FamilyID", "_gender": "Gender", "ethnicity": "Ethnicity",
    "fostering_for_adoption": "AdoptedByCarer", "enquiry_date": "EnquiryDate",
    "stage1_start_date": "Stage1StartDate", "stage1_end_date": "Stage1EndDate",
    "stage2_start_date": "Stage2StartDate", "stage2_end_date": "Stage2EndDate",
    "approval_date": "ApplicationApprDate", "matched_date": "MatchedDate",
    "placed_date": "PlacedDate", "adoption_order_date": "AdoptionOrderDate",
    "left_date": "AdoptionLeaveDate", "left_reason": "AdoptingLeaveReason",
}  # fmt: skip


def child(child_id: str, **cells: Any) -> dict[str, Any]:
    """A child waiting in 2024-25 Q3 with a placement order, Ofsted's spellings."""
    row = {
        "child_id": child_id, "sex": "a) Male", "ethnicity": "a) WBRI",
        "date_of_birth": date(2021, 5, 1), "disability": "b) No",
        "entered_care_date": date(2023, 1, 10), "adm_decision_date": date(2023, 6, 1),
        "placement_order_date": date(2023, 9, 1),
    }  # fmt: skip
    row.update(cells)
    return row


def adopter(family: str, **cells: Any) -> dict[str, Any]:
    """One applicant of a household approved and waiting in 2024-25 Q3."""
    row = {
        "adopter_id": family, "_gender": "b) Female", "ethnicity": "a) WBRI",
        "fostering_for_adoption": "b) No", "enquiry_date": date(2024, 1, 8),
        "stage1_start_date": date(2024, 2, 1), "stage1_end_date": date(2024, 4, 1),
        "stage2_start_date": date(2024, 4, 2), "stage2_end_date": date(2024, 7, 1),
        "approval_date": date(2024, 7, 15),
    }  # fmt: skip
    row.update(cells)
    return row


def last_date_row() -> dict[str, Any]:
    """A child adopted on 31/03/2025: gives the workbook its extract date."""
    return child("LAST", matched_date=date(2024, 2, 1), placed_date=date(2024, 3, 1),
                 adoption_order_date=date(2025, 3, 31))


@dataclass
class AnnexA:
    children: list[dict[str, Any]] = field(default_factory=lambda: [child("C1"), last_date_row()])
    adopters: list[dict[str, Any]] = field(default_factory=lambda: [adopter("F1")])
    headers10: dict[str, str] = field(default_factory=lambda: dict(LIST_10_OFSTED))
    headers11: dict[str, str] = field(default_factory=lambda: dict(LIST_11_OFSTED))
    sheet10: str | None = "List 10"
    sheet11: str | None = "List 11"
    title_rows: list[str] = field(default_factory=list)  # lines above each list's header
    other_sheets: tuple[str, ...] = ("List 1", "List 9")

    def write(self, path: Path) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for name in self.other_sheets:
            book.create_sheet(name).append(["Child Unique ID", "Gender", "Date of Birth"])
        for name, headers, rows in ((self.sheet10, self.headers10, self.children),
                                    (self.sheet11, self.headers11, self.adopters)):
            if name is None:
                continue
            sheet = book.create_sheet(name)
            for line in self.title_rows:
                sheet.append([line])
            columns = list(headers)
            sheet.append([headers[c] for c in columns])
            for row in rows:
                sheet.append([row.get(c) for c in columns])
        book.save(path)
        return path
