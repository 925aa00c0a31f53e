"""The ProgressSink the tick hands executors (counters, log lines, the heartbeat onto the Run row), and cancel requests.

Writes are short transactions, coalesced to at most one per `flush_seconds` (plus one at the
end), so a chatty executor cannot flood the store's write lock; what was flushed survives a crash.
An optional observer sees every update at once (the foreground `run-now` progress display).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from amx_core.execution.context import RUN_COUNTERS
from amx_core.store import Store
from amx_core.tick.statements import RUN, write_running_run

COUNTERS = frozenset(RUN_COUNTERS)
MAX_LOG_CHARS = 200_000
FLUSH_SECONDS = 1.0

Observer = Callable[[str, dict], None]  # ("progress", counters) or ("log", {"line": ...})


class RunSink:
    """Thread-safe: the executor's thread reports, the supervisor thread may flush or beat."""

    def __init__(
        self,
        store: Store,
        run_id: int,
        clock: Callable[[], datetime],
        *,
        observer: Observer | None = None,
        flush_seconds: float = FLUSH_SECONDS,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.clock = clock
        self.observer = observer
        self.flush_seconds = flush_seconds
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._lines: list[str] = []
        self._log_chars = 0
        self._truncated = False
        self._last_flush = time.monotonic()
        self.counters: dict[str, int] = {}

    def update(self, **counts: int) -> None:
        unknown = set(counts) - COUNTERS
        if unknown:
            raise ValueError(f"unknown run counter(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self._counts.update({key: int(value) for key, value in counts.items()})
            self.counters.update(self._counts)
            snapshot = dict(self.counters)
        self._notify("progress", snapshot)
        self._maybe_flush()

    def log(self, line: str) -> None:
        stamp = self.clock().isoformat(timespec="seconds")
        text = f"{stamp} {line.rstrip()}"
        with self._lock:
            if self._log_chars + len(text) > MAX_LOG_CHARS:
                if not self._truncated:
                    self._lines.append(f"{stamp} (log truncated at {MAX_LOG_CHARS} characters)")
                    self._truncated = True
            else:
                self._lines.append(text)
                self._log_chars += len(text) + 1
        self._notify("log", {"line": line})
        self._maybe_flush()

    def _notify(self, kind: str, data: dict) -> None:
        if self.observer is not None:
            self.observer(kind, data)

    def _maybe_flush(self) -> None:
        if time.monotonic() - self._last_flush >= self.flush_seconds:
            self.flush()

    def take_pending(self) -> dict:
        """The unwritten counters and log lines as run values (`log`: the text to append; the final write
        carries them, amx_core.tick.statements.write_running_run)."""
        with self._lock:
            counts, self._counts = self._counts, {}
            lines, self._lines = self._lines, []
            self._last_flush = time.monotonic()
        values: dict = dict(counts)
        if lines:
            values["log"] = "\n".join(lines) + "\n"
        return values

    def flush(self) -> None:
        """Write pending counters and log lines, and beat the run's heartbeat."""
        values = self.take_pending()
        values["heartbeat_at"] = self.clock()
        with self.store.write_session() as session:
            write_running_run(session.connection(), self.run_id, values)


def beat(store: Store, run_ids: list[int], at: datetime) -> None:
    """Refresh the heartbeat of every in-flight run in one short write."""
    if not run_ids:
        return
    stmt = RUN.update().where(RUN.c.id.in_(run_ids), RUN.c.status == "running").values(heartbeat_at=at)
    with store.write_session() as session:
        session.connection().execute(stmt)


def cancel_requested(store: Store, run_ids: list[int]) -> list[int]:
    """Which of these running runs someone asked to stop (`amx runs cancel`, the app): one indexed read."""
    if not run_ids:
        return []
    stmt = sa.select(RUN.c.id).where(
        RUN.c.id.in_(run_ids), RUN.c.status == "running", RUN.c.cancel_requested_at.is_not(None)
    )
    with store.session() as session:
        return list(session.connection().execute(stmt).scalars())
