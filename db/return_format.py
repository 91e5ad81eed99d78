"""The quarterly return format (contract v1, shared/spec/return-format.md) as data.

Tables, their columns in order, each column's kind, whether it is required, and the code lists.
The readers, the validator, the demo writer and the tests' file builder all read this one
declaration. Imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "code", "date", "flag", "int", "money", "quarter"]

SEX = ("M", "F", "U")
ETHNIC = (
    "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)  # fmt: skip
FLAG = ("Y", "N")
REVERSAL_REASON = ("RD1", "RD2", "RD3", "RD4")
HOUSEHOLD = ("M1", "F1", "MM", "FF", "MF")
LEFT_REASON = ("WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER")
GUARDIAN = ("E45", "E46", "E47", "E48")
SGO_ENDED_REASON = ("BREAKDOWN", "AGE_18", "OTHER")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    required_with: str | None = None  # required when this other column has a value
    meaning: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    min_rows: int = 0
    max_rows: int | None = None
    id_column: str | None = None  # unique within the table (V03)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _child_identity() -> tuple[Column, ...]:
    return (
        Column("child_id", "text", True, meaning="the agency's pseudonymous id (no names)"),
        Column("la_code", "text", True, meaning="DfE code of the LA responsible for the child"),
        Column("sex", "code", True, SEX),
        Column("date_of_birth", "date", True),
        Column("ethnicity", "code", True, ETHNIC),
        Column("disability", "flag", True, FLAG),
    )


RETURN = Table(
    "return",
    (
        Column("agency_code", "text", True, meaning="code of the submitting agency"),
        Column("quarter", "quarter", True, meaning="e.g. 2024-25 Q3"),
    ),
    min_rows=1,
    max_rows=1,
)

CHILDREN = Table(
    "children",
    _child_identity()
    + (
        Column("sibling_group_id", "text"),
        Column("entered_care_date", "date", True),
        Column("adm_decision_date", "date", True),
        Column("ffa_cp_placed_date", "date"),
        Column("placement_order_date", "date"),
        Column("matched_date", "date"),
        Column("placed_date", "date"),
        Column("foster_carer_adoption", "flag", codes=FLAG),
        Column("placed_with_carer_date", "date"),
        Column("adoption_order_date", "date"),
        Column("disruption_date", "date"),
        Column("decision_reversed_date", "date"),
        Column(
            "decision_reversed_reason",
            "code",
            codes=REVERSAL_REASON,
            required_with="decision_reversed_date",
        ),
    ),
    id_column="child_id",
)

ADOPTERS = Table(
    "adopters",
    (
        Column("adopter_id", "text", True),
        Column("household", "code", True, HOUSEHOLD),
        Column("ethnicity", "code", codes=ETHNIC),
        Column("fostering_for_adoption", "flag", codes=FLAG),
        Column("enquiry_date", "date", True),
        Column("stage1_start_date", "date"),
        Column("stage1_end_date", "date"),
        Column("stage2_start_date", "date"),
        Column("stage2_end_date", "date"),
        Column("approval_date", "date"),
        Column("approved_places", "int", minimum=1, maximum=4),
        Column("matched_date", "date"),
        Column("placed_date", "date"),
        Column("left_date", "date"),
        Column("left_reason", "code", codes=LEFT_REASON, required_with="left_date"),
    ),
    id_column="adopter_id",
)

SPECIAL_GUARDIANSHIP = Table(
    "special_guardianship",
    _child_identity()
    + (
        Column("sgo_date", "date", True),
        Column("looked_after", "flag", True, FLAG),
        Column("guardian", "code", True, GUARDIAN),
        Column("support_plan", "flag", codes=FLAG),
        Column("allowance", "flag", codes=FLAG),
        Column("ended_date", "date"),
        Column("ended_reason", "code", codes=SGO_ENDED_REASON, required_with="ended_date"),
    ),
    id_column="child_id",
)

SUPPORT = Table(
    "support",
    (
        Column("asf_applications_adoption", "int", True, minimum=0, maximum=1_000_000),
        Column("asf_applications_sg", "int", True, minimum=0, maximum=1_000_000),
        Column("asf_amount_adoption", "money", minimum=0, maximum=1_000_000_000),
        Column("asf_amount_sg", "money", minimum=0, maximum=1_000_000_000),
    ),
    max_rows=1,
)

TABLES: dict[str, Table] = {
    t.name: t for t in (RETURN, CHILDREN, ADOPTERS, SPECIAL_GUARDIANSHIP, SUPPORT)
}

# Earliest date accepted anywhere in a return (V05).
EARLIEST_DATE_TEXT = "1990-01-01"
