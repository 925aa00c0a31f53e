"""A one-line choice between a few options (`◉ Cron-based  ○ Change-triggered`): one widget, keys and clicks.

Lighter than a RadioSet of RadioButtons (one widget instead of three), which keeps the dialog quick to open.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Choice(Widget, can_focus=True):
    """Options as (value, label); `value` is the chosen one. ←/→ choose, clicks choose; space does nothing (it
    used to step on, so → then space landed back on the first option)."""

    BINDINGS = [
        Binding("left,up", "step(-1)", "Previous option", show=False),
        Binding("right,down", "step(1)", "Next option", show=False),
    ]

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
        background: $boost;
        &:focus { background-tint: $foreground 8%; }
        & > .choice--chosen { color: $text-accent; text-style: bold; }
        & > .choice--other { color: $text-muted; }
    }
    """

    COMPONENT_CLASSES = {"choice--chosen", "choice--other"}

    index: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, choice: Choice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(self, options: list[tuple[str, str]], value: str | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.options = options
        values = [v for v, _ in options]
        self.set_reactive(Choice.index, values.index(value) if value in values else 0)

    @property
    def value(self) -> str:
        return self.options[self.index][0]

    @value.setter
    def value(self, value: str) -> None:
        self.index = [v for v, _ in self.options].index(value)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, (_, label) in enumerate(self.options):
            chosen = i == self.index
            style = self.get_component_rich_style("choice--chosen" if chosen else "choice--other", partial=True)
            text.append(f"{'◉' if chosen else '○'} {label}", style + Style.from_meta({"@click": f"choose({i})"}))
            text.append("   ")
        return text

    def watch_index(self) -> None:
        self.post_message(self.Changed(self, self.value))

    def action_step(self, delta: int) -> None:
        self.index = (self.index + delta) % len(self.options)

    def action_choose(self, index: int) -> None:
        self.index = index
        self.focus()
