"""A row of filter chips drawn by one widget: `State  1 Pending 52  2 Accepted 2 …   showing 54 of 54 · every state`.

The same toggles as FilterChips (none active = everything; a click, or the screen's number key, toggles one),
but one widget instead of one per chip: the review queue has ten chips, and every widget costs the
screen time to open (bench/tui_review.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget


class ChipRow(Widget):
    """`ChipRow(chips, label=…, everything=…)` with chips as (key, number key, label); `active` is what shows."""

    DEFAULT_CSS = """
    ChipRow {
        height: 1;
        & > .chip-row--label { color: $text-muted; }
        & > .chip-row--chip { background: $boost; color: $text-muted; }
        & > .chip-row--active { background: $accent-muted; color: $text; text-style: bold; }
        & > .chip-row--summary { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES = {"chip-row--label", "chip-row--chip", "chip-row--active", "chip-row--summary"}

    class Changed(Message):
        """The active set changed."""

        def __init__(self, row: ChipRow, active: frozenset[str]) -> None:
            super().__init__()
            self.row = row
            self.active = active

        @property
        def control(self) -> ChipRow:
            return self.row

    def __init__(
        self, chips: Sequence[tuple[str, str, str]], *, label: str, everything: str, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.specs = tuple(chips)
        self.label = label
        self.everything = everything
        self.active: frozenset[str] = frozenset()
        self.counts: dict[str, int] = {}
        self.summary = ""
        self._spans: list[tuple[int, int, str]] = []  # (first cell, end cell, key) of each chip as last drawn

    def count(self, key: str) -> int:
        return self.counts.get(key, 0)

    def toggle(self, key: str) -> frozenset[str]:
        self.active = self.active ^ {key}
        self.refresh()
        self.post_message(self.Changed(self, self.active))
        return self.active

    def show_counts(self, counts: dict[str, int], shown: int | None = None, total: int | None = None) -> None:
        """Each chip's count; with `shown` and `total`, the summary at the right end too."""
        self.counts = dict(counts)
        if shown is not None:
            which = (
                self.everything
                if not self.active
                else " + ".join(label for key, _, label in self.specs if key in self.active)
            )
            self.summary = f"showing {shown} of {total} · {which}"
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(f"{self.label} ", self.get_component_rich_style("chip-row--label"))
        spans = []
        for key, number, label in self.specs:
            style = self.get_component_rich_style("chip-row--active" if key in self.active else "chip-row--chip")
            start = text.cell_len
            text.append(f" {number} {label} ", style)
            text.append(str(self.count(key)), style + Style(bold=True))
            text.append(" ", style)
            spans.append((start, text.cell_len, key))
            text.append("  ")
        self._spans = spans
        gap = max(1, self.size.width - text.cell_len - len(self.summary))
        text.append(" " * gap)
        text.append(self.summary, self.get_component_rich_style("chip-row--summary"))
        return text

    def on_click(self, event: events.Click) -> None:
        """A click on a chip toggles it (found by where the last render drew it)."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for start, end, key in self._spans:
            if start <= offset.x < end:
                event.stop()
                self.toggle(key)
                return
