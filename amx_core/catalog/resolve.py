"""Scope resolution at fire time: the live tables and columns a run works on, or a clear error naming what is gone.

The scope is refreshed live first (so a table created since the last refresh under a scoped schema
is included and removals are recorded as change events), then read back from the now-fresh cache.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from amx_core.catalog.connect import CatalogTarget, resolve_target
from amx_core.catalog.refresh import run_refresh
from amx_core.catalog.scopespec import ScopeSpec
from amx_core.catalog.store_cache import C, T, of_target
from amx_core.catalog.views import ResolvedColumn, ResolvedScope, ResolvedTable
from amx_core.errors import ActionError


def _read_tables(store, target: CatalogTarget, spec: ScopeSpec) -> list[ResolvedTable]:
    query = (
        sa.select(
            T.c.schema_name,
            T.c.name.label("table_name"),
            T.c.kind,
            T.c.comment.label("table_comment"),
            C.c.name,
            C.c.position,
            C.c.type,
            C.c.nullable,
            C.c.default,
            C.c.primary_key,
            C.c.fk_target,
            C.c.comment,
        )
        .select_from(T.outerjoin(C, C.c.table_id == T.c.id))
        .where(of_target(T, target))
        .order_by(T.c.schema_name, T.c.name, C.c.position)
    )
    if not spec.full:
        query = query.where(T.c.schema_name.in_(sorted(spec.schemas)))
    grouped: dict[tuple[str, str], tuple[sa.Row, list[ResolvedColumn]]] = {}
    with store.session() as s:
        for r in s.connection().execute(query):
            key = (r.schema_name, r.table_name)
            if not (spec.full or key[0] in spec.whole_schemas or key in spec.tables):
                continue
            head, columns = grouped.setdefault(key, (r, []))
            if r.name is not None:
                columns.append(
                    ResolvedColumn(
                        r.name,
                        r.position,
                        r.type,
                        bool(r.nullable),
                        r.default,
                        bool(r.primary_key),
                        r.fk_target,
                        r.comment,
                    )
                )
    return [
        ResolvedTable(
            schema=key[0],
            name=key[1],
            kind=head.kind,
            comment=head.table_comment,
            columns=tuple(columns),
            selected=spec.selected_columns(key),
        )
        for key, (head, columns) in grouped.items()
    ]


def resolve_scope(
    store, profile: str, database: str | None, scope_paths, *, now: datetime | None = None
) -> ResolvedScope:
    """The scope's tables with their columns, live. A scoped entity that does not exist -> ActionError naming it."""
    spec = ScopeSpec.parse(list(scope_paths or ()))
    target = resolve_target(store, profile, database)
    outcome = run_refresh(store, target, spec, now=now, on_missing="collect")
    if outcome.absent:
        raise ActionError("scope: " + "; ".join(a.sentence(target.shown_database) for a in outcome.absent))
    return ResolvedScope(
        profile=profile,
        database=target.database,
        scope=spec.texts,
        tables=tuple(_read_tables(store, target, spec)),
    )
