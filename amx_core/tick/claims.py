"""Claims (docs/ARCHITECTURE.md §7.4): a batch of due schedules at a time, atomically, each occurrence recorded once.

Every batch runs inside one write transaction taken up front (SQLite `BEGIN IMMEDIATE` via
`store.write_session()`; PostgreSQL row locks with `FOR UPDATE SKIP LOCKED`, so runners take
different rows), and for each schedule flips it to Running with a conditional
`UPDATE ... RETURNING`, and inserts the Run row and the Occurrence (schedule, fire instant).
The unique occurrence makes a second firing of the same instant impossible whoever else ticks:
OS timer, TUI, run-now, a manual `amx-tick`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from amx_core.errors import ConflictError, NotFoundError
from amx_core.instants import iso
from amx_core.models import Schedule
from amx_core.schedule import rules
from amx_core.store import Store
from amx_core.tick import statements as q
from amx_core.tick.decide import FIRE, REASON_CATCH_UP, REASON_RUN_NOW, REASON_TIME, Decision, apply_settlement, decide
from amx_core.tick.rows import ScheduleState
from amx_core.timing import next_fire_after

CLAIMABLE = q.CLAIMABLE
RUN_NOW_FROM = tuple(sorted(rules.ALLOWED_FROM["run-now"]))
# Reasons whose claim moves the schedule's armed slot to the one being fired (a catch-up may
# fire a later slot than the first one missed); retries, change and run-now leave it alone.
MOVES_SLOT = frozenset({REASON_TIME, REASON_CATCH_UP})


@dataclass(frozen=True)
class Claim:
    """A claimed firing: the Run row exists (status running) and the schedule is Running."""

    run_id: int
    schedule_id: int
    schedule_name: str
    kind: str
    reason: str
    fire_utc: datetime
    slot_utc: datetime
    attempt: int
    started_at: datetime
    # A run standing for a change fire consumes change events: the newest event id when it was
    # claimed (its executor may raise it once it read the catalog); None for every other run.
    change_watermark: int | None = None
    # (schedule state as claimed, db profile name, llm profile name) when the claim read them,
    # so the executor's view needs no second read.
    context: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Settled:
    """A due schedule handled without firing: missed (ask), skipped, cancelled, or already fired."""

    schedule_id: int
    decision: Decision


def _instants(decision: Decision) -> tuple[datetime, datetime]:
    """(fire, slot) instants of a fire decision; every fire carries both."""
    if decision.fire_utc is None or decision.slot_utc is None:
        raise ValueError(f"a {decision.action} decision carries no fire instant")
    return decision.fire_utc, decision.slot_utc


class _AlreadyFired(Exception):
    """The occurrence insert hit the unique (schedule, fire instant): roll the claim back."""

    def __init__(self, schedule_id: int, decision: Decision) -> None:
        super().__init__(schedule_id)
        self.schedule_id = schedule_id
        self.decision = decision


def stands_for_slot(status: str, next_fire_utc: datetime | None, at: datetime) -> bool:
    """Does a run-now at `at` stand for the schedule's armed slot (docs/ARCHITECTURE.md §5.5)?

    Yes for a Missed schedule (run-now is one answer to policy `ask`) and for a Pending or Failed
    one whose slot is already due (the run starts after it and reads what the slot's run would
    have read). Otherwise the run-now is an extra run: the schedule keeps its status, its next
    fire and its change state. Claim and settlement both ask this of the same unchanged fields.
    """
    if status == rules.MISSED:
        return True
    return status in CLAIMABLE and next_fire_utc is not None and next_fire_utc <= at


def records_fire(row: ScheduleState, reason: str, fire_utc: datetime) -> bool:
    """Whether the claim is a fire of the schedule's plan (an extra run-now is not)."""
    return reason != REASON_RUN_NOW or stands_for_slot(row.status, row.next_fire_utc, fire_utc)


def _claimed_state(row: ScheduleState, decision: Decision, now: datetime) -> ScheduleState:
    """A copy of the schedule as the claim left it (Running, fired, its slot moved when the reason moves it)."""
    fire_utc, slot_utc = _instants(decision)
    return replace(
        row,
        status=rules.RUNNING,
        prior_status=row.status,
        running_since=now,
        updated_at=now,
        last_fire_utc=fire_utc if records_fire(row, decision.reason, fire_utc) else row.last_fire_utc,
        next_fire_utc=slot_utc if decision.reason in MOVES_SLOT else row.next_fire_utc,
    )


def _claim_watermark(conn, row: ScheduleState) -> int:
    """A change fire's claim: pin the schedule's watermark if it had none, return the catalog's newest event id."""
    from amx_core.catalog.watermark import baseline, catalog_of, newest_change_id

    catalog = catalog_of(conn, row)
    if row.change_watermark is None:
        row.change_watermark = baseline(conn, row, catalog)
        conn.execute(q.PIN_WATERMARK, {"sid": row.id, "mark": row.change_watermark})
    return newest_change_id(conn, catalog)


@dataclass(frozen=True)
class _Firing:
    """One schedule a claim transaction is about to take: its row as read, the decision, the profile names."""

    row: ScheduleState
    decision: Decision
    names: tuple[str | None, str | None] | None = None


def _take(conn, firings: list[_Firing], now: datetime, *, allowed: tuple[str, ...], due_only: bool, host, pid):
    """The conditional flips to Running plus the run and occurrence rows of every firing, a few statements for
    the whole batch; None if a flip found its schedule changed (only a run-now, whose row is not pre-checked).

    Raises _AlreadyFired (the caller rolls back) when an occurrence exists already.
    """
    flips: dict[tuple, list[dict]] = {}
    for firing in firings:
        row, reason, (fire_utc, slot_utc) = firing.row, firing.decision.reason, _instants(firing.decision)
        key = (allowed, due_only, reason in MOVES_SLOT, records_fire(row, reason, fire_utc))
        flips.setdefault(key, []).append(
            {"sid": row.id, "now": now, "at": now, "prior": row.status, "fire": fire_utc, "slot": slot_utc}
        )
    for key, params in flips.items():
        if conn.execute(q.flip(*key), params).rowcount != len(params):
            return None
    watermarks = [_watermark(conn, firing) for firing in firings]
    run_ids = (
        conn.execute(
            q.INSERT_RUNS,
            [
                _run_values(firing, now, host, pid, watermark)
                for firing, watermark in zip(firings, watermarks, strict=True)
            ],
        )
        .scalars()
        .all()
    )
    recorded = set(
        conn.execute(
            q.INSERT_OCCURRENCES[conn.dialect.name],
            [_occurrence_values(f, run_id, now, host, pid) for f, run_id in zip(firings, run_ids, strict=True)],
        ).scalars()
    )
    for firing in firings:
        if firing.row.id not in recorded:
            raise _AlreadyFired(firing.row.id, firing.decision)
    return [
        _claim(firing, run_id, watermark, now)
        for firing, run_id, watermark in zip(firings, run_ids, watermarks, strict=True)
    ]


def _watermark(conn, firing: _Firing) -> int | None:
    """A change fire's newest event id at its claim (pinning the schedule's watermark first); None otherwise."""
    row, decision = firing.row, firing.decision
    if row.trigger != "change" or not records_fire(row, decision.reason, _instants(decision)[0]):
        return None
    return _claim_watermark(conn, row)


def _run_values(firing: _Firing, now: datetime, host: str, pid: int, watermark: int | None) -> dict:
    row, decision = firing.row, firing.decision
    return {
        "schedule_id": row.id,
        "schedule_name": row.name,
        "kind": row.kind,
        "reason": decision.reason,
        "status": "running",
        "occurrence_utc": decision.slot_utc,
        "attempt": decision.attempt,
        "started_at": now,
        "heartbeat_at": now,
        "host": host,
        "pid": pid,
        "change_watermark": watermark,
    }


def _occurrence_values(firing: _Firing, run_id: int, now: datetime, host: str, pid: int) -> dict:
    return {
        "schedule_id": firing.row.id,
        "fire_utc": firing.decision.fire_utc,
        "reason": firing.decision.reason,
        "run_id": run_id,
        "claimed_at": now,
        "host": host,
        "pid": pid,
    }


def _claim(firing: _Firing, run_id: int, watermark: int | None, now: datetime) -> Claim:
    row, decision = firing.row, firing.decision
    fire_utc, slot_utc = _instants(decision)
    return Claim(
        run_id=run_id,
        schedule_id=row.id,
        schedule_name=row.name,
        kind=row.kind,
        reason=decision.reason,
        fire_utc=fire_utc,
        slot_utc=slot_utc,
        attempt=decision.attempt,
        started_at=now,
        change_watermark=watermark,
        context=(_claimed_state(row, decision, now), *firing.names) if firing.names else None,
    )


def _already_fired(conn, row: ScheduleState, decision: Decision, now: datetime) -> Settled:
    """The armed instant fired before (e.g. a run-now at that very instant): move past it, never refire."""
    if row.trigger == "change":
        row.next_fire_utc = None
    elif row.cadence:
        row.next_fire_utc = next_fire_after(row.cadence, row.tz, _instants(decision)[0])
    else:
        row.next_fire_utc = None
        row.status = rules.COMPLETED
    row.updated_at = now
    q.write_schedule(conn, row)
    return Settled(row.id, Decision(action="already-fired", reason="occurrence already fired", why="already fired"))


def _settle(session: Session, row: ScheduleState, decision: Decision, now: datetime) -> None:
    """Missed-slot bookkeeping goes through the ORM (rare path; it shares the schedule services' ledger)."""
    schedule = session.get(Schedule, row.id)
    if schedule is None:  # cannot happen: the row is locked in this very transaction
        raise NotFoundError("id", f"no schedule with id {row.id}")
    apply_settlement(session, schedule, decision, now)


def claim_batch(
    store: Store,
    now: datetime,
    grace: timedelta,
    previous_tick_at: datetime | None,
    *,
    host: str,
    pid: int,
    limit: int,
) -> list[Claim | Settled]:
    """Claim up to `limit` claimable schedules, most overdue first, in one write transaction; the ones whose slot
    was missed are settled instead. Empty when nothing is due (or every due row is another runner's)."""
    try:
        with store.write_session() as session:
            conn = session.connection()
            found = conn.execute(q.DUE_BATCH[conn.dialect.name], {"now": now, "limit": limit}).all()
            settled: list[Claim | Settled] = []
            firings: list[_Firing] = []
            for due in found:
                row, last, db_name, llm_name = q.split_due_row(due)
                decision = decide(conn, row, now, grace, previous_tick_at, last)
                if decision.action != FIRE or decision.ledger:
                    _settle(session, row, decision, now)
                if decision.action != FIRE:
                    settled.append(Settled(row.id, decision))
                else:
                    firings.append(_Firing(row, decision, (db_name, llm_name)))
            if not firings:
                return settled
            claims = _take(conn, firings, now, allowed=CLAIMABLE, due_only=True, host=host, pid=pid)
            if claims is None:  # cannot happen: the rows are locked (SQLite: the write lock; PostgreSQL: FOR UPDATE)
                raise RuntimeError("a due schedule changed under its claim")
            return [*claims, *settled]
    except _AlreadyFired as fired:  # the whole batch was rolled back: move that schedule on; the rest is claimed next
        return [_settle_already_fired(store, fired.schedule_id, fired.decision, now)]


def claim_next(
    store: Store,
    now: datetime,
    grace: timedelta,
    previous_tick_at: datetime | None,
    *,
    host: str,
    pid: int,
) -> Claim | Settled | None:
    """Claim the most overdue claimable schedule; settle it instead if its slot was missed; None if none."""
    got = claim_batch(store, now, grace, previous_tick_at, host=host, pid=pid, limit=1)
    return got[0] if got else None


def _settle_already_fired(store: Store, schedule_id: int, decision: Decision, now: datetime) -> Settled:
    with store.write_session() as session:
        conn = session.connection()
        row = q.state_of(conn.execute(q.locked(q.SCHEDULE_BY_ID, conn, skip=False), {"sid": schedule_id}).first())
        if row is None or row.status not in CLAIMABLE or row.next_fire_utc is None or row.next_fire_utc > now:
            return Settled(schedule_id, Decision(action="already-fired", reason="settled elsewhere", why=""))
        return _already_fired(conn, row, decision, now)


def claim_run_now(store: Store, schedule_id: int, now: datetime, *, host: str, pid: int) -> Claim:
    """Run-now through the same claim path; refused while Running ("already running since ...")."""
    try:
        with store.write_session() as session:
            conn = session.connection()
            row = q.state_of(conn.execute(q.locked(q.SCHEDULE_BY_ID, conn, skip=False), {"sid": schedule_id}).first())
            if row is None:
                raise NotFoundError("id", f"no schedule with id {schedule_id}")
            if row.status == rules.RUNNING:
                raise ConflictError(
                    "id", f"already running since {iso(row.running_since, timespec='seconds', missing='?')}"
                )
            decision = Decision(action=FIRE, reason=REASON_RUN_NOW, fire_utc=now, slot_utc=now, why="run now")
            firing = _Firing(row, decision)
            claims = _take(conn, [firing], now, allowed=RUN_NOW_FROM, due_only=False, host=host, pid=pid)
    except _AlreadyFired:
        raise ConflictError("id", f"already fired at {iso(now, timespec='seconds', missing='?')}") from None
    if claims is None:
        raise ConflictError("id", "already running (claimed by another runner a moment ago)")
    return claims[0]


def claim_of_run(run, schedule_name: str | None = None) -> Claim:
    """A Claim rebuilt from its Run row (a background run-now picking up the run its parent claimed)."""
    return Claim(
        run_id=run.id,
        schedule_id=run.schedule_id,
        schedule_name=run.schedule_name or schedule_name or "?",
        kind=run.kind,
        reason=run.reason,
        fire_utc=run.occurrence_utc or run.started_at,
        slot_utc=run.occurrence_utc or run.started_at,
        attempt=run.attempt,
        started_at=run.started_at,
        change_watermark=run.change_watermark,
    )
