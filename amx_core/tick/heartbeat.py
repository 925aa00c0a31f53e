"""The tick heartbeat: one row saying when the last real tick pass ran, which the daemon badge reads.

A pass run with `--now` (a simulation, or a test moving the clock) records itself in a second row
instead: the status never shows it, so a simulated tick can't make a stopped daemon look alive or
give the badge a negative age. The missed ledger's "no tick ran" verdict reads the real row on a
real pass, and the later of both rows on a simulated one (a simulation starts from reality).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from amx_core.models.base import utcnow
from amx_core.models.runs import Run, TickHeartbeat
from amx_core.store import Store

HEARTBEAT_ID = 1  # real passes; the daemon status reads this row only
SIMULATED_ID = 2  # passes with a pinned clock (`amx-tick --now`)


def heartbeat_id(simulated: bool) -> int:
    return SIMULATED_ID if simulated else HEARTBEAT_ID


@dataclass(frozen=True)
class HeartbeatView:
    """The last tick pass and how long ago it was, as of the `now` it was read at."""

    last_tick_at: datetime
    duration_ms: float | None
    host: str | None
    pid: int | None
    age_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "last_tick_at": self.last_tick_at.isoformat(),
            "duration_ms": self.duration_ms,
            "host": self.host,
            "pid": self.pid,
            "age_seconds": self.age_seconds,
        }


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given for a UTC instant")
    return value.astimezone(UTC)


def read_heartbeat(store: Store, *, now: datetime | None = None, simulated: bool = False) -> HeartbeatView | None:
    """The real ticks' heartbeat (the simulated one with `simulated`), or None when no such tick recorded one."""
    with store.session() as session:
        row = session.get(TickHeartbeat, heartbeat_id(simulated))
        if row is None or row.last_tick_at is None:
            return None
        at = row.last_tick_at
        age = max(0.0, (_aware(now or utcnow()) - at).total_seconds())  # another host's clock may run ahead
        return HeartbeatView(last_tick_at=at, duration_ms=row.duration_ms, host=row.host, pid=row.pid, age_seconds=age)


def record_heartbeat(
    store: Store,
    *,
    at: datetime,
    duration_ms: float | None,
    host: str | None,
    pid: int | None,
    last_fired: int | None = None,
    simulated: bool = False,
) -> None:
    """Insert or update the heartbeat row (two first ticks racing: the loser retries as an update)."""
    row_id = heartbeat_id(simulated)
    for attempt in range(2):
        try:
            with store.write_session() as session:
                row = session.get(TickHeartbeat, row_id)
                if row is None:
                    row = TickHeartbeat(id=row_id)
                    session.add(row)
                row.last_tick_at = _aware(at)
                row.duration_ms = duration_ms
                row.host = host
                row.pid = pid
                if last_fired is not None:
                    row.last_fired = last_fired
            return
        except IntegrityError:
            if attempt:
                raise


def previous_tick(store: Store, *, simulated: bool = False) -> datetime | None:
    """The last recorded tick before this one, for telling "no tick ran" from "daemon not loaded"."""
    ids = (HEARTBEAT_ID, SIMULATED_ID) if simulated else (HEARTBEAT_ID,)
    with store.session() as session:
        stmt = sa.select(sa.func.max(TickHeartbeat.last_tick_at)).where(col(TickHeartbeat.id).in_(ids))
        return session.execute(stmt).scalar()


def latest_running_heartbeat(store: Store) -> datetime | None:
    """The freshest heartbeat of a run still in progress: a long tick pass is alive even when the row is old."""
    with store.session() as session:
        return session.execute(sa.select(sa.func.max(Run.heartbeat_at)).where(col(Run.status) == "running")).scalar()
