"""Change triggers (docs/ARCHITECTURE.md §5.9), through the catalog package when it is installed.

`amx_core.catalog.polling` refreshes catalogs due a change check and arms change schedules
whose cap has ended (it sets their next_fire_utc); the claim path then fires them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from amx_core.store import Store


def _polling():
    try:
        from amx_core.catalog import polling
    except ImportError:
        return None
    return polling


def poll_changes(store: Store, now: datetime) -> Any:
    """Refresh the catalogs due a change check; None when the catalog package is not installed."""
    polling = _polling()
    if polling is None or not hasattr(polling, "poll_due_catalogs"):
        return None
    return polling.poll_due_catalogs(store, now)


def due_change_checks(store: Store, now: datetime) -> list:
    """What a dry run would refresh (empty when the catalog package is not installed)."""
    polling = _polling()
    if polling is None or not hasattr(polling, "catalog_due"):
        return []
    due = polling.catalog_due(store, now)
    if isinstance(due, (list, tuple, set)):
        return list(due)
    return [due] if due else []
