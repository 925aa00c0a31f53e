"""`refresh_catalog`: read a branch of a live database, diff it against the cache, record the changes.

A refresh reads live first (no store lock held while the server answers), then writes in one
store transaction. (Writing batches on a second thread while later ones were reflected was tried:
on two cores GIL contention ate the gain.) A scoped refresh touches only its branch. A scoped path
that exists neither live nor in the cache is bad input (NotFoundError on `scope`, nothing
written); one that is cached but gone live is a removal and is recorded as such.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from amx_core.catalog.cache_write import write_branch
from amx_core.catalog.connect import CatalogTarget, live_connection, resolve_target
from amx_core.catalog.scan import LiveBranch, Progress, plan_branch, reflect_branch
from amx_core.catalog.scopespec import ScopeSpec
from amx_core.catalog.store_cache import cached_columns, cached_fingerprints, cached_schema_names
from amx_core.catalog.views import RefreshReport
from amx_core.errors import NotFoundError
from amx_core.models.base import utcnow
from amx_core.scope.paths import format_path

ON_MISSING = ("error", "skip", "collect")


@dataclass(frozen=True)
class Absent:
    """A scoped entity the live database does not have; `cached` when the cache still holds it."""

    what: str  # schema | table | column
    path: str
    cached: bool

    def sentence(self, database: str) -> str:
        return f"{self.what} {self.path} does not exist in database {database}"


@dataclass(frozen=True)
class RefreshOutcome:
    report: RefreshReport
    absent: tuple[Absent, ...]
    target: CatalogTarget


def _absent_tables(store, target: CatalogTarget, spec: ScopeSpec, branch: LiveBranch, cached: dict) -> list[Absent]:
    """Scoped schemas and tables the live database does not have (known before anything is reflected)."""
    if spec.full:
        return []
    live_schemas = set(branch.all_schemas)
    out: list[Absent] = []
    known_schemas = cached_schema_names(store, target) if spec.whole_schemas - live_schemas else set()
    for schema in sorted(spec.whole_schemas - live_schemas):
        has_tables = any(k[0] == schema for k in cached)
        out.append(Absent("schema", format_path((schema,)), schema in known_schemas or has_tables))
    for key in sorted(spec.tables):
        if branch.named.get(key) is None:
            out.append(Absent("table", format_path(key), key in cached))
    return out


def _absent_columns(store, target: CatalogTarget, spec: ScopeSpec, branch: LiveBranch) -> list[Absent]:
    """Scoped columns missing from their (live) table: known once the table was reflected or proved unchanged."""
    tables = sorted({(s, t) for s, t, _ in spec.columns if branch.named.get((s, t)) is not None})
    cached_cols = cached_columns(store, target, tables)
    out: list[Absent] = []
    for schema, table, column in sorted(spec.columns):
        key = (schema, table)
        if key not in cached_cols:
            continue
        live = {c.name for c in branch.reflected[key].columns} if key in branch.reflected else cached_cols[key]
        if column not in live:
            out.append(Absent("column", format_path((schema, table, column)), column in cached_cols[key]))
    return out


@contextmanager
def _gc_paused() -> Iterator[None]:
    """A refresh allocates several objects per column and keeps them to the end; the cyclic collector
    would walk that growing heap again and again (a large share of a 100,000-column refresh) to find
    no cycle. Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fail_on_unknown(absent: list[Absent], on_missing: str, field: str, target: CatalogTarget) -> None:
    unknown = [a for a in absent if not a.cached]
    if unknown and on_missing == "error":
        raise NotFoundError(field, "; ".join(a.sentence(target.shown_database) for a in unknown))


def run_refresh(
    store,
    target: CatalogTarget,
    spec: ScopeSpec,
    *,
    now: datetime | None = None,
    progress: Progress | None = None,
    on_missing: str = "error",
    field: str = "scope",
) -> RefreshOutcome:
    """The refresh itself; `on_missing` says what an unknown scoped path does: error, skip, or collect."""
    if on_missing not in ON_MISSING:
        raise ValueError(f"on_missing must be one of {ON_MISSING}")
    started = time.perf_counter()
    now = (now or utcnow()).astimezone(UTC)
    cached = cached_fingerprints(store, target, spec)
    with _gc_paused(), live_connection(store, target) as conn:
        branch, todo = plan_branch(conn, target, spec, cached)
        absent = _absent_tables(store, target, spec, branch, cached)
        _fail_on_unknown(absent, on_missing, field, target)
        reflect_branch(conn, target, branch, todo, progress=progress)
        absent += _absent_columns(store, target, spec, branch)
        _fail_on_unknown(absent, on_missing, field, target)
        applied = write_branch(store, target, spec, branch, now)
    report = RefreshReport(
        profile=target.profile,
        database=target.database,
        scope=spec.texts,
        tables=applied.tables,
        columns=applied.columns,
        checked=branch.checked,
        reflected=len(branch.reflected),
        changes=applied.changes,
        duration_seconds=time.perf_counter() - started,
        fast_path=branch.fast_path,
        baseline=applied.baseline,
    )
    return RefreshOutcome(report=report, absent=tuple(absent), target=target)


def refresh_catalog(
    store,
    profile: str,
    *,
    database: str | None = None,
    scope: list[str] | tuple[str, ...] | None = None,
    now: datetime | None = None,
    progress: Callable[[int, int, str | None], None] | None = None,
) -> RefreshReport:
    """Refresh the cached catalog of (profile, database), whole or scoped, and return what changed.

    `progress(done, planned, current)` is called as tables are checked. Unknown profile or a scoped
    path that does not exist: ValidationError (exit 2); server unreachable or refusing: ActionError
    (exit 1). Either way the cache is unchanged.
    """
    spec = ScopeSpec.parse(scope)
    target = resolve_target(store, profile, database)
    return run_refresh(store, target, spec, now=now, progress=progress).report
