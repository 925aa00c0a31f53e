"""Lease recovery: a run whose heartbeat is older than the lease is failed, its partial results kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from tick_support import add_schedule, ok_analyze, profiles, utc  # noqa: F401 (fixture)

from amx_core.models import Run
from amx_core.services.runs import get_run
from amx_core.services.schedules import get_schedule
from amx_core.tick.claims import claim_next
from amx_core.tick.passes import run_pass
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settle import COMPLETED, Outcome, finish_run
from amx_core.tick.sink import RunSink

T = utc(2027, 3, 1, 9, 0)
GRACE = timedelta(minutes=10)


pytestmark = pytest.mark.usefixtures("ok_analyze")


def _claim(store, now=T):
    claim = claim_next(store, now, GRACE, None, host="elsewhere", pid=99999)
    assert claim is not None and hasattr(claim, "run_id")
    return claim


def _partial_progress(store, claim, at):
    sink = RunSink(store, claim.run_id, lambda: at)
    sink.update(tables_planned=10, tables_done=4, columns_described=17, tokens_in=900)
    sink.log("public.users described")
    sink.flush()


def test_expired_lease_fails_run_keeps_partial_results_and_rearms(any_store):
    profiles(any_store)
    sid = add_schedule(any_store, "hourly", T, cadence="0 * * * *")
    claim = _claim(any_store)
    _partial_progress(any_store, claim, T + timedelta(minutes=2))
    assert get_schedule(any_store, sid).status == "running"

    report = run_pass(any_store, now=T + timedelta(minutes=8))  # last beat 6 min ago > 5 min lease
    assert report.recovered == (sid,) and report.recovered_runs == (claim.run_id,)
    run = get_run(any_store, claim.run_id)
    assert run.status == "failed"
    assert run.error == "runner stopped (no heartbeat since 2027-03-01T09:02:00+00:00)"
    assert (run.tables_done, run.columns_described, run.tokens_in) == (4, 17, 900)
    assert run.log_lines and run.log_lines[0].endswith("public.users described")
    view = get_schedule(any_store, sid)
    assert view.status == "failed" and view.last_error == run.error
    assert view.next_fire_utc == utc(2027, 3, 1, 10)  # recurring stays armed
    assert view.running_since is None


def test_fresh_heartbeat_is_not_recovered(store):
    profiles(store)
    sid = add_schedule(store, "once", T)
    claim = _claim(store)
    report = run_pass(store, now=T + timedelta(minutes=4))
    assert report.recovered == ()
    assert get_run(store, claim.run_id).status == "running"
    assert get_schedule(store, sid).status == "running"


def test_recovered_one_shot_is_failed_without_next_fire(store):
    profiles(store)
    sid = add_schedule(store, "once", T)
    _claim(store)
    run_pass(store, now=T + timedelta(minutes=6))
    view = get_schedule(store, sid)
    assert (view.status, view.next_fire_utc) == ("failed", None)
    assert view.last_error.startswith("runner stopped (no heartbeat since 2027-03-01T09:00:00")


def test_failed_recurring_schedule_fires_at_its_next_slot_and_keeps_error_until_success(store):
    profiles(store)
    sid = add_schedule(store, "hourly", T, cadence="0 * * * *")
    _claim(store)
    run_pass(store, now=T + timedelta(minutes=30))
    assert get_schedule(store, sid).status == "failed"
    run_pass(store, now=T + timedelta(minutes=45))  # nothing due: the error stays visible
    assert get_schedule(store, sid).last_error.startswith("runner stopped")
    report = run_pass(store, now=utc(2027, 3, 1, 10, 0))
    assert report.fired == (sid,)
    view = get_schedule(store, sid)
    assert (view.status, view.last_error, view.next_fire_utc) == ("pending", None, utc(2027, 3, 1, 11))


def test_a_late_finish_after_recovery_does_not_overwrite(store):
    profiles(store)
    sid = add_schedule(store, "hourly", T, cadence="0 * * * *")
    claim = _claim(store)
    run_pass(store, now=T + timedelta(minutes=6))
    settled = finish_run(
        store, claim, Outcome(status=COMPLETED), T + timedelta(minutes=7), grace=GRACE, policy=RetryPolicy()
    )
    assert settled.lost
    assert get_run(store, claim.run_id).status == "failed"
    assert get_schedule(store, sid).status == "failed"


def test_orphan_running_schedule_without_a_run_is_recovered(store):
    profiles(store)
    sid = add_schedule(store, "hourly", T, cadence="0 * * * *", status="running")
    with store.session() as session:
        from amx_core.models import Schedule

        row = session.get(Schedule, sid)
        row.running_since = T
        session.add(row)
    report = run_pass(store, now=T + timedelta(minutes=6))
    assert report.recovered == (sid,)
    view = get_schedule(store, sid)
    assert view.status == "failed" and view.next_fire_utc == utc(2027, 3, 1, 10)
    with store.session() as session:
        assert session.exec(select(Run)).all() == []
