"""The daemon services the CLI and the TUI call: install, uninstall and a truthful status."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from amx_core import config
from amx_core.daemon.context import DaemonSetup, check_setup
from amx_core.daemon.hookstate import HookBackend, HookState
from amx_core.daemon.launchd import LaunchdBackend
from amx_core.daemon.linux import LinuxBackend
from amx_core.daemon.record import read_record, remove_record, write_record
from amx_core.daemon.schtasks import SchtasksBackend
from amx_core.daemon.status import DaemonStatus, TickEvidence, build_status
from amx_core.daemon.storecheck import hook_store, password_warnings
from amx_core.errors import ActionError, ValidationError
from amx_core.secrets.masking import mask_url, redact
from amx_core.storelocation import StoreLocation

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


def _open_store_of(setup: DaemonSetup, location: StoreLocation, password: str | None):
    """The store the hook's tick writes to; None when its SQLite file does not exist yet (no tick ever ran)."""
    from amx_core.store import open_store

    if location.url is not None:
        return open_store(location.url, password=password)
    path = setup.amx_home / config.STORE_FILE
    return open_store(f"sqlite:///{path}") if path.exists() else None


def _tick_evidence(setup: DaemonSetup, hook: HookState, store, now: datetime) -> TickEvidence:
    from amx_core.tick.heartbeat import latest_running_heartbeat, read_heartbeat

    location, notes = hook_store(setup, read_record(setup), hook)
    shown = location.shown(setup.amx_home) if store is None else mask_url(getattr(store, "url", "")) or None
    notes += password_warnings(setup, location, hook)
    password = None
    try:
        password = location.password(setup.amx_home) if store is None else None
        store = store or _open_store_of(setup, location, password)
        if store is None:
            return TickEvidence(store=shown, warnings=notes)
        beat = read_heartbeat(store, now=now)
        running = latest_running_heartbeat(store)
    except Exception as exc:  # noqa: BLE001 - a status must show, whatever the store says
        problem = redact(f"{type(exc).__name__}: {exc}", [password])
        return TickEvidence(problem=problem, store=shown, warnings=notes)
    running_age = None if running is None else (now - running).total_seconds()
    if beat is None:
        return TickEvidence(running_run_age_seconds=running_age, store=shown, warnings=notes)
    return TickEvidence(
        last_tick_at=beat.last_tick_at,
        age_seconds=beat.age_seconds,
        host=beat.host,
        duration_ms=beat.duration_ms,
        running_run_age_seconds=running_age,
        store=shown,
        warnings=notes,
    )


def _with_install_time(setup: DaemonSetup, hook: HookState) -> HookState:
    """A hook without a file date (a crontab line) takes its install time from the record, for the grace period."""
    if hook.installed_at is not None or not (hook.installed or hook.loaded):
        return hook
    record = read_record(setup)
    return hook if record is None else replace(hook, installed_at=record.installed_at)


def _status(
    setup: DaemonSetup, hook: HookState, store, now: datetime | None, notes: tuple[str, ...] = ()
) -> DaemonStatus:
    moment = now or datetime.now(UTC)
    hook = _with_install_time(setup, hook)
    return build_status(setup, hook, _tick_evidence(setup, hook, store, moment), moment, notes)


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
    moment = now or datetime.now(UTC)
    notes = backend.install(setup)
    hook = backend.inspect(setup)
    try:
        write_record(setup, hook.mechanism, moment)
    except OSError as exc:
        notes += (f"could not record the install in {setup.amx_home}: {exc.strerror or exc}",)
    if hook.installed_at is None:  # a crontab line has no file date: it was installed just now
        hook = replace(hook, installed_at=moment.timestamp())
    return _status(setup, hook, store, now, notes)


def uninstall_daemon(setup: DaemonSetup | None = None, *, store=None, now: datetime | None = None) -> DaemonStatus:
    """Remove the OS hook and its files only: the store and its queued schedules stay."""
    setup = setup or DaemonSetup.current()
    backend = _backend(setup)
    backend.uninstall(setup)
    remove_record(setup)
    return _status(setup, backend.inspect(setup), store, now)
