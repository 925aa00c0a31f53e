"""Claims in batches: one transaction takes several due schedules, most overdue first, each occurrence once;
claims made ahead of a worker are beaten, and cancelled when they never start."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tick_support import add_schedule, clean_registry, profiles, utc  # noqa: F401 (fixture)

from amx_core.execution.context import RunOutcome
from amx_core.models import Occurrence
from amx_core.services.runs import cancel_run, list_runs
from amx_core.services.schedules import get_schedule
from amx_core.tick import registry
from amx_core.tick.claims import Claim, Settled, claim_batch
from amx_core.tick.passes import run_pass
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settings import TickSettings
from amx_core.tick.supervisor import Supervisor

T = utc(2027, 3, 1, 9, 0)
NOW = T + timedelta(seconds=30)
GRACE = timedelta(minutes=10)
pytestmark = pytest.mark.usefixtures("clean_registry")


def _claim(store, limit: int) -> list[Claim | Settled]:
    return claim_batch(store, NOW, GRACE, None, host="h", pid=1, limit=limit)


def _due(store, count: int) -> list[int]:
    """`count` due one-shot schedules a second apart, the first the most overdue."""
    profiles(store)
    return [add_schedule(store, f"s{i}", T - timedelta(seconds=count - i)) for i in range(count)]


def test_a_batch_claims_the_most_overdue_first_each_once(any_store):
    ids = _due(any_store, 5)
    first = _claim(any_store, 3)
    assert [c.schedule_id for c in first] == ids[:3]
    assert all(isinstance(c, Claim) and c.reason == "time" for c in first)
    assert len({c.run_id for c in first}) == 3
    second = _claim(any_store, 3)
    assert [c.schedule_id for c in second] == ids[3:]
    assert _claim(any_store, 3) == []
    assert {get_schedule(any_store, i).status for i in ids} == {"running"}
    runs = list_runs(any_store)
    assert sorted(r.schedule_id for r in runs) == sorted(ids) and {r.status for r in runs} == {"running"}


def test_an_instant_fired_already_is_moved_past_and_the_rest_claimed_next(any_store):
    ids = _due(any_store, 3)
    fired = ids[1]
    slot = get_schedule(any_store, fired).next_fire_utc
    with any_store.session() as session:  # a run-now took that very instant a moment ago
        session.add(Occurrence(schedule_id=fired, fire_utc=slot, reason="run-now", claimed_at=slot, host="h", pid=1))
    got = _claim(any_store, 3)
    assert [(type(g), g.schedule_id) for g in got] == [(Settled, fired)]
    assert got[0].decision.action == "already-fired"
    assert list_runs(any_store) == []  # the batch was rolled back whole
    moved = get_schedule(any_store, fired)  # a one-shot: its only instant fired, it is done
    assert moved.status == "completed" and moved.next_fire_utc is None
    assert sorted(c.schedule_id for c in _claim(any_store, 3)) == [ids[0], ids[2]]


def test_a_pass_fires_every_due_schedule_once_through_batches(any_store):
    ids = _due(any_store, 20)
    registry.register("analyze", lambda ctx: RunOutcome(ok=True))
    report = run_pass(any_store, now=NOW, settings=TickSettings(workers=2))
    assert sorted(report.fired) == ids and len(report.runs) == 20
    runs = list_runs(any_store)
    assert len(runs) == 20 and {r.status for r in runs} == {"completed"}
    assert {get_schedule(any_store, i).status for i in ids} == {"completed"}
    assert run_pass(any_store, now=NOW + timedelta(seconds=1)).fired == ()


def _supervisor(store) -> Supervisor:
    return Supervisor(store, lambda: NOW, TickSettings(workers=1), RetryPolicy())


def test_claims_waiting_for_a_worker_are_cancelled_when_the_pass_is_interrupted(any_store):
    ids = _due(any_store, 2)
    waiting = _supervisor(any_store)
    waiting._queued.extend(c for c in _claim(any_store, 2) if isinstance(c, Claim))
    waiting.cancel_all()  # what Ctrl-C does
    assert not waiting._queued
    runs = list_runs(any_store)
    assert {r.status for r in runs} == {"cancelled"} and len(runs) == 2
    assert all(r.error == "cancelled before it started" for r in runs)
    assert {get_schedule(any_store, i).status for i in ids} == {"cancelled"}  # one-shots, like a cancelled run


def test_a_waiting_claim_someone_cancels_never_starts(any_store):
    ids = _due(any_store, 2)
    waiting = _supervisor(any_store)
    claims = [c for c in _claim(any_store, 2) if isinstance(c, Claim)]
    waiting._queued.extend(claims)
    cancel_run(any_store, claims[1].run_id)
    results: list = []
    waiting._check_cancels(results)
    assert [f.claim.run_id for f in results] == [claims[1].run_id]
    assert [c.run_id for c in waiting._queued] == [claims[0].run_id]
    assert [get_schedule(any_store, i).status for i in ids] == ["running", "cancelled"]
