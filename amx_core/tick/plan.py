"""The dry run: the decisions a real pass would act on, read from the store, nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select

from amx_core.models import Schedule
from amx_core.store import Store
from amx_core.tick.changes import due_change_checks
from amx_core.tick.claims import CLAIMABLE
from amx_core.tick.decide import FIRE, REASON_TIME, SKIP, Decision, decide
from amx_core.tick.leases import orphan_schedules, stale_runs, stopped_message
from amx_core.tick.report import PlanItem


def _fire_items(row: Schedule, decision: Decision) -> list[PlanItem]:
    action = "fire" if decision.reason == REASON_TIME else decision.reason
    items = [PlanItem(action, row.id, row.name, decision.why, decision.fire_utc)]
    if decision.coalesced > 1:
        why = f"{decision.coalesced} missed slots coalesced into this one fire (policy run)"
        items.append(PlanItem("coalesce", row.id, row.name, why, decision.fire_utc))
    return items


def _items_for(row: Schedule, decision: Decision, now: datetime) -> list[PlanItem]:
    if decision.action == FIRE:
        return _fire_items(row, decision)
    items = [PlanItem(decision.action, row.id, row.name, decision.why, row.next_fire_utc)]
    if decision.action == SKIP and decision.arm_utc is not None and decision.arm_utc <= now:
        items.append(
            PlanItem(
                "fire", row.id, row.name, f"next slot {decision.arm_utc.isoformat()} is within grace", decision.arm_utc
            )
        )
    return items


def plan_pass(
    store: Store, now: datetime, *, grace: timedelta, lease: timedelta, previous_tick_at: datetime | None
) -> list[PlanItem]:
    """Leases to recover, slots missed (and what each policy does), what fires and why, change checks."""
    items: list[PlanItem] = []
    with store.session() as session:
        for run in stale_runs(session, now, lease):
            why = stopped_message(run.heartbeat_at or run.started_at)
            items.append(PlanItem("recover", run.schedule_id, run.schedule_name, why, now, run.id))
        for row in orphan_schedules(session, now, lease):
            items.append(PlanItem("recover", row.id, row.name, stopped_message(row.running_since), now))
        due = session.exec(
            select(Schedule)
            .where(col(Schedule.status).in_(CLAIMABLE), col(Schedule.next_fire_utc) <= now)
            .order_by(col(Schedule.next_fire_utc), col(Schedule.id))
        ).all()
        for row in due:
            items.extend(_items_for(row, decide(session.connection(), row, now, grace, previous_tick_at), now))
    for check in due_change_checks(store, now):
        items.append(PlanItem("change-check", None, str(check), "catalog due a change check", now))
    return items
