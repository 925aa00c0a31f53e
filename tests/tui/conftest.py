"""Fixtures of the TUI tests: the demo workspace in a private AMX_HOME, seeded with a fixed clock."""

from __future__ import annotations

import pytest
from tui_support import NOW, add_schedule


@pytest.fixture
def demo(store):
    """The offline demo workspace (SQLite shop, profiles demo-shop and offline, two schedules)."""
    from amx_core.demo.workspace import ensure_demo_workspace

    ensure_demo_workspace(store, now=NOW)
    return store


@pytest.fixture
def mixed(demo):
    """Demo schedules (Pending) plus one Paused and one Failed (its scope names a table that does not exist)."""
    from datetime import timedelta

    from amx_core.services.run_now import run_now
    from amx_core.services.schedules import get_schedule, pause_schedule

    paused = add_schedule(demo, "Paused one", days=4)
    pause_schedule(demo, paused.id, now=NOW)
    broken = add_schedule(demo, "Broken scope", days=5, scope=("main.nope",))
    # run now once its time has come: the run stands for that fire, so its failure leaves the schedule Failed
    # (a run-now before it would be an extra run, leaving the schedule Pending)
    run_now(demo, broken.id, background=False, now=NOW + timedelta(days=5, minutes=1))
    assert get_schedule(demo, broken.id).status == "failed"
    return demo
