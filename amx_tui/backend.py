"""The services the app calls, gathered in one injectable object so tests swap the OS-facing ones for fakes.

Schedule and profile services are called straight from amx_core with the real store; what touches the
operating system (daemon hook, tick subprocess) or is still landing in the core (run-now, startup report,
catalog listing) goes through this object, each default wired to the core with a clear failure when absent.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from amx_core.errors import ActionError

TICK_MODULE = "amx_core.tick.entry"
TICK_TIMEOUT_SECONDS = 15 * 60


def utc_now() -> datetime:
    return datetime.now(UTC)


def _core(module: str, name: str, what: str) -> Callable[..., Any]:
    """A core function by name, or an ActionError saying which part of the core is missing."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        raise ActionError(f"{what} is not available in this build ({module}.{name} is missing)") from None


@dataclass(frozen=True)
class StartupSummary:
    """What needs the user's attention at start: missed schedules (views) and runs recovered from a dead runner."""

    missed: tuple[Any, ...] = ()
    recovered: tuple[Any, ...] = ()


@dataclass(frozen=True)
class TickPass:
    """One in-app tick subprocess: whether it succeeded, when it ended, and a short report for the header."""

    ok: bool
    at: datetime
    message: str
    fired: tuple[int, ...] = ()


def _local_zone() -> str:
    from amx_core.timing import local_zone_name

    return local_zone_name()


# --- defaults wired to the core -----------------------------------------------------------------


def open_core_store():
    from amx_core.store import open_store

    return open_store()


def core_daemon_status(store, now: datetime):
    from amx_core.daemon import daemon_status

    return daemon_status(store=store, now=now)


def core_install_daemon(store, now: datetime):
    from amx_core.daemon import install_daemon

    return install_daemon(store=store, now=now)


def core_uninstall_daemon(store, now: datetime):
    from amx_core.daemon import uninstall_daemon

    return uninstall_daemon(store=store, now=now)


def core_run_now(store, schedule_id: int):
    return _core("amx_core.services.run_now", "run_now", "run now")(store, schedule_id, background=True)


def core_startup_report(store, now: datetime) -> StartupSummary:
    """The core's startup report; until it exists, the schedules already marked Missed."""
    try:
        report = _core("amx_core.services.startup", "startup_report", "the startup report")(store, now)
    except ActionError:
        from amx_core.services.schedules import list_schedules

        return StartupSummary(missed=tuple(list_schedules(store, statuses=("missed",), kinds=("analyze",))))
    missed = tuple(v for v in getattr(report, "missed", ()) if getattr(v, "kind", "analyze") == "analyze")
    return StartupSummary(missed=missed, recovered=tuple(getattr(report, "recovered", ())))


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
    if importlib.util.find_spec(TICK_MODULE) is None:
        return TickPass(False, utc_now(), f"{TICK_MODULE} is missing from this build")
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


@dataclass(frozen=True)
class CatalogApi:
    """The lazy catalog listing the ScopeTree reads (amx_core.catalog.listing)."""

    module: str = "amx_core.catalog.listing"

    def _fn(self, name: str) -> Callable[..., Any]:
        return _core(self.module, name, "the catalog listing")

    def list_databases(self, store, profile: str) -> list[str]:
        return list(self._fn("list_databases")(store, profile))

    def list_children(self, store, profile: str, database: str | None, path: tuple[str, ...], offset: int, limit: int):
        """One page of children; a branch never read is refreshed from the live database first."""
        return self._fn("list_children")(store, profile, database, path, offset=offset, limit=limit)


@dataclass
class Backend:
    """Everything the app reaches outside itself; every field has a default wired to amx_core."""

    open_store: Callable[[], Any] = open_core_store
    clock: Callable[[], datetime] = utc_now
    local_zone: Callable[[], str] = _local_zone
    daemon_status: Callable[[Any, datetime], Any] = core_daemon_status
    install_daemon: Callable[[Any, datetime], Any] = core_install_daemon
    uninstall_daemon: Callable[[Any, datetime], Any] = core_uninstall_daemon
    run_now: Callable[[Any, int], Any] = core_run_now
    startup_report: Callable[[Any, datetime], StartupSummary] = core_startup_report
    run_tick: Callable[[], TickPass] = subprocess_tick
    catalog: CatalogApi = field(default_factory=CatalogApi)
    refresh_seconds: float = 5.0
    live_seconds: float = 1.5  # how often a shown history follows a running run
    daemon_seconds: float = 15.0
    tick_seconds: float = 60.0
    in_app_tick: bool = True
    ensure_demo: bool = False
