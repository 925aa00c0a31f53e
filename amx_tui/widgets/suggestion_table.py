"""The review queue list: one row per suggestion, keyed by its id; a row object is (SuggestionView, marked)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from amx_core.services.review import STATES, SuggestionView
from amx_tui.formatting import SUGGESTION_WORDS, one_line
from amx_tui.widgets.keyed_table import Column, KeyedTable

MARK = "◆"
RUN_COLUMN = Column("run", "Run", min_width=4, max_width=7, drop_order=1)
SUGGESTION_COLUMNS = (
    Column("mark", " ", width=1, sortable=False),
    Column("id", "ID", min_width=4, max_width=7),
    Column("state", "State", min_width=10, max_width=14),
    Column("confidence", "Conf.", min_width=6, max_width=11),
    Column("target", "Target", min_width=14, max_width=50, grow=2, comfort=20),
    Column("proposed", "Proposed", min_width=16, grow=3, drop_order=2),
)
BANDS = ("high", "medium", "low")


def suggestion_columns(with_run: bool) -> tuple[Column, ...]:
    """The columns; the run's id only when the queue spans every run."""
    return (*SUGGESTION_COLUMNS[:2], RUN_COLUMN, *SUGGESTION_COLUMNS[2:]) if with_run else SUGGESTION_COLUMNS


class SuggestionTable(KeyedTable[tuple[SuggestionView, bool]]):
    """Suggestions with their state and band coloured (`suggestion-table--stale`, `suggestion-table--high`, ...)."""

    INK_PREFIX = "suggestion-table"

    COMPONENT_CLASSES = (
        KeyedTable.COMPONENT_CLASSES
        | {f"suggestion-table--{s}" for s in STATES}
        | {f"suggestion-table--{b}" for b in BANDS}
        | {"suggestion-table--mark"}
    )

    DEFAULT_CSS = """
    SuggestionTable {
        & > .suggestion-table--pending { color: $text; }
        & > .suggestion-table--accepted { color: $success; text-style: bold; }
        & > .suggestion-table--edited { color: $success; text-style: bold italic; }
        & > .suggestion-table--rejected { color: $text-muted; }
        & > .suggestion-table--applied { color: $text-success; }
        & > .suggestion-table--auto_applied { color: $text-success; }
        & > .suggestion-table--apply_failed { color: $error; text-style: bold; }
        & > .suggestion-table--stale { color: $warning; text-style: bold; }
        & > .suggestion-table--high { color: $text-success; }
        & > .suggestion-table--medium { color: $text-warning; }
        & > .suggestion-table--low { color: $text-error; }
        & > .suggestion-table--mark { color: $accent; text-style: bold; }
    }
    """

    def __init__(self, *, with_run: bool, id: str | None = None) -> None:
        super().__init__(suggestion_columns(with_run), empty_text="No suggestions here.", id=id)
        self.with_run = with_run

    def cells(self, key: str, row: tuple[SuggestionView, bool]) -> Sequence[str]:
        view, marked = row
        cells = [
            MARK if marked else "",
            str(view.id),
            SUGGESTION_WORDS.get(view.state, view.state),
            f"{view.confidence:.2f} {view.band}",
            view.target,
            one_line(view.proposed),
        ]
        if self.with_run:
            cells.insert(2, f"#{view.run_id}")
        return cells

    def inks(self, key: str, row: tuple[SuggestionView, bool]) -> Sequence[str | None]:
        view, _ = row
        inks: list[str | None] = ["mark", None, view.state, view.band, None, None]
        if self.with_run:
            inks.insert(2, None)
        return inks

    def sort_value(self, column: str, key: str, row: tuple[SuggestionView, bool]) -> Hashable:
        view, _ = row
        values: dict[str, Hashable] = {"id": view.id, "run": view.run_id, "confidence": view.confidence}
        return values[column] if column in values else super().sort_value(column, key, row)
