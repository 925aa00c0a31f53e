"""The services the app reaches through one injectable object, so tests swap the OS-facing ones for fakes.

Every verb on a schedule (pause, resume, skip, delete, run now, cancel its run) goes through
`Backend.schedule_verb`, and so does everything that touches the operating system (daemon hook, tick
subprocess, detached run-now worker); each default is the core's own function. Reads (the list, history,
review queue, profiles) call amx_core.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from amx_core.daemon import DaemonStatus, daemon_status, install_daemon, uninstall_daemon
from amx_core.services.runs import cancel_schedule_run
from amx_core.services.schedules import delete_schedule, pause_schedule, resume_schedule, skip_schedule
from amx_core.store import Store
from amx_core.store import open_store as open_core_store
from amx_core.views import ScheduleView
from amx_tui.startup import StartupSummary, core_startup_report

if TYPE_CHECKING:
    from amx_core.services.run_now import RunNowResult

TICK_MODULE = "amx_core.tick.entry"
TICK_TIMEOUT_SECONDS = 15 * 60

DaemonCall = Callable[[Store, datetime], DaemonStatus]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TickPass:
    """One in-app tick subprocess: whether it succeeded, when it ended, and a short report for the header."""

    ok: bool
    at: datetime
    message: str
    fired: tuple[int, ...] = ()


@dataclass(frozen=True)
class VerbOutcome:
    """What a verb did to a schedule: the schedule as it is now, the run it started, or that it is gone."""

    view: ScheduleView | None = None
    run_id: int | None = None
    deleted: bool = False


def _local_zone() -> str:
    """The machine's zone, UTC's aliases folded (`Etc/UTC` reads `UTC`, as the list shows it)."""
    from amx_core.timing import local_zone_name
    from amx_tui.formatting import zone_text

    return zone_text(local_zone_name())


# --- defaults wired to the core -----------------------------------------------------------------


def core_daemon_status(store: Store, now: datetime) -> DaemonStatus:
    return daemon_status(store=store, now=now)


def core_install_daemon(store: Store, now: datetime) -> DaemonStatus:
    return install_daemon(store=store, now=now)


def core_uninstall_daemon(store: Store, now: datetime) -> DaemonStatus:
    return uninstall_daemon(store=store, now=now)


def core_run_now(store: Store, schedule_id: int) -> RunNowResult:
    """The claim is made here; a detached worker process executes the run."""
    from amx_core.services.run_now import run_now

    return run_now(store, schedule_id, background=True)


def _tick_summary(stdout: str) -> tuple[str, tuple[int, ...]]:
    try:
        report = json.loads(stdout or "{}")
    except ValueError:
        return "ok", ()
    fired = tuple(int(i) for i in report.get("fired", []) if str(i).isdigit())
    parts = [f"{len(report.get(k, []))} {k}" for k in ("fired", "missed", "failed") if report.get(k)]
    return (", ".join(parts) or "nothing due"), fired


def subprocess_tick() -> TickPass:
    """One tick pass as a child process (`python -m amx_core.tick.entry --json`), never inside the app's process."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", TICK_MODULE, "--json"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TICK_TIMEOUT_SECONDS,
            env=dict(os.environ),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return TickPass(False, utc_now(), f"tick did not run: {exc}")
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
        return TickPass(False, utc_now(), lines[-1] if lines else f"tick exited with {proc.returncode}")
    message, fired = _tick_summary(proc.stdout)
    return TickPass(True, utc_now(), message, fired)


@dataclass
class Backend:
    """Everything the app reaches outside itself; every field has a default wired to amx_core."""

    open_store: Callable[[], Store] = open_core_store
    clock: Callable[[], datetime] = utc_now
    local_zone: Callable[[], str] = _local_zone
    daemon_status: DaemonCall = core_daemon_status
    install_daemon: DaemonCall = core_install_daemon
    uninstall_daemon: DaemonCall = core_uninstall_daemon
    run_now: Callable[[Store, int], RunNowResult] = core_run_now
    startup_report: Callable[[Store, datetime], StartupSummary] = core_startup_report
    run_tick: Callable[[], TickPass] = subprocess_tick
    refresh_seconds: float = 5.0
    live_seconds: float = 1.5  # how often a shown history follows a running run
    daemon_seconds: float = 15.0
    tick_seconds: float = 60.0
    in_app_tick: bool = True
    ensure_demo: bool = False

    def schedule_verb(self, verb: str, store: Store, schedule_id: int) -> VerbOutcome:
        """`pause`, `resume`, `skip`, `delete`, `run_now` or `cancel_run` on one schedule: the TUI's one way to the
        core's verbs."""
        return SCHEDULE_VERBS[verb](self, store, schedule_id)


# verb -> the core call it makes (the list's keys, its row menu and the missed dialog all come here)
SCHEDULE_VERBS: dict[str, Callable[[Backend, Store, int], VerbOutcome]] = {
    "pause": lambda backend, store, i: VerbOutcome(view=pause_schedule(store, i, now=backend.clock())),
    "resume": lambda backend, store, i: VerbOutcome(view=resume_schedule(store, i, now=backend.clock())),
    "skip": lambda backend, store, i: VerbOutcome(view=skip_schedule(store, i, now=backend.clock())),
    "delete": lambda _backend, store, i: VerbOutcome(view=delete_schedule(store, i), deleted=True),
    "run_now": lambda backend, store, i: VerbOutcome(run_id=backend.run_now(store, i).run_id),
    "cancel_run": lambda backend, store, i: VerbOutcome(run_id=cancel_schedule_run(store, i, now=backend.clock()).id),
}
