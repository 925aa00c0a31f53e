"""The schedule list's change marker and run progress (amx_core.services.watch), and the scope count, on the
SQLite and PostgreSQL stores: every change the list shows moves the marker; nothing else does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from amx_core.catalog.counting import count_scope
from amx_core.catalog.refresh import refresh_catalog
from amx_core.demo.workspace import ensure_demo_workspace
from amx_core.services.profiles import add_llm_profile, edit_llm_profile
from amx_core.services.schedules import ScheduleInput, create_schedule, delete_schedule, list_schedules, pause_schedule
from amx_core.services.watch import list_marker, running_progress
from amx_core.tick.claims import claim_run_now
from amx_core.tick.retry import RetryPolicy
from amx_core.tick.settle import COMPLETED, Outcome, finish_run
from amx_core.tick.sink import RunSink

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def test_every_change_the_list_shows_moves_the_marker_and_a_read_does_not(any_store):
    store = any_store
    ensure_demo_workspace(store, now=NOW)
    marker = list_marker(store)
    list_schedules(store)
    assert list_marker(store) == marker, "reading moves nothing"

    def moved() -> bool:
        nonlocal marker
        now = list_marker(store)
        changed, marker = now != marker, now
        return changed

    inp = ScheduleInput(name="watched", at="2027-03-05 09:00", tz="UTC", db_profile="demo-shop", llm_profile="offline")
    view = create_schedule(store, inp, now=NOW)
    assert moved(), "a new schedule"
    pause_schedule(store, view.id, now=NOW + timedelta(seconds=1))
    assert moved(), "a status change"
    claim = claim_run_now(store, view.id, NOW + timedelta(seconds=2), host="h", pid=1)
    assert moved(), "a run starts"
    assert running_progress(store)[view.id].run_id == claim.run_id
    sink = RunSink(store, claim.run_id, lambda: NOW, flush_seconds=3600)
    sink.update(tables_planned=4, tables_done=1)
    sink.flush()
    assert moved(), "the run makes progress"
    progress = running_progress(store)[view.id]
    assert (progress.tables_done, progress.tables_planned) == (1, 4)
    finish_run(
        store,
        claim,
        Outcome(status=COMPLETED),
        NOW + timedelta(minutes=1),
        grace=timedelta(minutes=10),
        policy=RetryPolicy(),
        run_values=sink.take_pending(),
    )
    assert moved() and view.id not in running_progress(store), "the run ends"
    add_llm_profile(store, name="other", provider="heuristic")
    assert moved(), "a profile the dialog offers"
    edit_llm_profile(store, "other", temperature=0.5)
    assert moved(), "a profile edited"
    delete_schedule(store, view.id)
    assert moved(), "a schedule deleted"
    assert not moved()


def test_count_scope_reads_the_cached_catalog(store):
    ensure_demo_workspace(store, now=NOW)
    refresh_catalog(store, "demo-shop")
    everything = count_scope(store, "demo-shop", None, [])
    assert everything.tables >= 5 and everything.columns > everything.tables
    orders = count_scope(store, "demo-shop", None, ["main.orders"])
    two_columns = count_scope(store, "demo-shop", None, ["main.customers.email_addr", "main.customers.phone_no"])
    assert orders.tables == 1 and orders.columns >= 2 and (two_columns.tables, two_columns.columns) == (1, 2)
    both = count_scope(store, "demo-shop", None, ["main.orders", "main.customers.email_addr"])
    assert (both.tables, both.columns) == (2, orders.columns + 1)
    assert count_scope(store, "demo-shop", None, ["main"]) == everything
