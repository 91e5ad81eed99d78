"""Where a caller's pages open and what the header offers them (metrics.access.Caller), on a
hand-made registry: an analyst's or a viewer's own agency, never for an admin, a board's screen
or the public; a viewer's own agency shows them no more than any viewer sees."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.access import Caller
from metrics.scope import Geography

GEOGRAPHY = Geography(pd.DataFrame([
    ("R1", "Adopt North", "RAA", "North", None),
    ("101", "Northtown", "LA", "North", "R1"),
    ("102", "Southby", "LA", "South", None),
], columns=["code", "name", "kind", "region", "raa_code"]))  # fmt: skip


def test_an_analyst_or_a_viewer_with_agencies_opens_on_the_first_by_code() -> None:
    assert Caller("ann", "analyst", frozenset({"R1"})).home_agency() == "R1"
    assert Caller("ann", "analyst", frozenset({"R1", "102"})).home_agency() == "102"
    assert Caller("val", "viewer", frozenset({"101"})).home_agency() == "101"


def test_admins_viewers_without_agencies_boards_and_the_public_open_on_england() -> None:
    analyst = Caller("ann", "analyst", frozenset({"R1"}))
    for caller in (Caller("ada", "admin"), Caller.viewer("val"), analyst.on_the_board(),
                   replace(analyst, public=True)):
        assert caller.home_agency() is None, caller


def test_load_a_return_is_for_admins_and_analysts_with_agencies_only() -> None:
    analyst = Caller("ann", "analyst", frozenset({"R1"}))
    assert analyst.may_load_any() and Caller("ada", "admin").may_load_any()
    for caller in (Caller.viewer("val"), Caller("val", "viewer", frozenset({"101"})),
                   Caller("ann", "analyst"), analyst.on_the_board(), replace(analyst, public=True),
                   replace(Caller("ada", "admin"), public=True)):
        assert not caller.may_load_any(), caller


def test_a_viewers_own_agency_opens_nothing_more() -> None:
    viewer = Caller("val", "viewer", frozenset({"R1"}))
    assert not viewer.may_see("R1", GEOGRAPHY) and not viewer.may_see("101", GEOGRAPHY)
    assert not viewer.may_see_records("R1", GEOGRAPHY) and not viewer.may_load("101", GEOGRAPHY)
