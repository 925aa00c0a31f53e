"""The schedule list screen: daemon header, filter chips, the keyed table, row actions and the in-app tick.

Store and OS work runs in thread workers; a refresh never overlaps another (a request made while one
runs is queued behind it) and the table is diffed by schedule id, so the cursor stays on its schedule.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from amx_core.services import schedules as core
from amx_tui.backend import TickPass
from amx_tui.commands import VerbCommands
from amx_tui.formatting import fire_time_text
from amx_tui.screens.action_menu import ActionMenu
from amx_tui.screens.confirm import ConfirmDialog
from amx_tui.screens.missed import MissedDialog
from amx_tui.screens.schedule_dialog import ScheduleDialog
from amx_tui.verbs import VERBS, verb_bindings
from amx_tui.widgets.daemon_bar import DaemonBar, InAppTick
from amx_tui.widgets.filter_chips import FilterChips
from amx_tui.widgets.keyed_table import KeyedTable
from amx_tui.widgets.quiet_footer import QuietFooter
from amx_tui.widgets.schedule_detail import ScheduleDetail
from amx_tui.widgets.schedule_table import ACTIONS_COLUMN, ScheduleTable, row_key
from amx_tui.workers import deliver, first_line

SLOW_REFRESH_FACTOR = 5.0  # a refresh that took d seconds waits at least 5*d before the next one


# verb -> (call(backend, store, schedule id, now), past-tense words for the notification)
VERB_CALLS: dict[str, tuple[Callable[..., Any], str]] = {
    "pause": (lambda _backend, store, i, now: core.pause_schedule(store, i, now=now), "Paused"),
    "resume": (lambda _backend, store, i, now: core.resume_schedule(store, i, now=now), "Resumed"),
    "skip": (lambda _backend, store, i, now: core.skip_schedule(store, i, now=now), "Skipped the missed run of"),
    "delete": (lambda _backend, store, i, _now: core.delete_schedule(store, i), "Deleted"),
    "run_now": (lambda backend, store, i, _now: backend.run_now(store, i), "Started"),
}
# daemon call -> (backend attribute, notification title on success, title on failure)
DAEMON_CALLS = {
    "status": ("daemon_status", None, "Daemon status"),
    "install": ("install_daemon", "Daemon installed", "Install failed"),
    "uninstall": ("uninstall_daemon", "Daemon uninstalled; schedules stay queued", "Uninstall failed"),
}


class MainScreen(Screen):
    """Everything about the schedule list; the app owns the backend and the store."""

    COMMANDS = {VerbCommands}
    VERBS = VERBS
    BINDINGS = [
        *verb_bindings(),
        Binding(
            "q", "app.quit", "Quit", tooltip="Leave AMX Schedules (schedules still fire when the daemon is loaded)"
        ),
    ]

    class Refreshed(Message):
        def __init__(
            self, views: list | None, counts: dict | None, profiles: tuple | None, error: str | None, seconds: float
        ) -> None:
            super().__init__()
            self.views = views
            self.counts = counts
            self.profiles = profiles
            self.error = error
            self.seconds = seconds

    class DaemonRead(Message):
        def __init__(self, what: str, status: Any, error: str | None) -> None:
            super().__init__()
            self.what = what
            self.status = status
            self.error = error

    class VerbDone(Message):
        def __init__(self, verb: str, schedule_id: int, name: str, result: Any, error: str | None) -> None:
            super().__init__()
            self.verb = verb
            self.schedule_id = schedule_id
            self.name = name
            self.result = result
            self.error = error

    class TickDone(Message):
        def __init__(self, result: TickPass) -> None:
            super().__init__()
            self.result = result

    class StartupDone(Message):
        def __init__(self, summary: Any, error: str | None) -> None:
            super().__init__()
            self.summary = summary
            self.error = error

    def __init__(self) -> None:
        super().__init__(id="main")
        self.views: dict[int, Any] = {}
        self.order: list[int] = []
        self.counts: dict[str, int] = {}
        self.profiles: tuple | None = None  # (DB profiles, LLM profiles), read with the list
        self.daemon: Any = None
        self.tick = InAppTick()
        self.ready = False
        self.refreshes = 0
        self._refreshing = False
        self._refresh_again = False
        self._refresh_timer = None
        self._refresh_error: str | None = None  # notified once, not on every failing refresh
        self._daemon_note: str | None = None

    @property
    def backend(self):
        return self.app.backend

    def store(self):
        return self.app.get_store()

    # --- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DaemonBar(id="daemon-bar")
        yield FilterChips(id="chips")
        yield ScheduleTable(id="schedules")
        yield ScheduleDetail(id="detail")
        yield QuietFooter()

    @property
    def table(self) -> ScheduleTable:
        return self.query_one("#schedules", ScheduleTable)

    @property
    def chips(self) -> FilterChips:
        return self.query_one("#chips", FilterChips)

    def on_mount(self) -> None:
        self.table.focus()
        self.query_one(ScheduleDetail).show(None)
        self.query_one(DaemonBar).show(None, self.tick, self.backend.clock(), "Opening the store…")
        self._startup()

    # --- startup ----------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="startup", exit_on_error=False)
    def _startup(self) -> None:
        """Open (and migrate) the store, make the demo workspace when asked or none exists, read what was missed."""
        try:
            store = self.store()
            if self.backend.ensure_demo or not _has_profiles(store):
                from amx_core.demo.workspace import ensure_demo_workspace

                ensure_demo_workspace(store, now=self.backend.clock())
            summary = self.backend.startup_report(store, self.backend.clock())
        except Exception as exc:  # noqa: BLE001 - shown in the header; the app stays up
            deliver(self, self.StartupDone(None, _message(exc)))
            return
        deliver(self, self.StartupDone(summary, None))

    def on_main_screen_startup_done(self, message: MainScreen.StartupDone) -> None:
        self.ready = True
        if message.error is not None:
            self.notify(message.error, title="Cannot open the store", severity="error", markup=False, timeout=30)
        self.request_refresh()
        self.read_daemon()
        self.set_interval(self.backend.daemon_seconds, self.read_daemon)
        self.set_interval(self.backend.tick_seconds, self.maybe_tick)
        summary = message.summary
        if summary is not None and summary.recovered:
            count = len(summary.recovered)
            self.notify(f"{count} run(s) whose runner had stopped were marked failed.", title="Recovered", markup=False)
        if summary is not None and summary.missed:
            self.open_missed(list(summary.missed))

    # --- refresh ----------------------------------------------------------------------------------

    def request_refresh(self) -> None:
        """Refresh now, or right after the refresh in flight (never two at once)."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self._refresh()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh(self) -> None:
        from amx_core.services.profiles import list_db_profiles, list_llm_profiles

        started = time.perf_counter()
        try:
            store = self.store()
            views = core.list_schedules(store, kinds=("analyze",))
            counts = core.status_counts(store, kinds=("analyze",))
            profiles = (list_db_profiles(store), list_llm_profiles(store))
        except Exception as exc:  # noqa: BLE001 - the list keeps its last state, the error is shown
            deliver(self, self.Refreshed(None, None, None, _message(exc), time.perf_counter() - started))
            return
        deliver(self, self.Refreshed(views, counts, profiles, None, time.perf_counter() - started))

    def on_main_screen_refreshed(self, message: MainScreen.Refreshed) -> None:
        self._refreshing = False
        self.refreshes += 1
        if message.error is not None:
            if message.error != self._refresh_error:
                self.notify(message.error, title="Refresh failed", severity="error", markup=False)
            self._refresh_error = message.error
        else:
            self._refresh_error = None
            self.views = {v.id: v for v in message.views}
            self.order = [v.id for v in message.views]
            self.counts = message.counts
            self.profiles = message.profiles
            self.apply_filter()
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
        delay = max(self.backend.refresh_seconds, SLOW_REFRESH_FACTOR * message.seconds)
        self._refresh_timer = self.set_timer(delay, self.request_refresh)
        if self._refresh_again:
            self._refresh_again = False
            self.request_refresh()

    def apply_filter(self) -> None:
        active = self.chips.active
        rows = [(row_key(i), self.views[i]) for i in self.order if not active or self.views[i].status in active]
        self.table.set_rows(rows)
        self.chips.show_counts(self.counts, len(rows), len(self.order))
        self.query_one(ScheduleDetail).show(self.current())

    def patch(self, view: Any) -> None:
        """Show a schedule the core just returned before the next refresh confirms it."""
        if view.id not in self.views:
            self.order.append(view.id)
        self.views[view.id] = view
        self.apply_filter()

    def forget(self, schedule_id: int) -> None:
        self.views.pop(schedule_id, None)
        self.order = [i for i in self.order if i != schedule_id]
        self.apply_filter()

    # --- the highlighted schedule -----------------------------------------------------------------

    def current(self) -> Any | None:
        key = self.table.cursor_key
        return self.views.get(int(key)) if key is not None else None

    def on_keyed_table_row_highlighted(self, message: KeyedTable.RowHighlighted) -> None:
        self.query_one(ScheduleDetail).show(self.current())

    def on_keyed_table_cell_clicked(self, message: KeyedTable.CellClicked) -> None:
        if message.column == ACTIONS_COLUMN or message.double:
            self.action_row_menu()

    def _need_current(self) -> Any | None:
        view = self.current()
        if view is None:
            self.notify("No schedule is highlighted.", severity="warning")
        return view

    # --- actions ----------------------------------------------------------------------------------

    def action_toggle_chip(self, status: str) -> None:
        self.chips.toggle(status)

    def on_filter_chips_changed(self, _message: FilterChips.Changed) -> None:
        self.apply_filter()

    def action_refresh(self) -> None:
        self.request_refresh()
        self.read_daemon()

    def action_new_schedule(self) -> None:
        self.app.push_screen(ScheduleDialog(self.backend, self.store, profiles=self.profiles), self._dialog_closed)

    def action_edit_schedule(self) -> None:
        view = self._need_current()
        if view is not None:
            self.edit(view)

    def edit(self, view: Any) -> None:
        self.app.push_screen(ScheduleDialog(self.backend, self.store, view, self.profiles), self._dialog_closed)

    def _dialog_closed(self, view: Any) -> None:
        if view is None:
            return
        self.patch(view)
        self.table.move_to_key(row_key(view.id))
        self.notify(f"Saved “{view.name}”: {view.status.capitalize()}, {fire_time_text(view)}.", markup=False)
        self.request_refresh()

    def action_toggle_pause(self) -> None:
        view = self._need_current()
        if view is not None:
            self.run_verb("resume" if view.status == "paused" else "pause", view)

    def action_verb(self, verb: str) -> None:
        """`pause`, `resume`, `skip` or `run_now` on the highlighted schedule (keys and palette)."""
        view = self._need_current()
        if view is not None:
            self.run_verb(verb, view)

    def action_delete_schedule(self) -> None:
        view = self._need_current()
        if view is None:
            return
        question = ConfirmDialog(
            "Delete schedule?",
            f"“{view.name}” will be removed. Its runs and suggestions stay in the history.",
            "Delete",
            danger=True,
        )
        self.app.push_screen(question, lambda yes: self.run_verb("delete", view) if yes else None)

    def action_history(self) -> None:
        """The run history of the highlighted schedule (runs and missed occurrences)."""
        from amx_tui.screens.history import HistoryScreen

        view = self._need_current()
        if view is not None:
            self.app.push_screen(HistoryScreen(view.id, view.name))

    def action_row_menu(self) -> None:
        view = self._need_current()
        if view is None:
            return
        chosen = {
            "edit": lambda: self.edit(view),
            "pause": lambda: self.run_verb("pause", view),
            "resume": lambda: self.run_verb("resume", view),
            "run_now": lambda: self.run_verb("run_now", view),
            "skip": lambda: self.run_verb("skip", view),
            "delete": self.action_delete_schedule,
        }
        self.app.push_screen(ActionMenu(view.name, view.status), lambda action: chosen[action]() if action else None)

    def run_verb(self, verb: str, view: Any) -> None:
        self.run_worker(
            partial(self._verb_worker, verb, view.id, view.name),
            thread=True,
            group=f"verb-{view.id}",
            exit_on_error=False,
            description=f"{verb} {view.id}",
        )

    def _verb_worker(self, verb: str, schedule_id: int, name: str) -> None:
        try:
            call = VERB_CALLS[verb][0]
            result = call(self.backend, self.store(), schedule_id, self.backend.clock())
        except Exception as exc:  # noqa: BLE001 - refusals (AmxError) and failures alike are shown
            deliver(self, self.VerbDone(verb, schedule_id, name, None, _message(exc)))
            return
        deliver(self, self.VerbDone(verb, schedule_id, name, result, None))

    def on_main_screen_verb_done(self, message: MainScreen.VerbDone) -> None:
        if message.error is not None:
            self.notify(message.error, title=f"“{message.name}”", severity="error", markup=False, timeout=8)
            return
        if message.verb == "delete":
            self.forget(message.schedule_id)
            self.notify(f"Deleted “{message.name}”. Its runs stay in the history.", markup=False)
        elif message.verb == "run_now":
            run_id = getattr(message.result, "run_id", None) or getattr(message.result, "id", None)
            which = f" (run #{run_id})" if run_id else ""
            self.notify(f"Started “{message.name}”{which} in the background.", markup=False)
        else:
            self.patch(message.result)
            self.notify(f"{VERB_CALLS[message.verb][1]} “{message.name}”.", markup=False)
        self.request_refresh()

    # --- missed runs --------------------------------------------------------------------------------

    def action_show_missed(self) -> None:
        missed = [self.views[i] for i in self.order if self.views[i].status == "missed"]
        if not missed:
            self.notify("Nothing is missed.")
            return
        self.open_missed(missed)

    def open_missed(self, missed: list) -> None:
        self.app.push_screen(MissedDialog(missed, self._decide_missed), self._missed_closed)

    def _decide_missed(self, schedule_id: int, outcome: str) -> Any:
        """Thread (called by the dialog's workers): run now, or skip the missed occurrence."""
        call = VERB_CALLS[{"run": "run_now", "skip": "skip"}[outcome]][0]
        return call(self.backend, self.store(), schedule_id, self.backend.clock())

    def _missed_closed(self, decisions: dict[int, str] | None) -> None:
        if decisions:
            runs = sum(1 for d in decisions.values() if d == "run")
            self.notify(f"Missed runs: {runs} started, {len(decisions) - runs} skipped.")
        self.request_refresh()

    # --- daemon -------------------------------------------------------------------------------------

    def read_daemon(self) -> None:
        self._daemon_call("status")

    @work(thread=True, exclusive=True, group="daemon", exit_on_error=False)
    def _daemon_call(self, what: str) -> None:
        call = getattr(self.backend, DAEMON_CALLS[what][0])
        try:
            status = call(self.store(), self.backend.clock())
        except Exception as exc:  # noqa: BLE001 - ActionError from the OS hook, or anything else
            deliver(self, self.DaemonRead(what, None, _message(exc)))
            return
        deliver(self, self.DaemonRead(what, status, None))

    def on_main_screen_daemon_read(self, message: MainScreen.DaemonRead) -> None:
        """Show a status; after install/uninstall also say how it went, in the header and as a notification."""
        _, done_title, failed_title = DAEMON_CALLS[message.what]
        acted = done_title is not None
        if message.error is not None:
            self._daemon_note = f"{failed_title}: {message.error}"
            if acted:
                self.notify(message.error, title=failed_title, severity="error", markup=False, timeout=15)
        else:
            self.daemon = message.status
            if acted:
                status = message.status
                where = f" · {status.unit_path}" if status.unit_path else ""
                state = status.state.replace("_", " ")
                self._daemon_note = f"{done_title}: now {state} ({status.mechanism or 'no hook'}){where}"
                self.notify(
                    "\n".join((self._daemon_note, *status.warnings)), title=done_title, markup=False, timeout=12
                )
            elif self._daemon_note and self._daemon_note.startswith(failed_title):
                self._daemon_note = None
        self.tick = InAppTick(self._tick_wanted(), self.tick.running, self.tick.last)
        self.show_daemon()
        if self.tick.active and self.tick.last is None and not self.tick.running:
            self.maybe_tick()

    def _tick_wanted(self) -> bool:
        return self.backend.in_app_tick and (self.daemon is None or self.daemon.state != "loaded")

    def show_daemon(self) -> None:
        self.query_one(DaemonBar).show(self.daemon, self.tick, self.backend.clock(), self._daemon_note)

    def action_install_daemon(self) -> None:
        installed = self.daemon is not None and self.daemon.installed
        body = "Write the per-user OS hook that runs amx-tick every minute with this interpreter and AMX_HOME" + (
            " (reinstalling repairs a hook the OS does not know)." if installed else "."
        )
        self.app.push_screen(ConfirmDialog("Install the daemon?", body, "Install"), self._install_answer)

    def _install_answer(self, yes: bool) -> None:
        if yes:
            self._daemon_note = "Installing the daemon…"
            self.show_daemon()
            self._daemon_call("install")

    def action_uninstall_daemon(self) -> None:
        body = "Remove the OS hook. Schedules stay queued; while this window is open it runs the tick itself."
        self.app.push_screen(
            ConfirmDialog("Uninstall the daemon?", body, "Uninstall", danger=True), self._uninstall_answer
        )

    def _uninstall_answer(self, yes: bool) -> None:
        if yes:
            self._daemon_note = "Uninstalling the daemon…"
            self.show_daemon()
            self._daemon_call("uninstall")

    def action_daemon_status(self) -> None:
        status = self.daemon
        if status is None:
            self.notify("The daemon status has not been read yet.")
            return
        lines = [
            f"state: {status.state.replace('_', ' ')} ({status.mechanism or 'no hook'}, {status.platform})",
            f"unit: {status.unit_path or '—'}",
            f"log: {status.log_path}",
            f"last tick: {status.last_tick_at or 'never'}",
            *status.warnings,
        ]
        self.notify("\n".join(lines), title="Daemon status", markup=False, timeout=15)

    # --- in-app tick --------------------------------------------------------------------------------

    def maybe_tick(self) -> None:
        if not self.ready or not self.tick.active or self.tick.running:
            return
        self.tick = InAppTick(True, True, self.tick.last)
        self.show_daemon()
        self._tick()

    @work(thread=True, exclusive=True, group="tick", exit_on_error=False)
    def _tick(self) -> None:
        try:
            result = self.backend.run_tick()
        except Exception as exc:  # noqa: BLE001 - a failed pass is reported, the next minute tries again
            result = TickPass(False, self.backend.clock(), _message(exc))
        deliver(self, self.TickDone(result))

    def on_main_screen_tick_done(self, message: MainScreen.TickDone) -> None:
        self.tick = InAppTick(self._tick_wanted(), False, message.result)
        self.show_daemon()
        self.request_refresh()


def _has_profiles(store) -> bool:
    from amx_core.services.profiles import list_db_profiles

    return bool(list_db_profiles(store))


def _message(exc: Exception) -> str:
    return first_line(exc)
