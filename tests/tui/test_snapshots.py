"""Layout snapshots (pytest-textual-snapshot): fixed size, fixed clock, seeded data, fake daemon, no blinking cursor.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_support import FakeDaemon, make_app, plan_missed, settle

from amx_tui.widgets.scope_tree import ScopeTree

TERMINAL = (140, 40)
SIZES = {"80x24": (80, 24), "200x60": (200, 60)}  # the smallest terminal the app is laid out for, and a big one


async def _still(pilot) -> None:
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_main_screen(mixed, snap_compare):
    app = make_app(mixed, FakeDaemon(state="installed"))
    assert snap_compare(app, terminal_size=TERMINAL, run_before=_still)


@pytest.mark.parametrize("size", SIZES)
def test_main_screen_at(mixed, snap_compare, size):
    app = make_app(mixed, FakeDaemon(state="installed"))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_still)


async def fill(pilot) -> None:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    dialog = pilot.app.screen
    dialog.query_one("#name", Input).value = "Nightly orders"
    dialog.query_one("#cron", Input).value = "0 2 * * 1-5"
    dialog.update_previews()
    tree = dialog.query_one(ScopeTree)
    tree.find(("main",)).expand()
    await settle(pilot)
    tree.only(("main", "orders"))
    tree.tick(("main", "payments"))
    await _still(pilot)


def test_new_schedule_dialog_with_scope_and_cadence(demo, snap_compare):
    assert snap_compare(make_app(demo), terminal_size=TERMINAL, run_before=fill)


@pytest.mark.parametrize("size", SIZES)
def test_new_schedule_dialog_at(demo, snap_compare, size):
    assert snap_compare(make_app(demo), terminal_size=SIZES[size], run_before=fill)


def test_missed_dialog(demo, snap_compare):
    plan_missed(demo)
    assert snap_compare(make_app(demo), terminal_size=TERMINAL, run_before=_still)
