"""Add or edit a DB or LLM profile (one dialog for the four cases); the core validates, errors sit by their fields."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from amx_core.errors import AmxError, ValidationError
from amx_core.store import Store
from amx_tui.screens.profile_form import (
    ERROR_FIELDS,
    FIELDS,
    SECRET_SOURCES,
    FieldSpec,
    ProfileValues,
    core_call,
    form_values,
)
from amx_tui.screens.save_dialog import SaveDialog
from amx_tui.widgets.choice import Choice
from amx_tui.widgets.form_field import FormField
from amx_tui.widgets.profile_tables import ProfileView

KIND_WORDS = {"db": "DB profile", "llm": "LLM profile"}


def _controls(spec: FieldSpec, values: ProfileValues, editing: bool) -> tuple[Widget, ...]:
    """The widgets of one row: an Input, a Choice, or a secret's source Choice and name Input."""
    if spec.control == "secret":
        source, name = values.secrets[spec.key]
        return (
            Choice(SECRET_SOURCES, source, id=f"p-{spec.key}-source"),
            Input(name, id=f"p-{spec.key}-name", placeholder=spec.placeholder, compact=True, classes="secret-name"),
        )
    value = values.text[spec.key]
    if spec.control == "choice":
        return (Choice(list(spec.choices), value, id=f"p-{spec.key}"),)
    field = Input(value, id=f"p-{spec.key}", placeholder=spec.placeholder, compact=True)
    field.disabled = editing and spec.key == "name"  # a profile's name is its identity
    return (field,)


class ProfileDialog(SaveDialog[ProfileView]):
    """`ProfileDialog("db" | "llm", view=None)`: dismisses with the saved profile view, or None when cancelled."""

    AUTO_FOCUS = "Input:enabled"
    SAVE_BUTTON = "profile-save"

    def __init__(self, kind: str, view: ProfileView | None, store_getter: Callable[[], Store]) -> None:
        super().__init__(classes="dialog-screen")
        self.kind = kind
        self.view = view
        self.store_getter = store_getter
        self.values = form_values(kind, view)
        self.initial = self.values if view is not None else None

    def compose(self) -> ComposeResult:
        words = KIND_WORDS[self.kind]
        title = f"New {words}" if self.view is None else f"Edit {words} “{self.view.name}”"
        with Vertical(id="profile-dialog", classes="dialog"):
            yield Static(Text(title), classes="dialog-title")
            yield Static("", id="profile-form-error", classes="form-error hidden", markup=False)
            with VerticalScroll(id="profile-form"):
                for spec in FIELDS[self.kind]:
                    controls = _controls(spec, self.values, self.view is not None)
                    row = FormField(spec.label, *controls, key=spec.key, hint=spec.hint)
                    row.set_class(spec.control == "secret", "-secret")
                    yield row
            with Horizontal(classes="dialog-buttons"):
                yield Static("ctrl+s save · esc cancel · tab next field", classes="dialog-keys", markup=False)
                yield Button("Cancel", id="profile-cancel")
                yield Button("Save", id="profile-save", variant="primary")

    def dirty(self) -> bool:
        return self.read_values() != self.values

    def field(self, key: str) -> FormField:
        return self.query_one(f"#field-{key}", FormField)

    def read_values(self) -> ProfileValues:
        values = ProfileValues({}, {})
        for spec in FIELDS[self.kind]:
            if spec.control == "secret":
                source = self.query_one(f"#p-{spec.key}-source", Choice).value
                values.secrets[spec.key] = (source, self.query_one(f"#p-{spec.key}-name", Input).value)
            elif spec.control == "choice":
                values.text[spec.key] = self.query_one(f"#p-{spec.key}", Choice).value
            else:
                values.text[spec.key] = self.query_one(f"#p-{spec.key}", Input).value
        return values

    # --- editing clears the field's error -------------------------------------------------------------

    @on(Input.Changed)
    @on(Choice.Changed)
    def _edited(self, event: Input.Changed | Choice.Changed) -> None:
        key = (event.control.id or "").removeprefix("p-").removesuffix("-source").removesuffix("-name")
        if any(spec.key == key for spec in FIELDS[self.kind]):
            self.field(key).set_error(None)

    # --- saving ---------------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def clear_errors(self) -> None:
        super().clear_errors()
        self._note(None)

    def save_call(self) -> Callable[[], ProfileView]:
        call = core_call(self.kind, self.read_values(), self.initial)
        return lambda: call(self.store_getter())

    def show_error(self, error: AmxError) -> None:
        """The core's message beside its field, or on top when no field of this form matches."""
        if isinstance(error, ValidationError):
            key = ERROR_FIELDS.get(error.field)
            if key is not None and any(spec.key == key for spec in FIELDS[self.kind]):
                self.field(key).set_error(error.detail)
                control = self.field(key).controls[-1 if key in ("password", "api_key") else 0]
                if not control.disabled:
                    control.focus()
                return
        self._note(f"✗ {error.message}")

    def _note(self, text: str | None) -> None:
        note = self.query_one("#profile-form-error", Static)
        note.update(Text(text or ""))
        note.set_class(text is None, "hidden")
