"""One labelled form row on a grid: label and control side by side, then one line for the hint or the core's error.

Hint and error share that line (an error replaces the hint): three widgets and the control per field,
which keeps the dialog quick to open.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Static


class FormField(Grid):
    """`FormField("Fire at (local)", Input(id="at"), key="at")`; `set_error` shows the core's message under it."""

    def __init__(self, label: str, *controls: Widget, key: str, hint: str = "") -> None:
        super().__init__(id=f"field-{key}", classes="form-field")
        self.label = label
        self.controls = controls
        self.key = key
        self._hint = hint
        self._warning = False
        self._error: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.label), classes="field-label")
        yield from self.controls
        yield Static(self._message(), id=f"message-{self.key}", classes="field-message")

    def on_mount(self) -> None:
        columns = 1 + len(self.controls)
        self.styles.grid_size_columns = columns
        self.query_one(f"#message-{self.key}").styles.column_span = columns
        self._show()

    @property
    def error(self) -> str | None:
        return self._error

    @property
    def hint_text(self) -> str:
        return self._hint

    def set_error(self, message: str | None) -> None:
        if message == self._error:
            return
        self._error = message
        self._show()

    def set_hint(self, hint: str, warning: bool = False) -> None:
        if (hint, warning) == (self._hint, self._warning):
            return
        self._hint, self._warning = hint, warning
        self._show()

    def _message(self) -> Text:
        if self._error:
            return Text(f"✗ {self._error}")
        return Text(self._hint)

    def _show(self) -> None:
        try:
            message = self.query_one(f"#message-{self.key}", Static)
        except NoMatches:  # not composed yet: on_mount shows it
            return
        message.update(self._message())
        message.display = bool(self._error or self._hint)
        message.set_class(bool(self._error), "-error")
        message.set_class(self._warning and not self._error, "-warning")
        self.set_class(bool(self._error), "-invalid")
