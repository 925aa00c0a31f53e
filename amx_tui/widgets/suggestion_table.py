"""The review queue list: one row per suggestion, keyed by its id; a row object is (SuggestionView, marked)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text

from amx_core.services.review import STATES, SuggestionView
from amx_tui.formatting import SUGGESTION_WORDS, one_line, plain
from amx_tui.widgets.keyed_table import Column, KeyedTable

MARK = "◆"
RUN_COLUMN = Column("run", "Run", width=6)
SUGGESTION_COLUMNS = (
    Column("mark", " ", width=1),
    Column("id", "ID", width=6),
    Column("state", "State", width=14),
    Column("confidence", "Confidence", width=11),
    Column("target", "Target", ratio=2, min_width=16),
    Column("proposed", "Proposed", ratio=3, min_width=16, drop_order=1),
)
BANDS = ("high", "medium", "low")


def suggestion_columns(with_run: bool) -> tuple[Column, ...]:
    """The columns; the run's id only when the queue spans every run."""
    return (*SUGGESTION_COLUMNS[:2], RUN_COLUMN, *SUGGESTION_COLUMNS[2:]) if with_run else SUGGESTION_COLUMNS


class SuggestionTable(KeyedTable[tuple[SuggestionView, bool]]):
    """Suggestions with their state and band coloured (`suggestion-table--stale`, `suggestion-table--high`, ...)."""

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

    def _ink(self, name: str) -> Style:
        full = self.get_component_rich_style(f"suggestion-table--{name}")
        return Style(color=full.color, bold=full.bold, italic=full.italic)

    def _styled(self, text: str, ink: str) -> Text:
        cell = plain(text)
        cell.stylize(self._ink(ink))
        return cell

    def format_row(self, key: str, row: tuple[SuggestionView, bool]) -> Sequence[Text]:
        view, marked = row
        cells = [
            self._styled(MARK, "mark") if marked else plain(""),
            plain(str(view.id)),
            self._styled(SUGGESTION_WORDS.get(view.state, view.state), view.state),
            self._styled(f"{view.confidence:.2f} {view.band}", view.band),
            plain(view.target),
            plain(one_line(view.proposed)),
        ]
        if self.with_run:
            cells.insert(2, plain(f"#{view.run_id}"))
        return cells
