"""Shared pieces of the TUI tests: a fixed clock, a fake daemon (no OS calls), a recording tick, and waiting helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from amx_core.daemon.status import DaemonStatus
from amx_tui.app import AmxApp
from amx_tui.backend import Backend, TickPass

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
SIZE = (150, 42)


@dataclass
class FakeDaemon:
    """Answers like amx_core.daemon but only flips a state; records every call."""

    state: str = "not_installed"
    calls: list[str] = field(default_factory=list)

    def _status(self) -> DaemonStatus:
        installed = self.state != "not_installed"
        return DaemonStatus(
            state=self.state,
            installed=installed,
            loaded=self.state == "loaded",
            enabled=installed or None,
            linger=None,
            disabled_by_user=None,
            mechanism="systemd" if installed else None,
            platform="linux",
            label="com.amx.tick.test",
            unit_path="/home/dana/.config/systemd/user/amx-tick-test.timer" if installed else None,
            unit_files=(),
            log_path="/home/dana/.local/share/amx/logs/tick.log",
            log_size_bytes=12_600,
            log_mtime=NOW - timedelta(seconds=41),
            last_tick_at=NOW - timedelta(seconds=40),
            last_tick_age_seconds=40.0,
            last_tick_host="test-host",
            last_tick_duration_ms=12.0,
            warnings=(),
        )

    def status(self, _store, _now):
        self.calls.append("status")
        return self._status()

    def install(self, _store, _now):
        self.calls.append("install")
        self.state = "loaded"
        return self._status()

    def uninstall(self, _store, _now):
        self.calls.append("uninstall")
        self.state = "not_installed"
        return self._status()


@dataclass
class RecordingTick:
    passes: int = 0

    def __call__(self) -> TickPass:
        self.passes += 1
        return TickPass(True, NOW, "nothing due")


def add_schedule(store, name: str, *, days: float = 3, scope=(), **extra):
    """An analyze schedule on the demo profiles, `days` after NOW (UTC), created through the core (saved offline:
    some tests plan a scope that does not exist)."""
    from amx_core.services.schedules import ScheduleInput, create_schedule

    at = (NOW + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")
    inp = ScheduleInput(name=name, at=at, tz="UTC", db_profile="demo-shop", llm_profile="offline", scope=scope, **extra)
    return create_schedule(store, inp, now=NOW, verify=False)


def plan_missed(store):
    """Two schedules planned two days before NOW for one day before NOW: both are missed at start."""
    from amx_core.services.schedules import ScheduleInput, create_schedule

    before = NOW - timedelta(days=2)
    at = (NOW - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    common = dict(at=at, tz="UTC", db_profile="demo-shop", llm_profile="offline", scope=("main.orders",))
    once = create_schedule(store, ScheduleInput(name="Missed once", **common), now=before, verify=False)
    daily = create_schedule(
        store, ScheduleInput(name="Missed daily", cron="0 9 * * *", **common), now=before, verify=False
    )
    return once, daily


def foreground_run_now(store, schedule_id):
    """The core's run-now, executed in the worker thread (no detached child to outlive the test)."""
    from amx_core.services.run_now import run_now

    return run_now(store, schedule_id, background=False)


def make_backend(store, daemon: FakeDaemon | None = None, **overrides) -> Backend:
    options = dict(
        open_store=lambda: store,
        clock=lambda: NOW,
        local_zone=lambda: "Europe/Berlin",
        daemon_status=(daemon or FakeDaemon()).status,
        install_daemon=(daemon or FakeDaemon()).install,
        uninstall_daemon=(daemon or FakeDaemon()).uninstall,
        run_now=foreground_run_now,
        run_tick=RecordingTick(),
        refresh_seconds=3600,
        daemon_seconds=3600,
        tick_seconds=3600,
    )
    if daemon is not None:
        options.update(daemon_status=daemon.status, install_daemon=daemon.install, uninstall_daemon=daemon.uninstall)
    options.update(overrides)
    return Backend(**options)


def make_app(store, daemon: FakeDaemon | None = None, **overrides) -> AmxApp:
    return AmxApp(make_backend(store, daemon, **overrides))


async def settle(pilot, rounds: int = 30) -> None:
    """Let workers finish and their messages be handled (no wall-clock waiting)."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    for _ in range(rounds):
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return


async def press(pilot, *keys: str) -> None:
    """Press keys, then let what they started finish."""
    await pilot.press(*keys)
    await settle(pilot)


async def open_dialog(pilot, key: str = "n"):
    """Open the schedule dialog from the list (`n` new, `e` edit) and wait for it to be ready."""
    from amx_tui.screens.schedule_dialog import ScheduleDialog

    await press(pilot, key)
    dialog = pilot.app.screen
    assert isinstance(dialog, ScheduleDialog)
    return dialog


KEY_NAMES = {
    " ": "space",
    "*": "asterisk",
    "-": "minus",
    ":": "colon",
    "/": "slash",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    ".": "full_stop",
}


async def type_into(pilot, selector: str, text: str) -> None:
    """Focus an Input on the active screen, clear it, and type `text` key by key."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    widget.value = ""
    await pilot.pause()
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])
    await pilot.pause()


async def paste_into(pilot, selector: str, text: str) -> None:
    """Focus an Input and replace its text at once (like a paste; quicker than typing in tests)."""
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    widget.value = text
    await pilot.pause()


def screen_text(app) -> str:
    """The visible screen as plain text, line by line (what a user reads; test-only use of the compositor)."""
    import re

    from rich.console import Console

    console = Console(width=app.size.width, record=True, color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True), end="")
    return re.sub(r"\x1b\[\d+;\d+H", "\n", console.export_text()).strip("\n")
