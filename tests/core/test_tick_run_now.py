"""Run-now goes through the tick's claim path: an occurrence at `now`, refused while Running."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from tick_support import add_schedule, ok_analyze, profiles, utc  # noqa: F401 (fixture)

from amx_core.errors import ConflictError
from amx_core.models import Occurrence
from amx_core.services.run_now import run_now, wait_background
from amx_core.services.runs import get_run
from amx_core.services.schedules import get_schedule
from amx_core.tick.claims import claim_next
from amx_core.tick.passes import run_pass

T = utc(2027, 3, 1, 9, 0)


pytestmark = pytest.mark.usefixtures("ok_analyze")


def test_run_now_fires_through_the_claim_path_with_progress(any_store):
    profiles(any_store)
    sid = add_schedule(any_store, "daily", utc(2027, 3, 2, 9), cadence="0 9 * * *")
    events = []
    result = run_now(any_store, sid, now=T, on_progress=lambda kind, data: events.append(kind))
    assert result.run.status == "completed" and result.run.reason == "run-now"
    assert result.run.occurrence_utc == T and result.run.tables_done == 1
    assert "progress" in events and "log" in events
    with any_store.session() as session:
        occ = session.exec(select(Occurrence)).one()
    assert (occ.schedule_id, occ.fire_utc, occ.reason, occ.run_id) == (sid, T, "run-now", result.run_id)
    view = get_schedule(any_store, sid)
    assert (view.status, view.next_fire_utc) == ("pending", utc(2027, 3, 2, 9))  # its own slot stays


def test_run_now_is_refused_while_running(store):
    profiles(store)
    sid = add_schedule(store, "hourly", T, cadence="0 * * * *")
    claim_next(store, T, timedelta(minutes=10), None, host="h", pid=1)
    with pytest.raises(ConflictError) as refused:
        run_now(store, sid, now=T + timedelta(minutes=1))
    assert "already running since 2027-03-01T09:00:00+00:00" in refused.value.message
    assert refused.value.field == "id"


def test_run_now_resolves_a_missed_schedule(store):
    profiles(store)
    sid = add_schedule(store, "hourly", utc(2027, 2, 27, 9), cadence="0 * * * *")
    run_pass(store, now=T)
    assert get_schedule(store, sid).status == "missed"
    result = run_now(store, sid, now=T + timedelta(minutes=3))
    assert result.run.status == "completed"
    view = get_schedule(store, sid)
    assert (view.status, view.next_fire_utc) == ("pending", utc(2027, 3, 1, 10))


def test_run_now_satisfies_a_due_slot_instead_of_firing_twice(store):
    profiles(store)
    sid = add_schedule(store, "hourly", T, cadence="0 * * * *")
    run_now(store, sid, now=T + timedelta(minutes=2))
    report = run_pass(store, now=T + timedelta(minutes=3))
    assert report.fired == ()
    assert get_schedule(store, sid).next_fire_utc == utc(2027, 3, 1, 10)


def test_run_now_of_a_future_one_shot_keeps_its_fire_time(store):
    profiles(store)
    sid = add_schedule(store, "once", utc(2027, 3, 5, 9))
    assert run_now(store, sid, now=T).run.status == "completed"
    view = get_schedule(store, sid)
    assert (view.status, view.next_fire_utc) == ("pending", utc(2027, 3, 5, 9))  # an extra run: the plan stands
    report = run_pass(store, now=utc(2027, 3, 5, 9, 1))
    assert report.fired == (sid,) and get_schedule(store, sid).status == "completed"


def test_run_now_of_a_due_one_shot_stands_for_its_slot(store):
    profiles(store)
    sid = add_schedule(store, "once", T)
    run_now(store, sid, now=T + timedelta(minutes=1))
    assert get_schedule(store, sid).status == "completed"
    assert run_pass(store, now=T + timedelta(minutes=2)).fired == ()


def test_background_run_now_is_executed_by_a_detached_worker(store):
    profiles(store)
    sid = add_schedule(store, "hourly", utc(2027, 3, 2, 9), cadence="0 * * * *")
    result = run_now(store, sid, background=True, now=T)
    assert result.background and result.pid
    assert get_schedule(store, sid).status == "running"
    assert wait_background(result.pid, timeout=60) is not None
    run = get_run(store, result.run_id)
    # The worker is a fresh interpreter: the test executor is not registered there, so the real
    # analyze executor (or its clear "not installed" failure) answers; either way it ran there.
    assert run.pid == result.pid and run.ended_at is not None
    assert run.status == "completed" or (run.status == "failed" and run.error)
    view = get_schedule(store, sid)
    assert view.status in ("pending", "failed") and view.next_fire_utc == utc(2027, 3, 2, 9)


def test_an_instant_that_already_fired_never_fires_again(any_store):
    profiles(any_store)
    sid = add_schedule(any_store, "hourly", T, cadence="0 * * * *")
    with any_store.session() as session:  # as if a runner fired 09:00 and died before moving the schedule on
        session.add(Occurrence(schedule_id=sid, fire_utc=T, reason="time", claimed_at=T))
    report = run_pass(any_store, now=T + timedelta(minutes=1))
    assert report.fired == () and report.runs == ()
    assert get_schedule(any_store, sid).next_fire_utc == utc(2027, 3, 1, 10)
    with pytest.raises(ConflictError) as refused:
        run_now(any_store, sid, now=T)
    assert refused.value.message == "id: already fired at 2027-03-01T09:00:00+00:00"
    assert get_schedule(any_store, sid).status == "pending"


def test_cancelled_run_now_keeps_partial_results_and_the_plan(store):
    from amx_core.execution.context import RunCancelled
    from amx_core.tick import registry

    def cancelled(ctx):
        ctx.progress(tables_planned=4, tables_done=1)
        raise RunCancelled("cancelled")

    profiles(store)
    once = add_schedule(store, "once", utc(2027, 3, 5, 9))
    registry.register("analyze", cancelled)
    result = run_now(store, once, now=T)
    assert (result.run.status, result.run.error, result.run.tables_done) == ("cancelled", "cancelled", 1)
    view = get_schedule(store, once)
    assert (view.status, view.next_fire_utc) == ("pending", utc(2027, 3, 5, 9))  # its own time still stands
