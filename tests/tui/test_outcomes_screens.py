"""The app's outcome keys: `u` reverts on the review screen and a run in history (ending where `amx review
revert` and `amx runs revert` end), the scope tree says who described a table, and ctrl+e in the schedule
dialog shows the estimate line."""

from __future__ import annotations

import pytest
from analyze_support import NOW as ANALYZE_NOW
from chinook import copy_sqlite
from screens_support import analyzed_run, local_comments
from test_review_screen import highlight, open_queue
from test_runs_screen import open_history
from test_scope_tree import open_with_tree
from tui_support import NOW, SIZE, make_app, press, settle

from amx_core.services import review
from amx_core.services.run_now import run_now
from amx_core.services.schedules import list_schedules
from amx_tui.screens.apply_results import ApplyResultsDialog
from amx_tui.screens.confirm import ConfirmDialog

pytestmark = pytest.mark.asyncio


@pytest.fixture
def applied(store, tmp_path, llm_server):
    """A manual run over Chinook's Genre and MediaType, every suggestion accepted and applied; its run id."""
    run_id = analyzed_run(store, copy_sqlite(tmp_path), llm_server)
    review.accept_suggestions(store, [v.id for v in review.list_suggestions(store, run_id=run_id)])
    assert all(r.ok for r in review.apply_suggestions(store, run_id=run_id))
    with store.engine.begin() as conn:  # the executor ran outside a tick: settle the run as the tick would
        conn.exec_driver_sql("UPDATE run SET status = 'completed' WHERE id = ?", (run_id,))
    return run_id


async def test_u_on_the_review_screen_reverts_the_highlighted_applied_suggestion(store, applied):
    view = review.list_suggestions(store, run_id=applied)[0]
    assert view.target in local_comments(store)
    app = make_app(store, clock=lambda: ANALYZE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        await highlight(pilot, screen, view.id)
        await press(pilot, "u")
        assert isinstance(app.screen, ConfirmDialog)
        await press(pilot, "y")
        assert isinstance(app.screen, ApplyResultsDialog)
        await press(pilot, "escape")
        await settle(pilot)
        assert screen.views[view.id].state == "reverted"
        assert "Current (put back by a revert)" in str(screen.query_one("#current-text").render())
    assert view.target not in local_comments(store)
    assert review.get_suggestion(store, view.id).state == "reverted"


async def test_u_in_history_reverts_what_the_highlighted_run_wrote(store, applied):
    app = make_app(store, clock=lambda: ANALYZE_NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        assert screen.table.move_to_key(f"run-{applied}")
        await pilot.pause()
        await press(pilot, "u", "y")
        assert isinstance(app.screen, ApplyResultsDialog)
    assert {v.state for v in review.list_suggestions(store, run_id=applied)} == {"reverted"}
    assert local_comments(store) == {}


async def test_the_scope_tree_says_who_described_a_table_and_ctrl_e_estimates(demo):
    auto = next(v for v in list_schedules(demo) if v.review == "auto")
    run = run_now(demo, auto.id, now=NOW)
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog, tree = await open_with_tree(pilot)
        tree.focus()
        tree.move_cursor(tree.find(("main",)))
        await press(pilot, "right")
        orders = tree.find(("main", "orders"))
        assert orders is not None and orders.data.written == f"amx (run {run.run_id})"
        assert f"described by amx (run {run.run_id})" in tree._hint(orders.data)

        await press(pilot, "ctrl+e")
        line = str(dialog.query_one("#estimate").render())
        assert line.startswith("Estimate: ") and "request" in line and "offline: no tokens" not in line
        assert not dialog.query_one("#estimate").has_class("hidden")
