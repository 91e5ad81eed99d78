"""Where each person lands and what the header offers them, on the demo slice: an analyst or a
viewer with agencies granted opens every page on their own agency unless the address names an
area; admins and the public open on England; only those who may load a return are offered
"Load a return"; the Board pack button looks like a button that works. The filter bar's
callback is posted as the page posts it when it opens, in each person's signed-in session."""

from __future__ import annotations

import json

import pytest
from dash import Dash

from app import create_app
from config import Settings
from layouts import ids
from layouts.filters import filter_bar, filter_values
from tests.accounts import signed_in_client
from tests.app.test_security import OWN, callback_request

LOAD_LINK = '"Load a return"'


@pytest.fixture(scope="module")
def demo_app(demo_settings) -> Dash:
    return create_app(demo_settings)


def opened(app: Dash, client, asked_scope: str = "", region: str = "england",
           agency: str | None = None, changed: str | None = None) -> dict:
    """The filter bar's answer as a page posts it: on opening (`changed` None) with the
    address's own scope (`asked_scope`), or after the user changed a control."""
    values = {f"{ids.FILTER_REGION}.value": region, f"{ids.FILTER_AGENCY}.value": agency,
              f"{ids.FILTER_WINDOW}.value": "4", f"{ids.FILTER_COMPARE}.value": [],
              f"{ids.FILTER_ASKED_SCOPE}.data": asked_scope}
    body = callback_request(app, f"{ids.FILTER_STATE}.data", values)
    body["changedPropIds"] = [f"{changed}.value"] if changed else []  # [] when the page opens
    response = client.post("/_dash-update-component", json=body, headers={"Origin": OWN})
    assert response.status_code == 200, response.get_data(as_text=True)
    return json.loads(response.get_data(as_text=True))["response"]


def landed(answer: dict) -> tuple[str, str]:
    return answer[ids.FILTER_STATE]["data"]["scope"], answer[ids.FILTER_URL]["search"]


def test_an_analyst_lands_on_their_own_agency(demo_app) -> None:
    analyst = signed_in_client(demo_app, "land-analyst", "analyst", ["ALS"])
    answer = opened(demo_app, analyst)
    assert landed(answer)[0] == "ALS" and landed(answer)[1].startswith("?scope=ALS&")
    assert answer[ids.FILTER_REGION]["value"] == "London"  # the agency brings its region
    assert answer[ids.FILTER_AGENCY]["value"] == "ALS"


def test_a_viewer_with_an_agency_lands_on_it_and_one_without_on_england(demo_app) -> None:
    assert landed(opened(demo_app, signed_in_client(demo_app, "land-viewer-330", "viewer", ["330"])))[0] == "330"
    assert landed(opened(demo_app, signed_in_client(demo_app, "land-viewer", "viewer")))[0] == "england"


def test_admins_land_on_england(demo_app) -> None:
    assert landed(opened(demo_app, signed_in_client(demo_app, "land-admin", "admin")))[0] == "england"


def test_the_address_wins_and_a_later_choice_is_kept(demo_app) -> None:
    analyst = signed_in_client(demo_app, "land-analyst", "analyst", ["ALS"])
    assert landed(opened(demo_app, analyst, asked_scope="england"))[0] == "england"
    assert landed(opened(demo_app, analyst, asked_scope="330", agency="330"))[0] == "330"
    # Choosing England in the bar after landing: England, not back to the agency.
    assert landed(opened(demo_app, analyst, region="england", changed=ids.FILTER_REGION))[0] == "england"


def test_several_agencies_land_on_the_first_by_code(demo_app) -> None:
    analyst = signed_in_client(demo_app, "land-analyst-two", "analyst", ["942", "330"])
    assert landed(opened(demo_app, analyst))[0] == "330"


def test_a_board_screen_lands_where_its_address_says(demo_app) -> None:
    analyst = signed_in_client(demo_app, "land-analyst", "analyst", ["ALS"])
    analyst.environ_base["HTTP_REFERER"] = f"{OWN}/?present=1"
    assert landed(opened(demo_app, analyst))[0] == "england"


def test_the_header_offers_load_a_return_only_to_those_who_may_load(demo_app, demo_settings) -> None:
    people = {"viewer": ("viewer", []), "viewer with an agency": ("viewer", ["330"]),
              "analyst": ("analyst", ["330"]), "admin": ("admin", [])}
    offered = {}
    for who, (role, agencies) in people.items():
        client = signed_in_client(demo_app, f"header-{who.replace(' ', '-')}", role, agencies)
        offered[who] = LOAD_LINK in client.get("/_dash-layout").get_data(as_text=True)
    assert offered == {"viewer": False, "viewer with an agency": False, "analyst": True,
                       "admin": True}
    admin = signed_in_client(demo_app, "header-admin", "admin")
    presenting = admin.get("/_dash-layout", headers={"Referer": f"{OWN}/?present=1"})
    assert LOAD_LINK not in presenting.get_data(as_text=True)  # a board's screen is a viewer's
    public = create_app(Settings.from_env(environ={}, database_url=demo_settings.database_url,
                                          secret_key="test", public_mode=True))
    assert LOAD_LINK not in public.server.test_client().get("/_dash-layout").get_data(as_text=True)


def test_the_board_pack_button_is_a_solid_primary_button() -> None:
    bar = filter_bar(filter_values())
    [button] = [c for c in walk(bar) if getattr(c, "id", None) == ids.BOARD_PACK]
    assert button.color == "primary" and not getattr(button, "outline", False)
    assert not getattr(button, "disabled", False)


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            yield from walk(child)
