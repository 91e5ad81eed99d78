"""The Children waiting, Adopters and Special guardianship charts (and Sufficiency's adopters by
places approved for) without a browser, on three quarters of demo returns: each frame is the
engine's disclosed rows request by request, so downloads are the data API's rows; titles state
the message in the frame's shown values and say so when a value is hidden; every card carries
its caption, table and downloads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from app import create_app
from callbacks.chart_pages import page_cards
from server.services import Services
from charts import CHARTS, PAGES
from charts.pages.adopters_waiting import ADOPTERS_OVER
from charts.pages.children_waiting import OVER_MONTHS, over_months_title
from charts.pages.special_guardianship import SGO_MADE_AND_ENDED
from charts.words import largest_title
from config import Settings
from metrics.access import Caller
from metrics.disclosure import DisclosurePolicy
from metrics.selection import Selection
from tests.accounts import signed_in_client
from tests.chart_page_helpers import (
    ALS, assert_cards_carry_caption_table_and_downloads, assert_download_is_the_api_rows,
    engine_rows, frame_for, page_charts,
)
from tests.conftest import DEMO_SLICE
from tests.app.test_pages_adopter_questions import ADOPTER_QUESTIONS
from tests.oracles import measure_frame, series_rows, shown_to

LAST = DEMO_SLICE[1]
CHILDREN_WAITING = page_charts("children_waiting")
ADOPTERS = page_charts("adopters")
ADOPTERS_WAITING = page_charts("adopters_waiting")
SPECIAL_GUARDIANSHIP = page_charts("special_guardianship")
ENGLAND = {"scope": "england", "quarter": str(LAST), "window": 4, "compare": []}
# chart -> (measure, breakdown) of its one request for the scope at the quarter
BY = {
    "waiting_by_age_year": ("children_waiting", "age_year"),
    "waiting_days_by_age": ("days_waiting", "age_band"),
    "adopters_left_by_reason": ("households_left", "reason"),
    "sgos_by_guardian": ("sgos", "guardian"),
    "sgos_by_age_band": ("sgos", "age_band"),
    "sgos_by_looked_after": ("sgos", "looked_after"),
    "asf_by_applicant": ("asf_applications", "applicant"),
    "sufficiency_by_approved_places": ("approvals", "approved_places"),
    "sgos_by_age_and_guardian": ("sgos", "guardian_age_band"),
}
# chart -> the measures shown for the scope alone over the quarters
SERIES = {"waiting_over_months": OVER_MONTHS,
          "adopters_waiting_over": ADOPTERS_OVER, "sgos_made_and_broken_down": SGO_MADE_AND_ENDED}
# chart -> the measure shown for the scope beside England over the quarters
TRENDS = {"waiting_sibling_groups": "sibling_groups_waiting",
          "adopters_approval_to_match": "adopter_approval_to_match",
          "adopters_days_waiting": "adopter_days_waiting", "sgo_share_trend": "sgo_share",
          "asf_share_sg_trend": "asf_share_sg", "asf_money_share_sg": "asf_amount_share_sg"}
# charts with frames of their own shape (tests/app/test_board_questions_children.py)
OWN_SHAPE = ("waiting_under_5", "asf_money")
# the next four quarters (tests/app/test_projection_chart.py)
PROJECTED = ("waiting_projection",)
NEW = (*CHILDREN_WAITING, *ADOPTERS, *ADOPTERS_WAITING, *SPECIAL_GUARDIANSHIP,
       "sufficiency_by_approved_places")


def test_the_pages_are_in_the_navigation_order_with_their_charts() -> None:
    assert [p.title for p in PAGES] == [
        "Overview", "Timeliness", "Sufficiency", "Children waiting", "Adopters",
        "Adopters waiting", "Special guardianship", "Fair comparison"]
    assert [p.path for p in PAGES[3:]] == ["/children-waiting", "/adopters", "/adopters-waiting",
                                           "/special-guardianship", "/fair-comparison"]
    # The board's adopter questions (the funnel among them) are tested on their own.
    assert set(NEW) == (set(BY) | set(SERIES) | set(TRENDS) | set(OWN_SHAPE) | set(PROJECTED)
                        | (set(ADOPTER_QUESTIONS) & set(NEW)))
    for slug, charts in (("children_waiting", CHILDREN_WAITING), ("adopters", ADOPTERS),
                         ("adopters_waiting", ADOPTERS_WAITING),
                         ("special_guardianship", SPECIAL_GUARDIANSHIP)):
        assert page_charts(slug) == charts
    assert "sufficiency_by_approved_places" in page_charts("sufficiency")


# ---------------------------------------------------------------- frames equal the engine


def _disclosed(demo_services: Services, rows: list[pd.DataFrame]) -> pd.DataFrame:
    return shown_to(Caller.viewer(), pd.concat(rows, ignore_index=True),
                    demo_services.measures.geography(), DisclosurePolicy())


@pytest.mark.parametrize("chart", list(BY))
def test_breakdown_frames_are_the_engines_rows(demo_services: Services, chart: str) -> None:
    measure, breakdown = BY[chart]
    frame, _ = frame_for(demo_services, chart)
    data = demo_services.measures.data_for([LAST + i for i in range(-3, 1)])
    expected = measure_frame(Selection(measure, "ALS", LAST, window=4, breakdown=breakdown), data,
                             demo_services.measures.geography(), Caller.viewer(), DisclosurePolicy())
    pd.testing.assert_frame_equal(engine_rows(frame), expected.reset_index(drop=True))
    assert set(frame["scope"]) == {"ALS"} and frame["category"].iloc[-1] == "Total"


@pytest.mark.parametrize("chart", list(SERIES) + list(TRENDS))
def test_series_frames_are_the_engines_rows_request_by_request(demo_services: Services, chart: str) -> None:
    frame, query = frame_for(demo_services, chart)
    geography = demo_services.measures.geography()
    data = demo_services.measures.data_for([query.first + i for i in range(-3, 8)])
    if chart in SERIES:  # one request per measure, the scope alone
        requests = [(m, ("ALS",)) for m in SERIES[chart]]
    else:  # one request: the scope, England and the area compared with (330) disclosed together
        requests = [(TRENDS[chart], ("ALS", "england", "330"))]
    expected = pd.concat([
        _disclosed(demo_services, [series_rows(Selection(m, s, LAST, window=4), query.first, data, geography)
                                   for s in scopes]) for m, scopes in requests], ignore_index=True)
    pd.testing.assert_frame_equal(engine_rows(frame), expected)
    assert list(dict.fromkeys(frame["measure"])) == [m for m, _ in requests]
    assert list(frame["quarter"][:8]) == [str(query.first + i) for i in range(8)]


@pytest.mark.parametrize("chart", NEW)
def test_downloads_are_the_api_rows_request_by_request(demo_services: Services, demo_settings: Settings,
                                                       chart: str) -> None:
    assert_download_is_the_api_rows(demo_services, demo_settings, chart)


def test_the_api_breaks_approvals_down_by_places_approved_for(demo_settings: Settings) -> None:
    client = signed_in_client(create_app(demo_settings))
    got = client.get(f"/api/v1/measures/approvals?scope=england&quarter={LAST}&by=approved_places")
    assert got.status_code == 200
    rows = got.get_json()["rows"] if isinstance(got.get_json(), dict) else got.get_json()
    assert [r["category"] for r in rows] == ["1 child", "2 children", "3 children", "4 children",
                                             "Total"]
    assert client.get(f"/api/v1/measures/enquiries?scope=england&quarter={LAST}"
                      "&by=approved_places").status_code == 400


# ---------------------------------------------------------------- titles


def _shown(frame: pd.DataFrame, measure: str | None = None, category: str | None = None) -> str:
    rows = frame[(frame["scope"] == frame["scope"].iloc[0]) & (frame["quarter"] == str(LAST))]
    if measure:
        rows = rows[rows["measure"] == measure]
    if category:
        rows = rows[rows["category"] == category]
    return str(rows["shown"].iloc[0])


def _largest(frame: pd.DataFrame) -> tuple[str, str]:
    """The largest shown category and its shown value, picked by hand from the frame."""
    rows = frame[(frame["category"] != "Total") & frame["value"].notna()]
    top = rows.loc[rows["value"].astype(float).idxmax()]
    assert (rows["value"].astype(float) == float(top["value"])).sum() == 1  # no tie in the demo
    return str(top["category"]), str(top["shown"])


def _title(demo_services: Services, chart: str, state: dict = ALS) -> tuple[str, pd.DataFrame]:
    frame, query = frame_for(demo_services, chart, state)
    return CHARTS[chart].title(frame, query), frame


def test_the_largest_single_age_among_children_waiting(demo_services: Services) -> None:
    for state, name in ((ALS, "Adopt London South"), (ENGLAND, "England")):
        title, frame = _title(demo_services, "waiting_by_age_year", state)
        age, shown = _largest(frame)
        words = "Babies under 1" if age == "0" else f"{age}-year-olds"
        hidden = frame["shown"].eq("[c]").any()
        assert title == (f"{words} are the largest{' shown' if hidden else ''} single age among "
                         f"children waiting in {name} in {LAST}: {shown} of "
                         f"{_shown(frame, category='Total')}")


def test_waiting_over_6_12_and_18_months(demo_services: Services) -> None:
    title, frame = _title(demo_services, "waiting_over_months")
    six, twelve, eighteen = (_shown(frame, m) for m in OVER_MONTHS)
    assert title == (f"In Adopt London South at {LAST}, {six} children waiting had waited over 6 "
                     f"months since the placement order, {twelve} over 12 months and {eighteen} "
                     f"over 18 months")
    # Nested counts, shown as they are: each longer wait is no more than the shorter.
    assert float(six.replace(",", "")) >= float(twelve.replace(",", "")) >= float(eighteen.replace(",", ""))


def test_the_age_band_that_has_waited_longest(demo_services: Services) -> None:
    title, frame = _title(demo_services, "waiting_days_by_age")
    band, shown = _largest(frame)
    words = {"Under 1": "Babies under 1", "1-4": "Children aged 1-4", "5-9": "Children aged 5-9",
             "10+": "Children aged 10 or over"}[band]
    assert title.startswith(f"{words} had waited longest")
    assert title.endswith(f"at {LAST}: {shown} days on average since the placement order, against "
                          f"{_shown(frame, category='Total')} for all children waiting")


def test_adopter_titles(demo_services: Services) -> None:
    title, frame = _title(demo_services, "adopters_funnel")
    assert title == (f"Adopt London South approved {_shown(frame, 'approvals')} adopter households "
                     f"and matched {_shown(frame, 'adopter_matches')} in the year to {LAST}, from "
                     f"{_shown(frame, 'enquiries')} enquiries")
    title, frame = _title(demo_services, "adopters_waiting_over")
    waiting, three, six = (_shown(frame, m) for m in ADOPTERS_OVER)
    assert title == (f"Of {waiting} approved adopter households waiting in Adopt London South at "
                     f"{LAST}, {three} had waited over 3 months and {six} over 6 months")
    title, frame = _title(demo_services, "adopters_left_by_reason", ENGLAND)
    reason, shown = _largest(frame)
    how = {"WITHDREW": "withdrew", "NOT_APPROVED": "were not approved",
           "ADOPTED": "adopted (completed the process)", "OTHER": "left for another reason"}[reason]
    top = float(frame.loc[frame["category"] == reason, "value"].iloc[0])
    total = float(frame.loc[frame["category"] == "Total", "value"].iloc[0])
    lead = ("Most households that left the process" if 2 * top > total
            else "Households that left the process most often")
    assert title == (f"{lead} {how}: {shown} of {_shown(frame, category='Total')} in the year to "
                     f"{LAST}")
    # In Adopt London South the Total itself is hidden: the title says so, naming no reason.
    title, frame = _title(demo_services, "adopters_left_by_reason")
    assert _shown(frame, category="Total") == "[c]"
    assert title == (f"Households leaving the process in Adopt London South, the year "
                     f"to {LAST}: [c] (confidential)")
    title, frame = _title(demo_services, "adopters_approval_to_match")
    assert f"{_shown(frame)} days in the year to {LAST}" in title


def test_special_guardianship_titles(demo_services: Services) -> None:
    title, frame = _title(demo_services, "sgos_by_age_band")
    band, shown = _largest(frame)
    words = {"Under 1": "Babies under 1", "1-4": "Children aged 1-4", "5-9": "Children aged 5-9",
             "10+": "Children aged 10 or over"}[band]
    assert title == (f"{words} are the largest age group given special guardianship orders in "
                     f"Adopt London South in the year to {LAST}: {shown} of "
                     f"{_shown(frame, category='Total')}")
    title, frame = _title(demo_services, "sgos_by_looked_after")
    status, shown = _largest(frame)
    assert title.startswith(f"Children {status.lower()} immediately before the order")
    title, frame = _title(demo_services, "sgos_made_and_broken_down")
    assert title == (f"Adopt London South: {_shown(frame, 'sgos')} special guardianship orders made "
                     f"in the year to {LAST}, and {_shown(frame, 'sgo_breakdowns')} broke down")
    title, frame = _title(demo_services, "asf_by_applicant")
    applicant, shown = _largest(frame)
    families = {"Adoption": "Adoptive families", "Special guardianship": "Special guardianship families"}
    assert title.startswith(f"{families[applicant]} made the largest number of support fund applications")
    assert title.endswith(f": {shown} of {_shown(frame, category='Total')}")
    title, frame = _title(demo_services, "sgo_share_trend")
    assert f"{_shown(frame)} in the year to {LAST}" in title


def test_adopters_approved_by_places_on_sufficiency(demo_services: Services) -> None:
    title, frame = _title(demo_services, "sufficiency_by_approved_places", ENGLAND)
    places, shown = _largest(frame)
    assert list(frame["category"]) == ["1 child", "2 children", "3 children", "4 children", "Total"]
    assert title == (f"Adopters approved for {places} are the largest group of approvals in England "
                     f"in the year to {LAST}: {shown} of {_shown(frame, category='Total')}")


# ---------------------------------------------------------------- hidden values in titles


def _query(demo_services: Services, chart: str):
    return frame_for(demo_services, chart)[1]


def test_a_hidden_category_limits_the_claim_to_those_shown(demo_services: Services) -> None:
    frame = pd.DataFrame({"scope": "ALS", "scope_name": "Adopt London South", "quarter": str(LAST),
                          "category": ["0", "1", "2", "Total"], "value": [np.nan, 12.0, 12.0, 40.0],
                          "shown": ["[c]", "12", "12", "40"]})
    title = largest_title("children_waiting", "age_year", "{} are the {largest} single age",
                          {"1": "1-year-olds", "2": "2-year-olds"}, frame,
                          _query(demo_services, "waiting_by_age_year"))
    assert title == (f"1-year-olds and 2-year-olds are the joint largest shown single age in Adopt "
                     f"London South in {LAST}: 12 each of 40")
    frame.loc[frame["category"] == "Total", ["value", "shown"]] = [np.nan, "[c]"]
    title = largest_title("children_waiting", "age_year", "{} are the {largest} single age", {},
                          frame, _query(demo_services, "waiting_by_age_year"))
    assert title == f"Children waiting in Adopt London South by age in years, {LAST}: [c] (confidential)"
    # A breakdown that does not apply to the scope is one uncategorised [z] row: it says so,
    # not "[x] (not available)".
    frame = pd.DataFrame({"scope": "ALS", "scope_name": "Adopt London South", "quarter": str(LAST),
                          "category": [""], "value": [np.nan], "shown": ["[z]"]})
    title = largest_title("children_waiting", "age_year", "{} are the {largest} single age", {},
                          frame, _query(demo_services, "waiting_by_age_year"))
    assert title == f"Children waiting in Adopt London South by age in years, {LAST}: [z] (not applicable)"


def test_hidden_counts_are_named_not_zeroed(demo_services: Services) -> None:
    frame = pd.DataFrame({"scope": "ALS", "scope_name": "Adopt London South", "quarter": str(LAST),
                          "category": "", "measure": list(OVER_MONTHS),
                          "value": [20.0, np.nan, np.nan], "shown": ["20", "[c]", "[x]"]})
    title = over_months_title(frame, _query(demo_services, "waiting_over_months"))
    assert title == (f"In Adopt London South at {LAST}, 20 children waiting had waited over 6 months "
                     f"since the placement order, [c] (confidential) over 12 months and "
                     f"[x] (not available) over 18 months")


# ---------------------------------------------------------------- cards


@pytest.mark.parametrize("page, charts", [("children_waiting", CHILDREN_WAITING),
                                          ("adopters", ADOPTERS),
                                          ("adopters_waiting", ADOPTERS_WAITING),
                                          ("special_guardianship", SPECIAL_GUARDIANSHIP)])
def test_cards_carry_caption_table_and_downloads(demo_services: Services, page: str, charts) -> None:
    assert_cards_carry_caption_table_and_downloads(page_cards(demo_services, page, ALS), charts)
    assert page_cards(demo_services, page, None) == []
    assert "window" in str(page_cards(demo_services, page, {**ALS, "window": 5}))


def test_return_codes_are_words_on_the_bars_and_in_the_table_but_codes_in_the_rows(
        demo_services: Services) -> None:
    for chart, codes, words in (
            ("sgos_by_guardian", ["E45", "E46", "E47", "E48"],
             ["Foster carer, relative or friend", "Foster carer, other", "Relative or friend",
              "Other carer"]),
            ("adopters_left_by_reason", ["WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER"],
             ["Withdrew", "Not approved", "Adopted (completed)", "Other"])):
        frame, _ = frame_for(demo_services, chart)
        categories = frame[frame["category"] != "Total"]
        assert list(categories["category"]) == codes  # what the data API and downloads carry
        assert list(go.Figure(CHARTS[chart].figure(frame)).data[0].x) == words
        table = str(page_cards(demo_services, "special_guardianship" if chart.startswith("sgo")
                               else "adopters", ALS))
        assert all(w in table for w in words)
