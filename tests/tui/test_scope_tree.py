"""The ScopeTree in the dialog: lazy loading, tri-state glyphs, and scopes saved exactly as ticked."""

from __future__ import annotations

import pytest
from tui_support import SIZE, add_schedule, make_app, open_dialog, paste_into, press, settle

from amx_core.services.profiles import add_db_profile
from amx_core.services.schedules import get_schedule, list_schedules
from amx_tui.screens.main import MainScreen
from amx_tui.screens.schedule_dialog import ScheduleDialog
from amx_tui.widgets.scope_tree import ScopeTree

pytestmark = pytest.mark.asyncio


async def open_with_tree(pilot, key: str = "n") -> tuple[ScheduleDialog, ScopeTree]:
    dialog = await open_dialog(pilot, key)
    return dialog, dialog.query_one(ScopeTree)


async def space_on(pilot, tree: ScopeTree, path: tuple[str, ...], key: str = "space") -> None:
    """Put the tree's cursor on `path` (loading branches on the way with →) and press space (or `key`)."""
    tree.focus()
    for depth in range(1, len(path)):
        node = tree.find(path[:depth])
        assert node is not None, f"{path[:depth]} not loaded"
        tree.move_cursor(node)
        await press(pilot, "right")
    node = tree.find(path)
    assert node is not None, f"{path} not loaded"
    tree.move_cursor(node)
    await pilot.press(key)
    await pilot.pause()


async def only_on(pilot, tree: ScopeTree, path: tuple[str, ...]) -> None:
    """`ctrl+x` on `path`: only that node stays ticked."""
    await space_on(pilot, tree, path, "ctrl+x")


def glyph(tree: ScopeTree, path: tuple[str, ...]) -> str:
    from amx_tui.widgets.scope_tree import GLYPHS

    return GLYPHS[tree.node_state(tree.find(path))]


async def test_tree_loads_lazily_and_saves_a_table_plus_a_column_of_another_table(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog, tree = await open_with_tree(pilot)
        assert tree.find(("main",)) is not None, "the schema list loads when the dialog opens"
        assert tree.find(("main", "orders")) is None, "tables load only when their schema is opened"
        assert glyph(tree, ("main",)) == "☑", "nothing ticked means the whole database"

        await only_on(pilot, tree, ("main", "orders"))  # from the whole database to one table
        await space_on(pilot, tree, ("main", "customers", "email_addr"))
        assert [
            glyph(tree, p) for p in (("main",), ("main", "orders"), ("main", "customers"), ("main", "payments"))
        ] == ["◐", "☑", "◐", "☐"]
        assert glyph(tree, ("main", "customers", "email_addr")) == "☑"
        assert glyph(tree, ("main", "customers", "phone_no")) == "☐"
        assert "main.customers.email_addr, main.orders" in str(dialog.query_one("#scope-summary").render())

        await paste_into(pilot, "#name", "Mixed scope")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        saved = next(v for v in list_schedules(demo) if v.name == "Mixed scope")
        assert saved.scope == ("main.customers.email_addr", "main.orders")
        assert saved.database is None  # SQLite: one database


async def test_untick_the_last_deeper_tick_widens_back_and_edit_shows_the_stored_ticks(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        orders_schedule = next(v for v in list_schedules(demo) if v.scope == ("main.orders", "main.payments"))
        app.screen.table.move_to_key(str(orders_schedule.id))
        dialog, tree = await open_with_tree(pilot, "e")
        await settle(pilot)
        assert tree.find(("main", "orders")) is not None, "branches holding ticks open by themselves"
        assert [
            glyph(tree, p) for p in (("main",), ("main", "orders"), ("main", "payments"), ("main", "products"))
        ] == ["◐", "☑", "☑", "☐"]

        await space_on(pilot, tree, ("main", "orders"))
        await space_on(pilot, tree, ("main", "payments"))
        assert tree.scope == [] and glyph(tree, ("main", "products")) == "☑", "back to the whole database"

        await space_on(pilot, tree, ("main",))
        assert tree.scope == [], "the only schema cannot be unticked: the scope would be empty"
        await only_on(pilot, tree, ("main", "orders"))  # only this table
        assert tree.scope == ["main.orders"]
        await press(pilot, "ctrl+s")
        assert get_schedule(demo, orders_schedule.id).scope == ("main.orders",)


async def test_a_scope_path_that_does_not_exist_is_refused_beside_the_tree_and_ctrl_o_saves_it_unchecked(demo):
    broken = add_schedule(demo, "Broken scope", days=5, scope=("main.nope",))  # saved offline
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.table.move_to_key(str(broken.id))
        dialog, tree = await open_with_tree(pilot, "e")
        await settle(pilot)
        await space_on(pilot, tree, ("main", "orders"))
        assert tree.scope == ["main.nope", "main.orders"]
        await press(pilot, "ctrl+s")
        assert app.screen is dialog
        note = str(dialog.query_one("#error-scope").render())
        assert "table main.nope does not exist in main" in note, note
        assert get_schedule(demo, broken.id).scope == ("main.nope",)

        await press(pilot, "ctrl+o")
        assert isinstance(app.screen, MainScreen)
        assert get_schedule(demo, broken.id).scope == ("main.nope", "main.orders")


@pytest.fixture
def two_schema_database(pg_url):
    """A PostgreSQL database with schemas sales (two tables) and crm (two tables)."""
    import sqlalchemy as sa

    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        for ddl in (
            "CREATE SCHEMA sales",
            "CREATE SCHEMA crm",
            "CREATE TABLE sales.orders (id int primary key, total numeric)",
            "CREATE TABLE sales.refunds (id int primary key, order_id int)",
            "CREATE TABLE crm.customers (id int primary key, email text)",
            "CREATE TABLE crm.leads (id int primary key, source text)",
        ):
            conn.exec_driver_sql(ddl)
    engine.dispose()
    return pg_url


@pytest.mark.postgres
async def test_a_whole_schema_and_one_table_elsewhere_is_stored_exactly(demo, two_schema_database):
    add_db_profile(demo, name="warehouse", url=two_schema_database)
    database = two_schema_database.rsplit("/", 1)[-1]
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog, tree = await open_with_tree(pilot)
        dialog.query_one("#db").value = "warehouse"
        await settle(pilot)
        assert dialog.query_one("#database").value == database, "the profile's own database is picked"
        await only_on(pilot, tree, ("sales",))
        await space_on(pilot, tree, ("crm", "customers"))
        assert [glyph(tree, p) for p in (("sales",), ("crm",), ("crm", "customers"), ("crm", "leads"))] == [
            "☑",
            "◐",
            "☑",
            "☐",
        ]
        await paste_into(pilot, "#name", "Sales and customers")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, MainScreen)
        saved = next(v for v in list_schedules(demo) if v.name == "Sales and customers")
        assert (saved.db_profile, saved.database, saved.scope) == ("warehouse", database, ("crm.customers", "sales"))


async def test_a_large_schema_loads_a_page_at_a_time(demo, tmp_path):
    import sqlite3

    path = tmp_path / "wide.db"
    with sqlite3.connect(path) as conn:
        for i in range(205):
            conn.execute(f"CREATE TABLE t{i:03d} (id INTEGER PRIMARY KEY, v TEXT)")
    add_db_profile(demo, name="wide", url=f"sqlite:///{path}")
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog, tree = await open_with_tree(pilot)
        dialog.query_one("#db").value = "wide"
        await settle(pilot)
        schema = tree.find(("main",))
        tree.focus()
        tree.move_cursor(schema)
        await press(pilot, "right")
        names = [child.data.kind for child in schema.children]
        assert names.count("table") == 200 and names[-1] == "more"
        assert "5 more (of 205)" in str(schema.children[-1].label)
        tree.move_cursor(schema.children[-1])
        await press(pilot, "space")
        assert [child.data.kind for child in schema.children].count("table") == 205
        assert schema.children[-1].data.path == ("main", "t204")


async def test_space_toggles_the_node_it_is_on_and_ctrl_o_keeps_only_it(demo):
    app = make_app(demo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dialog, tree = await open_with_tree(pilot)
        await only_on(pilot, tree, ("main", "customers"))
        await space_on(pilot, tree, ("main", "customers", "email_addr"))
        columns = [tuple(item.path) for item in tree.find(("main", "customers")).data.items]
        assert glyph(tree, ("main", "customers", "email_addr")) == "☐", "space unticked the column it was on"
        others = [c for c in columns if c[-1] != "email_addr"]
        assert len(others) == len(columns) - 1 >= 2 and all(glyph(tree, c) == "☑" for c in others), (
            "its siblings stay ticked"
        )
        assert glyph(tree, ("main", "customers")) == "◐"
        assert tree.scope == [f"main.customers.{c[-1]}" for c in sorted(others)]
        await space_on(pilot, tree, ("main", "customers", "email_addr"))
        assert glyph(tree, ("main", "customers", "email_addr")) == "☑", "space ticks it again"

        await only_on(pilot, tree, ("main", "orders"))
        assert tree.scope == ["main.orders"], "ctrl+x: only this node"
        await settle(pilot)
        summary = str(dialog.query_one("#scope-summary").render())
        assert "1 table" in summary and "columns picked" in summary, summary

        schema = tree.find(("main",))
        tables = len(schema.data.items)
        tree.move_cursor(tree.find(("main", "orders")))
        await press(pilot, "p", "a", "y")  # typing filters the cursor's level
        names = [child.data.path[-1] for child in schema.children]
        assert names == [n for n in (tuple(i.path)[-1] for i in schema.data.items) if "pay" in n] and names
        assert len(names) < tables
        await press(pilot, "escape")  # clears the filter, not the dialog
        assert isinstance(app.screen, ScheduleDialog) and len(schema.children) == tables
