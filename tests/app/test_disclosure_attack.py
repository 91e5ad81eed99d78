"""A determined board member (and the public) against disclosure control, on the demo.

The attacker in tests/attacker.py collects every answer a viewer can get for North East and East
Midlands (22 LAs, their RAAs and VAAs, both regions and England), every measure about people
with every breakdown, four quarters, windows 1 and 4; writes down every identity that holds
exactly on the true numbers; and narrows each hidden cell with all of them at once, knowing the
rules and the perturbation table. No hidden cell may be narrowed to one value. The same attack
on the suppression rules alone, without the cell key method, shows the attacker is not blunt:
it recovers thousands of cells there.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import sessionmaker

from app import create_app
from config import Settings
from db.demo import load_demo
from db.engine import engine_for
from db.measure_data import load_geography, load_measure_data
from metrics.disclosure import DisclosurePolicy
from metrics.quarters import Quarter
from tests import attacker
from tests.accounts import signed_in_client

pytestmark = pytest.mark.slow  # a minute of the demo and the attacker: make test runs it, make test-fast does not

FIRST, LAST = Quarter.parse("2024-25 Q3"), Quarter.parse("2025-26 Q2")
REGIONS = ["North East", "East Midlands"]


@pytest.fixture(scope="module")
def attack_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("attack") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    load_demo(sessionmaker(engine_for(url), expire_on_commit=False), first=FIRST, last=LAST)
    yield url
    engine_for(url).dispose()


@pytest.fixture(scope="module")
def battle(attack_url: str):
    """Everything the attacker collected, and the identities it wrote down."""
    sessions = sessionmaker(engine_for(attack_url), expire_on_commit=False)
    data, geography = load_measure_data(sessions, FIRST, LAST), load_geography(sessions)
    data.memo, data.row_memo = {}, {}
    scopes = attacker.sample_scopes(geography, REGIONS)
    quarters = [FIRST + k for k in range(4)]
    collected = attacker.collect(data, geography, scopes, quarters, DisclosurePolicy(),
                                 only=("viewer", "public", "suppression only"))
    return collected, geography, scopes, attacker.identities(collected, geography, scopes)


def test_the_sample_is_the_issue_s_and_the_identities_hold(battle) -> None:
    collected, geography, scopes, eqs = battle
    kinds = {geography.scope(s).kind for s in scopes}
    assert sum(geography.scope(s).kind == "la" for s in scopes) == 22 and kinds >= {"la", "raa", "region", "england"}
    assert set(collected.rows["quarter"]) == {str(FIRST + k) for k in range(4)}
    assert set(collected.rows["window"]) == {1, 4}
    # every kind of identity the issue names was found, many times over
    for kind in ("breakdown cells add up to the Total", "a breakdown's Total is the headline",
                 "an area is its members", "a window is its quarters", "age bands are their single years",
                 "a share's cohort is its part and its rest",
                 "counts of other measures that are the same children"):
        assert eqs.kinds[kind] > 1000, kind


@pytest.mark.parametrize("audience", ["viewer", "public"])
def test_no_hidden_cell_is_narrowed_to_one_value(battle, audience, record_property) -> None:
    collected, geography, scopes, eqs = battle
    outcome = attacker.attack(collected, geography, scopes, audience, eqs=eqs)
    record_property("hidden", outcome.hidden)
    record_property("recovered", outcome.recovered)
    print(f"\n{audience}: {outcome.hidden} hidden cells tried, {outcome.recovered} recovered exactly, "
          f"{outcome.narrowed} narrowed, {outcome.zeros} hidden empty categories found empty")
    assert outcome.unsound == [], "the attacker assumed more than the rules say"
    assert outcome.hidden > 50_000
    assert outcome.recovered == 0, outcome.recovered_cells[:20]


def test_suppression_alone_would_give_thousands_of_cells_away(battle) -> None:
    """The same attacker on the same rules without perturbation: it is not blunt."""
    collected, geography, scopes, eqs = battle
    outcome = attacker.attack(collected, geography, scopes, "suppression only", perturbed=False, eqs=eqs)
    assert outcome.unsound == []
    assert outcome.recovered > 1000


def test_the_attacker_reads_what_the_data_api_serves(battle, attack_url: str) -> None:
    """The answers collected are the API's, shown text for shown text."""
    collected, *_ = battle
    settings = Settings.from_env(environ={}, database_url=attack_url, secret_key="test")
    client = signed_in_client(create_app(settings))
    rows, viewer = collected.rows, collected.shown["viewer"]
    for measure, scope, breakdown, window in [("adoption_orders", "TEES", "age_band", 4),
                                              ("children_waiting", "region:North East", "ethnic_group", 1),
                                              ("sgo_share", "892", "", 4)]:
        answer = client.get(f"/api/v1/measures/{measure}?scope={scope}&quarter={LAST}"
                            f"&window={window}&by={breakdown}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        got = [r["shown"] for r in answer.get_json()["rows"]]
        mask = ((rows["measure"] == measure) & (rows["scope"] == scope) & (rows["quarter"] == str(LAST))
                & (rows["window"] == window) & (rows["breakdown"] == breakdown)).to_numpy()
        assert got == viewer["shown"][mask].tolist()
