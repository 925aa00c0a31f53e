"""The base of the app's screens: the app's backend and its store, typed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import getters
from textual.screen import Screen

if TYPE_CHECKING:
    from amx_core.store import Store
    from amx_tui.app import AmxApp
    from amx_tui.backend import Backend


class AppScreen(Screen[None]):
    """A screen of AmxApp: `backend` and `store()` are the app's (tests give the app a Backend with fakes)."""

    if TYPE_CHECKING:  # the app's own type for the checker; at run time Textual's `app` property
        app = getters.app(AmxApp)

    @property
    def backend(self) -> Backend:
        return self.app.backend

    def store(self) -> Store:
        """The app's store, opened on first use (thread workers call this)."""
        return self.app.get_store()
