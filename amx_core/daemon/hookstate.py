"""What one OS mechanism says about the hook, before the log and the heartbeat are added to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from amx_core.daemon.context import DaemonSetup
from amx_core.daemon.files import mtime_of, read_bytes

NOT_KNOWN_TO_OS = "installed but the OS does not know it: reinstall to repair"
STALE_HOOK = (
    "the installed hook differs from what this AMX would write (interpreter, PATH or AMX version changed): "
    "reinstall to update it"
)


@dataclass(frozen=True)
class HookState:
    """The OS side of the status: files present, whether the OS will run them, and why not."""

    mechanism: str | None
    installed: bool
    loaded: bool
    unit_files: tuple[Path, ...] = ()
    enabled: bool | None = None
    linger: bool | None = None
    disabled_by_user: bool | None = None
    installed_at: float | None = None
    bus: str | None = None  # the user manager socket found without XDG_RUNTIME_DIR, in words
    warnings: tuple[str, ...] = field(default_factory=tuple)


class HookBackend(Protocol):
    """One platform's way of running the tick every minute."""

    def install(self, setup: DaemonSetup) -> tuple[str, ...]:
        """Write and register the hook; return notes worth showing; raise ActionError leaving nothing behind."""

    def uninstall(self, setup: DaemonSetup) -> None:
        """Unregister and delete the hook; a hook that is not there is fine."""

    def inspect(self, setup: DaemonSetup) -> HookState:
        """Ask the OS about the hook without changing anything."""


def file_state(paths: tuple[Path, ...], expected: tuple[bytes, ...]) -> tuple[bool, bool, float | None]:
    """(all present, any differs from what would be written now, newest mtime) for a hook's files."""
    contents = [read_bytes(path) for path in paths]
    present = all(content is not None for content in contents)
    stale = present and any(content != want for content, want in zip(contents, expected, strict=True))
    times = [t for t in (mtime_of(path) for path in paths) if t is not None]
    return present, stale, (max(times) if times else None)
