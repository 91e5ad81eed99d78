"""Which areas contain a scope (metrics.scope.Geography.enclosing): disclosure control hides an
area's cells whose enclosing count it hides, so each scope must name exactly its parents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.scope import Geography

GEOGRAPHY = Geography(pd.DataFrame([
    ("801", "Inside", "LA", "South West", "RAA1"),
    ("802", "Alone", "LA", "South West", np.nan),
    ("RAA1", "An RAA", "RAA", "South West", np.nan),
    ("VAA1", "A VAA", "VAA", "London", np.nan),
], columns=["code", "name", "kind", "region", "raa_code"]))


def parents(code: str) -> tuple[str, ...]:
    return GEOGRAPHY.enclosing(GEOGRAPHY.scope(code))


def test_an_la_in_an_raa_is_inside_its_raa_then_its_region():
    assert parents("801") == ("RAA1", "region:South West")


def test_an_la_on_its_own_an_raa_and_a_vaa_are_inside_their_region_only():
    assert parents("802") == ("region:South West",)
    assert parents("RAA1") == ("region:South West",)
    assert parents("VAA1") == ("region:London",)


def test_a_region_is_inside_england_and_england_inside_nothing():
    assert parents("region:London") == ("england",)
    assert parents("england") == ()


def test_asking_again_gives_the_same_answer():
    assert parents("801") == parents("801") == ("RAA1", "region:South West")
