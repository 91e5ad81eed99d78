"""Scopes (an LA, an RAA, a VAA, a region, England) and which rows each one counts.

Children and special guardianship orders roll up by the child's LA; adopter households and
support fund figures by the agency that returned them (shared/spec/metrics.md). `Geography` is
the agency registry as a frame, handed in by the caller. Pure: imports pandas and metrics only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import pandas as pd

ENGLAND = "england"
REGION_PREFIX = "region:"
T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    code: str  # an agency code, "region:<name>" or "england"
    name: str
    kind: str  # la, raa, vaa, region, england
    region: str | None = None  # the region it sits in (None for England)


class Geography:
    """The agency registry: who belongs where. `agencies` has columns code, name, kind (LA,
    RAA, VAA), region, raa_code."""

    def __init__(self, agencies: pd.DataFrame):
        self.agencies = agencies.set_index("code", drop=False)
        self._memo: dict[tuple[str, str], frozenset[str]] = {}  # membership never changes here
        self._scopes: dict[str, Scope] = {}  # each scope by its code, once parsed
        self._derived: dict[object, object] = {}

    def derived(self, key: object, make: Callable[[], T]) -> T:
        """`make()`, worked out once per key: what follows from the registry never changes
        while this object lives (the filter bar asks for the same agency lists every time)."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]  # type: ignore[return-value]

    def _remember(self, what: str, scope: Scope, find) -> frozenset[str]:
        key = (what, scope.code)
        if key not in self._memo:
            self._memo[key] = find(scope)
        return self._memo[key]

    @cached_property
    def las(self) -> pd.DataFrame:
        return self.agencies[self.agencies["kind"] == "LA"]

    @cached_property
    def regions(self) -> list[str]:
        return sorted(self.agencies["region"].unique())

    @cached_property
    def names(self) -> dict[str, str]:
        """Agency code -> its name."""
        return {str(c): str(n) for c, n in zip(self.agencies["code"], self.agencies["name"])}

    @cached_property
    def submitter(self) -> dict[str, str]:
        """LA -> the agency that returns its children (its RAA, or itself)."""
        raa = self.las["raa_code"].where(self.las["raa_code"].notna(), self.las["code"])
        return dict(zip(self.las["code"], raa))

    def scope(self, text: str) -> Scope:
        """Parse a scope as the URL and the API write it; ValueError says what is allowed."""
        if (known := self._scopes.get(text)) is None:
            known = self._parse(text)
            if known.code == text:  # kept only as spelled canonically, so the cache stays small
                self._scopes[text] = known
        return known

    def _parse(self, text: str) -> Scope:
        value = str(text or "").strip()
        if value.lower() == ENGLAND:
            return Scope(ENGLAND, "England", "england")
        if value.lower().startswith(REGION_PREFIX):
            name = value[len(REGION_PREFIX):].strip()
            for region in self.regions:
                if region.lower() == name.lower():
                    return Scope(f"{REGION_PREFIX}{region}", region, "region", region)
            raise ValueError(f"unknown region {name!r}; regions are: {', '.join(self.regions)}")
        code = value.upper() if value.upper() in self.agencies.index else value
        if code not in self.agencies.index:
            raise ValueError(
                f"unknown scope {value!r}; use an LA's 3-digit code, an RAA or VAA code, "
                "'region:<Region name>' or 'england'"
            )
        row = self.agencies.loc[code]
        return Scope(code, row["name"], row["kind"].lower(), row["region"])

    def region_of(self, scope: Scope) -> Scope | None:
        if scope.region is None:
            return None
        return self.scope(f"{REGION_PREFIX}{scope.region}")

    def enclosing(self, scope: Scope) -> tuple[str, ...]:
        """The areas that contain a scope: an LA's RAA and region, an RAA's or VAA's region, a
        region's England. Kept per scope: every result of a new area asks (a pandas lookup
        each time cost an LA's filter change some 2%)."""
        return self.derived(("enclosing", scope.code), lambda: self._enclosing(scope))

    def _enclosing(self, scope: Scope) -> tuple[str, ...]:
        if scope.kind == "england":
            return ()
        if scope.kind == "region":
            return (ENGLAND,)
        region = self.region_of(scope)
        parents = [region.code] if region is not None else []
        if scope.kind == "la":
            raa = self.agencies.at[scope.code, "raa_code"]
            if isinstance(raa, str) and raa:
                parents.insert(0, raa)
        return tuple(parents)

    def child_las(self, scope: Scope) -> frozenset[str]:
        """LAs whose children the scope counts (empty for a VAA: children are the LAs')."""
        return self._remember("children", scope, self._child_las)

    def _child_las(self, scope: Scope) -> frozenset[str]:
        las = self.las
        if scope.kind == "england":
            return frozenset(las["code"])
        if scope.kind == "region":
            return frozenset(las.loc[las["region"] == scope.region, "code"])
        if scope.kind == "raa":
            return frozenset(las.loc[las["raa_code"] == scope.code, "code"])
        if scope.kind == "la":
            return frozenset([scope.code])
        return frozenset()

    def household_agencies(self, scope: Scope) -> frozenset[str]:
        """Agencies whose adopter households and support figures the scope counts. Empty for
        an LA inside an RAA: its RAA recruits and returns the households."""
        return self._remember("households", scope, self._household_agencies)

    def _household_agencies(self, scope: Scope) -> frozenset[str]:
        a = self.agencies
        submitting = (a["kind"] != "LA") | a["raa_code"].isna()
        if scope.kind == "england":
            return frozenset(a.loc[submitting, "code"])
        if scope.kind == "region":
            return frozenset(a.loc[submitting & (a["region"] == scope.region), "code"])
        if scope.kind == "la" and pd.notna(a.at[scope.code, "raa_code"]):
            return frozenset()
        return frozenset([scope.code])

    def household_keys(self, scope: Scope) -> frozenset[str]:
        """Agencies whose stored households and support rows the scope counts: its household
        agencies and the member LAs of its RAAs (Annex A lets an LA inside an RAA return its own
        adopters; they are its RAA's, and so its RAA's region's and England's)."""
        return self._remember("household_keys", scope, lambda s: self.household_agencies(s) | frozenset(
            la for raa in self.household_agencies(s) for la in self.raa_members(raa)))

    def raa_members(self, raa: str) -> frozenset[str]:
        """The member LAs of an RAA (empty for any other agency)."""
        members = self.derived("raa_members", lambda: {
            code: frozenset(group["code"]) for code, group in self.las.groupby("raa_code")})
        return members.get(raa, frozenset())

    def expected_submitters(self, scope: Scope, table: str) -> frozenset[str]:
        """Agencies whose returns a figure of `table` for this scope depends on."""
        if table in ("children", "special_guardianship"):
            return frozenset(self.submitter[la] for la in self.child_las(scope))
        return self.household_agencies(scope)


def agency_tree(geography: Geography, region: str | None = None) -> tuple[tuple[str, str, str, int], ...]:
    """(code, name, kind, depth) of every agency, optionally of one region: each RAA followed by
    its member LAs (depth 1), then LAs outside any RAA, then VAAs, each group by name."""
    return geography.derived(("agency_tree", region), lambda: tuple(_agency_tree(geography, region)))


def _agency_tree(geography: Geography, region: str | None) -> list[tuple[str, str, str, int]]:
    a = geography.agencies
    if region:
        a = a[a["region"] == region]
    las = a[a["kind"] == "LA"].sort_values("name")
    tree: list[tuple[str, str, str, int]] = []
    for _, raa in a[a["kind"] == "RAA"].sort_values("name").iterrows():
        tree.append((raa["code"], raa["name"], "raa", 0))
        members = las[las["raa_code"] == raa["code"]]
        tree += [(la["code"], la["name"], "la", 1) for _, la in members.iterrows()]
    alone = las[las["raa_code"].isna() | ~las["raa_code"].isin(a.loc[a["kind"] == "RAA", "code"])]
    tree += [(la["code"], la["name"], "la", 0) for _, la in alone.iterrows()]
    tree += [(v["code"], v["name"], "vaa", 0) for _, v in a[a["kind"] == "VAA"].sort_values("name").iterrows()]
    return tree
