"""The schedule list: one row per analyze schedule, keyed by schedule id, coloured by status."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text

from amx_core.schedule.rules import STATUSES
from amx_core.views import ScheduleView
from amx_tui.formatting import REVIEW_WORDS, fire_time_text, plain, status_word
from amx_tui.widgets.keyed_table import Column, KeyedTable

ACTIONS_COLUMN = "actions"
ACTIONS_CELL = "⋯ actions"

SCHEDULE_COLUMNS = (
    Column("name", "Name", ratio=3, min_width=14),
    Column("fire", "Fire time (local)", width=32),
    Column("scope", "Scope", ratio=3, min_width=12, drop_order=3),
    Column("status", "Status", width=11),
    Column("llm", "LLM profile", width=12, drop_order=1),
    Column("review", "Review", width=6, drop_order=2),
    Column(ACTIONS_COLUMN, "Actions", width=len(ACTIONS_CELL), drop_order=4),
)


def row_key(schedule_id: int) -> str:
    return str(schedule_id)


class ScheduleTable(KeyedTable[ScheduleView]):
    """Schedules as rows; a status has its own colour class (`schedule-table--failed`, ...)."""

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

    def _ink(self, name: str) -> Style:
        """A component's colour and text style without its background (rows keep their zebra and cursor)."""
        full = self.get_component_rich_style(f"schedule-table--{name}")
        return Style(color=full.color, bold=full.bold, italic=full.italic)

    def format_row(self, key: str, view: ScheduleView) -> Sequence[Text]:
        status = plain(status_word(view.status))
        status.stylize(self._ink(view.status))
        scope = plain(view.scope_summary)
        if not view.scope:
            scope.stylize(self._ink("muted"))
        actions = plain(ACTIONS_CELL)
        actions.stylize(self._ink("actions"))
        return (
            plain(view.name),
            plain(fire_time_text(view)),
            scope,
            status,
            plain(view.llm_profile or "—"),
            plain(REVIEW_WORDS.get(view.review, view.review)),
            actions,
        )
