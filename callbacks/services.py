"""What every handler may use: the settings and the store, built once by the app factory.

Handlers receive this object through `register(app, services)` rather than reaching for
globals, so a test can hand them a store on its own database. Imports config and db only.
"""

from __future__ import annotations

from dataclasses import dataclass

from config import Settings
from db.queries import Store


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: Store

    @classmethod
    def from_settings(cls, settings: Settings) -> "Services":
        return cls(settings=settings, store=Store.from_settings(settings))
