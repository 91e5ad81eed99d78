"""The board's adopter questions on the Adopters, Adopters waiting and Sufficiency pages, without a browser, on the
demo returns: each new chart is on its page; its frame is the engine's disclosed rows request by
request (so downloads are the data API's rows); its title says what the frame shows, worked out
here by hand from the frame's shown values; the data API breaks the funnel down by who the
households are."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from app import create_app
from callbacks.chart_pages import page_cards
from charts import CHARTS
from config import Settings
from metrics.access import Caller
from metrics.disclosure import DisclosurePolicy
from metrics.selection import Selection
from server.services import Services
from tests.accounts import signed_in_client
from tests.chart_page_helpers import (
    ALS, assert_download_is_the_api_rows, engine_rows, frame_for, page_charts,
)
from tests.conftest import DEMO_SLICE
from tests.oracles import measure_frame, series_rows, shown_to

LAST = DEMO_SLICE[1]
ENGLAND = {"scope": "england", "quarter": str(LAST), "window": 4, "compare": []}
FUNNEL = ("enquiries", "stage1_starts", "stage2_starts", "approvals", "adopter_matches")
BY_FUNNEL = ("enquiries", "approvals", "adopter_matches")
# chart -> its requests in order: (measure, scopes, breakdown, over the trend)
REQUESTS = {
    "adopters_funnel": [(m, ("ALS",), None, False) for m in FUNNEL],
    **{f"adopters_funnel_by_{name}": [(m, ("ALS",), by, False) for m in BY_FUNNEL]
       for name, by in (("ethnic_group", "adopter_ethnic_group"), ("household", "household"),
                        ("ffa", "fostering_for_adoption"))},
    "adopters_stage_lengths": [(m, ("ALS", "england"), None, True)
                               for m in ("adopter_stage1_days", "adopter_stage2_days")],
    # a trend chart draws the area compared with too (ALS compares Birmingham)
    "adopters_approved_within_6_months": [("adopter_approved_within_6_months",
                                           ("ALS", "england", "330"), None, True)],
    "adopters_matched_within": [(m, ("ALS", "england"), None, True)
                                for m in ("adopter_matched_within_3_months",
                                          "adopter_matched_within_6_months")],
    "adopters_waiting_by_places": [("adopters_waiting", ("ALS",), "approved_places", False)],
    "adopters_why_waiting": [("adopters_waiting", ("ALS",), "approved_places", False),
                             ("adopters_waiting_over_6_months", ("ALS",), "approved_places", False),
                             ("children_waiting", ("ALS",), "sibling", False),
                             ("sibling_groups_waiting", ("ALS",), None, False)],
    "sufficiency_matching_gap": [("children_waiting", ("ALS",), "sibling", False),
                                 ("children_waiting", ("ALS",), "age_band", False),
                                 ("children_waiting", ("ALS",), "disability", False),
                                 ("sibling_groups_waiting", ("ALS",), None, False),
                                 ("adopters_waiting", ("ALS",), "approved_places", False)],
}
ADOPTER_QUESTIONS = tuple(REQUESTS)
# The page each question's chart is on: recruitment on Adopters, matching on Adopters waiting.
PAGE_OF_QUESTION = {
    **{chart: "adopters" for chart in ADOPTER_QUESTIONS[:6]},
    **{chart: "adopters_waiting" for chart in ADOPTER_QUESTIONS[6:9]},
    "sufficiency_matching_gap": "sufficiency",
}


def test_each_question_has_its_chart_on_its_page() -> None:
    assert set(PAGE_OF_QUESTION) == set(ADOPTER_QUESTIONS)
    for chart, page in PAGE_OF_QUESTION.items():
        assert chart in page_charts(page), (chart, page)
    assert page_charts("adopters")[0] == "adopters_funnel"  # the funnel still opens the page


def test_the_cards_are_on_the_pages(demo_services: Services) -> None:
    pages = dict.fromkeys(PAGE_OF_QUESTION.values())
    for page in pages:
        charts = [chart for chart, on in PAGE_OF_QUESTION.items() if on == page]
        text = str(page_cards(demo_services, page, ALS))
        for chart in charts:
            assert f"/api/v1/charts/{chart}?" in text


def _expected(demo_services: Services, chart: str, first) -> pd.DataFrame:
    geography = demo_services.measures.geography()
    data = demo_services.measures.data_for([first + i for i in range(-3, 8)])
    parts = []
    for measure, scopes, breakdown, trend in REQUESTS[chart]:
        if trend:
            rows = [series_rows(Selection(measure, s, LAST, window=4), first, data, geography)
                    for s in scopes]
            parts.append(shown_to(Caller.viewer(), pd.concat(rows, ignore_index=True), geography,
                                  DisclosurePolicy()))
        else:
            parts.append(measure_frame(Selection(measure, scopes[0], LAST, window=4,
                                                 breakdown=breakdown), data, geography,
                                       Caller.viewer(), DisclosurePolicy()))
    return pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("chart", ADOPTER_QUESTIONS)
def test_frames_are_the_engines_rows_request_by_request(demo_services: Services, chart: str) -> None:
    frame, query = frame_for(demo_services, chart)
    pd.testing.assert_frame_equal(engine_rows(frame), _expected(demo_services, chart, query.first))
    assert list(dict.fromkeys(frame["measure"])) == list(dict.fromkeys(m for m, *_ in REQUESTS[chart]))


@pytest.mark.parametrize("chart", ADOPTER_QUESTIONS)
def test_downloads_are_the_api_rows(demo_services: Services, demo_settings: Settings, chart: str) -> None:
    assert_download_is_the_api_rows(demo_services, demo_settings, chart)


def test_the_api_breaks_the_funnel_down_by_who_the_households_are(demo_settings: Settings) -> None:
    client = signed_in_client(create_app(demo_settings))
    for by, categories in (
            ("adopter_ethnic_group", ["White", "Mixed", "Asian", "Black", "Other", "Not known"]),
            ("household", ["MF", "FF", "MM", "F1", "M1"]),
            ("fostering_for_adoption", ["Fostering for adoption", "Not fostering for adoption",
                                        "Not recorded"])):
        for measure in FUNNEL:
            got = client.get(f"/api/v1/measures/{measure}?scope=england&quarter={LAST}&by={by}")
            assert got.status_code == 200, (measure, by)
            body = got.get_json()
            rows = body["rows"] if isinstance(body, dict) else body
            assert [r["category"] for r in rows] == [*categories, "Total"]
    assert client.get(f"/api/v1/measures/sgos?scope=england&quarter={LAST}"
                      "&by=household").status_code == 400


# ---------------------------------------------------------------- titles, by hand from the frame


def _at(frame: pd.DataFrame, measure: str, category: str = "", scope: str | None = None) -> pd.Series:
    rows = frame[(frame["measure"] == measure) & (frame["quarter"] == str(LAST))
                 & (frame["category"].fillna("") == category)]
    if scope:
        rows = rows[rows["scope"] == scope]
    return rows.iloc[0]


def _title(demo_services: Services, chart: str, state: dict = ALS) -> tuple[str, pd.DataFrame]:
    frame, query = frame_for(demo_services, chart, state)
    return CHARTS[chart].title(frame, query), frame


def test_the_funnel_is_the_periods_stages_with_rates_between(demo_services: Services) -> None:
    title, frame = _title(demo_services, "adopters_funnel", ENGLAND)
    assert set(frame["quarter"]) == {str(LAST)}  # one period, not 8 quarters of bars
    shown = {m: _at(frame, m)["shown"] for m in FUNNEL}
    assert title == (f"England approved {shown['approvals']} adopter households and matched "
                     f"{shown['adopter_matches']} in the year to {LAST}, from "
                     f"{shown['enquiries']} enquiries")
    figure = go.Figure(CHARTS["adopters_funnel"].figure(frame))
    values = [float(_at(frame, m)["value"]) for m in FUNNEL]
    assert list(figure.data[0].x) == values and figure.data[0].orientation == "h"
    rates = [f"\u2193 {100 * b / a:,.0f} per 100" for a, b in zip(values, values[1:])]
    assert [a.text for a in figure.layout.annotations] == rates


def test_the_group_that_converts_least_is_named(demo_services: Services) -> None:
    title, frame = _title(demo_services, "adopters_funnel_by_ethnic_group", ENGLAND)
    rates = {}
    for group in ("White", "Mixed", "Asian", "Black", "Other"):
        enquiries, approvals = _at(frame, "enquiries", group), _at(frame, "approvals", group)
        if pd.notna(enquiries["value"]) and pd.notna(approvals["value"]) and enquiries["value"] > 0:
            rates[group] = 100 * float(approvals["value"]) / float(enquiries["value"])
    low = min(rates, key=rates.get)
    everyone = 100 * float(_at(frame, "approvals", "Total")["value"]) / float(
        _at(frame, "enquiries", "Total")["value"])
    assert title == (f"Approvals per 100 enquiries in England, the year to {LAST}: lowest for "
                     f"{low} ({rates[low]:,.0f}), {everyone:,.0f} for all households")


def test_stage_lengths_and_matched_within_say_the_scope_and_england(demo_services: Services) -> None:
    title, frame = _title(demo_services, "adopters_stage_lengths")
    one, two = (_at(frame, m, scope="ALS")["shown"] for m in ("adopter_stage1_days", "adopter_stage2_days"))
    e1, e2 = (_at(frame, m, scope="england")["shown"] for m in ("adopter_stage1_days", "adopter_stage2_days"))
    assert title == (f"Stage 1 took {one} days and stage 2 {two} days on average in Adopt London "
                     f"South, the year to {LAST} (England {e1} and {e2})")
    title, frame = _title(demo_services, "adopters_matched_within")
    three, six = (_at(frame, m, scope="ALS")["shown"] for m in ("adopter_matched_within_3_months",
                                                                 "adopter_matched_within_6_months"))
    assert title.startswith(f"{three} of households matched in Adopt London South in the year to "
                            f"{LAST} were matched within 3 months of approval, {six} within 6")


def test_the_matching_gap_is_said_in_words(demo_services: Services) -> None:
    title, frame = _title(demo_services, "sufficiency_matching_gap", ENGLAND)
    households = sum(float(_at(frame, "adopters_waiting", c)["value"])
                     for c in ("2 children", "3 children", "4 children"))
    groups = _at(frame, "sibling_groups_waiting")
    assert households < float(groups["value"])  # the demo's gap: fewer households than groups
    assert title == (f"England had fewer adopter households approved for two or more children "
                     f"({households:,.0f}) than sibling groups waiting ({groups['shown']}) at {LAST}")
    figure = go.Figure(CHARTS["sufficiency_matching_gap"].figure(frame))
    assert list(figure.data[1].text) == [f"{households:,.0f}", "", "", ""]
    assert [x.split("<br>")[-1] for x in figure.data[0].x[1:]] == ["(adopters: not recorded)"] * 3


def test_why_adopters_wait(demo_services: Services) -> None:
    title, frame = _title(demo_services, "adopters_why_waiting", ENGLAND)
    over = _at(frame, "adopters_waiting_over_6_months", "1 child")["shown"]
    total = _at(frame, "adopters_waiting_over_6_months", "Total")["shown"]
    one = _at(frame, "adopters_waiting", "1 child")["shown"]
    alone = _at(frame, "children_waiting", "Single")["shown"]
    assert title == (f"{over} of the {total} adopter households waiting over 6 months in England "
                     f"at {LAST} are approved for one child; {one} such households wait for "
                     f"{alone} children waiting alone")
    caption = CHARTS["adopters_why_waiting"].caption(*frame_for(demo_services, "adopters_why_waiting", ENGLAND))
    assert "do not record the ages or needs adopters would take" in caption
