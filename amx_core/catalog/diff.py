"""The change events between a cached table and its live definition (pure; a rename is a remove plus an add)."""

from __future__ import annotations

from dataclasses import dataclass

from amx_core.catalog.live import LiveColumn
from amx_core.scope.paths import format_path

TABLE_ADDED = "table_added"
TABLE_REMOVED = "table_removed"
COLUMN_ADDED = "column_added"
COLUMN_REMOVED = "column_removed"
TYPE_CHANGED = "type_changed"
NULLABILITY_CHANGED = "nullability_changed"
CHANGE_KINDS = (TABLE_ADDED, TABLE_REMOVED, COLUMN_ADDED, COLUMN_REMOVED, TYPE_CHANGED, NULLABILITY_CHANGED)


@dataclass(frozen=True)
class Change:
    kind: str
    path: str
    detail: str | None = None


@dataclass(frozen=True)
class CachedColumn:
    name: str
    type: str
    nullable: bool


def _null_text(nullable: bool) -> str:
    return "NULL" if nullable else "NOT NULL"


def table_added(schema: str, table: str, kind: str) -> Change:
    return Change(TABLE_ADDED, format_path((schema, table)), kind)


def table_removed(schema: str, table: str) -> Change:
    return Change(TABLE_REMOVED, format_path((schema, table)))


def column_changes(schema: str, table: str, cached: list[CachedColumn], live: tuple[LiveColumn, ...]) -> list[Change]:
    """Column added/removed, type changed, nullability changed; defaults, keys and comments give no event."""
    old = {c.name: c for c in cached}
    new_names = {c.name for c in live}
    changes: list[Change] = []
    for col in live:
        path = format_path((schema, table, col.name))
        before = old.get(col.name)
        if before is None:
            changes.append(Change(COLUMN_ADDED, path, col.type))
            continue
        if before.type != col.type:
            changes.append(Change(TYPE_CHANGED, path, f"{before.type} -> {col.type}"))
        if before.nullable != col.nullable:
            changes.append(
                Change(NULLABILITY_CHANGED, path, f"{_null_text(before.nullable)} -> {_null_text(col.nullable)}")
            )
    for gone in cached:
        if gone.name not in new_names:
            changes.append(Change(COLUMN_REMOVED, format_path((schema, table, gone.name)), gone.type))
    return changes
