"""Reading change events: per catalog (`amx catalog changes`) and per change-triggered schedule's scope."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from amx_core.catalog.connect import resolve_target
from amx_core.catalog.scopespec import ScopeSpec
from amx_core.catalog.store_cache import CH
from amx_core.catalog.views import ChangeEventView
from amx_core.engines.registry import engine_for_url
from amx_core.errors import NotFoundError
from amx_core.models import DbProfile, Schedule
from amx_core.scope.paths import PathSyntaxError, parse_path


def _view(row) -> ChangeEventView:
    return ChangeEventView(id=row.id, kind=row.kind, path=row.path, at=row.at, detail=row.detail, database=row.database)


def _query(profile_id: int, database: str, since: datetime | None, limit: int | None = None):
    query = sa.select(CH).where(CH.c.profile_id == profile_id, CH.c.database == database)
    if since is not None:
        query = query.where(CH.c.at > since)
    query = query.order_by(CH.c.at, CH.c.id)
    return query.limit(limit) if limit else query


def list_changes(
    store, profile: str, *, database: str | None = None, since: datetime | None = None, limit: int | None = None
) -> list[ChangeEventView]:
    """Change events of (profile, database) after `since`, oldest first (from the cache: no connection)."""
    target = resolve_target(store, profile, database)
    with store.session() as s:
        return [_view(r) for r in s.connection().execute(_query(target.profile_id, target.database, since, limit))]


def catalog_key(schedule: Schedule, profile: DbProfile) -> str:
    """The cache key of a schedule's catalog without connecting (see connect.resolve_target)."""
    if engine_for_url(profile.url).single_database:
        return ""
    return schedule.database or profile.default_database or (sa.engine.make_url(profile.url).database or "")


def in_scope(event_path: str, spec: ScopeSpec) -> bool:
    try:
        path = parse_path(event_path)
    except PathSyntaxError:
        return False
    return spec.covers(path)


def schedule_changes(session, schedule: Schedule, since: datetime | None) -> list[ChangeEventView]:
    """changes_in_scope inside the caller's session (the poll arms schedules in the same transaction)."""
    profile = session.get(DbProfile, schedule.db_profile_id)
    spec = ScopeSpec.parse(json.loads(schedule.scope_json or "[]"))
    rows = session.connection().execute(_query(profile.id, catalog_key(schedule, profile), since)).all()
    return [_view(r) for r in rows if in_scope(r.path, spec)]


def changes_in_scope(store, schedule_id: int, since: datetime | None) -> list[ChangeEventView]:
    """Change events after `since` in the schedule's catalog that touch its scope (a path, its parents or children)."""
    with store.session() as s:
        schedule = s.get(Schedule, schedule_id)
        if schedule is None:
            raise NotFoundError("id", f"no schedule with id {schedule_id}")
        return schedule_changes(s, schedule, since)
