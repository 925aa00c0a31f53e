"""After a run: the run row's verdict and the schedule's next state (docs/ARCHITECTURE.md §5.2, the Running rows).

One write transaction per finished run. Locks go schedule first, then run, everywhere (claims,
completions, lease recovery), so PostgreSQL runners never deadlock on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from amx_core.instants import iso
from amx_core.notify.events import enqueue_run_end
from amx_core.schedule import rules
from amx_core.schedule.ledger import record_missed, slots_between
from amx_core.store import Store
from amx_core.tick import statements as q
from amx_core.tick.claims import Claim, stands_for_slot
from amx_core.tick.decide import NO_TICK, REASON_RUN_NOW
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.rows import ScheduleState
from amx_core.timing import next_fire_after

COMPLETED, FAILED, CANCELLED = "completed", "failed", "cancelled"
STOPPED = "stopped"  # ended early by its token budget; what it did is kept


@dataclass(frozen=True)
class Outcome:
    """What happened to one attempt: completed, failed (maybe transient) or cancelled."""

    status: str
    error: str | None = None
    transient: bool = False
    retry_after: float | None = None
    note: str | None = None


@dataclass(frozen=True)
class Settlement:
    """What the bookkeeping wrote: the run's final status, the schedule's, and a planned retry."""

    run_status: str
    schedule_status: str | None
    retry_at: datetime | None = None
    lost: bool = False  # the lease was taken away meanwhile: nothing was overwritten


def lock_schedule_row(conn, schedule_id: int | None) -> ScheduleState | None:
    """The schedule's state, row-locked on PostgreSQL (waiting, not skipping: this run owns it)."""
    if schedule_id is None:
        return None
    return q.state_of(conn.execute(q.locked(q.SCHEDULE_BY_ID, conn, skip=False), {"sid": schedule_id}).first())


def next_after_run(row, slot: datetime) -> datetime | None:
    """A recurring schedule's next occurrence after the slot it fired for.

    A slot that passed while the run went on stays armed, so the next pass's missed logic
    (grace window, then policy) handles it.
    """
    return next_fire_after(row.cadence, row.tz, slot)


def _ledger_skipped_by_run_now(session: Session, row, claim: Claim, now: datetime, grace: timedelta) -> None:
    """A run-now over a schedule whose armed slot was already late: those slots were missed, say so."""
    origin = row.next_fire_utc
    if claim.reason != REASON_RUN_NOW or origin is None or origin >= claim.slot_utc - grace:
        return
    record_missed(session, row, slots_between(row, origin, claim.slot_utc - grace), NO_TICK, "run", now)


def _rearm_change(session: Session, row, claim: Claim, consumed: bool) -> None:
    """A change schedule after a run: a completed run's watermark is consumed; what lies above it arms it again."""
    from amx_core.catalog.watermark import arm_from_changes

    conn = session.connection()
    if consumed and claim.change_watermark is not None:
        mark = conn.execute(sa.select(q.RUN.c.change_watermark).where(q.RUN.c.id == claim.run_id)).scalar()
        row.change_watermark = max(row.change_watermark or 0, mark or 0, claim.change_watermark)
    arm_from_changes(conn, row)


def _rearm(session: Session, row, claim: Claim, now: datetime, grace: timedelta, *, consumed: bool = False) -> None:
    """Arm the next fire once a run is over, whatever its outcome (a Failed schedule stays armed)."""
    if row.trigger == "change":
        _rearm_change(session, row, claim, consumed)
        return
    if row.cadence:
        _ledger_skipped_by_run_now(session, row, claim, now, grace)
        row.next_fire_utc = next_after_run(row, claim.slot_utc)
        return
    row.next_fire_utc = None


def _success(session, row, claim, outcome, now, grace) -> str:
    row.last_error = None
    _rearm(session, row, claim, now, grace, consumed=True)
    one_shot = row.trigger == "cron" and not row.cadence
    return rules.COMPLETED if one_shot else rules.PENDING


def _stopped(session, row, claim, outcome, now, grace) -> str:
    """A run its token budget stopped: the schedule moves on as after a completed run (its note kept as
    last_error), but a change run consumes nothing, so the tables it did not reach arm it again."""
    row.last_error = outcome.error
    _rearm(session, row, claim, now, grace, consumed=False)
    one_shot = row.trigger == "cron" and not row.cadence
    return rules.COMPLETED if one_shot else rules.PENDING


def _failure(session, row, claim, outcome, now, grace) -> str:
    row.last_error = outcome.error
    _rearm(session, row, claim, now, grace)
    return rules.FAILED


def _cancelled(session, row, claim, outcome, now, grace) -> str:
    """A cancelled run: back to the status before it, armed at its next occurrence (a one-shot has none left).

    A run-now standing for a due or missed slot leaves that slot as it was.
    """
    prior = row.prior_status or rules.PENDING
    if claim.reason == REASON_RUN_NOW:
        return prior
    _rearm(session, row, claim, now, grace)
    if row.trigger == "cron" and not row.cadence:
        return rules.CANCELLED
    return prior


def _retry(row, claim: Claim, outcome: Outcome, retry_at: datetime) -> str:
    row.next_fire_utc = retry_at
    row.last_error = (
        f"{outcome.error} (attempt {claim.attempt} of {row.retry_max_attempts}; "
        f"retry at {iso(retry_at, timespec='seconds', missing='?')})"
    )
    return rules.PENDING


AFTER = {COMPLETED: _success, FAILED: _failure, CANCELLED: _cancelled, STOPPED: _stopped}


def is_extra_run(row, claim: Claim) -> bool:
    """A run-now that stands for no slot (docs/ARCHITECTURE.md §5.5): nothing of the schedule's plan moves."""
    return claim.reason == REASON_RUN_NOW and not stands_for_slot(
        row.prior_status or row.status, row.next_fire_utc, claim.fire_utc
    )


def _next_status(session, row, claim: Claim, outcome: Outcome, now, grace, retry_at) -> str:
    """Where the schedule goes after the run: its prior status for an extra run-now, else the Running rows of §5.2."""
    if is_extra_run(row, claim):
        return row.prior_status or rules.PENDING
    if retry_at is not None:
        return _retry(row, claim, outcome, retry_at)
    return AFTER[outcome.status](session, row, claim, outcome, now, grace)


def _plan_retry(row, claim: Claim, outcome: Outcome, now: datetime, policy: RetryPolicy) -> datetime | None:
    """A transient failure with attempts left retries; a run-now never does (the person who asked sees it fail)."""
    if row is None or outcome.status != FAILED or not outcome.transient or claim.reason == REASON_RUN_NOW:
        return None
    if claim.attempt >= row.retry_max_attempts:
        return None
    delay = policy.delay(claim.attempt, row.retry_base_seconds, outcome.retry_after)
    return now + timedelta(seconds=delay)


def _close_run(conn, run_id: int, outcome: Outcome, now: datetime, retry_at: datetime | None, extra: dict) -> bool:
    """Write the run's verdict if it is still ours (status running); False when a lease recovery won.

    `extra`: last counters / log lines the executor reported, in the same write."""
    error = outcome.error if outcome.status != COMPLETED else None
    values = {"status": outcome.status, "ended_at": now, "heartbeat_at": now, "error": error, "retry_at": retry_at}
    return q.write_running_run(conn, run_id, {**extra, **values})


class _Changed(Exception):
    """The schedule read ahead of the write transaction changed before its write: roll back, settle locked."""


def _read_ahead(store: Store, schedule_id: int | None) -> ScheduleState | None:
    """On SQLite, the schedule as it is now, read before the write lock (one store-wide lock: every read done
    outside it is time the claims do not wait); its write then checks that nothing changed meanwhile."""
    if not store.is_sqlite or schedule_id is None:
        return None
    with store.engine.connect() as conn:
        return q.state_of(conn.execute(q.SCHEDULE_BY_ID, {"sid": schedule_id}).first())


def finish_run(
    store: Store,
    claim: Claim,
    outcome: Outcome,
    now: datetime,
    *,
    grace: timedelta,
    policy: RetryPolicy,
    run_values: dict | None = None,
) -> Settlement:
    """Record the attempt's outcome and move the schedule: Completed/Pending, retry, Failed or Cancelled.

    `run_values` are last counters/log the executor reported, written in the same transaction. One short write
    transaction; on SQLite the schedule is read before it (again inside it only when it changed meanwhile).
    """
    seen = _read_ahead(store, claim.schedule_id)
    if seen is not None and seen.status == rules.RUNNING:
        try:
            return _finish(store, claim, outcome, now, grace, policy, run_values or {}, seen)
        except _Changed:
            pass
    return _finish(store, claim, outcome, now, grace, policy, run_values or {}, None)


def _finish(store, claim, outcome, now, grace, policy, run_values: dict, seen: ScheduleState | None) -> Settlement:
    with store.write_session() as session:
        conn = session.connection()
        row = replace(seen) if seen is not None else lock_schedule_row(conn, claim.schedule_id)
        retry_at = _plan_retry(row, claim, outcome, now, policy)
        if not _close_run(conn, claim.run_id, outcome, now, retry_at, run_values):
            if seen is not None:
                raise _Changed()  # e.g. lease recovery won: say so from the row as it is now
            return Settlement(run_status="lost", schedule_status=row.status if row else None, lost=True)
        enqueue_run_end(
            session,
            run_id=claim.run_id,
            schedule_id=claim.schedule_id,
            schedule_name=claim.schedule_name,
            status=outcome.status,
            error=outcome.error,
            reason=claim.reason,
            retry_at=retry_at,
            now=now,
        )
        if row is None or row.status != rules.RUNNING:
            return Settlement(run_status=outcome.status, schedule_status=row.status if row else None)
        status = _next_status(session, row, claim, outcome, now, grace, retry_at)
        _leave_running(session, row, status, now, seen)
        return Settlement(run_status=outcome.status, schedule_status=status, retry_at=retry_at)


def _leave_running(session: Session, row, status: str, now: datetime, seen: ScheduleState | None = None) -> None:
    row.status = status
    row.prior_status = None
    row.running_since = None
    row.updated_at = now
    session.flush()  # ledger rows first (record_missed adds them through the ORM)
    if not q.write_schedule(session.connection(), row, seen):
        raise _Changed()


def fail_running_schedule(session: Session, row, claim: Claim, error: str, now: datetime, grace: timedelta) -> None:
    """Lease recovery's half: the schedule goes Failed with the message, recurring ones stay armed
    (an extra run-now's schedule returns to its prior status instead)."""
    status = _next_status(session, row, claim, Outcome(status=FAILED, error=error), now, grace, None)
    _leave_running(session, row, status, now)
