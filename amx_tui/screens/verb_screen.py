"""The base of the screens above the list: keys, Footer, palette and F1 all come from one verbs table."""

from __future__ import annotations

from textual.screen import Screen

from amx_tui.commands import VerbCommands
from amx_tui.verbs import Verb, verb_bindings


class VerbScreen(Screen):
    """Subclasses set `VERBS` (amx_tui.verbs), `GUIDE` (F1 notes) and `HELP_TITLE`; `esc` goes back."""

    COMMANDS = {VerbCommands}
    VERBS: tuple[Verb, ...] = ()
    GUIDE = ""
    HELP_TITLE = "AMX"

    def __init_subclass__(cls, **kwargs) -> None:
        if "VERBS" in cls.__dict__:  # before Textual merges the class's BINDINGS (in its __init_subclass__)
            cls.BINDINGS = list(verb_bindings(cls.VERBS))
        super().__init_subclass__(**kwargs)

    @property
    def backend(self):
        return self.app.backend

    def store(self):
        """The app's store (thread workers call this)."""
        return self.app.get_store()

    def action_back(self) -> None:
        self.app.pop_screen()
