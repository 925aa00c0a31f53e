"""Run history: a schedule's runs (or every run) and its missed occurrences, newest first, the highlighted run in full.

While a run is running, its counts, heartbeat and log follow it: the screen polls the store every
`Backend.live_seconds` in a thread worker (never two polls at once), only while it is shown.
"""

from __future__ import annotations

import time
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from amx_core.services import history as core
from amx_core.services.history import HistoryEntry, MissedView, ScheduleHistory
from amx_core.services.runs import RunView, cancel_run, get_run
from amx_tui.formatting import (
    ago,
    count_text,
    duration_text,
    local_moment,
    run_status_word,
    seconds_between,
)
from amx_tui.screens.verb_screen import VerbScreen
from amx_tui.verbs import HISTORY_VERBS
from amx_tui.widgets.history_table import HistoryTable, run_duration
from amx_tui.widgets.keyed_table import KeyedTable
from amx_tui.widgets.quiet_footer import QuietFooter
from amx_tui.workers import Serial, deliver, first_line

HISTORY_LIMIT = 200
MISSED_ACTIONS = {
    "ask": "waits for you (run it now or skip it from the schedule list)",
    "run": "run at once (missed policy run)",
    "skip": "skipped (missed policy skip)",
}

GUIDE = """
## Run history
Each **run** is one firing: its reason (`time`, `change`, `run-now`, `catch-up`, `retry`), status, start,
duration, tables done, columns described / applied (written) / queued (for review) / failed, and tokens.
Each **missed** line is an occurrence that passed with nothing running it, with why and what was done about it.
A running run updates by itself (counts, heartbeat and log) while this screen is open.
`enter` on a run opens the review queue of its suggestions; `c` on a running run asks it to stop at its next
table or request (it ends `cancelled`, its suggestions so far stay, the schedule returns to its status before).
"""


def run_facts(run: RunView, now: datetime, zone: str) -> Text:
    """The highlighted run in full, as plain text (its error and names are never markup)."""
    text = Text()
    text.append(f"Run #{run.id}", "bold")
    who = f"“{run.schedule_name}” (#{run.schedule_id})" if run.schedule_id else "ad hoc"
    text.append(f" · {who} · {run.reason} · attempt {run.attempt} · ")
    text.append(run_status_word(run.status), "bold")
    took = duration_text(run_duration(run, now))
    ended = f" · ended {local_moment(run.ended_at, zone, seconds=True)[11:]}" if run.ended_at else ""
    running = "running for" if run.status == "running" else "took"
    text.append(f"\nStarted {local_moment(run.started_at, zone, seconds=True)}{ended} · {running} {took}")
    beat = ago(seconds_between(run.heartbeat_at, now))
    text.append(f"\nHeartbeat {beat}" + (f" · {run.host} pid {run.pid}" if run.host else ""))
    if run.retry_at is not None:
        text.append(f" · retry at {local_moment(run.retry_at, zone)}")
    text.append(
        f"\nTables {run.tables_done} of {run.tables_planned} done · tokens {count_text(run.tokens_in)} in / "
        f"{count_text(run.tokens_out)} out"
    )
    text.append(
        f"\nColumns {run.columns_planned} planned · {run.columns_described} described · "
        f"{run.columns_applied} applied · {run.columns_queued} queued · {run.columns_failed} failed"
    )
    if run.error:
        text.append("\nError: ", "bold red")
        text.append(run.error, "red")
    return text


def missed_facts(missed: MissedView, zone: str) -> Text:
    text = Text()
    text.append("Missed occurrence", "bold")
    who = f"“{missed.schedule_name}”" if missed.schedule_name else "a deleted schedule"
    text.append(f" of {who} (#{missed.schedule_id})")
    text.append(f"\nDue {local_moment(missed.slot_utc, zone)} · noticed {local_moment(missed.detected_at, zone)}")
    text.append(f"\nWhy: {missed.reason}")
    text.append(f"\nAction: {missed.action}: {MISSED_ACTIONS.get(missed.action, '')}")
    return text


class HistoryScreen(VerbScreen):
    """`HistoryScreen(schedule_id, name)` for one schedule, `HistoryScreen()` for every run."""

    VERBS = HISTORY_VERBS
    GUIDE = GUIDE
    HELP_TITLE = "Run history"

    class Loaded(Message):
        def __init__(
            self, history: ScheduleHistory | None, run: RunView | None, error: str | None, seconds: float
        ) -> None:
            super().__init__()
            self.history = history
            self.run = run
            self.error = error
            self.seconds = seconds

    class RunRead(Message):
        def __init__(self, run: RunView) -> None:
            super().__init__()
            self.run = run

    class Reverted(Message):
        def __init__(self, run_id: int, results: list | None, error: str | None) -> None:
            super().__init__()
            self.run_id = run_id
            self.results = results
            self.error = error

    class CancelAsked(Message):
        def __init__(self, run_id: int, error: str | None) -> None:
            super().__init__()
            self.run_id = run_id
            self.error = error

    def __init__(self, schedule_id: int | None = None, schedule_name: str | None = None) -> None:
        super().__init__(id="history-screen")
        self.schedule_id = schedule_id
        self.schedule_name = schedule_name
        self.entries: dict[str, HistoryEntry] = {}
        self.runs: dict[int, RunView] = {}  # full run views (with log lines), by id
        self.history: ScheduleHistory | None = None
        self.loads = 0
        self.loader = Serial(self._start_load)
        self._last_load = 0.0
        self._live_timer: Timer | None = None
        self._error: str | None = None
        self._log_key: tuple[int, int, datetime | None] | None = None

    # --- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        zone = self.backend.local_zone()
        yield Static(Text(self._title()), id="history-title", classes="screen-title")
        yield HistoryTable(self.backend.clock, zone, with_schedule=self.schedule_id is None, id="history")
        with Horizontal(id="history-detail"):
            yield Static("", id="run-facts")
            with VerticalScroll(id="run-log"):
                yield Static("", id="run-log-text")
        yield QuietFooter()

    def _title(self, history: ScheduleHistory | None = None) -> str:
        what = (
            f"History of “{self.schedule_name or f'schedule #{self.schedule_id}'}”"
            if self.schedule_id
            else "History of all runs"
        )
        if history is None:
            return f"{what} · loading…"
        runs, missed, running = len(history.runs), len(history.missed), len(history.running)
        live = f" · {running} running (live)" if running else ""
        return f"{what} · {runs} run{'s' if runs != 1 else ''}, {missed} missed{live} · times in {self.table.zone}"

    @property
    def table(self) -> HistoryTable:
        return self.query_one("#history", HistoryTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.show_detail()
        self.request_load()
        self._live_timer = self.set_interval(self.backend.live_seconds, self.poll)

    def on_screen_suspend(self) -> None:
        if self._live_timer is not None:
            self._live_timer.pause()

    def on_screen_resume(self) -> None:
        """Back on top (after a review, a dialog, help): follow again, and catch up at once."""
        if self._live_timer is not None:
            self._live_timer.resume()
        if self.loads:
            self.request_load()

    # --- loading ----------------------------------------------------------------------------------

    def poll(self) -> None:
        """Timer: reload while something runs (live progress), else only every `refresh_seconds`."""
        running = self.history is not None and self.history.running
        due = time.monotonic() - self._last_load >= self.backend.refresh_seconds
        if running or due:
            self.request_load()

    def request_load(self) -> None:
        """Load now, or right after the load in flight (never two at once)."""
        self.loader.request()

    def _start_load(self) -> None:
        self._load(self._current_run_id())

    @work(thread=True, exclusive=True, group="history-load", exit_on_error=False)
    def _load(self, run_id: int | None) -> None:
        started = time.perf_counter()
        try:
            store = self.store()
            history = core.schedule_history(store, self.schedule_id, limit=HISTORY_LIMIT)
            run = get_run(store, run_id) if run_id is not None else None
        except Exception as exc:  # noqa: BLE001 - the screen keeps its last state and says why
            deliver(self, self.Loaded(None, None, first_line(exc), time.perf_counter() - started))
            return
        deliver(self, self.Loaded(history, run, None, time.perf_counter() - started))

    def on_history_screen_loaded(self, message: HistoryScreen.Loaded) -> None:
        message.stop()
        self._last_load = time.monotonic()
        self.loads += 1
        history = message.history
        if history is None:
            if message.error != self._error:
                self.notify(message.error or "", title="History", severity="error", markup=False)
            self._error = message.error
        else:
            self._error = None
            self.history = history
            if self.schedule_name is None and history.schedule_name:
                self.schedule_name = history.schedule_name
            if message.run is not None:
                self.runs[message.run.id] = message.run
            self.entries = {e.key: e for e in history.entries}
            self.table.set_rows([(e.key, e) for e in history.entries])
            self.query_one("#history-title", Static).update(Text(self._title(history)))
            self.show_detail()
        self.loader.done()

    # --- the highlighted entry --------------------------------------------------------------------

    def current(self) -> HistoryEntry | None:
        key = self.table.cursor_key
        return self.entries.get(key) if key is not None else None

    def _current_run_id(self) -> int | None:
        entry = self.current()
        return entry.run.id if entry is not None and entry.run is not None else None

    def on_keyed_table_row_highlighted(self, message: KeyedTable.RowHighlighted) -> None:
        message.stop()
        self.show_detail()
        entry = self.current()
        if entry is not None and entry.run is not None:
            full = self.runs.get(entry.run.id)
            if full is None or full.heartbeat_at != entry.run.heartbeat_at or full.status != entry.run.status:
                self._read_run(entry.run.id)

    @work(thread=True, exclusive=True, group="history-run", exit_on_error=False)
    def _read_run(self, run_id: int) -> None:
        try:
            run = get_run(self.store(), run_id)
        except Exception:  # noqa: BLE001 - the list line stays; the next load tries again
            return
        deliver(self, self.RunRead(run))

    def on_history_screen_run_read(self, message: HistoryScreen.RunRead) -> None:
        message.stop()
        self.runs[message.run.id] = message.run
        self.show_detail()

    def show_detail(self) -> None:
        facts = self.query_one("#run-facts", Static)
        entry = self.current()
        zone = self.table.zone
        if entry is None:
            facts.update(Text("Runs and missed occurrences appear here once there are any.", style="dim"))
            self._show_log(None)
        elif entry.run is not None:
            facts.update(run_facts(entry.run, self.backend.clock(), zone))
            self._show_log(self.runs.get(entry.run.id), entry.run.status == "running")
        elif entry.missed is not None:
            facts.update(missed_facts(entry.missed, zone))
            self._show_log(None)

    def _show_log(self, run: RunView | None, follow: bool = False) -> None:
        key = None if run is None else (run.id, len(run.log_lines), run.heartbeat_at)
        if key == self._log_key:
            return
        self._log_key = key
        log = self.query_one("#run-log-text", Static)
        pane = self.query_one("#run-log", VerticalScroll)
        if run is None:
            log.update(Text("Log: shown for a run.", style="dim"))
            return
        text = Text(f"Log of run #{run.id} ({len(run.log_lines)} lines)\n", style="bold")
        text.append("\n".join(run.log_lines) if run.log_lines else "(nothing logged yet)")
        log.update(text)
        if follow:
            pane.scroll_end(animate=False)

    # --- actions ----------------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.request_load()

    def action_review_run(self) -> None:
        from amx_tui.screens.review import ReviewScreen

        entry = self.current()
        if entry is None:
            self.notify("No run is highlighted.", severity="warning")
        elif entry.run is None:
            self.notify("A missed occurrence made no suggestions.", severity="warning")
        else:
            self.app.push_screen(ReviewScreen(run_id=entry.run.id, run_label=_run_label(entry.run)))

    def action_cancel_run(self) -> None:
        entry = self.current()
        if entry is None or entry.run is None or entry.run.status != "running":
            self.notify("Only a running run can be cancelled.", severity="warning")
            return
        self._cancel(entry.run.id)

    @work(thread=True, group="history-cancel", exit_on_error=False)
    def _cancel(self, run_id: int) -> None:
        try:
            cancel_run(self.store(), run_id, now=self.backend.clock())
        except Exception as exc:  # noqa: BLE001 - refusals (it ended meanwhile) are shown
            deliver(self, self.CancelAsked(run_id, first_line(exc)))
            return
        deliver(self, self.CancelAsked(run_id, None))

    def on_history_screen_cancel_asked(self, message: HistoryScreen.CancelAsked) -> None:
        message.stop()
        if message.error:
            self.notify(message.error, title=f"Run #{message.run_id}", severity="error", markup=False)
        else:
            self.notify(f"Asked run #{message.run_id} to stop: it ends at its next table or request.", markup=False)
        self.request_load()

    def action_revert_run(self) -> None:
        """Undo what the highlighted run wrote (`amx runs revert RUN`), after asking."""
        from amx_tui.screens.confirm import ConfirmDialog

        entry = self.current()
        if entry is None or entry.run is None or entry.run.status == "running":
            self.notify("Highlight a run that has ended to revert what it wrote.", severity="warning")
            return
        run_id = entry.run.id
        body = (
            f"Put back every description {_run_label(entry.run)} wrote over, or remove the ones it added. "
            "A target whose text changed since AMX wrote it is reported stale and left alone."
        )
        question = ConfirmDialog("Revert this run?", body, "Revert")

        def answered(yes: bool | None) -> None:
            if yes:
                self._revert(run_id)

        self.app.push_screen(question, answered)

    @work(thread=True, group="history-revert", exit_on_error=False)
    def _revert(self, run_id: int) -> None:
        from amx_core.services.review import revert_run

        try:
            results = revert_run(self.store(), run_id)
        except Exception as exc:  # noqa: BLE001 - e.g. the database cannot be reached
            deliver(self, self.Reverted(run_id, None, first_line(exc)))
            return
        deliver(self, self.Reverted(run_id, results, None))

    def on_history_screen_reverted(self, message: HistoryScreen.Reverted) -> None:
        from amx_tui.screens.apply_results import ApplyResultsDialog

        message.stop()
        if message.results is None:
            self.notify(message.error or "", title=f"Run #{message.run_id}", severity="error", markup=False)
        elif not message.results:
            self.notify(f"Run #{message.run_id} wrote nothing that is still applied.", markup=False)
        else:
            self.app.push_screen(ApplyResultsDialog(message.results))


def _run_label(run: RunView) -> str:
    return f"run #{run.id}" + (f" of “{run.schedule_name}”" if run.schedule_name else "")
