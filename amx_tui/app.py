"""The AMX Schedules app: owns the backend (injectable services) and the store, starts on the schedule list."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from amx_core.store import Store
from amx_tui.backend import Backend
from amx_tui.screens.help import HelpScreen
from amx_tui.screens.main import MainScreen
from amx_tui.screens.verb_screen import VerbScreen


def _history() -> Screen[None]:
    from amx_tui.screens.history import HistoryScreen

    return HistoryScreen()


def _review() -> Screen[None]:
    from amx_tui.screens.review import ReviewScreen

    return ReviewScreen()


def _profiles() -> Screen[None]:
    from amx_tui.screens.profiles import ProfilesScreen

    return ProfilesScreen()


# `navigate` targets: the whole-store views every screen reaches by key and palette (imported on first use).
DESTINATIONS: dict[str, Callable[[], Screen[None]]] = {"history": _history, "review": _review, "profiles": _profiles}


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
        self._store: Store | None = None
        self._store_lock = threading.Lock()

    def get_store(self) -> Store:
        """The store, opened (and migrated) on first use from whichever thread needs it first."""
        with self._store_lock:
            if self._store is None:
                self._store = self.backend.open_store()
            return self._store

    def on_mount(self) -> None:
        self.push_screen(MainScreen())

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        if isinstance(screen, VerbScreen):
            self.push_screen(HelpScreen(screen.VERBS, screen.GUIDE, screen.HELP_TITLE))
        else:
            self.push_screen(HelpScreen())

    def action_navigate(self, where: str) -> None:
        """Show a whole-store screen in place of any screen above the schedule list (`main` = just the list)."""
        while len(self.screen_stack) > 1 and not isinstance(self.screen, MainScreen):
            self.pop_screen()
        if where in DESTINATIONS:
            self.push_screen(DESTINATIONS[where]())
