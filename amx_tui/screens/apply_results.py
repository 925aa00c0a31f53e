"""What `apply` did, per suggestion: applied, stale (nothing written), or apply_failed in the database's words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from amx_core.services.review import ApplyResult
from amx_tui.formatting import SUGGESTION_WORDS, one_line
from amx_tui.widgets.keyed_table import Column, KeyedTable

STALE_HELP = (
    "Stale: the database text changed since the suggestion was made, so nothing was written; its current "
    "text now shows what the database holds. Accept it again to replace that text."
)
RESULT_COLUMNS = (
    Column("state", "Result", min_width=10, max_width=26),
    Column("id", "ID", min_width=4, max_width=8),
    Column("target", "Target", min_width=14, max_width=50, grow=2),
    Column("detail", "Detail", min_width=20, grow=3),
)
RESULT_INKS = {True: "ok", False: "failed"}


def result_summary(results: Sequence[ApplyResult]) -> str:
    """`3 applied · 1 stale · 1 apply failed` (in that order, then anything else)."""
    counts = Counter(r.state for r in results)
    order = ["applied", "stale", "apply_failed", *sorted(set(counts) - {"applied", "stale", "apply_failed"})]
    return " · ".join(f"{counts[s]} {s.replace('_', ' ')}" for s in order if counts[s])


class ResultTable(KeyedTable[ApplyResult]):
    """ApplyResult rows keyed by suggestion id; what went wrong in the database's own words."""

    INK_PREFIX = "result-table"
    COMPONENT_CLASSES = KeyedTable.COMPONENT_CLASSES | {
        "result-table--ok",
        "result-table--stale",
        "result-table--failed",
    }
    DEFAULT_CSS = """
    ResultTable {
        & > .result-table--ok { color: $text-success; text-style: bold; }
        & > .result-table--stale { color: $text-warning; text-style: bold; }
        & > .result-table--failed { color: $text-error; text-style: bold; }
    }
    """

    def cells(self, key: str, result: ApplyResult) -> Sequence[str]:
        word = SUGGESTION_WORDS.get(result.state, result.state)
        if not result.ok and result.state in ("accepted", "edited", "pending", "rejected"):
            word = f"✗ not applied ({result.state})"
        detail = result.error or result.note or (result.sql or "")
        return (word, str(result.id), result.target, one_line(detail))

    def inks(self, key: str, result: ApplyResult) -> Sequence[str | None]:
        ink = "stale" if result.state == "stale" else RESULT_INKS[bool(result.ok)]
        return (ink, None, None, None)

    def sort_value(self, column: str, key: str, result: ApplyResult) -> Hashable:
        return result.id if column == "id" else super().sort_value(column, key, result)


class ApplyResultsDialog(ModalScreen[None]):
    """Shows every ApplyResult; enter or escape closes it."""

    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, results: Sequence[ApplyResult]) -> None:
        super().__init__(classes="dialog-screen")
        self.results = list(results)

    def compose(self) -> ComposeResult:
        with Vertical(id="apply-dialog", classes="dialog"):
            yield Static(Text(f"Apply: {result_summary(self.results) or 'nothing to apply'}"), classes="dialog-title")
            if any(r.state == "stale" for r in self.results):
                yield Static(Text(STALE_HELP), classes="dialog-body")
            yield ResultTable(RESULT_COLUMNS, empty_text="Nothing was accepted or edited.", id="apply-results")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="apply-close", variant="primary")

    def on_mount(self) -> None:
        table = self.query_one(ResultTable)
        table.set_rows([(str(r.id), r) for r in self.results])
        table.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
