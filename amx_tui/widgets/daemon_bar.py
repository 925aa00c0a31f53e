"""The header: the daemon badge (Not installed / Installed / Loaded), last tick, log facts, Install/Uninstall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from amx_tui.backend import TickPass
from amx_tui.formatting import ago, daemon_badge, log_facts, seconds_between


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


class DaemonBar(Vertical):
    """Two lines: brand, badge and facts with the actions; then the in-app tick note and warnings."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="daemon-line"):
            yield Static("AMX Schedules", id="brand", markup=False)
            yield Static("○ checking…", id="badge", classes="badge", markup=False)
            yield Static("", id="daemon-facts", markup=False)
            yield Button("Install daemon", id="install-daemon", compact=True, action="screen.install_daemon")
            yield Button("Uninstall", id="uninstall-daemon", compact=True, action="screen.uninstall_daemon")
        yield Static("", id="daemon-note", markup=False)

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False

    def show(self, status, tick: InAppTick, now: datetime, busy: str | None = None) -> None:
        badge = self.query_one("#badge", Static)
        note = self.query_one("#daemon-note", Static)
        if status is None:
            badge.update(Text("○ unknown", no_wrap=True))
            note.update(Text(busy or tick_note(tick, now)))
            return
        badge.update(Text(daemon_badge(status.state), no_wrap=True))
        for state in ("loaded", "installed", "not_installed"):
            badge.set_class(status.state == state, f"-{state.replace('_', '-')}")
        facts = f"last tick {ago(status.last_tick_age_seconds)} · {log_facts(status, now)}"
        if status.mechanism:
            facts += f" · {status.mechanism}"
        self.query_one("#daemon-facts", Static).update(Text(facts, no_wrap=True, overflow="ellipsis"))
        self.query_one("#install-daemon", Button).label = "Reinstall" if status.installed else "Install daemon"
        self.query_one("#uninstall-daemon", Button).display = bool(status.installed)
        lines = [line for line in (busy, tick_note(tick, now), *status.warnings) if line]
        note.update(Text("\n".join(lines)))
        note.set_class(bool(status.warnings), "-warning")
        note.display = bool(lines)
