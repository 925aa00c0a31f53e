"""Change-triggered schedules: poll the catalogs they watch and arm them per their settle time and cap.

Decision (docs/ARCHITECTURE.md §5.9): "at most every N hours" is a throttle with a settle period.

- The tick calls `poll_due_catalogs(store, now)`. For every (profile, database) watched by a Pending
  or Failed change schedule whose CatalogState.next_check_utc is due or unset, it refreshes that
  catalog (the union of the schedules' scopes; the whole database when one of them has no scope)
  and sets next_check_utc = now + interval (default 15 min), also when the refresh failed.
- Then every such schedule is armed from its unhandled changes: the events in its scope above its
  watermark (catalog/watermark.py). change_seen_utc = the first one's time, next_fire_utc =
  max(change_seen + settle, last fire + cap). A change after a quiet period fires `settle`
  minutes after it was seen (default 15: a burst of migration statements is one run); a change
  soon after a fire waits for the cap. No unhandled change, nothing armed: no change, no fire.
- The tick claims the schedule when next_fire_utc <= now (reason "change"). The run consumes every
  event its catalog held when it read it (the run's watermark); after a completed run the
  schedule's watermark moves there and only later events arm it again, so a change caught in
  the very tick that fires is covered by that fire, not a second one.
- A change's time is when a refresh saw it (CatalogChange.at), not when the DDL ran. The first
  refresh of a branch is a baseline and records no change, so it never fires a schedule.
- Only Pending and Failed schedules are armed; a Paused one is looked at again once resumed (its
  unhandled events are still there). A planned retry is left as armed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col

from amx_core.catalog.changes import catalog_key
from amx_core.catalog.connect import CatalogTarget
from amx_core.catalog.refresh import run_refresh
from amx_core.catalog.scopespec import ScopeSpec
from amx_core.catalog.store_cache import ST, ensure_state_row, of_target
from amx_core.catalog.views import PollReport
from amx_core.catalog.watermark import arm_from_changes
from amx_core.errors import AmxError
from amx_core.models import DbProfile, Run, Schedule
from amx_core.scope.paths import parse_path

DEFAULT_INTERVAL = timedelta(minutes=15)
ARMED_STATUSES = ("pending", "failed")  # a Failed change schedule stays armed (docs/ARCHITECTURE.md §5.1)
CHANGE = "change"


@dataclass(frozen=True)
class _Watched:
    """A change schedule's catalog and scope, as the poll needs them."""

    id: int
    target: CatalogTarget
    scope: tuple[str, ...]


def _watched(store) -> list[_Watched]:
    query = (
        sa.select(Schedule, DbProfile)
        .join(DbProfile, col(DbProfile.id) == Schedule.db_profile_id)
        .where(col(Schedule.trigger) == CHANGE, col(Schedule.status).in_(ARMED_STATUSES))
        .order_by(col(Schedule.id))
    )
    out = []
    with store.session() as s:
        for schedule, profile in s.execute(query).all():
            target = CatalogTarget(
                profile_id=profile.id,
                profile=profile.name,
                dialect=sa.engine.make_url(profile.url).get_backend_name(),
                database=catalog_key(schedule, profile),
                url=profile.url,
            )
            out.append(
                _Watched(
                    id=schedule.id,
                    target=target,
                    scope=tuple(json.loads(schedule.scope_json or "[]")),
                )
            )
    return out


def _due_targets(store, watched: list[_Watched], now: datetime) -> list[CatalogTarget]:
    targets = {(w.target.profile_id, w.target.database): w.target for w in watched}
    if not targets:
        return []
    with store.session() as s:
        rows = (
            s.connection()
            .execute(
                sa.select(ST.c.profile_id, ST.c.database, ST.c.next_check_utc).where(
                    ST.c.profile_id.in_(sorted({k[0] for k in targets}))
                )
            )
            .all()
        )
    next_check = {(r.profile_id, r.database): r.next_check_utc for r in rows}
    return [t for key, t in targets.items() if next_check.get(key) is None or next_check[key] <= now]


def catalog_due(store, now: datetime) -> bool:
    """Is any catalog watched by a change schedule due a check? (Few indexed reads; no connection.)"""
    return bool(_due_targets(store, _watched(store), now.astimezone(UTC)))


def _union_scope(watched: list[_Watched]) -> ScopeSpec:
    if any(not w.scope for w in watched):
        return ScopeSpec()
    return ScopeSpec.of([parse_path(p) for w in watched for p in w.scope])


def _set_next_check(store, target: CatalogTarget, when: datetime) -> None:
    ensure_state_row(store, target)
    with store.session() as s:
        s.connection().execute(sa.update(ST).where(of_target(ST, target)).values(next_check_utc=when))


def _retry_armed(s, row) -> bool:
    """The schedule's next fire is the planned retry of its last failed run: the throttle must not move it."""
    last = s.execute(
        sa.select(col(Run.retry_at)).where(col(Run.schedule_id) == row.id).order_by(col(Run.id).desc()).limit(1)
    ).scalar()
    return last is not None and last == row.next_fire_utc


def _arm(store, schedule_id: int) -> bool:
    """Set change_seen/next_fire from the unhandled events in scope; True when the schedule row was changed.

    Read, decide and write in one write transaction, so a tick that fires the schedule meanwhile
    is never undone with values read before it.
    """
    with store.write_session() as s:
        query = sa.select(Schedule).where(col(Schedule.id) == schedule_id)
        if s.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        row = s.scalars(query).first()
        if row is None or row.status not in ARMED_STATUSES or row.trigger != CHANGE:
            return False
        if row.next_fire_utc is not None and _retry_armed(s, row):
            return False
        if not arm_from_changes(s.connection(), row):
            return False
        s.add(row)
    return row.next_fire_utc is not None


def poll_due_catalogs(store, now: datetime, *, interval: timedelta = DEFAULT_INTERVAL) -> PollReport:
    """Refresh the catalogs change schedules watch when due, then arm the schedules that saw changes."""
    now = now.astimezone(UTC)
    watched = _watched(store)
    refreshed, errors, changes = [], [], 0
    for target in _due_targets(store, watched, now):
        mine = [w for w in watched if (w.target.profile_id, w.target.database) == (target.profile_id, target.database)]
        try:
            outcome = run_refresh(store, target, _union_scope(mine), now=now, on_missing="skip")
            refreshed.append(target.label)
            changes += len(outcome.report.changes)
        except AmxError as exc:
            errors.append(f"{target.label}: {exc.message}")
        _set_next_check(store, target, now + interval)
    armed = tuple(w.id for w in watched if _arm(store, w.id))
    return PollReport(refreshed=tuple(refreshed), changes=changes, armed=armed, errors=tuple(errors))
