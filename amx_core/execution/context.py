"""The contract between the tick (which claims and supervises a run) and an executor (which does the work).

Executors report progress and log lines through the context, which writes them to the run row,
so a crash loses nothing already reported and the TUI can show live counts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from amx_core.views import ScheduleView

if TYPE_CHECKING:
    from amx_core.store import Store

# The counters an executor may report (each is a column of the run row).
RUN_COUNTERS = (
    "tables_planned",
    "tables_done",
    "columns_planned",
    "columns_described",
    "columns_applied",
    "columns_queued",
    "columns_failed",
    "tokens_in",
    "tokens_out",
    "skipped_described",
    "skipped_unchanged",
    "skipped_pending",
)


class TransientError(Exception):
    """A failure worth retrying (LLM 429/5xx/timeouts, dropped DB connections)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RunCancelled(Exception):
    """The run was cancelled (Ctrl-C in the foreground, or cancel from a face)."""


class ProgressSink(Protocol):
    def update(self, **counts: int) -> None: ...

    def log(self, line: str) -> None: ...


@dataclass
class RunContext:
    """Everything an executor needs; `now` is the run's logical time (moved in tests)."""

    store: Store
    run_id: int
    schedule: ScheduleView
    reason: str
    now: datetime
    sink: ProgressSink
    cancel_event: threading.Event = field(default_factory=threading.Event)
    # Set by the tick for a run standing for a change fire (docs/ARCHITECTURE.md §5.9): consumes the
    # change events the catalog holds now and returns the (schema, table) pairs they name, or None
    # when the run plans its whole scope anyway (a run-now).
    consume_changes: Callable[[], frozenset[tuple[str, str]] | None] | None = None

    def progress(self, **counts: int) -> None:
        """Set run counters (tables_planned, tables_done, columns_described, ...) and beat the heart."""
        self.sink.update(**counts)

    def log(self, line: str) -> None:
        self.sink.log(line)

    def changed_tables(self) -> frozenset[tuple[str, str]] | None:
        """Call once the catalog was read: the tables a change-triggered run is about, None for every table."""
        return self.consume_changes() if self.consume_changes is not None else None

    def check_cancelled(self) -> None:
        if self.cancel_event.is_set():
            raise RunCancelled("cancelled")


@dataclass(frozen=True)
class RunOutcome:
    """The executor's verdict: `ok` with an optional note, or the error text kept as last_error."""

    ok: bool
    error: str | None = None
    note: str | None = None


Executor = Callable[[RunContext], RunOutcome]
