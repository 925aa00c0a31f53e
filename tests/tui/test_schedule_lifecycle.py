"""Create, edit, pause, resume, run now and delete a schedule through the UI, checking the store after each step."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from tui_support import SIZE, make_app, open_dialog, paste_into, press, settle, type_into

from amx_core.errors import NotFoundError
from amx_core.services.runs import list_runs
from amx_core.services.schedules import get_schedule, list_schedules
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.main import MainScreen

pytestmark = pytest.mark.asyncio


def by_name(store, name):
    return next(v for v in list_schedules(store) if v.name == name)


async def test_create_edit_pause_resume_run_now_delete(demo):
    store = demo
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

        # create
        await open_dialog(pilot)
        await type_into(pilot, "#name", "Weekly orders")
        await paste_into(pilot, "#at", "2027-03-05 09:00")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        created = by_name(store, "Weekly orders")
        assert created.fire_at_utc == datetime(2027, 3, 5, 8, 0, tzinfo=UTC)
        assert (created.tz, created.db_profile, created.llm_profile, created.review) == (
            "Europe/Berlin",
            "demo-shop",
            "offline",
            "manual",
        )
        assert created.scope == () and created.cadence is None and created.version == 1
        main = app.screen
        assert main.table.cursor_key == str(created.id)

        # edit: new name and a cadence; the fire time is not resent
        await open_dialog(pilot, "e")
        await paste_into(pilot, "#name", "Weekly orders v2")
        await paste_into(pilot, "#cron", "0 9 * * 1")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        edited = get_schedule(store, created.id)
        assert (edited.name, edited.cadence, edited.version) == ("Weekly orders v2", "0 9 * * 1", 2)
        assert edited.fire_at_utc == created.fire_at_utc

        # pause, then resume
        await press(pilot, "p")
        assert get_schedule(store, created.id).status == "paused"
        assert "Paused" in main.table.row_text(str(created.id))
        await press(pilot, "p")
        assert get_schedule(store, created.id).status == "pending"

        # run now: the core claims and executes it (foreground in the worker thread)
        await press(pilot, "r")
        runs = list_runs(store, schedule_id=created.id)
        assert [r.reason for r in runs] == ["run-now"]

        # delete, with confirmation
        await press(pilot, "delete")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        with pytest.raises(NotFoundError):
            get_schedule(store, created.id)
        assert str(created.id) not in main.table.keys
        assert list_runs(store, schedule_id=created.id), "runs stay in the history"


async def test_delete_can_be_declined(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = app.screen.table.cursor_key
        await press(pilot, "d")
        await press(pilot, "n")
        assert get_schedule(demo, int(first)).id == int(first)
        assert isinstance(app.screen, MainScreen)
