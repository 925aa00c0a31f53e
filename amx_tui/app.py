"""The AMX Schedules app: owns the backend (injectable services) and the store, starts on the schedule list."""

from __future__ import annotations

import threading

from textual.app import App
from textual.binding import Binding

from amx_tui.backend import Backend
from amx_tui.screens.help import HelpScreen
from amx_tui.screens.main import MainScreen


class AmxApp(App[None]):
    """`AmxApp(Backend(...))`; tests pass a Backend with a fake daemon, a fixed clock and no tick subprocess."""

    CSS_PATH = "app.tcss"
    TITLE = "AMX Schedules"
    BINDINGS = [
        Binding("f1", "help", "Help", tooltip="Keys, CLI equivalents and how scheduling works"),
    ]

    def __init__(self, backend: Backend | None = None) -> None:
        super().__init__()
        self.backend = backend or Backend()
        self._store = None
        self._store_lock = threading.Lock()

    def get_store(self):
        """The store, opened (and migrated) on first use from whichever thread needs it first."""
        with self._store_lock:
            if self._store is None:
                self._store = self.backend.open_store()
            return self._store

    def on_mount(self) -> None:
        self.push_screen(MainScreen())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
