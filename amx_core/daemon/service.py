"""The daemon services the CLI and the TUI call: install, uninstall and a truthful status."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime

from amx_core import config
from amx_core.daemon.context import DaemonSetup, check_setup
from amx_core.daemon.hookstate import HookBackend, HookState
from amx_core.daemon.launchd import LaunchdBackend
from amx_core.daemon.linux import LinuxBackend
from amx_core.daemon.schtasks import SchtasksBackend
from amx_core.daemon.status import DaemonStatus, TickEvidence, build_status
from amx_core.errors import ActionError, ValidationError

BACKENDS: dict[str, HookBackend] = {
    "darwin": LaunchdBackend(),
    "linux": LinuxBackend(),
    "windows": SchtasksBackend(),
}


def _backend(setup: DaemonSetup) -> HookBackend:
    check_setup(setup)
    return BACKENDS[setup.platform]


def _prepare_home(setup: DaemonSetup) -> None:
    """The home, its logs folder and the log exist (0700 / 0600) before any OS hook appends to them."""
    try:
        config.ensure_private_dir(setup.amx_home)
        config.ensure_private_dir(setup.log_path.parent)
        config.touch_private_file(setup.log_path)
    except OSError as exc:
        raise ActionError(f"cannot prepare {setup.log_path}: {exc.strerror or exc}") from exc


def _open_store_of(setup: DaemonSetup):
    """The store the hook's tick writes to; None when its SQLite file does not exist yet (no tick ever ran)."""
    from amx_core.store import open_store

    url = os.environ.get("AMX_STORE_URL")
    if url:
        return open_store(url)
    path = setup.amx_home / config.STORE_FILE
    return open_store(f"sqlite:///{path}") if path.exists() else None


def _tick_evidence(setup: DaemonSetup, store, now: datetime) -> TickEvidence:
    from amx_core.tick.heartbeat import latest_running_heartbeat, read_heartbeat

    try:
        store = store or _open_store_of(setup)
        if store is None:
            return TickEvidence()
        beat = read_heartbeat(store, now=now)
        running = latest_running_heartbeat(store)
    except Exception as exc:  # noqa: BLE001 - a status must show, whatever the store says
        return TickEvidence(problem=f"{type(exc).__name__}: {exc}")
    running_age = None if running is None else (now - running).total_seconds()
    if beat is None:
        return TickEvidence(running_run_age_seconds=running_age)
    return TickEvidence(
        last_tick_at=beat.last_tick_at,
        age_seconds=beat.age_seconds,
        host=beat.host,
        duration_ms=beat.duration_ms,
        running_run_age_seconds=running_age,
    )


def _status(
    setup: DaemonSetup, hook: HookState, store, now: datetime | None, notes: tuple[str, ...] = ()
) -> DaemonStatus:
    moment = now or datetime.now(UTC)
    return build_status(setup, hook, _tick_evidence(setup, store, moment), moment, notes)


def daemon_status(setup: DaemonSetup | None = None, *, store=None, now: datetime | None = None) -> DaemonStatus:
    """Ask the OS about the hook and the store about the last tick; never changes anything."""
    setup = setup or DaemonSetup.current()
    try:
        hook = _backend(setup).inspect(setup)
    except ValidationError as exc:
        hook = HookState(mechanism=None, installed=False, loaded=False, warnings=(exc.message,))
    return _status(setup, hook, store, now)


def install_daemon(setup: DaemonSetup | None = None, *, store=None, now: datetime | None = None) -> DaemonStatus:
    """Write and register the per-user hook that runs the tick every minute; reinstalling repairs it."""
    setup = setup or DaemonSetup.current()
    backend = _backend(setup)
    _prepare_home(setup)
    notes = backend.install(setup)
    hook = backend.inspect(setup)
    if hook.installed_at is None:  # a crontab line has no file date: it was installed just now
        hook = replace(hook, installed_at=(now or datetime.now(UTC)).timestamp())
    return _status(setup, hook, store, now, notes)


def uninstall_daemon(setup: DaemonSetup | None = None, *, store=None, now: datetime | None = None) -> DaemonStatus:
    """Remove the OS hook and its files only: the store and its queued schedules stay."""
    setup = setup or DaemonSetup.current()
    backend = _backend(setup)
    backend.uninstall(setup)
    return _status(setup, backend.inspect(setup), store, now)
