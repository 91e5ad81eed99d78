"""Child-level records on the hand-built dataset (tests/measures_dataset.py), on SQLite and
PostgreSQL: the longest-waiting list is the measure's children, longest first, with the
contract's fields; only admins and analysts granted every LA of the scope get it, from the data
layer, the API (401 without a working token, 403 outside the grants) and the Children waiting
page's card, also when its Dash callback is posted by hand in a signed-in analyst's session;
every API export is audited without naming a child."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pandas as pd
import pytest
from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

import db.records
from app import create_app
from callbacks import records
from server import records as records_api
from server.services import Services
from config import Settings
from db import users
from db.engine import engine_for
from db.measure_data import load_geography, load_measure_data
from db.models import Child
from db.records import RECORD_COLUMNS, RecordsRefused
from layouts import ids
from metrics.access import Caller
from tests.oracles import compute
from metrics.quarters import Quarter
from metrics.selection import Selection
from tests.accounts import PASSWORD, signed_in_client
from tests.conftest import fresh_database
from tests.measures_dataset import BEFORE, Q1, Q2, Q3, load_dataset
from tests.app.test_security import OWN, callback_request

ADMIN = Caller("ada", "admin")
COAST = Caller("cora", "analyst", frozenset({"AC2C"}))  # Adopt Coast to Coast: 840 and 394
VIEWER = Caller.viewer("vic")
NE = "region:North East"
# AC2C's children waiting at 31 Dec 2024 (tests/db/test_measures_by_hand.py), longest first: days
# from the placement order to 31 Dec 2024; C12-C14 tie at 365 and go by child id.
AC2C_Q3 = [("C01", 747), ("C11", 543), ("C12", 365), ("C13", 365), ("C14", 365), ("C30", 275),
           ("C20", 200), ("C09", 164), ("C10", 29)]


@dataclass(frozen=True)
class Dataset:
    url: str
    sessions: sessionmaker[Session]
    services: Services
    tokens: dict[str, str]  # user name -> a live API token ("gone": revoked)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dataset]:
    """The dataset once per backend, with an admin, two analysts, a viewer and their tokens."""
    folder = tmp_path_factory.mktemp(f"records-{request.param}")
    with fresh_database(request, folder, request.param, "records") as url:
        sessions = sessionmaker(engine_for(url), expire_on_commit=False)
        load_dataset(sessions, folder / "files")
        tokens = {}
        with sessions() as session, session.begin():
            for user, role, agencies in (("ada", "admin", ()), ("cora", "analyst", ("AC2C",)),
                                         ("lena", "analyst", ("942",)), ("vic", "viewer", ()),
                                         ("gone", "analyst", ("AC2C",))):
                users.add_user(session, user, PASSWORD, role, agencies, actor="setup")
                tokens[user] = users.issue_token(session, user, actor="setup")
            users.revoke_tokens(session, "gone", actor="setup")
        settings = Settings.from_env(environ={}, database_url=url, secret_key="test")
        yield Dataset(url, sessions, Services.from_settings(settings), tokens)


def listed(store: Dataset, caller: Caller, scope: str, quarter: Quarter) -> pd.DataFrame:
    return store.services.store.children_waiting_records(
        caller, store.services.measures.geography(), scope, quarter)


def client(store: Dataset, **overrides: object) -> FlaskClient:
    settings = Settings.from_env(environ={}, database_url=store.url, secret_key="test", **overrides)
    return create_app(settings).server.test_client()


def get(store: Dataset, token: str | None = None, **params: str):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client(store).get(records_api.PATH, query_string=params, headers=headers)


# ---------------------------------------------------------------- the data layer


def records_card_as(app, client, scope: str, quarter: Quarter, asked: bool = True) -> str:
    """The longest-waiting card's callback answer for `scope`, posted as the page posts it: on
    "Show the list" pressed (`asked`) or on a new selection."""
    state = {"scope": scope, "quarter": str(quarter), "window": 1, "compare": []}
    values = {f"{ids.FILTER_STATE}.data": state}
    if asked:  # the button first: the request names it as what changed
        values = {f"{ids.CHILDREN_WAITING_RECORDS_SHOW}.n_clicks": 1, **values}
    body = callback_request(app, f"{ids.CHILDREN_WAITING_RECORDS_GRID}.rowData", values)
    response = client.post("/_dash-update-component", json=body, headers={"Origin": OWN})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("scope, quarter", [("AC2C", Q3), ("840", Q3), ("394", Q2), ("942", Q1),
                                            ("942", Q3), (NE, Q3), ("england", Q1), ("england", Q2)])
def test_the_list_holds_the_children_the_measure_counts_longest_first(store, scope, quarter) -> None:
    rows = listed(store, ADMIN, scope, quarter)
    data = load_measure_data(store.sessions, BEFORE, Q3)
    measure = compute(Selection("children_waiting", scope, quarter), data, load_geography(store.sessions))
    assert len(rows) == measure["value"].iloc[0]
    assert tuple(rows.columns) == RECORD_COLUMNS
    assert rows["days_waiting"].is_monotonic_decreasing


def test_adopt_coast_to_coasts_list_by_hand(store) -> None:
    rows = listed(store, ADMIN, "AC2C", Q3)
    assert list(zip(rows["child_id"], rows["days_waiting"])) == AC2C_Q3
    first = rows.iloc[0].to_dict()
    assert first == {"child_id": "C01", "la_code": "840", "age": 7, "sex": "F",
                     "ethnic_group": "White", "sibling_group_id": None, "disability": False,
                     "placement_order_date": "2022-12-15", "matched_date": None,
                     "days_waiting": 747}
    c14 = rows[rows["child_id"] == "C14"].iloc[0]
    assert (c14["la_code"], c14["age"], c14["ethnic_group"], c14["sibling_group_id"],
            c14["disability"]) == ("394", 4, "Black", "S1", True)
    assert rows.loc[rows["child_id"] == "C09", "matched_date"].item() == "2024-11-05"


def test_an_analyst_sees_the_las_granted_and_nothing_else(store) -> None:
    assert set(listed(store, COAST, "840", Q3)["child_id"]) == {"C01", "C09", "C10", "C30"}
    assert len(listed(store, COAST, "394", Q3)) == 5
    for scope in ("942", NE, "england"):  # NE and England have LAs outside the grant
        with pytest.raises(RecordsRefused, match="analysts granted every LA"):
            listed(store, COAST, scope, Q3)
    assert len(listed(store, ADMIN, "england", Q3)) == 12


@pytest.mark.parametrize("caller", [VIEWER, replace(ADMIN, public=True), COAST])
def test_refusal_comes_before_any_child_row_is_read(store, caller, monkeypatch) -> None:
    def no_reading(*args, **kwargs):
        raise AssertionError("a child row was read for a caller who may not see it")

    monkeypatch.setattr(db.records, "current_rows", no_reading)
    with pytest.raises(PermissionError):
        listed(store, caller, "942", Q3)


# ---------------------------------------------------------------- the API


def test_the_api_needs_a_working_token(store) -> None:
    params = {"scope": "AC2C", "quarter": str(Q3)}
    missing = get(store, **params)
    assert missing.status_code == 401 and "rows" not in missing.get_json()
    assert "Authorization: Bearer" in missing.get_json()["error"]
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    for token in (store.tokens["gone"], "not-a-token"):
        refused = get(store, token, **params)
        assert refused.status_code == 401 and "rows" not in refused.get_json()
        assert "token is not valid" in refused.get_json()["error"]
        assert refused.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    basic = client(store).get(records_api.PATH, query_string=params,
                              headers={"Authorization": "Basic YWRhOnB3"})
    assert basic.status_code == 401 and "rows" not in basic.get_json()


def test_the_api_answers_403_outside_the_grants(store) -> None:
    for user, scope in (("vic", "AC2C"), ("cora", "942"), ("lena", "AC2C"), ("cora", NE)):
        response = get(store, store.tokens[user], scope=scope, quarter=str(Q3))
        assert response.status_code == 403, (user, scope)
        assert scope.removeprefix("region:") in response.get_json()["error"]
        assert "rows" not in response.get_json()


def test_the_api_lists_a_granted_scope_in_the_contracts_fields(store) -> None:
    body = get(store, store.tokens["cora"], scope="AC2C", quarter=str(Q3)).get_json()
    assert [(r["child_id"], r["days_waiting"]) for r in body["rows"]] == AC2C_Q3
    assert list(body["rows"][0]) == list(RECORD_COLUMNS)
    assert [r["child_id"] for r in get(store, store.tokens["lena"], scope="942",
                                       quarter=str(Q3)).get_json()["rows"]] == ["C21", "C26", "C29"]
    everyone = get(store, store.tokens["ada"], scope="england", quarter=str(Q1)).get_json()
    assert len(everyone["rows"]) == 13


@pytest.mark.parametrize("params, message", [
    ({"scope": "AC2C", "quarter": str(Q3), "by": "age_band"}, "unknown parameter"),
    ({"quarter": str(Q3)}, "scope is required"),
    ({"scope": "XYZ", "quarter": str(Q3)}, "XYZ"),
    ({"scope": "AC2C", "quarter": "2024 Q9"}, "quarter"),
    ({"scope": "AC2C", "quarter": str(Q3), "format": "pdf"}, "format must be one of"),
])
def test_bad_parameters_get_400(store, params, message) -> None:
    response = get(store, store.tokens["ada"], **params)
    assert response.status_code == 400 and message in response.get_json()["error"]


def test_a_csv_export_is_formula_escaped(store) -> None:
    hostile = '=HYPERLINK("http://x","y")'
    with store.sessions() as session, session.begin():
        session.execute(update(Child).where(Child.child_id == "C10").values(child_id=hostile))
    try:
        response = get(store, store.tokens["cora"], scope="840", quarter=str(Q3), format="csv")
    finally:
        with store.sessions() as session, session.begin():
            session.execute(update(Child).where(Child.child_id == hostile).values(child_id="C10"))
    assert response.status_code == 200
    assert 'filename="children_waiting_records_840_2024-25-Q3.csv"' in response.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["child_id"] for r in table] == ["C01", "C30", "C09", "'" + hostile]


def test_every_export_is_audited_without_a_child(store) -> None:
    before = len(store.services.store.audit_events(kind="export", user="lena"))
    get(store, store.tokens["lena"], scope="942", quarter=str(Q3), format="xlsx")
    get(store, store.tokens["lena"], scope="942", quarter=str(Q1))
    get(store, store.tokens["lena"], scope="AC2C", quarter=str(Q3))  # refused: no export
    events = store.services.store.audit_events(kind="export", user="lena")
    assert len(events) == before + 2
    assert set(zip(events["scope"][:2], events["quarter"][:2])) == {("942", str(Q3)), ("942", str(Q1))}
    written = " ".join(str(v) for v in events.drop(columns="at").to_numpy().ravel())
    assert not any(child in written for child in ("C21", "C23", "C26", "C29"))


def test_a_public_dashboard_has_no_records(store) -> None:
    response = client(store, public_mode=True).get(
        records_api.PATH, query_string={"scope": "942", "quarter": str(Q3)},
        headers={"Authorization": f"Bearer {store.tokens['ada']}"})
    assert response.status_code == 404 and "rows" not in response.get_json()


# ---------------------------------------------------------------- the page's card


def test_the_card_shows_a_viewer_the_message_and_a_granted_analyst_the_list(store) -> None:
    state = {"scope": "AC2C", "quarter": str(Q3), "window": 1, "compare": []}
    for asked in (False, True):
        viewer = records.records_view(store.services, VIEWER, state, asked)
        assert (viewer.rows, viewer.message, viewer.offer, viewer.shown) == ([], records.REFUSED, False, False)
    offered = records.records_view(store.services, COAST, state, asked=False)
    assert offered.rows == [] and offered.offer and not offered.shown
    assert offered.message == ("Press \u201cShow the list\u201d to see the children waiting in "
                               "Adopt Coast to Coast at the end of 2024-25 Q3, longest wait first.")
    analyst = records.records_view(store.services, COAST, state, asked=True)
    assert [(r["child_id"], r["days_waiting"]) for r in analyst.rows] == AC2C_Q3
    assert analyst.shown and not analyst.offer
    assert analyst.message == "9 children waiting in Adopt Coast to Coast at the end of 2024-25 Q3, longest wait first."


def test_the_grid_names_each_la_and_says_yes_or_no(store) -> None:
    state = {"scope": "AC2C", "quarter": str(Q3), "window": 1, "compare": []}
    rows = records.records_view(store.services, COAST, state, asked=True).rows
    names = store.services.measures.geography().agencies["name"]
    assert rows[0] == {"child_id": "C01", "la_name": names["840"], "age": 7, "sex": "F",
                       "ethnic_group": "White", "sibling_group_id": None, "disability": "No",
                       "placement_order_date": "2022-12-15", "matched_date": None,
                       "days_waiting": 747}
    c14 = next(r for r in rows if r["child_id"] == "C14")
    assert (c14["la_name"], c14["disability"], c14["sibling_group_id"]) == (names["394"], "Yes", "S1")
    assert not any(value in ("840", "394") for row in rows for value in row.values())


def test_nothing_child_level_is_read_or_audited_until_the_list_is_asked_for(store, monkeypatch) -> None:
    def no_reading(*args, **kwargs):
        raise AssertionError("a child row was read before the list was asked for")

    before = len(store.services.store.audit_events(user="ada"))
    monkeypatch.setattr(db.records, "current_rows", no_reading)
    for scope in ("AC2C", "england", NE):
        state = {"scope": scope, "quarter": str(Q3), "window": 1, "compare": []}
        view = records.records_view(store.services, ADMIN, state, asked=False)
        assert view.rows == [] and view.offer and not view.shown
    assert len(store.services.store.audit_events(user="ada")) == before


@pytest.mark.parametrize("caller, message", [(replace(ADMIN, public=True), records.PUBLIC),
                                             (ADMIN.on_the_board(), records.ON_THE_BOARD),
                                             (replace(COAST, board=True), records.ON_THE_BOARD)])
def test_public_and_board_mode_never_offer_the_list(store, caller, message) -> None:
    state = {"scope": "AC2C", "quarter": str(Q3), "window": 1, "compare": []}
    for asked in (False, True):
        assert records.records_view(store.services, caller, state, asked) == ([], message, False, False)


def test_the_cards_callback_posted_by_hand_gives_no_other_agencys_children(store) -> None:
    app: Dash = create_app(Settings.from_env(environ={}, database_url=store.url, secret_key="test"))
    cora = signed_in_client(app, "cora", "analyst", ["AC2C"])  # COAST, signed in through the form

    def post(scope: str) -> str:
        return records_card_as(app, cora, scope, Q3)

    assert "C01" in post("AC2C")  # the granted scope's list comes through the same route
    other = post("942")
    assert records.REFUSED in other
    assert not any(child in other for child in ("C21", "C26", "C29"))


def test_every_view_of_the_list_on_the_page_is_audited_without_a_child(store) -> None:
    app: Dash = create_app(Settings.from_env(environ={}, database_url=store.url, secret_key="test"))
    cora = signed_in_client(app, "cora", "analyst", ["AC2C"])
    audit_log = store.services.store.audit_events
    before = len(audit_log(user="cora"))

    def view(scope: str, quarter: Quarter) -> str:
        return records_card_as(app, cora, scope, quarter)

    assert "C01" in view("AC2C", Q3)
    assert "C01" not in view("942", Q3)  # refused: nothing shown, so nothing is recorded
    assert "C01" not in records_card_as(app, cora, "AC2C", Q3, asked=False)  # not asked: nothing

    events = audit_log(user="cora")
    assert len(events) == before + 1
    newest = events.iloc[0]
    assert (newest["kind"], newest["scope"], newest["quarter"]) == ("records_view", "AC2C", str(Q3))
    assert newest["detail"] == f"children_waiting records shown on the page: {len(AC2C_Q3)} rows"
    written = " ".join(str(v) for v in events.drop(columns="at").to_numpy().ravel())
    assert not any(child in written for child, _ in AC2C_Q3)
