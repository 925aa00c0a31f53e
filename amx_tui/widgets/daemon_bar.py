"""The header and what it watches: the daemon badge (Not installed / Installed / Loaded), last tick, log facts,
Install/Uninstall, and the in-app tick this window runs while the daemon is not loaded.

The OS calls and the tick subprocess run in thread workers; a finished tick pass is posted as
`DaemonBar.TickFinished`, so the screen can read its list again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from amx_core.daemon import DaemonStatus
from amx_core.store import Store
from amx_tui.backend import Backend, DaemonCall, TickPass
from amx_tui.formatting import ago, daemon_badge, log_facts, seconds_between
from amx_tui.workers import deliver, first_line

FOLD_WIDTH = 120  # narrower (or shorter) terminals get a one-line header
FOLD_HEIGHT = 30

# daemon call -> (notification title when it worked, title when it failed); a status read notifies nothing
TITLES: dict[str, tuple[str | None, str]] = {
    "status": (None, "Daemon status"),
    "install": ("Daemon installed", "Install failed"),
    "uninstall": ("Daemon uninstalled; schedules stay queued", "Uninstall failed"),
}


@dataclass(frozen=True)
class InAppTick:
    """Whether this window runs the tick itself (daemon not loaded) and how its last pass went."""

    active: bool = False
    running: bool = False
    last: TickPass | None = None


def tick_note(tick: InAppTick, now: datetime) -> str:
    if not tick.active:
        return ""
    note = "Daemon not loaded: this window runs the tick every minute while it is open"
    if tick.running:
        return f"{note} · tick running…"
    if tick.last is None:
        return f"{note} · first pass soon"
    outcome = tick.last.message if tick.last.ok else f"failed: {tick.last.message}"
    return f"{note} · last pass {ago(seconds_between(tick.last.at, now))}: {outcome}"


def folded_tick_note(tick: InAppTick, now: datetime) -> str:
    """The in-app tick in a few words, for the one-line header."""
    if not tick.active:
        return ""
    if tick.running:
        return "in-app tick running…"
    if tick.last is None:
        return "in-app tick soon"
    outcome = "" if tick.last.ok else " failed"
    return f"in-app tick{outcome} {ago(seconds_between(tick.last.at, now))}"


def status_lines(status: DaemonStatus) -> list[str]:
    """The daemon's unit, log and last tick, for the `Daemon status` notification."""
    return [
        f"state: {status.state.replace('_', ' ')} ({status.mechanism or 'no hook'}, {status.platform})",
        f"unit: {status.unit_path or '—'}",
        f"log: {status.log_path}",
        f"last tick: {status.last_tick_at or 'never'}",
        *status.warnings,
    ]


class DaemonBar(Vertical):
    """Two lines: brand, badge and facts with the actions; then the in-app tick note and warnings. Folded (narrow
    or short terminals): one line with the badge, last tick, log size and age, and the tick and warnings in short.

    `start()` once the store is open: the status is read now and every `daemon_seconds`, and while the
    daemon is not loaded a tick pass runs right away and every `tick_seconds`.
    """

    class TickFinished(Message):
        """An in-app tick pass ended (it may have fired schedules)."""

        def __init__(self, result: TickPass) -> None:
            super().__init__()
            self.result = result

    class StatusRead(Message):
        """A daemon call ended: its status, or why it failed."""

        def __init__(self, what: str, status: DaemonStatus | None, error: str | None) -> None:
            super().__init__()
            self.what = what
            self.status = status
            self.error = error

    def __init__(self, backend: Backend, store: Callable[[], Store], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.backend = backend
        self.store = store
        self.status: DaemonStatus | None = None
        self.tick = InAppTick()
        self.note: str | None = None  # how the last install/uninstall went, under the badge
        self.started = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="daemon-line"):
            yield Static("AMX Schedules", id="brand", markup=False)
            yield Static("○ checking…", id="badge", classes="badge", markup=False)
            yield Static("", id="daemon-facts", markup=False)
            yield Button("", id="missed-runs", compact=True, action="screen.show_missed")
            yield Button(
                "Install daemon",
                id="install-daemon",
                classes="daemon-action",
                compact=True,
                action="screen.install_daemon",
            )
            yield Button(
                "Uninstall",
                id="uninstall-daemon",
                classes="daemon-action",
                compact=True,
                action="screen.uninstall_daemon",
            )
        yield Static("", id="daemon-note", markup=False)

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False
        self.query_one("#missed-runs", Button).display = False
        self.show(busy="Opening the store…")

    @property
    def folded(self) -> bool:
        return self.has_class("-folded")

    def on_resize(self) -> None:
        width, height = self.app.size
        folded = width < FOLD_WIDTH or height < FOLD_HEIGHT
        if folded != self.folded:
            self.set_class(folded, "-folded")
            self.show()

    def show_missed(self, count: int) -> None:
        """The header's count of Missed schedules; a click opens the Run now / Skip dialog."""
        button = self.query_one("#missed-runs", Button)
        button.label = f"! {count} missed"
        button.tooltip = "Missed schedules: run now or skip (m)"
        button.display = count > 0

    @property
    def installed(self) -> bool:
        return self.status is not None and self.status.installed

    def start(self) -> None:
        self.started = True
        self.read_status()
        self.set_interval(self.backend.daemon_seconds, self.read_status)
        self.set_interval(self.backend.tick_seconds, self.maybe_tick)

    # --- the daemon -----------------------------------------------------------------------------------

    def read_status(self) -> None:
        self._call("status", self.backend.daemon_status)

    def install(self) -> None:
        self.note = "Installing the daemon…"
        self.show()
        self._call("install", self.backend.install_daemon)

    def uninstall(self) -> None:
        self.note = "Uninstalling the daemon…"
        self.show()
        self._call("uninstall", self.backend.uninstall_daemon)

    def tell_status(self) -> None:
        if self.status is None:
            self.notify("The daemon status has not been read yet.")
            return
        self.notify("\n".join(status_lines(self.status)), title="Daemon status", markup=False, timeout=15)

    @work(thread=True, exclusive=True, group="daemon", exit_on_error=False)
    def _call(self, what: str, call: DaemonCall) -> None:
        try:
            status = call(self.store(), self.backend.clock())
        except Exception as exc:  # noqa: BLE001 - ActionError from the OS hook, or anything else
            deliver(self, self.StatusRead(what, None, first_line(exc)))
            return
        deliver(self, self.StatusRead(what, status, None))

    def on_daemon_bar_status_read(self, message: DaemonBar.StatusRead) -> None:
        """Show a status; after install/uninstall also say how it went, in the header and as a notification."""
        message.stop()
        done_title, failed_title = TITLES[message.what]
        if message.status is None:
            self.note = f"{failed_title}: {message.error}"
            if done_title is not None:
                self.notify(message.error or "", title=failed_title, severity="error", markup=False, timeout=15)
        else:
            status = self.status = message.status
            if done_title is not None:
                where = f" · {status.unit_path}" if status.unit_path else ""
                state = status.state.replace("_", " ")
                self.note = f"{done_title}: now {state} ({status.mechanism or 'no hook'}){where}"
                self.notify("\n".join((self.note, *status.warnings)), title=done_title, markup=False, timeout=12)
            elif self.note and self.note.startswith(failed_title):
                self.note = None
        self.tick = InAppTick(self._tick_wanted(), self.tick.running, self.tick.last)
        self.show()
        if self.tick.active and self.tick.last is None and not self.tick.running:
            self.maybe_tick()

    # --- the in-app tick --------------------------------------------------------------------------------

    def _tick_wanted(self) -> bool:
        return self.backend.in_app_tick and (self.status is None or self.status.state != "loaded")

    def maybe_tick(self) -> None:
        if not self.started or not self.tick.active or self.tick.running:
            return
        self.tick = InAppTick(True, True, self.tick.last)
        self.show()
        self._tick()

    @work(thread=True, exclusive=True, group="tick", exit_on_error=False)
    def _tick(self) -> None:
        try:
            result = self.backend.run_tick()
        except Exception as exc:  # noqa: BLE001 - a failed pass is reported, the next minute tries again
            result = TickPass(False, self.backend.clock(), first_line(exc))
        deliver(self, self.TickFinished(result))

    def on_daemon_bar_tick_finished(self, message: DaemonBar.TickFinished) -> None:
        """Record the pass; the message goes on to the screen, which reads its list again."""
        self.tick = InAppTick(self._tick_wanted(), False, message.result)
        self.show()

    # --- drawing ----------------------------------------------------------------------------------------

    def show(self, busy: str | None = None) -> None:
        """Draw the badge, facts and notes from what is known now (`busy` overrides the install note)."""
        busy = busy or self.note
        now = self.backend.clock()
        badge = self.query_one("#badge", Static)
        note = self.query_one("#daemon-note", Static)
        status = self.status
        if status is None:
            badge.update(Text("○ unknown", no_wrap=True))
            note.update(Text(busy or tick_note(self.tick, now)))
            note.display = not self.folded
            if self.folded:
                self.query_one("#daemon-facts", Static).update(Text(busy or "", no_wrap=True, overflow="ellipsis"))
            return
        badge.update(Text(daemon_badge(status.state), no_wrap=True))
        for state in ("loaded", "installed", "not_installed"):
            badge.set_class(status.state == state, f"-{state.replace('_', '-')}")
        if self.folded:
            parts = [
                f"tick {ago(status.last_tick_age_seconds)}",
                log_facts(status, now).replace("written ", ""),
                busy or folded_tick_note(self.tick, now),
                f"⚠ {len(status.warnings)} warning{'s' if len(status.warnings) != 1 else ''} (D)"
                if status.warnings
                else "",
            ]
            facts = " · ".join(part for part in parts if part)
        else:
            facts = f"last tick {ago(status.last_tick_age_seconds)} · {log_facts(status, now)}"
            if status.mechanism:
                facts += f" · {status.mechanism}"
        self.query_one("#daemon-facts", Static).update(Text(facts, no_wrap=True, overflow="ellipsis"))
        self.query_one("#install-daemon", Button).label = "Reinstall" if status.installed else "Install daemon"
        self.query_one("#uninstall-daemon", Button).display = bool(status.installed)
        lines = [line for line in (busy, tick_note(self.tick, now), *status.warnings) if line]
        note.update(Text("\n".join(lines)))
        note.set_class(bool(status.warnings), "-warning")
        note.display = bool(lines) and not self.folded
