"""The pass's notion of "now": pinned by `--now` (simulation, tests) or the real UTC clock."""

from __future__ import annotations

from datetime import UTC, datetime


class Clock:
    """Callable returning an aware UTC instant; a pinned clock never moves, so tests never sleep."""

    def __init__(self, pinned: datetime | None = None) -> None:
        self.pinned = pinned.astimezone(UTC) if pinned is not None else None

    def __call__(self) -> datetime:
        if self.pinned is not None:
            return self.pinned
        return datetime.now(UTC)

    @property
    def is_pinned(self) -> bool:
        return self.pinned is not None


def as_clock(now: datetime | Clock | None) -> Clock:
    """Accept what services take as `now=`: nothing (real time), an instant, or a Clock."""
    if isinstance(now, Clock):
        return now
    return Clock(now)
