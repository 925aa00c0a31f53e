"""The catalog as people read it: each table's and column's description now, and who wrote it.

`catalog show` reads the descriptions live (through the engine's comment reader, or the AMX local
catalog for SQLite and MySQL views), so what AMX or a person wrote since the last refresh shows
(`descriptions_from`: `database`, or `local` for an engine whose descriptions all live in the
local catalog); when the server cannot be reached it falls back to the last refresh and says so
(`cache`). The app's scope tree asks for the cached texts (no connection per
expanded branch). Either way `written_by` comes from the targets' WrittenMarks
(amx_core.analyze.descriptions).
"""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from amx_core.analyze.descriptions import authorship, read_live
from amx_core.analyze.local_comments import read_local
from amx_core.analyze.marks import load_marks
from amx_core.catalog.connect import resolve_target
from amx_core.catalog.listing import list_children
from amx_core.catalog.views import CatalogNode, ChildPage
from amx_core.engines.registry import engine_for
from amx_core.errors import AmxError
from amx_core.scope.targets import Target

DESCRIBED_KINDS = frozenset({"table", "view", "materialized_view", "column"})


def _target(node: CatalogNode) -> Target | None:
    if node.kind not in DESCRIBED_KINDS or len(node.path) not in (2, 3):
        return None
    return Target(*node.path)


def _cached_texts(local: dict[str, str], nodes: list[tuple[CatalogNode, Target]]) -> dict[str, str | None]:
    """The last refresh's comment, else the local catalog's text (SQLite, MySQL views keep theirs there)."""
    return {t.path: (n.comment or local.get(t.path) or None) for n, t in nodes}


def catalog_children(
    store, profile: str, database: str | None, path=(), *, offset: int = 0, limit: int = 200, live: bool = True
) -> ChildPage:
    """One page of PATH's children (amx_core.catalog.listing) with each table's and column's description and
    who wrote it; `live` reads the texts from the database (else from the last refresh)."""
    page = list_children(store, profile, database, path, offset=offset, limit=limit)
    described = [(n, t) for n in page.items if (t := _target(n)) is not None]
    if not described:
        return page
    target = resolve_target(store, profile, database)
    local = read_local(store, target.profile_id, target.database)
    texts, source = _cached_texts(local, described), "cache"
    if live and engine_for(target.dialect).writer is None:  # SQLite...: the local catalog is where they live
        texts, source = {t.path: local.get(t.path) for _, t in described}, "local"
    elif live:
        try:
            texts = read_live(store, profile, target.database, [t for _, t in described])
            source = "database"
        except (AmxError, sa.exc.SQLAlchemyError, OSError):
            pass  # the server cannot be reached: the last refresh's texts, and the page says so
    marks = load_marks(store, target.profile_id, target.database)
    items = []
    for node in page.items:
        found = _target(node)
        if found is None:
            items.append(node)
            continue
        who = authorship(texts.get(found.path), marks.get(found.path))
        items.append(replace(node, description=who.text, written_by=who.written_by, written_run=who.run_id))
    return replace(page, items=tuple(items), descriptions_from=source)
