"""The agency registry: regions, LAs with their RAA, RAAs and VAAs.

Read from the CSV files in db/reference/ (copied from the shared reference data, see its
SOURCES.md) and written to the `region` and `agency` tables by `python -m db init`. The
`Registry` value is what the importer and the demo generator consult. Imports db.models only.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Agency, Region

REFERENCE = Path(__file__).resolve().parent / "reference"


@dataclass(frozen=True)
class AgencyEntry:
    code: str
    name: str
    kind: str  # LA, RAA, VAA
    region: str
    ons_code: str | None = None
    raa_code: str | None = None


@dataclass
class Registry:
    agencies: dict[str, AgencyEntry] = field(default_factory=dict)

    @property
    def regions(self) -> list[str]:
        return sorted({a.region for a in self.agencies.values()})

    def of_kind(self, kind: str) -> list[AgencyEntry]:
        return [a for a in self.agencies.values() if a.kind == kind]

    def members(self, raa_code: str) -> list[str]:
        """The LA codes that belong to an RAA."""
        return sorted(a.code for a in self.agencies.values() if a.raa_code == raa_code)

    def returnable_las(self, agency_code: str) -> set[str]:
        """LAs whose children an agency may return: an LA itself, an RAA's members (V04)."""
        agency = self.agencies[agency_code]
        if agency.kind == "LA":
            return {agency.code}
        if agency.kind == "RAA":
            return set(self.members(agency.code))
        return set()


def read_reference(folder: Path = REFERENCE) -> Registry:
    """The registry from the reference CSV files."""
    registry = Registry()
    with open(folder / "regional_adoption_agencies.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            registry.agencies[row["raa_code"]] = AgencyEntry(
                row["raa_code"], row["raa_name"], "RAA", row["region"]
            )
    with open(folder / "voluntary_adoption_agencies.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            registry.agencies[row["vaa_code"]] = AgencyEntry(
                row["vaa_code"], row["vaa_name"], "VAA", row["region"]
            )
    with open(folder / "local_authorities.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            registry.agencies[row["la_code"]] = AgencyEntry(
                row["la_code"],
                row["name"],
                "LA",
                row["region"],
                row["ons_code"] or None,
                row["raa_code"] or None,
            )
    return registry


def load_registry(session: Session, registry: Registry) -> int:
    """Insert or update every region and agency; returns how many agencies changed."""
    existing_regions = set(session.scalars(select(Region.name)))
    for name in registry.regions:
        if name not in existing_regions:
            session.add(Region(name=name))
    session.flush()
    existing = {a.code: a for a in session.scalars(select(Agency))}
    changed = 0
    # RAAs first so that LAs' foreign keys to them resolve.
    for entry in sorted(registry.agencies.values(), key=lambda a: a.kind != "RAA"):
        values = dict(
            name=entry.name,
            kind=entry.kind,
            region=entry.region,
            ons_code=entry.ons_code,
            raa_code=entry.raa_code,
        )
        row = existing.get(entry.code)
        if row is None:
            session.add(Agency(code=entry.code, **values))
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed += 1
        session.flush()
    return changed


def registry_from_db(session: Session) -> Registry:
    """The registry as stored (what the importer validates against)."""
    registry = Registry()
    for a in session.scalars(select(Agency)):
        registry.agencies[a.code] = AgencyEntry(
            a.code, a.name, a.kind, a.region, a.ons_code, a.raa_code
        )
    return registry
