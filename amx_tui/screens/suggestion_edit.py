"""Edit a suggestion's text in a multi-line editor: the current database text and the alternatives beside it.

Saving calls the core's `edit_suggestion` in a thread worker; the core's refusal (empty text, too long,
a suggestion that may no longer change) appears under the editor and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from amx_core.errors import AmxError, ValidationError
from amx_core.services.review import SuggestionView
from amx_tui.formatting import one_line
from amx_tui.screens.save_dialog import SaveDialog
from amx_tui.widgets.form_field import FormField


class EditSuggestionDialog(SaveDialog[SuggestionView]):
    """Dismisses with the edited SuggestionView, or None when cancelled. `save(id, text)` runs in a worker."""

    AUTO_FOCUS = "#edit-text"
    SAVE_BUTTON = "edit-save"

    def __init__(self, view: SuggestionView, save: Callable[[int, str], SuggestionView]) -> None:
        super().__init__(classes="dialog-screen")
        self.view = view
        self.save = save

    def compose(self) -> ComposeResult:
        view = self.view
        with Vertical(id="edit-dialog", classes="dialog"):
            yield Static(Text(f"Edit suggestion #{view.id}: {view.target}"), classes="dialog-title")
            yield Static(
                Text(f"Current text in the database: {view.current or '(none)'}"),
                id="edit-current",
                classes="dialog-body",
            )
            yield FormField(
                "Description",
                TextArea(view.proposed, id="edit-text", soft_wrap=True),
                key="text",
                hint="your text replaces the proposal; the model's text stays among the alternatives",
            )
            if view.alternatives:
                yield Static("Alternatives (enter copies one into the editor)", classes="pane-title", markup=False)
                options = [Option(Text(one_line(alt)), id=str(i)) for i, alt in enumerate(view.alternatives)]
                with VerticalScroll(id="edit-alternatives-pane"):
                    yield OptionList(*options, id="edit-alternatives")
            with Horizontal(classes="dialog-buttons"):
                yield Static("ctrl+s save · esc cancel · tab next", classes="dialog-keys", markup=False)
                yield Button("Cancel", id="edit-cancel")
                yield Button("Save", id="edit-save", variant="primary")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#edit-text", TextArea)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.editor.text = self.view.alternatives[event.option_index]
        self.editor.focus()

    def dirty(self) -> bool:
        return self.editor.text != self.view.proposed

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        self.query_one("#field-text", FormField).set_error(None)

    def save_call(self) -> Callable[[], SuggestionView]:
        suggestion_id, text = self.view.id, self.editor.text
        return lambda: self.save(suggestion_id, text)

    def show_error(self, error: AmxError) -> None:
        detail = error.detail if isinstance(error, ValidationError) and error.field == "text" else error.message
        self.query_one("#field-text", FormField).set_error(detail)
        self.editor.focus()
