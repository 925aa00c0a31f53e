"""The list as a DataTable user expects it: sort, `/` filter, widths that follow content and the terminal, copy;
the header and Footer at 80x24; refresh by change marker; live progress and a toast when a run ends; help keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from screens_support import notes
from tui_support import NOW, add_schedule, make_app, press, screen_text, settle

from amx_core.services.schedules import list_schedules
from amx_core.tick.claims import claim_run_now
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settle import COMPLETED, Outcome, finish_run
from amx_core.tick.sink import RunSink
from amx_tui.screens.help import HelpScreen
from amx_tui.screens.history import HistoryScreen
from amx_tui.widgets.schedule_table import SCHEDULE_COLUMNS

pytestmark = pytest.mark.asyncio


def names(screen) -> list[str]:
    return [screen.views[int(k)].name for k in screen.table.keys]


@pytest.fixture
def several(demo):
    """Besides the demo's two: three schedules with names, times and scopes that sort differently."""
    add_schedule(demo, "b middle", days=2, scope=("main.orders",))
    add_schedule(demo, "A first by name", days=5, scope=("main.customers.email_addr",))
    add_schedule(demo, "c soonest", days=1)
    return demo


async def test_sort_by_key_and_header_click_keeps_the_cursor_on_its_schedule(several):
    app = make_app(several)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen, table = app.screen, app.screen.table
        given = names(screen)
        assert given.index("c soonest") < given.index("b middle") < given.index("A first by name"), "by next fire"
        table.move_to_key(str(next(i for i, v in screen.views.items() if v.name == "b middle")))

        await press(pilot, "o")  # the first column: Name, ascending (case-insensitive)
        assert (table.sort_column, table.sort_descending) == ("name", False)
        assert names(screen) == sorted(given, key=str.casefold)
        assert screen.views[int(table.cursor_key)].name == "b middle", "the cursor stays on its schedule"
        assert "Name ▲" in screen_text(app)
        await press(pilot, "O")
        assert names(screen) == sorted(given, key=str.casefold, reverse=True) and "Name ▼" in screen_text(app)

        status_x = sum(w + 2 for key, w in table.widths.items() if key in ("name", "fire", "scope")) + 2
        await pilot.click(table, offset=(status_x, 0))  # a header click sorts by that column
        await settle(pilot)
        assert (table.sort_column, table.sort_descending) == ("status", False)
        await pilot.click(table, offset=(status_x, 0))
        await pilot.click(table, offset=(status_x, 0))  # third click: back to the list's own order
        await settle(pilot)
        assert table.sort_column is None and names(screen) == given

        fire_x = table.widths["name"] + 3
        await pilot.click(table, offset=(fire_x, 0))
        await settle(pilot)
        fires = [screen.views[int(k)].next_fire_utc for k in table.keys]
        assert fires == sorted(fires), "Fire time sorts by the instant, not by its text"


async def test_slash_filters_by_name_scope_or_profile_and_escape_clears(several):
    app = make_app(several)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        everything = len(names(screen))
        await press(pilot, "slash", "m", "i", "d", "d", "l", "e")
        assert names(screen) == ["b middle"] and "showing 1 of 5" in screen_text(app)
        screen.query_one("#search").value = "email_addr"  # the whole scope is searched, not its summary
        await settle(pilot)
        assert names(screen) == ["A first by name"]
        screen.query_one("#search").value = "OFFLINE"  # the LLM profile, case-insensitive
        await settle(pilot)
        assert len(names(screen)) == everything
        screen.query_one("#search").value = "no such thing"
        await settle(pilot)
        assert names(screen) == [] and "No schedule matches “no such thing”." in screen_text(app)
        await press(pilot, "escape")
        assert len(names(screen)) == everything and app.focused is screen.table
        assert not screen.query_one("#search").display


@pytest.mark.parametrize(
    ("size", "shown", "hidden"),
    [
        ((80, 24), {"name", "fire", "scope", "status"}, {"actions", "review", "llm", "db"}),
        ((160, 40), {"name", "fire", "scope", "status", "db", "llm", "review"}, set()),
        ((200, 60), {key.key for key in SCHEDULE_COLUMNS}, set()),
    ],
)
async def test_columns_fit_the_terminal_and_drop_actions_before_scope(demo, size, shown, hidden):
    add_schedule(demo, "a schedule with a longer name here", scope=("main.orders", "main.payments"))
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        widths = app.screen.table.widths
        assert {k for k, w in widths.items() if w} >= shown and not {k for k, w in widths.items() if w} & hidden
        assert sum(w + 2 for w in widths.values() if w) <= size[0] - 2, "nothing runs off the right edge"
        if size[0] >= 160:
            assert widths["name"] >= len("a schedule with a longer name here"), "room: name whole"
            assert widths["fire"] < widths["name"], "Fire time takes what its content needs, not a fixed 32"
        else:
            assert widths["name"] >= 14, "at 80 columns Name still reads"


async def test_80x24_header_is_one_line_with_state_log_and_age_and_the_footer_keeps_q_and_f1(demo):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        assert "Not installed" in lines[0] and "tick 40 s ago" in lines[0] and "log 12.3 KB, 41 s ago" in lines[0]
        assert "Schedules" not in lines[0], "the brand folds away first"
        footer = lines[-1]
        assert "q Quit" in footer and "f1 Help" in footer, footer
    async with make_app(demo).run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        footer = screen_text(pilot.app).splitlines()[-1]
        assert all(f"{key} " in footer for key in ("h", "H", "v", "P")), "room to spare: the screen keys show too"


async def test_an_idle_refresh_reads_only_the_marker_and_a_change_rereads_the_list(demo):
    app = make_app(demo)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        reads, polls = screen.refreshes, screen.polls
        screen.request_refresh()  # what the 5 s timer calls
        await settle(pilot)
        assert (screen.refreshes, screen.polls) == (reads, polls + 1), "nothing changed: the list was not read"
        add_schedule(demo, "made elsewhere")  # another process (the CLI, a tick) writes the store
        screen.request_refresh()
        await settle(pilot)
        assert screen.refreshes == reads + 1 and "made elsewhere" in names(screen)


async def test_a_running_run_shows_its_progress_in_the_row_and_a_toast_when_it_ends(demo):
    nightly = next(v for v in list_schedules(demo) if v.name == "Nightly shop descriptions")
    claim = claim_run_now(demo, nightly.id, NOW, host="runner-1", pid=77)
    sink = RunSink(demo, claim.run_id, lambda: NOW, flush_seconds=3600)
    sink.update(tables_planned=8, tables_done=3)
    sink.flush()
    app = make_app(demo)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert "3/8" in screen.table.row_text(str(nightly.id)), screen.table.row_text(str(nightly.id))

        sink.update(tables_done=5)
        sink.flush()
        screen.request_refresh()
        await settle(pilot)
        assert "5/8" in screen.table.row_text(str(nightly.id)), "progress moves the marker: the row follows"

        finish_run(
            demo,
            claim,
            Outcome(status=COMPLETED),
            NOW + timedelta(minutes=2),
            grace=timedelta(minutes=10),
            policy=RetryPolicy(),
            run_values=sink.take_pending(),
        )
        screen.request_refresh()
        await settle(pilot)
        assert "/8" not in screen.table.row_text(str(nightly.id))
        told = notes(app)
        assert f"Run #{claim.run_id} of “Nightly shop descriptions” completed" in told and "Press L" in told, told
        await press(pilot, "L")
        assert isinstance(app.screen, HistoryScreen) and app.screen.schedule_id == nightly.id


async def test_the_missed_count_in_the_header_opens_the_run_now_or_skip_dialog(demo):
    from tui_support import plan_missed

    from amx_tui.screens.missed import MissedDialog

    plan_missed(demo)
    app = make_app(demo)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "escape")  # the dialog at start
        assert "! 2 missed" in screen_text(app)
        await pilot.click("#missed-runs")
        await settle(pilot)
        assert isinstance(app.screen, MissedDialog)


async def test_help_scrolls_from_the_keyboard(demo):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        scroller = help_screen.scroller
        assert scroller.max_scroll_y > 0 and scroller.scroll_y == 0
        await press(pilot, "down")
        assert scroller.scroll_y == 1
        await press(pilot, "pagedown")
        paged = scroller.scroll_y
        assert paged > 1
        await press(pilot, "tab")
        assert scroller.scroll_y > paged, "tab pages on (there are no fields to move between)"
        await press(pilot, "end")
        assert scroller.scroll_y == scroller.max_scroll_y
        await press(pilot, "home")
        assert scroller.scroll_y == 0


async def test_copy_row_puts_the_highlighted_rows_text_on_the_clipboard(demo):
    app = make_app(demo)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "y")
        assert app.clipboard.split("\t")[0] == app.screen.current().name
