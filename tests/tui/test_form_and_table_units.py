"""Pure pieces without a running app: what the dialog sends the core, column layout, the keyed diff, hints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.text import Text
from textual.app import App

from amx_tui.backend import _tick_summary
from amx_tui.screens.action_menu import menu_entries
from amx_tui.screens.schedule_form import FormValues, build_input
from amx_tui.screens.schedule_hints import at_hint, cadence_hint, zone_hint
from amx_tui.widgets.keyed_table import Column, KeyedTable, column_widths

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
STORED = FormValues(
    trigger="cron",
    name="Nightly",
    at="2027-03-02 02:00",
    cron="0 2 * * *",
    tz="UTC",
    db="demo-shop",
    scope=("main",),
    llm="offline",
    review="manual",
)


def test_create_sends_every_field_and_leaves_blank_times_out():
    inp = build_input(FormValues(name="n", at="", cron=" ", tz="Europe/Berlin", db="p", llm="l"))
    assert (inp.name, inp.at, inp.cron, inp.tz, inp.db_profile, inp.llm_profile, inp.kind) == (
        "n",
        None,
        None,
        "Europe/Berlin",
        "p",
        "l",
        "analyze",
    )
    assert inp.cap_hours is None and inp.scope == ()


def test_edit_sends_only_what_changed():
    inp = build_input(FormValues(**{**STORED.__dict__, "name": "Renamed"}), STORED)
    assert inp.name == "Renamed"
    assert (inp.at, inp.cron, inp.tz, inp.scope, inp.db_profile, inp.trigger, inp.kind) == (None,) * 7


def test_edit_clearing_the_cadence_sends_an_empty_cron():
    assert build_input(FormValues(**{**STORED.__dict__, "cron": ""}), STORED).cron == ""


def test_switching_to_change_sends_the_cap_and_no_time():
    values = FormValues(**{**STORED.__dict__, "trigger": "change", "cap": "6"})
    inp = build_input(values, STORED)
    assert (inp.trigger, inp.cap_hours, inp.at, inp.cron) == ("change", "6", None, None)


def test_statistics_are_sent_on_create_and_only_when_switched_on_edit():
    assert build_input(FormValues(name="n", db="p", llm="l")).with_statistics is False
    assert build_input(FormValues(name="n", db="p", llm="l", statistics="on")).with_statistics is True
    assert build_input(FormValues(**{**STORED.__dict__, "name": "Renamed"}), STORED).with_statistics is None
    assert build_input(FormValues(**{**STORED.__dict__, "statistics": "on"}), STORED).with_statistics is True


def test_changing_the_profile_resends_the_database():
    values = FormValues(**{**STORED.__dict__, "db": "warehouse", "database": "sales_db", "scope": ()})
    inp = build_input(values, STORED)
    assert (inp.db_profile, inp.database, inp.scope) == ("warehouse", "sales_db", ())


def test_columns_follow_their_content_give_way_widest_first_and_drop_by_order_when_narrow():
    columns = [
        Column("a", "A", min_width=10, grow=1),
        Column("b", "B", width=5),
        Column("c", "C", min_width=10, max_width=30, drop_order=2),
        Column("d", "D", width=8, drop_order=1),
    ]
    natural = [18, 5, 40, 8]  # widest cell of each column (c is capped at 30)
    assert column_widths(columns, natural, 100) == [18 + 31, 5, 30, 8], "room left over goes to the growing column"
    assert column_widths(columns, natural, 69) == [18, 5, 30, 8], "everything fits as it is"
    assert column_widths(columns, natural, 60) == [18, 5, 21, 8], "the widest column gave way first"
    assert column_widths(columns, natural, 50) == [14, 5, 15, 8], "then both, in turn"
    assert column_widths(columns, natural, 40) == [14, 5, 15, 0], "d dropped first for the minimums to fit"
    assert column_widths(columns, natural, 25) == [16, 5, 0, 0]


def test_menu_offers_resume_for_paused_and_skip_for_missed():
    assert [a for a, *_ in menu_entries("paused")] == ["edit", "resume", "run_now", "delete"]
    assert [a for a, *_ in menu_entries("missed")] == ["edit", "pause", "run_now", "skip", "delete"]


def test_hints_come_from_the_core():
    assert at_hint("2027-03-28 02:30", "Europe/Berlin", NOW)[0].startswith("2027-03-28 02:30 does not exist")
    assert at_hint("2027-03-01 12:00", "Europe/Berlin", NOW)[0] == (
        "= 2027-03-01 11:00 UTC (local offset +01:00) · in 1 h"
    )
    text, warning = cadence_hint("*/30 9 * * *", "", "UTC", NOW)
    lines = text.splitlines()
    assert not warning and len(lines) == 6
    assert lines[1:3] == ["→ Tue 2027-03-02 09:00 (+00:00)", "→ Tue 2027-03-02 09:30 (+00:00)"]
    assert zone_hint("berlin", "UTC", NOW) == ("unknown zone; did you mean Europe/Berlin?", True)


def test_tick_summary_reads_the_json_report():
    assert _tick_summary('{"fired": [3, 4], "missed": [], "failed": [7]}') == ("2 fired, 1 failed", (3, 4))
    assert _tick_summary("not json") == ("ok", ())


class TableApp(App):
    def compose(self):
        yield KeyedTable([Column("name", "Name"), Column("n", "N", width=4)], id="t")


@pytest.mark.asyncio
async def test_keyed_table_diffs_by_key_and_formats_only_what_it_draws():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(KeyedTable)
        first = table.set_rows([(str(i), f"row {i}") for i in range(1000)])
        await pilot.pause()
        assert len(first.added) == 1000 and table.row_count == 1000
        assert table.formatted_rows <= 10, "only the visible rows were formatted"
        table.move_to_key("500")
        await pilot.pause()
        rows = [(str(i), f"row {i}" + ("!" if i == 500 else "")) for i in range(-2, 1000) if i != 7]
        diff = table.set_rows(rows)
        assert (diff.added, diff.removed, diff.changed) == (("-2", "-1"), ("7",), ("500",))
        assert table.cursor_key == "500" and table.cursor_row == 501
        assert table.row_text("500") == "row 500! | row 500!"
        with pytest.raises(ValueError):
            table.set_rows([("a", 1), ("a", 2)])


def test_plain_text_cells_never_parse_markup():
    from amx_tui.formatting import plain

    assert plain("[bold]x[/]").plain == "[bold]x[/]" and isinstance(plain(1), Text)


def test_first_line_gives_the_cores_words_or_the_error_type():
    from amx_core.errors import ConflictError
    from amx_tui.workers import first_line

    assert first_line(ConflictError("id", "the schedule is running")) == "the schedule is running"
    assert first_line(RuntimeError("first\nsecond")) == "RuntimeError: first"


def test_footer_fit_keeps_the_always_keys_and_the_screens_keys_in_order():
    from textual.binding import Binding

    from amx_tui.widgets.quiet_footer import fit

    items = [
        (Binding(key, key, label, show=show), key, True, "")
        for key, label, show in (
            ("n", "New", True),
            ("e", "Edit", True),
            ("p", "Pause/Resume", True),
            ("h", "History", False),
            ("q", "Quit", True),
            ("f1", "Help", True),
        )
    ]
    assert [b.key for b, *_ in fit(items, 200, False)] == ["n", "e", "p", "h", "q", "f1"]
    assert [b.key for b, *_ in fit(items, 30, True)] == ["n", "e", "q", "f1"]
    assert [b.key for b, *_ in fit(items, 10, True)] == ["q", "f1"]
