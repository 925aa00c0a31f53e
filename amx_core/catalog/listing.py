"""The lazy ScopeTree API: children of one path, a page at a time, served from the cache.

A branch that was never read is refreshed on demand (`ensure_branch`: the schema list, one schema,
or one table), never the whole catalog. Listing costs two indexed queries per page whatever the
size of the schema (the counts are kept on the parent rows), so a schema of thousands of tables
lists as fast as a small one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from amx_core.catalog.connect import CatalogTarget, live_connection, resolve_target
from amx_core.catalog.refresh import run_refresh
from amx_core.catalog.scopespec import ScopeSpec
from amx_core.catalog.store_cache import ST, C, S, T, of_target
from amx_core.catalog.views import CatalogNode, ChildPage
from amx_core.engines.registry import engine_for
from amx_core.errors import ActionError, NotFoundError, ValidationError
from amx_core.scope.paths import MAX_DEPTH, format_path

MAX_PAGE = 1000
MAX_OFFSET = 2**63 - 1  # what SQL's OFFSET takes
Path = tuple[str, ...]


def list_databases(store, profile: str) -> list[str]:
    """The databases of the profile's server, live; the cached ones when the server cannot be reached.

    PostgreSQL: non-template databases; MySQL/MariaDB: schemas; SQLite: one database named "".
    """
    target = resolve_target(store, profile, require_database=False)
    try:
        return live_databases(store, target)
    except ActionError:
        with store.session() as s:
            cached = sorted(
                set(
                    s.connection()
                    .execute(sa.select(ST.c.database).where(ST.c.profile_id == target.profile_id))
                    .scalars()
                )
            )
        if not cached:
            raise
        return cached


def live_databases(store, target: CatalogTarget) -> list[str]:
    """The databases of the target's server, read live (ActionError when it cannot be reached)."""
    with live_connection(store, target, use_database=False) as conn:
        return engine_for(target.dialect).databases(conn, target.database)


@dataclass(frozen=True)
class _Cached:
    """What the cache holds along one path (read in one session)."""

    state: bool
    schema: bool
    schema_read: bool
    table: bool
    column: bool


def _cached(store, target: CatalogTarget, path: Path) -> _Cached:
    with store.session() as s:
        conn = s.connection()
        state = conn.execute(sa.select(ST.c.id).where(of_target(ST, target))).first() is not None
        schema = table = column = None
        if path:
            schema = conn.execute(sa.select(S.c.refreshed_at).where(of_target(S, target), S.c.name == path[0])).first()
        if len(path) >= 2:
            table = conn.execute(
                sa.select(T.c.id).where(of_target(T, target), T.c.schema_name == path[0], T.c.name == path[1])
            ).first()
        if len(path) == 3 and table is not None:
            column = conn.execute(sa.select(C.c.id).where(C.c.table_id == table.id, C.c.name == path[2])).first()
    return _Cached(
        state=state,
        schema=schema is not None,
        schema_read=schema is not None and schema.refreshed_at is not None,
        table=table is not None,
        column=column is not None,
    )


def is_cached(store, target: CatalogTarget, path: Path) -> bool:
    """Does the cache hold the schema, table or column `path` names?"""
    cached = _cached(store, target, path)
    return bool(path) and (cached.schema, cached.table, cached.column)[len(path) - 1]


def _not_found(target: CatalogTarget, path: Path) -> NotFoundError:
    what = ("schema", "table", "column")[len(path) - 1]
    return NotFoundError("path", f"{what} {format_path(path)} does not exist in database {target.shown_database}")


def _refresh(store, target: CatalogTarget, spec: ScopeSpec) -> None:
    run_refresh(store, target, spec, on_missing="error", field="path")


def _ensure(store, target: CatalogTarget, path: Path) -> bool:
    """Read the branch at `path` if the cache lacks it: the schema list, one schema, one table; True when it did."""
    cached = _cached(store, target, path)
    refreshed = False
    if not cached.state or (path and not cached.schema):
        _refresh(store, target, ScopeSpec(paths=(path[:1],) if path else (), schemas_only=True))
        refreshed = True
        cached = _cached(store, target, path)
        if path and not cached.schema:
            raise _not_found(target, path[:1])
    if len(path) == 1 and not cached.schema_read:
        _refresh(store, target, ScopeSpec.of([path]))
        return True
    if len(path) >= 2 and not cached.table:
        _refresh(store, target, ScopeSpec.of([path[:2]]))
        refreshed = True
        cached = _cached(store, target, path)
    if len(path) == 3 and not cached.column:
        _refresh(store, target, ScopeSpec.of([path]))
        if not _cached(store, target, path).column:
            raise _not_found(target, path)
        refreshed = True
    return refreshed


def _check_path(path) -> Path:
    path = tuple(path)
    if len(path) > MAX_DEPTH or any(not isinstance(p, str) or not p for p in path):
        raise ValidationError("path", f"{path!r} is not a path like (schema[, table[, column]])")
    return path


def ensure_branch(store, profile: str, database: str | None, path) -> bool:
    """Make sure the children of `path` are cached, refreshing just that branch if not; True when it refreshed.

    A path that does not exist -> NotFoundError on `path` (exit 2), cache unchanged.
    """
    target = resolve_target(store, profile, database)
    return _ensure(store, target, _check_path(path))


def _column_detail(type_: str, nullable: bool, pk: bool, fk: str | None) -> str:
    marks = [type_]
    if not nullable:
        marks.append("NOT NULL")
    if pk:
        marks.append("PK")
    if fk:
        marks.append(f"FK -> {fk}")
    return " ".join(marks)


def _schemas(conn, target: CatalogTarget, path: Path, offset: int, limit: int) -> tuple[list[CatalogNode], int]:
    base = of_target(S, target)
    total = conn.execute(sa.select(sa.func.count()).select_from(S).where(base)).scalar_one()
    rows = conn.execute(
        sa.select(S.c.name, S.c.table_count, S.c.refreshed_at)
        .where(base)
        .order_by(S.c.name)
        .offset(offset)
        .limit(limit)
    )
    items = [
        CatalogNode((r.name,), r.name, "schema", r.table_count if r.refreshed_at is not None else None) for r in rows
    ]
    return items, total


def _tables(conn, target: CatalogTarget, path: Path, offset: int, limit: int) -> tuple[list[CatalogNode], int]:
    base = sa.and_(of_target(T, target), T.c.schema_name == path[0])
    total = conn.execute(sa.select(sa.func.count()).select_from(T).where(base)).scalar_one()
    query = (
        sa.select(T.c.name, T.c.kind, T.c.column_count, T.c.comment)
        .where(base)
        .order_by(T.c.name)
        .offset(offset)
        .limit(limit)
    )
    items = [
        CatalogNode(path + (r.name,), r.name, r.kind, r.column_count, None, r.comment) for r in conn.execute(query)
    ]
    return items, total


def _columns(conn, target: CatalogTarget, path: Path, offset: int, limit: int) -> tuple[list[CatalogNode], int]:
    table = conn.execute(
        sa.select(T.c.id, T.c.column_count).where(of_target(T, target), T.c.schema_name == path[0], T.c.name == path[1])
    ).first()
    if table is None:
        return [], 0
    query = (
        sa.select(C.c.name, C.c.type, C.c.nullable, C.c.primary_key, C.c.fk_target, C.c.comment)
        .where(C.c.table_id == table.id)
        .order_by(C.c.position, C.c.name)
        .offset(offset)
        .limit(limit)
    )
    items = [
        CatalogNode(
            path + (r.name,),
            r.name,
            "column",
            0,
            _column_detail(r.type, r.nullable, r.primary_key, r.fk_target),
            r.comment,
        )
        for r in conn.execute(query)
    ]
    return items, table.column_count


def _leaf(conn, target: CatalogTarget, path: Path, offset: int, limit: int) -> tuple[list[CatalogNode], int]:
    return [], 0


LEVELS: dict[int, Callable] = {0: _schemas, 1: _tables, 2: _columns, 3: _leaf}


def list_children(
    store,
    profile: str,
    database: str | None,
    path=(),
    *,
    offset: int = 0,
    limit: int = 200,
    ensure: bool = True,
) -> ChildPage:
    """Children of `path` (() = schemas, (schema,) = tables, (schema, table) = columns), one page.

    With `ensure` (default) a branch never read is refreshed first (it may connect); without it an
    uncached branch lists as empty. A path that does not exist -> NotFoundError on `path`.
    """
    path = _check_path(path)
    if not 0 <= offset <= MAX_OFFSET:
        raise ValidationError("offset", f"must be between 0 and {MAX_OFFSET}")
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError("limit", f"must be between 1 and {MAX_PAGE}")
    target = resolve_target(store, profile, database)
    if ensure:
        _ensure(store, target, path)
    with store.session() as s:
        items, total = LEVELS[len(path)](s.connection(), target, path, offset, limit)
    return ChildPage(path=path, items=tuple(items), total=total, offset=offset)
