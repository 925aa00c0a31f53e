"""The tick's hot SQL, built once as Core statements with bind parameters.

Claims and completions run hundreds of times a pass; building ORM statements each time cost
more than the database work itself. Rows come back as slotted dataclasses (`state_of`,
amx_core.tick.rows) that the decision and settlement code read and change; `write_schedule`
stores what changed.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite

from amx_core.models import DbProfile, LlmProfile, MissedSlot, Occurrence, Run, Schedule
from amx_core.models.base import table_of
from amx_core.tick.fastpath import CLAIMABLE
from amx_core.tick.rows import LatestRun, ScheduleState

SCHEDULE = table_of(Schedule)
RUN = table_of(Run)
OCCURRENCE = table_of(Occurrence)
MISSED = table_of(MissedSlot)
DB_PROFILE = table_of(DbProfile)
LLM_PROFILE = table_of(LlmProfile)

# What the tick itself changes on a schedule (never the user's fields, never the version).
TICK_FIELDS = (
    "status",
    "next_fire_utc",
    "last_fire_utc",
    "last_error",
    "running_since",
    "change_seen_utc",
    "change_watermark",
    "prior_status",
    "updated_at",
)

SCHEDULE_BY_ID = sa.select(SCHEDULE).where(SCHEDULE.c.id == bindparam("sid"))

# The due schedules with everything a claim and its executor need, in one round trip: each
# schedule, its newest run (is this a retry? why was a slot missed?) and its profile names.
_LATEST = RUN.alias("latest")
_LATEST_ID = sa.select(sa.func.max(RUN.c.id)).where(RUN.c.schedule_id == SCHEDULE.c.id).scalar_subquery()
RUN_PREFIX = "latest_"
LATEST_FIELDS = tuple(f.name for f in fields(LatestRun))


def _due_batch(lock: bool):
    """The `limit` most overdue claimable schedules, picked (and on PostgreSQL locked, skipping rows another
    runner holds) by an inner query first, so the run and profile joins touch those rows only."""
    due = SCHEDULE.alias("due")
    pick = (
        sa.select(due.c.id)
        .where(due.c.status.in_(CLAIMABLE), due.c.next_fire_utc <= bindparam("now"))
        .order_by(due.c.next_fire_utc, due.c.id)
        .limit(bindparam("limit"))
    )
    if lock:
        pick = pick.with_for_update(skip_locked=True)
    return (
        sa.select(
            SCHEDULE,
            *[_LATEST.c[name].label(RUN_PREFIX + name) for name in LATEST_FIELDS],
            DB_PROFILE.c.name.label("db_profile_name"),
            LLM_PROFILE.c.name.label("llm_profile_name"),
        )
        .select_from(
            SCHEDULE.outerjoin(_LATEST, _LATEST.c.id == _LATEST_ID)
            .outerjoin(DB_PROFILE, DB_PROFILE.c.id == SCHEDULE.c.db_profile_id)
            .outerjoin(LLM_PROFILE, LLM_PROFILE.c.id == SCHEDULE.c.llm_profile_id)
        )
        .where(SCHEDULE.c.id.in_(pick))
        .order_by(SCHEDULE.c.next_fire_utc, SCHEDULE.c.id)
    )


DUE_BATCH = {"sqlite": _due_batch(lock=False), "postgresql": _due_batch(lock=True)}


def split_due_row(row) -> tuple[ScheduleState, LatestRun | None, str | None, str | None]:
    """A DUE_BATCH row as (schedule state, newest run or None, db profile name, llm profile name)."""
    values = dict(row._mapping)
    db_name, llm_name = values.pop("db_profile_name"), values.pop("llm_profile_name")
    run = {key[len(RUN_PREFIX) :]: values.pop(key) for key in list(values) if key.startswith(RUN_PREFIX)}
    return ScheduleState(**values), LatestRun(**run) if run["id"] is not None else None, db_name, llm_name


LATEST_RUN = sa.select(RUN).where(RUN.c.schedule_id == bindparam("sid")).order_by(RUN.c.id.desc()).limit(1)
ARMED_CATCH_UP = sa.select(MISSED.c.id).where(
    MISSED.c.schedule_id == bindparam("sid"), MISSED.c.slot_utc == bindparam("slot"), MISSED.c.action == "run"
)
# Run rows of a batch in one multi-row INSERT, their ids returned in the order of the parameters.
INSERT_RUNS = RUN.insert().returning(RUN.c.id, sort_by_parameter_order=True)
# Occurrences of a batch in one statement; a schedule missing from what it returns had fired that instant.
INSERT_OCCURRENCES = {
    "postgresql": postgresql.insert(OCCURRENCE).on_conflict_do_nothing().returning(OCCURRENCE.c.schedule_id),
    "sqlite": sqlite.insert(OCCURRENCE).on_conflict_do_nothing().returning(OCCURRENCE.c.schedule_id),
}


@cache
def flip(allowed: tuple[str, ...], due_only: bool, moves_slot: bool, records_fire: bool):
    """`UPDATE schedule SET status='running', prior_status=? ... WHERE id=? AND status IN (allowed...)
    [AND next_fire_utc<=?]`; `records_fire` sets last_fire_utc (an extra run-now leaves it, docs/ARCHITECTURE.md
    §5.5). The statuses are written into the statement, so a batch of claims runs it as one executemany."""
    if not all(status.isidentifier() for status in allowed):
        raise ValueError(f"not a status: {allowed!r}")
    statuses: list[sa.ColumnElement[str]] = [sa.literal_column(f"'{status}'") for status in allowed]
    stmt = SCHEDULE.update().where(SCHEDULE.c.id == bindparam("sid"), SCHEDULE.c.status.in_(statuses))
    if due_only:
        stmt = stmt.where(SCHEDULE.c.next_fire_utc <= bindparam("now"))
    values = {
        "status": "running",
        "prior_status": bindparam("prior"),
        "running_since": bindparam("at"),
        "updated_at": bindparam("at"),
    }
    if records_fire:
        values["last_fire_utc"] = bindparam("fire")
    if moves_slot:
        values["next_fire_utc"] = bindparam("slot")
    return stmt.values(**values)


_RUNNING_RUN = RUN.update().where(RUN.c.id == bindparam("b_id"), RUN.c.status == "running")


@cache
def update_running_run(names: frozenset[str]):
    """`UPDATE run SET <names> WHERE id = ? AND status = 'running'`, built once per set of columns; a `log` value
    is appended to the run's log (the sink's and the settlement's writes)."""
    values: dict[str, sa.ColumnElement[Any]] = {name: bindparam(f"b_{name}") for name in sorted(names - {"log"})}
    if "log" in names:
        values["log"] = RUN.c.log + bindparam("b_log", type_=sa.Text())
    return _RUNNING_RUN.values(values)


def write_running_run(conn, run_id: int, values: dict) -> bool:
    """Write `values` (column -> value; `log`: text to append) into a run that is still running; False if not."""
    params = {f"b_{name}": value for name, value in values.items()}
    return conn.execute(update_running_run(frozenset(values)), {"b_id": run_id, **params}).rowcount == 1


PIN_WATERMARK = (
    SCHEDULE.update()
    .where(SCHEDULE.c.id == bindparam("sid"), SCHEDULE.c.change_watermark.is_(None))
    .values(change_watermark=bindparam("mark"))
)


def locked(stmt, conn, *, skip: bool):
    """Row-lock on PostgreSQL (`FOR UPDATE [SKIP LOCKED]`); SQLite holds the write lock already."""
    if conn.dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=skip)
    return stmt


def state_of(row) -> ScheduleState | None:
    """A mutable copy of a Core schedule row."""
    return ScheduleState(**row._mapping) if row is not None else None


WRITE_SCHEDULE = (
    SCHEDULE.update()
    .where(SCHEDULE.c.id == bindparam("b_id"))
    .values({name: bindparam(f"b_{name}") for name in TICK_FIELDS})
)


# The same, only if the row is still as it was read before the write transaction (nobody edited it,
# nothing of the tick's moved it meanwhile): a settlement that read its schedule ahead writes with it.
WRITE_SCHEDULE_IF_UNCHANGED = WRITE_SCHEDULE.where(
    SCHEDULE.c.status == bindparam("seen_status"),
    SCHEDULE.c.version == bindparam("seen_version"),
    SCHEDULE.c.updated_at == bindparam("seen_updated_at"),
)


def write_schedule(conn, state: ScheduleState, seen: ScheduleState | None = None) -> bool:
    """Store the tick-owned fields of a schedule state; with `seen` (the row as read earlier), only if the row
    has not changed since. False when it had."""
    params = {"b_id": state.id, **{f"b_{name}": getattr(state, name) for name in TICK_FIELDS}}
    if seen is None:
        conn.execute(WRITE_SCHEDULE, params)
        return True
    params.update(seen_status=seen.status, seen_version=seen.version, seen_updated_at=seen.updated_at)
    return conn.execute(WRITE_SCHEDULE_IF_UNCHANGED, params).rowcount == 1
