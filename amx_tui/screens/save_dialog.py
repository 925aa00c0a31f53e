"""The shape every form dialog shares: the core validates in a thread worker, the dialog stays open with the refusal.

Subclasses say what saving calls (`save_call`, built on the UI thread from the widgets, run in the worker)
and where a refusal goes (`show_error`); the dialog dismisses with whatever the core returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar, cast

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button

from amx_core.errors import AmxError
from amx_tui.widgets.form_field import FormField
from amx_tui.workers import deliver, first_line

Saved = TypeVar("Saved")


class SaveDialog(ModalScreen[Saved | None], Generic[Saved]):
    """`ctrl+s` / the Save button saves, `esc` / Cancel closes; dismisses with the saved view or None."""

    SAVE_BUTTON = "save"  # the id of the dialog's Save button
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, tooltip="Save (the core validates it)"),
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving"),
    ]

    class Done(Message):
        def __init__(self, view: object, error: AmxError | None) -> None:
            super().__init__()
            self.view = view
            self.error = error

    saving = False

    # --- what subclasses provide ------------------------------------------------------------------

    def save_call(self) -> Callable[[], Saved]:
        """The call that saves what the form holds (read here, on the UI thread); it runs in a worker."""
        raise NotImplementedError

    def show_error(self, error: AmxError) -> None:
        """Put the core's refusal where it belongs (beside its field, or on top)."""
        raise NotImplementedError

    def clear_errors(self) -> None:
        for field in self.query(FormField):
            field.set_error(None)

    # --- saving -------------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == self.SAVE_BUTTON:
            self.action_save()
        else:
            self.action_cancel()

    def dirty(self) -> bool:
        """Whether the user changed anything since the dialog opened (Esc then asks before discarding)."""
        return False

    def action_cancel(self) -> None:
        """Close without saving; a changed form asks first."""
        if not self.dirty():
            self.dismiss(None)
            return
        from amx_tui.screens.confirm import ConfirmDialog

        question = ConfirmDialog(
            "Discard your changes?", "What you typed in this dialog has not been saved.", "Discard", danger=True
        )
        self.app.push_screen(question, self._discard)

    def _discard(self, yes: bool | None) -> None:
        if yes:
            self.dismiss(None)

    def action_save(self) -> None:
        if self.saving:
            return
        self.clear_errors()
        try:
            call = self.save_call()
        except AmxError as exc:  # a refusal the core gives before anything is sent (e.g. a secret's name)
            self.show_error(exc)
            return
        self.saving = True
        self.query_one(f"#{self.SAVE_BUTTON}", Button).disabled = True
        self._save(call)

    @work(thread=True, exclusive=True, group="dialog-save", exit_on_error=False)
    def _save(self, call: Callable[[], Saved]) -> None:
        try:
            view = call()
        except AmxError as exc:
            deliver(self, self.Done(None, exc))
            return
        except Exception as exc:  # noqa: BLE001 - an unexpected failure still keeps the dialog open
            deliver(self, self.Done(None, AmxError(first_line(exc))))
            return
        deliver(self, self.Done(view, None))

    def on_save_dialog_done(self, message: SaveDialog.Done) -> None:
        message.stop()
        if message.error is None:
            self.dismiss(cast(Saved, message.view))  # what `save_call` returned
            return
        self.saving = False
        self.query_one(f"#{self.SAVE_BUTTON}", Button).disabled = False
        self.show_error(message.error)
