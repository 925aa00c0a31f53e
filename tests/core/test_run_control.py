"""Run-now as an extra run, cancel through the store, resume inside the grace window (docs/ARCHITECTURE.md §5.2, §5.5).

Every run here goes through the tick's claim path and its real supervisor; the clock is pinned
(or moved by the executor itself), and a cancel request is written to the store exactly as
`amx runs cancel` does from another process.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from tick_support import Scripted, add_schedule, clean_registry, ok_analyze, profiles, utc  # noqa: F401 (fixtures)

from amx_core.errors import ConflictError, NotFoundError, ValidationError
from amx_core.execution.context import RunOutcome
from amx_core.models import MissedSlot, Schedule
from amx_core.services.run_now import run_now
from amx_core.services.runs import cancel_run, get_run, list_runs
from amx_core.services.schedules import get_schedule, pause_schedule, resume_schedule
from amx_core.tick import registry
from amx_core.tick.claims import claim_next
from amx_core.tick.clock import Clock
from amx_core.tick.passes import run_pass

T = utc(2027, 3, 1, 9, 0)
GRACE = timedelta(minutes=10)


def _reasons(store, sid) -> list[tuple[str, str]]:
    return sorted((r.reason, r.status) for r in list_runs(store, schedule_id=sid))


# --- run-now is an extra run ------------------------------------------------------------------


@pytest.mark.usefixtures("ok_analyze")
def test_run_now_keeps_a_paused_schedule_paused_with_its_next_fire(any_store):
    profiles(any_store)
    sid = add_schedule(any_store, "nightly", utc(2027, 3, 2, 2), cadence="0 2 * * *")
    pause_schedule(any_store, sid, now=T)
    result = run_now(any_store, sid, now=T)
    assert (result.run.status, result.run.reason) == ("completed", "run-now")
    view = get_schedule(any_store, sid)
    assert (view.status, view.next_fire_utc, view.last_fire_utc) == ("paused", utc(2027, 3, 2, 2), None)
    assert run_pass(any_store, now=utc(2027, 3, 2, 2, 1)).fired == ()  # still paused: nothing fires
    resume_schedule(any_store, sid, now=utc(2027, 3, 2, 2, 3))  # inside the grace window: fires next tick
    assert run_pass(any_store, now=utc(2027, 3, 2, 2, 4)).fired == (sid,)
    assert _reasons(any_store, sid) == [("run-now", "completed"), ("time", "completed")]


@pytest.mark.usefixtures("ok_analyze")
def test_run_now_of_a_future_one_shot_leaves_its_planned_fire_which_happens_once(any_store):
    profiles(any_store)
    sid = add_schedule(any_store, "next week", utc(2027, 3, 8, 9))
    run_now(any_store, sid, now=T)
    run_now(any_store, sid, now=T + timedelta(hours=1))  # a second extra run changes nothing either
    view = get_schedule(any_store, sid)
    assert (view.status, view.next_fire_utc) == ("pending", utc(2027, 3, 8, 9))
    assert run_pass(any_store, now=utc(2027, 3, 8, 9, 0, 30)).fired == (sid,)
    assert run_pass(any_store, now=utc(2027, 3, 8, 9, 5)).fired == ()
    assert get_schedule(any_store, sid).status == "completed"
    assert _reasons(any_store, sid) == [("run-now", "completed")] * 2 + [("time", "completed")]


@pytest.mark.usefixtures("clean_registry")
def test_a_failed_run_now_is_not_retried_and_leaves_the_schedule_as_it_was(store):
    from tick_support import transient

    profiles(store)
    sid = add_schedule(store, "hourly", utc(2027, 3, 1, 10), cadence="0 * * * *")
    registry.register("analyze", Scripted(transient("LLM 503")))
    result = run_now(store, sid, now=T)
    assert (result.run.status, result.run.retry_at) == ("failed", None)
    view = get_schedule(store, sid)
    assert (view.status, view.next_fire_utc, view.last_error) == ("pending", utc(2027, 3, 1, 10), None)


@pytest.mark.usefixtures("clean_registry")
def test_a_slot_passed_during_a_run_now_goes_through_the_missed_rules(store):
    profiles(store)
    sid = add_schedule(store, "hourly", utc(2027, 3, 1, 10), cadence="0 * * * *")
    clock = Clock(T)

    def long_run(ctx):  # the run takes two hours: 10:00 and 11:00 come while it runs
        clock.pinned = T + timedelta(hours=2, minutes=1)
        return RunOutcome(ok=True)

    registry.register("analyze", Scripted(long_run))
    run_now(store, sid, now=clock)
    view = get_schedule(store, sid)
    assert (view.status, view.next_fire_utc) == ("pending", utc(2027, 3, 1, 10))  # back where it was
    report = run_pass(store, now=T + timedelta(hours=2, minutes=1))  # 10:00 is late: policy ask
    assert report.missed == (sid,) and report.fired == ()
    with store.session() as session:
        ledger = session.exec(select(MissedSlot).order_by(MissedSlot.slot_utc)).all()
    assert [(m.slot_utc, m.reason) for m in ledger] == [
        (utc(2027, 3, 1, 10), "previous run still running"),
        (utc(2027, 3, 1, 11), "previous run still running"),
    ]


@pytest.mark.usefixtures("ok_analyze")
def test_run_now_is_refused_while_any_run_of_the_schedule_is_going(store):
    profiles(store)
    sid = add_schedule(store, "hourly", T, cadence="0 * * * *")
    claim_next(store, T, GRACE, None, host="h", pid=1)
    with pytest.raises(ConflictError) as refused:
        run_now(store, sid, now=T + timedelta(minutes=5))
    assert refused.value.field == "id" and "already running since 2027-03-01T09:00:00+00:00" in refused.value.message


# --- cancel, requested through the store ------------------------------------------------------


def _cancelling_executor(store, seen: list):
    """Asks for its own cancel the way `amx runs cancel` does (a row in the store), then works table by table
    until the runner's poll turns the request into its cancel event."""

    def run(ctx):
        ctx.progress(tables_planned=50, tables_done=1)  # one table done before the request: partial progress
        cancel_run(store, ctx.run_id, now=ctx.now)
        for done in range(2, 51):
            if ctx.cancel_event.wait(timeout=0.2):
                break
            ctx.progress(tables_done=done)
        seen.append(ctx.cancel_event.is_set())
        ctx.check_cancelled()
        return RunOutcome(ok=True)

    return run


@pytest.mark.usefixtures("clean_registry")
@pytest.mark.parametrize(
    ("cadence", "prior", "expected"),
    [
        ("0 * * * *", "pending", ("pending", utc(2027, 3, 1, 10))),  # recurring: armed at its next occurrence
        ("0 * * * *", "failed", ("failed", utc(2027, 3, 1, 10))),  # it was Failed (armed) before: Failed again
        (None, "pending", ("cancelled", None)),  # a one-shot's only fire was the cancelled one
    ],
)
def test_a_cancel_request_stops_a_time_run_and_returns_the_schedule_to_its_prior_status(
    any_store, cadence, prior, expected
):
    profiles(any_store)
    sid = add_schedule(any_store, "s", T, cadence=cadence, status=prior)
    seen: list[bool] = []
    registry.register("analyze", Scripted(_cancelling_executor(any_store, seen)))
    report = run_pass(any_store, now=T)
    assert report.fired == (sid,) and seen == [True]
    run = get_run(any_store, report.runs[0])
    assert (run.status, run.error) == ("cancelled", "cancelled")
    assert run.cancel_requested_at == T and 0 < run.tables_done < 50  # partial progress kept
    view = get_schedule(any_store, sid)
    assert (view.status, view.next_fire_utc) == expected


@pytest.mark.usefixtures("clean_registry")
def test_a_cancelled_run_now_returns_to_the_exact_prior_status_and_next_fire(store):
    profiles(store)
    sid = add_schedule(store, "weekly", utc(2027, 3, 8, 9), cadence="0 9 * * 1")
    pause_schedule(store, sid, now=T)
    registry.register("analyze", Scripted(_cancelling_executor(store, [])))
    result = run_now(store, sid, now=T)
    assert result.run.status == "cancelled"
    view = get_schedule(store, sid)
    assert (view.status, view.next_fire_utc) == ("paused", utc(2027, 3, 8, 9))
    with store.session() as session:
        assert session.get(Schedule, sid).prior_status is None


@pytest.mark.usefixtures("ok_analyze")
def test_cancel_refuses_unknown_and_finished_runs(store):
    profiles(store)
    sid = add_schedule(store, "once", T)
    done = run_pass(store, now=T).runs[0]
    with pytest.raises(ConflictError) as finished:
        cancel_run(store, done)
    assert finished.value.field == "run" and "completed, not running" in finished.value.message
    with pytest.raises(NotFoundError) as unknown:
        cancel_run(store, 999)
    assert unknown.value.field == "run"
    with pytest.raises(ValidationError) as bad:
        cancel_run(store, "²")
    assert bad.value.field == "run"
    assert get_run(store, done).cancel_requested_at is None and get_schedule(store, sid).status == "completed"


# --- resume inside the grace window -----------------------------------------------------------


@pytest.mark.usefixtures("ok_analyze")
def test_a_one_shot_resumed_inside_the_grace_window_fires_at_the_next_tick(store):
    profiles(store)
    sid = add_schedule(store, "once", T)
    pause_schedule(store, sid, now=T - timedelta(minutes=5))
    view = resume_schedule(store, sid, now=T + timedelta(seconds=22))
    assert (view.status, view.next_fire_utc) == ("pending", T)
    report = run_pass(store, now=T + timedelta(minutes=1))
    assert report.fired == (sid,) and report.missed == ()
    assert _reasons(store, sid) == [("time", "completed")]


def test_a_one_shot_resumed_after_the_grace_window_is_missed(store):
    profiles(store)
    sid = add_schedule(store, "once", T)
    pause_schedule(store, sid, now=T - timedelta(minutes=5))
    view = resume_schedule(store, sid, now=T + GRACE + timedelta(seconds=1))
    assert view.status == "missed"


@pytest.mark.usefixtures("ok_analyze")
def test_a_recurring_schedule_resumed_keeps_the_slot_inside_grace_and_ledgers_the_older_ones(store):
    profiles(store)
    sid = add_schedule(store, "every 5", T, cadence="*/5 * * * *")
    pause_schedule(store, sid, now=T - timedelta(minutes=1))
    view = resume_schedule(store, sid, now=T + timedelta(minutes=17))  # 09:00 .. 09:15 passed while paused
    assert (view.status, view.next_fire_utc) == ("pending", T + timedelta(minutes=15))
    with store.session() as session:
        ledger = session.exec(select(MissedSlot).order_by(MissedSlot.slot_utc)).all()
    assert [(m.slot_utc.minute, m.reason) for m in ledger] == [(0, "paused"), (5, "paused"), (10, "paused")]
    assert run_pass(store, now=T + timedelta(minutes=18)).fired == (sid,)
