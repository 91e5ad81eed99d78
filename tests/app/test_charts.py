"""The chart registry without a browser: each chart's frame is the engine's disclosed series of
the scope, its region, England and peers; figures draw that frame in the house colours; titles
state the message; the filter bar settles on checked values; the cards and the definitions
carry what they should."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import dash
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from sqlalchemy.orm import sessionmaker

from app import create_app
from callbacks.chart_pages import chart_view
from callbacks.filters import resolve_filters
from server.services import Services
from config import Settings
from db.engine import engine_for
from db.measure_data import load_geography, load_measure_data
from charts import CHARTS
from charts.figures import ENGLAND_COLOUR, trend_figure
from charts.query import DEFAULT_WINDOW, Query
from charts.view import chart_query
from charts.words import active_title, caption, headlines, period_text
from layouts import definitions, ids
from layouts.chart_card import chart_card
from layouts.definitions import layout_for, measure_entries
from layouts.filters import filter_values
from metrics.access import Caller
from metrics.disclosure import DisclosurePolicy
from metrics.quarters import Quarter
from metrics.registry import MEASURES
from metrics.scope import agency_tree
from metrics.selection import Selection
from tests.chart_page_helpers import engine_rows, page_charts
from tests.measures_dataset import Q1, Q3, RAA, load_dataset
from tests.oracles import series

AF_COLOURS = {"#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"}


@pytest.fixture(scope="module")
def hand_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("charts")
    shutil.copy(sqlite_template, folder / "db.sqlite3")
    url = f"sqlite:///{folder / 'db.sqlite3'}"
    load_dataset(sessionmaker(engine_for(url), expire_on_commit=False), folder / "files")
    yield url
    engine_for(url).dispose()


@pytest.fixture(scope="module")
def services(hand_url: str) -> Services:
    return Services.from_settings(Settings.from_env(environ={}, database_url=hand_url))


def frame_of(rows: list[tuple]) -> pd.DataFrame:
    """A disclosed-looking frame from (scope, scope_name, quarter, value, shown[, missing[,
    partial]])."""
    return pd.DataFrame(
        [{"scope": r[0], "scope_name": r[1], "quarter": r[2], "breakdown": "", "category": "",
          "value": r[3], "shown": r[4], "cohort": r[3],
          "missing_returns": r[5] if len(r) > 5 else 0,
          "partial_returns": r[6] if len(r) > 6 else 0} for r in rows]
    )


def query(measure: str = "children_waiting", scope: str = "ALS", quarter: str = "2025-26 Q1",
          window: int = 1) -> Query:
    return Query(measure, scope, Quarter.parse(quarter), window=window).trend()


# ---------------------------------------------------------------- the registry and frames


def test_the_overview_charts_are_registered_once_each() -> None:
    assert page_charts("overview") == (
        "children_waiting", "adopters_waiting", "adopters_per_child",
        "a10_care_to_placed_adjusted", "a2_order_to_match", "adoption_orders", "sgos",
        "asf_share_sg")
    for chart_id in page_charts("overview"):
        chart = CHARTS[chart_id]
        assert chart.measure in MEASURES and callable(chart.plan) and callable(chart.figure)


def test_the_frame_is_the_engines_series_for_each_scope(services: Services, hand_url: str) -> None:
    state = {"scope": RAA, "quarter": str(Q3), "window": 4, "compare": ["942"]}
    shown = chart_view(services, CHARTS["children_waiting"], state)
    q, frame = shown.query, shown.frame
    sessions = sessionmaker(engine_for(hand_url), expire_on_commit=False)
    data, geography = load_measure_data(sessions, Q3 + -11, Q3), load_geography(sessions)
    scopes = [RAA, "region:North East", "england", "942"]
    expected = pd.concat(
        [series(Selection("children_waiting", s, Q3, window=4), q.first, data, geography,
                Caller.viewer(), DisclosurePolicy()) for s in scopes], ignore_index=True)
    assert list(dict.fromkeys(frame["scope"])) == scopes
    assert list(frame["quarter"][:8]) == [str(Q3 + i) for i in range(-7, 1)]
    pd.testing.assert_frame_equal(engine_rows(frame), expected)
    [request] = shown.requests
    assert request.params == {
        "scope": RAA, "quarter": str(Q3), "from": str(Q3 + -7), "window": "4",
        "compare": "region:North East,england,942"}


def test_a_wrong_selection_is_refused(services: Services) -> None:
    chart = CHARTS["sgos"]
    for state in (None, {"scope": "nowhere", "quarter": "2024-25 Q3", "window": 4},
                  {"scope": "england", "quarter": "someday", "window": 4},
                  {"scope": "england", "quarter": "2024-25 Q3", "window": 5}):
        with pytest.raises(ValueError):
            chart_query(chart, state, services.measures)


def test_a_card_has_title_numbers_caption_table_and_downloads(services: Services) -> None:
    card = chart_card(chart_view(services, CHARTS["children_waiting"],
                                 {"scope": RAA, "quarter": str(Q3), "window": 4, "compare": []}))
    found = {c.id: c for c in card._traverse() if isinstance(getattr(c, "id", None), str)}
    assert found[ids.chart_title("children_waiting")].children.startswith("Children waiting")
    assert found[ids.tile_value("children_waiting")].children not in ("", None)
    downloads = {c.children: c.href for c in card._traverse()
                 if "chart-card__download " in str(getattr(c, "className", ""))}
    assert downloads == {
        f"Download {f.upper()}": f"/api/v1/charts/children_waiting?scope={RAA}&quarter="
        f"{str(Q3).replace(' ', '%20')}&window=4&format={f}" for f in ("csv", "xlsx", "png", "svg")}
    text = str(card)
    assert "Quarterly ASG returns" in text and "Show as table" in text
    assert "/definitions#children_waiting" in text and "/api/v1/measures/children_waiting?" in text


# ---------------------------------------------------------------- figures


def test_england_is_a_dashed_dark_grey_line_and_colours_are_the_palette() -> None:
    frame = frame_of([
        ("ALS", "Adopt London South", "2024-25 Q4", 274, "274"),
        ("ALS", "Adopt London South", "2025-26 Q1", np.nan, "[c]"),
        ("region:London", "London", "2024-25 Q4", 900, "900"),
        ("region:London", "London", "2025-26 Q1", 910, "910"),
        ("england", "England", "2024-25 Q4", 3000, "3,000"),
        ("england", "England", "2025-26 Q1", 3040, "3,040"),
    ])
    figure = go.Figure(trend_figure(frame))
    names = [t.name for t in figure.data]
    assert names == ["Adopt London South", "London", "England"]
    england = figure.data[2]
    assert england.line.color == ENGLAND_COLOUR and england.line.dash == "dash"
    assert {t.line.color for t in figure.data} <= AF_COLOURS
    assert len({t.line.dash for t in figure.data}) == 3  # never colour alone
    assert list(figure.data[0].text) == ["274", "[c]"]
    assert np.isnan(figure.data[0].y[1])  # a hidden value is a gap, not a zero


# ---------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("before", "now", "title"),
    [
        # 100 more is within chance: 1.96 * sqrt(2940 + 3040) = 151.6
        ((2940, "2,940"), (3040, "3,040"),
         "Children waiting: 3,040 in 2025-26 Q1, about the same as last quarter"),
        # 240 more: beyond 1.96 * sqrt(2800 + 3040) = 149.8; more children waiting is worse
        ((2800, "2,800"), (3040, "3,040"), "Children waiting: 3,040 in 2025-26 Q1, more than last quarter: worse"),
        # 260 fewer: beyond 1.96 * sqrt(3300 + 3040) = 156.1
        ((3300, "3,300"), (3040, "3,040"), "Children waiting: 3,040 in 2025-26 Q1, fewer than last quarter: better"),
        ((3040.2, "3,040"), (3040, "3,040"),
         "Children waiting: 3,040 in 2025-26 Q1, about the same as last quarter"),
        ((np.nan, "[x]"), (3040, "3,040"), "Children waiting: 3,040 in 2025-26 Q1"),
        ((3000, "3,000"), (np.nan, "[c]"), "Children waiting in 2025-26 Q1: confidential"),
    ],
)
def test_the_title_states_the_message(before, now, title) -> None:
    frame = frame_of([("ALS", "ALS", "2024-25 Q4", *before), ("ALS", "ALS", "2025-26 Q1", *now)])
    assert active_title(frame, query()) == title


def test_titles_name_the_window_and_units_and_claim_no_change_over_gaps() -> None:
    frame = frame_of([("ALS", "ALS", "2024-25 Q4", 500.4, "500"), ("ALS", "ALS", "2025-26 Q1", 452, "452")])
    q = query("a10_care_to_placed_adjusted", window=4)
    # A10's threshold comes first (426 days); the change, beyond chance (cohorts 500 and 452,
    # the frame's values: 1.96 * sqrt(0.36 * 500.4 + 0.36 * 452) = 36.3 < 48 days), would take
    # the title past its length.
    assert active_title(frame, q) == ("Entering care to placed (adjusted for foster carers): "
                                      "452 days in the year to 2025-26 Q1, above the 14-month "
                                      "threshold")
    a1 = query("a1_care_to_placed", window=4)  # no threshold: the change is said
    assert active_title(frame, a1) == ("Entering care to placed with adopters: 452 days in the "
                                       "year to 2025-26 Q1, shorter than last quarter: better")
    # Nothing is judged from incomplete returns: the title says so instead.
    earlier_incomplete = frame.assign(missing_returns=[2, 0])
    assert active_title(earlier_incomplete, a1).endswith(
        ": 452 days in the year to 2025-26 Q1, last quarter's returns incomplete")
    incomplete = frame.assign(missing_returns=[0, 2], returns_missing=[0, 1],
                              returns_expected=[20, 20], returns_missing_names=["", "Aspire"])
    assert active_title(incomplete, q) == (
        "Entering care to placed (adjusted for foster carers): 452 days in the year to 2025-26 Q1 "
        "(incomplete: 1 of 20 returns missing)")  # the figure's note and the caption name it
    assert period_text(MEASURES["children_waiting"], Quarter.parse("2025-26 Q1"), 12) == "2025-26 Q1"
    assert period_text(MEASURES["sgos"], Quarter.parse("2025-26 Q1"), 12) == "the three years to 2025-26 Q1"


def test_caption_and_headlines() -> None:
    frame = frame_of([
        ("ALS", "Adopt London South", "2025-26 Q1", 293, "293", 1),
        ("england", "England", "2025-26 Q1", 3040, "3,040"),
    ])
    text = caption(frame, query())
    assert text == ("Children waiting, children. Source: Quarterly ASG returns. Period: 2023-24 Q2 "
                    "to 2025-26 Q1. Scope: Adopt London South. Cohort: 293 children. LAs not "
                    "counted: 1 (no return, or one whose format does not carry this figure).")
    named = frame.assign(returns_missing=[1, 0], returns_expected=[1, 20],
                         returns_missing_names=["Adopt London South", ""])
    assert "Returns missing: 1 of 1 expected (Adopt London South). LAs not counted: 1 " in caption(
        named, query())
    assert [tuple(h) for h in headlines(frame, query())] == [
        ("Adopt London South", "293", True), ("England", "3,040", False)]


# ---------------------------------------------------------------- the filter bar


def test_filter_values_follow_the_query_string() -> None:
    assert filter_values() == ("england", "", "", str(DEFAULT_WINDOW), ())
    assert filter_values(scope="region:London", quarter="2024-25 Q4", window="12") == (
        "London", "", "2024-25 Q4", "12", ())
    assert filter_values(scope=["ALS", "330"], window="7", compare="330,region:London") == (
        "england", "ALS", "", str(DEFAULT_WINDOW), ("330", "region:London"))
    assert len(filter_values(quarter="Q" * 1000).quarter) == 100


def test_resolve_filters(services: Services) -> None:
    geography = services.measures.geography()
    known = [str(Q3), str(Q1)]
    view = resolve_filters(geography, known, "england", None, None, None, None)
    assert view.state == {"scope": "england", "quarter": str(Q3), "window": 4, "compare": []}
    assert view.search == "?scope=england&quarter=2024-25%20Q3&window=4"
    # An agency brings its region; a new region outside it drops the agency.
    view = resolve_filters(geography, known, "england", "840", str(Q1), "1", ["942", "840"])
    assert (view.region, view.agency, view.state["scope"]) == ("North East", "840", "840")
    assert view.state["compare"] == ["942"] and "compare=942" in view.search
    view = resolve_filters(geography, known, "North West", "840", str(Q1), "1", None,
                           changed=ids.FILTER_REGION)
    assert (view.agency, view.state["scope"]) == (None, "region:North West")
    assert all(o["value"] != "840" for o in view.agency_options)
    # A link naming what does not exist shows no figures, and says what is wrong.
    view = resolve_filters(geography, known, "Atlantis", "ZZZ", "later", "9", None)
    assert view.state is None and view.search == ""
    assert view.message == ("There is no region called 'Atlantis'. There is no agency with the "
                            "code 'ZZZ'. " + view.message.split("'ZZZ'. ")[1])
    assert view.message.endswith("Choose an area and a quarter above to see the figures.")
    assert "later" in view.message
    view = resolve_filters(geography, known, "england", "840", "2001-02 Q1", "4", None)
    assert view.state is None
    assert view.message == ("No returns are loaded for 2001-02 Q1. Choose an area and a quarter "
                            "above to see the figures.")
    # The controls are set back to what exists, so the next choice shows figures again.
    assert (view.region, view.agency, view.quarter) == ("North East", "840", str(Q3))
    again = resolve_filters(geography, known, view.region, view.agency, view.quarter, "4", None,
                            changed=ids.FILTER_QUARTER)
    assert again.state == {"scope": "840", "quarter": str(Q3), "window": 4, "compare": []}
    assert resolve_filters(geography, [], "england", None, None, None, None).state is None


def test_agency_tree_puts_raas_before_their_las(services: Services) -> None:
    tree = agency_tree(services.measures.geography(), "North East")
    codes = [code for code, *_ in tree]
    assert codes.index("AC2C") + 1 in (codes.index("840"), codes.index("394"))
    assert {depth for code, _, _, depth in tree if code in ("840", "394")} == {1}


# ---------------------------------------------------------------- definitions


def test_definitions_list_every_measure_with_an_anchor() -> None:
    page = layout_for(measure_entries())()
    sections = [c for c in page._traverse() if type(c).__name__ == "Section"]
    assert [s.id for s in sections] == list(MEASURES)
    assert "Age band (age_band)" in str(sections[0])


def test_the_definitions_page_says_how_small_numbers_are_protected(demo_settings) -> None:
    create_app(demo_settings)
    layout = dash.page_registry[definitions.__name__]["layout"]()
    [protection] = [c for c in layout._traverse() if getattr(c, "id", None) == "protection"]
    text = str(protection)
    assert "How small numbers are protected" in text and "moved up or down by at most 3" in text


def test_a_caption_counts_the_partial_returns_behind_the_figure_and_the_title_claims_no_change() -> None:
    # An Overview frame: the scope beside England (as every one is, unless England's published
    # figure stands in for it).
    frame = frame_of([("ALS", "Adopt London South", "2024-25 Q4", 250, "250"),
                      ("ALS", "Adopt London South", "2025-26 Q1", 293, "293", 0, 1),
                      ("england", "England", "2024-25 Q4", 3000, "3,000"),
                      ("england", "England", "2025-26 Q1", 3100, "3,100")])

    assert caption(frame, query()).endswith(
        "Cohort: 293 children. 1 partial return (failing rows held back when loaded, so not "
        "counted).")
    assert active_title(frame, query()) == "Children waiting: 293 in 2025-26 Q1 (incomplete: 1 partial return)"
    whole = frame.assign(partial_returns=0)
    assert "partial" not in caption(whole, query())
    # 43 more is within chance (1.96 * sqrt(250 + 293) = 45.7); England's count is not compared
    assert active_title(whole, query()) == "Children waiting: 293 in 2025-26 Q1, about the same as last quarter"
