"""The daemon header (badge, install/uninstall with confirmation, the in-app tick) and the missed dialog at start."""

from __future__ import annotations

import pytest
from tui_support import (
    SIZE,
    FakeDaemon,
    RecordingTick,
    add_schedule,
    foreground_run_now,
    make_app,
    plan_missed,
    press,
    screen_text,
    settle,
)

from amx_core.errors import ActionError
from amx_core.services.runs import list_runs
from amx_core.services.schedules import get_schedule
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.main import MainScreen
from amx_tui.screens.missed import MissedDialog
from amx_tui.widgets.daemon_bar import DaemonBar

pytestmark = pytest.mark.asyncio


def header(app) -> str:
    return "\n".join(screen_text(app).splitlines()[:3])


async def test_badge_install_and_uninstall_with_confirmation_and_the_in_app_tick(demo):
    daemon, tick = FakeDaemon(), RecordingTick()
    app = make_app(demo, daemon, run_tick=tick)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = header(app)
        assert "○ Not installed" in text and "last tick 40 s ago" in text and "log 12.3 KB, written 41 s ago" in text
        assert "this window runs the tick every minute" in text and "last pass just now: nothing due" in text
        assert tick.passes == 1

        await press(pilot, "i")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        assert daemon.calls.count("install") == 1
        text = header(app)
        assert "● Loaded" in text and "runs the tick" not in text
        assert "Daemon installed: now loaded (systemd) · /home/dana/.config/systemd/user/amx-tick-test.timer" in text
        app.screen.daemon_bar.maybe_tick()
        await settle(pilot)
        assert tick.passes == 1, "a loaded daemon ticks; the window does not"

        await press(pilot, "u")
        await pilot.press("n")  # declined: nothing happens
        await settle(pilot)
        assert "uninstall" not in daemon.calls
        await press(pilot, "u")
        await press(pilot, "y")
        assert daemon.calls.count("uninstall") == 1
        assert "○ Not installed" in header(app)
        assert app.screen.tick.active


async def test_an_install_the_os_refuses_is_reported_and_the_badge_stays(demo):
    daemon = FakeDaemon()

    def refuse(_store, _now):
        raise ActionError("no user systemd bus and crontab is not installed: the daemon cannot be installed here")

    app = make_app(demo, daemon, install_daemon=refuse)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        await press(pilot, "y")
        assert "○ Not installed" in header(app)
        assert "○ Not installed" in header(app)
        assert "Install failed: no user systemd bus" in header(app)


async def test_missed_dialog_at_start_runs_one_and_skips_the_other(demo):
    once, daily = plan_missed(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MissedDialog)
        assert {v.name for v in dialog.missed} == {"Missed once", "Missed daily"}
        assert get_schedule(demo, once.id).status == "missed"

        await pilot.click(f"#skip-{once.id}")
        await settle(pilot)
        assert get_schedule(demo, once.id).status == "cancelled"
        assert app.screen is dialog, "still open: one left to decide"

        dialog.query_one(f"#run-{daily.id}").focus()
        await press(pilot, "r")
        assert [r.reason for r in list_runs(demo, schedule_id=daily.id)] == ["run-now"]
        assert isinstance(app.screen, MainScreen), "closes once every missed schedule is decided"


async def test_skip_all(demo):
    once, daily = plan_missed(demo)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MissedDialog)
        await press(pilot, "S")
        assert isinstance(app.screen, MainScreen)
        assert get_schedule(demo, once.id).status == "cancelled"
        assert get_schedule(demo, daily.id).status == "pending"
        assert not list_runs(demo, schedule_id=daily.id)


async def test_header_widgets_exist(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one(DaemonBar).query_one("#install-daemon").label.plain == "Install daemon"


async def test_a_tick_pass_makes_the_list_read_itself_again(demo):
    tick = RecordingTick()
    app = make_app(demo, run_tick=tick)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and tick.passes == 1
        before = screen.refreshes
        added = add_schedule(demo, "Written by another process")
        screen.daemon_bar.maybe_tick()
        await settle(pilot)
        assert tick.passes == 2
        assert screen.refreshes == before + 1, "the header's TickFinished made the list read itself once more"
        assert str(added.id) in screen.table.keys


async def test_run_now_from_the_missed_dialog_and_from_the_list_both_go_through_the_backend(demo):
    once, daily = plan_missed(demo)
    started: list[int] = []

    def recording_run_now(store, schedule_id):
        started.append(schedule_id)
        return foreground_run_now(store, schedule_id)

    app = make_app(demo, run_now=recording_run_now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MissedDialog)
        dialog.query_one(f"#run-{once.id}").focus()
        await press(pilot, "r")
        await press(pilot, "escape")  # decide the other one later, from the list
        assert isinstance(app.screen, MainScreen)
        assert app.screen.table.move_to_key(str(daily.id))
        await press(pilot, "r")
        assert started == [once.id, daily.id]
        assert [r.reason for r in list_runs(demo, schedule_id=daily.id)] == ["run-now"]
