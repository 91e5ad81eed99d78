"""The audit trail of figures leaving the dashboard: a download, a picture, a board pack, a
data API answer. Imports server only.
"""

from __future__ import annotations

from server.auth import caller_of
from server.services import Services


def record_export(services: Services, kind: str, scope: str, quarter: str, detail: str) -> None:
    """One audit event for figures leaving the dashboard (a download, a board pack, a data API
    answer), by the current caller. Written before the answer goes out, so an export whose event
    cannot be written is not sent."""
    services.store.record_event(kind, caller_of(services).name, scope=scope,
                                quarter=quarter, detail=detail)  # fmt: skip
