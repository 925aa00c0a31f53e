"""Run-now (`amx schedule run-now ID [--background]`): the tick's claim path, executed right away.

The claim is the tick's own (same conditional update, same occurrence ledger, refused on a
Running schedule with "already running since ..."). Foreground: executed in this process
with heartbeats, progress reported to `on_progress`. Background: the claim is made here (so
a refusal is immediate and the run id is known) and a detached `python -m amx_core.tick
--execute-run RUN` executes it (amx_core.tick.run_now); if that process dies, the lease
recovery fails the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from amx_core import config
from amx_core.services.runs import RunView, get_run
from amx_core.store import Store
from amx_core.tick.claims import claim_run_now
from amx_core.tick.clock import as_clock
from amx_core.tick.fastpath import host_name
from amx_core.tick.registry import prepare
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.run_now import execute_claims
from amx_core.tick.settings import TickSettings
from amx_core.tick.statements import LLM_PROFILE, SCHEDULE

ProgressCallback = Callable[[str, dict], None]
_children: dict[int, subprocess.Popen] = {}  # kept so the child is reaped by us, not lost to GC


@dataclass(frozen=True)
class RunNowResult:
    """A started run-now: the run id, and either its final RunView (foreground) or the worker pid."""

    run_id: int
    schedule_id: int
    background: bool
    pid: int | None = None
    run: RunView | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "schedule_id": self.schedule_id,
            "background": self.background,
            "pid": self.pid,
            "run": self.run.to_json() if self.run else None,
        }


def spawn_background(store: Store, run_id: int, now: datetime | None) -> int:
    """Start a detached worker executing the claimed run; returns its pid."""
    command = [sys.executable, "-m", "amx_core.tick", "--execute-run", str(run_id)]
    if now is not None:
        command += ["--now", now.isoformat()]
    env = dict(os.environ)
    env["AMX_HOME"] = str(config.amx_home())
    env["AMX_STORE_URL"] = store.url
    options: dict[str, Any] = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if os.name == "nt":  # pragma: no cover - Windows
        options["creationflags"] = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(
            subprocess, "CREATE_NEW_PROCESS_GROUP", 0
        )
    else:
        options["start_new_session"] = True
    child = subprocess.Popen(command, env=env, close_fds=True, **options)
    _children[child.pid] = child
    return child.pid


def wait_background(pid: int, timeout: float | None = None) -> int | None:
    """Wait for a background worker this process started; its exit code (None if unknown)."""
    child = _children.pop(pid, None)
    return child.wait(timeout) if child is not None else None


_NEEDS = (
    sa.select(SCHEDULE.c.kind, LLM_PROFILE.c.provider)
    .select_from(SCHEDULE.outerjoin(LLM_PROFILE, LLM_PROFILE.c.id == SCHEDULE.c.llm_profile_id))
    .where(SCHEDULE.c.id == sa.bindparam("sid"))
)


def _needs(store: Store, schedule_id: int) -> tuple[str, str | None]:
    """The schedule's kind and LLM provider: what its run will load ("" for a schedule that is not there)."""
    with store.session() as session:
        row = session.connection().execute(_NEEDS, {"sid": schedule_id}).first()
    return (row.kind, row.provider) if row is not None else ("", None)


def run_now(
    store: Store,
    schedule_id: int,
    *,
    background: bool = False,
    now: datetime | None = None,
    on_progress: ProgressCallback | None = None,
    settings: TickSettings | None = None,
    policy: RetryPolicy | None = None,
) -> RunNowResult:
    """Fire a schedule now through the claim path; ConflictError while it is Running."""
    clock = as_clock(now)
    if not background:  # loaded before the claim starts the run's clock (a background worker loads its own)
        prepare(*_needs(store, int(schedule_id)))
    claim = claim_run_now(store, int(schedule_id), clock(), host=host_name(), pid=os.getpid())
    if background:
        pid = spawn_background(store, claim.run_id, clock.pinned)
        return RunNowResult(claim.run_id, claim.schedule_id, background=True, pid=pid)
    settings = settings or TickSettings.from_env()
    execute_claims(store, [claim], clock, settings, policy or RetryPolicy(), on_progress)
    return RunNowResult(claim.run_id, claim.schedule_id, background=False, run=get_run(store, claim.run_id))
