"""ORM tables of the store. Only services touch these; faces get frozen dataclasses.

A name taken from this package loads every table module (so the ORM knows every table and foreign key);
a reader that names a table module itself (`amx_core.models.schedules`, as the schedule listing does)
loads only that one: building a table class costs, and `amx schedule list` needs three of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from amx_core.models.catalog import CatalogChange, CatalogColumn, CatalogSchema, CatalogState, CatalogTable
    from amx_core.models.notify import Notification, Notifier
    from amx_core.models.profiles import DbProfile, LlmProfile
    from amx_core.models.runs import MissedSlot, Occurrence, Run, TickHeartbeat
    from amx_core.models.schedules import Schedule
    from amx_core.models.suggestions import LocalComment, Suggestion, WrittenMark

__all__ = [
    "CatalogChange",
    "CatalogColumn",
    "CatalogSchema",
    "CatalogState",
    "CatalogTable",
    "DbProfile",
    "LlmProfile",
    "LocalComment",
    "MissedSlot",
    "Notification",
    "Notifier",
    "Occurrence",
    "Run",
    "Schedule",
    "Suggestion",
    "TickHeartbeat",
    "WrittenMark",
]


def __getattr__(name: str) -> Any:
    """The table class `name`, after loading every table module (what an eager package import did)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from amx_core.models import catalog, notify, profiles, runs, schedules, suggestions

    for module in (catalog, notify, profiles, runs, schedules, suggestions):
        if hasattr(module, name):
            globals()[name] = getattr(module, name)
    return globals()[name]
