"""Lease recovery (docs/ARCHITECTURE.md §7.7): a run whose heartbeat is older than the lease lost its runner.

Such a run is failed with "runner stopped (no heartbeat since ...)"; its counters, log and
suggestions stay as they were (partial results are kept); its schedule goes Failed and a
recurring one keeps its next occurrence armed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from amx_core.instants import iso
from amx_core.models import Run, Schedule
from amx_core.models.base import saved_id, table_of
from amx_core.notify.events import enqueue_run_end
from amx_core.schedule import rules
from amx_core.store import Store
from amx_core.tick.claims import claim_of_run
from amx_core.tick.settle import fail_running_schedule, lock_schedule_row


@dataclass(frozen=True)
class Recovered:
    """A run (or a Running schedule with no live run) failed because its runner went silent."""

    run_id: int | None
    schedule_id: int | None
    since: datetime
    error: str


def stopped_message(since: datetime | None) -> str:
    return f"runner stopped (no heartbeat since {iso(since, timespec='seconds', missing='?')})"


def _stale_condition(cutoff: datetime):
    heartbeat_at = col(Run.heartbeat_at)
    return sa.or_(heartbeat_at < cutoff, sa.and_(heartbeat_at.is_(None), col(Run.started_at) < cutoff))


def stale_runs(session: Session, now: datetime, lease: timedelta) -> list[Run]:
    stmt = select(Run).where(Run.status == "running", _stale_condition(now - lease)).order_by(col(Run.id))
    return list(session.exec(stmt).all())


def orphan_schedules(session: Session, now: datetime, lease: timedelta) -> list[Schedule]:
    """Running schedules older than the lease that no running run stands for."""
    live = select(Run.id).where(Run.schedule_id == Schedule.id, Run.status == "running").exists()
    stmt = select(Schedule).where(Schedule.status == rules.RUNNING, col(Schedule.running_since) < now - lease, ~live)
    return list(session.exec(stmt).all())


def _recover_run(store: Store, run: Run, now: datetime, lease: timedelta, grace: timedelta) -> Recovered | None:
    since = run.heartbeat_at or run.started_at
    error = stopped_message(since)
    table = table_of(Run)
    with store.write_session() as session:
        conn = session.connection()
        row = lock_schedule_row(conn, run.schedule_id)
        stale = sa.or_(
            table.c.heartbeat_at < now - lease,
            sa.and_(table.c.heartbeat_at.is_(None), table.c.started_at < now - lease),
        )
        stmt = (
            table.update()
            .where(table.c.id == run.id, table.c.status == "running", stale)
            .values(status="failed", error=error, ended_at=now)
        )
        if conn.execute(stmt).rowcount != 1:
            return None  # it beat its heart meanwhile, or someone else recovered it
        enqueue_run_end(
            session,
            run_id=saved_id(run),
            schedule_id=run.schedule_id,
            schedule_name=run.schedule_name,
            status="failed",
            error=error,
            reason=run.reason,
            retry_at=None,
            now=now,
        )
        if row is not None and row.status == rules.RUNNING:
            fail_running_schedule(session, row, claim_of_run(run), error, now, grace)
    return Recovered(run.id, run.schedule_id, since, error)


def _recover_orphan(
    store: Store, schedule_id: int, now: datetime, lease: timedelta, grace: timedelta
) -> Recovered | None:
    with store.write_session() as session:
        row = lock_schedule_row(session.connection(), schedule_id)
        if row is None or row.status != rules.RUNNING or row.running_since is None or row.running_since >= now - lease:
            return None
        since = row.running_since
        error = stopped_message(since)
        slot = row.next_fire_utc or since
        fake = Run(id=0, schedule_id=row.id, kind=row.kind, reason="time", occurrence_utc=slot, started_at=since)
        fail_running_schedule(session, row, claim_of_run(fake, row.name), error, now, grace)
    return Recovered(None, schedule_id, since, error)


def recover_expired(store: Store, now: datetime, *, lease: timedelta, grace: timedelta) -> list[Recovered]:
    """Fail every run (and Running schedule) whose lease expired; returns what was recovered."""
    with store.session() as session:
        runs = stale_runs(session, now, lease)
        orphans = [saved_id(row) for row in orphan_schedules(session, now, lease)]
    recovered = [_recover_run(store, run, now, lease, grace) for run in runs]
    recovered += [_recover_orphan(store, schedule_id, now, lease, grace) for schedule_id in orphans]
    return [item for item in recovered if item is not None]
