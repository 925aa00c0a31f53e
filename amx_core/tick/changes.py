"""Change triggers (docs/ARCHITECTURE.md §5.9): the tick's two calls into the catalog's change polling.

`amx_core.catalog.polling` refreshes catalogs due a change check and arms change schedules
whose cap has ended (it sets their next_fire_utc); the claim path then fires them. The import is
function-local so a pass with no change schedule never loads the catalog package.
"""

from __future__ import annotations

from datetime import datetime

from amx_core.catalog.views import PollReport
from amx_core.store import Store


def poll_changes(store: Store, now: datetime) -> PollReport:
    """Refresh the catalogs due a change check and arm the change schedules that saw changes."""
    from amx_core.catalog.polling import poll_due_catalogs

    return poll_due_catalogs(store, now)


def due_change_checks(store: Store, now: datetime) -> list[str]:
    """What a dry run would refresh: one entry when a watched catalog is due a check, else none."""
    from amx_core.catalog.polling import catalog_due

    return ["catalog change check"] if catalog_due(store, now) else []
