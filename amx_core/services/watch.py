"""What a schedule list polls: a cheap marker that changes whenever the list would, and the progress of live runs.

A face that shows the list reads the marker every few seconds (three aggregate queries, the same on SQLite,
PostgreSQL and MySQL) and reads the whole list only when the marker moved, so an idle window costs nothing
even with thousands of schedules.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col

from amx_core.models import DbProfile, LlmProfile, Run, Schedule
from amx_core.store import Store


@dataclass(frozen=True)
class ListMarker:
    """Counts and high-water marks of what the schedule list shows; equal markers = nothing to re-read."""

    schedules: tuple[object, ...]
    runs: tuple[object, ...]
    profiles: tuple[object, ...]


@dataclass(frozen=True)
class RunProgress:
    """A running run of a schedule: how many of its planned tables are done."""

    run_id: int
    schedule_id: int
    tables_done: int
    tables_planned: int


def list_marker(store: Store) -> ListMarker:
    """Schedules (count, newest change, highest id), runs (highest id, running count, latest heartbeat, tables
    done), profiles (counts, newest changes): any create, edit, status change, delete, run start, progress or
    end moves it."""
    with store.session() as s:
        conn = s.connection()
        schedules = conn.execute(
            sa.select(sa.func.count(), sa.func.max(col(Schedule.updated_at)), sa.func.max(col(Schedule.id)))
        ).one()
        running = col(Run.status) == "running"
        runs = conn.execute(
            sa.select(
                sa.select(sa.func.max(col(Run.id))).scalar_subquery(),
                sa.func.count(),
                sa.func.max(col(Run.heartbeat_at)),
                sa.func.sum(col(Run.tables_done)),
            ).where(running)
        ).one()
        profiles = conn.execute(
            sa.select(
                *(
                    sa.select(aggregate).scalar_subquery()
                    for model in (DbProfile, LlmProfile)
                    for aggregate in (sa.func.count(col(model.id)), sa.func.max(col(model.updated_at)))
                )
            )
        ).one()
    return ListMarker(tuple(schedules), tuple(runs), tuple(profiles))


def running_progress(store: Store) -> dict[int, RunProgress]:
    """The running run of each schedule that has one (the newest, when a run now overlaps another)."""
    query = (
        sa.select(col(Run.id), col(Run.schedule_id), col(Run.tables_done), col(Run.tables_planned))
        .where(col(Run.status) == "running", col(Run.schedule_id).is_not(None))
        .order_by(col(Run.id))
    )
    with store.session() as s:
        rows = s.connection().execute(query).all()
    return {row.schedule_id: RunProgress(row.id, row.schedule_id, row.tables_done, row.tables_planned) for row in rows}
