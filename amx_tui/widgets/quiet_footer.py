"""A Footer that fits its width: `q` and F1 always show, the screen's own keys as room allows; it rebuilds once
per burst of binding changes, and not while another screen covers it.

Textual's Footer lays every key in a row and lets the right end fall off (at 80 columns `q Quit` and `f1 Help`
vanished), and it recomposes on every focus or screen-stack change: opening a screen caused three or four
rebuilds in a row, about a fifth of the time the review queue took to open (bench/tui_review.py).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

ALWAYS = ("q", "f1")  # shown whatever the width, at the right end
ROOMY = ("h", "H", "v", "P")  # not marked for the Footer, shown when there is room to spare
PALETTE_WIDTH = 14
COMPACT_BELOW = 120


def key_width(key: str, description: str, compact: bool) -> int:
    """Cells one FooterKey takes: `key description` with the Footer's padding (compact: a margin instead)."""
    return len(key) + len(description) + (2 if compact else 3)


def fit(items: list[tuple[Binding, str, bool, str]], width: int, compact: bool) -> list[tuple[Binding, str, bool, str]]:
    """Which keys show in `width` cells: the ALWAYS ones, then the screen's own in order, then ROOMY ones."""
    always = [item for item in items if item[0].key in ALWAYS]
    own = [item for item in items if item[0].key not in ALWAYS and item[0].show]
    roomy = [item for item in items if item[0].key in ROOMY and not item[0].show]
    room = width - sum(key_width(key, b.description, compact) for b, key, _, _ in always)
    chosen: list[tuple[Binding, str, bool, str]] = []
    for item in own + roomy:
        cost = key_width(item[1], item[0].description, compact)
        if cost <= room:
            chosen.append(item)
            room -= cost
        elif item in own:
            room = -1  # keep the screen's keys in order: none after one that did not fit
    return chosen + always


class QuietFooter(Footer):
    """Drop-in Footer: the same keys, chosen to fit, fewer rebuilds."""

    _pending = False
    _stale = False
    _built_width = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        width = self.size.width or self.app.size.width
        self._built_width = width
        self.compact = width < COMPACT_BELOW
        items: list[tuple[Binding, str, bool, str]] = []
        seen: set[str] = set()
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            shown = binding.show or binding.key in ROOMY
            if not shown or binding.action in seen or binding.key == self.app.COMMAND_PALETTE_BINDING:
                continue
            seen.add(binding.action)
            items.append((binding, self.app.get_key_display(binding), enabled, tooltip))
        for binding, display, enabled, tooltip in fit(items, width - PALETTE_WIDTH, self.compact):
            yield FooterKey(
                binding.key, display, binding.description, binding.action, disabled=not enabled, tooltip=tooltip
            ).data_bind(compact=Footer.compact)
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _node, binding, enabled, tooltip = palette
                yield FooterKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )

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

    def on_resize(self) -> None:
        if self._bindings_ready and self.size.width != self._built_width and not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

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
