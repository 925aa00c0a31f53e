"""The base of the app's screens: the app's backend and its store, typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import getters
from textual.screen import Screen

if TYPE_CHECKING:
    from amx_core.store import Store
    from amx_tui.app import AmxApp
    from amx_tui.backend import Backend
    from amx_tui.widgets.keyed_table import KeyedTable


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

    # --- what every table offers (amx_tui.verbs.TABLE_VERBS) ---------------------------------------------

    def _focused_table(self) -> KeyedTable[Any] | None:
        from amx_tui.widgets.keyed_table import KeyedTable

        table = self.focused
        if isinstance(table, KeyedTable):
            return table
        tables = list(self.query(KeyedTable))
        return tables[0] if tables else None

    def action_sort_next(self) -> None:
        table = self._focused_table()
        if table is not None:
            table.cycle_sort()

    def action_sort_reverse(self) -> None:
        table = self._focused_table()
        if table is not None:
            table.reverse_sort()

    def action_copy_row(self) -> None:
        table = self._focused_table()
        key = table.cursor_key if table is not None else None
        if table is None or key is None:
            self.notify("No row is highlighted.", severity="warning")
            return
        text = "\t".join(table.cells(key, table.row(key)))
        self.app.copy_to_clipboard(text)
        self.notify("Copied the row (tab-separated).", markup=False, timeout=3)
