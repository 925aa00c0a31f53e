"""The schedule list: filter chips, keyed refresh that keeps the cursor, literal names, mouse, palette, help."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tui_support import NOW, SIZE, add_schedule, make_app, press, screen_text, settle

from amx_core.services.schedules import ScheduleInput, create_schedule, edit_schedule, get_schedule, list_schedules
from amx_tui.screens.action_menu import ActionMenu
from amx_tui.screens.help import HelpScreen
from amx_tui.widgets.schedule_table import ACTIONS_COLUMN, SCHEDULE_COLUMNS

pytestmark = pytest.mark.asyncio


def shown_names(screen) -> list[str]:
    return [screen.views[int(key)].name for key in screen.table.keys]


async def test_filter_chips_filter_with_counts_and_number_keys(mixed):
    app = make_app(mixed)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert len(shown_names(screen)) == 4
        chips = screen.chips
        assert [chips.chip(s).count for s in ("pending", "paused", "failed")] == [2, 1, 1]

        await pilot.press("2")
        await pilot.pause()
        assert shown_names(screen) == ["Paused one"]
        await pilot.press("3")
        await pilot.pause()
        assert shown_names(screen) == ["Paused one", "Broken scope"]
        await pilot.press("2")
        await pilot.pause()
        assert shown_names(screen) == ["Broken scope"]
        assert "showing 1 of 4 · Failed" in screen_text(app)
        await pilot.click("#chip-failed")  # the mouse toggles too: none active again = all
        await pilot.pause()
        assert len(shown_names(screen)) == 4
        screen.table.move_to_key(str(next(v.id for v in screen.views.values() if v.status == "failed")))
        await pilot.pause()
        text = screen_text(app)
        assert "Last error: scope: table main.nope does not exist" in text, text[-800:]


async def test_refresh_keeps_the_cursor_and_its_screen_line_on_the_same_schedule(demo):
    views = [add_schedule(demo, f"schedule {i:02d}", days=1 + i / 10) for i in range(60)]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen, table = app.screen, app.screen.table
        target = views[40]
        table.move_to_key(str(target.id))
        await pilot.pause()
        line_before = table.cursor_row - round(table.scroll_offset.y)
        index_before = table.cursor_row
        formatted_before = table.formatted_rows

        for i in range(3):  # three new schedules that sort above the target
            add_schedule(demo, f"earlier {i}", days=0.5)
        edit_schedule(demo, target.id, ScheduleInput(name="schedule 40 renamed"), now=NOW)
        screen.request_refresh()
        await settle(pilot)

        assert table.cursor_key == str(target.id)
        assert table.cursor_row == index_before + 3
        assert table.cursor_row - round(table.scroll_offset.y) == line_before, "the row stays where the eye was"
        assert "schedule 40 renamed" in table.row_text(str(target.id))
        assert table.formatted_rows - formatted_before <= 3 + 1 + SIZE[1], (
            "only new, changed and visible rows are drawn"
        )

        await pilot.press("down")
        assert table.cursor_key == str(views[41].id)


async def test_a_name_with_markup_shows_literally(demo):
    weird = add_schedule(demo, "[bold]x[/]", days=0.5)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.table.move_to_key(str(weird.id))
        await pilot.pause()
        text = screen_text(app)
        assert "[bold]x[/]" in text  # in the table row and in the detail strip
        assert text.count("[bold]x[/]") >= 2
        await press(pilot, "enter")
        assert isinstance(app.screen, ActionMenu)
        assert "[bold]x[/]" in screen_text(app)
        await pilot.press("escape")
        await press(pilot, "d")
        assert "“[bold]x[/]” will be removed" in screen_text(app)


async def test_clicking_the_actions_cell_opens_the_row_menu(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.table
        second = table.keys[1]
        x = sum(w + 2 for c, w in zip(SCHEDULE_COLUMNS, table._widths, strict=True) if c.key != ACTIONS_COLUMN) + 2
        await pilot.click("#schedules", offset=(x + 1, 2))  # header is line 0 inside the table; row 2 is line 2
        await settle(pilot)
        assert table.cursor_key == second
        assert isinstance(app.screen, ActionMenu)
        await pilot.press("p")  # the menu's own key for Pause
        await settle(pilot)
        assert get_schedule(demo, int(second)).status == "paused"


async def test_command_palette_runs_the_cli_verbs(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = int(app.screen.table.cursor_key)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await press(pilot, *"pause", "space", *"schedule")
        await press(pilot, "enter")
        assert get_schedule(demo, first).status == "paused"


async def test_f1_opens_help_listing_keys_and_cli_verbs(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "amx schedule run-now ID" in text and "amx schedule rm ID" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_only_analyze_schedules_are_listed(demo):
    create_schedule(
        demo,
        ScheduleInput(
            name="cache job",
            kind="cache_refresh",
            at=(NOW + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
            tz="UTC",
            db_profile="demo-shop",
        ),
        now=NOW,
    )
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "cache job" not in shown_names(app.screen)
        assert len(list_schedules(demo)) == 3
