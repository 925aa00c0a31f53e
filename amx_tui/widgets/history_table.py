"""The run history list: one row per run or missed occurrence, keyed `run-ID` / `missed-ID`, newest first."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from rich.style import Style
from rich.text import Text

from amx_core.services.history import HistoryEntry, MissedView
from amx_core.services.runs import RunView
from amx_tui.formatting import (
    count_text,
    duration_text,
    local_moment,
    one_line,
    plain,
    run_status_word,
)
from amx_tui.widgets.keyed_table import Column, KeyedTable

SCHEDULE_COLUMN = Column("schedule", "Schedule", ratio=2, min_width=12, drop_order=2)
HISTORY_COLUMNS = (
    Column("when", "Started / due", width=16),
    Column("what", "Entry", width=9),
    Column("reason", "Reason", width=8),
    Column("status", "Status", width=11),
    Column("duration", "Duration", width=11),
    Column("tables", "Tables", width=7),
    Column("described", "Described", width=9),
    Column("applied", "Applied", width=7, drop_order=3),
    Column("queued", "Queued", width=6, drop_order=2),
    Column("failed", "Failed", width=6),
    Column("tokens", "Tokens", width=11, drop_order=1),
    Column("error", "Error / why", ratio=3, min_width=10, drop_order=4),
)


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


class HistoryTable(KeyedTable[HistoryEntry]):
    """HistoryEntry rows; `clock` and `zone` say how times read (local wall time, running durations)."""

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

    def _ink(self, name: str) -> Style:
        full = self.get_component_rich_style(f"history-table--{name}")
        return Style(color=full.color, bold=full.bold, italic=full.italic)

    def _styled(self, text: str, ink: str | None) -> Text:
        cell = plain(text)
        if ink is not None:
            cell.stylize(self._ink(ink))
        return cell

    def format_row(self, key: str, entry: HistoryEntry) -> Sequence[Text]:
        item = entry.run or entry.missed
        assert item is not None, "an entry is a run or a missed occurrence"
        cells = self._run_cells(item) if isinstance(item, RunView) else self._missed_cells(item)
        if self.with_schedule:
            name = item.schedule_name or (f"#{item.schedule_id} (deleted)" if item.schedule_id else "ad hoc")
            cells.insert(2, plain(name))
        return cells

    def _run_cells(self, run: RunView) -> list[Text]:
        ink = {"running": "running", "failed": "failed", "cancelled": "muted"}.get(run.status)
        running = run.status == "running"
        took = duration_text(run_duration(run, self.clock()))
        return [
            plain(local_moment(run.started_at, self.zone)),
            plain(f"run #{run.id}"),
            plain(run.reason),
            self._styled(run_status_word(run.status), ink),
            plain(f"{took}…" if running else took),
            plain(f"{run.tables_done}/{run.tables_planned}"),
            plain(f"{run.columns_described}/{run.columns_planned}"),
            plain(str(run.columns_applied)),
            plain(str(run.columns_queued)),
            self._styled(str(run.columns_failed), "failed" if run.columns_failed else None),
            plain(f"{count_text(run.tokens_in)}/{count_text(run.tokens_out)}"),
            self._styled(one_line(run.error), "failed") if run.error else plain(""),
        ]

    def _missed_cells(self, missed: MissedView) -> list[Text]:
        blank = plain("")
        return [
            plain(local_moment(missed.slot_utc, self.zone)),
            self._styled("missed", "missed"),
            plain(missed.action),
            self._styled("! Missed", "missed"),
            blank,
            blank,
            blank,
            blank,
            blank,
            blank,
            blank,
            self._styled(one_line(missed.reason), "muted"),
        ]
