"""`kill -9` a tick mid-run: the next tick past the lease fails that run, keeps its partial results,
keeps the schedule armed, and loses nothing else."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from tick_support import add_schedule, ok_analyze, profiles, utc  # noqa: F401 (fixture)

from amx_core.models import Occurrence, Run
from amx_core.services.runs import get_run, list_runs
from amx_core.services.schedules import get_schedule
from amx_core.tick.entry import main as tick_main

T = utc(2027, 3, 1, 9, 0)
TESTS_DIR = Path(__file__).resolve().parents[1]


pytestmark = pytest.mark.usefixtures("ok_analyze")


def _start_victim() -> tuple[subprocess.Popen, int]:
    env = dict(os.environ, PYTHONPATH=str(TESTS_DIR), AMX_TICK_WORKERS="1")
    victim = subprocess.Popen(
        [sys.executable, "-m", "tick_support", "block", T.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = victim.stdout.readline()  # printed by the executor once its progress is on the run row
    assert line.startswith("started "), victim.stderr.read()
    return victim, int(line.split()[1])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_9_mid_run_then_recover(request, backend, amx_home, monkeypatch, capsys):
    if backend == "postgresql":
        monkeypatch.setenv("AMX_STORE_URL", request.getfixturevalue("pg_url"))
    from amx_core.store import open_store

    store = open_store()
    profiles(store)
    hourly = add_schedule(store, "hourly", T, cadence="0 * * * *")
    later = add_schedule(store, "later", T + timedelta(hours=2))
    victim, run_id = _start_victim()
    try:
        assert get_schedule(store, hourly).status == "running"
        os.kill(victim.pid, signal.SIGKILL)
        assert victim.wait(timeout=30) == -signal.SIGKILL
    finally:
        if victim.poll() is None:
            victim.kill()

    assert tick_main(["--now", (T + timedelta(minutes=3)).isoformat(), "--json"]) == 0  # inside the lease
    assert json.loads(capsys.readouterr().out)["recovered"] == []
    assert get_run(store, run_id).status == "running"

    assert tick_main(["--now", (T + timedelta(minutes=6)).isoformat(), "--json"]) == 0  # past the lease
    report = json.loads(capsys.readouterr().out)
    assert report["recovered"] == [hourly] and report["recovered_runs"] == [run_id]
    run = get_run(store, run_id)
    assert run.status == "failed" and run.error == "runner stopped (no heartbeat since 2027-03-01T09:00:00+00:00)"
    assert (run.tables_planned, run.tables_done, run.columns_described) == (10, 3, 7)  # partial results kept
    assert any("described 7 columns so far" in line for line in run.log_lines)
    view = get_schedule(store, hourly)
    assert (view.status, view.next_fire_utc, view.running_since) == ("failed", utc(2027, 3, 1, 10), None)
    assert view.last_error == run.error

    untouched = get_schedule(store, later)  # nothing else lost
    assert (untouched.status, untouched.next_fire_utc) == ("pending", T + timedelta(hours=2))
    with store.session() as session:
        assert [(o.schedule_id, o.fire_utc, o.run_id) for o in session.exec(select(Occurrence)).all()] == [
            (hourly, T, run_id)
        ]
        assert session.exec(select(Run).where(Run.status == "running")).all() == []

    assert tick_main(["--now", utc(2027, 3, 1, 10, 0).isoformat(), "--json"]) == 0  # still armed: fires again
    assert json.loads(capsys.readouterr().out)["fired"] == [hourly]
    assert [r.status for r in list_runs(store, schedule_id=hourly)] == ["completed", "failed"]
    assert get_schedule(store, hourly).status == "pending"
