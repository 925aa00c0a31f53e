"""Checking a schedule's database and scope paths against the catalog when it is saved, not when it fires.

The cache answers first, so a check costs nothing once the catalog was browsed or refreshed; a
path the cache lacks is looked up live (schema names, one schema's table names, one table's
columns) without writing the cache, so a refusal writes nothing. A name that does not exist is
bad input on its field (`database` or `scope`) offering the nearest names; a server that cannot
be reached is an ActionError saying how to save without the check.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import sqlalchemy as sa

from amx_core.catalog.connect import CatalogTarget, live_connection, resolve_target
from amx_core.catalog.listing import is_cached, live_databases
from amx_core.catalog.reflect import live_kinds
from amx_core.catalog.store_cache import ST, of_target
from amx_core.engines.registry import engine_for
from amx_core.errors import ActionError, UncheckedError, ValidationError
from amx_core.scope.paths import Path, format_path, parse_path

OFFLINE_HINT = "save it unchecked to keep it anyway (--no-verify)"
LEVELS = ("schema", "table", "column")


def nearest(name: str, candidates: Sequence[str], limit: int = 3) -> list[str]:
    """Candidates closest to `name`: same letters in another case first, then similar spellings."""
    folded: dict[str, str] = {}
    for candidate in candidates:
        folded.setdefault(candidate.lower(), candidate)
    close = difflib.get_close_matches(name.lower(), list(folded), n=limit, cutoff=0.6)
    found = [c for c in candidates if c.lower() == name.lower() and c != name]
    found += [folded[c] for c in close if folded[c] not in found and folded[c] != name]
    return found[:limit]


def _did_you_mean(names: list[str]) -> str:
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f" (did you mean {listed}?)"


def _unreachable(what: str, shown: str, target: CatalogTarget, exc: ActionError) -> UncheckedError:
    return UncheckedError(f"{what}: cannot check {shown} against {target.label}: {exc.message}; {OFFLINE_HINT}")


def check_database(store, profile: str, database: str) -> None:
    """A database named explicitly must exist on the profile's server (cached, else listed live)."""
    target = resolve_target(store, profile, database)
    with store.session() as s:
        if s.connection().execute(sa.select(ST.c.id).where(of_target(ST, target))).first() is not None:
            return
    try:
        names = live_databases(store, target)
    except ActionError as exc:
        raise _unreachable("database", database, target, exc) from None
    if target.database not in names:
        raise ValidationError(
            "database",
            f"database {target.database} does not exist on the server of profile {profile}"
            + _did_you_mean(nearest(database, names)),
        )


def _siblings(conn: sa.Connection, target: CatalogTarget, parent: Path) -> list[str]:
    """The live names one level below `parent` (schemas, a schema's tables, a table's columns)."""
    engine = engine_for(target.dialect)
    inspector = engine.inspector(conn)
    if not parent:
        return engine.schemas(inspector, target.database)
    if len(parent) == 1:
        return sorted(live_kinds(inspector, parent[0]))
    return [c["name"] for c in inspector.get_columns(parent[1], schema=parent[0])]


def _first_missing(conn: sa.Connection, target: CatalogTarget, path: Path) -> ValidationError | None:
    """None when `path` exists live, else the error naming its first missing part and the nearest live names."""
    for depth in range(1, len(path) + 1):
        names = _siblings(conn, target, path[: depth - 1])
        if path[depth - 1] not in names:
            offered = [format_path(path[: depth - 1] + (n,)) for n in nearest(path[depth - 1], names)]
            return ValidationError(
                "scope",
                f"{LEVELS[depth - 1]} {format_path(path[:depth])} does not exist in {target.shown_database}"
                + _did_you_mean(offered),
            )
    return None


def check_scope(store, profile: str, database: str | None, paths: Sequence[str]) -> None:
    """Every scope path must name a schema, table or column of the target database."""
    target = resolve_target(store, profile, database)
    unknown = [path for path in map(parse_path, paths) if not is_cached(store, target, path)]
    if not unknown:
        return
    try:
        with live_connection(store, target) as conn:
            for path in unknown:
                error = _first_missing(conn, target, path)
                if error is not None:
                    raise error
    except ActionError as exc:
        raise _unreachable("scope", format_path(unknown[0]), target, exc) from None
