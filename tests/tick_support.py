"""Shared helpers for the tick tests: schedules placed straight in the store, test executors, child runners.

Run as a module (`python -m tick_support ROLE ...` with tests/ on PYTHONPATH) it is the child
process of the race and crash tests: it registers a trivial (or blocking) executor, says
"ready" on stdout, waits on stdin behind the parent's barrier, then ticks or runs-now.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime

from amx_core.execution.context import RunContext, RunOutcome, TransientError
from amx_core.tick import registry

UTC = UTC


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def profiles(store) -> tuple[int, int]:
    """A DB profile and an LLM profile (ids), enough for analyze schedules."""
    from amx_core.models import DbProfile, LlmProfile

    with store.session() as session:
        db = DbProfile(name="shop", url="sqlite:///shop.db")
        llm = LlmProfile(name="offline", provider="heuristic")
        session.add(db)
        session.add(llm)
        session.flush()
        return db.id, llm.id


def add_schedule(
    store,
    name: str,
    next_fire: datetime | None,
    *,
    cadence: str | None = None,
    policy: str = "ask",
    kind: str = "analyze",
    trigger: str = "cron",
    tz: str = "UTC",
    status: str = "pending",
    retries: int = 3,
    retry_base: float = 30.0,
    db_profile_id: int = 1,
    llm_profile_id: int = 1,
) -> int:
    """Insert a schedule row as if created earlier (its fire time may already be past)."""
    from amx_core.models import Schedule

    with store.session() as session:
        row = Schedule(
            name=name,
            kind=kind,
            trigger=trigger,
            fire_at_utc=next_fire if trigger == "cron" else None,
            tz=tz,
            cadence=cadence,
            cap_hours=1.0 if trigger == "change" else None,
            db_profile_id=db_profile_id,
            llm_profile_id=llm_profile_id,
            missed_policy=policy,
            retry_max_attempts=retries,
            retry_base_seconds=retry_base,
            status=status,
            next_fire_utc=next_fire,
            created_at=utc(2020, 1, 1),
            updated_at=utc(2020, 1, 1),
        )
        session.add(row)
        session.flush()
        return row.id


def bulk_schedules(
    store,
    count: int,
    next_fire: datetime,
    *,
    cadence: str | None = "0 * * * *",
    prefix: str = "s",
    kind: str = "analyze",
    db_profile_id: int = 1,
) -> list[int]:
    """Many schedules in one transaction (race tests and the benchmark)."""
    from amx_core.models import Schedule

    rows = [
        Schedule(
            name=f"{prefix}{i:05d}",
            kind=kind,
            tz="UTC",
            cadence=cadence,
            fire_at_utc=next_fire,
            db_profile_id=db_profile_id,
            llm_profile_id=1,
            status="pending",
            next_fire_utc=next_fire,
        )
        for i in range(count)
    ]
    with store.session() as session:
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def ok_executor(ctx: RunContext) -> RunOutcome:
    ctx.progress(tables_planned=1, tables_done=1)
    ctx.log(f"ok {ctx.reason}")
    return RunOutcome(ok=True)


def register_ok(kind: str = "analyze") -> None:
    registry.register(kind, ok_executor)


if "pytest" in sys.modules:  # fixtures where pytest runs; child processes and the bench stay light
    import pytest

    @pytest.fixture
    def ok_analyze():
        """The trivial executor for analyze schedules during one test (use: pytest.mark.usefixtures)."""
        register_ok()
        yield
        registry.unregister("analyze")

    @pytest.fixture
    def clean_registry():
        """Whatever a test registers for analyze is removed afterwards."""
        yield
        registry.unregister("analyze")


class Scripted:
    """An executor replaying outcomes in turn: RunOutcome, an exception instance, or a callable."""

    def __init__(self, *steps) -> None:
        self.steps = list(steps)
        self.calls: list[RunContext] = []

    def __call__(self, ctx: RunContext) -> RunOutcome:
        self.calls.append(ctx)
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return step(ctx)
        return step


def transient(message: str = "LLM 429", retry_after: float | None = None) -> TransientError:
    return TransientError(message, retry_after=retry_after)


def blocking_executor(ctx: RunContext) -> RunOutcome:
    """Reports progress, prints "started RUN" on stdout, then blocks until the process is killed."""
    import threading

    ctx.progress(tables_planned=10, tables_done=3, columns_described=7)
    ctx.log("described 7 columns so far")
    ctx.sink.flush()
    print(f"started {ctx.run_id}", flush=True)
    threading.Event().wait()
    return RunOutcome(ok=True)


def _barrier() -> None:
    print("ready", flush=True)
    sys.stdin.readline()


def _child(argv: list[str]) -> int:
    """`tick NOW` | `run-now NOW ID...` | `block NOW` (the crash test's victim)."""
    role = argv[0]
    from amx_core.tick.entry import main

    if role == "block":
        registry.register("analyze", blocking_executor)
        return main(["--now", argv[1], "--json"])
    register_ok()
    import amx_core.tick.passes  # noqa: F401 - warm imports before the barrier, so the race is the claims
    from amx_core.store import open_store

    store = open_store()
    if role == "tick":
        _barrier()
        return main(["--now", argv[1], "--json"])
    from datetime import timedelta

    from amx_core.errors import ConflictError
    from amx_core.instants import parse_instant
    from amx_core.services.run_now import run_now

    base = parse_instant(argv[1], field="now")
    _barrier()
    results = []
    for offset, schedule_id in enumerate(argv[2:], start=1):
        try:
            got = run_now(store, int(schedule_id), now=base + timedelta(seconds=offset))
            results.append({"schedule": int(schedule_id), "run": got.run_id, "status": got.run.status})
        except ConflictError as exc:
            results.append({"schedule": int(schedule_id), "refused": exc.message})
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("AMX_TICK_WORKERS", "2")
    sys.exit(_child(sys.argv[1:]))
