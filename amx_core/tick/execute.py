"""Running one claimed firing: the executor for its kind, then the bookkeeping of its outcome.

Every exception an executor raises becomes an Outcome (TransientError -> retry, RunCancelled
-> cancelled, anything else -> failed with its text); nothing escapes into the pool.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from amx_core.errors import NotFoundError
from amx_core.execution.context import RunCancelled, RunContext, RunOutcome, TransientError
from amx_core.models import DbProfile, LlmProfile
from amx_core.models.base import table_of
from amx_core.schedule.views import schedule_view
from amx_core.secrets.masking import mask_url
from amx_core.store import Store
from amx_core.tick.claims import Claim
from amx_core.tick.decide import REASON_RUN_NOW
from amx_core.tick.logfile import tick_log
from amx_core.tick.registry import executor_for
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settle import CANCELLED, COMPLETED, FAILED, STOPPED, Outcome, Settlement, finish_run
from amx_core.tick.sink import Observer, RunSink
from amx_core.tick.statements import SCHEDULE
from amx_core.views import ScheduleView


@dataclass(frozen=True)
class Finished:
    """A claim after execution and bookkeeping."""

    claim: Claim
    outcome: Outcome
    settlement: Settlement | None
    duration_ms: float


def _from_executor(result: RunOutcome | None) -> Outcome:
    if result is not None and result.ok and result.stopped:
        return Outcome(status=STOPPED, error=result.note or f"stopped ({result.stopped})", note=result.note)
    if result is None or result.ok:
        return Outcome(status=COMPLETED, note=result.note if result else None)
    return Outcome(status=FAILED, error=result.error or "the run failed (no message)")


def _call(executor, ctx: RunContext, sink: RunSink) -> Outcome:
    try:
        return _from_executor(executor(ctx))
    except TransientError as exc:
        return Outcome(
            status=FAILED, error=mask_url(str(exc) or type(exc).__name__), transient=True, retry_after=exc.retry_after
        )
    except RunCancelled:
        return Outcome(status=CANCELLED, error="cancelled")
    except Exception as exc:  # noqa: BLE001 - an executor bug must fail its run, not the tick
        sink.log("".join(traceback.format_exception_only(type(exc), exc)).strip())
        return Outcome(status=FAILED, error=mask_url(f"{type(exc).__name__}: {exc}"))


_DB, _LLM = table_of(DbProfile), table_of(LlmProfile)
_VIEW = (
    sa.select(SCHEDULE, _DB.c.name.label("db_profile_name"), _LLM.c.name.label("llm_profile_name"))
    .select_from(
        SCHEDULE.outerjoin(_DB, _DB.c.id == SCHEDULE.c.db_profile_id).outerjoin(
            _LLM, _LLM.c.id == SCHEDULE.c.llm_profile_id
        )
    )
    .where(SCHEDULE.c.id == sa.bindparam("sid"))
)


def _view(store: Store, schedule_id: int) -> ScheduleView:
    """The schedule as the executor sees it, in one joined read."""
    with store.session() as session:
        found = session.connection().execute(_VIEW, {"sid": schedule_id}).first()
    if found is None:
        raise NotFoundError("id", f"no schedule with id {schedule_id}")
    return schedule_view(found, found.db_profile_name or "?", found.llm_profile_name)


def _view_of(store: Store, claim: Claim) -> ScheduleView:
    if claim.context is not None:
        row, db_name, llm_name = claim.context
        return schedule_view(row, db_name or "?", llm_name)
    return _view(store, claim.schedule_id)


def _consumer(store: Store, claim: Claim):
    """The run context's change hook: a change run plans only the tables its events name; a run-now its whole scope."""
    if claim.change_watermark is None:
        return None

    def consume() -> frozenset[tuple[str, str]] | None:
        from amx_core.catalog.watermark import consume_for_run

        tables = consume_for_run(store, claim.run_id, claim.schedule_id)
        return None if claim.reason == REASON_RUN_NOW else tables

    return consume


def execute_claim(
    store: Store,
    claim: Claim,
    clock: Callable[[], datetime],
    *,
    grace: timedelta,
    policy: RetryPolicy,
    cancel_event: threading.Event | None = None,
    observer: Observer | None = None,
) -> Finished:
    """Execute a claimed run and settle it; the run row gets counters, log, verdict; the schedule moves on."""
    started = time.perf_counter()
    sink = RunSink(store, claim.run_id, clock, observer=observer)
    try:
        ctx = RunContext(
            store=store,
            run_id=claim.run_id,
            schedule=_view_of(store, claim),
            reason=claim.reason,
            now=clock(),
            sink=sink,
            cancel_event=cancel_event or threading.Event(),
            consume_changes=_consumer(store, claim),
        )
        outcome = _call(executor_for(claim.kind), ctx, sink)
    except Exception as exc:  # noqa: BLE001 - e.g. the executor module failed to import
        outcome = Outcome(status=FAILED, error=mask_url(f"{type(exc).__name__}: {exc}"))
    return _settled(store, claim, outcome, clock, grace, policy, sink.take_pending(), started)


def cancel_unstarted(
    store: Store, claim: Claim, clock: Callable[[], datetime], *, grace: timedelta, policy: RetryPolicy
) -> Finished:
    """A claim that waited for a worker and never ran (the pass was interrupted, or someone cancelled it):
    settled cancelled like a run stopped at its first boundary."""
    outcome = Outcome(status=CANCELLED, error="cancelled before it started")
    return _settled(store, claim, outcome, clock, grace, policy, {}, time.perf_counter())


def _settled(
    store: Store,
    claim: Claim,
    outcome: Outcome,
    clock: Callable[[], datetime],
    grace: timedelta,
    policy: RetryPolicy,
    run_values: dict,
    started: float,
) -> Finished:
    """Settle the run (a store failure leaves it to a later pass's lease recovery) and write its log line."""
    settlement = None
    try:
        settlement = finish_run(store, claim, outcome, clock(), grace=grace, policy=policy, run_values=run_values)
    except Exception as exc:  # noqa: BLE001 - the lease recovery of a later pass will close it
        error = f"{type(exc).__name__}: {exc}"
        tick_log("run-error", {"run": claim.run_id, "schedule": claim.schedule_id, "error": error})
    duration_ms = (time.perf_counter() - started) * 1000
    tick_log(
        "run",
        {
            "run": claim.run_id,
            "schedule": claim.schedule_id,
            "name": claim.schedule_name,
            "kind": claim.kind,
            "reason": claim.reason,
            "attempt": claim.attempt,
            "slot": claim.slot_utc,
            "status": settlement.run_status if settlement else "unsettled",
            "schedule_status": settlement.schedule_status if settlement else None,
            "retry_at": settlement.retry_at if settlement else None,
            "duration_ms": round(duration_ms, 1),
            "error": outcome.error,
        },
    )
    return Finished(claim, outcome, settlement, duration_ms)
