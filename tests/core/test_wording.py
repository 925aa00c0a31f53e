"""Counting and listing words: no message ever says "1 columns"."""

from __future__ import annotations

from analyze_support import add_profiles, make_schedule, start_run

from amx_core.analyze.executor import run_analyze
from amx_core.wording import counted, listed


def test_counted_and_listed():
    assert [counted(n, "column") for n in (0, 1, 2, 1500)] == ["0 columns", "1 column", "2 columns", "1,500 columns"]
    assert counted(1, "entry", "entries") == "1 entry" and counted(3, "entry", "entries") == "3 entries"
    assert [listed(items) for items in ([], ["a"], ["a", "b"], ["a", "b", "c"])] == ["", "a", "a and b", "a, b and c"]
    assert listed(["x", "y"], "or") == "x or y"


def test_a_one_column_run_says_one_column(store, chinook_sqlite):
    add_profiles(store, chinook_sqlite, concurrency=1)
    handle = start_run(store, make_schedule(store, scope=["main.Artist.Name"]))
    outcome = run_analyze(handle.ctx)
    assert outcome.ok
    assert outcome.note.startswith("1 of 1 table described (1 in scope): 1 column described")
    assert any(line.startswith("main.Artist: 1 of 1 column described") for line in handle.sink.lines)
    assert any(line.startswith("1 table in scope") for line in handle.sink.lines)
    assert not any(" 1 columns" in line or " 1 tables" in line for line in [outcome.note, *handle.sink.lines])
