"""How many tables and columns a scope picks, read from the cached catalog (never the live database).

The ScopeTree shows it under the tree as the user ticks; a branch never read counts as empty until it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from amx_core.catalog.connect import resolve_target
from amx_core.catalog.store_cache import T, of_target
from amx_core.scope.paths import parse_path


@dataclass(frozen=True)
class ScopeCount:
    """Tables (views included) and columns inside a scope, as far as the cache knows them."""

    tables: int
    columns: int


def count_scope(store, profile: str, database: str | None, scope: list[str] | tuple[str, ...]) -> ScopeCount:
    """Count what `scope` picks in the cached catalog of `profile`/`database` (no scope = the whole database)."""
    target = resolve_target(store, profile, database)
    paths = [parse_path(p) for p in scope]
    query = sa.select(T.c.schema_name, T.c.name, T.c.column_count).where(of_target(T, target))
    if paths:
        query = query.where(T.c.schema_name.in_(sorted({p[0] for p in paths})))
    with store.session() as s:
        rows = s.connection().execute(query).all()
    if not paths:
        return ScopeCount(len(rows), sum(r.column_count or 0 for r in rows))
    schemas = {p[0] for p in paths if len(p) == 1}
    whole = {p[:2] for p in paths if len(p) == 2}
    picked: dict[tuple[str, ...], set[str]] = {}
    for path in paths:
        if len(path) == 3:
            picked.setdefault(path[:2], set()).add(path[2])
    tables = columns = 0
    for row in rows:
        key = (row.schema_name, row.name)
        if row.schema_name in schemas or key in whole:
            tables, columns = tables + 1, columns + (row.column_count or 0)
        elif key in picked:
            tables, columns = tables + 1, columns + len(picked[key])
    return ScopeCount(tables, columns)
