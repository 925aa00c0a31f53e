"""The cached catalog tree in the store: its tables, and the reads a refresh needs before it writes."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from amx_core.catalog.connect import CatalogTarget
from amx_core.catalog.scopespec import ScopeSpec, TableKey
from amx_core.models import CatalogChange, CatalogColumn, CatalogSchema, CatalogState, CatalogTable
from amx_core.models.base import table_of

T = table_of(CatalogTable)
C = table_of(CatalogColumn)
S = table_of(CatalogSchema)
ST = table_of(CatalogState)
CH = table_of(CatalogChange)

_UPSERT_INSERT: dict[str, Callable[[sa.Table], sqlite.Insert | postgresql.Insert]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def of_target(table: sa.Table, target: CatalogTarget):
    return sa.and_(table.c.profile_id == target.profile_id, table.c.database == target.database)


def cached_fingerprints(store, target: CatalogTarget, spec: ScopeSpec) -> dict[TableKey, str | None]:
    """{(schema, table): fingerprint} of the cached tables inside `spec`."""
    if spec.schemas_only:
        return {}
    query = sa.select(T.c.schema_name, T.c.name, T.c.fingerprint).where(of_target(T, target))
    if not spec.full:
        query = query.where(T.c.schema_name.in_(sorted(spec.schemas)))
    with store.session() as s:
        rows = s.connection().execute(query).all()
    found = {(r[0], r[1]): r[2] for r in rows}
    if spec.full:
        return found
    whole, named = spec.whole_schemas, spec.tables
    return {k: v for k, v in found.items() if k[0] in whole or k in named}


def cached_columns(store, target: CatalogTarget, keys: list[TableKey]) -> dict[TableKey, set[str]]:
    """Column names of cached tables (to tell a vanished column from one that never existed)."""
    if not keys:
        return {}
    wanted = set(keys)
    query = (
        sa.select(T.c.schema_name, T.c.name, C.c.name)
        .select_from(T.join(C, C.c.table_id == T.c.id))
        .where(of_target(T, target), T.c.schema_name.in_(sorted({k[0] for k in keys})))
    )
    out: dict[TableKey, set[str]] = {k: set() for k in keys}
    with store.session() as s:
        for schema, table, column in s.connection().execute(query):
            if (schema, table) in wanted:
                out[(schema, table)].add(column)
    return out


def cached_schema_names(store, target: CatalogTarget) -> set[str]:
    with store.session() as s:
        return set(s.connection().execute(sa.select(S.c.name).where(of_target(S, target))).scalars())


def ensure_state_row(store, target: CatalogTarget) -> None:
    """Create the CatalogState row if missing (race-free), so refreshes of one catalog can lock it."""
    maker = _UPSERT_INSERT.get(store.dialect)
    values = {"profile_id": target.profile_id, "database": target.database}
    with store.session() as s:
        conn = s.connection()
        if maker is not None:
            conn.execute(maker(ST).values(**values).on_conflict_do_nothing())
        elif conn.execute(sa.select(ST.c.id).where(of_target(ST, target))).first() is None:
            conn.execute(sa.insert(ST).values(**values))
