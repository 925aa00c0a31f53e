"""The tick's knobs (grace window, lease, pool size): defaults (docs/ARCHITECTURE.md §7.10) and env overrides.

Kept import-light (no dataclasses, no typing): the idle pass reads these before deciding
whether to load the core at all.
"""

from __future__ import annotations

import os

DEFAULT_GRACE_SECONDS = 600.0  # a slot later than this is "missed" (10 min)
DEFAULT_LEASE_SECONDS = 300.0  # a run whose heartbeat is older than this is dead (5 min)
DEFAULT_WORKERS = 2
DEFAULT_BEAT_SECONDS = 30.0  # how often the supervisor refreshes in-flight runs' heartbeats


def env_number(name: str, default: float, minimum: float) -> float:
    """A float from the environment, the default when unset or unreadable, never below `minimum`."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        return default
    return max(value, minimum)


class TickSettings:
    """How one pass behaves; `from_env` reads AMX_TICK_GRACE_SECONDS, _LEASE_SECONDS, _WORKERS, _BEAT_SECONDS."""

    __slots__ = ("grace_seconds", "lease_seconds", "workers", "beat_seconds")

    def __init__(
        self,
        grace_seconds: float = DEFAULT_GRACE_SECONDS,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        workers: int = DEFAULT_WORKERS,
        beat_seconds: float = DEFAULT_BEAT_SECONDS,
    ) -> None:
        self.grace_seconds = grace_seconds
        self.lease_seconds = lease_seconds
        self.workers = workers
        self.beat_seconds = beat_seconds

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"TickSettings({fields})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TickSettings) and all(
            getattr(self, name) == getattr(other, name) for name in self.__slots__
        )

    @classmethod
    def from_env(cls, workers: int | None = None) -> TickSettings:
        return cls(
            grace_seconds=env_number("AMX_TICK_GRACE_SECONDS", DEFAULT_GRACE_SECONDS, 0.0),
            lease_seconds=env_number("AMX_TICK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS, 1.0),
            workers=workers or int(env_number("AMX_TICK_WORKERS", DEFAULT_WORKERS, 1)),
            beat_seconds=env_number("AMX_TICK_BEAT_SECONDS", DEFAULT_BEAT_SECONDS, 0.05),
        )
