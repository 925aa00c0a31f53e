"""Headless amx-tui timings (App.run_test): start with 10,000 schedules, chip toggle, idle CPU, dialog, a 2,000-table
schema.

Prints each figure with its target, and ratios against baselines measured in the same run: the start
with an empty store, Textual's stock DataTable filled with the same 10,000 rows, and textual-fastdatatable
(the `bench` extra; `make bench` installs it) alone on an Arrow table of them, shown and swapped for a filtered
set. Not a pass/fail test; run it with `.venv/bin/python bench/tui.py`.
Environment: BENCH_SCHEDULES (10000), BENCH_TABLES (2000), BENCH_COLUMNS (50 per table), BENCH_IDLE (20 s).
"""

from __future__ import annotations

import asyncio
import gc
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCHEDULES = int(os.environ.get("BENCH_SCHEDULES", "10000"))
TABLES = int(os.environ.get("BENCH_TABLES", "2000"))
COLUMNS = int(os.environ.get("BENCH_COLUMNS", "50"))
SIZE = (160, 48)
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
REPEAT = 3
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE", "20"))


@contextmanager
def home(path: Path):
    """Point AMX_HOME at `path` (the store is cached per URL, so each home gets its own)."""
    from amx_core.store import reset_stores

    old = os.environ.get("AMX_HOME")
    os.environ["AMX_HOME"] = str(path)
    os.environ.pop("AMX_STORE_URL", None)
    try:
        yield
    finally:
        reset_stores()
        if old is None:
            os.environ.pop("AMX_HOME", None)
        else:
            os.environ["AMX_HOME"] = old


def seed_schedules(store, count: int) -> None:
    """`count` analyze schedules through the core services; every third one paused."""
    from amx_core.demo.workspace import ensure_demo_workspace
    from amx_core.services.schedules import (
        ScheduleInput,
        create_schedule,
        delete_schedule,
        list_schedules,
        pause_schedule,
    )

    ensure_demo_workspace(store, now=NOW)
    for view in list_schedules(store):
        delete_schedule(store, view.id)
    zones = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC")
    for i in range(count):
        day = NOW + timedelta(days=1 + i % 300, minutes=i % 1440)
        view = create_schedule(
            store,
            ScheduleInput(
                name=f"analysis {i:05d}",
                at=day.strftime("%Y-%m-%d %H:%M"),
                tz=zones[i % len(zones)],
                cron=("0 9 * * 1-5", "30 2 * * *", None)[i % 3],
                db_profile="demo-shop",
                llm_profile="offline",
                scope=("main.orders", "main.customers.email_addr") if i % 2 else (),
                review=("auto", "manual")[i % 2],
            ),
            now=NOW,
            verify=False,  # the demo database's own tables; the bench times the TUI, not saving
        )
        if i % 3 == 0:
            pause_schedule(store, view.id, now=NOW)


def build_wide_database(path: Path, tables: int, columns: int) -> None:
    """One SQLite schema with `tables` tables of `columns` columns each."""
    conn = sqlite3.connect(path)
    try:
        for t in range(tables):
            cols = ", ".join(f"c{c:03d} INTEGER" for c in range(columns))
            conn.execute(f"CREATE TABLE t{t:05d} (id INTEGER PRIMARY KEY, {cols})")
        conn.commit()
    finally:
        conn.close()


class NullDaemon:
    """No OS calls in a benchmark: always 'not installed', never a tick subprocess."""

    def status(self, _store, _now):
        from amx_core.daemon.status import DaemonStatus

        return DaemonStatus(
            "not_installed",
            False,
            False,
            None,
            None,
            None,
            None,
            "linux",
            "bench",
            None,
            (),
            "/dev/null",
            None,
            None,
            None,
            None,
            None,
            None,
            (),
        )


def backend(store, **timers):
    """The app's Backend with no OS calls; timers an hour apart unless given (`refresh_seconds=5.0`, …)."""
    from amx_tui.backend import Backend, TickPass

    daemon = NullDaemon()
    options = dict(refresh_seconds=3600, daemon_seconds=3600, tick_seconds=3600)
    options.update(timers)
    return Backend(
        open_store=lambda: store,
        clock=lambda: NOW,
        local_zone=lambda: "Europe/Berlin",
        daemon_status=daemon.status,
        run_tick=lambda: TickPass(True, NOW, "bench"),
        in_app_tick=False,
        **options,
    )


async def settle(pilot) -> None:
    from textual.worker import WorkerCancelled

    for _ in range(50):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
        await pilot.pause()
        if not any(w.is_running for w in pilot.app.workers):
            return


async def start_to_idle(store, rows: int) -> float:
    """Seconds from creating the app to the first idle with the list filled."""
    from amx_tui.app import AmxApp

    started = time.perf_counter()
    app = AmxApp(backend(store))
    async with app.run_test(size=SIZE) as pilot:
        while True:
            await settle(pilot)
            screen = app.screen
            if getattr(screen, "refreshes", 0) >= 1:
                break
        elapsed = time.perf_counter() - started
        assert screen.table.row_count == rows, (screen.table.row_count, rows)
    return elapsed


async def chip_toggle(store) -> tuple[float, float, float, float]:
    """Seconds for toggling the Paused chip: the handler alone, the handler to the next idle (measured as the
    textual-fastdatatable swap is), and from the key press to idle; then one schedule changed (a progress tick
    or an edit) from `patch` to idle. Medians of on/off."""
    from dataclasses import replace

    from amx_tui.app import AmxApp

    app = AmxApp(backend(store))
    direct, handled, to_idle, one_row = [], [], [], []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        for _ in range(REPEAT * 2):
            started = time.perf_counter()
            screen.chips.toggle("paused")
            screen.apply_filter()
            direct.append(time.perf_counter() - started)
            await pilot.pause()
            handled.append(time.perf_counter() - started)
            started = time.perf_counter()
            await pilot.press("2")
            await pilot.pause()
            to_idle.append(time.perf_counter() - started)
        for i in range(REPEAT * 2):
            view = screen.current()
            started = time.perf_counter()
            screen.patch(replace(view, name=f"{view.name} ({i})"))
            await pilot.pause()
            one_row.append(time.perf_counter() - started)
    return statistics.median(direct), statistics.median(handled), statistics.median(to_idle), statistics.median(one_row)


async def idle_cpu(store) -> tuple[float, int, int]:
    """Share of one core the app uses while nobody touches it, with the real timers (list every 5 s, daemon every
    15 s); also how many refreshes re-read the list and how many found the change marker unmoved."""
    from amx_tui.app import AmxApp

    app = AmxApp(backend(store, refresh_seconds=5.0, daemon_seconds=15.0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        reads, polls = screen.refreshes, screen.polls
        cpu = time.process_time()
        await asyncio.sleep(IDLE_SECONDS)
        used = time.process_time() - cpu
        return used / IDLE_SECONDS, screen.refreshes - reads, screen.polls - polls


async def fast_datatable(rows: int) -> tuple[float, float, float] | None:
    """Baseline: textual-fastdatatable showing `rows` rows of 8 cells (to the first idle), and swapping its data
    for the two thirds a chip toggle leaves (to idle), and for the same rows with one changed (it has no update by
    key: a refresh swaps its data); None when it is not installed."""
    from textual.app import App

    try:
        from textual_fastdatatable import ArrowBackend, DataTable
    except ImportError:
        return None

    labels = ["Name", "Fire time", "Scope", "Status", "DB profile", "LLM", "Review", "Actions"]

    def data(count: int) -> dict[str, list[str]]:
        cells = ("2027-03-02 09:00 Europe/Berlin ↻", "main.orders, main.customers.email_addr", "● Pending")
        return {
            label: [f"analysis {i:05d}" if label == "Name" else cells[i % 3] for i in range(count)] for label in labels
        }

    class Fill(App):
        def compose(self):
            yield DataTable(backend=ArrowBackend.from_pydict(data(rows)), render_markup=False, cursor_type="row")

    started = time.perf_counter()
    app = Fill()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = time.perf_counter() - started
        table = app.query_one(DataTable)
        swaps: dict[int, list[float]] = {rows * 2 // 3: [], rows: []}
        for count, times in swaps.items():
            for _ in range(REPEAT):
                started = time.perf_counter()
                # the library has no way to replace its rows (`clear` says: mount a new table): the least it takes
                table.backend = ArrowBackend.from_pydict(data(count))
                table._ordered_columns = None
                table._update_count += 1
                table._require_update_dimensions = True
                table._clear_caches()
                table.refresh()
                await pilot.pause()
                times.append(time.perf_counter() - started)
    subset, same = (statistics.median(times) for times in swaps.values())
    return shown, subset, same


async def dialog_and_expand(store, profile: str) -> tuple[float, float, int]:
    """Seconds from `n` to the dialog's first frame, and from opening the 2,000-table schema to its first page shown."""
    from amx_tui.app import AmxApp
    from amx_tui.screens.schedule_dialog import ScheduleDialog
    from amx_tui.widgets.scope_tree import ScopeTree

    app = AmxApp(backend(store))
    opens, expands, shown = [], [], 0
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(REPEAT):
            painted = asyncio.Event()
            started = time.perf_counter()
            await app.screen.run_action("new_schedule")  # what the `n` key runs
            while not (isinstance(app.screen, ScheduleDialog) and app.screen.is_mounted):
                await asyncio.sleep(0.001)
            app.screen.call_after_refresh(painted.set)  # runs once the dialog has been drawn
            await painted.wait()
            opens.append(time.perf_counter() - started)
            await settle(pilot)
            dialog = app.screen
            dialog.query_one("#db").value = profile
            await settle(pilot)
            tree = dialog.query_one(ScopeTree)
            schema = tree.find(("main",))
            assert schema is not None, "schema node not loaded"
            started = time.perf_counter()
            schema.expand()
            while not schema.data.loaded:
                await asyncio.sleep(0.001)
            painted = asyncio.Event()
            tree.call_after_refresh(painted.set)
            await painted.wait()
            expands.append(time.perf_counter() - started)
            shown = len(schema.children)
            await pilot.press("escape")  # the profile was changed: the dialog asks before discarding
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
    return statistics.median(opens), statistics.median(expands), shown


async def stock_datatable(rows: int) -> float:
    """Baseline: Textual's DataTable filled with `rows` rows of 7 cells, to the first idle."""
    from rich.text import Text
    from textual.app import App
    from textual.widgets import DataTable

    class Fill(App):
        def compose(self):
            yield DataTable()

        def on_mount(self):
            table = self.query_one(DataTable)
            table.add_columns("Name", "Fire time", "Scope", "Status", "LLM", "Review", "Actions")
            for i in range(rows):
                table.add_row(
                    Text(f"analysis {i:05d}"),
                    Text("2027-03-02 09:00 Europe/Berlin ↻"),
                    Text("main.orders, main.customers.email_addr"),
                    Text("● Pending"),
                    Text("offline"),
                    Text("Manual"),
                    Text("⋯ actions"),
                    key=str(i),
                )

    started = time.perf_counter()
    app = Fill()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    return time.perf_counter() - started


def cache_cadence_words() -> bool:
    """Memoise describe_cadence for a labelled extra run (the core change this bench asks for); False if already so."""
    from functools import lru_cache

    from amx_core.schedule import views as schedule_views

    if hasattr(schedule_views.describe_cadence, "cache_info"):
        return False
    schedule_views.describe_cadence = lru_cache(maxsize=1024)(schedule_views.describe_cadence)
    return True


def line(label: str, seconds: float, target: float | None = None, extra: str = "") -> None:
    verdict = "" if target is None else ("  ok" if seconds <= target else "  OVER")
    goal = f" (target < {target * 1000:.0f} ms)" if target is not None else ""
    print(f"  {label:<58} {seconds * 1000:8.1f} ms{goal}{verdict}{extra}")


def main() -> int:
    from amx_core.catalog.refresh import refresh_catalog
    from amx_core.services.profiles import add_db_profile
    from amx_core.store import open_store
    from amx_tui.entry import GC_THRESHOLDS, tune_gc

    default_gc = gc.get_threshold()
    tune_gc()  # as the amx-tui console script does before starting the app
    with tempfile.TemporaryDirectory(prefix="amx-bench-") as tmp:
        tmp_path = Path(tmp)
        print(f"amx-tui bench: {SCHEDULES} schedules, catalog {TABLES} tables x {COLUMNS + 1} columns")
        with home(tmp_path / "empty"):
            empty = open_store()
            seed_schedules(empty, 0)
            asyncio.run(start_to_idle(empty, 0))  # warm imports and caches once
            empty_start = statistics.median(asyncio.run(start_to_idle(empty, 0)) for _ in range(REPEAT))
            empty_idle = asyncio.run(idle_cpu(empty))[0]
        with home(tmp_path / "big"):
            big = open_store()
            t0 = time.perf_counter()
            seed_schedules(big, SCHEDULES)
            print(f"  (seeded {SCHEDULES} schedules through the core in {time.perf_counter() - t0:.1f} s)")
            big_start = statistics.median(asyncio.run(start_to_idle(big, SCHEDULES)) for _ in range(REPEAT))
            direct, handled, to_idle, one_row = asyncio.run(chip_toggle(big))
            idle, idle_reads, idle_polls = asyncio.run(idle_cpu(big))
            cached_start = default_gc_start = None
            if cache_cadence_words():
                cached_start = statistics.median(asyncio.run(start_to_idle(big, SCHEDULES)) for _ in range(REPEAT))
                gc.set_threshold(*default_gc)
                default_gc_start = statistics.median(asyncio.run(start_to_idle(big, SCHEDULES)) for _ in range(REPEAT))
                tune_gc()
            wide = tmp_path / "wide.db"
            t0 = time.perf_counter()
            build_wide_database(wide, TABLES, COLUMNS)
            add_db_profile(big, name="wide", url=f"sqlite:///{wide}")
            report = refresh_catalog(big, "wide")
            took = time.perf_counter() - t0
            print(f"  (catalog refresh of {report.tables} tables / {report.columns} columns took {took:.1f} s)")
            opened, expanded, shown = asyncio.run(dialog_and_expand(big, "wide"))
        stock = asyncio.run(stock_datatable(SCHEDULES))
        fast = asyncio.run(fast_datatable(SCHEDULES))

    print(
        f"results (median of {REPEAT}; gc thresholds {GC_THRESHOLDS} as amx-tui sets them; "
        f"load {os.getloadavg()[0]:.1f}):"
    )
    line("start to first idle, empty store", empty_start)
    line(
        f"start to first idle, {SCHEDULES} schedules",
        big_start,
        1.5,
        f"  ratio {big_start / empty_start:.2f}x (target <= 3x)",
    )
    if cached_start is not None:
        line(
            "  same, with describe_cadence memoised (requested core change)",
            cached_start,
            1.5,
            f"  ratio {cached_start / empty_start:.2f}x",
        )
        line(f"  same, memoised, Python's default gc thresholds {default_gc}", default_gc_start)
    ours = cached_start or big_start
    line(
        f"baseline: stock DataTable with {SCHEDULES} rows to idle",
        stock,
        None,
        f"  (that widget alone: {stock / ours:.1f}x our whole memoised start)",
    )
    if fast is None:
        print("  baseline: textual-fastdatatable not installed (pip install -e '.[bench]'), skipped")
    else:
        line(f"baseline: textual-fastdatatable alone (Arrow), {SCHEDULES} rows to idle", fast[0])
        line(
            "baseline: the same, rows swapped (a chip toggle) to idle",
            fast[1],
            None,
            f"  (ours, whole screen: {handled / fast[1]:.1f}x)",
        )
        line(
            "baseline: the same, one row changed (a swap) to idle", fast[2], None, f"  (ours: {one_row / fast[2]:.1f}x)"
        )
    line("chip toggle (handler + table diff)", direct, 0.15)
    line("chip toggle, handler to idle", handled, 0.15)
    line("chip toggle, key press to idle (Pilot)", to_idle, 0.15)
    line("one schedule changed (progress tick, edit), to idle", one_row)
    print(
        f"  {'idle CPU, ' + str(SCHEDULES) + ' schedules, real timers (' + f'{IDLE_SECONDS:g}' + ' s)':<58} "
        f"{idle * 100:8.2f} % of a core (target < 1 %){'  ok' if idle < 0.01 else '  OVER'}"
        f"  empty store {empty_idle * 100:.2f} %; {idle_reads} list reads, {idle_polls} marker-only polls"
    )
    line("open the schedule dialog (key to first frame)", opened, 0.3)
    line(f"expand a schema of {TABLES} tables (first page: {shown} nodes drawn)", expanded, 0.2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
