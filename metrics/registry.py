"""The measure registry: every measure's id, title, unit, kind, breakdowns and plain-words
definition, as the definitions page, the chart captions and the data API show them.

How each is computed lives in metrics/measures/ (a module per table), keyed by the same id.
Pure data: imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass

# Who adopter households are: breakdowns of the adopter funnel (metrics.breakdowns).
HOUSEHOLD_BREAKDOWNS = ("adopter_ethnic_group", "household", "fostering_for_adoption")
CHILD_BREAKDOWNS = ("age_band", "age_year", "ethnic_group", "sibling", "disability", "harder_to_place")

BREAKDOWN_TITLES = {
    "age_band": "Age band",
    "age_year": "Age in years",
    "ethnic_group": "Ethnic group",
    "sibling": "Sibling group",
    "disability": "Disability",
    "harder_to_place": "Harder to place",
    "reason": "Reason",
    "approved_places": "Children approved for",
    "guardian": "Special guardian",
    "guardian_age_band": "Special guardian and age band",
    "looked_after": "Looked after before the order",
    "applicant": "Applicant",
    "adopter_ethnic_group": "Ethnic group of the first applicant",
    "household": "Household",
    "fostering_for_adoption": "Fostering for adoption",
    "column": "Column",
}


@dataclass(frozen=True, order=True)
class Need:
    """What a figure needs its returns to carry: a table, and those of its columns whose absence
    would make the figure wrong (none: the table itself). A return whose format does not carry
    it (Annex A has no special guardianship table, no sibling group ids) does not count towards
    the figure: its agency is missing for it, and a figure none of whose returns carry it is
    `[x]`, never 0."""

    table: str
    columns: tuple[str, ...] = ()


def merged(needs: tuple[Need, ...]) -> tuple[Need, ...]:
    """One Need per table with every column any of them names, in a fixed order (a memo key)."""
    columns: dict[str, set[str]] = {}
    for need in needs:
        columns.setdefault(need.table, set()).update(need.columns)
    return tuple(Need(table, tuple(sorted(cols))) for table, cols in sorted(columns.items()))


# What a breakdown needs beyond its measure's own (the measure's table: children or adopters).
BREAKDOWN_COLUMNS = {
    "sibling": ("sibling_group_id",),
    "disability": ("disability",),
    "harder_to_place": ("sibling_group_id", "disability"),
    "approved_places": ("approved_places",),
    "adopter_ethnic_group": ("ethnicity",),
    "fostering_for_adoption": ("fostering_for_adoption",),
}
REASON_COLUMNS = {"children": ("decision_reversed_reason",), "adopters": ("left_reason",)}

# How a reason for `[x]` names what a format does not carry.
NEED_WORDS = {
    "children": "children on the adoption pathway",
    "adopters": "adopter households",
    "special_guardianship": "special guardianship orders",
    "support": "support fund applications",
    "sibling_group_id": "sibling groups",
    "disability": "disability",
    "matched_date": "match dates",
    "approved_places": "how many children adopters are approved for",
    "ethnicity": "ethnicity",
    "fostering_for_adoption": "fostering for adoption",
    "foster_carer_adoption": "foster carer adoptions",
    "placed_with_carer_date": "when children moved in with foster carers who adopt them",
    "disruption_date": "disruptions",
    "ended_date": "special guardianship orders ending",
    "ended_reason": "why special guardianship orders ended",
    "asf_amount_adoption": "support fund money for adoptive families",
    "asf_amount_sg": "support fund money for special guardianship families",
}


def need_words(need: Need) -> str:
    """`special guardianship orders`, `sibling groups`, `match dates (adopter households)`."""
    if not need.columns:
        return NEED_WORDS.get(need.table, need.table)
    words = [NEED_WORDS.get(c, c.replace("_", " ")) for c in need.columns]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return listed if need.table == "children" else f"{listed} ({NEED_WORDS.get(need.table, need.table)})"


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    unit: str  # children, households, orders, applications, days, percent, ratio, returns,
    # pounds, percent of pounds
    kind: str  # stock, flow, timeliness, ratio, quality
    table: str  # the return table it reads: children, adopters, special_guardianship, support
    definition: str
    breakdowns: tuple[str, ...] = ()
    averages: bool = False  # offers mean and median (stat=)
    published: str = ""  # the published scorecard name (A1, A10 ...)
    needs: tuple[Need, ...] = ()  # beyond its own table: columns it reads, other tables
    # Reads a window of quarters (flows, timeliness and shares of flows), not the quarter's end.
    windowed: bool = False
    cohort_noun: str = ""  # what its cohort counts, in words: "children", "households" ...
    # The date column a child's age is taken at in its breakdowns (age, harder to place); "":
    # the last day of the quarter counted, the selection's for a stock, the return's for an event.
    age_at: str = ""
    # Counts returns itself (its cohort the agencies expected, its value those with one): its
    # missing_returns is the difference, not its table's coverage.
    counts_returns: bool = False
    # A share of a breakdown: each category as a percentage of the Total of this count measure,
    # worked out from its counts as disclosed for the caller (metrics/shares.py), so a share
    # says nothing its count hides.
    share_of: str = ""

    def needs_for(self, breakdown: str | None = None) -> tuple[Need, ...]:
        """What the figure (broken down by `breakdown`) needs its returns to carry."""
        if self.kind == "quality":
            return ()
        extra = BREAKDOWN_COLUMNS.get(breakdown or "", ())
        if breakdown == "reason":
            extra = REASON_COLUMNS.get(self.table, ())
        return merged((Need(self.table, extra), *self.needs))

    @property
    def value_type(self) -> str:
        if self.averages:
            return "mean"
        return {"percent": "percent", "ratio": "ratio", "returns": "agencies", "pounds": "money",
                "percent of pounds": "money_share"}.get(self.unit, "count")


# What a measure's cohort counts, by the table it reads (unless the measure says otherwise).
COHORT_NOUNS = {"children": "children", "adopters": "households",
                "special_guardianship": "orders", "support": "applications"}


def _m(id: str, title: str, unit: str, kind: str, table: str, definition: str,
       columns: tuple[str, ...] = (), also: tuple[Need, ...] = (), **extra) -> Measure:
    """A measure; `columns` of its own table and `also` other tables it needs carried. Flows
    and timeliness read the window; its cohort is its table's rows unless it says otherwise."""
    needs = (Need(table, columns), *also) if columns or also else ()
    extra.setdefault("windowed", kind in ("flow", "timeliness"))
    extra.setdefault("cohort_noun", COHORT_NOUNS.get(table, ""))
    return Measure(id, title, unit, kind, table, definition, needs=needs, **extra)


MATCHED = ("matched_date",)
# A household is waiting while it has no match: without match dates every approved household
# would count as waiting.
ADOPTERS_WAITING_COLUMNS = ("approval_date", "matched_date")
# A10 stops the clock when foster carers who adopt took the child in.
A10_COLUMNS = ("placed_date", "adoption_order_date", "foster_carer_adoption", "placed_with_carer_date")


ASF_AMOUNT_COLUMNS = ("asf_amount_adoption", "asf_amount_sg")


# A child waits from the placement order until placed, adopted or the plan changes: without
# the reversal (an SSDA903 extract with no PlacedAdoption) children whose plan changed would
# count as waiting for ever.
WAITING_COLUMNS = ("placement_order_date", "placed_date", "adoption_order_date",
                   "decision_reversed_date")
WAITING_ADM_COLUMNS = ("adm_decision_date", "placed_date", "adoption_order_date",
                       "decision_reversed_date")

WAITING = (
    "have a placement order on or before the quarter's last day, are not placed with adopters "
    "(or their placement ended in a disruption), and have neither an adoption order nor a "
    "reversed decision by then"
)

MEASURES_LIST = [
    # ---- stocks, as at the end of the quarter
    _m("children_waiting", "Children waiting", "children", "stock", "children",
       f"Children who {WAITING}.", breakdowns=CHILD_BREAKDOWNS, columns=WAITING_COLUMNS),
    _m("children_waiting_adm", "Children waiting (agency decision)", "children", "stock", "children",
       "As children waiting, counting from the agency decision that the child should be placed for "
       "adoption instead of the placement order (the broader count).", breakdowns=CHILD_BREAKDOWNS,
       columns=WAITING_ADM_COLUMNS),
    _m("children_waiting_unmatched", "Children waiting, not matched", "children", "stock", "children",
       "Children waiting who have no match (or whose match came before a disruption).",
       breakdowns=CHILD_BREAKDOWNS, columns=WAITING_COLUMNS + MATCHED),
    _m("adopters_waiting", "Approved adopters waiting", "households", "stock", "adopters",
       "Adopter households approved on or before the quarter's last day, not matched, and still "
       "in the process, by how many children they are approved for or by who they are.",
       breakdowns=("approved_places", *HOUSEHOLD_BREAKDOWNS), columns=ADOPTERS_WAITING_COLUMNS),
    _m("adopters_per_child", "Approved adopters per child waiting", "ratio", "ratio", "adopters",
       "Approved adopter households waiting divided by children waiting, at the quarter's end. "
       "Blank when no child waits.", columns=ADOPTERS_WAITING_COLUMNS, also=(Need("children"),),
       cohort_noun="children waiting"),
    _m("days_waiting", "Days waiting since the placement order", "days", "stock", "children",
       "For children waiting: days from the placement order to the quarter's last day.",
       breakdowns=CHILD_BREAKDOWNS, averages=True, columns=WAITING_COLUMNS),
    _m("children_waiting_over_6_months", "Children waiting over 6 months", "children", "stock",
       "children", "Children waiting whose placement order is more than 183 days old at the "
       "quarter's end.", breakdowns=CHILD_BREAKDOWNS, columns=WAITING_COLUMNS),
    _m("children_waiting_over_12_months", "Children waiting over 12 months", "children", "stock",
       "children", "As above, more than 365 days.", breakdowns=CHILD_BREAKDOWNS,
       columns=WAITING_COLUMNS),
    _m("children_waiting_over_18_months", "Children waiting over 18 months", "children", "stock",
       "children", "As above, more than 548 days.", breakdowns=CHILD_BREAKDOWNS,
       columns=WAITING_COLUMNS),
    # ---- the board's under-5s: a measure of its own (not the age bands' "Under 1" plus "1-4",
    # which cannot be added once either is hidden), so it has a trend and benchmarks
    _m("children_waiting_under_5", "Children waiting aged under 5", "children", "stock",
       "children", "Children waiting who are under 5 (completed years) on the quarter's last "
       "day.", breakdowns=("ethnic_group", "sibling", "disability"), columns=WAITING_COLUMNS),
    _m("children_waiting_share", "Share of children waiting", "percent", "ratio", "children",
       "Children waiting in a group (age band, ethnic group, sibling group, disability, harder to "
       "place) as a percentage of all children waiting at the quarter's end, from the counts as "
       "shown: a share of a hidden count is hidden. Needs a breakdown.",
       breakdowns=CHILD_BREAKDOWNS, columns=WAITING_COLUMNS, share_of="children_waiting"),
    _m("adopter_days_waiting", "Days approved adopters have waited", "days", "stock", "adopters",
       "For approved adopters waiting: days from approval to the quarter's last day.",
       averages=True, columns=ADOPTERS_WAITING_COLUMNS),
    _m("adopters_waiting_over_3_months", "Approved adopters waiting over 3 months", "households",
       "stock", "adopters", "Approved adopters waiting whose approval is more than 91 days old, "
       "by how many children they are approved for or whether they foster for adoption.",
       breakdowns=("approved_places", "fostering_for_adoption"), columns=ADOPTERS_WAITING_COLUMNS),
    _m("adopters_waiting_over_6_months", "Approved adopters waiting over 6 months", "households",
       "stock", "adopters", "Approved adopters waiting whose approval is more than 183 days old, "
       "by how many children they are approved for or whether they foster for adoption.",
       breakdowns=("approved_places", "fostering_for_adoption"), columns=ADOPTERS_WAITING_COLUMNS),
    _m("sibling_groups_waiting", "Sibling groups waiting", "sibling groups", "stock", "children",
       "Distinct sibling groups (within an LA) among children waiting; the cohort is the number "
       "of children in them.", columns=WAITING_COLUMNS + ("sibling_group_id",)),
    # ---- flows: events in the window
    *[_m(id, title, "children", "flow", "children",
         f"Children whose {what} fell in the window (each event once, from the return of the "
         "quarter it fell in).", breakdowns=CHILD_BREAKDOWNS, columns=(event,), age_at=age_at)
      for id, title, what, event, age_at in (
          ("adm_decisions", "Decisions that a child should be adopted", "agency decision",
           "adm_decision_date", ""),
          ("placement_orders", "Placement orders", "placement order", "placement_order_date", ""),
          ("matches", "Children matched", "match with adopters", "matched_date", ""),
          ("placements", "Children placed", "placement with adopters", "placed_date",
           "placed_date"),
          ("adoption_orders", "Adoption orders", "adoption order", "adoption_order_date", ""),
          ("ffa_cp_placements", "Fostering for adoption placements",
           "fostering-for-adoption or concurrent planning placement", "ffa_cp_placed_date", ""),
          ("disruptions", "Disruptions", "adoptive placement ended before an order (disruption)",
           "disruption_date", ""),
      )],
    _m("decisions_reversed", "Decisions reversed", "children", "flow", "children",
       "Children whose decision that they should be adopted was reversed in the window, by reason "
       "(RD1 needs changed, RD2 no placement order, RD3 adopters not found, RD4 other).",
       breakdowns=("reason", *CHILD_BREAKDOWNS), columns=("decision_reversed_date",)),
    *[_m(id, title, "households", "flow", "adopters",
         f"Adopter households whose {what} fell in the window{by}; also by who they are (the "
         "first applicant's ethnic group, single or couple, fostering for adoption).", breakdowns=(*breakdowns, *HOUSEHOLD_BREAKDOWNS),
         columns=(event,))
      for id, title, what, by, breakdowns, event in (
          ("enquiries", "Adopter enquiries", "enquiry", "", (), "enquiry_date"),
          ("stage1_starts", "Stage 1 starts", "stage 1 start", "", (), "stage1_start_date"),
          ("stage2_starts", "Stage 2 starts", "stage 2 start", "", (), "stage2_start_date"),
          ("approvals", "Adopters approved", "approval",
           ", by how many children they are approved for", ("approved_places",), "approval_date"),
          ("adopter_matches", "Adopters matched", "match", "", (), "matched_date"),
      )],
    _m("households_left", "Households leaving the process", "households", "flow", "adopters",
       "Adopter households who left the process in the window, by reason.", breakdowns=("reason",),
       columns=("left_date",)),
    _m("sgos", "Special guardianship orders", "orders", "flow", "special_guardianship",
       "Special guardianship orders made in the window.",
       breakdowns=("guardian", "looked_after", "age_band", "guardian_age_band")),
    _m("sgo_breakdowns", "Special guardianship breakdowns", "orders", "flow", "special_guardianship",
       "Special guardianship orders that ended in the window because the arrangement broke down.",
       columns=("ended_date", "ended_reason")),
    _m("sgo_share", "Special guardianship share of permanence from care", "percent", "ratio",
       "special_guardianship",
       "Special guardianship orders for children looked after immediately before, as a percentage "
       "of those plus adoption orders, in the window.",
       also=(Need("children", ("adoption_order_date",)),), windowed=True, cohort_noun="orders"),
    _m("asf_applications", "Support fund applications", "applications", "flow", "support",
       "Adoption and Special Guardianship Support Fund applications made in the window.",
       breakdowns=("applicant",)),
    _m("asf_share_sg", "Support fund applications for special guardians", "percent", "ratio",
       "support", "Applications for special guardianship families as a percentage of all support "
       "fund applications in the window.", windowed=True),
    # ---- support fund money: the amounts are optional columns, so a return without them is
    # [x] (not carried), and a support row without both amounts counts in neither
    _m("asf_amount", "Support fund money approved", "pounds", "flow", "support",
       "Pounds approved by the Adoption and Special Guardianship Support Fund in the window, by "
       "applicant (adoptive or special guardianship families); its cohort is the applications "
       "made by the returns that gave the amounts.", breakdowns=("applicant",),
       columns=ASF_AMOUNT_COLUMNS),
    _m("asf_amount_share_sg", "Support fund money for special guardians", "percent of pounds",
       "ratio", "support", "Pounds approved for special guardianship families as a percentage of "
       "all support fund money approved in the window; its cohort is the applications.",
       columns=ASF_AMOUNT_COLUMNS, windowed=True),
    # ---- timeliness of children adopted in the window
    *[_m(id, title, "days", "timeliness", "children", definition, averages=True,
         breakdowns=CHILD_BREAKDOWNS, published=published, columns=("adoption_order_date", *columns))
      for id, title, published, definition, columns in (
          ("a1_care_to_placed", "Entering care to placed with adopters", "A1",
           "For children adopted in the window: days from entering care to moving in with their "
           "adopters.", ("placed_date",)),
          ("a10_care_to_placed_adjusted", "Entering care to placed (adjusted for foster carers)",
           "A10", "As A1, but for children adopted by their own foster carers the clock stops "
           "when they moved in with those carers.", A10_COLUMNS),
          ("a2_order_to_match", "Placement order to match", "A2",
           "For children adopted in the window: days from the placement order to the match "
           "(0 where the match came first; children without a placement order are left out).",
           ("placement_order_date", "matched_date")),
          ("stage_care_to_adm", "Entering care to agency decision", "",
           "For children adopted in the window: days from entering care to the agency decision.",
           ()),
          ("stage_adm_to_order", "Agency decision to placement order", "",
           "For children adopted in the window: days from the agency decision to the placement "
           "order.", ("placement_order_date",)),
          ("stage_order_to_match", "Placement order to match", "",
           "The same as A2: the stage of the journey from order to match.",
           ("placement_order_date", "matched_date")),
          ("stage_match_to_placed", "Match to placed", "",
           "For children adopted in the window: days from the match to moving in.",
           ("matched_date", "placed_date")),
          ("stage_placed_to_adopted", "Placed to adoption order", "",
           "For children adopted in the window: days from moving in to the adoption order.",
           ("placed_date",)),
      )],
    _m("a3_within_14_months", "Adopted within 14 months of entering care", "percent", "timeliness",
       "children", "Of children adopted in the window, the percentage whose A10 days are 426 or "
       "fewer (14 months).", breakdowns=CHILD_BREAKDOWNS, published="A3", columns=A10_COLUMNS),
    # ---- adopters' timeliness
    _m("adopter_stage1_days", "Stage 1 length", "days", "timeliness", "adopters",
       "For households whose stage 1 ended in the window: days from its start to its end "
       "(expected: 2 months).", averages=True, columns=("stage1_start_date", "stage1_end_date")),
    _m("adopter_stage2_days", "Stage 2 length", "days", "timeliness", "adopters",
       "For households whose stage 2 ended in the window: days from its start to its end "
       "(expected: 4 months).", averages=True, columns=("stage2_start_date", "stage2_end_date")),
    _m("adopter_enquiry_to_approval", "Enquiry to approval", "days", "timeliness", "adopters",
       "For households approved in the window: days from enquiry to approval.", averages=True,
       columns=("approval_date",)),
    _m("adopter_approved_within_6_months", "Approved within 6 months of stage 1", "percent",
       "timeliness", "adopters",
       "Of households approved in the window (fast-track households left out), the percentage "
       "approved within 183 days of starting stage 1.",
       columns=("approval_date", "stage1_start_date")),
    _m("adopter_approval_to_match", "Approval to match", "days", "timeliness", "adopters",
       "For households matched in the window: days from approval to match.", averages=True,
       columns=ADOPTERS_WAITING_COLUMNS),
    _m("adopter_matched_within_3_months", "Matched within 3 months of approval", "percent",
       "timeliness", "adopters",
       "Of households matched in the window, the percentage matched within 91 days of approval.",
       columns=ADOPTERS_WAITING_COLUMNS),
    _m("adopter_matched_within_6_months", "Matched within 6 months of approval", "percent",
       "timeliness", "adopters",
       "Of households matched in the window, the percentage matched within 183 days of approval.",
       columns=ADOPTERS_WAITING_COLUMNS),
    # ---- data quality
    _m("returns_received", "Returns received", "returns", "quality", "children",
       "Agencies expected to make a return for the scope and quarter that have made one "
       "(an LA is covered by its own return or its RAA's); missing_returns counts the rest.",
       counts_returns=True),
    _m("completeness", "Completeness of optional columns", "percent", "quality", "children",
       "For each optional column of the children, adopters and special guardianship tables: the "
       "percentage of rows with a value, in the quarter's returns (foster_carer_adoption is left "
       "out: it defaults to N, so it is always filled). The total is the share of all those "
       "cells that are filled.", breakdowns=("column",)),
]

MEASURES: dict[str, Measure] = {m.id: m for m in MEASURES_LIST}
