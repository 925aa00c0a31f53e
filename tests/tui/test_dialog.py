"""The schedule dialog: the core's errors beside their fields, the version check, the form adapting to the trigger."""

from __future__ import annotations

import pytest
from tui_support import SIZE, make_app, open_dialog, paste_into, press, settle

from amx_core.services.schedules import ScheduleInput, edit_schedule, get_schedule, list_schedules
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.main import MainScreen
from amx_tui.screens.schedule_dialog import ScheduleDialog
from amx_tui.widgets.choice import Choice

pytestmark = pytest.mark.asyncio


async def test_past_time_and_dst_gap_are_refused_beside_the_field_and_the_dialog_stays(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        await paste_into(pilot, "#name", "Gap check")

        await paste_into(pilot, "#at", "2027-02-01 09:00")
        await press(pilot, "ctrl+s")
        assert app.screen is dialog
        error = dialog.field("at").error
        assert error is not None and "is in the past" in error
        assert all(dialog.field(k).error is None for k in ("name", "tz", "cron"))

        await paste_into(pilot, "#at", "2027-03-28 02:30")  # Europe/Berlin springs forward 02:00 -> 03:00
        assert dialog.field("at").error is None, "editing the field clears its old error"
        await press(pilot, "ctrl+s")
        assert app.screen is dialog
        error = dialog.field("at").error
        assert "does not exist in Europe/Berlin" in error and "02:00 to 03:00" in error
        assert "Gap check" not in [v.name for v in list_schedules(demo)]

        await paste_into(pilot, "#at", "2027-03-28 03:30")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        saved = next(v for v in list_schedules(demo) if v.name == "Gap check")
        assert saved.fire_at_utc.isoformat() == "2027-03-28T01:30:00+00:00"


async def test_hints_show_utc_offset_for_a_repeated_hour_and_the_next_fire_times(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        await paste_into(pilot, "#at", "2027-10-31 02:30")  # Europe/Berlin falls back 03:00 -> 02:00
        await paste_into(pilot, "#cron", "0 9 * * 1-5")
        dialog.update_previews()
        at_hint = dialog.field("at").hint_text
        assert "happens twice" in at_hint and "UTC+02:00" in at_hint
        cadence = dialog.field("cron").hint_text
        assert cadence.startswith("At 09:00, Monday through Friday")
        assert cadence.count("2027-") == 5, cadence
        await paste_into(pilot, "#cron", "61 * * * *")
        dialog.update_previews()
        assert "minute" in dialog.field("cron").hint_text


async def test_change_trigger_shows_the_cap_and_settle_and_saves_them(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        await paste_into(pilot, "#name", "On change")
        dialog.query_one("#trigger", Choice).focus()
        await press(pilot, "right")
        assert not dialog.query_one("#cron-fields").display
        assert dialog.query_one("#change-fields").display
        await press(pilot, "ctrl+s")
        assert "is required" in dialog.field("cap").error
        await paste_into(pilot, "#cap", "6")
        await paste_into(pilot, "#settle", "-5")
        await press(pilot, "ctrl+s")
        assert app.screen is dialog and "must be 0 or more" in dialog.field("settle").error  # beside its field
        await paste_into(pilot, "#settle", "30")
        await press(pilot, "ctrl+s")
        saved = next(v for v in list_schedules(demo) if v.name == "On change")
        assert (saved.trigger, saved.cap_hours, saved.settle_minutes, saved.fire_at_utc) == ("change", 6.0, 30, None)


async def test_the_statistics_choice_is_saved_and_shown_when_editing(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        await paste_into(pilot, "#name", "Dated statistics")
        assert dialog.query_one("#statistics", Choice).value == "off"
        dialog.query_one("#statistics", Choice).focus()
        await press(pilot, "right")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        saved = next(v for v in list_schedules(demo) if v.name == "Dated statistics")
        assert saved.with_statistics is True
        assert all(not v.with_statistics for v in list_schedules(demo) if v.name != "Dated statistics")

        await settle(pilot)
        assert app.screen.table.move_to_key(str(saved.id))
        await press(pilot, "e")
        assert isinstance(app.screen, ScheduleDialog)
        assert app.screen.query_one("#statistics", Choice).value == "on"
        app.screen.query_one("#statistics", Choice).focus()
        await press(pilot, "left")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        assert get_schedule(demo, saved.id).with_statistics is False


async def test_edit_refuses_a_stale_version_and_says_it_changed_underneath(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        target = app.screen.current()
        await press(pilot, "e")
        dialog = app.screen
        assert isinstance(dialog, ScheduleDialog)
        edit_schedule(demo, target.id, ScheduleInput(review="auto"))  # someone else, meanwhile
        await paste_into(pilot, "#name", "Mine")
        await press(pilot, "ctrl+s")
        assert app.screen is dialog
        top = str(dialog.query_one("#form-error").render())
        assert "Changed underneath" in top and "changed since you loaded it" in top
        stored = get_schedule(demo, target.id)
        assert (stored.name, stored.review, stored.version) == (target.name, "auto", 2)

        await pilot.press("ctrl+r")  # reload the stored version, keep what was typed
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        stored = get_schedule(demo, target.id)
        assert (stored.name, stored.review, stored.version) == ("Mine", "auto", 3)


async def test_escape_cancels_without_saving(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_dialog(pilot)
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen), "an untouched dialog closes at once"

        dialog = await open_dialog(pilot)
        await paste_into(pilot, "#name", "Never saved")
        await press(pilot, "escape")
        assert isinstance(app.screen, ConfirmDialog), "a changed dialog asks before discarding"
        await press(pilot, "n")
        assert app.screen is dialog and dialog.query_one("#name").value == "Never saved", "n keeps the dialog"
        await press(pilot, "escape", "y")
        assert isinstance(app.screen, MainScreen)
        assert "Never saved" not in [v.name for v in list_schedules(demo)]


async def test_missed_policy_retries_and_all_columns_are_saved_with_the_clis_checks_as_hints(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        await paste_into(pilot, "#name", "Everything, retried")
        assert (dialog.query_one("#missed", Choice).value, dialog.query_one("#retries").value) == ("ask", "3")
        dialog.query_one("#missed", Choice).focus()
        await press(pilot, "right", "space")  # space keeps the choice: → then space stays on "Run once"
        assert dialog.query_one("#missed", Choice).value == "run"
        assert "runs once" in dialog.field("missed").hint_text
        dialog.query_one("#columns", Choice).focus()
        await press(pilot, "right")

        await paste_into(pilot, "#retries", "11")
        await settle(pilot)
        hint = dialog.field("retries").hint_text
        assert hint == "must be at most 10, got '11'", hint
        await press(pilot, "ctrl+s")
        assert app.screen is dialog and dialog.field("retries").error == hint, "the hint said what Save says"

        await paste_into(pilot, "#retries", "5")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        saved = next(v for v in list_schedules(demo) if v.name == "Everything, retried")
        assert (saved.missed_policy, saved.retry_max_attempts, saved.missing_only) == ("run", 5, False)


async def test_the_cap_hint_refuses_what_save_refuses(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog = await open_dialog(pilot)
        await paste_into(pilot, "#name", "Capped")
        dialog.query_one("#trigger", Choice).focus()
        await press(pilot, "right")
        await paste_into(pilot, "#cap", "0")
        await settle(pilot)
        hint = dialog.field("cap").hint_text
        assert hint.startswith("must be greater than 0"), hint
        await press(pilot, "ctrl+s")
        assert app.screen is dialog and dialog.field("cap").error == hint
