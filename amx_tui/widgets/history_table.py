"""The run history list: one row per run or missed occurrence, keyed `run-ID` / `missed-ID`, newest first."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import datetime

from amx_core.services.history import HistoryEntry, MissedView
from amx_core.services.runs import RunView
from amx_tui.formatting import (
    count_text,
    duration_text,
    local_moment,
    one_line,
    run_status_word,
)
from amx_tui.widgets.keyed_table import Column, KeyedTable

SCHEDULE_COLUMN = Column("schedule", "Schedule", min_width=12, max_width=40, grow=2, drop_order=8)
HISTORY_COLUMNS = (
    Column("when", "Started / due", min_width=16, max_width=16),
    Column("what", "Entry", min_width=7, max_width=12),
    Column("reason", "Reason", min_width=6, max_width=9, drop_order=7),
    Column("status", "Status", min_width=10, max_width=12),
    Column("duration", "Duration", min_width=8, max_width=14, drop_order=6),
    Column("tables", "Tables", min_width=6, max_width=9),
    Column("described", "Described", min_width=9, max_width=11),
    Column("applied", "Applied", min_width=7, max_width=8, drop_order=3),
    Column("queued", "Queued", min_width=6, max_width=8, drop_order=2),
    Column("failed", "Failed", min_width=6, max_width=8, drop_order=4),
    Column("tokens", "Tokens", min_width=6, max_width=13, drop_order=1),
    Column("error", "Error / why", min_width=10, grow=3, drop_order=5),
)
RUN_INKS = {"running": "running", "failed": "failed", "cancelled": "muted"}


def history_columns(with_schedule: bool) -> tuple[Column, ...]:
    """The columns; the schedule's name only when the history covers every schedule."""
    if not with_schedule:
        return HISTORY_COLUMNS
    return (*HISTORY_COLUMNS[:2], SCHEDULE_COLUMN, *HISTORY_COLUMNS[2:])


def run_duration(run: RunView, now: datetime) -> float | None:
    """Seconds a run took, or has taken so far while it runs."""
    if run.ended_at is not None:
        return (run.ended_at - run.started_at).total_seconds()
    return (now - run.started_at).total_seconds() if run.status == "running" else None


def _item(entry: HistoryEntry) -> RunView | MissedView:
    item = entry.run or entry.missed
    assert item is not None, "an entry is a run or a missed occurrence"
    return item


class HistoryTable(KeyedTable[HistoryEntry]):
    """HistoryEntry rows; `clock` and `zone` say how times read (local wall time, running durations)."""

    INK_PREFIX = "history-table"
    COMPONENT_CLASSES = KeyedTable.COMPONENT_CLASSES | {
        "history-table--running",
        "history-table--failed",
        "history-table--missed",
        "history-table--muted",
    }

    DEFAULT_CSS = """
    HistoryTable {
        & > .history-table--running { color: $accent; text-style: bold; }
        & > .history-table--failed { color: $error; text-style: bold; }
        & > .history-table--missed { color: $warning; text-style: bold; }
        & > .history-table--muted { color: $text-muted; }
    }
    """

    def __init__(self, clock: Callable[[], datetime], zone: str, *, with_schedule: bool, id: str | None = None) -> None:
        super().__init__(history_columns(with_schedule), empty_text="No runs and nothing missed yet.", id=id)
        self.clock = clock
        self.zone = zone
        self.with_schedule = with_schedule

    def cells(self, key: str, entry: HistoryEntry) -> Sequence[str]:
        item = _item(entry)
        cells = self._run_cells(item) if isinstance(item, RunView) else self._missed_cells(item)
        if self.with_schedule:
            name = item.schedule_name or (f"#{item.schedule_id} (deleted)" if item.schedule_id else "ad hoc")
            cells.insert(2, name)
        return cells

    def inks(self, key: str, entry: HistoryEntry) -> Sequence[str | None]:
        item = _item(entry)
        if isinstance(item, RunView):
            inks: list[str | None] = [None] * 12
            inks[3] = RUN_INKS.get(item.status)
            inks[9] = "failed" if item.columns_failed else None
            inks[11] = "failed" if item.error else None
        else:
            inks = [None, "missed", None, "missed", *([None] * 7), "muted"]
        if self.with_schedule:
            inks.insert(2, None)
        return inks

    def sort_value(self, column: str, key: str, entry: HistoryEntry) -> Hashable:
        item = _item(entry)
        run = item if isinstance(item, RunView) else None
        if column == "when":
            return item.started_at.timestamp() if isinstance(item, RunView) else item.slot_utc.timestamp()
        if column == "duration":
            return run_duration(run, self.clock()) if run is not None else None
        numbers = {
            "tables": "tables_done",
            "described": "columns_described",
            "applied": "columns_applied",
            "queued": "columns_queued",
            "failed": "columns_failed",
            "tokens": "tokens_in",
        }
        if column in numbers:
            return getattr(run, numbers[column]) if run is not None else None
        return super().sort_value(column, key, entry)

    def _run_cells(self, run: RunView) -> list[str]:
        running = run.status == "running"
        took = duration_text(run_duration(run, self.clock()))
        return [
            local_moment(run.started_at, self.zone),
            f"run #{run.id}",
            run.reason,
            run_status_word(run.status),
            f"{took}…" if running else took,
            f"{run.tables_done}/{run.tables_planned}",
            f"{run.columns_described}/{run.columns_planned}",
            str(run.columns_applied),
            str(run.columns_queued),
            str(run.columns_failed),
            f"{count_text(run.tokens_in)}/{count_text(run.tokens_out)}",
            one_line(run.error),
        ]

    def _missed_cells(self, missed: MissedView) -> list[str]:
        return [
            local_moment(missed.slot_utc, self.zone),
            "missed",
            missed.action,
            "! Missed",
            *([""] * 7),
            one_line(missed.reason),
        ]
