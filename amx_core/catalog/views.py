"""Frozen results of the catalog services: safe to hand to the TUI, the CLI and other threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from amx_core.instants import iso
from amx_core.wording import written_label

NODE_KINDS = ("schema", "table", "view", "materialized_view", "column")


@dataclass(frozen=True)
class ChangeEventView:
    """One schema change seen by a refresh; `path` is `schema.table[.column]` as scope paths write it."""

    id: int
    kind: str
    path: str
    at: datetime
    detail: str | None
    database: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "path": self.path, "at": iso(self.at), "detail": self.detail}


@dataclass(frozen=True)
class RefreshReport:
    """What one refresh did: sizes of the refreshed branch, what it re-read, and the changes it recorded."""

    profile: str
    database: str
    scope: tuple[str, ...]
    tables: int
    columns: int
    checked: int  # tables whose definition was compared with the cache
    reflected: int  # tables read again through the inspector
    changes: tuple[ChangeEventView, ...]
    duration_seconds: float
    fast_path: bool  # PostgreSQL: fingerprints came from one catalog query
    baseline: bool  # nothing was cached for this branch yet, so no change was recorded

    def to_json(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "database": self.database,
            "scope": list(self.scope),
            "tables": self.tables,
            "columns": self.columns,
            "checked": self.checked,
            "reflected": self.reflected,
            "changes": [c.to_json() for c in self.changes],
            "duration_seconds": round(self.duration_seconds, 4),
            "fast_path": self.fast_path,
            "baseline": self.baseline,
        }


@dataclass(frozen=True)
class CatalogNode:
    """One node of the ScopeTree; `child_count` is None while that branch has not been read yet."""

    path: tuple[str, ...]
    name: str
    kind: str  # schema | table | view | materialized_view | column
    child_count: int | None
    detail: str | None = None  # a column's type (with NOT NULL / PK / FK marks)
    comment: str | None = None  # as the last refresh read it
    # the description there now and who wrote it (services.descriptions fills them; schemas have none)
    description: str | None = None
    written_by: str | None = None  # person | amx | reviewed | None (no description)
    written_run: int | None = None  # the run whose suggestion AMX wrote (amx, reviewed)

    @property
    def written(self) -> str | None:
        """Who wrote the description, for people: `person`, `amx (run 3)`, `reviewed (run 3)`; None: none."""
        return written_label(self.written_by, self.written_run)

    def to_json(self) -> dict[str, Any]:
        from amx_core.scope.paths import format_path

        return {
            "path": format_path(self.path),
            "name": self.name,
            "kind": self.kind,
            "child_count": self.child_count,
            "detail": self.detail,
            "comment": self.comment,
            "description": self.description,
            "written_by": self.written_by,
            "run": self.written_run,
        }


@dataclass(frozen=True)
class ChildPage:
    """A page of children of one path: `items[offset:offset+limit]` of `total`."""

    path: tuple[str, ...]
    items: tuple[CatalogNode, ...]
    total: int
    offset: int
    descriptions_from: str | None = None  # database (read live), local (the AMX local catalog), cache (the last
    # refresh: the server could not be reached), None (not read)

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total

    def to_json(self) -> dict[str, Any]:
        from amx_core.scope.paths import format_path

        return {
            "path": format_path(self.path) if self.path else "",
            "total": self.total,
            "offset": self.offset,
            "descriptions_from": self.descriptions_from,
            "items": [i.to_json() for i in self.items],
        }


class ColumnDef(NamedTuple):
    """One column's definition, live or cached; a tuple because a refresh builds 100,000 of them at a time."""

    name: str
    position: int
    type: str
    nullable: bool
    default: str | None
    primary_key: bool
    fk_target: str | None
    comment: str | None

    def definition(self) -> str:
        """The text a fingerprint hashes: every part of the definition, tab-separated."""
        parts = (
            self.name,
            self.type,
            "null" if self.nullable else "not null",
            self.default or "",
            "pk" if self.primary_key else "",
            self.fk_target or "",
            self.comment or "",
        )
        return "\t".join(parts)


ResolvedColumn = ColumnDef  # a column of a resolved scope


@dataclass(frozen=True)
class ResolvedTable:
    """A table in scope; `selected` names the scoped columns, or is None when the whole table is in scope."""

    schema: str
    name: str
    kind: str
    comment: str | None
    columns: tuple[ResolvedColumn, ...]
    selected: tuple[str, ...] | None = None

    @property
    def path(self) -> tuple[str, str]:
        return (self.schema, self.name)

    @property
    def columns_in_scope(self) -> tuple[ResolvedColumn, ...]:
        if self.selected is None:
            return self.columns
        wanted = set(self.selected)
        return tuple(c for c in self.columns if c.name in wanted)


@dataclass(frozen=True)
class ResolvedScope:
    """A schedule's scope resolved live at fire time: the tables (and columns) a run works on."""

    profile: str
    database: str
    scope: tuple[str, ...]
    tables: tuple[ResolvedTable, ...]

    @property
    def column_count(self) -> int:
        return sum(len(t.columns_in_scope) for t in self.tables)


@dataclass(frozen=True)
class PollReport:
    """One pass of the change-trigger poll: catalogs refreshed, schedules armed, errors per catalog."""

    refreshed: tuple[str, ...]  # "profile/database"
    changes: int
    armed: tuple[int, ...]  # schedule ids whose next_fire_utc was set or moved
    errors: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "refreshed": list(self.refreshed),
            "changes": self.changes,
            "armed": list(self.armed),
            "errors": list(self.errors),
        }
