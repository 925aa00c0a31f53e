"""ORM tables of the store. Only services touch these; faces get frozen dataclasses."""

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
