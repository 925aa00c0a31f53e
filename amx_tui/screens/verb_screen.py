"""The base of the screens above the list: keys, Footer, palette and F1 all come from one verbs table."""

from __future__ import annotations

from typing import Any

from amx_tui.commands import VerbCommands
from amx_tui.screens.app_screen import AppScreen
from amx_tui.verbs import Verb, verb_bindings


class VerbScreen(AppScreen):
    """Subclasses set `VERBS` (amx_tui.verbs), `GUIDE` (F1 notes) and `HELP_TITLE`; `esc` goes back."""

    COMMANDS = {VerbCommands}
    VERBS: tuple[Verb, ...] = ()
    GUIDE = ""
    HELP_TITLE = "AMX"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "VERBS" in cls.__dict__:  # before Textual merges the class's BINDINGS (in its __init_subclass__)
            cls.BINDINGS = list(verb_bindings(cls.VERBS))
        super().__init_subclass__(**kwargs)

    def action_back(self) -> None:
        self.app.pop_screen()
