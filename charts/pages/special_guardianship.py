"""Special guardianship: orders by carer, age and care status, their share of permanence from
care, those that broke down, and support fund applications from each kind of family. Imports
pandas, charts and metrics only."""

from __future__ import annotations

import pandas as pd

from charts.figures import measure_lines
from charts.plans import by_chart, series_chart, trend_chart
from charts.query import Query
from charts.spec import THIRD, Page
from charts.words import AGE_BAND_WORDS, measure_period, said_at, scope_name_of

SGO_MADE_AND_ENDED = ("sgos", "sgo_breakdowns")
GUARDIAN_WORDS = {"E45": "Former foster carers who are relatives or friends",
                  "E46": "Other former foster carers",
                  "E47": "Relatives or friends who were not foster carers",
                  "E48": "Other carers"}
LOOKED_AFTER_WORDS = {"Looked after": "Children looked after",
                      "Not looked after": "Children not looked after"}
APPLICANT_WORDS = {"Adoption": "Adoptive families",
                   "Special guardianship": "Special guardianship families"}


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
    )),
    board=("sgos_made_and_broken_down", "sgo_share_trend", "sgos_by_guardian",
           "asf_share_sg_trend"),
)
