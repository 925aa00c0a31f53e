"""The schedule list: one row per analyze schedule, keyed by schedule id, coloured by status, with live progress."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime

from amx_core.schedule.rules import STATUSES
from amx_core.services.watch import RunProgress
from amx_core.views import ScheduleView
from amx_tui.formatting import REVIEW_WORDS, fire_time_text, status_word
from amx_tui.widgets.keyed_table import Column, KeyedTable

ACTIONS_COLUMN = "actions"
ACTIONS_CELL = "⋯ actions"
FAR_FUTURE = datetime.max.replace(tzinfo=None)

# Narrow terminals drop Actions first, then Review, LLM profile, DB profile and Scope (Name, Fire time and
# Status always stay). Fire time gives way before Name when both are wider than the room.
SCHEDULE_COLUMNS = (
    Column("name", "Name", min_width=12, max_width=40, grow=2, comfort=20),
    Column("fire", "Fire time (local)", min_width=16, max_width=36),
    Column("scope", "Scope", min_width=10, max_width=60, grow=3, drop_order=5),
    Column("status", "Status", min_width=11, max_width=24),
    Column("db", "DB profile", min_width=8, max_width=20, drop_order=4),
    Column("llm", "LLM profile", min_width=8, max_width=20, drop_order=3),
    Column("review", "Review", min_width=6, max_width=6, drop_order=2),
    Column(ACTIONS_COLUMN, "Actions", width=len(ACTIONS_CELL), drop_order=1, sortable=False),
)
STATUS_ORDER = {status: i for i, status in enumerate(STATUSES)}


@dataclass(frozen=True)
class ScheduleRow:
    """What one row shows: the schedule and, while one of its runs runs, that run's progress."""

    view: ScheduleView
    progress: RunProgress | None = None


def row_key(schedule_id: int) -> str:
    return str(schedule_id)


def status_text(row: ScheduleRow) -> str:
    """`● Pending`, `▶ Running 3/12`: a running run's tables done of planned follow the status."""
    text = status_word(row.view.status)
    progress = row.progress
    if progress is None:
        return text
    done = f"{progress.tables_done}/{progress.tables_planned}" if progress.tables_planned else "starting"
    return f"{text} {done}" if row.view.status == "running" else f"{text} ▶{done}"


def search_text(view: ScheduleView) -> str:
    """What `/` matches against: name, the whole scope, database and both profiles (case-folded)."""
    return " ".join((view.name, *view.scope, view.database or "", view.db_profile, view.llm_profile or "")).casefold()


class ScheduleTable(KeyedTable[ScheduleRow]):
    """Schedules as rows; a status has its own colour class (`schedule-table--failed`, ...)."""

    INK_PREFIX = "schedule-table"
    COMPONENT_CLASSES = (
        KeyedTable.COMPONENT_CLASSES
        | {f"schedule-table--{s}" for s in STATUSES}
        | {
            "schedule-table--muted",
            "schedule-table--actions",
        }
    )

    DEFAULT_CSS = """
    ScheduleTable {
        & > .schedule-table--pending { color: $success; }
        & > .schedule-table--paused { color: $warning; }
        & > .schedule-table--running { color: $accent; text-style: bold; }
        & > .schedule-table--completed { color: $text-muted; }
        & > .schedule-table--failed { color: $error; text-style: bold; }
        & > .schedule-table--missed { color: $warning; text-style: bold; }
        & > .schedule-table--cancelled { color: $text-muted; }
        & > .schedule-table--muted { color: $text-muted; text-style: italic; }
        & > .schedule-table--actions { color: $text-accent; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(SCHEDULE_COLUMNS, empty_text="No schedules here. Press n to plan one.", id=id)

    def cells(self, key: str, row: ScheduleRow) -> Sequence[str]:
        view = row.view
        return (
            view.name,
            fire_time_text(view),
            view.scope_summary,
            status_text(row),
            view.db_profile + (f"/{view.database}" if view.database else ""),
            view.llm_profile or "—",
            REVIEW_WORDS.get(view.review, view.review),
            ACTIONS_CELL,
        )

    def inks(self, key: str, row: ScheduleRow) -> Sequence[str | None]:
        view = row.view
        return (None, None, None if view.scope else "muted", view.status, None, None, None, "actions")

    def sort_value(self, column: str, key: str, row: ScheduleRow) -> Hashable:
        view = row.view
        if column == "fire":
            return view.next_fire_utc.replace(tzinfo=None) if view.next_fire_utc else FAR_FUTURE
        if column == "status":
            return STATUS_ORDER.get(view.status, len(STATUS_ORDER))
        return super().sort_value(column, key, row)
