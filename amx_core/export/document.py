"""What every export format is made from: one database's tables and columns in order, each with its description
now and who wrote it (the same reading as the analyze run's: the database's comments, or the AMX local catalog)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from amx_core.analyze.apply import open_destination
from amx_core.analyze.descriptions import authorship
from amx_core.analyze.incremental import current_texts
from amx_core.analyze.local_comments import read_local
from amx_core.analyze.marks import load_marks
from amx_core.catalog.resolve import resolve_scope
from amx_core.engines.registry import engine_for
from amx_core.scope.targets import Target


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    type: str
    nullable: bool
    primary_key: bool
    references: str | None
    default: str | None
    description: str | None
    written_by: str | None
    run: int | None

    @property
    def key(self) -> str:
        """`PK`, `FK → table.column`, both, or "" (as the Markdown page shows it)."""
        parts = ["PK"] if self.primary_key else []
        if self.references:
            parts.append(f"FK → {self.references}")
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "nullable": self.nullable,
            "primary_key": self.primary_key,
            "references": self.references,
            "default": self.default,
            "description": self.description,
            "written_by": self.written_by,
            "run": self.run,
        }


@dataclass(frozen=True)
class TableDoc:
    schema: str
    name: str
    kind: str
    description: str | None
    written_by: str | None
    run: int | None
    columns: tuple[ColumnDoc, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "written_by": self.written_by,
            "run": self.run,
            "columns": [c.to_json() for c in self.columns],
        }


@dataclass(frozen=True)
class DatabaseDoc:
    """One database (of one DB profile) in scope, tables ordered by schema and name, columns by position."""

    profile: str
    database: str
    dialect: str
    engine: str
    scope: tuple[str, ...]
    tables: tuple[TableDoc, ...]

    @property
    def schemas(self) -> list[str]:
        return list(dict.fromkeys(t.schema for t in self.tables))

    @property
    def shown_database(self) -> str:
        return self.database or "main"

    def counts(self) -> dict[str, int]:
        columns = [c for t in self.tables for c in t.columns]
        described = sum(1 for t in self.tables if t.description) + sum(1 for c in columns if c.description)
        return {"tables": len(self.tables), "columns": len(columns), "described": described}

    def to_json(self) -> dict[str, Any]:
        """The `amx export json` document (README: "Export")."""
        return {
            "profile": self.profile,
            "database": self.shown_database,
            "engine": self.engine,
            "scope": list(self.scope),
            "schemas": [
                {"name": schema, "tables": [t.to_json() for t in self.tables if t.schema == schema]}
                for schema in self.schemas
            ],
        }


def _column_doc(column, who) -> ColumnDoc:
    return ColumnDoc(
        column.name,
        column.type,
        column.nullable,
        column.primary_key,
        column.fk_target,
        column.default,
        who.text,
        who.written_by,
        who.run_id,
    )


def read_document(store, profile: str, database: str | None, scope) -> DatabaseDoc:
    """The scope read live (a refresh of it, as a run starts with) with every description and its author."""
    resolved = resolve_scope(store, profile, database, list(scope or ()))
    tables: list[TableDoc] = []
    with open_destination(store, profile, resolved.database or None, pool_size=1) as dest:
        local = read_local(store, dest.profile_id, dest.database)
        marks = load_marks(store, dest.profile_id, dest.database)
        dialect = dest.dialect
        for table in sorted(resolved.tables, key=lambda t: (t.schema, t.name)):
            texts = current_texts(table, dest, local)
            who = {
                name: authorship(text, marks.get(Target(table.schema, table.name, name).path))
                for name, text in texts.items()
            }
            columns = tuple(
                _column_doc(c, who[c.name]) for c in sorted(table.columns_in_scope, key=lambda c: c.position)
            )
            own = who[None]
            tables.append(TableDoc(table.schema, table.name, table.kind, own.text, own.written_by, own.run_id, columns))
    return DatabaseDoc(
        profile=profile,
        database=resolved.database,
        dialect=dialect,
        engine=engine_for(dialect).label,
        scope=resolved.scope,
        tables=tuple(tables),
    )
