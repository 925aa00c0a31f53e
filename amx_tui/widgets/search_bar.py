"""The list's `/` filter: one line of text matched against name, scope and profiles as it is typed."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    """Posts `Typed` on every edit; `enter` keeps the filter and gives the focus back, `esc` clears it."""

    BINDINGS = [
        Binding("escape", "clear_search", "Clear filter", tooltip="Clear the filter and show every schedule"),
        Binding("enter", "done", "Keep filter", show=False),
        Binding("down", "done", "To the list", show=False),
    ]

    class Typed(Message):
        """The filter's text changed (Input's own Changed is stopped here)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Done(Message):
        """Typing is over (the filter stays unless it was cleared)."""

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id, compact=True)

    def on_mount(self) -> None:
        self.display = False

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Typed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()

    def action_clear_search(self) -> None:
        self.value = ""
        self.post_message(self.Done())

    def action_done(self) -> None:
        self.post_message(self.Done())
