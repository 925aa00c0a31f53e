"""Which change events a change schedule has not consumed yet, and the watermark a run consumes them up to.

docs/ARCHITECTURE.md §5.9: a run consumes every change event its catalog held when the run read it,
recorded as a watermark (the newest event id it saw); only events above the watermark arm the
schedule again. Event ids grow in commit order per catalog, because refreshes of one catalog
take its state row's lock in turn (cache_write), so "id above the watermark" means "seen later".

`row` is anything with the schedule table's columns as attributes (an ORM Schedule or the
tick's ScheduleState); every function works on the caller's connection, inside its transaction.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import sqlalchemy as sa

from amx_core.catalog.changes import catalog_key, in_scope
from amx_core.catalog.scopespec import ScopeSpec
from amx_core.catalog.store_cache import CH
from amx_core.catalog.views import ChangeEventView
from amx_core.models import DbProfile, Run, Schedule
from amx_core.models.base import table_of
from amx_core.scope.paths import PathSyntaxError, parse_path

DB = table_of(DbProfile)
RUN = table_of(Run)
SCHEDULE = table_of(Schedule)
Catalog = tuple[int, str]  # (profile id, catalog key)


def catalog_of(conn, row) -> Catalog:
    """The (profile id, catalog key) a schedule watches, without connecting to its database."""
    profile = conn.execute(sa.select(DB.c.url, DB.c.default_database).where(DB.c.id == row.db_profile_id)).first()
    if profile is None:
        return row.db_profile_id, row.database or ""
    return row.db_profile_id, catalog_key(row, profile)


def _of(catalog: Catalog):
    return sa.and_(CH.c.profile_id == catalog[0], CH.c.database == catalog[1])


def newest_change_id(conn, catalog: Catalog) -> int:
    """The newest change event id of the catalog (0 when it has none)."""
    return conn.execute(sa.select(sa.func.max(CH.c.id)).where(_of(catalog))).scalar() or 0


def baseline(conn, row, catalog: Catalog) -> int:
    """The watermark the schedule's unhandled changes lie above.

    A schedule that never consumed a change (created before watermarks, or never fired) counts
    the events seen after its last fire, or after its creation.
    """
    if row.change_watermark is not None:
        return row.change_watermark
    since = row.last_fire_utc or row.created_at
    found = conn.execute(sa.select(sa.func.max(CH.c.id)).where(_of(catalog), CH.c.at <= since)).scalar()
    return found or 0


def unhandled_changes(conn, row, *, upto: int | None = None) -> tuple[int, list[ChangeEventView]]:
    """(baseline, the events in the schedule's scope above it [up to `upto`]), oldest first."""
    catalog = catalog_of(conn, row)
    start = baseline(conn, row, catalog)
    query = sa.select(CH).where(_of(catalog), CH.c.id > start)
    if upto is not None:
        query = query.where(CH.c.id <= upto)
    spec = ScopeSpec.parse(json.loads(row.scope_json or "[]"))
    events = [
        ChangeEventView(id=r.id, kind=r.kind, path=r.path, at=r.at, detail=r.detail, database=r.database)
        for r in conn.execute(query.order_by(CH.c.id))
        if in_scope(r.path, spec)
    ]
    return start, events


def change_fire_time(
    first_change_utc: datetime, last_fire_utc: datetime | None, cap_hours: float | None, settle_minutes: float | None
) -> datetime:
    """The throttle: max(first unhandled change + settle, last fire + cap)."""
    fire = first_change_utc + timedelta(minutes=settle_minutes or 0)
    if last_fire_utc is not None:
        fire = max(fire, last_fire_utc + timedelta(hours=cap_hours or 0))
    return fire


def arm_from_changes(conn, row) -> bool:
    """Set the row's change_seen_utc / next_fire_utc from its unhandled changes (both None when there are none).

    Also pins a missing watermark to its baseline, so later reads no longer depend on the last
    fire time. Returns True when one of those fields changed (the caller writes the row).
    """
    start, events = unhandled_changes(conn, row)
    before = (row.change_seen_utc, row.next_fire_utc, row.change_watermark)
    row.change_watermark = start
    if events:
        row.change_seen_utc = min(e.at for e in events)
        row.next_fire_utc = change_fire_time(row.change_seen_utc, row.last_fire_utc, row.cap_hours, row.settle_minutes)
    else:
        row.change_seen_utc = row.next_fire_utc = None
    return (row.change_seen_utc, row.next_fire_utc, row.change_watermark) != before


def changed_tables(events) -> frozenset[tuple[str, str]]:
    """The (schema, table) pairs change events name (a column event names its table)."""
    tables = set()
    for event in events:
        try:
            path = parse_path(event.path)
        except PathSyntaxError:
            continue
        if len(path) >= 2:
            tables.add((path[0], path[1]))
    return frozenset(tables)


def consume_for_run(store, run_id: int, schedule_id: int) -> frozenset[tuple[str, str]]:
    """A change run has just read its catalog: raise its watermark to the newest event now, return the tables
    its unhandled events (up to that watermark) name. The schedule's own watermark moves only when the run
    completes (tick settlement), so a failed or cancelled run consumes nothing."""
    with store.write_session() as session:
        conn = session.connection()
        schedule_row = conn.execute(sa.select(SCHEDULE).where(SCHEDULE.c.id == schedule_id)).first()
        if schedule_row is None:
            return frozenset()
        newest = newest_change_id(conn, catalog_of(conn, schedule_row))
        current = conn.execute(sa.select(RUN.c.change_watermark).where(RUN.c.id == run_id)).scalar()
        upto = max(newest, current or 0)
        conn.execute(RUN.update().where(RUN.c.id == run_id, RUN.c.status == "running").values(change_watermark=upto))
        _, events = unhandled_changes(conn, schedule_row, upto=upto)
    return changed_tables(events)
