"""Retries: transient errors retry with exponential backoff and jitter (seeded), honouring Retry-After.

Each attempt is its own Run row; the retry goes through the same claim path (the schedule is
armed at the retry instant); the last error is kept until a success.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from tick_support import Scripted, add_schedule, clean_registry, profiles, transient, utc  # noqa: F401 (fixture)

from amx_core.execution.context import RunOutcome
from amx_core.services.runs import list_runs
from amx_core.services.schedules import get_schedule
from amx_core.tick import registry
from amx_core.tick.passes import run_pass
from amx_core.tick.retry import RetryPolicy

T = utc(2027, 3, 1, 9, 0)


pytestmark = pytest.mark.usefixtures("clean_registry")


def seeded() -> RetryPolicy:
    return RetryPolicy(rng=random.Random(7))


def test_backoff_grows_exponentially_with_bounded_jitter():
    policy = seeded()
    delays = [policy.delay(attempt, 30.0) for attempt in (1, 2, 3, 4)]
    for attempt, delay in zip((1, 2, 3, 4), delays, strict=True):
        full = 30.0 * 2 ** (attempt - 1)
        assert full / 2 <= delay <= full
    again = seeded()
    assert [again.delay(a, 30.0) for a in (1, 2, 3, 4)] == delays  # the seed makes jitter repeatable
    assert RetryPolicy(rng=random.Random(1), max_delay=60).delay(10, 30.0) <= 60


def test_retry_after_wins_when_longer():
    assert seeded().delay(1, 30.0, retry_after=600) == 600
    assert seeded().delay(3, 30.0, retry_after=1) >= 60


def _schedule(store, **kw) -> int:
    profiles(store)
    return add_schedule(store, "hourly", T, cadence="0 * * * *", **kw)


def test_transient_failures_retry_then_succeed(any_store):
    sid = _schedule(any_store)
    registry.register("analyze", Scripted(transient("LLM 503"), transient("LLM 503"), RunOutcome(ok=True)))

    first = run_pass(any_store, now=T, policy=seeded())
    assert first.retrying == (sid,) and first.failed == ()
    expected_delay = seeded().delay(1, 30.0)
    view = get_schedule(any_store, sid)
    retry_at = T + timedelta(seconds=expected_delay)
    assert view.status == "pending" and view.next_fire_utc == retry_at
    assert view.last_error.startswith("LLM 503 (attempt 1 of 3; retry at")

    assert run_pass(any_store, now=retry_at - timedelta(seconds=1), policy=seeded()).fired == ()
    second = run_pass(any_store, now=retry_at, policy=seeded())
    assert second.retrying == (sid,)
    third_at = get_schedule(any_store, sid).next_fire_utc
    assert third_at > retry_at
    third = run_pass(any_store, now=third_at, policy=seeded())
    assert third.fired == (sid,) and third.retrying == () and third.failed == ()

    runs = list(reversed(list_runs(any_store, schedule_id=sid)))
    assert [(r.reason, r.attempt, r.status) for r in runs] == [
        ("time", 1, "failed"),
        ("retry", 2, "failed"),
        ("retry", 3, "completed"),
    ]
    assert {r.occurrence_utc for r in runs} == {T}  # all attempts stand for the 09:00 slot
    assert runs[0].retry_at == retry_at
    view = get_schedule(any_store, sid)
    assert (view.status, view.last_error, view.next_fire_utc) == ("pending", None, utc(2027, 3, 1, 10))


def test_retries_exhausted_fail_and_keep_next_occurrence_and_error(store):
    sid = _schedule(store, retry_base=10.0)
    registry.register("analyze", Scripted(transient("LLM 429")))
    now = T
    for _ in range(3):
        report = run_pass(store, now=now, policy=seeded())
        now = get_schedule(store, sid).next_fire_utc
    assert report.failed == (sid,) and report.retrying == ()
    view = get_schedule(store, sid)
    assert view.status == "failed" and view.last_error == "LLM 429"
    assert view.next_fire_utc == utc(2027, 3, 1, 10)  # armed: the error is kept, not wiped on re-arm
    assert [r.attempt for r in list_runs(store, schedule_id=sid)] == [3, 2, 1]


def test_retry_after_is_honoured(store):
    sid = _schedule(store)
    registry.register("analyze", Scripted(transient("rate limited", retry_after=900), RunOutcome(ok=True)))
    run_pass(store, now=T, policy=seeded())
    assert get_schedule(store, sid).next_fire_utc == T + timedelta(seconds=900)


def test_permanent_failure_does_not_retry(store):
    sid = _schedule(store)
    registry.register("analyze", Scripted(RunOutcome(ok=False, error="scope entity public.gone no longer exists")))
    report = run_pass(store, now=T, policy=seeded())
    assert report.failed == (sid,)
    view = get_schedule(store, sid)
    assert view.status == "failed" and view.last_error == "scope entity public.gone no longer exists"
    assert len(list_runs(store, schedule_id=sid)) == 1


def test_an_executor_crash_fails_its_run_not_the_tick(store):
    sid = _schedule(store)
    registry.register("analyze", Scripted(KeyError("boom")))
    report = run_pass(store, now=T, policy=seeded())
    assert report.failed == (sid,) and report.errors == ()
    assert get_schedule(store, sid).last_error == "KeyError: 'boom'"


def test_analyze_without_executor_fails_clearly(store, monkeypatch):
    registry.unregister("analyze")
    monkeypatch.delitem(registry.BUILTIN, "analyze")
    sid = _schedule(store)
    report = run_pass(store, now=T, policy=seeded())
    assert report.failed == (sid,)
    assert list_runs(store, schedule_id=sid)[0].error == "analyze executor not installed"
