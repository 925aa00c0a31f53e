"""Cancel a running analyze run from another process (docs/ARCHITECTURE.md §5.2, §7.5).

The run executes in a detached worker (`run-now --background`) against Chinook, asking a loopback
LLM server that answers each request slowly; `amx runs cancel RUN` runs as a third process and
only writes the request into the store. The worker's runner reads it, the analyze run stops at
its next request boundary, and the run ends `cancelled` with the suggestions it already saved;
the schedule returns to what it was (a run-now is an extra run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from analyze_support import add_profiles
from llm_server import auto_openai

from amx_core.services.review import list_suggestions
from amx_core.services.run_now import run_now, wait_background
from amx_core.services.runs import get_run
from amx_core.services.schedules import ScheduleInput, create_schedule, get_schedule

REPLY_DELAY = 1.0  # seconds the server takes per request
CANCELLED_WITHIN = 5.0  # the contract: a cancel takes effect within 5 s of the request
PATH = "/chat/completions"

pytestmark = pytest.mark.slow


def _amx(*args: str) -> subprocess.CompletedProcess:
    amx = Path(sys.executable).with_name("amx")
    env = dict(os.environ, AMX_NO_STARTUP_CHECK="1")
    return subprocess.run([str(amx), *args], capture_output=True, text=True, env=env, timeout=120)


def test_cancel_from_another_process_stops_a_slow_run_and_keeps_its_suggestions(store, chinook_sqlite, llm_server):
    add_profiles(store, chinook_sqlite, llm="openai", base_url=llm_server.url, concurrency=1, timeout=30.0)
    llm_server.respond(PATH, auto_openai(delay=REPLY_DELAY))
    schedule = create_schedule(
        store,
        ScheduleInput(name="weekly", at="2099-01-05 09:00", tz="UTC", db_profile="db", llm_profile="llm"),
    )
    started = run_now(store, schedule.id, background=True)
    assert llm_server.wait_for(lambda server: server.completed >= 2, timeout=60)  # two tables answered

    result = _amx("runs", "cancel", str(started.run_id), "--json")
    requested = time.monotonic()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cancel_requested_at"] is not None
    asked_by_then = len(llm_server.requests)

    assert wait_background(started.pid, timeout=CANCELLED_WITHIN) == 1  # the worker ends: its run did not complete
    took = time.monotonic() - requested
    run = get_run(store, started.run_id)
    assert (run.status, run.error) == ("cancelled", "cancelled"), run
    assert len(llm_server.requests) <= asked_by_then + 1  # at most the request already in flight was finished
    assert 2 <= run.tables_done < 11
    kept = {s.target.split(".")[1] for s in list_suggestions(store, run_id=run.id)}
    assert len(kept) == run.tables_done  # every table answered before the cancel kept its suggestions
    view = get_schedule(store, schedule.id)
    assert (view.status, view.next_fire_utc) == ("pending", schedule.next_fire_utc)
    print(f"cancel took effect {took:.2f} s after the request ({run.tables_done} of 11 tables described)")
