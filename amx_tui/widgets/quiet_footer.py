"""A Footer that rebuilds its keys once per burst of binding changes, and not while another screen covers it.

Textual's Footer recomposes (a dozen widgets restyled) on every focus or screen-stack change; opening a
screen causes three or four of them in a row, plus one on the covered screen's Footer. That was about
a fifth of the time the review queue took to open (bench/tui_review.py).
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class QuietFooter(Footer):
    """Drop-in Footer: the same keys, fewer rebuilds."""

    _pending = False
    _stale = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if screen is not self.app.screen:  # covered: catch up when it is on top again
            self._stale = True
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        await self.recompose()

    def on_mount(self) -> None:
        super().on_mount()
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def on_unmount(self) -> None:
        super().on_unmount()
        self.app.screen_change_signal.unsubscribe(self)

    def _screen_changed(self, screen: Screen) -> None:
        if self._stale and screen is self.screen:
            self._stale = False
            self.bindings_changed(screen)
