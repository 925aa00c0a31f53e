"""What the tick does with one due schedule: fire it (and why), or settle a missed slot per policy.

`decide` only reads; `apply_settlement` writes the missed ledger and state; the dry run prints
the same decisions the real pass acts on, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from amx_core.instants import iso
from amx_core.models import Schedule
from amx_core.models.base import saved_id
from amx_core.notify.events import enqueue_missed
from amx_core.schedule import rules
from amx_core.schedule.ledger import record_missed, slots_between
from amx_core.tick import statements as q
from amx_core.timing import next_fire_after

# A sleeping machine can pass many slots; the ledger records each (up to this many per detection).
LEDGER_LIMIT = 10_000

FIRE, MISS, SKIP, CANCEL = "fire", "miss", "skip", "cancel"
REASON_TIME, REASON_CHANGE, REASON_CATCH_UP, REASON_RETRY, REASON_RUN_NOW = (
    "time",
    "change",
    "catch-up",
    "retry",
    "run-now",
)
NO_TICK = "no tick ran"
NOT_LOADED = "daemon not loaded"
RUNNER_BUSY = "runner busy"
STILL_RUNNING = "previous run still running"


@dataclass(frozen=True)
class Decision:
    """The verdict for one schedule whose next fire time has come.

    `action` is fire, miss (policy ask), skip (policy skip, recurring) or cancel (skip, one-shot).
    A fire carries the run `reason`, the occurrence instant `fire_utc` (unique per schedule),
    the schedule slot the run stands for (`slot_utc`) and the attempt number. `ledger` lists
    missed slots to record, each with its why; `arm_utc` is where the schedule's next fire moves.
    """

    action: str
    reason: str
    fire_utc: datetime | None = None
    slot_utc: datetime | None = None
    attempt: int = 1
    ledger: tuple[tuple[datetime, str], ...] = ()
    ledger_action: str | None = None
    arm_utc: datetime | None = None
    why: str = ""
    coalesced: int = 0
    previous_run_id: int | None = field(default=None, compare=False)

    @property
    def fires(self) -> bool:
        return self.action == FIRE


def missed_reason(slot: datetime, previous_tick_at: datetime | None, grace: timedelta, last_run=None) -> str:
    """Why a slot passed unfired: a run was still going, no tick ever ran, none ran in its window, or busy."""
    if last_run is not None and last_run.started_at <= slot and (last_run.ended_at is None or slot < last_run.ended_at):
        return STILL_RUNNING
    if previous_tick_at is None:
        return NOT_LOADED
    if previous_tick_at < slot + grace:
        return NO_TICK
    return RUNNER_BUSY


def latest_run(conn, schedule_id: int):
    """The schedule's newest run row (Core row), or None."""
    return conn.execute(q.LATEST_RUN, {"sid": schedule_id}).first()


def pending_retry(row, last):
    """The failed attempt whose planned retry is the schedule's next fire, if that is what is armed."""
    if row.next_fire_utc is None or last is None:
        return None
    if last.status == "failed" and last.retry_at is not None and last.retry_at == row.next_fire_utc:
        return last
    return None


def armed_catch_up(conn, row) -> bool:
    """True when a missed-slot row says policy `run` armed this slot for its one catch-up."""
    return conn.execute(q.ARMED_CATCH_UP, {"sid": row.id, "slot": row.next_fire_utc}).first() is not None


def _fire(reason: str, at: datetime, why: str, **extra) -> Decision:
    return Decision(action=FIRE, reason=reason, fire_utc=at, slot_utc=extra.pop("slot_utc", at), why=why, **extra)


NOT_LOADED_YET = object()


def decide(
    conn,
    row,
    now: datetime,
    grace: timedelta,
    previous_tick_at: datetime | None,
    last=NOT_LOADED_YET,
) -> Decision:
    """The decision for a claimable schedule (Pending, or Failed with a next fire armed) that is due.

    `conn` is the transaction's connection; `row` a schedule row (ORM object or Core state);
    `last` its newest run when the caller already read it.
    """
    due = row.next_fire_utc
    if last is NOT_LOADED_YET:
        last = latest_run(conn, row.id)
    retry = pending_retry(row, last)
    if retry is not None:
        return _fire(
            REASON_RETRY,
            due,
            f"retry attempt {retry.attempt + 1} of {row.retry_max_attempts} after: {retry.error}",
            slot_utc=retry.occurrence_utc or due,
            attempt=retry.attempt + 1,
            previous_run_id=retry.id,
        )
    if row.trigger == "change":
        return _fire(REASON_CHANGE, due, "schema change seen in scope; cap window over")
    if due >= now - grace:
        return _fire(REASON_TIME, due, f"due at {iso(due, timespec='seconds')}")
    if armed_catch_up(conn, row):  # an armed catch-up slot is always a late one
        return _fire(REASON_CATCH_UP, due, f"one catch-up for missed slot {iso(due, timespec='seconds')}")
    return _settle_missed(row, now, grace, previous_tick_at, last)


def _settle_missed(row, now: datetime, grace: timedelta, previous_tick_at: datetime | None, last) -> Decision:
    """Policy ask -> Missed; run -> one fire for all; skip -> next slot (one-shot: Cancelled)."""
    slots = slots_between(row, row.next_fire_utc, now + timedelta(microseconds=1), limit=LEDGER_LIMIT)
    late = [s for s in slots if s < now - grace]
    fresh = [s for s in slots if s >= now - grace]
    policy = row.missed_policy
    first = iso(late[0], timespec="seconds")
    why_missed = missed_reason(late[0], previous_tick_at, grace, last)

    def ledger(items):
        return tuple((s, missed_reason(s, previous_tick_at, grace, last)) for s in items)

    if policy == "ask":
        return Decision(
            action=MISS,
            reason=why_missed,
            ledger=ledger(slots),
            ledger_action="ask",
            arm_utc=row.next_fire_utc,
            why=f"{len(slots)} slot(s) missed since {first}; policy ask: waiting for run-now or skip",
        )
    if policy == "run":
        target = fresh[-1] if fresh else late[-1]
        reason = REASON_TIME if fresh else REASON_CATCH_UP
        return _fire(
            reason,
            target,
            f"{len(late)} slot(s) missed since {first}; "
            f"policy run: one fire at {iso(target, timespec='seconds')} for all of them",
            ledger=ledger(late),
            ledger_action="run",
            arm_utc=target,
            coalesced=len(late),
        )
    arm: datetime | None
    if fresh:
        arm = fresh[-1]
    elif row.cadence:
        arm = next_fire_after(row.cadence, row.tz, now)
    else:
        arm = None
    return Decision(
        action=SKIP if arm is not None else CANCEL,
        reason=why_missed,
        ledger=ledger(late),
        ledger_action="skip",
        arm_utc=arm,
        why=f"{len(late)} slot(s) missed since {first}; policy skip: "
        + (f"next fire {iso(arm, timespec='seconds')}" if arm else "one-shot cancelled"),
    )


def record_ledger(session: Session, row: Schedule, decision: Decision, now: datetime) -> int:
    """Write the decision's missed slots (each once, grouped by reason); returns how many were new."""
    by_reason: dict[str, list[datetime]] = {}
    for slot, why in decision.ledger:
        by_reason.setdefault(why, []).append(slot)
    return sum(
        record_missed(session, row, slots, why, decision.ledger_action or "ask", now)
        for why, slots in by_reason.items()
    )


def _missed(row: Schedule, decision: Decision, now: datetime) -> None:
    row.status = rules.MISSED


def _skip(row: Schedule, decision: Decision, now: datetime) -> None:
    row.next_fire_utc = decision.arm_utc


def _cancel(row: Schedule, decision: Decision, now: datetime) -> None:
    slot = decision.ledger[0][0] if decision.ledger else row.next_fire_utc
    row.status = rules.CANCELLED
    row.next_fire_utc = None
    row.last_error = f"fire time {iso(slot, timespec='seconds')} missed ({decision.reason}); skipped by policy"


def _arm(row: Schedule, decision: Decision, now: datetime) -> None:
    if decision.arm_utc is not None:
        row.next_fire_utc = decision.arm_utc


SETTLE = {MISS: _missed, SKIP: _skip, CANCEL: _cancel, FIRE: _arm}


def apply_settlement(session: Session, row: Schedule, decision: Decision, now: datetime) -> None:
    """Record the ledger and move the schedule as the decision says (a fire only re-arms its slot); newly
    recorded missed slots are one `missed` notice per notifier listening."""
    recorded = record_ledger(session, row, decision, now)
    if recorded:
        whys = sorted({why for _slot, why in decision.ledger})
        enqueue_missed(
            session,
            schedule_id=saved_id(row),
            schedule_name=row.name,
            slots=recorded,
            why=", ".join(whys),
            action=decision.ledger_action or "ask",
            now=now,
        )
    SETTLE[decision.action](row, decision, now)
    row.updated_at = now
    session.add(row)
    session.flush()
