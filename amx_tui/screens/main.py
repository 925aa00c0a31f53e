"""The schedule list screen: the daemon header, filter chips, the keyed table and the highlighted schedule's detail.

Store work runs in thread workers; a refresh never overlaps another (`workers.Serial`: one asked for while
one runs follows it) and the table is diffed by schedule id, so the cursor stays on its schedule.
Start-up (startup.py), the row actions (row_actions.py), the missed-runs dialog (missed.py) and the
daemon header with the in-app tick (widgets/daemon_bar.py) live in their own modules.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer

from amx_core.services import schedules as core
from amx_core.services.profiles import list_db_profiles, list_llm_profiles
from amx_core.services.runs import RunView, get_run
from amx_core.services.watch import ListMarker, RunProgress, list_marker, running_progress
from amx_core.views import ScheduleView
from amx_tui.commands import VerbCommands
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.missed import MissedDialog, decisions_text
from amx_tui.screens.row_actions import RowActions
from amx_tui.startup import StartupSummary, open_workspace
from amx_tui.verbs import VERBS, verb_bindings
from amx_tui.widgets.daemon_bar import DaemonBar, InAppTick
from amx_tui.widgets.filter_chips import FilterChips
from amx_tui.widgets.keyed_table import KeyedTable
from amx_tui.widgets.profile_tables import ProfileLists
from amx_tui.widgets.quiet_footer import QuietFooter
from amx_tui.widgets.schedule_detail import ScheduleDetail
from amx_tui.widgets.schedule_table import ACTIONS_COLUMN, ScheduleRow, ScheduleTable, row_key, search_text
from amx_tui.widgets.search_bar import SearchBar
from amx_tui.workers import Serial, deliver, first_line

SLOW_REFRESH_FACTOR = 5.0  # a refresh that took d seconds waits at least 5*d before the next one
INSTALL_BODY = "Write the per-user OS hook that runs amx-tick every minute with this interpreter and AMX_HOME"
REINSTALL_NOTE = " (reinstalling repairs a hook the OS does not know)."
UNINSTALL_BODY = "Remove the OS hook. Schedules stay queued; while this window is open it runs the tick itself."


@dataclass(frozen=True)
class ScheduleList:
    """One read of the list: the analyze schedules, the count per status, the profiles the dialog offers, the
    progress of running runs, and the runs that ended since the last read."""

    views: list[ScheduleView]
    counts: dict[str, int]
    profiles: ProfileLists
    running: dict[int, RunProgress]
    finished: list[RunView]


def finished_text(run: RunView) -> str:
    """The toast when a run this window saw running has ended."""
    what = f"Run #{run.id} of “{run.schedule_name or run.schedule_id}”"
    counts = f"{run.tables_done}/{run.tables_planned} tables, {run.columns_described} columns described"
    error = f": {run.error}" if run.error and run.status == "failed" else ""
    return f"{what} {run.status}{error} ({counts}). Press L for its history."


class MainScreen(RowActions):
    """The schedule list; the app owns the backend and the store."""

    COMMANDS = {VerbCommands}
    VERBS = VERBS
    BINDINGS = [
        *verb_bindings(),
        Binding(
            "q", "app.quit", "Quit", tooltip="Leave AMX Schedules (schedules still fire when the daemon is loaded)"
        ),
    ]

    class Refreshed(Message):
        """A refresh ended: the list read (None when the marker had not moved, or on `error`)."""

        def __init__(
            self, loaded: ScheduleList | None, marker: ListMarker | None, error: str | None, seconds: float
        ) -> None:
            super().__init__()
            self.loaded = loaded
            self.marker = marker
            self.error = error
            self.seconds = seconds

    class StartupDone(Message):
        def __init__(self, summary: StartupSummary | None, error: str | None) -> None:
            super().__init__()
            self.summary = summary
            self.error = error

    def __init__(self) -> None:
        super().__init__(id="main")
        self.views: dict[int, ScheduleView] = {}
        self.order: list[int] = []
        self.counts: dict[str, int] = {}
        self.running: dict[int, RunProgress] = {}
        self.rows: dict[int, ScheduleRow] = {}  # reused between refreshes so the table diff stays cheap
        self.haystacks: dict[int, tuple[ScheduleView, str]] = {}  # what `/` searches, per schedule
        self.search = ""
        self.marker: ListMarker | None = None
        self.last_finished: int | None = None  # the schedule whose run ended last (L opens its history)
        self.refreshes = 0  # list reads that reached the screen
        self.polls = 0  # marker reads that found nothing to re-read
        self._force = True
        self.refresher = Serial(self._start_refresh)
        self._refresh_timer: Timer | None = None
        self._refresh_error: str | None = None  # notified once, not on every failing refresh

    # --- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DaemonBar(self.backend, self.store, id="daemon-bar")
        yield FilterChips(id="chips")
        yield SearchBar(placeholder="filter by name, scope or profile (esc clears)", id="search")
        yield ScheduleTable(id="schedules")
        yield ScheduleDetail(id="detail")
        yield QuietFooter()

    @property
    def table(self) -> ScheduleTable:
        return self.query_one("#schedules", ScheduleTable)

    @property
    def chips(self) -> FilterChips:
        return self.query_one("#chips", FilterChips)

    @property
    def daemon_bar(self) -> DaemonBar:
        return self.query_one("#daemon-bar", DaemonBar)

    @property
    def tick(self) -> InAppTick:
        """The in-app tick as the header shows it."""
        return self.daemon_bar.tick

    def on_mount(self) -> None:
        self.table.focus()
        self.query_one(ScheduleDetail).show(None)
        self._startup()

    # --- start-up ---------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="startup", exit_on_error=False)
    def _startup(self) -> None:
        try:
            summary = open_workspace(self.backend, self.store())
        except Exception as exc:  # noqa: BLE001 - shown in a notification; the app stays up
            deliver(self, self.StartupDone(None, first_line(exc)))
            return
        deliver(self, self.StartupDone(summary, None))

    def on_main_screen_startup_done(self, message: MainScreen.StartupDone) -> None:
        if message.error is not None:
            self.notify(message.error, title="Cannot open the store", severity="error", markup=False, timeout=30)
        self.request_refresh(force=True)
        self.daemon_bar.start()
        summary = message.summary
        recovered = summary.recovered_notice() if summary is not None else None
        if recovered is not None:
            self.notify(recovered, title="Recovered", markup=False)
        if summary is not None and summary.missed:
            self.open_missed(summary.missed)

    # --- refresh ----------------------------------------------------------------------------------

    def request_refresh(self, force: bool = False) -> None:
        """Refresh now, or right after the refresh in flight (never two at once).

        A refresh reads the store's change marker first and the whole list only when it moved (or `force`).
        """
        self._force = self._force or force
        self.refresher.request()

    def _start_refresh(self) -> None:
        force, self._force = self._force, False
        self._refresh(None if force else self.marker, dict(self.running))

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh(self, known: ListMarker | None, running: dict[int, RunProgress]) -> None:
        started = time.perf_counter()
        try:
            store = self.store()
            marker = list_marker(store)
            if marker == known:
                deliver(self, self.Refreshed(None, marker, None, time.perf_counter() - started))
                return
            progress = running_progress(store)
            ended = [p.run_id for i, p in running.items() if i not in progress or progress[i].run_id != p.run_id]
            loaded = ScheduleList(
                core.list_schedules(store, kinds=("analyze",)),
                core.status_counts(store, kinds=("analyze",)),
                (list_db_profiles(store), list_llm_profiles(store)),
                progress,
                [get_run(store, run_id) for run_id in ended],
            )
        except Exception as exc:  # noqa: BLE001 - the list keeps its last state, the error is shown
            deliver(self, self.Refreshed(None, None, first_line(exc), time.perf_counter() - started))
            return
        deliver(self, self.Refreshed(loaded, marker, None, time.perf_counter() - started))

    def on_main_screen_refreshed(self, message: MainScreen.Refreshed) -> None:
        loaded = message.loaded
        if message.error is not None:
            if message.error != self._refresh_error:
                self.notify(message.error, title="Refresh failed", severity="error", markup=False)
            self._refresh_error = message.error
        elif loaded is None:
            self.polls += 1
        else:
            self.refreshes += 1
            self._refresh_error = None
            self.marker = message.marker
            self.views = {v.id: v for v in loaded.views}
            self.order = [v.id for v in loaded.views]
            self.counts = loaded.counts
            self.profiles = loaded.profiles
            self.running = loaded.running
            self.apply_filter()
            self.daemon_bar.show_missed(self.counts.get("missed", 0))
            for run in loaded.finished:
                self.tell_finished(run)
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        delay = max(self.backend.refresh_seconds, SLOW_REFRESH_FACTOR * message.seconds)
        self._refresh_timer = self.set_timer(delay, self.request_refresh)
        self.refresher.done()

    def tell_finished(self, run: RunView) -> None:
        """A toast for a run that ended while this window watched it; L opens that schedule's history."""
        self.last_finished = run.schedule_id
        failed = run.status == "failed"
        self.notify(
            finished_text(run),
            title="Run finished",
            severity="error" if failed else "information",
            markup=False,
            timeout=12,
        )

    def _row(self, schedule_id: int) -> ScheduleRow:
        """The row of a schedule, the same object as last time when nothing it shows changed."""
        view, progress = self.views[schedule_id], self.running.get(schedule_id)
        row = self.rows.get(schedule_id)
        if row is None or row.view is not view or row.progress != progress:
            row = self.rows[schedule_id] = ScheduleRow(view, progress)
        return row

    def _matches(self, schedule_id: int, needle: str) -> bool:
        view = self.views[schedule_id]
        cached = self.haystacks.get(schedule_id)
        if cached is None or cached[0] is not view:
            cached = self.haystacks[schedule_id] = (view, search_text(view))
        return needle in cached[1]

    def apply_filter(self) -> None:
        active = self.chips.active
        needle = self.search.casefold().strip()
        rows = [
            (row_key(i), self._row(i))
            for i in self.order
            if (not active or self.views[i].status in active) and (not needle or self._matches(i, needle))
        ]
        self.table.empty_text = (
            f"No schedule matches “{self.search}”." if needle else "No schedules here. Press n to plan one."
        )
        self.table.set_rows(rows)
        self.chips.show_counts(self.counts, len(rows), len(self.order), self.search)
        self.query_one(ScheduleDetail).show(self.current())

    def patch(self, view: ScheduleView) -> None:
        if view.id not in self.views:
            self.order.append(view.id)
        self.views[view.id] = view
        self.apply_filter()

    def forget(self, schedule_id: int) -> None:
        self.views.pop(schedule_id, None)
        self.order = [i for i in self.order if i != schedule_id]
        self.apply_filter()

    # --- the highlighted schedule -----------------------------------------------------------------

    def current(self) -> ScheduleView | None:
        key = self.table.cursor_key
        return self.views.get(int(key)) if key is not None else None

    def current_progress(self) -> RunProgress | None:
        view = self.current()
        return self.running.get(view.id) if view is not None else None

    def move_to(self, schedule_id: int) -> None:
        self.table.move_to_key(row_key(schedule_id))

    def on_keyed_table_row_highlighted(self, message: KeyedTable.RowHighlighted) -> None:
        self.query_one(ScheduleDetail).show(self.current())

    # --- search -----------------------------------------------------------------------------------

    def action_search(self) -> None:
        bar = self.query_one(SearchBar)
        bar.display = True
        bar.focus()

    def on_search_bar_typed(self, message: SearchBar.Typed) -> None:
        self.search = message.text
        self.apply_filter()

    def on_search_bar_done(self, message: SearchBar.Done) -> None:
        bar = self.query_one(SearchBar)
        bar.display = bool(bar.value)
        self.table.focus()

    def on_keyed_table_cell_clicked(self, message: KeyedTable.CellClicked) -> None:
        if message.column == ACTIONS_COLUMN or message.double:
            self.action_row_menu()

    # --- filter and refresh keys ------------------------------------------------------------------

    def action_toggle_chip(self, status: str) -> None:
        self.chips.toggle(status)

    def on_filter_chips_changed(self, _message: FilterChips.Changed) -> None:
        self.apply_filter()

    def action_refresh(self) -> None:
        self.request_refresh(force=True)
        self.daemon_bar.read_status()

    def action_last_run_history(self) -> None:
        """The history of the schedule whose run ended last (the toast names the key)."""
        from amx_tui.screens.history import HistoryScreen

        if self.last_finished is None:
            self.notify("No run has ended since this window opened.")
            return
        view = self.views.get(self.last_finished)
        self.app.push_screen(HistoryScreen(self.last_finished, view.name if view is not None else None))

    # --- missed runs ------------------------------------------------------------------------------

    def action_show_missed(self) -> None:
        missed = [self.views[i] for i in self.order if self.views[i].status == "missed"]
        if not missed:
            self.notify("Nothing is missed.")
            return
        self.open_missed(missed)

    def open_missed(self, missed: Sequence[ScheduleView]) -> None:
        self.app.push_screen(MissedDialog(missed, self.backend, self.store), self._missed_closed)

    def _missed_closed(self, decisions: dict[int, str] | None) -> None:
        if decisions:
            self.notify(decisions_text(decisions))
        self.request_refresh()

    # --- the daemon header ------------------------------------------------------------------------

    def action_install_daemon(self) -> None:
        body = INSTALL_BODY + (REINSTALL_NOTE if self.daemon_bar.installed else ".")
        self.app.push_screen(ConfirmDialog("Install the daemon?", body, "Install"), self._install_answer)

    def _install_answer(self, yes: bool | None) -> None:
        if yes:
            self.daemon_bar.install()

    def action_uninstall_daemon(self) -> None:
        question = ConfirmDialog("Uninstall the daemon?", UNINSTALL_BODY, "Uninstall", danger=True)
        self.app.push_screen(question, self._uninstall_answer)

    def _uninstall_answer(self, yes: bool | None) -> None:
        if yes:
            self.daemon_bar.uninstall()

    def action_daemon_status(self) -> None:
        self.daemon_bar.tell_status()

    def on_daemon_bar_tick_finished(self, _message: DaemonBar.TickFinished) -> None:
        self.request_refresh()
