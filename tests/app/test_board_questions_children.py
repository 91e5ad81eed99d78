"""The board's questions about children, special guardianship and the support fund, each on a
page (issue 18): A3, disruptions and decisions reversed on Timeliness, the under-5s on Children
waiting, orders by age and carer together and the support fund's money on Special
guardianship, and each child breakdown's shares beside the region's and England's on
Sufficiency. Checked on three quarters of demo returns, without a browser: the figures agree
with each other as a board would read them (an admin sees exact numbers, so parts add up to
their wholes), and a viewer never sees a share of a count hidden from them."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from callbacks.chart_pages import page_cards
from charts import CHARTS
from charts.view import ChartView, view
from layouts import ids
from metrics.access import Caller
from metrics.disclosure import SYMBOLS, DisclosurePolicy
from metrics.selection import Selection
from server.services import Services
from tests.chart_page_helpers import ALS, frame_for, page_charts
from tests.conftest import DEMO_SLICE
from tests.oracles import measure_frame

LAST = DEMO_SLICE[1]
ADMIN = Caller("board-questions", "admin")
ON_THE_PAGE = {
    "timeliness": ("timeliness_a3", "timeliness_disruptions", "timeliness_reversed",
                   "timeliness_reversed_by_reason"),
    "children_waiting": ("waiting_under_5",),
    "special_guardianship": ("sgos_by_age_and_guardian", "asf_money", "asf_money_share_sg"),
    "sufficiency": ("sufficiency_by_age_band", "sufficiency_by_ethnic_group",
                    "sufficiency_by_sibling", "sufficiency_by_disability",
                    "sufficiency_by_harder_to_place", "sufficiency_breakdown_trend"),
}


def admin_view(services: Services, chart: str, state: dict = ALS) -> ChartView:
    return view(CHARTS[chart], state, services.measures, ADMIN, services.policy)


def at(frame: pd.DataFrame, scope: str = "ALS", quarter=LAST, **where) -> pd.DataFrame:
    rows = frame[(frame["scope"] == scope) & (frame["quarter"] == str(quarter))]
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows


@pytest.mark.parametrize("page", list(ON_THE_PAGE))
def test_each_board_question_has_its_card_on_its_page(demo_services: Services, page: str) -> None:
    assert set(ON_THE_PAGE[page]) <= set(page_charts(page))
    cards = page_cards(demo_services, page, ALS)
    found = {c.id for card in cards for c in card._traverse() if isinstance(getattr(c, "id", None), str)}
    for chart in ON_THE_PAGE[page]:
        assert ids.chart_title(chart) in found, chart


def test_under_5s_are_the_under_1_and_1_to_4_bands_with_the_region_and_england_beside(
        demo_services: Services) -> None:
    shown = admin_view(demo_services, "waiting_under_5")
    assert list(dict.fromkeys(shown.frame["scope"]))[:3] == ["ALS", "region:London", "england"]
    data = demo_services.measures.data_for([LAST])
    bands = measure_frame(Selection("children_waiting", "ALS", LAST, breakdown="age_band"), data,
                          demo_services.measures.geography(), ADMIN, DisclosurePolicy())
    under_5 = bands.set_index("category").loc[["Under 1", "1-4"], "value"].sum()
    assert at(shown.frame)["value"].iloc[0] == under_5 > 0
    # The card's numbers: the scope big, the region and England beside it.
    assert [h.label for h in shown.headlines][:3] == ["Adopt London South", "London", "England"]
    assert shown.headlines[0].main and f"{under_5:,.0f}" == shown.headlines[0].shown


def test_orders_by_age_and_carer_add_up_to_each_alone(demo_services: Services) -> None:
    crossed = admin_view(demo_services, "sgos_by_age_and_guardian").frame
    parts = crossed[crossed["category"] != "Total"]
    guardian = parts["category"].str.split(" · ").str[0]
    band = parts["category"].str.split(" · ").str[1]
    assert len(parts) == 16 and list(dict.fromkeys(band)) == ["Under 1", "1-4", "5-9", "10+"]
    by_guardian = admin_view(demo_services, "sgos_by_guardian").frame.set_index("category")["value"]
    by_band = admin_view(demo_services, "sgos_by_age_band").frame.set_index("category")["value"]
    assert parts.groupby(guardian)["value"].sum().to_dict() == by_guardian.drop("Total").to_dict()
    assert parts.groupby(band)["value"].sum().to_dict() == by_band.drop("Total").to_dict()
    total = crossed.set_index("category").loc["Total", "value"]
    assert total == by_guardian["Total"] > 0
    # The carers are named in words on the bars and in the table.
    figure = go.Figure(CHARTS["sgos_by_age_and_guardian"].figure(crossed))
    assert figure.layout.barmode == "stack"
    assert [t.name for t in figure.data] == ["Foster carer, relative or friend",
                                             "Foster carer, other", "Relative or friend",
                                             "Other carer"]
    assert "Relative or friend · 1-4" in set(crossed["category_label"])


def test_money_by_applicant_adds_up_and_the_share_is_the_special_guardians_pounds(
        demo_services: Services) -> None:
    money = admin_view(demo_services, "asf_money").frame
    now = at(money).set_index("category")["value"]
    assert now["Adoption"] + now["Special guardianship"] == pytest.approx(now["Total"], abs=0.01)
    assert set(at(money)["shown"].str[0]) == {"£"}
    share = at(admin_view(demo_services, "asf_money_share_sg").frame)["value"].iloc[0]
    assert share == pytest.approx(100 * now["Special guardianship"] / now["Total"])
    # The trend's quarters before the demo slice have no return: [x], never £0; those with
    # returns have every bar.
    loaded = money["quarter"].isin([str(DEMO_SLICE[0] + i) for i in range(3)])
    assert money["quarter"].nunique() == 8 and money.loc[loaded, "value"].notna().all()
    assert set(money.loc[~loaded, "shown"]) == {"[x]"}
    title = CHARTS["asf_money"].title(money, admin_view(demo_services, "asf_money").query)
    assert title.startswith(at(money, category="Total")["shown"].iloc[0])
    assert "for special guardianship families" in title


def test_a_viewer_sees_shares_only_of_counts_they_see(demo_services: Services) -> None:
    data = demo_services.measures.data_for([LAST])
    geography = demo_services.measures.geography()
    checked = hidden = 0
    for breakdown in ("age_band", "ethnic_group", "sibling", "disability", "harder_to_place"):
        frame, _ = frame_for(demo_services, f"sufficiency_by_{breakdown}")
        for scope in dict.fromkeys(frame["scope"]):
            counts = measure_frame(Selection("children_waiting", scope, LAST, breakdown=breakdown),
                                   data, geography, Caller.viewer(), DisclosurePolicy())
            counts = counts.set_index("category")
            total = counts.loc["Total"]
            for _, row in at(frame, scope).iterrows():
                count = counts.loc[row["category"]]
                if count["shown"] in SYMBOLS or total["shown"] in SYMBOLS:
                    assert row["shown"] in SYMBOLS and pd.isna(row["value"])
                    hidden += 1
                else:
                    assert row["value"] == pytest.approx(100 * count["value"] / total["value"])
                    checked += 1
    assert checked > 0


def test_share_charts_draw_the_scope_region_and_england_with_england_grey_and_hatched(
        demo_services: Services) -> None:
    frame, _ = frame_for(demo_services, "sufficiency_by_harder_to_place")
    figure = go.Figure(CHARTS["sufficiency_by_harder_to_place"].figure(frame))
    assert [t.name for t in figure.data] == ["Adopt London South", "London", "England"]
    england = figure.data[-1]
    assert england.marker.color == "#3D3D3D" and england.marker.pattern.shape == "/"
    assert list(figure.data[0].x) == ["Yes", "No"]  # the Total (100%) is left to the table
    drawn = [t for trace in figure.data for t in trace.text]
    table = list(frame[frame["category"] != "Total"]["shown"])
    assert sorted(drawn) == sorted(table)


def test_the_age_bands_shares_over_time(demo_services: Services) -> None:
    frame, query = frame_for(demo_services, "sufficiency_breakdown_trend")
    assert set(frame["scope"]) == {"ALS"} and frame["quarter"].nunique() == 8
    figure = go.Figure(CHARTS["sufficiency_breakdown_trend"].figure(frame))
    assert [t.name for t in figure.data] == ["Under 1", "1-4", "5-9", "10+"]
    assert figure.layout.yaxis.ticksuffix == "%"
    # The latest quarter is labelled on the axis.
    assert figure.layout.xaxis.ticktext[-1] == str(LAST)[2:]


def test_decisions_reversed_by_reason_are_named_in_words(demo_services: Services) -> None:
    frame, query = frame_for(demo_services, "timeliness_reversed_by_reason")
    labels = dict(zip(frame["category"], frame["category_label"]))
    assert labels["RD3"] == "No adopters found" and labels["RD1"] == "Needs changed"
    title = CHARTS["timeliness_reversed_by_reason"].title(frame, query)
    assert "reason decisions that a child should be adopted were reversed in Adopt London South" in title
    assert not any(code in title for code in ("RD1", "RD2", "RD3", "RD4"))


def test_a3_is_set_beside_the_region_and_england(demo_services: Services) -> None:
    frame, _ = frame_for(demo_services, "timeliness_a3")
    assert list(dict.fromkeys(frame["scope"]))[:3] == ["ALS", "region:London", "england"]
    assert set(frame["value_type"]) == {"percent"}
    # Compared with Birmingham, a ranked bar of the latest values, as the Overview's tiles
    figure = go.Figure(CHARTS["timeliness_a3"].figure(frame))
    assert {"Adopt London South", "London", "England", "Birmingham"} <= set(figure.data[0].y)
    # With no area compared, the trend: a line each for the area and England
    frame, _ = frame_for(demo_services, "timeliness_a3", {**ALS, "compare": []})
    figure = go.Figure(CHARTS["timeliness_a3"].figure(frame))
    assert {"Adopt London South", "England"} <= {t.name for t in figure.data}
