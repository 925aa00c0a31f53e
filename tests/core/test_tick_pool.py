"""The bounded pool: claims continue while runs are in flight, heartbeats are kept, workers are joined."""

from __future__ import annotations

import threading

import pytest
from tick_support import add_schedule, clean_registry, profiles, utc  # noqa: F401 (fixture)

from amx_core.execution.context import RunOutcome
from amx_core.services.runs import list_runs
from amx_core.tick import registry, supervisor
from amx_core.tick.passes import run_pass
from amx_core.tick.settings import TickSettings

T = utc(2027, 3, 1, 9, 0)
pytestmark = pytest.mark.usefixtures("clean_registry")


def test_claims_continue_while_a_run_is_in_flight(store):
    profiles(store)
    first = add_schedule(store, "a-first", T)
    add_schedule(store, "b-quick", T)
    last = add_schedule(store, "c-last", T)
    released = threading.Event()
    seen_threads = set()

    def executor(ctx):
        seen_threads.add(threading.current_thread())
        if ctx.schedule.id == first:  # holds its worker until the third claim has run
            assert released.wait(timeout=60), "the pass stopped claiming while a run was in flight"
        if ctx.schedule.id == last:
            released.set()
        return RunOutcome(ok=True)

    registry.register("analyze", executor)
    report = run_pass(store, now=T, settings=TickSettings(workers=2))
    assert sorted(report.fired) == [1, 2, 3] and len(report.runs) == 3
    assert {r.status for r in list_runs(store)} == {"completed"}
    assert len(seen_threads) == 2  # bounded: two workers
    assert all(not t.daemon and not t.is_alive() for t in seen_threads)  # ordinary threads, joined


def test_in_flight_runs_keep_their_heartbeat(store, monkeypatch):
    profiles(store)
    add_schedule(store, "slow", T)
    beaten = threading.Event()
    real_beat = supervisor.beat

    def recording_beat(store_, run_ids, at):
        real_beat(store_, run_ids, at)
        if run_ids:
            beaten.set()

    monkeypatch.setattr(supervisor, "beat", recording_beat)

    def executor(ctx):
        assert beaten.wait(timeout=60), "no heartbeat while the run was in flight"
        return RunOutcome(ok=True)

    registry.register("analyze", executor)
    report = run_pass(store, now=T, settings=TickSettings(workers=1, beat_seconds=0.05))
    assert len(report.fired) == 1 and beaten.is_set()
