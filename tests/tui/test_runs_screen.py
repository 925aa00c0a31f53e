"""Run history: a schedule's runs and missed occurrences, every run, a running run's progress, drill into review."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from tui_support import NOW, SIZE, make_app, plan_missed, press, screen_text, settle

from amx_core.services import history as history_service
from amx_core.services.history import schedule_history
from amx_core.services.run_now import run_now
from amx_core.services.runs import get_run
from amx_core.services.schedules import list_schedules
from amx_core.tick.claims import claim_run_now
from amx_core.tick.passes import run_pass
from amx_core.tick.sink import RunSink
from amx_tui.screens.history import HistoryScreen
from amx_tui.screens.main import MainScreen
from amx_tui.screens.missed import MissedDialog
from amx_tui.screens.review import ReviewScreen

pytestmark = pytest.mark.asyncio


def by_name(store, name):
    return next(v for v in list_schedules(store) if v.name == name)


async def open_history(pilot, schedule_id: int | None = None) -> HistoryScreen:
    await settle(pilot)
    if isinstance(pilot.app.screen, MissedDialog):
        await press(pilot, "escape")
    if schedule_id is None:
        await press(pilot, "H")
    else:
        assert pilot.app.screen.table.move_to_key(str(schedule_id))
        await press(pilot, "h")
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def test_a_schedules_history_shows_its_runs_with_counts_error_and_log(mixed):
    broken = by_name(mixed, "Broken scope")
    app = make_app(mixed)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, broken.id)
        [run] = schedule_history(mixed, broken.id).runs
        row = screen.table.row_text(f"run-{run.id}")
        assert "run-now" in row and "✗ Failed" in row and "scope: table main.nope does not exist" in row
        text = screen_text(app)
        assert "History of “Broken scope” · 1 run, 0 missed" in text
        assert f"Run #{run.id} · “Broken scope”" in text and "Error: scope: table main.nope does not exist" in text
        assert f"Log of run #{run.id}" in text
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)


async def test_the_missed_ledger_is_in_the_same_history(demo):
    once, daily = plan_missed(demo)
    run_pass(demo, now=NOW)  # the tick notices the two missed occurrences and writes the ledger
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, daily.id)
        ledger = schedule_history(demo, daily.id).missed
        assert len(ledger) == 2  # its first fire time and the cadence slot after it, newest first
        assert screen.table.keys == tuple(f"missed-{m.id}" for m in ledger)
        newest = ledger[0]
        row = screen.table.row_text(f"missed-{newest.id}")
        assert "! Missed" in row and newest.reason in row and "2027-03-01 10:00" in row  # 09:00 UTC, Berlin time
        text = screen_text(app)
        assert "0 runs, 2 missed" in text and "Missed occurrence of “Missed daily”" in text
        assert f"Action: {newest.action}" in text


async def test_all_runs_history_and_enter_opens_that_runs_review(demo):
    nightly = by_name(demo, "Nightly shop descriptions")
    result = run_now(demo, nightly.id, now=NOW)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        assert "History of all runs" in screen_text(app)
        assert "Nightly shop descriptions" in screen.table.row_text(f"run-{result.run_id}")  # the schedule column
        await press(pilot, "enter")
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.run_id == result.run_id
        assert len(review.table.keys) == result.run.columns_queued + result.run.tables_done
        assert f"Review queue of run #{result.run_id} of “Nightly shop descriptions”" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is screen  # back to the history it was opened from
        await press(pilot, "P")  # the palette keys jump anywhere; escape then goes to the list
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)


async def test_a_running_run_is_followed_live_while_shown(demo):
    nightly = by_name(demo, "Nightly shop descriptions")
    claim = claim_run_now(demo, nightly.id, NOW, host="runner-1", pid=77)
    clock = {"now": NOW}
    sink = RunSink(demo, claim.run_id, lambda: clock["now"], flush_seconds=3600)
    sink.update(tables_planned=8, columns_planned=46, tables_done=1, columns_described=5)
    sink.log("main.employees: 5 of 5 columns described")
    sink.flush()
    app = make_app(demo, clock=lambda: clock["now"], live_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, nightly.id)
        key = f"run-{claim.run_id}"
        assert "▶ Running" in screen.table.row_text(key) and "1/8" in screen.table.row_text(key)
        assert "1 running (live)" in screen_text(app)

        clock["now"] = NOW + timedelta(seconds=90)
        sink.update(tables_done=5, columns_described=30, columns_queued=30, tokens_in=1200, tokens_out=400)
        sink.log("main.orders: 7 of 7 columns described")
        sink.flush()
        screen.poll()  # what the live timer calls every Backend.live_seconds
        await settle(pilot)
        row = screen.table.row_text(key)
        assert "5/8" in row and "30/46" in row and "1 min 30 s…" in row and "1.2k/400" in row
        text = screen_text(app)
        assert "Heartbeat just now · runner-1 pid 77" in text
        assert "main.orders: 7 of 7 columns" in text  # the log follows too

        await press(pilot, "enter")  # another screen on top: the live timer waits
        assert not screen._live_timer._active.is_set()
        await press(pilot, "escape")
        assert screen._live_timer._active.is_set()


async def test_live_polls_never_overlap(demo, monkeypatch):
    nightly = by_name(demo, "Nightly shop descriptions")
    claim_run_now(demo, nightly.id, NOW, host="runner-1", pid=77)
    gate, lock = threading.Event(), threading.Lock()
    calls = {"now": 0, "max": 0, "total": 0}
    real = history_service.schedule_history

    def slow_history(*args, **kwargs):
        with lock:
            calls["now"] += 1
            calls["total"] += 1
            calls["max"] = max(calls["max"], calls["now"])
        gate.wait(10)
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                calls["now"] -= 1

    app = make_app(demo, live_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        gate.set()
        screen = await open_history(pilot, nightly.id)
        monkeypatch.setattr(history_service, "schedule_history", slow_history)
        gate.clear()
        before = calls["total"]
        for _ in range(4):
            screen.poll()
            await pilot.pause()
        gate.set()
        await settle(pilot)
        assert calls["max"] == 1
        assert calls["total"] - before == 2, "one poll ran; the three asked meanwhile became one more"


async def test_c_in_the_history_cancels_the_highlighted_running_run(demo):
    nightly = by_name(demo, "Nightly shop descriptions")
    done = run_now(demo, nightly.id, now=NOW)
    claim = claim_run_now(demo, nightly.id, NOW + timedelta(minutes=5), host="runner-1", pid=77)
    app = make_app(demo, clock=lambda: NOW + timedelta(minutes=6), live_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, nightly.id)
        assert screen.table.move_to_key(f"run-{done.run_id}")
        await press(pilot, "c")  # a finished run: nothing to cancel
        assert get_run(demo, done.run_id).cancel_requested_at is None
        assert screen.table.move_to_key(f"run-{claim.run_id}")
        await press(pilot, "c")
        assert get_run(demo, claim.run_id).cancel_requested_at == NOW + timedelta(minutes=6)
        assert get_run(demo, claim.run_id).status == "running"  # its runner stops it at the next boundary


async def test_c_on_a_running_row_of_the_list_cancels_its_run(demo):
    nightly = by_name(demo, "Nightly shop descriptions")
    claim = claim_run_now(demo, nightly.id, NOW, host="runner-1", pid=77)
    app = make_app(demo, clock=lambda: NOW + timedelta(minutes=1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if isinstance(app.screen, MissedDialog):
            await press(pilot, "escape")
        assert app.screen.table.move_to_key(str(nightly.id))
        await press(pilot, "enter")  # the row menu offers it on a Running row
        assert "Cancel the running run" in screen_text(app)
        await press(pilot, "escape")
        await press(pilot, "c")
        assert get_run(demo, claim.run_id).cancel_requested_at == NOW + timedelta(minutes=1)
