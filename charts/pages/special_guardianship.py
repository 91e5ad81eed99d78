"""Special guardianship: orders by carer, age and care status (and by age and carer together),
their share of permanence from care, those that broke down, and support fund applications and
money approved for each kind of family. Imports pandas, charts and metrics only."""

from __future__ import annotations

import pandas as pd

from functools import partial

from charts.figures import crossed_bars, measure_lines
from charts.plans import (
    CATEGORY_TABLE, breakdown_plan, by_chart, category_trend_chart, planned_chart, series_chart,
    trend_chart,
)
from charts.query import Query
from charts.spec import THIRD, Page
from charts.words import (
    AGE_BAND_WORDS, largest_title, measure_period, said_at, say, scope_name_of, scope_row,
    total_headline,
)
from metrics.breakdowns import AGE_BANDS, CROSSED, GUARDIANS
from metrics.disclosure import TOTAL

SGO_MADE_AND_ENDED = ("sgos", "sgo_breakdowns")
GUARDIAN_WORDS = {"E45": "Former foster carers who are relatives or friends",
                  "E46": "Other former foster carers",
                  "E47": "Relatives or friends who were not foster carers",
                  "E48": "Other carers"}
LOOKED_AFTER_WORDS = {"Looked after": "Children looked after",
                      "Not looked after": "Children not looked after"}
APPLICANT_WORDS = {"Adoption": "Adoptive families",
                   "Special guardianship": "Special guardianship families"}


# "E47 · 1-4" -> "Children aged 1-4 with relatives or friends who were not foster carers"
GUARDIAN_AGE_WORDS = {
    f"{g}{CROSSED}{a}": f"{AGE_BAND_WORDS[a]} placed with {GUARDIAN_WORDS[g][0].lower()}"
                        f"{GUARDIAN_WORDS[g][1:]}"
    for g in GUARDIANS for a in AGE_BANDS}


def money_title(frame: pd.DataFrame, query: Query) -> str:
    """`£1,664,041 of support fund money was approved in the South East in the year to …:
    £1,468,933 for adoptive families and £195,108 for special guardianship families`."""
    name, period = scope_name_of(frame, query), measure_period(query, "asf_amount")
    total = scope_row(frame, query.scope, quarter=query.quarter, category=TOTAL)
    if total is None or total["shown"] in ("[c]", "[x]", "[z]"):
        return f"Support fund money approved in {name} in {period}: {say(total)}"
    adoption, sg = (say(scope_row(frame, query.scope, quarter=query.quarter, category=c))
                    for c in APPLICANT_WORDS)
    return (f"{total['shown']} of support fund money was approved in {name} in {period}: "
            f"{adoption} for adoptive families and {sg} for special guardianship families")


def sgos_title(frame: pd.DataFrame, query: Query) -> str:
    made, broke = (said_at(frame, query, m) for m in SGO_MADE_AND_ENDED)
    return (f"{scope_name_of(frame, query)}: {made} special guardianship orders made in "
            f"{measure_period(query, 'sgos')}, and {broke} broke down")


PAGE = Page(
    "special_guardianship", "/special-guardianship", "Special guardianship",
    "Special guardianship orders by carer, age and care status, their share of permanence from "
    "care, those that broke down, and support fund applications from each kind of family.",
    tuple((chart, THIRD) for chart in (
        by_chart("sgos_by_guardian", "sgos", "guardian",
                 "{} are the {largest} group of special guardians", GUARDIAN_WORDS),
        by_chart("sgos_by_age_band", "sgos", "age_band",
                 "{} are the {largest} age group given special guardianship orders", AGE_BAND_WORDS),
        by_chart("sgos_by_looked_after", "sgos", "looked_after",
                 "{} immediately before the order are the {largest} group given special "
                 "guardianship orders", LOOKED_AFTER_WORDS),
        trend_chart("sgo_share_trend", "sgo_share"),
        series_chart("sgos_made_and_broken_down", SGO_MADE_AND_ENDED, measure_lines, sgos_title),
        by_chart("asf_by_applicant", "asf_applications", "applicant",
                 "{} made the {largest} number of support fund applications", APPLICANT_WORDS),
        trend_chart("asf_share_sg_trend", "asf_share_sg"),
        # Orders by age and carer together; the money the support fund approved and the
        # special guardians' share of it.
        planned_chart("sgos_by_age_and_guardian", "sgos",
                      partial(breakdown_plan, "guardian_age_band", measure="sgos"), crossed_bars,
                      partial(largest_title, "sgos", "guardian_age_band",
                              "{} are the {largest} group given special guardianship orders",
                              GUARDIAN_AGE_WORDS),
                      total_headline, CATEGORY_TABLE),
        category_trend_chart("asf_money", "asf_amount", "applicant", money_title, stacked=True,
                             unit="£"),
        trend_chart("asf_money_share_sg", "asf_amount_share_sg"),
    )),
    # By age band, not by guardian on the board: the carers' names, wrapped level under four
    # bars in half a projected screen, ran out of the chart (the page keeps both).
    board=("sgos_made_and_broken_down", "sgo_share_trend", "sgos_by_age_band",
           "asf_share_sg_trend"),
)
