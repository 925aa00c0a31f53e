"""The daemon status every face shows: the OS hook's state joined with the tick log and the heartbeat."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.hookstate import HookState
from amx_core.instants import iso

STALE_AFTER_SECONDS = 180.0
STATES = ("not_installed", "installed", "loaded")
# An install note on one of these subjects replaces the status warnings on it (one linger message, not two).
NOTE_SUBJECTS = ("linger",)


@dataclass(frozen=True)
class DaemonStatus:
    """Whether the OS will run the tick, where its files and log are, and when it last ran."""

    state: str  # not_installed | installed | loaded
    installed: bool
    loaded: bool
    enabled: bool | None
    linger: bool | None
    disabled_by_user: bool | None
    mechanism: str | None  # launchd | systemd | crontab | schtasks
    platform: str
    label: str
    unit_path: str | None
    unit_files: tuple[str, ...]
    log_path: str
    log_size_bytes: int | None
    log_mtime: datetime | None
    last_tick_at: datetime | None
    last_tick_age_seconds: float | None
    last_tick_host: str | None
    last_tick_duration_ms: float | None
    warnings: tuple[str, ...]
    store: str | None = None  # the store whose heartbeat this is, masked, with where its password comes from
    user_bus: str | None = None  # the user manager socket found without XDG_RUNTIME_DIR

    def to_json(self) -> dict[str, Any]:
        """The stable `schedule status --json` shape (documented in README)."""
        return {
            "state": self.state,
            "installed": self.installed,
            "loaded": self.loaded,
            "enabled": self.enabled,
            "linger": self.linger,
            "disabled_by_user": self.disabled_by_user,
            "mechanism": self.mechanism,
            "platform": self.platform,
            "label": self.label,
            "unit_path": self.unit_path,
            "unit_files": list(self.unit_files),
            "log_path": self.log_path,
            "log_size_bytes": self.log_size_bytes,
            "log_mtime": iso(self.log_mtime),
            "last_tick_at": iso(self.last_tick_at),
            "last_tick_age_seconds": self.last_tick_age_seconds,
            "last_tick_host": self.last_tick_host,
            "last_tick_duration_ms": self.last_tick_duration_ms,
            "store": self.store,
            "user_bus": self.user_bus,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class TickEvidence:
    """What the store says about ticks: the heartbeat row and the freshest in-progress run."""

    last_tick_at: datetime | None = None
    age_seconds: float | None = None
    host: str | None = None
    duration_ms: float | None = None
    running_run_age_seconds: float | None = None
    problem: str | None = None
    store: str | None = None
    warnings: tuple[str, ...] = ()


def _log_facts(path: Path) -> tuple[int | None, datetime | None]:
    try:
        info = os.stat(path)
    except OSError:
        return None, None
    return info.st_size, datetime.fromtimestamp(info.st_mtime, tz=UTC)


def _tick_warnings(hook: HookState, ticks: TickEvidence, now: datetime) -> list[str]:
    """A loaded hook with no tick for three minutes is not really running (unless a long pass is alive)."""
    if ticks.problem:
        return [f"cannot read the tick heartbeat: {ticks.problem}"]
    if not hook.loaded:
        return []
    warnings: list[str] = []
    if ticks.host and ticks.host != socket.gethostname():
        warnings.append(f"the last tick ran on another host ({ticks.host}): this one's hook may not be firing")
    busy = ticks.running_run_age_seconds is not None and ticks.running_run_age_seconds <= STALE_AFTER_SECONDS
    if ticks.age_seconds is not None:
        if ticks.age_seconds > STALE_AFTER_SECONDS and not busy:
            minutes = int(ticks.age_seconds // 60)
            warnings.append(f"loaded but no tick for more than 3 minutes (last {minutes} min ago): see the log")
        return warnings
    hook_age = None if hook.installed_at is None else now.timestamp() - hook.installed_at
    if not busy and (hook_age is None or hook_age > STALE_AFTER_SECONDS):
        warnings.append("loaded but no tick has been recorded yet: see the log")
    return warnings


def _superseded(warning: str, notes: tuple[str, ...]) -> bool:
    return any(subject in warning and any(subject in note for note in notes) for subject in NOTE_SUBJECTS)


def build_status(
    setup: DaemonSetup, hook: HookState, ticks: TickEvidence, now: datetime, notes: tuple[str, ...] = ()
) -> DaemonStatus:
    """Join the OS view, the log file and the store's heartbeat into the one status."""
    state = "loaded" if hook.loaded else ("installed" if hook.installed else "not_installed")
    size, mtime = _log_facts(setup.log_path)
    files = tuple(str(path) for path in hook.unit_files if path.exists())
    hook_warnings = tuple(warning for warning in hook.warnings if not _superseded(warning, notes))
    tick_warnings = (*ticks.warnings, *_tick_warnings(hook, ticks, now))
    warnings = tuple(dict.fromkeys((*notes, *hook_warnings, *tick_warnings)))
    return DaemonStatus(
        state=state,
        installed=hook.installed,
        loaded=hook.loaded,
        enabled=hook.enabled,
        linger=hook.linger,
        disabled_by_user=hook.disabled_by_user,
        mechanism=hook.mechanism,
        platform=setup.platform,
        label=setup.names.label,
        unit_path=str(hook.unit_files[-1]) if hook.unit_files else None,
        unit_files=files,
        log_path=str(setup.log_path),
        log_size_bytes=size,
        log_mtime=mtime,
        last_tick_at=ticks.last_tick_at,
        last_tick_age_seconds=ticks.age_seconds,
        last_tick_host=ticks.host,
        last_tick_duration_ms=ticks.duration_ms,
        warnings=warnings,
        store=ticks.store,
        user_bus=hook.bus,
    )
