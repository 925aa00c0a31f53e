"""Filter chips above the schedule list: Pending / Paused / Failed toggles with counts; none active means all."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

CHIP_STATUSES = ("pending", "paused", "failed")


class Chip(Static):
    """One clickable status chip: `1 Pending 12`."""

    active: reactive[bool] = reactive(False, toggle_class="-active")

    def __init__(self, status: str, number: int) -> None:
        super().__init__(id=f"chip-{status}", classes=f"chip chip-{status}", markup=False)
        self.status = status
        self.number = number
        self.count = 0
        self._shown = False

    def show_count(self, count: int) -> None:
        if count == self.count and self._shown:
            return  # unchanged: no re-render, no layout pass
        self.count = count
        self._shown = True
        self.update(Text.assemble(f" {self.number} ", (self.status.capitalize(), ""), " ", (str(count), "bold"), " "))

    def on_mount(self) -> None:
        self.show_count(0)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(FilterChips.Toggled(self.status))


class FilterChips(Horizontal):
    """The chip row; `statuses` is what the list shows (empty: every status)."""

    class Toggled(Message):
        def __init__(self, status: str) -> None:
            super().__init__()
            self.status = status

    class Changed(Message):
        """The active set changed (after a toggle)."""

        def __init__(self, active: frozenset[str]) -> None:
            super().__init__()
            self.active = active

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active: frozenset[str] = frozenset()

    def compose(self) -> ComposeResult:
        yield Static("Filter", classes="chips-label", markup=False)
        for number, status in enumerate(CHIP_STATUSES, 1):
            yield Chip(status, number)
        yield Static("", id="chips-summary", markup=False)

    def chip(self, status: str) -> Chip:
        return self.query_one(f"#chip-{status}", Chip)

    def toggle(self, status: str) -> frozenset[str]:
        self.active = self.active ^ {status}
        self.chip(status).active = status in self.active
        self.post_message(self.Changed(self.active))
        return self.active

    def on_filter_chips_toggled(self, message: FilterChips.Toggled) -> None:
        message.stop()
        self.toggle(message.status)

    def show_counts(self, counts: dict[str, int], shown: int, total: int, search: str = "") -> None:
        for status in CHIP_STATUSES:
            self.chip(status).show_count(counts.get(status, 0))
        which = (
            "all statuses" if not self.active else " + ".join(s.capitalize() for s in CHIP_STATUSES if s in self.active)
        )
        matching = f" · “{search}”" if search.strip() else ""
        summary = self.query_one("#chips-summary", Static)
        summary.update(
            Text(f"showing {shown} of {total} · {which}{matching}", no_wrap=True, overflow="ellipsis"), layout=False
        )  # its width is 1fr
