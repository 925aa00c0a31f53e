"""The missed sweep (docs/ARCHITECTURE.md §5.7): settle every slot late past the grace window per policy; fire nothing.

Used by each tick before it claims, and by the startup check of `amx` and `amx-tui`. Policy
`run` only arms its one catch-up here (ledger row with action "run" at the armed slot); the
claim path fires it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from amx_core.models import Schedule
from amx_core.models.base import saved_id
from amx_core.store import Store
from amx_core.tick.claims import CLAIMABLE, Settled
from amx_core.tick.decide import apply_settlement, decide


def late_stmt(now: datetime, grace: timedelta):
    return (
        select(Schedule.id)
        .where(
            col(Schedule.status).in_(CLAIMABLE),
            col(Schedule.next_fire_utc) < now - grace,
            Schedule.trigger == "cron",
        )
        .order_by(col(Schedule.next_fire_utc), col(Schedule.id))
    )


def settle_missed(store: Store, now: datetime, grace: timedelta, previous_tick_at: datetime | None) -> list[Settled]:
    """Record missed slots and apply each late schedule's policy; returns the schedules it touched."""
    with store.session() as session:
        ids = list(session.exec(late_stmt(now, grace)).all())
    settled: list[Settled] = []
    for schedule_id in ids:
        with store.write_session() as session:
            stmt = select(Schedule).where(Schedule.id == schedule_id)
            if session.get_bind().dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            row = session.exec(stmt).first()
            if row is None or row.status not in CLAIMABLE or row.next_fire_utc is None:
                continue
            if row.next_fire_utc >= now - grace:
                continue
            decision = decide(session.connection(), row, now, grace, previous_tick_at)
            if decision.fires and not decision.ledger:
                continue  # a retry or an already armed catch-up: the claim path fires it
            apply_settlement(session, row, decision, now)
            settled.append(Settled(saved_id(row), decision))
    return settled
