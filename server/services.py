"""What every handler and server module may use: the settings, the store, the measures' data
and the disclosure policy, built once by the app factory. Imports config, db and metrics only.

Handlers receive this object through `register(app, services)` rather than reaching for
globals, so a test can hand them a store on its own database. The store and the measure source
each build their session factory in db/ (`from_settings`), over the one connection pool per
database URL that db/engine.py keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

from config import Settings
from db.measure_data import MeasureSource
from db.queries import Store
from metrics.disclosure import DisclosurePolicy


def disclosure_policy(settings: Settings) -> DisclosurePolicy:
    """The thresholds of the DISCLOSURE_* settings; public mode rounds regions and England."""
    return DisclosurePolicy(
        min_count=settings.disclosure_min_count,
        max_count=settings.disclosure_max_count,
        min_cohort=settings.disclosure_min_cohort,
        secondary_limit=settings.disclosure_secondary_limit,
        public_rounding=settings.disclosure_public_rounding,
        public=settings.public_mode,
    )


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store
    measures: MeasureSource
    policy: DisclosurePolicy

    @classmethod
    def from_settings(cls, settings: Settings) -> "Services":
        return cls(
            settings=settings,
            store=Store.from_settings(settings),
            measures=MeasureSource.from_settings(settings),
            policy=disclosure_policy(settings),
        )
